"""The FAQ: answer a member's common question before a human is involved, and sum up for the
human what the bot already knew when it hands over.

Matching is by the configured keywords (``community.faq``), whole words or phrases, ignoring
case and accents, in any language the keywords are written in: ``envio`` matches "Envío".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from earful.config import FaqEntry


@dataclass(frozen=True, slots=True)
class FaqAnswer:
    """The FAQ entry a question matched, and which of its keywords were found."""

    topic: str
    answer: str
    keywords: tuple[str, ...]


def fold(text: str) -> str:
    """``text`` without case or accents: ``fold("¿Dónde ESTÁ?") == "¿donde esta?"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1024)
def _pattern(keyword: str) -> re.Pattern[str]:
    # Words of a phrase may be split by any run of spaces or punctuation ("order-status").
    words = [re.escape(word) for word in re.findall(r"\w+", fold(keyword))]
    return re.compile(r"(?<!\w)" + r"\W+".join(words) + r"(?!\w)") if words else re.compile(r"$^")


def _found(folded: str, entry: FaqEntry) -> tuple[str, ...]:
    return tuple(k for k in entry.keywords if _pattern(k).search(folded))


def answer(text: str, faq: Sequence[FaqEntry]) -> FaqAnswer | None:
    """The FAQ entry whose keywords ``text`` names most (the first in the config on a tie), or
    None when it names none.

    Example::

        answer("¿Dónde está mi pedido?", settings.community.faq)
        # FaqAnswer(topic='order status', answer='…', keywords=('donde esta mi pedido',))
    """
    folded = fold(text)
    best: FaqAnswer | None = None
    for entry in faq:
        found = _found(folded, entry)
        if found and (best is None or len(found) > len(best.keywords)):
            best = FaqAnswer(entry.topic, entry.answer, found)
    return best


def handoff_summary(messages: Sequence[str], faq: Sequence[FaqEntry] = (), *,
                    answered: FaqAnswer | None = None, language: str | None = None,
                    reason: str | None = None) -> str:
    """A few lines for the human taking over a support thread: the topic guessed from all the
    member's ``messages`` (oldest first), the language, the first question, and what the FAQ
    already answered (``answered``), with why the bot handed over (``reason``).

    Example::

        handoff_summary(["Where is my order?", "It did not help"], faq,
                        answered=faq_answer, language="en", reason="the member said the "
                        "answer did not help")
    """
    texts = [" ".join(m.split()) for m in messages if m and m.strip()]
    guess = answer(" ".join(texts), faq) if texts else None
    first = texts[0] if texts else ""
    if len(first) > 200:
        first = first[:199] + "…"
    topic = (f"{guess.topic} (from {', '.join(repr(k) for k in guess.keywords)})" if guess
             else "unknown (no FAQ keyword)")
    lines = [
        f"Handoff: {reason or 'the FAQ has no answer'}.",
        f"Topic: {topic}",
        f"Language: {language or 'unknown'}",
        f"First question: “{first}”",
        f"FAQ already answered: {answered.topic} — “{_short(answered.answer)}”" if answered
        else "FAQ already answered: nothing",
        f"Messages from the member: {len(texts)}",
    ]
    return "\n".join(lines)


def _short(text: str, width: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"

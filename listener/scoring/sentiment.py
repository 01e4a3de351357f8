"""VADER sentiment with a customer-service lexicon layer.

VADER is English-only, and scores 0 for words like "crashing" or "ripoff" and for emoji such as
😡 or 👎. The layer (``data/lexicon_cs.tsv`` and ``data/emoji_cs.tsv``) adds those on VADER's own
scale; ``benchmarks/evaluate.py`` checks that VADER's correlation with its human ground truth does
not drop. Text in other languages is not given an English score: only its emoji are scored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    N_SCALAR,
    NEGATE,
    SentimentIntensityAnalyzer,
    SentiText,
)

SCORED_LANGUAGES = frozenset({"en", "und"})
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NEGATE = frozenset(NEGATE)


def _negated(word: str) -> bool:
    return word in _NEGATE or "n't" in word


def _table(name: str) -> list[tuple[str, str]]:
    text = resources.files("listener.scoring").joinpath("data", name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("\t")
            rows.append((key, value.strip()))
    return rows


class FastVader(SentimentIntensityAnalyzer):
    """VADER with the same scores, minus its character-by-character emoji pass.

    ``polarity_scores`` rebuilds every text one character at a time to swap emoji for their
    descriptions; most posts are ASCII and have none, and a regex does the same swap for the
    rest. ``benchmarks/evaluate.py`` and the tests check the scores equal VADER's own.
    """

    def _describe(self, text: str) -> str:
        parts: list[str] = []
        last = 0
        for found in _NON_ASCII.finditer(text):
            description = self.emojis.get(found.group())
            if description is None:
                continue
            start = found.start()
            parts.append(text[last:start])
            # VADER puts a space before a description unless one is already there.
            if start and text[start - 1] != " ":
                parts.append(" ")
            parts.append(description)
            last = start + 1
        parts.append(text[last:])
        return "".join(parts)

    @staticmethod
    def _negation_check(valence: float, words_and_emoticons: list[str], start_i: int,
                        i: int) -> float:
        # VADER's own lowercases the whole post for every sentiment word; only the three words
        # before it are ever read.
        def low(k: int) -> str:
            return str(words_and_emoticons[k]).lower()

        if start_i == 0:
            if _negated(low(i - 1)):
                valence = valence * N_SCALAR
        elif start_i == 1:
            two, one = low(i - 2), low(i - 1)
            if two == "never" and (one == "so" or one == "this"):
                valence = valence * 1.25
            elif two == "without" and one == "doubt":
                pass
            elif _negated(two):
                valence = valence * N_SCALAR
        elif start_i == 2:
            three, two, one = low(i - 3), low(i - 2), low(i - 1)
            if (three == "never" and (two == "so" or two == "this")) or (
                    one == "so" or one == "this"):
                valence = valence * 1.25
            elif three == "without" and (two == "doubt" or one == "doubt"):
                pass
            elif _negated(three):
                valence = valence * N_SCALAR
        return valence

    def polarity_scores(self, text: str) -> dict[str, float]:
        text = (text if text.isascii() else self._describe(text)).strip()
        sentitext = SentiText(text)
        sentiments: list[float] = []
        words_and_emoticons = sentitext.words_and_emoticons
        last = len(words_and_emoticons) - 1
        for i, item in enumerate(words_and_emoticons):
            lowered = item.lower()
            if lowered in BOOSTER_DICT or (
                    i < last and lowered == "kind"
                    and words_and_emoticons[i + 1].lower() == "of"):
                sentiments.append(0)
                continue
            sentiments = self.sentiment_valence(0, sentitext, item, i, sentiments)
        sentiments = self._but_check(words_and_emoticons, sentiments)
        return self.score_valence(sentiments, text)


@dataclass(slots=True, frozen=True)
class Sentiment:
    compound: float | None
    positive: float | None
    neutral: float | None
    negative: float | None
    label: str  # positive | neutral | negative | unscored
    basis: str  # text | emoji | none


class SentimentScorer:
    """VADER plus the lexicon layer; one instance is reused for every post."""

    def __init__(self, positive: float = 0.05, negative: float = -0.05,
                 lexicon_layer: bool = True) -> None:
        self.analyzer = FastVader()
        self.positive, self.negative = positive, negative
        if lexicon_layer:
            self.analyzer.lexicon.update((word, float(v)) for word, v in _table("lexicon_cs.tsv"))
            self.analyzer.emojis.update(_table("emoji_cs.tsv"))
        self._emojis = self.analyzer.emojis

    def label(self, compound: float) -> str:
        if compound >= self.positive:
            return "positive"
        if compound <= self.negative:
            return "negative"
        return "neutral"

    def score(self, text: str, language: str = "en") -> Sentiment:
        """Score English (or undetermined) text; for other languages score only its emoji."""
        if language in SCORED_LANGUAGES:
            basis, target = "text", text
        else:
            emojis = [char for char in text if char in self._emojis]
            if not emojis:
                return Sentiment(None, None, None, None, "unscored", "none")
            basis, target = "emoji", " ".join(emojis)
        scores = self.analyzer.polarity_scores(target)
        compound = scores["compound"]
        return Sentiment(compound, scores["pos"], scores["neu"], scores["neg"],
                         self.label(compound), basis)

"""Run a query on one post, here: the judge of what is stored, whatever a platform returned.

Words are compared case-insensitively on word boundaries: ``refund*`` matches "Refunds",
``kestrel`` matches "Kestrel's" and "#kestrel" but not "kestrelcam"; ``#kestrel`` and
``@kestrelhelp`` match only the hashtag or the handle. ``a NEAR/3 b`` matches when at most three
words stand between them, in either order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat
from typing import Any, Generic, TypeVar

from earful.models import Post
from earful.query.syntax import And, Field, Near, Node, Not, Or, Phrase, Term

_TOKEN = re.compile(r"[@#]?\w+(?:'\w+)*")
_LINK = re.compile(r"https?://|www\.\w", re.IGNORECASE)


def _folded(text: str) -> str:
    return text.lower().replace("’", "'")


def tokens(text: str) -> list[str]:
    """The words of ``text`` as the query sees them (lower case, ``@``/``#`` kept)."""
    return _TOKEN.findall(_folded(text))


_T = TypeVar("_T")


class _cached(Generic[_T]):
    """``functools.cached_property`` without its lock (Python < 3.12 takes one on every first
    read): the same cached value, at a fraction of the cost. Documents are not shared between
    threads while they are read."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value


@dataclass
class Document:
    """What a query can look at in a post. ``language`` may be a callable, asked only if a
    ``lang:`` filter needs it (detection costs more than the rest of matching)."""

    text: str
    platform: str | None = None
    author: str | None = None
    community: str | None = None
    language: str | Callable[[], str] | None = None
    has_link: bool | None = None  # None: look for a URL in the text

    @classmethod
    def of(cls, post: Post, detect: Callable[[str], str] | None = None) -> Document:
        """The document of a collected post; ``detect`` (text → language code) is asked only
        when the platform gave no language tag and a ``lang:`` filter needs one."""
        author = post.author
        language: str | Callable[[], str] | None = post.lang
        if not language and detect is not None:
            text = post.text
            language = lambda: detect(text)  # noqa: E731
        return cls(post.text, platform=post.platform,
                   author=(author.handle or author.native_id) if author else None,
                   community=post.community, language=language)

    @_cached
    def folded(self) -> str:
        """The text the words are read from: every word (in each of its forms) is in it."""
        return _folded(self.text)

    @_cached
    def words(self) -> list[str]:
        return _TOKEN.findall(self.folded)

    @_cached
    def bare(self) -> list[str]:
        return list(map(str.lstrip, self.words, repeat("@#")))

    @_cached
    def stems(self) -> list[str]:
        # "Kestrel's" names Kestrel
        return list(map(str.removesuffix, self.bare, repeat("'s")))

    @_cached
    def forms(self) -> set[str]:
        """Every form a query word may match a word of the text by: the word itself, without
        its ``@``/``#``, and without a possessive ``'s``."""
        forms = set(self.words)
        folded = self.folded
        if "@" not in folded and "#" not in folded and "'s" not in folded:
            return forms
        # A word without either has itself as its bare form and its stem.
        forms.update(self.bare)
        forms.update(self.stems)
        return forms

    def starts(self, form: str) -> list[int]:
        """Where a word occurs under ``form`` (as :attr:`positions` says, found by scanning
        the word lists in C rather than indexing every word)."""
        found: set[int] = set()
        for sequence in (self.words, self.bare, self.stems):
            at = -1
            for _ in range(sequence.count(form)):
                at = sequence.index(form, at + 1)
                found.add(at)
        return sorted(found)

    @_cached
    def positions(self) -> dict[str, list[int]]:
        """Where each word occurs, under each form a query word may match it by."""
        index: dict[str, list[int]] = {}
        for at, forms in enumerate(zip(self.words, self.bare, self.stems, strict=True)):
            for form in set(forms):
                index.setdefault(form, []).append(at)
        return index

    @_cached
    def lang(self) -> str | None:
        value = self.language() if callable(self.language) else self.language
        return value.lower().split("-")[0] if value else None


@dataclass
class Verdict:
    """Whether a node matched, why, and its parts' verdicts."""

    node: Node
    matched: bool
    why: str
    parts: list[Verdict] = field(default_factory=list)


Test = Callable[[Document], bool]


def compiled(node: Node) -> Test:
    """``node`` as a function of a document (keep it: a query runs on every collected post).

    Most posts match no topic: where the query needs one of a few words and the text holds
    none of them, that is settled by substring search, without splitting the text into words.
    """
    test = _compiled(node)
    needed = _needed(node)
    if not needed:
        return test
    # Single words as one set of substring searches, the rest (phrases) after them. A word
    # that holds another ("delivery", "deliver") is found whenever that one is, and so is a
    # phrase with a part that holds one: neither need be looked for.
    singles = {n[0] for n in needed if len(n) == 1}
    words = tuple(sorted((w for w in singles if not any(o != w and o in w for o in singles)),
                         key=len, reverse=True))
    phrases = tuple(n for n in needed
                    if len(n) > 1 and not any(w in part for part in n for w in singles))

    def gated(doc: Document) -> bool:
        holds = doc.folded.__contains__
        if any(map(holds, words)):
            return test(doc)
        for phrase in phrases:
            if all(map(holds, phrase)):
                return test(doc)
        return False

    return gated


Needed = frozenset[tuple[str, ...]]


def _needed(node: Node) -> Needed | None:
    """Sets of strings, all of one of which are in the folded text of every document
    ``node`` matches; None when there are none such (a NOT, a field). Each form a query word
    can match (``#kestrel``, ``kestrel's``, ``refunds`` for ``refund*``) holds the word."""
    if isinstance(node, Term | Phrase):
        return frozenset((tuple(dict.fromkeys(_parts(node)[0])),))
    if isinstance(node, Or):
        found: set[tuple[str, ...]] = set()
        for child in node.children:
            needed = _needed(child)
            if needed is None:
                return None
            found |= needed
        return frozenset(found)
    if isinstance(node, And):
        options = [n for n in map(_needed, node.children) if n is not None]
        return min(options, key=len) if options else None
    if isinstance(node, Near):
        return _needed(node.left) or _needed(node.right)
    return None


@cache
def _compiled(node: Node) -> Test:
    """``node`` as a function, with each OR's plain words as one set and its prefixes as one
    sorted search, tried before the phrases that need word positions."""
    if isinstance(node, And):
        tests = [_compiled(child) for child in node.children]
        if len(tests) == 2:
            first, second = tests
            return lambda doc: first(doc) and second(doc)
        return lambda doc: all(test(doc) for test in tests)
    if isinstance(node, Not):
        inner = _compiled(node.child)
        return lambda doc: not inner(doc)
    if isinstance(node, Or | Term | Phrase):
        children = node.children if isinstance(node, Or) else (node,)
        words: set[str] = set()
        prefixes: list[str] = []
        others: list[Test] = []
        for child in children:
            if isinstance(child, Term | Phrase) and len(_parts(child)[0]) == 1:
                (part,), prefix = _parts(child)
                if prefix:
                    prefixes.append(part)
                else:
                    words.add(part)
            elif isinstance(child, Term | Phrase):
                parts, prefix = _parts(child)
                # Where some word of the phrase is missing, no need to look for its order;
                # where it is not even in the text, no need to split the text into words.
                needed = frozenset(parts[:-1] if prefix else parts)
                others.append(lambda doc, child=child, needed=needed:
                              all(map(doc.folded.__contains__, needed))
                              and needed <= doc.forms and bool(_spans(child, doc)))
            else:
                others.append(_compiled(child))
        # A word with no letters ("+++", "#") is matched against the words themselves.
        odd = {part for part in words if not _TOKEN.fullmatch(part)}
        odd_prefixes = [part for part in prefixes if not _TOKEN.fullmatch(part)]
        if odd:
            others.insert(0, lambda doc: not odd.isdisjoint(doc.forms))
        if odd_prefixes:
            others.insert(0, lambda doc: any(form.startswith(part) for form in doc.forms
                                             for part in odd_prefixes))
        found = _word_search(words - odd, [p for p in prefixes if p not in odd_prefixes])
        if found is None:
            return lambda doc: any(other(doc) for other in others)

        def test(doc: Document) -> bool:
            return found(doc.folded) is not None or any(other(doc) for other in others)

        return test
    if isinstance(node, Near):
        return lambda doc: _near(node, doc).matched
    return lambda doc: _field(node, doc).matched  # type: ignore[arg-type]


# A word of the text (see `tokens`) ends where neither a word character nor an apostrophe
# inside the word ("don't") follows; "'s" before that end is a possessive ("kestrel's").
_WORD_END = r"(?!\w)(?!'\w)"


def _starts_word(first: str) -> str:
    """``first`` where a word of the text begins: after "@" or "#", or after a character that
    is neither a word character nor an apostrophe inside a word. The check comes after the
    character, so that ``re`` skips straight to where it occurs (a leading look-behind is
    tried at every position)."""
    char = re.escape(first)
    if first in "@#":
        return char
    return f"{char}(?:(?<=[@#]{char})|(?<!\\w{char})(?<!\\w'{char}))"


def _word_search(words: Iterable[str],
                 prefixes: Iterable[str]) -> Callable[[str], re.Match[str] | None] | None:
    """One search of the folded text for a word of the text with one of ``words`` among its
    forms (itself, without its ``@``/``#``, without a possessive ``'s``), or starting with one
    of ``prefixes``: what :attr:`Document.forms` would say, without splitting the text into
    words (which is most of what a topic costs). Words are grouped by first character."""
    tails: dict[str, list[str]] = {}
    for part in sorted(words, key=len, reverse=True):
        # "#kestrel" wants that very word; "kestrel" also its possessive.
        possessive = "" if part[0] in "@#" else "(?:'s)?"
        tails.setdefault(part[0], []).append(re.escape(part[1:]) + possessive + _WORD_END)
    for part in sorted(prefixes, key=len, reverse=True):
        tails.setdefault(part[0], []).append(re.escape(part[1:]))
    if not tails:
        return None
    return re.compile("|".join(f"{_starts_word(first)}(?:{'|'.join(rest)})"
                               for first, rest in tails.items())).search


@cache
def _parts(node: Term | Phrase) -> tuple[tuple[str, ...], bool]:
    """The words a term or phrase stands for, split like text ("e-mail" is two words,
    "kestrel+" one), and whether the last is a prefix."""
    words = node.words if isinstance(node, Phrase) else (node.word,)
    parts = tuple(t for word in words for t in (tokens(word) or [word]))
    return parts, isinstance(node, Term) and node.prefix


def explain(node: Node, doc: Document) -> Verdict:
    """The verdict of ``node`` on ``doc``, with the evidence for each part."""
    if isinstance(node, And):
        parts = [explain(child, doc) for child in node.children]
        ok = all(p.matched for p in parts)
        return Verdict(node, ok, "all parts match" if ok else
                       f"{sum(not p.matched for p in parts)} of {len(parts)} parts do not match",
                       parts)
    if isinstance(node, Or):
        parts = [explain(child, doc) for child in node.children]
        ok = any(p.matched for p in parts)
        return Verdict(node, ok, "one part matches" if ok else "no part matches", parts)
    if isinstance(node, Not):
        inner = explain(node.child, doc)
        return Verdict(node, not inner.matched,
                       "excluded term absent" if not inner.matched else "excluded term present",
                       [inner])
    if isinstance(node, Term | Phrase):
        spans = _spans(node, doc)
        if spans:
            start, end = spans[0]
            return Verdict(node, True, f"found {' '.join(doc.words[start:end])!r} "
                           f"(word {start + 1})")
        return Verdict(node, False, "not in the text")
    if isinstance(node, Near):
        return _near(node, doc)
    return _field(node, doc)


def _spans(node: Node, doc: Document) -> list[tuple[int, int]]:
    """Where ``node`` (a word, phrase or an OR of them) occurs, as word index ranges."""
    if isinstance(node, Or):
        return sorted(span for child in node.children for span in _spans(child, doc))
    assert isinstance(node, Term | Phrase)
    parts, last_prefix = _parts(node)
    if not parts:
        return []
    found = []
    if len(parts) == 1 and last_prefix:
        starts: Iterable[int] = range(len(doc.words))
    else:  # only where the first word occurs
        starts = doc.starts(parts[0])
    for start in starts:
        if start + len(parts) <= len(doc.words) and all(
                _word_matches(parts[i], doc, start + i, last_prefix and i == len(parts) - 1)
                for i in range(len(parts))):
            found.append((start, start + len(parts)))
    return found


def _word_matches(part: str, doc: Document, at: int, prefix: bool) -> bool:
    # "#kestrel" and "@kestrelhelp" want that very token; a plain word also matches a hashtag
    # or handle of that word.
    if part[0] in "@#":
        word = doc.words[at]
        return word.startswith(part) if prefix else word == part
    word, stem = doc.bare[at], doc.stems[at]
    return word.startswith(part) if prefix else (word == part or stem == part)


def _near(node: Near, doc: Document) -> Verdict:
    left, right = _spans(node.left, doc), _spans(node.right, doc)
    for a_start, a_end in left:
        for b_start, b_end in right:
            gap = b_start - a_end if b_start >= a_end else a_start - b_end
            if 0 <= gap <= node.distance:
                return Verdict(node, True, f"{gap} word(s) apart")
    if not left or not right:
        missing = node.left if not left else node.right
        return Verdict(node, False, f"{missing} is not in the text")
    return Verdict(node, False, f"both present, but more than {node.distance} words apart")


def _field(node: Field, doc: Document) -> Verdict:
    name, value = node.name, node.value
    if name == "has":
        present = doc.has_link if doc.has_link is not None else bool(_LINK.search(doc.text))
        return Verdict(node, present, "has a link" if present else "no link")
    actual = {
        "lang": lambda: doc.lang,
        "author": lambda: (doc.author or "").lower().removeprefix("@").removeprefix("u/"),
        "platform": lambda: doc.platform,
        "subreddit": lambda: (doc.community or "").lower().removeprefix("r/"),
    }[name]()
    ok = actual == value
    return Verdict(node, ok, f"{name} is {actual or 'unknown'}")

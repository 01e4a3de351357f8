"""What a regex's matches can start with: a cheap gate before running it.

The churn detector runs a few dozen phrase patterns over each candidate text, and most of
them cannot match because the text has no word starting the way they do. :func:`heads` reads
a pattern's parse tree for the (at most two-character) strings every match begins with;
:func:`word_heads` lists how the words of a text begin. A pattern whose heads miss the text's
need not run. Anything the reading cannot bound (``\\w``, ``.``, a negated set) makes the
pattern ungated, so the gate never changes a result, only skips work.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

_WIDTH = 2
_MAX_HEADS = 400  # beyond this the gate is no cheaper than the scan
_WORD_START = re.compile(r"(?<!\w)\w.?", re.DOTALL)
_WORD = re.compile(r"\w")


class _Unbounded(Exception):
    pass


Gate = tuple[frozenset[str], frozenset[str]]  # (two-character heads, one-character heads)


def heads(pattern: re.Pattern[str]) -> Gate | None:
    """Strings of one or two characters, one of which starts every match of ``pattern`` at a
    word start; None when the pattern cannot be bounded that way."""
    if pattern.flags & re.IGNORECASE:
        return None
    found: set[str] = set()
    try:
        _expand(list(sre_parse.parse(pattern.pattern)), "", found)
    except (_Unbounded, RecursionError):
        return None
    if "" in found or len(found) > _MAX_HEADS or any(not _WORD.match(h) for h in found):
        return None
    return (frozenset(h for h in found if len(h) == 2),
            frozenset(h for h in found if len(h) == 1))


def word_heads(text: str) -> Gate:
    """How the words of ``text`` begin: (two-character starts, first characters)."""
    two = frozenset(_WORD_START.findall(text))
    return two, frozenset(h[0] for h in two)


class GateIndex:
    """Which of several patterns may match a text, looked up by the text's word heads."""

    def __init__(self, gates: Sequence[Gate | None]) -> None:
        self._always = frozenset(i for i, gate in enumerate(gates) if gate is None)
        by_head: dict[str, list[int]] = {}
        for index, gate in enumerate(gates):
            for head in (gate[0] | gate[1]) if gate else ():
                by_head.setdefault(head, []).append(index)
        self._by_head = by_head

    def candidates(self, text_heads: Gate) -> list[int]:
        """Indexes of the patterns that may match, in their original order."""
        found = set(self._always)
        by_head = self._by_head
        for group in text_heads:
            for head in group:
                indexes = by_head.get(head)
                if indexes:
                    found.update(indexes)
        return sorted(found)


def _expand(items: list[Any], prefix: str, out: set[str]) -> None:
    if len(out) > _MAX_HEADS:
        raise _Unbounded
    if len(prefix) == _WIDTH or not items:
        out.add(prefix)  # a match may end here: its start is all that is known
        return
    (op, av), rest = items[0], items[1:]
    if op is sre.LITERAL:
        _expand(rest, prefix + chr(av), out)
    elif op is sre.IN:
        chars = _set_chars(av)
        if chars is None:
            out.add(prefix)
        else:
            for char in chars:
                _expand(rest, prefix + char, out)
    elif op is sre.SUBPATTERN:
        _expand(list(av[-1]) + rest, prefix, out)
    elif op is sre.BRANCH:
        for alternative in av[1]:
            _expand(list(alternative) + rest, prefix, out)
    elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, sub = av
        if low == 0:
            _expand(rest, prefix, out)
        # Once inside the repeat, what follows it is not followed further: the heads of one
        # repetition (possibly short) bound the match's start well enough.
        _expand(list(sub), prefix, out)
    elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        _expand(rest, prefix, out)  # zero-width
    else:  # \w, ., [^…], back-references: anything may follow
        out.add(prefix)


def _set_chars(items: list[Any]) -> set[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < 64:
            chars.update(chr(code) for code in range(av[0], av[1] + 1))
        else:
            return None
    return chars

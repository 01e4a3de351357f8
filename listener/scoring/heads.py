"""What a regex's matches can start with: a cheap gate before running it.

The churn detector runs a few dozen phrase patterns over each candidate text, and most of
them cannot match because no word of the text starts the way they do. :func:`heads` reads a
pattern's parse tree for the word-character prefixes (up to eight characters: "cancel",
"switch", "unsubscr") that every match at a word start begins with; :class:`GateIndex` finds,
in one scan of a text, which of those prefixes start a word of it and where, and so which
patterns may match and where their matches may begin. Anything the reading cannot bound
(``\\w``, ``.``, a negated set) makes the pattern ungated, so the gate never changes a result,
only skips work.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

_WIDTH = 8
_MAX_HEADS = 400  # beyond this the gate is no cheaper than the scan
_WORD = re.compile(r"\w")


class _Unbounded(Exception):
    pass


Gate = frozenset[str]  # the prefixes one of which starts every match at a word start


def heads(pattern: re.Pattern[str]) -> Gate | None:
    """Strings of word characters, one of which starts every match of ``pattern`` at a word
    start (none is a prefix of another); None when the pattern cannot be bounded that way.

    They stop at the first character that is not a word character: a word of the text starts
    after such a character, and the index must not read past it (see :class:`GateIndex`).
    """
    if pattern.flags & re.IGNORECASE:
        return None
    found: set[str] = set()
    try:
        _expand(list(sre_parse.parse(pattern.pattern)), "", found)
    except (_Unbounded, RecursionError):
        return None
    if "" in found or len(found) > _MAX_HEADS:
        return None
    # "cancel" bounds "cancels" as well: only the shortest are needed.
    return frozenset(h for h in found if not any(o != h and h.startswith(o) for o in found))


class GateIndex:
    """Which of several patterns may match a text, from the heads (see :func:`heads`) that
    start its words: one regex finds them all, opening with their first characters so that
    ``re`` skips to candidate positions, each branch checking the word boundary after that
    character (a pattern that opens with a look-behind is tried at every position)."""

    def __init__(self, gates: Sequence[Gate | None]) -> None:
        self._always = frozenset(i for i, gate in enumerate(gates) if gate is None)
        every = {head for gate in gates if gate for head in gate}
        # At one position the regex finds the longest head only; every pattern with a head
        # that starts it (and so also starts the word there) may match.
        self._patterns_of = {
            found: tuple(i for i, gate in enumerate(gates)
                         if gate and any(found.startswith(head) for head in gate))
            for found in every
        }
        tails: dict[str, set[str]] = {}
        for head in every:
            tails.setdefault(head[0], set()).add(head[1:])
        branches = []
        for first, rest in sorted(tails.items()):
            char = re.escape(first)
            longest_first = sorted(rest, key=lambda tail: (-len(tail), tail))
            branches.append(f"{char}(?<!\\w{char})(?:{'|'.join(map(re.escape, longest_first))})")
        self._heads = re.compile("|".join(branches)) if branches else None

    def starts(self, text: str) -> list[tuple[int, list[int] | None]]:
        """The patterns that may match ``text``, in their original order, each with the word
        starts where one of its heads stands, in order (None: anywhere, it has no gate). A
        match at a word start can begin there only."""
        found: dict[int, list[int] | None] = dict.fromkeys(self._always)
        if self._heads is not None:
            patterns_of = self._patterns_of
            for head in self._heads.finditer(text):
                start = head.start()
                for index in patterns_of[head.group()]:
                    positions = found.setdefault(index, [])
                    if positions is not None:
                        positions.append(start)
        return sorted(found.items())


def _expand(items: list[Any], prefix: str, out: set[str]) -> None:
    if len(out) > _MAX_HEADS:
        raise _Unbounded
    if len(prefix) == _WIDTH or not items:
        out.add(prefix)  # a match may end here: its start is all that is known
        return
    (op, av), rest = items[0], items[1:]
    if op is sre.LITERAL:
        _extend(chr(av), rest, prefix, out)
    elif op is sre.IN:
        chars = _set_chars(av)
        if chars is None:
            out.add(prefix)
        else:
            for char in chars:
                _extend(char, rest, prefix, out)
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


def _extend(char: str, rest: list[Any], prefix: str, out: set[str]) -> None:
    if _WORD.match(char):
        _expand(rest, prefix + char, out)
    else:
        out.add(prefix)  # a head ends before the first character that is not a word one


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

"""The regex gate: what matches can start with, and that gating never changes a churn result."""

from __future__ import annotations

import re

import pytest

from listener.scoring import churn_patterns as P
from listener.scoring.heads import GateIndex, heads


@pytest.mark.parametrize("pattern, expected", [
    (r"cancel(?:l?ing|l?ed)?\b", {"cancel"}),
    (r"(?:done|finished|through)\s+with\b", {"done", "finished", "through"}),
    (r"(?:i'?m|i am)\s+out", {"i"}),  # a head stops where the word does
    (r"(?:ma\s+|la\s+)?derniere", {"ma", "la", "derniere"}),
    (r"(?:e|sera)\s+a", {"e", "sera"}),
    (r"[bc]at|dog", {"bat", "cat", "dog"}),
    (r"unsubscrib(?:e|ed)", {"unsubscr"}),  # eight characters are selective enough
])
def test_heads_of_a_pattern(pattern: str, expected: set[str]) -> None:
    assert heads(re.compile(pattern)) == frozenset(expected)


@pytest.mark.parametrize("pattern", [r"\w+ing", r".at", r"[^x]y", r"(?i)cancel", r"'s\b",
                                     r"x?"])
def test_unbounded_patterns_are_not_gated(pattern: str) -> None:
    assert heads(re.compile(pattern)) is None


def test_starts() -> None:
    index = GateIndex([heads(re.compile(p)) for p in (r"cancel", r"switch", r"\w+ed")])
    # After an apostrophe a new word starts, as it does for the detector's boundary check.
    assert index.starts("i'm cancelling, ok, cancel") == [(0, [4, 20]), (2, None)]
    assert index.starts("nothing here") == [(2, None)]  # \w+ed is tried anywhere
    assert index.starts("xcancel") == [(2, None)]  # not at a word start
    # Where heads overlap the longest is found, and the patterns of the shorter come with it.
    index = GateIndex([heads(re.compile(p)) for p in (r"go\b", r"going", r"put in", r"in")])
    assert index.starts("going") == [(0, [0]), (1, [0])]
    assert index.starts("put in") == [(2, [0]), (3, [4])]


def test_every_churn_rule_is_gated() -> None:
    rules = [rule for table in P.LANGUAGES.values() for rule in table.rules]
    assert rules and all(rule.gate is not None for rule in rules)


def test_gating_never_changes_a_churn_result(monkeypatch) -> None:
    from listener.scoring.churn import ChurnDetector
    from tests.test_churn import BRANDS, CASES

    detector = ChurnDetector(BRANDS)
    cases = [(text, language) for text, language, *_ in CASES]
    gated = [detector.detect(text, language) for text, language in cases]
    # Every rule, scanned over the whole text.
    monkeypatch.setattr(GateIndex, "starts",
                        lambda self, text: [(i, None) for i in sorted(
                            set(self._always) | {i for v in self._patterns_of.values()
                                                 for i in v})])
    assert [detector.detect(text, language) for text, language in cases] == gated
    assert sum(signal.intent >= 0.5 for signal in gated) > len(cases) / 3

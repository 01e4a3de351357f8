"""The regex gate: what matches can start with, and that gating never changes a churn result."""

from __future__ import annotations

import re

import pytest

from listener.scoring import churn_patterns as P
from listener.scoring.heads import GateIndex, heads, word_heads


@pytest.mark.parametrize("pattern, two, one", [
    (r"cancel(?:l?ing|l?ed)?\b", {"ca"}, set()),
    (r"(?:done|finished|through)\s+with\b", {"do", "fi", "th"}, set()),
    (r"(?:i'?m|i am)\s+out", {"i'", "im", "i "}, set()),
    (r"(?:ma\s+|la\s+)?derniere", {"ma", "la", "de"}, set()),
    (r"(?:e|sera)\s+a", {"se"}, {"e"}),  # "e" then \s: only the first character is known
    (r"[bc]at|dog", {"ba", "ca", "do"}, set()),
])
def test_heads_of_a_pattern(pattern: str, two: set[str], one: set[str]) -> None:
    assert heads(re.compile(pattern)) == (frozenset(two), frozenset(one))


@pytest.mark.parametrize("pattern", [r"\w+ing", r".at", r"[^x]y", r"(?i)cancel", r"'s\b",
                                     r"x?"])
def test_unbounded_patterns_are_not_gated(pattern: str) -> None:
    assert heads(re.compile(pattern)) is None


def test_word_heads_and_candidates() -> None:
    index = GateIndex([heads(re.compile(p)) for p in (r"cancel", r"switch", r"\w+ed")])
    # After an apostrophe a new word starts, as it does for the detector's boundary check.
    assert word_heads("i'm cancelling") == (frozenset({"i'", "m ", "ca"}),
                                            frozenset({"i", "m", "c"}))
    assert index.candidates(word_heads("i'm cancelling, ok")) == [0, 2]
    assert index.candidates(word_heads("nothing here")) == [2]  # \w+ed is always tried


def test_every_churn_rule_is_gated() -> None:
    rules = [rule for table in P.LANGUAGES.values() for rule in table.rules]
    assert rules and all(rule.gate is not None for rule in rules)


def test_gating_never_changes_a_churn_result(monkeypatch) -> None:
    from listener.scoring.churn import ChurnDetector
    from tests.test_churn import BRANDS, CASES

    detector = ChurnDetector(BRANDS)
    cases = [(text, language) for text, language, *_ in CASES]
    gated = [detector.detect(text, language) for text, language in cases]
    monkeypatch.setattr(GateIndex, "candidates",
                        lambda self, text_heads: sorted(
                            set(self._always) | {i for v in self._by_head.values() for i in v}))
    assert [detector.detect(text, language) for text, language in cases] == gated
    assert sum(signal.intent >= 0.5 for signal in gated) > len(cases) / 3

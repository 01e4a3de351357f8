"""VADER sentiment with a customer-service lexicon layer.

VADER is English-only, and scores 0 for words like "crashing" or "ripoff" and for emoji such as
😡 or 👎. The layer (``data/lexicon_cs.tsv`` and ``data/emoji_cs.tsv``) adds those on VADER's own
scale; ``benchmarks/evaluate.py`` checks that VADER's correlation with its human ground truth does
not drop. Text in other languages is not given an English score: only its emoji are scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

SCORED_LANGUAGES = frozenset({"en", "und"})


def _table(name: str) -> list[tuple[str, str]]:
    text = resources.files("listener.scoring").joinpath("data", name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("\t")
            rows.append((key, value.strip()))
    return rows


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
        self.analyzer = SentimentIntensityAnalyzer()
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

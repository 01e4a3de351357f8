"""The one scoring entry point: :class:`Scorer` turns a post (or a bare text) into a Score.

Order matters and is cheap-first: language decides whether VADER's English lexicon applies;
sentiment feeds the complaint model; churn needs the brands the matcher found; risk reads all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from earful.config import Settings
from earful.models import BrandMatch, ChurnSignal, Post, Score
from listener.matching import Matcher
from listener.scoring.brands import BrandWords
from listener.scoring.churn import BrandTerms, ChurnDetector
from listener.scoring.complaint import ComplaintModel
from listener.scoring.language import LanguageDetector
from listener.scoring.risk import assess
from listener.scoring.sentiment import Sentiment, SentimentScorer

_NO_NAMES: tuple[list[BrandWords], list[BrandWords]] = ([], [])

# Bump when scoring changes meaning, so stored scores can be told apart and re-scored.
SCORER_VERSION = "1"


class Request(NamedTuple):  # not a frozen dataclass: one is made per post, and that is slower
    """A text to score and what is known around it: the brands it names, the platform's
    language tag, its author's reach, its engagement, and the brand whose account wrote it."""

    text: str
    matches: Sequence[BrandMatch] = ()
    lang_hint: str | None = None
    followers: int | None = None
    engagement: int = 0
    own_brand: str | None = None

class Scorer:
    """Sentiment, language, complaint, churn and risk for every post.

    Example::

        scorer = Scorer(load_config())
        scorer.score_text("cancelling my Kestrel Plus membership, switching to Trovia").risk
        # 'high'
    """

    def __init__(self, settings: Settings, matcher: Matcher | None = None) -> None:
        config = settings.scoring
        self.config = config
        self.matcher = matcher or Matcher(settings.brands, settings.topics,
                                          detect=lambda text: self.language.detect(text)[0],
                                          community=settings.community.brand)
        self.sentiment = SentimentScorer(config.positive, config.negative)
        self.language = LanguageDetector(config.languages, self.sentiment.analyzer.lexicon)
        self.complaint = ComplaintModel.load()
        # Per brand, its names that hold a word a model weighs ("Happy Socks" for VADER,
        # "Kestrel Plus" for the complaint model), masked in the posts that name the brand:
        # a name is no evidence (see listener.scoring.brands).
        self.names: dict[str, tuple[list[BrandWords], list[BrandWords]]] = {}
        for brand in settings.brands:
            sentiment = self.sentiment.brand_words(brand.terms)
            complaint = self.complaint.brand_words(brand.terms)
            if sentiment or complaint:
                self.names[brand.name] = ([sentiment] if sentiment else [],
                                          [complaint] if complaint else [])
        self.churn = ChurnDetector([
            BrandTerms(brand.name, brand.role, tuple(brand.terms)) for brand in settings.brands
        ])
        self.ours = frozenset(b.name for b in settings.brands if b.role == "brand")

    def score(self, text: str, *, matches: Sequence[BrandMatch] = (), lang_hint: str | None = None,
              followers: int | None = None, engagement: int = 0,
              own_brand: str | None = None) -> Score:
        """Score one text with whatever context is known about it."""
        return self.score_many([Request(text, tuple(matches), lang_hint, followers, engagement,
                                        own_brand)])[0]

    def score_many(self, requests: Sequence[Request]) -> list[Score]:
        """Score many texts: the same results as one by one, a third faster.

        Each stage runs over the whole batch before the next starts, so one model's tables and
        code stay in the CPU caches instead of being evicted by the next model's, post after post.
        """
        languages = [self.language.detect(r.text, r.lang_hint) for r in requests]
        names = [self.names_in(r.matches) for r in requests]
        sentiments = [self.sentiment.score(r.text, language, sentiment_names)
                      for r, (language, _), (sentiment_names, _)
                      in zip(requests, languages, names, strict=True)]
        complaints = [self.complaint.predict(r.text, sentiment.compound, language,
                                             complaint_names)
                      for r, sentiment, (language, _), (_, complaint_names)
                      in zip(requests, sentiments, languages, names, strict=True)]
        churns = [self.churn.detect(r.text, language, r.matches)
                  for r, (language, _) in zip(requests, languages, strict=True)]
        return [
            self._assemble(request, language, confidence, sentiment, complaint, reason, churn)
            for request, (language, confidence), sentiment, (complaint, reason), churn
            in zip(requests, languages, sentiments, complaints, churns, strict=True)
        ]

    def names_in(self, matches: Sequence[BrandMatch]) -> tuple[list[BrandWords],
                                                              list[BrandWords]]:
        """The brand names to mask in a post naming these brands: for sentiment, and for the
        complaint model."""
        names = self.names
        if len(matches) == 1:  # most posts: one brand, and its lists as they are
            return names.get(matches[0].brand, _NO_NAMES)
        found = [names[m.brand] for m in matches if m.brand in names]
        return ([s for sentiment, _ in found for s in sentiment],
                [c for _, complaint in found for c in complaint])

    def _assemble(self, request: Request, language: str, confidence: float,
                  sentiment: Sentiment, complaint: float, complaint_reason: str | None,
                  churn: ChurnSignal) -> Score:
        risk = assess(
            self.config, sentiment=sentiment.compound, complaint=complaint,
            complaint_reason=complaint_reason, churn=churn, matches=request.matches,
            ours=self.ours, followers=request.followers, engagement=request.engagement,
            own_brand=request.own_brand,
        )
        reasons = list(risk.reasons)
        if sentiment.basis == "emoji":
            reasons.append(f"language {language}: sentiment from emoji only")
        elif sentiment.basis == "none":
            reasons.append(f"language {language}: sentiment not scored (VADER is English-only)")
        # Positional (in Score's field order, as earful.models' unpack_score builds it):
        # sixteen keywords cost a third of this method's time, once per post.
        return Score(
            sentiment.compound, sentiment.positive, sentiment.neutral, sentiment.negative,
            sentiment.label, sentiment.basis, language, confidence, complaint,
            complaint_reason, churn, risk.opportunity, risk.tier, risk.points, reasons,
            SCORER_VERSION,
        )

    def score_post(self, post: Post, matches: Sequence[BrandMatch]) -> Score:
        """Score a collected post, using its author's reach and its engagement."""
        author = post.author
        return self.score(
            post.text, matches=matches, lang_hint=post.lang,
            followers=author.followers if author else None, engagement=post.engagement,
            own_brand=self.matcher.own_brand(post),
        )

    def score_text(self, text: str) -> Score:
        """Score a bare text, finding the brands it names with the configured matcher."""
        return self.score(text, matches=self.matcher.match_text(text))

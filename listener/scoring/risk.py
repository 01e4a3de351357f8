"""Risk tier: points for what hurts (churn, complaint, anger), amplified by reach.

Reach and engagement only amplify: a happy post from a big account is not a risk, an angry one
is a bigger one. Thresholds come from ``[scoring]`` in the config.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from earful.config import ScoringConfig
from earful.models import BrandMatch, ChurnSignal

CHURN_DEFINITE = 0.8  # intent at or above which a churn threat alone makes a post high risk


class Risk(NamedTuple):  # not a frozen dataclass: one is made per post, and that is slower
    tier: str
    points: float
    reasons: list[str]
    opportunity: bool


def churn_is_ours(churn: ChurnSignal, matches: Sequence[BrandMatch], ours: frozenset[str],
                  ) -> bool | None:
    """True when one of our brands is being left, False for a competitor, None when unknown."""
    if churn.target is not None:
        return churn.target in ours
    if churn.destination is not None and churn.destination in ours:
        return False  # moving *to* us from someone unnamed
    # Whoever is left, it is not the brand moved to: "switching to Trovia" naming only
    # Trovia leaves someone unnamed, not Trovia.
    named = {match.brand for match in matches} - {churn.destination}
    if named and named <= ours:
        return True
    if named and not named & ours:
        return False
    return None


def assess(config: ScoringConfig, *, sentiment: float | None, complaint: float,
           complaint_reason: str, churn: ChurnSignal, matches: Sequence[BrandMatch],
           ours: frozenset[str], followers: int | None = None, engagement: int = 0,
           own_brand: str | None = None) -> Risk:
    """Tier a post low/medium/high and say why."""
    if own_brand is not None:
        return Risk("low", 0.0, [f"posted by {own_brand}'s own account"], False)
    points, reasons, opportunity = 0.0, [], False
    if churn.intent >= config.churn:
        whose = churn_is_ours(churn, matches, ours)
        phrase = f" ('{churn.phrases[0]}')" if churn.phrases else ""
        if whose is False:
            opportunity = True
            leaving = f"leaving {churn.target}" if churn.target else "leaving a competitor"
            reasons.append(f"opportunity: {leaving}{phrase}")
        else:
            points += 3.0 if churn.intent >= CHURN_DEFINITE else 2.0
            target = (f"leaving {churn.target}" if churn.target
                      else f"leaving for {churn.destination}" if churn.destination
                      else "leaving us")
            kind = "conditional churn threat" if churn.hypothetical else "churn intent"
            reasons.append(f"{kind} {churn.intent:.2f}: {target}{phrase}")
    if complaint >= config.complaint:
        points += 1.5 if complaint >= 0.8 else 1.0
        reasons.append(f"complaint {complaint:.2f} ({complaint_reason})")
    if sentiment is not None:
        if sentiment <= config.strongly_negative:
            points += 1.0
            reasons.append(f"strongly negative sentiment ({sentiment:+.2f})")
        elif sentiment <= config.negative and points > 0:
            points += 0.5
            reasons.append(f"negative sentiment ({sentiment:+.2f})")
    if points > 0:
        if followers is not None and followers >= config.very_high_reach_followers:
            points += 1.5
            reasons.append(f"very high-reach author ({followers:,} followers)")
        elif followers is not None and followers >= config.high_reach_followers:
            points += 1.0
            reasons.append(f"high-reach author ({followers:,} followers)")
        if engagement >= config.high_engagement:
            points += 0.5
            reasons.append(f"high engagement ({engagement:,} interactions)")
    if points >= config.risk.high:
        tier = "high"
    elif points >= config.risk.medium:
        tier = "medium"
    else:
        tier = "low"
    return Risk(tier, points, reasons, opportunity)

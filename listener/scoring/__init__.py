"""Scoring: sentiment, language, complaint, churn intent and risk.

The one entry point is :class:`listener.scoring.scorer.Scorer` (also importable from here).
"""

from __future__ import annotations

from typing import Any

__all__ = ["SCORER_VERSION", "Request", "Scorer"]


def __getattr__(name: str) -> Any:
    # Lazy, so importing one scoring module (e.g. churn) does not load VADER, lingua and the model.
    if name in __all__:
        from listener.scoring import scorer

        return getattr(scorer, name)
    raise AttributeError(name)

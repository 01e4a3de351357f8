"""What keeps panels current with time alone: rule panels refreshed when due, retention."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from earful.config import Settings
from earful.models import utcnow
from earful.store import Store
from panels.privacy import apply_retention
from panels.registry import Change, Panels


@dataclass(slots=True)
class Upkeep:
    refreshed: dict[str, Change] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)  # expired | orphaned → posts


def upkeep(store: Store, settings: Settings, now: datetime | None = None) -> Upkeep:
    """Refresh the rule panels that are due, then apply retention. ``earful listen`` runs it
    every 15 minutes and after a one-shot run."""
    now = now or utcnow()
    refreshed = Panels(store, settings).refresh(now=now)
    return Upkeep(refreshed, apply_retention(store, now))

"""The seam between listening and responding: after each stored batch, route its scored
mentions and open or join cases (``Pipeline.after_store``)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from earful.config import Settings
from earful.models import utcnow
from earful.store import Store
from listener.pipeline import BatchResult, Pipeline
from panels.membership import Memberships
from responders.assign import Assigner
from responders.cases import Cases
from responders.queue import record_sla_events
from responders.routing import Candidate, Router, annotate

log = logging.getLogger(__name__)


class Intake:
    """Routes what a batch stored; ``counts`` says how many cases were opened, joined…

    Example::

        intake = Intake(settings, store)
        pipeline.after_store.append(intake)
        pipeline.run_once()
        intake.counts  # Counter({'opened': 41, 'joined': 5})
    """

    def __init__(self, settings: Settings, store: Store,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.settings = settings
        self.clock = clock
        self.router = Router(settings)
        self.memberships = Memberships(store, settings)
        unknown = sorted({panel for rule in settings.routing.rules for panel in rule.when.panel}
                         - self.memberships.known_panels())
        if unknown:
            # Panels can be created later from the CLI, so this is a warning, not an error.
            log.warning("routing rules name panels that do not exist (yet): %s",
                        ", ".join(unknown))
        self.cases = Cases(store, settings, clock)
        self.assigner = Assigner(store, settings, clock)
        self.counts: Counter[str] = Counter()

    def __call__(self, result: BatchResult) -> None:
        candidates = [Candidate.of(item) for item in result.stored]
        candidates = [c for c in candidates if not self.router.is_own(c)]  # our replies
        annotate(candidates, self.memberships)
        at = {item.post.id: item.post.created_at for item in result.stored}
        # One commit for the batch's cases, not one per case: a large import opens thousands.
        with self.cases.store.transaction():
            untouched = self.cases.untouched(candidates)
            for candidate in candidates:
                change = self.cases.take(candidate, self.router.decide(candidate),
                                         at=at[candidate.mention_id], untouched=untouched)
                if change is not None:
                    self.counts[change.action] += 1
            self.counts["assigned"] += self.assigner.sweep()

    def tick(self) -> list[dict[str, Any]]:
        """What time alone changes: assign cases as shifts begin, and record SLA warnings and
        breaches (returned, for alerts). The listener runs it every minute."""
        self.counts["assigned"] += self.assigner.sweep()
        events = record_sla_events(self.cases.store, self.settings, self.clock())
        for event in events:
            self.counts[f"sla {event['kind']}"] += 1
        return events


def attach(pipeline: Pipeline) -> Intake | None:
    """Route the pipeline's stored mentions into cases, if the config has teams."""
    if not pipeline.settings.teams:
        return None
    intake = Intake(pipeline.settings, pipeline.store)
    pipeline.after_store.append(intake)
    return intake

"""The seam between listening and responding: after each stored batch, route its scored
mentions and open or join cases (``Pipeline.after_store``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from earful.config import Settings
from earful.store import Store
from listener.pipeline import BatchResult, Pipeline
from responders.assign import Assigner
from responders.cases import Cases
from responders.queue import record_sla_events
from responders.routing import Candidate, Router


class Intake:
    """Routes what a batch stored; ``counts`` says how many cases were opened, joined…

    Example::

        intake = Intake(settings, store)
        pipeline.after_store.append(intake)
        pipeline.run_once()
        intake.counts  # Counter({'opened': 41, 'joined': 5})
    """

    def __init__(self, settings: Settings, store: Store,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.settings = settings
        self.clock = clock
        self.router = Router(settings)
        self.cases = Cases(store, settings, clock)
        self.assigner = Assigner(store, settings, clock)
        self.counts: Counter[str] = Counter()

    def __call__(self, result: BatchResult) -> None:
        for item in result.stored:
            candidate = Candidate.of(item)
            if self.router.is_own(candidate):
                continue  # our replies (first-response tracking from them: next)
            change = self.cases.take(candidate, self.router.decide(candidate),
                                     at=item.post.created_at)
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

"""What can page someone: one :class:`AlertEvent` per thing that happened.

Events are found by reading the store (cases, SLA events, mentions, job runs, hourly volumes)
past a cursor, so the same detection runs inside ``earful listen`` or alone in
``earful alerts run``, and a restart neither misses nor repeats an event. Events with the
same ``key`` group into one alert (see :mod:`alerts.outbox`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from earful.config import AlertKind, Settings, Severity

DEFAULT_SEVERITY: dict[str, Severity] = {
    "case_new": "critical",
    "sla_warning": "high",
    "sla_breach": "critical",
    "churn_threat": "critical",
    "volume_spike": "high",
    "negative_spike": "high",
    "collector_failing": "high",
}


@dataclass(slots=True)
class AlertEvent:
    """One thing worth a ping.

    ``key`` says what makes two events the same alert (a case's breach, a brand's spike in
    one hour); ``link`` is the command that shows the subject (``earful case show 12``).
    """

    kind: AlertKind
    key: str
    title: str
    body: str
    at: datetime
    link: str | None = None
    case_id: int | None = None
    brand: str | None = None
    team: str | None = None
    assignee: str | None = None
    facts: dict[str, object] = field(default_factory=dict)  # for JSON receivers

    def severity(self, settings: Settings) -> Severity:
        return settings.alerts.severity.get(self.kind, DEFAULT_SEVERITY[self.kind])

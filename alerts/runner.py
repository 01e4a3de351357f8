"""One alerts pass — find events, raise (grouping repeats), escalate, deliver — and the loop
that runs it alone (``earful alerts run``); ``earful listen`` schedules the same pass."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rich.console import Console

from alerts.channels import Channels
from alerts.delivery import Deliverer, DeliveryReport
from alerts.detect import Detector
from alerts.outbox import Alerts
from alerts.spikes import SpikeDetector
from earful.config import Settings
from earful.models import utcnow
from earful.store import Store

log = logging.getLogger(__name__)

SLA_EVERY = timedelta(minutes=1)


@dataclass(slots=True)
class PassReport:
    events: int = 0
    raised: int = 0  # new alerts (the rest joined open ones)
    escalated: int = 0
    delivery: DeliveryReport = field(default_factory=DeliveryReport)


class AlertRunner:
    """Runs alert passes over one store.

    Example::

        with Store(settings.db_path) as store:
            report = AlertRunner(settings, store).run_pass()
    """

    def __init__(self, settings: Settings, store: Store, *,
                 clock: Callable[[], datetime] = utcnow,
                 console: Console | None = None, channels: Channels | None = None,
                 record_sla: bool = True) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock
        self.alerts = Alerts(store, settings, clock)
        self.detector = Detector(store, settings)
        self.spikes = SpikeDetector(settings)
        self._spiked: set[str] = set()
        self._sla_checked: datetime | None = None
        # Off where the responders' own tick already records SLA points (`earful listen`).
        self.record_sla = record_sla and bool(settings.teams)
        self.channels = channels or Channels(settings, console)
        self.deliverer = Deliverer(store, settings, self.channels, clock)

    def run_pass(self) -> PassReport:
        now = self.clock()
        report = PassReport()
        if self.record_sla and (self._sla_checked is None
                                or now - self._sla_checked >= SLA_EVERY):
            # SLA clocks cross their points with time alone, and checking them reads every
            # open case: once a minute, not on each pass a stored batch wakes.
            from responders.queue import record_sla_events  # alerts read what responders write

            record_sla_events(self.store, self.settings, now)
            self._sla_checked = now
        # A spike is judged again on every pass while its hour lasts; raise it once per
        # process (a restart adds one to its count, no new page).
        spikes = [e for e in self.spikes.check(self.store, now) if e.key not in self._spiked]
        self._spiked.update(e.key for e in spikes)
        events = self.detector.events(now) + spikes
        for event in events:
            _, new = self.alerts.raise_event(event)
            report.raised += new
        report.events = len(events)
        # Only now: a crash before this line finds the same events again, and their keys
        # group them into the alerts already raised.
        self.detector.commit()
        report.escalated = self.alerts.escalate()
        report.delivery = self.deliverer.deliver_due()
        return report

    def run_forever(self, stop: threading.Event, every: float = 30.0,
                    wake: threading.Event | None = None) -> None:
        """Passes every ``every`` seconds (sooner when ``wake`` is set) until ``stop``."""
        wake = wake or threading.Event()
        while not stop.is_set():
            try:
                self.run_pass()
            except Exception:  # a bad pass must not end paging; the next one retries
                log.exception("alerts pass failed")
            wake.wait(every)
            wake.clear()

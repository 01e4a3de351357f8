"""SLA clocks: business time spent on a case against a target, with pauses.

The clock runs only in the team's business hours (see :class:`BusinessCalendar`) and stops
while the case is paused, typically while waiting on the customer. A pause is a
``(start, end)`` pair; ``end=None`` means the pause is still running.

Rules worth knowing:

* The target is reached at the deadline; from that instant on the case is ``"breached"``
  (remaining <= 0). Breach wins over pause: pausing a late case does not make it on time.
* While a pause is open (``end=None``) and the target has not been reached, nobody can say when
  it will be, so :meth:`SlaClock.deadline` returns ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from responders.calendar import BusinessCalendar, require_aware

__all__ = ["Pause", "SlaClock", "SlaPolicy", "SlaState", "SlaStatus"]

Pause = tuple[datetime, datetime | None]
SlaStatus = Literal["ok", "warning", "breached", "paused"]


def _check_target(seconds: float, name: str) -> None:
    if not (isinstance(seconds, int | float) and math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"{name} must be a positive number of seconds, found {seconds!r}")


def _check_warn_at(warn_at: float) -> None:
    if not (isinstance(warn_at, int | float) and 0 < warn_at < 1):
        raise ValueError(f"warn_at must be a fraction between 0 and 1 (exclusive), "
                         f"found {warn_at!r}")


@dataclass(frozen=True)
class SlaPolicy:
    """Targets a team promises, in seconds of business time.

    >>> policy = SlaPolicy(first_response=4 * 3600, resolution=3 * 8 * 3600)
    >>> clock = policy.first_response_clock(BusinessCalendar("Europe/Berlin", country="DE"))
    >>> clock.target_seconds, clock.warn_at
    (14400, 0.8)
    """

    first_response: float
    resolution: float
    warn_at: float = 0.8

    def __post_init__(self) -> None:
        _check_target(self.first_response, "first_response")
        _check_target(self.resolution, "resolution")
        _check_warn_at(self.warn_at)

    def first_response_clock(self, calendar: BusinessCalendar) -> SlaClock:
        """A clock for the time to the team's first reply."""
        return SlaClock(calendar, self.first_response, self.warn_at)

    def resolution_clock(self, calendar: BusinessCalendar) -> SlaClock:
        """A clock for the time to resolving the case."""
        return SlaClock(calendar, self.resolution, self.warn_at)


@dataclass(frozen=True)
class SlaState:
    """Where a case stands against its target at one instant.

    >>> SlaState(elapsed=3600.0, remaining=10800.0, fraction=0.25, status="ok", deadline=None)
    SlaState(elapsed=3600.0, remaining=10800.0, fraction=0.25, status='ok', deadline=None)
    """

    elapsed: float
    remaining: float  # negative once breached: how late the case is, in business seconds
    fraction: float
    status: SlaStatus
    deadline: datetime | None


class SlaClock:
    """Business time spent on a case against one target, not counting paused spans.

    >>> cal = BusinessCalendar("UTC")  # Mon-Fri 09:00-17:00
    >>> clock = SlaClock(cal, target_seconds=4 * 3600)
    >>> start = datetime(2026, 6, 19, 15, tzinfo=UTC)  # a Friday
    >>> clock.deadline(start)  # 2 h on Friday, 2 h on Monday
    datetime.datetime(2026, 6, 22, 11, 0, tzinfo=datetime.timezone.utc)
    >>> clock.state(start, datetime(2026, 6, 22, 10, 30, tzinfo=UTC)).status  # 3.5 h of 4
    'warning'
    """

    def __init__(
        self, calendar: BusinessCalendar, target_seconds: float, warn_at: float = 0.8
    ) -> None:
        _check_target(target_seconds, "target_seconds")
        _check_warn_at(warn_at)
        self.calendar = calendar
        self.target_seconds = target_seconds
        self.warn_at = warn_at

    def __repr__(self) -> str:
        return (f"SlaClock({self.calendar!r}, target_seconds={self.target_seconds}, "
                f"warn_at={self.warn_at})")

    def elapsed(self, start: datetime, now: datetime, pauses: Sequence[Pause] = ()) -> float:
        """Business seconds in [start, now) outside every pause."""
        begin, end = _utc(start, "start"), _utc(now, "now")
        merged = _merge(pauses)  # validate even when there is nothing to count
        if end <= begin:
            return 0.0
        paused = 0.0
        for p_start, p_end in merged:
            p_stop = end if p_end is None else min(p_end, end)
            paused += self.calendar.business_seconds(max(p_start, begin), p_stop)
        return self.calendar.business_seconds(begin, end) - paused

    def deadline(
        self, start: datetime, pauses: Sequence[Pause] = (), now: datetime | None = None
    ) -> datetime | None:
        """When the target is reached if no pause beyond ``pauses`` happens, in UTC.

        ``now`` (optional) is the moment of evaluation: pauses that begin after it have not
        happened yet and are ignored, as :meth:`elapsed` ignores them. Returns ``None`` when
        an open pause stops the clock before the target is reached; a case that breached
        before its pause keeps its (past) deadline.
        """
        cursor = _utc(start, "start")
        cutoff = None if now is None else _utc(now, "now")
        remaining = float(self.target_seconds)
        for p_start, p_end in _merge(pauses):
            if cutoff is not None and p_start > cutoff:
                break
            if p_end is not None and p_end <= cursor:
                continue
            if p_start > cursor:
                running = self.calendar.business_seconds(cursor, p_start)
                if running >= remaining:
                    return self.calendar.add(cursor, remaining)
                remaining -= running
            if p_end is None:
                return None
            cursor = max(cursor, p_end)
        return self.calendar.add(cursor, remaining)

    def state(self, start: datetime, now: datetime, pauses: Sequence[Pause] = ()) -> SlaState:
        """Elapsed and remaining business time, status and deadline as of ``now``."""
        elapsed = self.elapsed(start, now, pauses)
        remaining = self.target_seconds - elapsed
        fraction = elapsed / self.target_seconds
        status: SlaStatus
        if remaining <= 0:
            status = "breached"
        elif _paused_at(_utc(now, "now"), pauses):
            status = "paused"
        elif fraction >= self.warn_at:
            status = "warning"
        else:
            status = "ok"
        return SlaState(elapsed, remaining, fraction, status, self.deadline(start, pauses, now))


def _utc(value: datetime, name: str) -> datetime:
    return require_aware(value, name).astimezone(UTC)


def _merge(pauses: Sequence[Pause]) -> list[Pause]:
    """Validated pauses in UTC, sorted, with overlapping or touching ones joined.

    Merging first keeps overlapping pauses (two agents both marking "waiting on customer")
    from being subtracted twice.
    """
    spans: list[Pause] = []
    for i, pause in enumerate(pauses):
        if not (isinstance(pause, tuple | list) and len(pause) == 2):
            raise ValueError(f"pauses[{i}] must be a (start, end | None) pair, found {pause!r}")
        p_start = _utc(pause[0], f"pauses[{i}] start")
        p_end = None if pause[1] is None else _utc(pause[1], f"pauses[{i}] end")
        if p_end is not None and p_end < p_start:
            raise ValueError(f"pauses[{i}] ends ({p_end.isoformat()}) before it starts "
                             f"({p_start.isoformat()})")
        spans.append((p_start, p_end))
    spans.sort(key=lambda span: span[0])
    merged: list[Pause] = []
    for p_start, p_end in spans:
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None:
                break  # an open pause swallows everything after it
            if p_start <= last_end:
                new_end = None if p_end is None else max(last_end, p_end)
                merged[-1] = (last_start, new_end)
                continue
        merged.append((p_start, p_end))
    return merged


def _paused_at(instant: datetime, pauses: Sequence[Pause]) -> bool:
    return any(
        p_start <= instant and (p_end is None or instant < p_end)
        for p_start, p_end in _merge(pauses)
    )

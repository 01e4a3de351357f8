"""The period a report covers, and the one of the same length before it (period over period)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from earful.errors import EarfulError
from earful.models import utc_iso, utcnow
from earful.store import Store


@dataclass(slots=True, frozen=True)
class Period:
    since: datetime
    until: datetime

    @property
    def before(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.since - (self.until - self.since), self.since)

    @property
    def days(self) -> list[str]:
        """The UTC days (``YYYY-MM-DD``) the period touches, in order."""
        day = self.since.astimezone(UTC).date()
        last = (self.until.astimezone(UTC) - timedelta(microseconds=1)).date()
        days = []
        while day <= last:
            days.append(day.isoformat())
            day += timedelta(days=1)
        return days

    def texts(self) -> tuple[str, str]:
        """``since`` and ``until`` as store time text."""
        return utc_iso(self.since) or "", utc_iso(self.until) or ""

    def record(self) -> dict[str, str]:
        since, until = self.texts()
        return {"since": since, "until": until}


def period(since: str | None, until: str | None, days: int = 30,
           now: datetime | None = None) -> Period:
    """The period from store-time texts (``since``/``until``), else the last ``days`` days
    up to ``now``."""
    end = datetime.fromisoformat(until) if until else (now or utcnow())
    start = datetime.fromisoformat(since) if since else end - timedelta(days=days)
    if start >= end:
        raise EarfulError(f"--since ({utc_iso(start)}) must be before --until ({utc_iso(end)})")
    return Period(start, end)


# With no period given, a store whose newest mention is older than this (or than the period,
# if shorter) has stopped collecting: the demo's sample, a listener that was stopped. Its report
# covers the days up to its newest mention instead of a window that is partly or wholly empty.
# A running listener stores something every day, so this never moves its reports.
STALE = timedelta(days=7)


def report_period(store: Store, since: str | None, until: str | None, days: int = 30,
                  now: datetime | None = None) -> Period:
    """Like :func:`period`, but with neither bound given and nothing stored for a week (or
    for the whole period, if shorter), the ``days`` days up to the end of the newest mention's
    day: a store that stopped collecting still shows its last month rather than one that is
    partly or wholly empty."""
    if since or until:
        return period(since, until, days, now)
    now = now or utcnow()
    (newest,) = store.conn.execute("SELECT max(created_at) FROM mentions").fetchone()
    if newest is not None:
        latest = datetime.fromisoformat(newest)
        if latest < now - min(STALE, timedelta(days=days)):
            end = datetime.combine(latest.date() + timedelta(days=1), datetime.min.time(), UTC)
            return Period(end - timedelta(days=days), end)
    return period(None, None, days, now)


def change(now: float | None, before: float | None) -> float | None:
    """Relative change from ``before`` to ``now`` (0.25 is +25 %); None without a base."""
    if now is None or before is None or before == 0:
        return None
    return round((now - before) / before, 4)

"""On-call schedules: who is on call at a moment, until when, and who comes next.

A schedule (``[[alerts.schedules]]``) has layers of rotations and a list of overrides, all
written in the schedule's own time zone as local wall-clock times.

* **Turns.** A layer's ``k``-th turn starts at ``start + k * turn`` *local wall-clock time*
  and belongs to ``people[k % len(people)]``. A weekly hand-off on "Monday 09:00
  Europe/London" stays at 09:00 London time across DST changes (so in UTC it moves by an
  hour); a daily turn too. A hand-off at a wall time that does not exist that day (skipped
  by the spring-forward jump) happens at the same instant as that time with the previous
  offset, i.e. an hour later by the clock; one that happens twice (autumn) happens at the
  first. Before ``start`` the layer covers nobody.
* **Days and hours.** ``days`` and ``hours`` restrict when a layer covers, in local time
  (``hours`` never wrap midnight; ``"24:00"`` closes at the next midnight). Outside them
  the layer covers nobody and a lower layer, if any, answers.
* **Layers.** A later layer covering a moment beats an earlier one.
* **Overrides.** An override covering a moment (``start`` included, ``end`` excluded) beats
  every layer; if several cover it, the one listed last wins.

A :class:`Shift` is the span during which one person *continuously* covers, whatever layer
or override puts them there: Jordan on the weekly layer followed directly by Jordan on an
evening layer is one shift. Its bounds are searched at most :data:`HORIZON` either side of
the moment asked about; a bound beyond that is ``None``. Nobody is paged in a gap, where
:meth:`OnCall.who` answers ``None``.

The answer is computed from boundaries (hand-offs, opening and closing of hours, override
edges), never by scanning minutes, so it is cheap enough to ask every minute.

>>> oncall = OnCall(settings)                                      # doctest: +SKIP
>>> oncall.who("care-primary", datetime(2026, 11, 3, 19, tzinfo=UTC)).person  # doctest: +SKIP
'Jordan'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from earful.config import Layer, ScheduleConfig, Settings
from earful.errors import EarfulError

__all__ = ["HORIZON", "OVERRIDE", "OnCall", "OnCallRow", "Shift"]

HORIZON = timedelta(days=35)  # how far either side of a moment shift bounds are searched
OVERRIDE = "override"  # the ``layer`` of a shift that an override decides
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Shift:
    """``person`` covers ``schedule`` from ``start`` to ``end`` (aware UTC; ``None`` beyond
    :data:`HORIZON`). ``layer`` is the layer's name, or ``"override"``, that puts them on call
    at the moment asked about (for a next shift: at its start). ``timezone`` is the
    schedule's, for showing the times as its people read them."""

    person: str
    schedule: str
    layer: str
    start: datetime | None
    end: datetime | None
    timezone: str


class OnCallRow(NamedTuple):
    """One schedule's line in ``earful oncall``: who is on call now and who comes next."""

    schedule: str
    current: Shift | None
    next: Shift | None


def _aware_utc(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        # A naive time would mean the server's zone, which is never what a schedule means.
        raise ValueError(f"expected a timezone-aware datetime; found naive {at.isoformat()}")
    return at.astimezone(UTC)


def _naive_local(value: datetime, zone: ZoneInfo) -> datetime:
    """Config times are naive local times; one written with an offset is converted to them."""
    return value if value.tzinfo is None else value.astimezone(zone).replace(tzinfo=None)


def _to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    # fold=0: a skipped wall time takes the offset before the jump, a repeated one its first.
    return local.replace(tzinfo=zone).astimezone(UTC)


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


class _Layer:
    """A layer ready to answer: who it puts on call at an instant, and where that changes."""

    def __init__(self, layer: Layer, zone: ZoneInfo) -> None:
        self.name = layer.name
        self.people = list(layer.people)
        self.zone = zone
        self.start = _naive_local(layer.start, zone)
        self.turn = timedelta(seconds=layer.turn)
        self.weekdays = ({_DAYS.index(day) for day in layer.days} if layer.days is not None
                         else set(range(7)))
        self.hours = ((_minutes(layer.hours[0]), _minutes(layer.hours[1]))
                      if layer.hours is not None else None)
        self.restricted = layer.days is not None or layer.hours is not None

    def handoff(self, k: int) -> datetime:
        """The UTC instant turn ``k`` starts."""
        return _to_utc(self.start + self.turn * k, self.zone)

    def turn_at(self, at: datetime) -> int:
        """The turn covering ``at`` (negative: before ``start``)."""
        local = at.astimezone(self.zone).replace(tzinfo=None)
        k = math.floor((local - self.start) / self.turn)
        # The wall-clock estimate can be one off around a DST change (a repeated hour maps
        # back to earlier wall times); the UTC hand-off instants decide.
        while self.handoff(k + 1) <= at:
            k += 1
        while self.handoff(k) > at:
            k -= 1
        return k

    def window(self, day: datetime) -> tuple[datetime, datetime] | None:
        """The UTC [opening, closing) of the layer on the local date of naive ``day``."""
        if day.weekday() not in self.weekdays:
            return None
        opens, closes = self.hours or (0, 24 * 60)
        return (_to_utc(day + timedelta(minutes=opens), self.zone),
                _to_utc(day + timedelta(minutes=closes), self.zone))

    def covering(self, at: datetime) -> str | None:
        if self.restricted:
            midnight = at.astimezone(self.zone).replace(
                tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
            window = self.window(midnight)
            if window is None or not window[0] <= at < window[1]:
                return None
        k = self.turn_at(at)
        return None if k < 0 else self.people[k % len(self.people)]

    def boundaries(self, lo: datetime, hi: datetime) -> set[datetime]:
        """Instants in (lo, hi) where what this layer answers may change."""
        found: set[datetime] = set()
        if len(self.people) == 1:
            found.add(self.handoff(0))  # one person: only the first turn changes anything
        else:
            k = max(0, self.turn_at(lo) + 1)
            while (instant := self.handoff(k)) < hi:
                found.add(instant)
                k += 1
        if self.restricted:
            day = lo.astimezone(self.zone).replace(tzinfo=None, hour=0, minute=0, second=0,
                                                   microsecond=0)
            last = hi.astimezone(self.zone).replace(tzinfo=None)
            while day <= last:
                found.update(self.window(day) or ())
                day += timedelta(days=1)
        return {instant for instant in found if lo < instant < hi}


class _Schedule:
    def __init__(self, schedule: ScheduleConfig) -> None:
        self.name = schedule.name
        self.timezone = schedule.timezone
        zone = ZoneInfo(schedule.timezone)
        self.layers = [_Layer(layer, zone) for layer in schedule.layers]
        self.overrides = [(_to_utc(_naive_local(o.start, zone), zone),
                           _to_utc(_naive_local(o.end, zone), zone), o.person)
                          for o in schedule.overrides]

    def answer(self, at: datetime) -> tuple[str, str] | None:
        """(person, layer or "override") on call at the UTC instant ``at``."""
        for start, end, person in reversed(self.overrides):
            if start <= at < end:
                return person, OVERRIDE
        for layer in reversed(self.layers):
            person = layer.covering(at)
            if person is not None:
                return person, layer.name
        return None

    def shifts(self, at: datetime) -> tuple[list[Shift | None], int]:
        """The timeline within HORIZON of ``at`` as consecutive shifts (``None`` for gaps),
        and the index of the one holding ``at``."""
        lo, hi = at - HORIZON, at + HORIZON
        points = {lo, at}
        for layer in self.layers:
            points |= layer.boundaries(lo, hi)
        for start, end, _ in self.overrides:
            points |= {instant for instant in (start, end) if lo < instant < hi}
        ordered = sorted(points)
        # Runs of the same person (or of nobody) merge into one span: [first start, next start).
        runs: list[tuple[datetime, str | None, str | None]] = []  # (start, person, layer)
        current = 0
        for instant in ordered:
            found = self.answer(instant)
            person, layer = found if found else (None, None)
            if instant == at:
                current = len(runs) - 1 if runs and runs[-1][1] == person else len(runs)
            if runs and runs[-1][1] == person:
                if instant == at and layer is not None:
                    # The layer shown is the one covering the moment asked about.
                    runs[-1] = (runs[-1][0], person, layer)
                continue
            runs.append((instant, person, layer))
        timeline: list[Shift | None] = []
        for index, (start, person, layer) in enumerate(runs):
            end = runs[index + 1][0] if index + 1 < len(runs) else None
            if person is None or layer is None:
                timeline.append(None)
            else:
                timeline.append(Shift(person=person, schedule=self.name, layer=layer,
                                      start=None if start == lo else start, end=end,
                                      timezone=self.timezone))
        return timeline, current


class OnCall:
    """Answers who is on call for the schedules of ``settings.alerts``.

    All methods take a timezone-aware ``at`` in any zone; naive datetimes are rejected.
    """

    def __init__(self, settings: Settings) -> None:
        self._schedules = {s.name: _Schedule(s) for s in settings.alerts.schedules}

    @property
    def schedules(self) -> list[str]:
        return list(self._schedules)

    def _schedule(self, name: str) -> _Schedule:
        try:
            return self._schedules[name]
        except KeyError:
            known = ", ".join(sorted(self._schedules)) or "none configured"
            raise EarfulError(f"no on-call schedule named {name!r}; "
                              f"schedules: {known}") from None

    def who(self, schedule: str, at: datetime) -> Shift | None:
        """The shift of whoever is on call at ``at``; ``None`` if nobody covers then.

        Raises :class:`EarfulError` for an unknown schedule.
        """
        timeline, current = self._schedule(schedule).shifts(_aware_utc(at))
        return timeline[current]

    def next(self, schedule: str, at: datetime) -> Shift | None:
        """The shift that follows the one holding ``at`` (after any gap where nobody covers):
        someone else's, or the same person's again after a gap. ``None`` if none starts
        within :data:`HORIZON`."""
        timeline, current = self._schedule(schedule).shifts(_aware_utc(at))
        return _following(timeline, current)

    def now_and_next(self, at: datetime) -> list[OnCallRow]:
        """One row per schedule, in config order: who is on call at ``at`` and who is next."""
        instant = _aware_utc(at)
        rows = []
        for name, schedule in self._schedules.items():
            timeline, current = schedule.shifts(instant)
            rows.append(OnCallRow(name, timeline[current], _following(timeline, current)))
        return rows


def _following(timeline: list[Shift | None], current: int) -> Shift | None:
    return next((shift for shift in timeline[current + 1:] if shift is not None), None)

"""Business-time calendars: a team's time zone, working days and hours, and days it is closed.

SLA targets are promised in the team's business time, so "4 hours" on a Friday afternoon in
Berlin may end on Monday morning. Working hours are wall-clock times in the team's zone: a
09:00-17:00 day is 8 hours even on a DST-change day, while a 00:00-24:00 day that contains the
jump lasts 23 or 25 real hours.

All public methods take timezone-aware datetimes in any zone and compute on absolute instants
(UTC); naive datetimes are rejected because their meaning would depend on the server's zone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from earful.config import ResponderConfig, TeamConfig

__all__ = ["DAY_NAMES", "BusinessCalendar", "require_aware"]

DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_HHMM = re.compile(r"(\d{1,2}):(\d{2})")
_ONE_DAY = timedelta(days=1)
# A team whose every day is closed (e.g. only holidays left in `days`) would make the day walk
# spin forever; no real calendar stays closed for more than a year in a row.
_MAX_CLOSED_RUN = 400


def require_aware(value: datetime, name: str = "datetime") -> datetime:
    """Return ``value`` unchanged if it is a timezone-aware datetime, else raise.

    >>> require_aware(datetime(2026, 6, 16, 9, tzinfo=UTC)).hour
    9
    """
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, found {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} must be timezone-aware (e.g. tzinfo=ZoneInfo('UTC')), "
            f"found naive {value.isoformat()}"
        )
    return value


def _utc(value: datetime, name: str) -> datetime:
    return require_aware(value, name).astimezone(UTC)


def _parse_clock(text: str, *, is_end: bool) -> int:
    """Minutes after midnight for "HH:MM"; "24:00" is only meaningful as a closing time."""
    match = _HHMM.fullmatch(text.strip()) if isinstance(text, str) else None
    hour, minute = (int(match[1]), int(match[2])) if match else (-1, -1)
    valid = match is not None and 0 <= minute <= 59 and (
        hour <= 23 or (is_end and hour == 24 and minute == 0)
    )
    if not valid:
        latest = "24:00" if is_end else "23:59"
        raise ValueError(f"invalid time {text!r} in hours; expected HH:MM from 00:00 to {latest}")
    return hour * 60 + minute


def _load_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):  # "America" is a folder
        raise ValueError(
            f"unknown time zone {name!r}; expected an IANA name such as 'Europe/Berlin' or 'UTC'"
        ) from None


def _load_holidays(country: str | None, subdivision: str | None) -> holidays.HolidayBase | None:
    if country is None:
        if subdivision is not None:
            raise ValueError(f"subdivision {subdivision!r} given without a country")
        return None
    supported = holidays.list_supported_countries()
    code = country.strip().upper()
    if code not in supported:
        raise ValueError(
            f"unknown country code {country!r}; expected an ISO 3166-1 alpha-2 code "
            "supported by the holidays library, e.g. 'US' or 'DE'"
        )
    subdiv = subdivision
    if subdiv is not None:
        # Accept the ISO 3166-2 spelling "DE-BY" as well as the bare "BY".
        subdiv = subdiv.strip().upper().removeprefix(f"{code}-")
    try:
        return holidays.country_holidays(code, subdiv=subdiv)
    except NotImplementedError:
        known = ", ".join(supported[code]) or "none"
        raise ValueError(
            f"unknown subdivision {subdivision!r} for {code}; expected one of: {known}"
        ) from None


class BusinessCalendar:
    """When a support team is at work, and how much of that time lies between two instants.

    >>> berlin = BusinessCalendar("Europe/Berlin", country="DE", subdivision="BY")
    >>> fri = datetime(2026, 6, 12, 16, tzinfo=ZoneInfo("Europe/Berlin"))
    >>> mon = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Europe/Berlin"))
    >>> berlin.business_seconds(fri, mon) / 3600
    2.0
    >>> berlin.add(fri, 2 * 3600)  # Monday 10:00 in Berlin, returned in UTC
    datetime.datetime(2026, 6, 15, 8, 0, tzinfo=datetime.timezone.utc)
    """

    def __init__(
        self,
        timezone: str = "UTC",
        days: Sequence[str] = ("mon", "tue", "wed", "thu", "fri"),
        hours: tuple[str, str] = ("09:00", "17:00"),
        country: str | None = None,
        subdivision: str | None = None,
        closed: Sequence[date] = (),
    ) -> None:
        self.timezone = timezone
        self.zone = _load_zone(timezone)
        self.weekdays = self._parse_days(days)
        # Minutes after local midnight; wall-clock offsets, not durations.
        self.minutes = self._parse_hours(hours)
        self.hours = tuple(f"{m // 60:02d}:{m % 60:02d}" for m in self.minutes)
        self.country = country
        self.subdivision = subdivision
        self.holidays = _load_holidays(country, subdivision)
        self.closed = self._parse_closed(closed)
        # Opening windows are asked for the same few dates over and over (every SLA check of
        # every open case), and the holiday lookup is the slow part.
        self._windows: dict[date, tuple[datetime, datetime] | None] = {}

    def __repr__(self) -> str:
        days = ",".join(DAY_NAMES[i] for i in sorted(self.weekdays))
        start, end = self.hours
        region = "-".join(p for p in (self.country, self.subdivision) if p) or None
        return (
            f"BusinessCalendar({self.timezone!r}, days={days}, hours={start}-{end}, "
            f"holidays={region}, closed={len(self.closed)} dates)"
        )

    @staticmethod
    def _parse_days(days: Sequence[str]) -> frozenset[int]:
        if isinstance(days, str):
            raise ValueError(
                f"days must be a sequence of day names such as ('mon', 'tue'), "
                f"found the string {days!r}"
            )
        weekdays = set()
        for name in days:
            key = name.strip().lower() if isinstance(name, str) else name
            if key not in DAY_NAMES:
                expected = ", ".join(DAY_NAMES)
                raise ValueError(f"unknown day name {name!r}; expected one of {expected}")
            weekdays.add(DAY_NAMES.index(key))
        if not weekdays:
            raise ValueError("days must name at least one working day, found none")
        return frozenset(weekdays)

    @staticmethod
    def _parse_hours(hours: tuple[str, str]) -> tuple[int, int]:
        if isinstance(hours, str) or len(hours) != 2:
            raise ValueError(f"hours must be an (opening, closing) pair like ('09:00', '17:00'), "
                             f"found {hours!r}")
        start = _parse_clock(hours[0], is_end=False)
        end = _parse_clock(hours[1], is_end=True)
        if start >= end:
            raise ValueError(
                f"opening time {hours[0]!r} must be before closing time {hours[1]!r}; "
                "shifts past midnight are not supported (use '00:00'-'24:00' for all day)"
            )
        return start, end

    @staticmethod
    def _parse_closed(closed: Sequence[date]) -> frozenset[date]:
        for day in closed:
            # datetime is a date subclass, but it never equals a date, so it would silently
            # close nothing.
            if not isinstance(day, date) or isinstance(day, datetime):
                raise ValueError(f"closed must hold datetime.date values, found {day!r}")
        return frozenset(closed)

    # -- the one primitive everything else walks over ----------------------------------------

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        """The UTC [open, close) instants of the team's local ``day``, or None when closed."""
        try:
            return self._windows[day]
        except KeyError:
            pass
        window = None
        is_holiday = self.holidays is not None and day in self.holidays
        if day.weekday() in self.weekdays and not is_holiday and day not in self.closed:
            midnight = datetime(day.year, day.month, day.day, tzinfo=self.zone)
            # Aware + timedelta is wall-clock arithmetic in Python, which is exactly what
            # working hours are; "24:00" becomes the next local midnight. Wall times that fall
            # in a DST gap resolve with the pre-transition offset (PEP 495, fold=0).
            opens, closes = (midnight + timedelta(minutes=m) for m in self.minutes)
            window = (opens.astimezone(UTC), closes.astimezone(UTC))
        self._windows[day] = window
        return window

    def _local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def _open_windows_from(self, instant: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Yield open windows of the local day holding ``instant`` and every day after it."""
        day = self._local_date(instant)
        closed_run = 0
        while True:
            window = self._window(day)
            if window is not None:
                closed_run = 0
                yield window
            else:
                closed_run += 1
                if closed_run > _MAX_CLOSED_RUN:
                    raise ValueError(f"{self!r} has no open hours for over a year after {day}")
            day += _ONE_DAY

    # -- public API ---------------------------------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        """True when the team is working at ``at`` (opening instant included, closing excluded)."""
        instant = _utc(at, "at")
        window = self._window(self._local_date(instant))
        return window is not None and window[0] <= instant < window[1]

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself when open, otherwise the next opening, in ``at``'s time zone."""
        instant = _utc(at, "at")
        for opens, closes in self._open_windows_from(instant):
            if instant < closes:
                return at if instant >= opens else opens.astimezone(at.tzinfo)
        raise AssertionError("unreachable: the window walk never ends")  # pragma: no cover

    def business_seconds(self, start: datetime, end: datetime) -> float:
        """Seconds of working time in [start, end); 0 when ``end`` is not after ``start``."""
        lo, hi = _utc(start, "start"), _utc(end, "end")
        if hi <= lo:
            return 0.0
        total = timedelta()
        day, last = self._local_date(lo), self._local_date(hi)
        while day <= last:
            window = self._window(day)
            if window is not None:
                overlap = min(window[1], hi) - max(window[0], lo)
                if overlap > timedelta():
                    total += overlap
            day += _ONE_DAY
        return total.total_seconds()

    def add(self, start: datetime, seconds: float) -> datetime:
        """The UTC instant at which ``seconds`` of working time have elapsed since ``start``.

        Counting begins at the next opening when ``start`` is outside hours, so ``add(t, 0)``
        is that opening. A target that is used up exactly at closing time ends at the closing
        instant, not at the next morning's opening.
        """
        if seconds < 0:
            raise ValueError(f"seconds must be >= 0, found {seconds}")
        instant = _utc(start, "start")
        remaining = timedelta(seconds=seconds)
        for opens, closes in self._open_windows_from(instant):
            begin = max(opens, instant)
            if begin >= closes:
                continue
            if remaining <= closes - begin:
                return begin + remaining
            remaining -= closes - begin
        raise AssertionError("unreachable: the window walk never ends")  # pragma: no cover


def calendar_for(schedule: TeamConfig | ResponderConfig) -> BusinessCalendar:
    """The business calendar of a configured team (with its public holidays) or responder."""
    team = isinstance(schedule, TeamConfig)
    return BusinessCalendar(schedule.timezone, schedule.days,
                            (schedule.hours[0], schedule.hours[1]),
                            country=schedule.holidays if team else None,
                            subdivision=schedule.subdivision if team else None)

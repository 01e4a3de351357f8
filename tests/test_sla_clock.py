"""Business calendars and SLA clocks, checked against examples worked out by hand.

Every expected value below was computed by hand in the comment next to it, never by running
the code. Calendar facts used (2026):

* Jan 1 is a Thursday, so Jun 12 and Jun 19 are Fridays, Jun 15 and Jun 22 Mondays.
* US Thanksgiving is Thu Nov 26; California also closes on Fri Nov 27.
* German Christmas: Fri Dec 25 and Sat Dec 26. Epiphany (Tue Jan 6) is a holiday in Bavaria
  (DE-BY) but not in Berlin (DE-BE) nor nationwide.
* Europe: clocks go 02:00 CET -> 03:00 CEST on Sun Mar 29 and 03:00 CEST -> 02:00 CET on
  Sun Oct 25. US: 02:00 EST -> 03:00 EDT on Sun Mar 8, 02:00 EDT -> 01:00 EST on Sun Nov 1.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from responders.calendar import BusinessCalendar
from responders.sla import SlaClock, SlaPolicy, SlaState

H = 3600
BERLIN = ZoneInfo("Europe/Berlin")
NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")
ALL_WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AROUND_THE_CLOCK = ("00:00", "24:00")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)


OFFICE = BusinessCalendar()  # UTC, Mon-Fri 09:00-17:00, no holidays


# -- one calendar, one zone --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        # Tue 10:15 -> 13:45, all inside 09-17: 3 h 30 min.
        (utc(2026, 6, 16, 10, 15), utc(2026, 6, 16, 13, 45), 3.5),
        # Tue 07:00 -> 19:00 is clipped to the 09-17 window: 8 h.
        (utc(2026, 6, 16, 7), utc(2026, 6, 16, 19), 8),
        # Tue 17:00 -> Wed 09:00 is the night: 0.
        (utc(2026, 6, 16, 17), utc(2026, 6, 17, 9), 0),
        # Fri 16:00 -> Mon 10:00: Fri 16-17 (1 h) + weekend (0) + Mon 09-10 (1 h) = 2 h.
        (utc(2026, 6, 12, 16), utc(2026, 6, 15, 10), 2),
        # Sat 10:00 -> Sun 18:00: weekend only, 0.
        (utc(2026, 6, 13, 10), utc(2026, 6, 14, 18), 0),
        # Mon 09:00 -> next Mon 09:00: five 8 h days = 40 h.
        (utc(2026, 6, 15, 9), utc(2026, 6, 22, 9), 40),
        # End before start, and an empty span: 0.
        (utc(2026, 6, 16, 13), utc(2026, 6, 16, 10), 0),
        (utc(2026, 6, 16, 13), utc(2026, 6, 16, 13), 0),
    ],
    ids=["inside-one-day", "clipped-to-hours", "overnight", "weekend", "weekend-only",
         "full-week", "reversed", "empty"],
)
def test_business_seconds_in_one_zone(start: datetime, end: datetime, hours: float) -> None:
    assert OFFICE.business_seconds(start, end) == hours * H


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (utc(2026, 6, 16, 8, 59, 59), False),
        (utc(2026, 6, 16, 9), True),  # the opening instant belongs to the day
        (utc(2026, 6, 16, 16, 59, 59), True),
        (utc(2026, 6, 16, 17), False),  # the closing instant does not
        (utc(2026, 6, 13, 12), False),  # Saturday
    ],
)
def test_is_open(at: datetime, expected: bool) -> None:
    assert OFFICE.is_open(at) is expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (utc(2026, 6, 16, 7), utc(2026, 6, 16, 9)),  # Tue before opening -> Tue 09:00
        (utc(2026, 6, 16, 17), utc(2026, 6, 17, 9)),  # Tue at closing -> Wed 09:00
        (utc(2026, 6, 12, 18), utc(2026, 6, 15, 9)),  # Fri evening -> Mon 09:00
        (utc(2026, 6, 13, 12), utc(2026, 6, 15, 9)),  # Sat -> Mon 09:00
    ],
)
def test_next_open_when_closed(at: datetime, expected: datetime) -> None:
    assert OFFICE.next_open(at) == expected


def test_next_open_is_the_instant_itself_when_open() -> None:
    at = utc(2026, 6, 16, 10, 30)
    assert OFFICE.next_open(at) is at


@pytest.mark.parametrize(
    ("start", "seconds", "expected"),
    [
        # Tue 10:00 + 2 h = Tue 12:00.
        (utc(2026, 6, 16, 10), 2 * H, utc(2026, 6, 16, 12)),
        # Zero seconds while open is the start itself.
        (utc(2026, 6, 16, 12), 0, utc(2026, 6, 16, 12)),
        # Tue 16:00 + 1 h uses up the day exactly: closing time Tue 17:00, not Wed 09:00.
        (utc(2026, 6, 16, 16), 1 * H, utc(2026, 6, 16, 17)),
        # One second more spills into the next opening: Wed 09:00:01.
        (utc(2026, 6, 16, 16), 1 * H + 1, utc(2026, 6, 17, 9, 0, 1)),
        # Fri 16:00 + 2 h: 1 h on Friday, the weekend is skipped, 1 h on Monday -> Mon 10:00.
        (utc(2026, 6, 12, 16), 2 * H, utc(2026, 6, 15, 10)),
        # From Friday's closing time, 0 s lands on the next opening: Mon 09:00.
        (utc(2026, 6, 12, 17), 0, utc(2026, 6, 15, 9)),
        # Starting outside hours, counting begins at the next opening:
        # Sat 12:00 + 1 h -> Mon 09:00 + 1 h = Mon 10:00; Tue 07:00 + 1 h -> Tue 10:00.
        (utc(2026, 6, 13, 12), 1 * H, utc(2026, 6, 15, 10)),
        (utc(2026, 6, 16, 7), 1 * H, utc(2026, 6, 16, 10)),
        # Mon 09:00 + 40 h = five full days, ending exactly at Fri 17:00 ...
        (utc(2026, 6, 15, 9), 40 * H, utc(2026, 6, 19, 17)),
        # ... and 1 s more is the following Monday 09:00:01.
        (utc(2026, 6, 15, 9), 40 * H + 1, utc(2026, 6, 22, 9, 0, 1)),
        # Fractions of a second are kept: Tue 10:00 + 0.25 s.
        (utc(2026, 6, 16, 10), 0.25, utc(2026, 6, 16, 10, 0, 0) + timedelta(milliseconds=250)),
    ],
)
def test_add(start: datetime, seconds: float, expected: datetime) -> None:
    result = OFFICE.add(start, seconds)
    assert result == expected
    assert result.tzinfo is UTC


def test_add_and_business_seconds_agree() -> None:
    # Not hand-worked: a consistency check that add() inverts business_seconds().
    start = berlin(2026, 3, 26, 15, 20)
    cal = BusinessCalendar("Europe/Berlin", country="DE")
    for seconds in (0, 1, 1800, 8 * H, 8 * H + 7, 41 * H, 200 * H):
        assert cal.business_seconds(start, cal.add(start, seconds)) == seconds


def test_closed_dates() -> None:
    cal = BusinessCalendar(closed=[date(2026, 6, 17)])
    # Tue 16:00 -> Thu 10:00: Tue 1 h + Wed closed + Thu 1 h = 2 h (without closing: 10 h).
    assert cal.business_seconds(utc(2026, 6, 16, 16), utc(2026, 6, 18, 10)) == 2 * H
    assert not cal.is_open(utc(2026, 6, 17, 12))
    # Tue 16:00 + 2 h -> Thu 10:00.
    assert cal.add(utc(2026, 6, 16, 16), 2 * H) == utc(2026, 6, 18, 10)


def test_names_are_case_insensitive() -> None:
    cal = BusinessCalendar("Europe/Berlin", days=("MON", "Tue"), country="de", subdivision="by")
    # Tue Jan 6 is Epiphany in Bavaria; Mon Jan 5 is an ordinary Monday.
    assert cal.is_open(berlin(2026, 1, 5, 10))
    assert not cal.is_open(berlin(2026, 1, 6, 10))
    assert not cal.is_open(berlin(2026, 1, 7, 10))  # Wednesday is not a working day


# -- public holidays --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "hours"),
    [
        # Wed 16:00 -> Fri 10:00 New York: Wed 1 h + Thanksgiving 0 + Fri 1 h = 2 h.
        ("US", 2),
        # Without holidays Thursday counts: 1 + 8 + 1 = 10 h.
        (None, 10),
    ],
)
def test_us_thanksgiving(country: str | None, hours: float) -> None:
    cal = BusinessCalendar("America/New_York", country=country)
    assert cal.business_seconds(ny(2026, 11, 25, 16), ny(2026, 11, 27, 10)) == hours * H


def test_add_over_us_thanksgiving() -> None:
    cal = BusinessCalendar("America/New_York", country="US")
    # Wed 16:00 + 2 h: Wed 1 h, Thanksgiving closed, Fri 09:00 + 1 h = Fri 10:00 EST = 15:00 UTC.
    assert cal.add(ny(2026, 11, 25, 16), 2 * H) == utc(2026, 11, 27, 15)


@pytest.mark.parametrize(
    ("subdivision", "hours"),
    [
        # Wed 16:00 -> Mon 10:00 Los Angeles. California closes Thu and Fri:
        # Wed 1 h + Thu 0 + Fri 0 + weekend + Mon 1 h = 2 h.
        ("CA", 2),
        ("US-CA", 2),  # the ISO 3166-2 spelling
        # Nationwide only Thursday is closed: 1 + 0 + 8 + 1 = 10 h.
        (None, 10),
    ],
)
def test_us_subdivision_holiday(subdivision: str | None, hours: float) -> None:
    cal = BusinessCalendar("America/Los_Angeles", country="US", subdivision=subdivision)
    start = datetime(2026, 11, 25, 16, tzinfo=LA)
    end = datetime(2026, 11, 30, 10, tzinfo=LA)
    assert cal.business_seconds(start, end) == hours * H


@pytest.mark.parametrize(
    ("country", "hours"),
    [
        # A Mon-Sat team in Berlin, Thu Dec 24 16:00 -> Mon Dec 28 10:00:
        # Thu 1 h + Fri 25 (holiday) 0 + Sat 26 (holiday) 0 + Sunday 0 + Mon 1 h = 2 h.
        ("DE", 2),
        # Without holidays Fri and Sat are 8 h each: 1 + 8 + 8 + 1 = 18 h.
        (None, 18),
    ],
)
def test_german_christmas(country: str | None, hours: float) -> None:
    cal = BusinessCalendar("Europe/Berlin", days=ALL_WEEK[:6], country=country)
    assert cal.business_seconds(berlin(2026, 12, 24, 16), berlin(2026, 12, 28, 10)) == hours * H


def test_add_over_german_christmas() -> None:
    cal = BusinessCalendar("Europe/Berlin", days=ALL_WEEK[:6], country="DE")
    # Thu 16:00 + 2 h -> Mon Dec 28 10:00 CET = 09:00 UTC.
    assert cal.add(berlin(2026, 12, 24, 16), 2 * H) == utc(2026, 12, 28, 9)


@pytest.mark.parametrize(
    ("subdivision", "open_on_epiphany"),
    [("BY", False), ("DE-BY", False), ("BE", True), (None, True)],
)
def test_subdivision_only_holiday(subdivision: str | None, open_on_epiphany: bool) -> None:
    cal = BusinessCalendar("Europe/Berlin", country="DE", subdivision=subdivision)
    # Tue Jan 6, whole local day: 0 h where Epiphany is a holiday, else 09-17 = 8 h.
    day = cal.business_seconds(berlin(2026, 1, 6), berlin(2026, 1, 7))
    assert day == (8 * H if open_on_epiphany else 0)
    assert cal.is_open(berlin(2026, 1, 6, 10)) is open_on_epiphany


# -- a Berlin team measured from other zones --------------------------------------------------

# Mon-Fri 09:00-17:00 Berlin. In June Berlin is UTC+2 and New York UTC-4, so the working day
# is 07:00-15:00 UTC = 03:00-11:00 New York.
BERLIN_TEAM = BusinessCalendar("Europe/Berlin", country="DE")


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        # 10:00-16:00 UTC overlaps 07:00-15:00 UTC for 5 h.
        (utc(2026, 6, 16, 10), utc(2026, 6, 16, 16), 5),
        # 06:00-12:00 New York is the same span: 5 h.
        (ny(2026, 6, 16, 6), ny(2026, 6, 16, 12), 5),
        # Mixed zones: 07:00 UTC -> 11:00 New York (= 15:00 UTC) is the whole day, 8 h.
        (utc(2026, 6, 16, 7), ny(2026, 6, 16, 11), 8),
        # Fri 10:00 NY -> Mon 04:00 NY: Fri 10-11 NY (1 h) + Mon 03-04 NY (1 h) = 2 h.
        (ny(2026, 6, 12, 10), ny(2026, 6, 15, 4), 2),
    ],
)
def test_berlin_team_from_utc_and_new_york(start: datetime, end: datetime, hours: float) -> None:
    assert BERLIN_TEAM.business_seconds(start, end) == hours * H


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (ny(2026, 6, 16, 2, 59), False),  # 08:59 Berlin
        (ny(2026, 6, 16, 3), True),  # 09:00 Berlin
        (ny(2026, 6, 16, 10, 59), True),  # 16:59 Berlin
        (ny(2026, 6, 16, 11), False),  # 17:00 Berlin
        (utc(2026, 6, 16, 6, 59), False),
        (utc(2026, 6, 16, 7), True),
    ],
)
def test_berlin_team_is_open_from_other_zones(at: datetime, expected: bool) -> None:
    assert BERLIN_TEAM.is_open(at) is expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        # Tue 11:00 NY = 17:00 Berlin, closed -> Wed 09:00 Berlin = 03:00 NY.
        (ny(2026, 6, 16, 11), ny(2026, 6, 17, 3)),
        # Mon Mar 16: New York is already on EDT (UTC-4), Berlin still on CET (UTC+1), so the
        # zones are 5 h apart: 09:00 Berlin = 08:00 UTC = 04:00 NY.
        (ny(2026, 3, 16, 0), ny(2026, 3, 16, 4)),
        # Mon Mar 30 both are on summer time again, 6 h apart: 09:00 Berlin = 03:00 NY.
        (ny(2026, 3, 30, 0), ny(2026, 3, 30, 3)),
    ],
)
def test_berlin_team_next_open_in_callers_zone(at: datetime, expected: datetime) -> None:
    result = BERLIN_TEAM.next_open(at)
    assert result == expected
    assert result.tzinfo is NY  # reported in the zone it was asked in


def test_berlin_team_add_from_new_york() -> None:
    # Tue 10:00 NY = 16:00 Berlin: 1 h until 17:00, then Wed 09:00 + 1 h = Wed 10:00 Berlin
    # = 08:00 UTC. The result comes back in UTC.
    result = BERLIN_TEAM.add(ny(2026, 6, 16, 10), 2 * H)
    assert result == utc(2026, 6, 17, 8)
    assert result.tzinfo is UTC


# -- daylight saving time ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "start", "end", "hours"),
    [
        # 24/7 teams: a local day is as long as the clocks make it.
        # Berlin, Sun Mar 29 00:00 CET (23:00 UTC Sat) -> Mon 00:00 CEST (22:00 UTC Sun): 23 h.
        ("Europe/Berlin", berlin(2026, 3, 29), berlin(2026, 3, 30), 23),
        # Same span given in UTC.
        ("Europe/Berlin", utc(2026, 3, 28, 23), utc(2026, 3, 29, 22), 23),
        # Berlin, Sun Oct 25 00:00 CEST (22:00 UTC Sat) -> Mon 00:00 CET (23:00 UTC Sun): 25 h.
        ("Europe/Berlin", berlin(2026, 10, 25), berlin(2026, 10, 26), 25),
        # An ordinary Saturday: 24 h.
        ("Europe/Berlin", berlin(2026, 3, 28), berlin(2026, 3, 29), 24),
        # New York, Sun Mar 8 00:00 EST (05:00 UTC) -> Mon 00:00 EDT (04:00 UTC): 23 h.
        ("America/New_York", ny(2026, 3, 8), ny(2026, 3, 9), 23),
        # New York, Sun Nov 1 00:00 EDT (04:00 UTC) -> Mon 00:00 EST (05:00 UTC): 25 h.
        ("America/New_York", ny(2026, 11, 1), ny(2026, 11, 2), 25),
        # A whole week Mon Mar 2 -> Mon Mar 9 in New York: 7 * 24 - 1 = 167 h.
        ("America/New_York", ny(2026, 3, 2), ny(2026, 3, 9), 167),
    ],
)
def test_24_7_team_over_dst_change(zone: str, start: datetime, end: datetime, hours: int) -> None:
    cal = BusinessCalendar(zone, days=ALL_WEEK, hours=AROUND_THE_CLOCK)
    assert cal.business_seconds(start, end) == hours * H


def test_24_7_team_is_always_open_and_add_is_plain_time() -> None:
    cal = BusinessCalendar("Europe/Berlin", days=ALL_WEEK, hours=AROUND_THE_CLOCK)
    # 02:30 on Oct 25 happens twice; both are open.
    assert cal.is_open(berlin(2026, 10, 25, 2, 30))
    assert cal.is_open(berlin(2026, 10, 25, 2, 30).replace(fold=1))
    # Sun Mar 29 00:00 CET + 23 h of real time = Mon 00:00 CEST = Sun 22:00 UTC.
    assert cal.add(berlin(2026, 3, 29), 23 * H) == utc(2026, 3, 29, 22)
    # Sat Oct 24 12:00 CEST (10:00 UTC) + 48 h = Mon Oct 26 10:00 UTC (11:00 CET).
    assert cal.add(berlin(2026, 10, 24, 12), 48 * H) == utc(2026, 10, 26, 10)


@pytest.mark.parametrize(
    ("zone", "start", "end"),
    [
        ("Europe/Berlin", berlin(2026, 3, 29), berlin(2026, 3, 30)),
        ("Europe/Berlin", berlin(2026, 10, 25), berlin(2026, 10, 26)),
        ("America/New_York", ny(2026, 3, 8), ny(2026, 3, 9)),
        ("America/New_York", ny(2026, 11, 1), ny(2026, 11, 2)),
    ],
)
def test_nine_to_five_on_dst_sunday_is_still_eight_hours(
    zone: str, start: datetime, end: datetime
) -> None:
    # A 7-day team working 09:00-17:00: the jump happens at night, the day stays 8 h.
    cal = BusinessCalendar(zone, days=ALL_WEEK)
    assert cal.business_seconds(start, end) == 8 * H


@pytest.mark.parametrize(
    ("zone", "start", "end", "hours"),
    [
        # Berlin Fri Mar 27 09:00 CET -> Mon Mar 30 17:00 CEST: 8 + 8 = 16 h.
        ("Europe/Berlin", berlin(2026, 3, 27, 9), berlin(2026, 3, 30, 17), 16),
        # Same team in UTC: Friday's window is 08:00-16:00 UTC, Monday's 07:00-15:00 UTC, so
        # Fri 08:00 UTC -> Mon 08:00 UTC = 8 h + 1 h = 9 h.
        ("Europe/Berlin", utc(2026, 3, 27, 8), utc(2026, 3, 30, 8), 9),
        # Berlin fall back: Fri Oct 23 window 07:00-15:00 UTC, Mon Oct 26 08:00-16:00 UTC.
        # Fri 07:00 UTC -> Mon 09:00 UTC = 8 h + 1 h = 9 h.
        ("Europe/Berlin", utc(2026, 10, 23, 7), utc(2026, 10, 26, 9), 9),
        # New York Fri Mar 6 window 14:00-22:00 UTC (EST), Mon Mar 9 13:00-21:00 UTC (EDT).
        # Fri 14:00 UTC -> Mon 14:00 UTC = 8 h + 1 h = 9 h.
        ("America/New_York", utc(2026, 3, 6, 14), utc(2026, 3, 9, 14), 9),
        # New York Fri Oct 30 13:00-21:00 UTC (EDT), Mon Nov 2 14:00-22:00 UTC (EST).
        # Fri 13:00 UTC -> Mon 15:00 UTC = 8 h + 1 h = 9 h.
        ("America/New_York", utc(2026, 10, 30, 13), utc(2026, 11, 2, 15), 9),
    ],
)
def test_office_hours_follow_local_clock_over_dst(
    zone: str, start: datetime, end: datetime, hours: int
) -> None:
    cal = BusinessCalendar(zone)
    assert cal.business_seconds(start, end) == hours * H


@pytest.mark.parametrize(
    ("zone", "start", "expected"),
    [
        # Fri Mar 27 16:00 CET + 2 h: 1 h Friday, Mon Mar 30 10:00 CEST = 08:00 UTC.
        ("Europe/Berlin", berlin(2026, 3, 27, 16), utc(2026, 3, 30, 8)),
        # Fri Oct 23 16:00 CEST + 2 h: 1 h Friday, Mon Oct 26 10:00 CET = 09:00 UTC.
        ("Europe/Berlin", berlin(2026, 10, 23, 16), utc(2026, 10, 26, 9)),
        # Fri Mar 6 16:00 EST + 2 h: 1 h Friday, Mon Mar 9 10:00 EDT = 14:00 UTC.
        ("America/New_York", ny(2026, 3, 6, 16), utc(2026, 3, 9, 14)),
        # Fri Oct 30 16:00 EDT + 2 h: 1 h Friday, Mon Nov 2 10:00 EST = 15:00 UTC.
        ("America/New_York", ny(2026, 10, 30, 16), utc(2026, 11, 2, 15)),
    ],
)
def test_add_over_dst_weekend(zone: str, start: datetime, expected: datetime) -> None:
    assert BusinessCalendar(zone).add(start, 2 * H) == expected


def test_opening_inside_the_spring_gap_moves_forward() -> None:
    # 02:30 does not exist in Berlin on Mar 29; read with the pre-jump offset (+01:00) it is
    # 01:30 UTC = 03:30 CEST. So the 02:30-04:00 shift lasts 03:30-04:00 CEST = 30 min.
    cal = BusinessCalendar("Europe/Berlin", days=ALL_WEEK, hours=("02:30", "04:00"))
    assert cal.business_seconds(berlin(2026, 3, 29), berlin(2026, 3, 30)) == 30 * 60
    assert cal.next_open(utc(2026, 3, 29, 0)) == utc(2026, 3, 29, 1, 30)


# -- speed ------------------------------------------------------------------------------------


def test_walks_days_not_seconds() -> None:
    cal = BusinessCalendar("Europe/Berlin", country="DE", subdivision="BY")
    start, end = berlin(2026, 11, 20, 10), berlin(2026, 12, 20, 10)
    cal.business_seconds(start, end)  # load the holiday year once
    began = time.perf_counter()
    for _ in range(200):
        cal.business_seconds(start, end)
        cal.add(start, 20 * 8 * H)
    per_pair = (time.perf_counter() - began) / 200
    assert per_pair < 0.002  # about 30 dict lookups each; a per-second loop would take seconds
    # Ten years from a cold calendar is still quick.
    fresh = BusinessCalendar("America/New_York", country="US", subdivision="CA")
    began = time.perf_counter()
    fresh.business_seconds(ny(2026, 1, 1), ny(2036, 1, 1))
    assert time.perf_counter() - began < 1.0


# -- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timezone": "Mars/Olympus"},
         r"unknown time zone 'Mars/Olympus'; expected an IANA name such as 'Europe/Berlin'"),
        ({"timezone": ""}, r"unknown time zone ''"),
        ({"timezone": "America"}, r"unknown time zone 'America'"),
        ({"days": ("mon", "funday")},
         r"unknown day name 'funday'; expected one of mon, tue, wed, thu, fri, sat, sun"),
        ({"days": "mon"}, r"sequence of day names .* found the string 'mon'"),
        ({"days": ()}, r"at least one working day"),
        ({"hours": ("09:00", "25:00")},
         r"invalid time '25:00' in hours; expected HH:MM from 00:00 to 24:00"),
        ({"hours": ("24:00", "24:00")},
         r"invalid time '24:00' in hours; expected HH:MM from 00:00 to 23:59"),
        ({"hours": ("9am", "17:00")}, r"invalid time '9am'"),
        ({"hours": ("09:60", "17:00")}, r"invalid time '09:60'"),
        ({"hours": ("17:00", "09:00")},
         r"opening time '17:00' must be before closing time '09:00'"),
        ({"hours": ("09:00", "09:00")},
         r"opening time '09:00' must be before closing time '09:00'"),
        ({"hours": ("09:00",)}, r"\(opening, closing\) pair .* found \('09:00',\)"),
        ({"country": "XX"},
         r"unknown country code 'XX'; expected an ISO 3166-1 alpha-2 code .* 'US' or 'DE'"),
        ({"country": "DE", "subdivision": "XX"},
         r"unknown subdivision 'XX' for DE; expected one of: BB, BE, BW, BY"),
        ({"subdivision": "BY"}, r"subdivision 'BY' given without a country"),
        ({"closed": [datetime(2026, 6, 17)]}, r"closed must hold datetime.date values"),
    ],
)
def test_calendar_validation(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(**kwargs)


NAIVE = datetime(2026, 6, 16, 10)
AWARE = utc(2026, 6, 16, 10)


@pytest.mark.parametrize(
    "call",
    [
        lambda: OFFICE.is_open(NAIVE),
        lambda: OFFICE.next_open(NAIVE),
        lambda: OFFICE.business_seconds(NAIVE, AWARE),
        lambda: OFFICE.business_seconds(AWARE, NAIVE),
        lambda: OFFICE.add(NAIVE, 60),
        lambda: SlaClock(OFFICE, H).elapsed(NAIVE, AWARE),
        lambda: SlaClock(OFFICE, H).elapsed(AWARE, AWARE, [(NAIVE, None)]),
        lambda: SlaClock(OFFICE, H).deadline(NAIVE),
        lambda: SlaClock(OFFICE, H).state(AWARE, NAIVE),
    ],
)
def test_naive_datetimes_are_rejected(call) -> None:
    with pytest.raises(ValueError, match=r"must be timezone-aware .* found naive 2026-06-16T10"):
        call()


def test_dates_are_not_datetimes() -> None:
    with pytest.raises(TypeError, match="at must be a datetime, found date"):
        OFFICE.is_open(date(2026, 6, 16))


def test_negative_seconds_rejected() -> None:
    with pytest.raises(ValueError, match=r"seconds must be >= 0, found -1"):
        OFFICE.add(AWARE, -1)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: SlaPolicy(first_response=0, resolution=8 * H),
         r"first_response must be a positive number of seconds, found 0"),
        (lambda: SlaPolicy(first_response=H, resolution=-1),
         r"resolution must be a positive number of seconds, found -1"),
        (lambda: SlaPolicy(first_response=H, resolution=8 * H, warn_at=1.0),
         r"warn_at must be a fraction between 0 and 1 \(exclusive\), found 1.0"),
        (lambda: SlaPolicy(first_response=H, resolution=8 * H, warn_at=0),
         r"warn_at must be a fraction between 0 and 1"),
        (lambda: SlaClock(OFFICE, float("inf")), r"target_seconds must be a positive number"),
        (lambda: SlaClock(OFFICE, H, warn_at=80), r"warn_at must be a fraction .* found 80"),
        (lambda: SlaClock(OFFICE, H).elapsed(AWARE, AWARE, [(AWARE, AWARE - timedelta(1))]),
         r"pauses\[0\] ends \(2026-06-15T10:00:00\+00:00\) before it starts"),
        (lambda: SlaClock(OFFICE, H).elapsed(AWARE, AWARE, [AWARE]),
         r"pauses\[0\] must be a \(start, end \| None\) pair"),
    ],
)
def test_sla_validation(make, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


# -- SLA clock: pauses ------------------------------------------------------------------------

# Office hours in UTC, Mon-Fri 09-17. Cases open Mon Jun 15 09:00 unless noted.
MON_9 = utc(2026, 6, 15, 9)
POLICY = SlaPolicy(first_response=4 * H, resolution=16 * H)
FIRST_RESPONSE = POLICY.first_response_clock(OFFICE)
RESOLUTION = POLICY.resolution_clock(OFFICE)


def mon(hour: int, minute: int = 0) -> datetime:
    return utc(2026, 6, 15, hour, minute)


def test_elapsed_without_pauses() -> None:
    # Mon 09:00 -> 13:00 = 4 h; -> Mon 18:00 is capped by closing at 8 h.
    assert FIRST_RESPONSE.elapsed(MON_9, mon(13)) == 4 * H
    assert FIRST_RESPONSE.elapsed(MON_9, mon(18)) == 8 * H
    assert FIRST_RESPONSE.elapsed(MON_9, mon(8)) == 0  # now before start


@pytest.mark.parametrize(
    ("pauses", "elapsed_hours", "deadline"),
    [
        # One finished pause 10-11: 09-13 minus 1 h = 3 h. Deadline: 1 h before the pause,
        # 3 h after 11:00 -> 14:00.
        ([(mon(10), mon(11))], 3, mon(14)),
        # Overlapping pauses 10-11, 10:30-12, 11:30-11:45 merge into 10-12 (2 h, not 2.75 h):
        # elapsed 4 - 2 = 2 h; deadline 1 h before, 3 h from 12:00 -> 15:00.
        ([(mon(10), mon(11)), (mon(10, 30), mon(12)), (mon(11, 30), mon(11, 45))], 2, mon(15)),
        # Listed out of order, same result.
        ([(mon(11, 30), mon(11, 45)), (mon(10, 30), mon(12)), (mon(10), mon(11))], 2, mon(15)),
        # Pause beginning before the case (Sun 12:00 -> Mon 10:00): only 09-10 is lost, 3 h.
        # Deadline: 10:00 + 4 h = 14:00.
        ([(utc(2026, 6, 14, 12), mon(10))], 3, mon(14)),
        # Pause extending beyond now (12-15): elapsed 09-12 = 3 h; deadline resumes at 15:00
        # with 1 h to go -> 16:00.
        ([(mon(12), mon(15))], 3, mon(16)),
        # Still-open pause from 11:00: elapsed 09-11 = 2 h; deadline unknown.
        ([(mon(11), None)], 2, None),
        # An open pause overlapping a finished one (10-open, 10:30-11): 09-10 = 1 h.
        ([(mon(10), None), (mon(10, 30), mon(11))], 1, None),
        # A pause that starts after now (14-15) has not happened yet: 4 h, and the target
        # is reached at 13:00 before it.
        ([(mon(14), mon(15))], 4, mon(13)),
    ],
    ids=["one-closed", "overlapping", "unsorted", "before-start", "beyond-now", "open",
         "open-overlapping", "after-now"],
)
def test_pauses(pauses, elapsed_hours: float, deadline: datetime | None) -> None:
    assert FIRST_RESPONSE.elapsed(MON_9, mon(13), pauses) == elapsed_hours * H
    assert FIRST_RESPONSE.deadline(MON_9, pauses, now=mon(13)) == deadline


def test_pause_over_a_weekend() -> None:
    fri_9, mon_13 = utc(2026, 6, 19, 9), utc(2026, 6, 22, 13)
    pauses = [(utc(2026, 6, 19, 15), utc(2026, 6, 22, 11))]
    # Open Fri 09:00, paused Fri 15:00 -> Mon 11:00, now Mon 13:00.
    # Running: Fri 09-15 (6 h) + Mon 11-13 (2 h) = 8 h; the weekend is neither business
    # time nor subtracted twice.
    assert RESOLUTION.elapsed(fri_9, mon_13, pauses) == 8 * H
    # Deadline for 16 h: 6 h Friday, 10 h left at Mon 11:00; Mon 11-17 gives 6 h, 4 h left
    # -> Tue Jun 23 13:00.
    assert RESOLUTION.deadline(fri_9, pauses) == utc(2026, 6, 23, 13)


def test_pause_outside_business_hours_changes_nothing() -> None:
    fri_9 = utc(2026, 6, 19, 9)
    weekend = [(utc(2026, 6, 20, 8), utc(2026, 6, 21, 20))]
    # Fri 09:00 -> Mon 09:00 = 8 h either way.
    assert RESOLUTION.elapsed(fri_9, utc(2026, 6, 22, 9), weekend) == 8 * H


def test_deadline_without_now_treats_any_open_pause_as_stopping_the_clock() -> None:
    # Pause opened at 11:00 with 2 h spent: unknown deadline.
    assert FIRST_RESPONSE.deadline(MON_9, [(mon(11), None)]) is None
    # Opened at 14:00, after the target was reached at 13:00: the deadline stands.
    assert FIRST_RESPONSE.deadline(MON_9, [(mon(14), None)]) == mon(13)


# -- SLA clock: status ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "elapsed", "status"),
    [
        # Target 4 h, warning from 80 % = 3 h 12 min = 11 520 s, i.e. from 12:12.
        (mon(9), 0, "ok"),
        (utc(2026, 6, 15, 12, 11, 59), 11_519, "ok"),
        (mon(12, 12), 11_520, "warning"),
        (utc(2026, 6, 15, 12, 59, 59), 14_399, "warning"),
        # At 13:00 the target is reached: breached, nothing remains.
        (mon(13), 14_400, "breached"),
        # 14:30: 5.5 h spent, 1.5 h late.
        (mon(14, 30), 19_800, "breached"),
        # After closing the clock stands at 8 h: 4 h late.
        (mon(18), 28_800, "breached"),
    ],
)
def test_state_warning_and_breach(now: datetime, elapsed: float, status: str) -> None:
    state = FIRST_RESPONSE.state(MON_9, now)
    assert state == SlaState(
        elapsed=elapsed,
        remaining=4 * H - elapsed,
        fraction=elapsed / (4 * H),
        status=status,
        deadline=mon(13),
    )


def test_state_over_the_weekend() -> None:
    # Opened Fri 15:00, seen Sat 12:00: 2 h of 4 (50 %), deadline Mon 09:00 + 2 h = 11:00.
    state = FIRST_RESPONSE.state(utc(2026, 6, 19, 15), utc(2026, 6, 20, 12))
    assert state == SlaState(2 * H, 2 * H, 0.5, "ok", utc(2026, 6, 22, 11))


def test_state_while_paused() -> None:
    # Waiting on the customer since 11:00: 2 h spent, 2 h remain, no deadline.
    state = FIRST_RESPONSE.state(MON_9, mon(13), [(mon(11), None)])
    assert state == SlaState(2 * H, 2 * H, 0.5, "paused", None)
    # Paused in the warning zone (12:30, 3.5 h = 87.5 %): paused wins over warning.
    state = FIRST_RESPONSE.state(MON_9, mon(14), [(mon(12, 30), None)])
    assert state == SlaState(3.5 * H, 0.5 * H, 0.875, "paused", None)
    # A pause with a known end that covers now is also "paused"; it resumes at 15:00 with
    # 1 h left -> 16:00.
    state = FIRST_RESPONSE.state(MON_9, mon(13), [(mon(12), mon(15))])
    assert state == SlaState(3 * H, 1 * H, 0.75, "paused", mon(16))


def test_breach_wins_over_pause() -> None:
    # Breached at 13:00, paused at 14:00, seen at 15:00: 5 h spent, 1 h late, and the
    # deadline is the past 13:00.
    state = FIRST_RESPONSE.state(MON_9, mon(15), [(mon(14), None)])
    assert state == SlaState(5 * H, -1 * H, 1.25, "breached", mon(13))


def test_custom_warning_threshold() -> None:
    clock = SlaClock(OFFICE, target_seconds=4 * H, warn_at=0.5)
    # 11:00 is 2 h of 4 = exactly 50 %.
    assert clock.state(MON_9, mon(10, 59)).status == "ok"
    assert clock.state(MON_9, mon(11)).status == "warning"

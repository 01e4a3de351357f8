"""On-call schedules. Expected values are worked out by hand from the rules in alerts.oncall.

Calendar facts used: 2026-11-02, 2026-12-21 and 2026-12-28 are Mondays; 2026-11-07 is a
Saturday; 2026-12-24 a Thursday. London is on GMT (= UTC) from 2026-10-25 to 2027-03-28 and on
BST (UTC+1) from 2026-03-29 to 2026-10-25.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from alerts.oncall import OnCall
from earful.config import parse_config
from earful.errors import EarfulError
from earful.reports.oncall import oncall_json, render_oncall

PEOPLE = ["Maya", "Lucía", "Jordan", "Ana"]


def config(*schedules: dict) -> OnCall:
    return OnCall(parse_config({
        "brands": [{"name": "Kestrel", "handles": ["@KestrelHelp"]}],
        "responders": [{"name": name} for name in PEOPLE],
        "alerts": {"schedules": list(schedules)},
    }))


WEEKLY = {"name": "weekly", "people": ["Maya", "Lucía", "Jordan"], "start": "2026-11-02T09:00:00"}
# Weekday evenings, London time: Jordan covers them over the weekly turn.
EVENINGS = {"name": "evenings", "people": ["Jordan"], "start": "2026-11-02T00:00:00",
            "days": ["mon", "tue", "wed", "thu", "fri"], "hours": ["18:00", "23:00"]}
CARE = {"name": "care", "timezone": "Europe/London", "layers": [WEEKLY, EVENINGS],
        "overrides": [{"person": "Maya", "start": "2026-12-24T00:00:00",
                       "end": "2026-12-27T00:00:00"}]}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def oncall() -> OnCall:
    return config(CARE)


def test_weekly_turns_hand_off_on_monday_morning():
    oncall = config({"name": "care", "timezone": "Europe/London", "layers": [WEEKLY]})
    # Turn 0 Maya from Mon 2 Nov 09:00, turn 1 Lucía from 9 Nov, turn 2 Jordan from 16 Nov,
    # turn 3 Maya again from 23 Nov (GMT: local time is UTC).
    assert oncall.who("care", utc(2026, 11, 2, 9)).person == "Maya"
    assert oncall.who("care", utc(2026, 11, 9, 8, 59)).person == "Maya"
    lucia = oncall.who("care", utc(2026, 11, 9, 9))  # the hand-off instant belongs to the new turn
    assert (lucia.person, lucia.layer) == ("Lucía", "weekly")
    assert (lucia.start, lucia.end) == (utc(2026, 11, 9, 9), utc(2026, 11, 16, 9))
    assert oncall.who("care", utc(2026, 11, 20, 3)).person == "Jordan"
    assert oncall.who("care", utc(2026, 11, 23, 9)).person == "Maya"


def test_before_the_first_turn_nobody_is_on_call(oncall):
    # Both layers start on Mon 2 Nov (the evening layer at 00:00, but it only covers 18-23).
    assert oncall.who("care", utc(2026, 11, 1, 12)) is None
    first = oncall.next("care", utc(2026, 11, 1, 12))
    assert (first.person, first.layer) == ("Maya", "weekly")
    assert (first.start, first.end) == (utc(2026, 11, 2, 9), utc(2026, 11, 2, 18))


def test_hand_off_stays_at_local_time_when_summer_time_starts():
    # Start Mon 23 Mar 2026 09:00 GMT (09:00Z). Clocks go forward on Sun 29 Mar, so the next
    # hand-off, Mon 30 Mar 09:00 BST, is 08:00Z: a week minus an hour later.
    layer = {**WEEKLY, "start": "2026-03-23T09:00:00"}
    oncall = config({"name": "care", "timezone": "Europe/London", "layers": [layer]})
    maya = oncall.who("care", utc(2026, 3, 30, 7, 59))
    assert maya.person == "Maya"
    assert (maya.start, maya.end) == (utc(2026, 3, 23, 9), utc(2026, 3, 30, 8))
    assert oncall.who("care", utc(2026, 3, 30, 8)).person == "Lucía"
    assert oncall.who("care", utc(2026, 3, 30, 8, 30)).person == "Lucía"  # 09:30 BST
    # Then a full week to Mon 6 Apr 09:00 BST = 08:00Z.
    assert oncall.who("care", utc(2026, 3, 30, 8)).end == utc(2026, 4, 6, 8)


def test_hand_off_stays_at_local_time_when_summer_time_ends():
    # Start Mon 19 Oct 2026 09:00 BST (08:00Z). Clocks go back on Sun 25 Oct, so the next
    # hand-off, Mon 26 Oct 09:00 GMT, is 09:00Z: a week plus an hour later.
    layer = {**WEEKLY, "start": "2026-10-19T09:00:00"}
    oncall = config({"name": "care", "timezone": "Europe/London", "layers": [layer]})
    maya = oncall.who("care", utc(2026, 10, 26, 8, 30))  # 08:30 GMT: still Maya's turn
    assert (maya.person, maya.start, maya.end) == ("Maya", utc(2026, 10, 19, 8),
                                                   utc(2026, 10, 26, 9))
    assert oncall.who("care", utc(2026, 10, 26, 9)).person == "Lucía"


def test_daily_turns_keep_local_time_across_the_change():
    # Daily turns at 09:00 London from Fri 27 Mar: Ana (Fri, 09:00Z), Maya (Sat, 09:00Z),
    # Ana (Sun 29 Mar 09:00 BST = 08:00Z), Maya (Mon 08:00Z).
    layer = {"name": "daily", "people": ["Ana", "Maya"], "start": "2026-03-27T09:00:00",
             "turn": "1d"}
    oncall = config({"name": "care", "timezone": "Europe/London", "layers": [layer]})
    saturday = oncall.who("care", utc(2026, 3, 28, 12))
    assert (saturday.person, saturday.start, saturday.end) == (
        "Maya", utc(2026, 3, 28, 9), utc(2026, 3, 29, 8))
    assert oncall.who("care", utc(2026, 3, 29, 8)).person == "Ana"
    assert oncall.who("care", utc(2026, 3, 30, 8)).person == "Maya"


def test_evening_layer_beats_the_weekly_layer_only_in_its_hours(oncall):
    # Week of Mon 2 Nov: Maya on the weekly layer, Jordan on weekday evenings 18:00-23:00.
    before = oncall.who("care", utc(2026, 11, 3, 17, 59))  # Tuesday
    # Maya's stretch began when Monday's evening ended and ends when Tuesday's begins.
    assert (before.person, before.layer) == ("Maya", "weekly")
    assert (before.start, before.end) == (utc(2026, 11, 2, 23), utc(2026, 11, 3, 18))
    inside = oncall.who("care", utc(2026, 11, 3, 18))
    assert (inside.person, inside.layer) == ("Jordan", "evenings")
    assert (inside.start, inside.end) == (utc(2026, 11, 3, 18), utc(2026, 11, 3, 23))
    assert oncall.who("care", utc(2026, 11, 3, 23)).person == "Maya"
    # Saturday is not in the evening layer's days: Maya covers from Friday 23:00 until the
    # Monday 9 Nov hand-off to Lucía.
    saturday = oncall.who("care", utc(2026, 11, 7, 19))
    assert (saturday.person, saturday.layer) == ("Maya", "weekly")
    assert (saturday.start, saturday.end) == (utc(2026, 11, 6, 23), utc(2026, 11, 9, 9))


def test_the_same_person_on_two_layers_is_one_shift():
    # Jordan's weekly turn (16-23 Nov) runs under Jordan's evenings: no hand-off at 18:00.
    oncall = config({"name": "care", "timezone": "Europe/London", "layers": [WEEKLY, EVENINGS]})
    shift = oncall.who("care", utc(2026, 11, 17, 20))
    assert (shift.person, shift.layer) == ("Jordan", "evenings")
    assert (shift.start, shift.end) == (utc(2026, 11, 16, 9), utc(2026, 11, 23, 9))
    afternoon = oncall.who("care", utc(2026, 11, 17, 15))
    assert (afternoon.person, afternoon.layer) == ("Jordan", "weekly")


def test_holiday_override_beats_both_layers(oncall):
    # Thu 24 Dec 19:00 would be Jordan (evenings) over Lucía (weekly turn 7, from 21 Dec);
    # Maya's override covers 24 Dec 00:00 to 27 Dec 00:00.
    shift = oncall.who("care", utc(2026, 12, 24, 19))
    assert (shift.person, shift.layer) == ("Maya", "override")
    assert (shift.start, shift.end) == (utc(2026, 12, 24), utc(2026, 12, 27))
    # After it, Sunday: Lucía's weekly turn until the Mon 28 Dec hand-off to Jordan.
    after = oncall.next("care", utc(2026, 12, 24, 19))
    assert (after.person, after.layer) == ("Lucía", "weekly")
    assert (after.start, after.end) == (utc(2026, 12, 27), utc(2026, 12, 28, 9))
    # Just before it, Wednesday 23:30: Lucía, whose stretch ends where the override starts.
    assert oncall.who("care", utc(2026, 12, 23, 23, 30)).end == utc(2026, 12, 24)


def test_the_last_listed_override_wins():
    schedule = {**CARE, "overrides": [
        {"person": "Maya", "start": "2026-12-24T00:00:00", "end": "2026-12-27T00:00:00"},
        {"person": "Ana", "start": "2026-12-25T10:00:00", "end": "2026-12-25T12:00:00"}]}
    oncall = config(schedule)
    assert oncall.who("care", utc(2026, 12, 25, 11)).person == "Ana"
    assert oncall.who("care", utc(2026, 12, 24, 19)).end == utc(2026, 12, 25, 10)
    assert oncall.who("care", utc(2026, 12, 25, 12)).person == "Maya"


def test_next_across_a_hand_off(oncall):
    # Mon 9 Nov 08:00: Maya until Lucía takes over at 09:00, until the 18:00 evening.
    following = oncall.next("care", utc(2026, 11, 9, 8))
    assert (following.person, following.layer) == ("Lucía", "weekly")
    assert (following.start, following.end) == (utc(2026, 11, 9, 9), utc(2026, 11, 9, 18))
    # Tuesday afternoon: Jordan's evening comes next.
    evening = oncall.next("care", utc(2026, 11, 3, 17))
    assert (evening.person, evening.start, evening.end) == (
        "Jordan", utc(2026, 11, 3, 18), utc(2026, 11, 3, 23))


def test_after_a_gap_the_next_shift_may_be_the_same_person():
    oncall = config({"name": "nights", "timezone": "Europe/London", "layers": [EVENINGS]})
    assert oncall.who("nights", utc(2026, 11, 3, 12)) is None
    following = oncall.next("nights", utc(2026, 11, 3, 19))
    assert (following.person, following.start) == ("Jordan", utc(2026, 11, 4, 18))
    # Friday evening: the next weekday evening is Monday's.
    assert oncall.next("nights", utc(2026, 11, 6, 19)).start == utc(2026, 11, 9, 18)


def test_times_in_any_zone_and_naive_times_rejected(oncall):
    madrid = datetime(2026, 11, 3, 19, 30, tzinfo=ZoneInfo("Europe/Madrid"))  # 18:30Z
    assert oncall.who("care", madrid).person == "Jordan"
    with pytest.raises(ValueError, match="timezone-aware"):
        oncall.who("care", datetime(2026, 11, 3, 19))


def test_unknown_schedule_names_the_known_ones(oncall):
    with pytest.raises(EarfulError, match=r"'care-tertiary'.*care"):
        oncall.who("care-tertiary", utc(2026, 11, 3, 12))


def test_now_and_next_renders_and_serialises():
    secondary = {"name": "care-secondary", "timezone": "Europe/London",
                 "layers": [{**WEEKLY, "people": ["Jordan", "Maya", "Lucía"]}]}
    oncall = config(CARE, secondary)
    at = utc(2026, 11, 3, 15)
    rows = oncall.now_and_next(at)
    assert [(r.schedule, r.current.person, r.next.person) for r in rows] == [
        ("care", "Maya", "Jordan"), ("care-secondary", "Jordan", "Maya")]
    console = Console(file=io.StringIO(), width=120)
    console.print(render_oncall(rows, at=at))
    text = console.file.getvalue()
    assert "On call at 2026-11-03 15:00 UTC" in text
    assert "Tue 03 Nov 18:00 GMT" in text and "in 3h" in text  # care: Maya until Jordan
    assert "Mon 09 Nov 09:00 GMT" in text and "in 5d 18h" in text  # care-secondary's hand-off
    data = oncall_json(rows)
    assert data[0] == {
        "schedule": "care",
        "now": {"person": "Maya", "layer": "weekly", "start": "2026-11-02T23:00:00+00:00",
                "end": "2026-11-03T18:00:00+00:00"},
        "next": {"person": "Jordan", "layer": "evenings", "start": "2026-11-03T18:00:00+00:00",
                 "end": "2026-11-03T23:00:00+00:00"}}


def test_the_working_example_config(settings):
    # config.toml's care-primary on Thu 24 Dec at noon: Lucía's override (24-27 Dec) inside
    # her own weekly turn (21-28 Dec), so one shift from the end of Wednesday's evening
    # (Jordan, 18:00-23:00 every day: that layer has no `days`) to Sunday's evening.
    shift = OnCall(settings).who("care-primary", utc(2026, 12, 24, 12))
    assert (shift.person, shift.layer) == ("Lucía", "override")
    assert (shift.start, shift.end) == (utc(2026, 12, 23, 23), utc(2026, 12, 27, 18))


def test_render_shows_nobody_and_ends_beyond_the_search():
    solo = {"name": "solo", "timezone": "UTC",
            "layers": [{"name": "always", "people": ["Ana"], "start": "2026-01-01T00:00:00"}]}
    nights = {"name": "nights", "timezone": "Europe/London", "layers": [EVENINGS]}
    oncall = config(solo, nights)
    at = utc(2026, 11, 3, 12)
    rows = oncall.now_and_next(at)
    # Ana has covered since January and will for ever: neither bound is within 35 days.
    assert (rows[0].current.start, rows[0].current.end, rows[0].next) == (None, None, None)
    assert rows[1].current is None
    console = Console(file=io.StringIO(), width=120)
    console.print(render_oncall(rows, at=at))
    text = console.file.getvalue()
    assert "35+ days" in text and "nobody" in text
    assert "Tue 03 Nov 18:00 GMT" in text and "in 6h" in text
    assert oncall_json(rows)[1]["now"] is None

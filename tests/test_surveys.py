"""Surveys: CSAT, CES and NPS answers are validated and taken once, NPS goes to linked members
every `nps_every`, and the figures and the report are computed as a person would by hand."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console

from community.surveys import SurveyError, Surveys, ces, csat, nps, week_of, weekly
from earful.config import CommunityConfig, SurveyConfig, load_config
from earful.reports.surveys import render_surveys, surveys_report
from tests.conftest import ROOT

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # a Monday
DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def settings():
    return load_config(ROOT / "config.toml").model_copy(update={"community": CommunityConfig(
        brand="Kestrel", surveys=SurveyConfig(nps_every=90 * 86400.0))})


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def sent(store, kind: str, user: str = "4242", at: datetime = T0) -> int:
    """A survey as the bot sends it (the sending itself is tested in test_support)."""
    return int(store.conn.execute(
        "INSERT INTO surveys (kind, discord_user_id, sent_at) VALUES (?, ?, ?)",
        [kind, user, at.isoformat().replace("+00:00", "Z")]).lastrowid)


def answered(store, settings, kind: str, scores: list[int], at: datetime = T0) -> None:
    surveys = Surveys(store, settings, clock=lambda: at + timedelta(hours=1))
    for index, score in enumerate(scores):
        surveys.answer(sent(store, kind, f"u{index}", at), score)


# -- answers ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "bad", "message"), [
    ("csat", 0, "a CSAT score is from 1 to 5; got 0"),
    ("csat", 6, "a CSAT score is from 1 to 5; got 6"),
    ("ces", 8, "a CES score is from 1 to 7; got 8"),
    ("ces", 0, "a CES score is from 1 to 7; got 0"),
    ("nps", 11, "a NPS score is from 0 to 10; got 11"),
    ("nps", -1, "a NPS score is from 0 to 10; got -1"),
    ("nps", 3.5, "a score is a whole number; got 3.5"),
    ("csat", True, "a score is a whole number; got True"),
    ("csat", "5", "a score is a whole number; got '5'"),
])
def test_scores_off_the_scale_are_refused(store, settings, kind, bad, message) -> None:
    survey_id = sent(store, kind)
    with pytest.raises(SurveyError) as error:
        Surveys(store, settings).answer(survey_id, bad)
    assert str(error.value) == message
    assert Surveys(store, settings).get(survey_id).answered_at is None


def test_a_survey_is_answered_once(store, settings) -> None:
    surveys = Surveys(store, settings, clock=lambda: T0)
    survey_id = sent(store, "nps")
    done = surveys.answer(survey_id, 0, "  ")  # 0 is on the NPS scale; a blank comment is none
    assert (done.score, done.comment, done.answered_at) == (0, None, "2026-11-02T10:00:00Z")
    with pytest.raises(SurveyError, match=f"survey {survey_id} was answered already"):
        surveys.answer(survey_id, 10)
    assert surveys.get(survey_id).score == 0
    with pytest.raises(SurveyError, match="no survey 999"):
        surveys.answer(999, 5)
    ces_id = sent(store, "ces")
    assert surveys.answer(ces_id, 7, " easy ").comment == "easy"


def test_inviting_needs_a_support_thread(store, settings) -> None:
    with pytest.raises(SurveyError, match="case 5 has no Discord support thread"):
        Surveys(store, settings).invite_csat(5)


# -- figures ------------------------------------------------------------------------------------
def test_nps_is_promoters_minus_detractors() -> None:
    promoters, passives, detractors = [10, 9, 9, 10, 9], [7, 8, 8], [6, 0]
    scores = [*promoters, *passives, *detractors]
    assert nps(scores) == {"answers": 10, "promoters": 5, "passives": 3, "detractors": 2,
                           "nps": 30.0, "mean": 7.6}
    assert nps([0, 3, 6])["nps"] == -100.0
    assert nps([7, 8])["nps"] == 0.0
    assert nps([])["nps"] is None


def test_csat_is_the_share_satisfied_and_ces_the_mean() -> None:
    assert csat([5, 4, 3, 2, 5]) == {"answers": 5, "satisfied": 3, "csat": 60.0, "mean": 3.8}
    assert csat([4, 4, 5]) == {"answers": 3, "satisfied": 3, "csat": 100.0, "mean": 4.33}
    assert ces([7, 5, 3]) == {"answers": 3, "easy": 2, "mean": 5.0}
    assert csat([])["csat"] is None and ces([])["mean"] is None


def test_weekly_trend_groups_answers_by_monday() -> None:
    assert week_of("2026-11-08T23:59:59Z") == "2026-11-02"  # Sunday: the week began Monday
    assert week_of("2026-11-09T00:00:00Z") == "2026-11-09"
    trend = weekly([("csat", 5, "2026-11-03T10:00:00Z"), ("csat", 2, "2026-11-04T10:00:00Z"),
                    ("nps", 10, "2026-11-05T10:00:00Z"), ("csat", 4, "2026-11-10T10:00:00Z")])
    assert trend == [
        {"week": "2026-11-02", "csat": 50.0, "ces": None, "nps": 100.0,
         "csat_answers": 2, "ces_answers": 0, "nps_answers": 1},
        {"week": "2026-11-09", "csat": 100.0, "ces": None, "nps": None,
         "csat_answers": 1, "ces_answers": 0, "nps_answers": 0},
    ]


# -- NPS to members -----------------------------------------------------------------------------
def test_nps_goes_to_linked_members_every_nps_every(store, settings) -> None:
    store.conn.executemany(
        "INSERT INTO loyalty_members (loyalty_id, discord_user_id, display_name, linked_at, "
        "nps_sent_at) VALUES (?, ?, ?, ?, ?)", [
            ("L-1", "111", "ana", "2026-01-01T00:00:00Z", None),  # never asked
            ("L-2", "222", "bo", "2026-01-01T00:00:00Z", "2026-07-01T00:00:00Z"),  # 124 days
            ("L-3", "333", "cy", "2026-01-01T00:00:00Z", "2026-10-20T00:00:00Z"),  # 13 days
            ("L-4", None, None, None, None),  # imported from the CRM, not linked in Discord
            ("L-5", "555", "di", "2026-10-30T00:00:00Z", None),  # linked 3 days ago
        ])
    surveys = Surveys(store, settings, clock=lambda: T0)
    due = surveys.due_nps(T0)
    assert [(m["loyalty_id"], m["discord_user_id"], m["display_name"]) for m in due] == [
        ("L-1", "111", "ana"), ("L-2", "222", "bo")]
    assert surveys.get(due[0]["survey_id"]).kind == "nps"
    assert surveys.get(due[0]["survey_id"]).loyalty_id == "L-1"
    assert surveys.due_nps(T0 + DAY) == []  # just asked
    assert dict(store.conn.execute("SELECT loyalty_id, nps_sent_at FROM loyalty_members")) == {
        "L-1": "2026-11-02T10:00:00Z", "L-2": "2026-11-02T10:00:00Z",
        "L-3": "2026-10-20T00:00:00Z", "L-4": None, "L-5": None}
    # 90 days after 2026-10-20 the third member is due; the fifth 90 days after linking
    # (2027-01-28); the others 90 days after today.
    assert [m["loyalty_id"] for m in surveys.due_nps(datetime(2027, 1, 18, tzinfo=UTC))] == [
        "L-3"]
    assert surveys.due_nps(datetime(2027, 1, 27, 23, tzinfo=UTC)) == []
    assert [m["loyalty_id"] for m in surveys.due_nps(datetime(2027, 1, 28, tzinfo=UTC))] == [
        "L-5"]
    assert [m["loyalty_id"] for m in surveys.due_nps(T0 + 90 * DAY)] == ["L-1", "L-2"]


# -- the report ---------------------------------------------------------------------------------
def test_surveys_report_data_and_rendering(store, settings) -> None:
    answered(store, settings, "nps", [10, 9, 9, 10, 9, 7, 8, 8, 6, 0])  # week of 11-02: 30
    answered(store, settings, "nps", [10, 3], at=T0 + 7 * DAY)          # week of 11-09: 0
    answered(store, settings, "csat", [5, 4, 3, 2, 5])
    answered(store, settings, "ces", [7, 5, 3], at=T0 + 8 * DAY)
    sent(store, "csat", "quiet")  # asked, never answered
    sent(store, "csat", "quiet2")
    sent(store, "nps", "old", at=T0 - 30 * DAY)  # outside the period
    data = surveys_report(store, T0, T0 + 14 * DAY)
    assert data["since"] == "2026-11-02T10:00:00Z"
    kinds = data["kinds"]
    assert kinds["nps"] == {"sent": 12, "responded": 12, "response_rate": 1.0,
                                 "answers": 12, "promoters": 6, "passives": 3,
                                 "detractors": 3, "nps": 25.0, "mean": 7.42}
    assert (kinds["csat"]["sent"], kinds["csat"]["responded"], kinds["csat"]["response_rate"],
            kinds["csat"]["csat"], kinds["csat"]["mean"]) == (7, 5, 0.7143, 60.0, 3.8)
    assert (kinds["ces"]["answers"], kinds["ces"]["mean"]) == (3, 5.0)
    assert [(w["week"], w["nps"], w["csat"], w["ces"]) for w in data["weekly"]] == [
        ("2026-11-02", 30.0, 60.0, None), ("2026-11-09", 0.0, None, 5.0)]
    # The figures the surveys object gives are the same as the report's.
    assert Surveys(store, settings).figures(T0, T0 + 14 * DAY)["nps"]["nps"] == 25.0

    console = Console(file=io.StringIO(), width=140)
    console.print(render_surveys(data))
    text = console.file.getvalue()
    assert "NPS (0–10)" in text and "+25" in text
    assert "60.0%" in text and "71%" in text  # CSAT, and its response rate
    assert "6 promoters · 3 passives · 3 detractors" in text
    assert "2026-11-09" in text


def test_an_empty_report_says_so(store) -> None:
    data = surveys_report(store, T0, T0 + DAY)
    assert data["weekly"] == [] and data["kinds"]["csat"]["response_rate"] is None
    console = Console(file=io.StringIO(), width=100)
    console.print(render_surveys(data))
    assert "No surveys in this period" in console.file.getvalue()


# -- answered by the member it was sent to; NPS through the outbox ------------------------------
def test_only_the_member_a_survey_was_sent_to_can_answer_it(store, settings) -> None:
    surveys = Surveys(store, settings, clock=lambda: T0)
    survey_id = sent(store, "csat", user="4242")
    with pytest.raises(SurveyError, match="sent to another member"):
        surveys.answer(survey_id, 5, by="77")
    assert surveys.get(survey_id).answered_at is None
    assert surveys.answer(survey_id, 5, by="4242").score == 5


def test_due_nps_queues_a_direct_message_to_each_member(store, settings) -> None:
    store.conn.executemany(
        "INSERT INTO loyalty_members (loyalty_id, discord_user_id, display_name, linked_at) "
        "VALUES (?, ?, ?, ?)", [("L-1", "111", "ana", "2026-01-01T00:00:00Z"),
                                ("L-2", "222", "bo", "2026-01-01T00:00:00Z")])
    due = Surveys(store, settings, clock=lambda: T0).due_nps(T0)
    question = ("A quick question from the Kestrel community: How likely are you to recommend "
                "Kestrel to a friend? (0 = not at all, 10 = extremely likely)")
    assert store.conn.execute("SELECT thread_id, text, kind, ref, sent_at FROM discord_outbox "
                              "ORDER BY id").fetchall() == [
        ("dm:111", question, "survey", str(due[0]["survey_id"]), None),
        ("dm:222", question, "survey", str(due[1]["survey_id"]), None)]
    Surveys(store, settings, clock=lambda: T0).due_nps(T0 + DAY)
    assert store.count("discord_outbox") == 2  # not asked again the next day

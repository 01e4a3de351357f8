"""Discord support: /support opens a case in the support team with its SLA, the FAQ answers
common questions first, the member's messages join the case, responders' answers are relayed
to the thread once, and a resolved case asks for CSAT and CES."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from community.faq import answer, fold, handoff_summary
from community.support import RULE, Support, SupportError
from earful.config import CommunityConfig, FaqEntry, SurveyConfig, load_config
from responders.cases import Cases
from responders.queue import pauses
from tests.conftest import ROOT

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # a Monday, inside the care team's hours

FAQ = [
    FaqEntry(topic="shipping", keywords=["shipping", "ship", "delivery", "envío", "entrega"],
             answer="Orders ship within 2 working days; delivery takes 3–5 more."),
    FaqEntry(topic="returns", keywords=["return", "returns", "refund", "devolver", "devolución",
                                        "reembolso"],
             answer="You can return anything unworn within 30 days: kestrel.example/returns."),
    FaqEntry(topic="order status", keywords=["where is my order", "order status", "tracking",
                                             "dónde está mi pedido", "estado del pedido"],
             answer="Your order's status is at kestrel.example/orders."),
]


@pytest.fixture(scope="module")
def base_settings():
    return load_config(ROOT / "config.toml")


def with_community(settings, **surveys):
    return settings.model_copy(update={"community": CommunityConfig(
        brand="Kestrel", support_team="care", support_priority="p2", faq=FAQ,
        surveys=SurveyConfig(**surveys))})


@pytest.fixture
def settings(base_settings):
    return with_community(base_settings)


@pytest.fixture
def support(store, settings):
    now = {"t": T0}
    support = Support(store, settings, clock=lambda: now["t"])
    support.now = now  # tests move the clock
    return support


def open_case(support, text="Where is my order? I bought boots last week", thread="9001"):
    return support.open("4242", "sam", thread, "1200", f"m-{thread}", text, T0)


# -- the FAQ ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "topic"), [
    ("When will my boots ship?", "shipping"),
    ("How much is DELIVERY to Canada?", "shipping"),
    ("¿Cuánto tarda el envío a Sevilla?", "shipping"),
    ("cuanto tarda el envio", "shipping"),  # typed without accents
    ("How do I return a jacket that doesn't fit?", "returns"),
    ("Quiero devolver unas zapatillas, ¿cómo pido el reembolso?", "returns"),
    ("Where is my order #5512?", "order status"),
    ("¿Dónde está mi pedido?", "order status"),
    ("DONDE ESTA MI PEDIDO???", "order status"),
    # Two order-status keywords outweigh one shipping keyword.
    ("Where is my order? Tracking says nothing about delivery", "order status"),
])
def test_faq_answers_common_questions_in_english_and_spanish(text, topic) -> None:
    found = answer(text, FAQ)
    assert found is not None and found.topic == topic
    assert found.answer == next(e.answer for e in FAQ if e.topic == topic)


@pytest.mark.parametrize("text", [
    "Love the new trail shoes, great grip!",
    "Our relationship with this brand is shipshape",  # words inside words do not count
    "I returned from the Alps yesterday",
    "Mi chaqueta se rompió",
    "",
])
def test_faq_does_not_answer_unrelated_text(text) -> None:
    assert answer(text, FAQ) is None


def test_fold_ignores_case_and_accents() -> None:
    assert fold("¿Dónde ESTÁ mi Devolución?") == "¿donde esta mi devolucion?"


def test_handoff_summary_names_topic_language_first_question_and_what_was_answered() -> None:
    given = answer("¿Dónde está mi pedido?", FAQ)
    summary = handoff_summary(["¿Dónde está mi pedido?", "No me ayuda, el seguimiento no "
                               "funciona y quiero un reembolso"], FAQ, answered=given,
                              language="es", reason="the member says the FAQ answer did not help")
    assert summary.splitlines() == [
        "Handoff: the member says the FAQ answer did not help.",
        # All the messages count: a tie goes to the FAQ entry listed first.
        "Topic: returns (from 'reembolso')",
        "Language: es",
        "First question: “¿Dónde está mi pedido?”",
        "FAQ already answered: order status — “Your order's status is at "
        "kestrel.example/orders.”",
        "Messages from the member: 2",
    ]
    assert "FAQ already answered: nothing" in handoff_summary(["My zip broke"], FAQ)
    assert "Topic: unknown" in handoff_summary(["My zip broke"], FAQ)


# -- /support -----------------------------------------------------------------------------------
def test_support_opens_a_case_with_sla_in_the_support_team(support, store) -> None:
    opened = open_case(support)
    assert (opened.action, opened.team, opened.priority) == ("opened", "care", "p2")
    assert opened.sla["clock"] == "first response"
    assert opened.sla["deadline"] == "2026-11-02T14:00:00Z"  # p2: 4 business hours
    assert opened.faq is not None and opened.faq.topic == "order status"
    case = support.cases.get(opened.case_id)
    assert (case["platform"], case["rule"], case["status"], case["brand"]) == (
        "discord", RULE, "new", "Kestrel")
    assert case["mentions"] == ["discord:m-9001"]
    assert case["author_id"] == "discord:4242" and case["thread_id"] == "9001"
    mention = store.mention("discord:m-9001")
    assert mention["kind"] == "message" and mention["community"] == "1200"
    assert mention["risk"] is not None and mention["language"] == "en"
    assert mention["panel_only"] == 0 and [b["brand"] for b in mention["brands"]] == ["Kestrel"]
    assert store.conn.execute("SELECT thread_id, case_id, channel_id, discord_user_id, "
                              "opened_at FROM support_threads").fetchall() == [
        ("9001", opened.case_id, "1200", "4242", "2026-11-02T10:00:00Z")]
    notes = [e["detail"]["text"] for e in case["events"] if e["action"] == "note"]
    assert notes == ["FAQ answered in Discord (order status): Your order's status is at "
                     "kestrel.example/orders."]
    # The bot retrying the same /support changes nothing.
    again = open_case(support)
    assert (again.case_id, again.action) == (opened.case_id, "already")
    assert store.count("cases") == 1 and store.count("support_threads") == 1


def test_support_without_a_team_goes_to_the_default_team(base_settings, store) -> None:
    settings = base_settings.model_copy(update={"community": CommunityConfig(faq=FAQ)})
    opened = Support(store, settings, clock=lambda: T0).open(
        "4242", "sam", "9001", "1200", "m1", "My jacket's zip broke", T0)
    assert (opened.team, opened.priority) == ("care", "p2")  # routing's default team
    assert store.mention("discord:m1")["brands"][0]["brand"] == "Kestrel"  # our first brand


def test_unanswered_question_gets_a_handoff_summary(support) -> None:
    opened = open_case(support, "La cremallera de mi chaqueta se rompió tras dos salidas")
    assert opened.faq is None
    notes = [e["detail"]["text"] for e in support.cases.get(opened.case_id)["events"]
             if e["action"] == "note"]
    assert len(notes) == 1 and notes[0].startswith("Handoff: the FAQ has no answer.")
    assert "Language: es" in notes[0]
    assert "First question: “La cremallera de mi chaqueta se rompió tras dos salidas”" in notes[0]


def test_handoff_when_the_faq_answer_did_not_help(support) -> None:
    opened = open_case(support)
    support.now["t"] = T0 + timedelta(minutes=5)
    case_id = support.handoff("9001", "m-2", "That page says nothing, it has been 9 days")
    assert case_id == opened.case_id
    case = support.cases.get(case_id)
    assert case["mentions"] == ["discord:m-9001", "discord:m-2"]
    summary = [e["detail"]["text"] for e in case["events"] if e["action"] == "note"][-1]
    assert summary.startswith("Handoff: the member says the FAQ answer did not help.")
    assert "FAQ already answered: order status" in summary
    assert "Language: en" in summary and "Messages from the member: 2" in summary
    with pytest.raises(SupportError, match="not a support thread"):
        support.handoff("nope")


def test_member_follow_up_joins_the_case_and_resumes_a_waiting_one(support, store) -> None:
    opened = open_case(support)
    cases = Cases(store, support.settings, clock=lambda: T0 + timedelta(hours=1))
    cases.respond(opened.case_id, "Lucía", "Could you send me your order number?")
    cases.wait(opened.case_id, "Lucía")
    assert cases.get(opened.case_id)["status"] == "waiting"
    later = T0 + timedelta(hours=3)
    support.now["t"] = later
    change = support.member_message("9001", "m-3", "It's KS-5512", later)
    assert (change.case_id, change.action) == (opened.case_id, "joined")
    case = cases.get(opened.case_id)
    assert case["status"] == "new"  # our turn again
    assert case["last_post_at"] == "2026-11-02T13:00:00Z"
    assert case["mentions"] == ["discord:m-9001", "discord:m-3"]
    # The SLA pause while waiting on the member is closed by their message.
    assert pauses(store, opened.case_id) == [(T0 + timedelta(hours=1), later)]
    assert store.mention("discord:m-3")["thread_id"] == "9001"
    with pytest.raises(SupportError):
        support.member_message("unknown-thread", "m-4", "hello")


# -- relaying -----------------------------------------------------------------------------------
def test_responses_are_relayed_to_the_thread_once(support, store) -> None:
    opened = open_case(support)
    cases = Cases(store, support.settings, clock=lambda: T0 + timedelta(minutes=30))
    cases.note(opened.case_id, "Lucía", "checking the carrier")  # internal: never relayed
    cases.respond(opened.case_id, "Lucía", "Hi Sam, your boots are with the carrier.")
    cases.respond(opened.case_id, "Lucía")  # recorded elsewhere, no text: nothing to relay
    relayed = support.relay_replies()
    assert [(m.thread_id, m.kind, m.text) for m in relayed] == [
        ("9001", "reply", "Hi Sam, your boots are with the carrier.")]
    event_id = store.conn.execute("SELECT id FROM case_events WHERE action = 'responded' "
                                  "ORDER BY id LIMIT 1").fetchone()[0]
    assert relayed[0].ref == str(event_id)
    assert support.relay_replies() == []  # a rerun queues nothing again
    assert support.relay() == []
    pending = support.pending_outbox()
    assert [m.id for m in pending] == [relayed[0].id]
    support.mark_sent(relayed[0].id)
    support.mark_sent(relayed[0].id)  # a repeat is harmless
    assert support.pending_outbox() == []
    assert store.count("discord_outbox") == 1
    with pytest.raises(SupportError, match="no outbox message"):
        support.mark_sent(999)


def test_responses_on_cases_without_a_support_thread_stay_out(support, store) -> None:
    opened = open_case(support)
    store.conn.execute("DELETE FROM support_threads")
    Cases(store, support.settings, clock=lambda: T0).respond(opened.case_id, "Maya", "Hi")
    assert support.relay_replies() == []


def test_a_resolved_case_queues_csat_and_ces(support, store) -> None:
    store.conn.execute("INSERT INTO loyalty_members (loyalty_id, discord_user_id, linked_at) "
                       "VALUES ('L-77', '4242', '2026-10-01T00:00:00Z')")
    opened = open_case(support)
    cases = Cases(store, support.settings, clock=lambda: T0 + timedelta(hours=2))
    cases.respond(opened.case_id, "Lucía", "Found it: it arrives tomorrow.")
    assert support.queue_surveys() == []  # not resolved yet
    cases.resolve(opened.case_id, "Lucía")
    queued = support.relay()
    assert [(m.kind, m.thread_id) for m in queued] == [
        ("reply", "9001"), ("survey", "9001"), ("survey", "9001")]
    assert "How satisfied" in queued[1].text and "How easy" in queued[2].text
    rows = store.conn.execute("SELECT id, kind, discord_user_id, loyalty_id, case_id "
                              "FROM surveys ORDER BY id").fetchall()
    assert [row[1:] for row in rows] == [("csat", "4242", "L-77", opened.case_id),
                                          ("ces", "4242", "L-77", opened.case_id)]
    assert [m.ref for m in queued[1:]] == [str(rows[0][0]), str(rows[1][0])]
    assert support.relay() == []  # once per case
    assert store.count("surveys") == 2


def test_surveys_after_resolve_follow_the_config(base_settings, store) -> None:
    settings = with_community(base_settings, csat_after_resolve=True, ces_after_support=False)
    support = Support(store, settings, clock=lambda: T0)
    opened = open_case(support)
    support.cases.resolve(opened.case_id, "Maya")
    assert [m.text.split("?")[0] for m in support.relay()] == [
        "How satisfied are you with the help you got"]
    none = with_community(base_settings, csat_after_resolve=False, ces_after_support=False)
    support = Support(store, none, clock=lambda: T0)
    second = support.open("5151", "kim", "9002", "1200", "m-9", "Boots fell apart", T0)
    support.cases.resolve(second.case_id, "Maya")
    assert support.relay() == []


# -- delivery failures and threads ---------------------------------------------------------------
def test_a_refused_message_leaves_the_outbox_and_a_refused_reply_is_noted(support, store) -> None:
    opened = open_case(support)
    cases = Cases(store, support.settings, clock=lambda: T0 + timedelta(minutes=30))
    cases.respond(opened.case_id, "Lucía", "Your boots are with the carrier.")
    cases.respond(opened.case_id, "Lucía", "Tracking: KS-5512.")
    first, second = support.relay_replies()

    failed = support.mark_failed(first.id, "404 Unknown Channel")

    assert (failed.error, failed.failed_at, failed.sent_at) == (
        "404 Unknown Channel", "2026-11-02T10:00:00Z", None)
    assert [m.id for m in support.pending_outbox()] == [second.id]
    case = support.cases.get(opened.case_id)
    assert [e["detail"]["text"] for e in case["events"] if e["action"] == "note"][-1] == (
        "Not delivered to the member's Discord thread (404 Unknown Channel): “Your boots are "
        "with the carrier.”. Reach them another way.")
    events = len(case["events"])
    support.mark_failed(first.id, "404 Unknown Channel")  # a repeat notes nothing more
    support.mark_sent(second.id)
    support.mark_failed(second.id, "403 Missing Access")  # sent is sent
    assert support.cases.get(opened.case_id)["events"][events:] == []
    assert store.conn.execute("SELECT failed_at FROM discord_outbox WHERE id = ?",
                              [second.id]).fetchone() == (None,)
    with pytest.raises(SupportError, match="no outbox message 999"):
        support.mark_failed(999, "404")


def test_the_open_thread_of_a_member_and_messages_from_others(support, store) -> None:
    assert support.open_thread("4242") is None
    opened = open_case(support)
    assert support.open_thread("4242") == "9001" and support.open_thread("5151") is None
    assert support.threads() == {"9001": "4242"}
    assert support.thread("9001")["case_id"] == opened.case_id and support.thread("x") is None
    # A moderator writing in the private thread: a note by them, not the member's words.
    assert support.staff_message("9001", "maya_mod", "Replacement sent") == opened.case_id
    case = support.cases.get(opened.case_id)
    assert case["events"][-1]["actor"] == "maya_mod"
    assert case["events"][-1]["detail"]["text"] == "Wrote in the Discord thread: Replacement sent"
    assert case["mentions"] == ["discord:m-9001"]
    support.cases.resolve(opened.case_id, "Maya")
    assert support.open_thread("4242") is None  # resolved: /support opens a new thread


def test_outbox_messages_name_a_thread_or_a_members_direct_messages(support, store) -> None:
    opened = open_case(support)
    Cases(store, support.settings, clock=lambda: T0).respond(opened.case_id, "Maya", "Hi")
    (reply,) = support.relay_replies()
    assert reply.dm_user_id is None and reply.thread_id == "9001"
    reply.thread_id = "dm:4242"
    assert reply.dm_user_id == "4242"

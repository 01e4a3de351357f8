"""The support and survey side of the bot: /support opens a private thread and a case with its
SLA, the FAQ answers first with a way to a person, members' thread messages join the case (and
are never listened to twice), the outbox is delivered once with refusals given up on and
outages retried, and survey buttons store an answer and pay points once.

Slash commands and buttons run through their callbacks with a fake Interaction (dpytest cannot
drive them); message flows and sends into threads run on dpytest."""

from __future__ import annotations

import asyncio
import itertools
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import aiohttp
import discord
import discord.ext.test as dpytest
import discord.ext.test.factories as factories
import pytest
import pytest_asyncio
from click.testing import CliRunner

from community.bot import CommunityBot, build_bot
from community.listen import CommunityListener
from community.loyalty import Loyalty
from community.support import Support
from community.support_bot import (
    HANDED_OFF,
    MAX_MESSAGE,
    NOT_SET_UP,
    DiscordSender,
    HandoffButton,
    SurveyButton,
    chunks,
    deliver_once,
    register_support,
    thread_name,
)
from earful.cli import main
from earful.config import CommunityConfig, SurveyConfig, load_config
from responders.cases import Cases
from responders.queue import QueueFilters, queue
from tests.conftest import ROOT
from tests.test_support import FAQ, T0

SUPPORT_CHANNEL = 1200
SAM = 4242
ORDER_QUESTION = "Where is my order? I bought boots last week"
ORDER_ANSWER = "Your order's status is at kestrel.example/orders."
ZIP_QUESTION = "The zip of my jacket broke after two hikes"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def base_settings():
    return load_config(ROOT / "config.toml")


def community(base, **changes: Any):
    config = {"brand": "Kestrel", "support_channel": SUPPORT_CHANNEL, "support_team": "care",
              "support_priority": "p2", "faq": FAQ, "surveys": SurveyConfig(), **changes}
    return base.model_copy(update={"community": CommunityConfig(**config)})


@pytest.fixture
def settings(base_settings):
    return community(base_settings)


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


# -- fakes: an Interaction, a channel that makes threads, a thread, a member ---------------------
def not_found(text: str = "Unknown Channel") -> discord.NotFound:
    return discord.NotFound(SimpleNamespace(status=404, reason="Not Found"),
                            {"code": 10003, "message": text})


def forbidden(text: str = "Cannot send messages to this user") -> discord.Forbidden:
    return discord.Forbidden(SimpleNamespace(status=403, reason="Forbidden"),
                             {"code": 50007, "message": text})


def server_error() -> discord.DiscordServerError:
    return discord.DiscordServerError(SimpleNamespace(status=503, reason="Service Unavailable"),
                                      "upstream connect error")


_ids = itertools.count(1_300_000_000_000_000_000)


class FakeResponse:
    def __init__(self) -> None:
        self.deferred: dict[str, bool] | None = None
        self.sent: list[tuple[str, bool]] = []

    def is_done(self) -> bool:
        return self.deferred is not None or bool(self.sent)

    async def defer(self, *, ephemeral: bool = False, thinking: bool = False) -> None:
        self.deferred = {"ephemeral": ephemeral, "thinking": thinking}

    async def send_message(self, content: str, *, ephemeral: bool = False) -> None:
        self.sent.append((content, ephemeral))


class FakeFollowup:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bool]] = []

    async def send(self, content: str, *, ephemeral: bool = False) -> None:
        self.sent.append((content, ephemeral))


class FakeInteraction:
    def __init__(self, client: Any, user: Any, *, channel_id: int | None = None,
                 message: Any = None) -> None:
        self.id = next(_ids)
        self.client, self.user, self.channel_id, self.message = client, user, channel_id, message
        self.command = None
        self.response = FakeResponse()
        self.followup = FakeFollowup()
        self.edits: list[dict[str, Any]] = []

    async def edit_original_response(self, **fields: Any) -> None:
        self.edits.append(fields)

    @property
    def private_replies(self) -> list[str]:
        return [text for text, ephemeral in self.response.sent + self.followup.sent if ephemeral]


class FakeThread:
    def __init__(self, thread_id: int, parent_id: int, name: str = "") -> None:
        self.id, self.parent_id, self.name = thread_id, parent_id, name
        self.members: list[int] = []
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.deleted = False

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    async def add_user(self, user: Any) -> None:
        self.members.append(user.id)

    async def send(self, content: str, **fields: Any) -> Any:
        self.sent.append((content, fields))
        return SimpleNamespace(id=next(_ids))

    async def delete(self) -> None:
        self.deleted = True


class FakeSupportChannel:
    def __init__(self, channels: dict[int, Any]) -> None:
        self.id = SUPPORT_CHANNEL
        self.channels = channels
        self.created: list[dict[str, Any]] = []

    async def create_thread(self, **fields: Any) -> FakeThread:
        self.created.append(fields)
        thread = FakeThread(next(_ids), self.id, fields["name"])
        self.channels[thread.id] = thread
        return thread


def member(user_id: int = SAM, name: str = "sam", display: str = "Sam") -> SimpleNamespace:
    return SimpleNamespace(id=user_id, name=name, display_name=display, mention=f"<@{user_id}>",
                           bot=False)


def support_bot(settings, store, clock: Clock, channels: dict[int, Any] | None = None
                ) -> CommunityBot:
    """The bot with /support on a clock the test moves; channels by id from ``channels``."""
    bot = CommunityBot(settings, store)
    bot.support = register_support(bot, Support(store, settings, clock=clock),
                                   Loyalty(store, settings, clock=clock))
    if channels is not None:
        bot.get_channel = channels.get  # type: ignore[method-assign]

        async def fetch_channel(channel_id: int) -> Any:
            raise not_found()

        bot.fetch_channel = fetch_channel  # type: ignore[method-assign]
    return bot


async def slash_support(bot: CommunityBot, user: Any, topic: str) -> FakeInteraction:
    """``/support topic:`` as Discord runs it: the callback, and its error through the bot's
    one error handler."""
    interaction = FakeInteraction(bot, user)
    try:
        await bot.tree.get_command("support").callback(interaction, topic)
    except Exception as error:
        await bot.on_app_command_error(interaction, error)
    return interaction


def case_of(store, thread_id: int) -> dict[str, Any]:
    thread = Support(store, load_config(ROOT / "config.toml")).thread(str(thread_id))
    assert thread is not None
    return Cases(store, load_config(ROOT / "config.toml")).get(thread["case_id"])


def notes(case: dict[str, Any]) -> list[str]:
    return [e["detail"]["text"] for e in case["events"] if e["action"] == "note"]


# -- texts ---------------------------------------------------------------------------------------
def test_thread_names_fit_discord_and_long_replies_are_split_in_order() -> None:
    assert thread_name("Sam", "Where is\nmy order?") == "Sam – Where is my order?"
    long_topic = thread_name("Sam", "boots " * 40)
    assert len(long_topic) == 100 and long_topic.endswith("…")
    words = [f"word{i}" for i in range(900)]  # about 6,800 characters
    parts = chunks(" ".join(words))
    assert len(parts) == 4 and all(len(part) <= MAX_MESSAGE for part in parts)
    assert " ".join(parts).split() == words  # split between words, nothing lost or reordered
    assert chunks("Hi Sam") == ["Hi Sam"]
    assert chunks("x" * 4500) == ["x" * 2000, "x" * 2000, "x" * 500]  # no space: hard cuts


# -- /support ------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_support_opens_a_private_thread_and_a_case_with_its_sla(settings, store,
                                                                      clock) -> None:
    channels: dict[int, Any] = {}
    parent = FakeSupportChannel(channels)
    channels[SUPPORT_CHANNEL] = parent
    bot = support_bot(settings, store, clock, channels)

    interaction = await slash_support(bot, member(), ZIP_QUESTION)

    # Deferred privately first: a thread and a case take longer than Discord's 3 seconds.
    assert interaction.response.deferred == {"ephemeral": True, "thinking": True}
    (created,) = parent.created
    assert created["type"] == discord.ChannelType.private_thread
    assert created["invitable"] is False and created["auto_archive_duration"] == 10080
    assert created["name"] == f"Sam – {ZIP_QUESTION}"
    (thread,) = [c for c in channels.values() if isinstance(c, FakeThread)]
    assert thread.members == [SAM]
    case = case_of(store, thread.id)
    assert (case["team"], case["priority"], case["status"], case["rule"]) == (
        "care", "p2", "new", "discord-support")
    assert case["author_id"] == f"discord:{SAM}" and case["thread_id"] == str(thread.id)
    # In the responders' queue with its clock: p2 is 4 business hours of the care team
    # (08:00–20:00 London, UTC in November) from Monday 10:00.
    (row,) = queue(store, settings, QueueFilters(), T0)
    assert row["id"] == case["id"]
    assert row["sla"]["clock"] == "first response"
    assert row["sla"]["deadline"] == "2026-11-02T14:00:00Z"
    # No FAQ entry: the team's promise with the deadline, no button; a hand-off summary.
    ((text, fields),) = thread.sent
    assert text.startswith(f"<@{SAM}> asked: “{ZIP_QUESTION}”")
    assert f"case #{case['id']}" in text and "<t:1793628000:f>" in text  # 14:00Z
    assert "view" not in fields
    mentions = fields["allowed_mentions"]  # the member is pinged, nobody their text names
    assert mentions.everyone is False and mentions.roles is False
    assert [u.id for u in mentions.users] == [SAM]
    assert notes(case)[0].startswith("Handoff: the FAQ has no answer.")
    assert interaction.private_replies == [
        f"Your private support thread is open: <#{thread.id}>. Our team will answer you there."]
    bot.listener.close()


@pytest.mark.asyncio
async def test_the_faq_answers_first_and_get_a_person_hands_off(settings, store, clock) -> None:
    channels: dict[int, Any] = {}
    channels[SUPPORT_CHANNEL] = FakeSupportChannel(channels)
    bot = support_bot(settings, store, clock, channels)

    interaction = await slash_support(bot, member(), ORDER_QUESTION)

    (thread,) = [c for c in channels.values() if isinstance(c, FakeThread)]
    ((text, fields),) = thread.sent
    assert f"This may answer it (order status): {ORDER_ANSWER}" in text
    assert "Press **Get a person**" in text
    (button,) = fields["view"].children
    assert isinstance(button, HandoffButton) and button.custom_id == "earful:support:handoff"
    assert fields["view"].timeout is None  # persistent
    assert "an answer from our FAQ waiting there" in interaction.private_replies[0]
    case = case_of(store, thread.id)
    assert notes(case) == [f"FAQ answered in Discord (order status): {ORDER_ANSWER}"]

    # The member presses the button (as discord.py dispatches it: from the custom id).
    clock.now = T0 + timedelta(minutes=3)
    match = HandoffButton.__discord_ui_compiled_template__.fullmatch(button.custom_id)
    press = FakeInteraction(bot, member(), channel_id=thread.id,
                            message=SimpleNamespace(content=text))
    item = await HandoffButton.from_custom_id(press, button, match)
    await item.callback(press)

    case = case_of(store, thread.id)
    summary = notes(case)[-1]
    assert summary.startswith("Handoff: the member says the FAQ answer did not help.")
    assert "FAQ already answered: order status" in summary
    assert "First question: “Where is my order? I bought boots last week”" in summary
    assert press.edits == [{"content": text + HANDED_OFF, "view": None}]  # the button goes
    assert press.private_replies == []

    # Pressed somewhere that is not a support thread: a short private answer, no case touched.
    stray = FakeInteraction(bot, member(), channel_id=999, message=SimpleNamespace(content="?"))
    await item.callback(stray)
    assert stray.private_replies == ["thread 999 is not a support thread (see /support)"]
    bot.listener.close()


@pytest.mark.asyncio
async def test_a_member_with_an_open_case_is_sent_back_to_their_thread(settings, store,
                                                                       clock) -> None:
    channels: dict[int, Any] = {}
    parent = FakeSupportChannel(channels)
    channels[SUPPORT_CHANNEL] = parent
    bot = support_bot(settings, store, clock, channels)
    await slash_support(bot, member(), ZIP_QUESTION)
    (thread,) = [c for c in channels.values() if isinstance(c, FakeThread)]

    clock.now = T0 + timedelta(hours=1)
    again = await slash_support(bot, member(), "Also, can I get a replacement zip?")

    assert len(parent.created) == 1  # no second thread
    assert again.private_replies == [
        f"You already have a support thread open: <#{thread.id}>. I've added what you asked "
        "there; our team will answer you in that thread."]
    assert thread.sent[-1][0] == f"<@{SAM}> added: “Also, can I get a replacement zip?”"
    case = case_of(store, thread.id)
    assert len(case["mentions"]) == 2  # the second question joined the case
    assert store.count("cases") == 1

    # Someone else still gets their own thread.
    await slash_support(bot, member(5151, "kim", "Kim"), "My order never came")
    assert len(parent.created) == 2 and store.count("cases") == 2

    # Once Sam's case is resolved, /support opens a new thread.
    Cases(store, settings, clock=clock).resolve(case["id"], "Lucía")
    await slash_support(bot, member(), "The new zip broke too")
    assert len(parent.created) == 3
    bot.listener.close()


@pytest.mark.asyncio
async def test_a_deleted_thread_is_replaced_by_a_new_one(settings, store, clock) -> None:
    channels: dict[int, Any] = {}
    parent = FakeSupportChannel(channels)
    channels[SUPPORT_CHANNEL] = parent
    bot = support_bot(settings, store, clock, channels)
    await slash_support(bot, member(), ZIP_QUESTION)
    (old,) = [c for c in channels.values() if isinstance(c, FakeThread)]
    del channels[old.id]  # a moderator deleted it: fetching it now gives 404

    again = await slash_support(bot, member(), "Hello? My thread disappeared")

    assert len(parent.created) == 2
    new = channels[max(c for c in channels if c != SUPPORT_CHANNEL)]
    assert "Your private support thread is open" in again.private_replies[0]
    # The new thread carries on the same open case, and replies now go there.
    assert case_of(store, new.id)["id"] == case_of(store, old.id)["id"]
    bot.listener.close()


@pytest.mark.asyncio
async def test_a_locked_thread_is_replaced_by_a_new_one(settings, store, clock) -> None:
    channels: dict[int, Any] = {}
    parent = FakeSupportChannel(channels)
    channels[SUPPORT_CHANNEL] = parent
    bot = support_bot(settings, store, clock, channels)
    await slash_support(bot, member(), ZIP_QUESTION)
    (old,) = [c for c in channels.values() if isinstance(c, FakeThread)]

    async def locked(content: str, **fields: Any) -> None:
        raise forbidden("Thread is locked")

    old.send = locked  # a moderator locked it: nobody can write there any more

    again = await slash_support(bot, member(), "Still waiting for the zip")
    assert len(parent.created) == 2
    assert again.private_replies[0].startswith("Your private support thread is open")
    bot.listener.close()


@pytest.mark.asyncio
async def test_support_not_set_up_or_failing_says_so_and_leaves_nothing_behind(
        base_settings, settings, store, clock, monkeypatch) -> None:
    bot = support_bot(community(base_settings, support_channel=None), store, clock, {})
    interaction = await slash_support(bot, member(), ORDER_QUESTION)
    assert interaction.private_replies == [NOT_SET_UP]
    bot.listener.close()

    channels: dict[int, Any] = {}
    channels[SUPPORT_CHANNEL] = FakeSupportChannel(channels)
    bot = support_bot(settings, store, clock, channels)

    def broken(*_args: Any) -> None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(bot.support.support, "open", broken)
    interaction = await slash_support(bot, member(), ORDER_QUESTION)
    (thread,) = [c for c in channels.values() if isinstance(c, FakeThread)]
    assert thread.deleted  # no thread without its case
    assert interaction.private_replies == [
        "Sorry, something went wrong on our side. The team has been told; please try again "
        "later."]
    assert store.count("cases") == 0
    bot.listener.close()


# -- delivery ------------------------------------------------------------------------------------
class FakeSender:
    """Records what would be posted; ``fail`` maps an outbox thread id to errors to raise."""

    def __init__(self, fail: dict[str, list[BaseException]] | None = None) -> None:
        self.sent: list[tuple[str, str, str | None, int | None]] = []
        self.fail = fail or {}

    async def send(self, message: Any, survey: Any) -> None:
        errors = self.fail.get(message.thread_id)
        if errors:
            raise errors.pop(0)
        self.sent.append((message.thread_id, message.text, survey.kind if survey else None,
                          survey.id if survey else None))


def open_thread(support: Support, thread: str, user: str = str(SAM), text: str = ZIP_QUESTION
                ) -> int:
    return support.open(user, f"user{user}", thread, str(SUPPORT_CHANNEL), f"m-{thread}",
                        text).case_id


def outbox(store) -> list[tuple]:
    return store.conn.execute("SELECT thread_id, kind, sent_at IS NOT NULL, failed_at IS NOT "
                              "NULL, error FROM discord_outbox ORDER BY id").fetchall()


@pytest.mark.asyncio
async def test_deliver_once_sends_replies_and_surveys_once_in_order(settings, store,
                                                                    clock) -> None:
    support = Support(store, settings, clock=clock)
    case_id = open_thread(support, "9001")
    cases = Cases(store, settings, clock=clock)
    clock.now = T0 + timedelta(minutes=20)
    cases.respond(case_id, "Lucía", "Sorry about that! Which size is the jacket?")
    clock.now = T0 + timedelta(minutes=40)
    cases.respond(case_id, "Lucía", "A new one is on its way.")
    cases.resolve(case_id, "Lucía")
    sender = FakeSender()

    report = await deliver_once(sender, support)

    csat, ces = store.conn.execute("SELECT id FROM surveys ORDER BY id").fetchall()
    assert sender.sent == [
        ("9001", "Sorry about that! Which size is the jacket?", None, None),
        ("9001", "A new one is on its way.", None, None),
        ("9001", "How satisfied are you with the help you got? (1 = very unsatisfied, "
                 "5 = very satisfied)", "csat", csat[0]),
        ("9001", "How easy was it to get your issue sorted? (1 = very hard, 7 = very easy)",
         "ces", ces[0]),
    ]
    assert (report.queued, len(report.sent), report.failed, report.waiting) == (4, 4, [], 0)
    assert [row[2] for row in outbox(store)] == [1, 1, 1, 1]  # all marked sent
    again = await deliver_once(sender, support)  # the next tick: nothing new, nothing resent
    assert (again.queued, again.sent) == (0, []) and len(sender.sent) == 4


@pytest.mark.asyncio
async def test_refused_messages_are_given_up_and_the_responder_told(settings, store,
                                                                    clock) -> None:
    support = Support(store, settings, clock=clock)
    gone = open_thread(support, "9001")
    fine = open_thread(support, "9002", user="5151", text="My order never came")
    cases = Cases(store, settings, clock=clock)
    cases.respond(gone, "Lucía", "Could you send a photo of the zip?")
    cases.respond(fine, "Maya", "It arrives tomorrow.")
    sender = FakeSender({"9001": [not_found()]})  # the thread was deleted

    report = await deliver_once(sender, support)

    assert sender.sent == [("9002", "It arrives tomorrow.", None, None)]  # the rest went on
    assert len(report.failed) == 1 and len(report.sent) == 1
    assert outbox(store) == [("9001", "reply", 0, 1, "404 Unknown Channel"),
                             ("9002", "reply", 1, 0, None)]
    assert support.pending_outbox() == []  # never tried again…
    await deliver_once(sender, support)
    assert len(sender.sent) == 1
    # …and the responder sees on the case that the member never got it.
    assert notes(cases.get(gone))[-1] == (
        "Not delivered to the member's Discord thread (404 Unknown Channel): “Could you send "
        "a photo of the zip?”. Reach them another way.")


@pytest.mark.asyncio
@pytest.mark.parametrize("outage", [server_error, lambda: aiohttp.ClientConnectionError("reset"),
                                    lambda: TimeoutError()])
async def test_an_outage_leaves_messages_pending_in_order_for_the_next_tick(
        settings, store, clock, outage) -> None:
    support = Support(store, settings, clock=clock)
    case_id = open_thread(support, "9001")
    cases = Cases(store, settings, clock=clock)
    cases.respond(case_id, "Lucía", "First answer")
    cases.respond(case_id, "Lucía", "Second answer")
    sender = FakeSender({"9001": [outage()]})

    report = await deliver_once(sender, support)

    # The first failed: the tick stops there, so the second does not overtake it.
    assert (report.sent, report.failed, report.waiting) == ([], [], 2)
    assert [m.text for m in support.pending_outbox()] == ["First answer", "Second answer"]
    report = await deliver_once(sender, support)
    assert [text for _, text, _, _ in sender.sent] == ["First answer", "Second answer"]
    assert len(report.sent) == 2 and support.pending_outbox() == []


@pytest.mark.asyncio
async def test_nps_goes_to_members_direct_messages_and_closed_dms_are_given_up(
        settings, store, clock) -> None:
    store.conn.executemany(
        "INSERT INTO loyalty_members (loyalty_id, discord_user_id, display_name, linked_at, "
        "nps_sent_at) VALUES (?, ?, ?, ?, ?)", [
            ("LY-1", "111", "ana", "2026-01-01T00:00:00Z", None),
            ("LY-2", "222", "bo", "2026-01-01T00:00:00Z", None),
            ("LY-3", "333", "cy", "2026-01-01T00:00:00Z", "2026-10-20T00:00:00Z")])  # asked
    support = Support(store, settings, clock=clock)
    sender = FakeSender({"dm:222": [forbidden()]})  # bo does not take DMs from the server

    report = await deliver_once(sender, support)

    ana = store.conn.execute("SELECT id FROM surveys WHERE loyalty_id = 'LY-1'").fetchone()[0]
    assert sender.sent == [(
        "dm:111", "A quick question from the Kestrel community: How likely are you to "
        "recommend Kestrel to a friend? (0 = not at all, 10 = extremely likely)", "nps", ana)]
    assert (report.queued, len(report.sent), len(report.failed)) == (2, 1, 1)
    assert outbox(store)[1] == ("dm:222", "survey", 0, 1,
                                "403 Cannot send messages to this user")
    clock.now = T0 + timedelta(days=1)
    assert (await deliver_once(sender, support)).queued == 0  # asked: not again for 90 days


class FakeTarget:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def send(self, content: str, **fields: Any) -> None:
        self.sent.append((content, fields))


@pytest.mark.asyncio
async def test_discord_sender_posts_to_threads_and_dms_with_survey_buttons(settings, store,
                                                                           clock) -> None:
    support = Support(store, settings, clock=clock)
    case_id = open_thread(support, "9001")
    Cases(store, settings, clock=clock).respond(case_id, "Lucía", "word " * 500)  # 2,500 chars
    support.cases.resolve(case_id, "Lucía")
    store.conn.execute("INSERT INTO loyalty_members (loyalty_id, discord_user_id, linked_at) "
                       "VALUES ('LY-1', '111', '2026-01-01T00:00:00Z')")
    thread, dm = FakeTarget(), FakeTarget()
    fetched: list[str] = []

    async def fetch_channel(channel_id: int) -> FakeTarget:
        fetched.append(f"channel {channel_id}")  # an archived thread is not cached
        return thread

    async def fetch_user(user_id: int) -> FakeTarget:
        fetched.append(f"user {user_id}")
        return dm

    bot = SimpleNamespace(get_channel=lambda _id: None, fetch_channel=fetch_channel,
                          get_user=lambda _id: None, fetch_user=fetch_user)

    report = await deliver_once(DiscordSender(bot), support)

    assert len(report.sent) == 4 and fetched == ["channel 9001"] * 3 + ["user 111"]
    first, second, csat, ces = thread.sent
    assert len(first[0]) <= MAX_MESSAGE and (first[0] + " " + second[0]).split() == [
        "word"] * 500
    assert "view" not in first[1] and "view" not in second[1]
    assert all(f["allowed_mentions"].everyone is False for _, f in thread.sent)
    survey_ids = [row[0] for row in store.conn.execute("SELECT id FROM surveys ORDER BY id")]
    assert [b.custom_id for b in csat[1]["view"].children] == [
        f"earful:survey:{survey_ids[0]}:{score}" for score in range(1, 6)]
    assert [b.item.label for b in ces[1]["view"].children] == [str(s) for s in range(1, 8)]
    ((nps_text, nps_fields),) = dm.sent
    assert nps_text.startswith("A quick question from the Kestrel community")
    assert [b.item.label for b in nps_fields["view"].children] == [str(s) for s in range(11)]
    assert all(isinstance(b, SurveyButton) for b in nps_fields["view"].children)


# -- survey answers ------------------------------------------------------------------------------
async def press(bot: Any, user: Any, custom_id: str, question: str) -> FakeInteraction:
    """A score button pressed, dispatched as discord.py does for a registered dynamic item."""
    match = SurveyButton.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None
    interaction = FakeInteraction(bot, user, message=SimpleNamespace(content=question))
    item = await SurveyButton.from_custom_id(interaction, None, match)
    await item.callback(interaction)
    return interaction


def ledger(store) -> list[tuple]:
    return store.conn.execute("SELECT loyalty_id, delta, kind, ref FROM points_ledger "
                              "ORDER BY id").fetchall()


@pytest.mark.asyncio
async def test_a_survey_answer_is_stored_once_and_pays_points_once(settings, store,
                                                                   clock) -> None:
    store.conn.execute("INSERT INTO loyalty_members (loyalty_id, discord_user_id, linked_at) "
                       "VALUES ('LY-7', ?, '2026-10-01T00:00:00Z')", [str(SAM)])
    bot = support_bot(settings, store, clock)
    support = bot.support.support
    case_id = open_thread(support, "9001")
    support.cases.resolve(case_id, "Lucía")
    support.relay()
    csat = store.conn.execute("SELECT id FROM surveys WHERE kind = 'csat'").fetchone()[0]
    question = "How satisfied are you with the help you got?"

    # A moderator who can see the thread cannot answer for the member.
    other = await press(bot, member(77, "mod", "Mod"), f"earful:survey:{csat}:1", question)
    assert other.private_replies == [
        "this survey was sent to another member; only they can answer it"]

    pressed = await press(bot, member(), f"earful:survey:{csat}:4", question)
    assert pressed.response.deferred == {"ephemeral": False, "thinking": False}
    assert pressed.edits == [{"content": f"{question}\n\n✅ Thanks! You answered **4** (1–5). "
                                         "+5 loyalty points.", "view": None}]
    assert store.conn.execute("SELECT score, answered_at FROM surveys WHERE id = ?",
                              [csat]).fetchone() == (4, "2026-11-02T10:00:00Z")
    assert ledger(store) == [("LY-7", 5, "survey", f"LY-7:{csat}")]

    again = await press(bot, member(), f"earful:survey:{csat}:5", question)
    assert again.private_replies == [f"survey {csat} was answered already"]
    assert ledger(store) == [("LY-7", 5, "survey", f"LY-7:{csat}")]  # paid once
    assert store.conn.execute("SELECT score FROM surveys WHERE id = ?", [csat]).fetchone() == (
        4,)

    # A member without a loyalty link answers too; there are no points to pay.
    kim_case = open_thread(support, "9002", user="5151", text="My order never came")
    support.cases.resolve(kim_case, "Maya")
    support.relay()
    kim_csat = store.conn.execute("SELECT id FROM surveys WHERE kind = 'csat' AND "
                                  "discord_user_id = '5151'").fetchone()[0]
    kim = await press(bot, member(5151, "kim", "Kim"), f"earful:survey:{kim_csat}:2", question)
    assert kim.edits[0]["content"].endswith("You answered **2** (1–5).")
    assert len(ledger(store)) == 1
    bot.listener.close()


# -- the bot: wiring, lifecycle ------------------------------------------------------------------
@pytest.mark.asyncio
async def test_build_bot_wires_support_and_the_loop_starts_and_stops(settings, store) -> None:
    bot = build_bot(community(settings, deliver_every=45), store)
    await bot._async_setup_hook()  # what login does before setup_hook
    assert bot.support is not None and bot.tree.get_command("support") is not None
    assert bot.support.delivery.seconds == 45
    bot.support.start()  # as setup_hook does
    patterns = {p.pattern for p in bot._connection._view_store._dynamic_items}
    assert patterns >= {SurveyButton.__discord_ui_compiled_template__.pattern,
                        HandoffButton.__discord_ui_compiled_template__.pattern}
    assert bot.support.delivery.is_running()
    await bot.support.stop()  # as close does: no tick left running
    for _ in range(5):
        await asyncio.sleep(0)
    assert not bot.support.delivery.is_running()
    bot.listener.close()


def test_the_delivery_interval_has_a_default() -> None:
    assert CommunityConfig().deliver_every == 20.0
    assert CommunityConfig(deliver_every="1m").deliver_every == 60.0


# -- on dpytest: thread messages, and the whole flow ---------------------------------------------
@pytest_asyncio.fixture
async def live(base_settings, store, clock):
    """A dpytest server whose first text channel is the support channel, listened to as well
    (a support thread must still not be listened); threads are made as Discord would."""
    bot = CommunityBot(base_settings, store)
    await bot._async_setup_hook()
    state = bot._connection
    state._intents.members = True  # dpytest checks the bot's own permissions before it sends
    state.member_cache_flags = discord.MemberCacheFlags.from_intents(state._intents)
    dpytest.configure(bot, text_channels=2, members=2)
    guild = dpytest.get_config().guilds[0]
    channel = guild.text_channels[0]
    settings = community(base_settings, support_channel=channel.id,
                         listen_channels=[channel.id])
    bot.settings = settings
    bot.listener.close()
    bot.listener = CommunityListener(settings, store, lock=bot.lock)
    bot.support = register_support(bot, Support(store, settings, clock=clock),
                                   Loyalty(store, settings, clock=clock))
    listened: list[int] = []
    handle = bot.listener.handle

    async def spy(message: discord.Message) -> Any:
        listened.append(message.id)
        return await handle(message)

    bot.listener.handle = spy  # type: ignore[method-assign]
    added: list[tuple[int, int]] = []

    async def start_thread_without_message(channel_id: int, **fields: Any) -> dict[str, Any]:
        data = {"id": str(factories.make_id()), "guild_id": str(guild.id),
                "parent_id": str(channel_id), "owner_id": str(bot.user.id),
                "name": fields["name"], "type": fields["type"], "last_message_id": None,
                "rate_limit_per_user": 0, "message_count": 0, "member_count": 1,
                "thread_metadata": {"archived": False, "locked": False,
                                    "auto_archive_duration": fields["auto_archive_duration"],
                                    "archive_timestamp": "2026-11-02T10:00:00+00:00",
                                    "invitable": fields["invitable"]},
                "newly_created": True}
        bot._connection.parse_thread_create(data)  # the gateway's THREAD_CREATE
        return data

    async def add_user_to_thread(thread_id: int, user_id: int) -> None:
        added.append((thread_id, user_id))

    bot.http.start_thread_without_message = start_thread_without_message
    bot.http.add_user_to_thread = add_user_to_thread
    sam, mod = dpytest.get_config().members  # members: their mentions resolve
    yield SimpleNamespace(bot=bot, channel=channel, guild=guild, settings=settings,
                          listened=listened, added=added, sam=sam, mod=mod)
    await dpytest.empty_queue()
    bot.listener.close()


def link(store, user: discord.Member, loyalty_id: str) -> None:
    # Asked for an NPS lately: only the support surveys are due in these flows.
    store.conn.execute("INSERT INTO loyalty_members (loyalty_id, discord_user_id, display_name, "
                       "linked_at, nps_sent_at) VALUES (?, ?, ?, ?, ?)",
                       [loyalty_id, str(user.id), user.name, "2026-10-01T00:00:00Z",
                        "2026-10-30T00:00:00Z"])


@pytest.mark.asyncio
async def test_support_thread_messages_join_the_case_and_are_not_listened(live, store) -> None:
    sam, mod = live.sam, live.mod
    interaction = await slash_support(live.bot, sam, ZIP_QUESTION)
    assert interaction.private_replies[0].startswith("Your private support thread is open")
    (thread,) = live.guild.threads
    assert thread.type == discord.ChannelType.private_thread and thread.parent_id == \
        live.channel.id
    assert live.added == [(thread.id, sam.id)]
    opening = dpytest.get_message()
    assert opening.channel.id == thread.id and opening.content.startswith(f"<@{sam.id}> asked")

    said = await dpytest.message("It's the YKK zip on the Ridge jacket", channel=thread,
                                 member=sam)
    staff = await dpytest.message("Sam, a replacement is on its way", channel=thread,
                                  member=mod)
    case = case_of(store, thread.id)
    assert f"discord:{said.id}" in case["mentions"] and len(case["mentions"]) == 2
    stored = store.mention(f"discord:{said.id}")
    assert stored["thread_id"] == str(thread.id) and stored["author_id"] == f"discord:{sam.id}"
    assert notes(case)[-1] == "Wrote in the Discord thread: Sam, a replacement is on its way"
    assert case["events"][-1]["actor"] == mod.name
    assert store.mention(f"discord:{staff.id}") is None  # not the member's words
    # The support channel is listened, its support thread is not: nothing was stored twice.
    assert live.listened == []
    assert dpytest.verify().message().nothing()  # and the bot said nothing back

    await live.bot.on_message_edit(said, said)  # an edit changes neither the case nor listening
    assert len(case_of(store, thread.id)["mentions"]) == 2 and live.listened == []

    hello = await dpytest.message("Hello everyone!", channel=live.channel, member=sam)
    assert live.listened == [hello.id]  # the channel itself is listened as before


@pytest.mark.asyncio
async def test_end_to_end_support_reply_resolve_and_survey(live, store, clock,
                                                          base_settings) -> None:
    sam = live.sam
    link(store, sam, "LY-7")
    bot = live.bot

    # 1. /support: a private thread, the FAQ first, a case in the queue with its SLA.
    interaction = await slash_support(bot, sam, ORDER_QUESTION)
    (thread,) = live.guild.threads
    opening = dpytest.get_message()
    assert opening.channel.id == thread.id
    assert f"This may answer it (order status): {ORDER_ANSWER}" in opening.content
    assert interaction.private_replies == [
        f"Your private support thread is open: <#{thread.id}>. There's an answer from our FAQ "
        "waiting there; if it doesn't help, press **Get a person**."]
    (row,) = queue(store, live.settings, QueueFilters(), T0)
    case_id = row["id"]
    assert (row["team"], row["priority"], row["status"]) == ("care", "p2", "new")
    assert row["sla"]["deadline"] == "2026-11-02T14:00:00Z"

    # 2. A responder answers from the CLI.
    db = str(store.path)
    cli = ["--config", str(ROOT / "config.toml"), "--db", db]
    result = CliRunner().invoke(main, [*cli, "case", "respond", str(case_id),
                                       "Hi Sam, your boots left our warehouse today.",
                                       "--as", "Lucía"], catch_exceptions=False)
    assert result.exit_code == 0, result.output

    # 3. The next delivery posts it in the thread, once.
    report = await bot.support.deliver()
    assert report is not None and len(report.sent) == 1
    reply = dpytest.get_message()
    assert (reply.channel.id, reply.content) == (
        thread.id, "Hi Sam, your boots left our warehouse today.")
    assert reply.author.id == bot.user.id
    assert (await bot.support.deliver()).sent == []

    # 4. Sam answers in the thread: the case has it, and it is theirs to answer again.
    said = await dpytest.message("Great, thanks! Is there a tracking number?", channel=thread,
                                 member=sam)
    case = Cases(store, live.settings).get(case_id)
    assert case["mentions"][-1] == f"discord:{said.id}" and case["status"] == "new"
    assert live.listened == []

    # 4b. The responder answers again, drafting with `case reply`: --send records it and the
    # bot posts it (Discord has no API for the CLI to post as the brand).
    result = CliRunner().invoke(main, [*cli, "case", "reply", str(case_id), "--text",
                                       "Your tracking number is KX-1234.", "--send", "--as",
                                       "Lucía"], catch_exceptions=False)
    assert result.exit_code == 0 and "next round" in result.output, result.output
    assert len((await bot.support.deliver()).sent) == 1
    tracking = dpytest.get_message()
    assert (tracking.channel.id, tracking.content) == (thread.id,
                                                       "Your tracking number is KX-1234.")

    # 5. The responder resolves the case from the CLI.
    result = CliRunner().invoke(main, [*cli, "case", "resolve", str(case_id), "--as", "Lucía"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output

    # 6. The next delivery asks for CSAT and CES in the thread.
    report = await bot.support.deliver()
    assert report is not None and len(report.sent) == 2
    csat_message, ces_message = dpytest.get_message(), dpytest.get_message()
    assert csat_message.channel.id == thread.id
    assert csat_message.content.startswith("How satisfied are you with the help you got?")
    assert ces_message.content.startswith("How easy was it to get your issue sorted?")
    csat = store.conn.execute("SELECT id, case_id, loyalty_id FROM surveys WHERE kind = 'csat'"
                              ).fetchone()
    assert csat[1:] == (case_id, "LY-7")

    # 7. Sam presses 5: the answer is stored and pays the survey points, once.
    pressed = await press(bot, sam, f"earful:survey:{csat[0]}:5", csat_message.content)
    assert pressed.edits[0]["content"].endswith("You answered **5** (1–5). +5 loyalty points.")
    again = await press(bot, sam, f"earful:survey:{csat[0]}:5", csat_message.content)
    assert again.private_replies == [f"survey {csat[0]} was answered already"]
    assert store.conn.execute("SELECT score FROM surveys WHERE id = ?", [csat[0]]).fetchone() \
        == (5,)
    assert ledger(store) == [("LY-7", 5, "survey", f"LY-7:{csat[0]}")]
    assert Loyalty(store, live.settings).member(str(sam.id)).balance == 5


@pytest.mark.asyncio
async def test_survey_points_that_reach_a_tier_bring_the_tier_role(settings, store,
                                                                    clock) -> None:
    from community.loyalty_commands import LoyaltyEvents
    from earful.config import EarnConfig, TierConfig
    from tests.test_bot_loyalty import Guild, Member, Role

    tiered = community(settings, tiers=[TierConfig(name="Trail", points=0, role="Trail"),
                                        TierConfig(name="Summit", points=5,
                                                   role="Summit runners")],
                       earn=EarnConfig(survey=5))
    store.conn.execute("INSERT INTO loyalty_members (loyalty_id, discord_user_id, tier, "
                       "linked_at) VALUES ('LY-7', ?, 'Trail', '2026-10-01T00:00:00Z')",
                       [str(SAM)])
    bot = support_bot(tiered, store, clock)
    bot.loyalty_events = LoyaltyEvents(bot, Loyalty(store, tiered, clock=clock))
    guild = Guild(700, [Role(1, "@everyone"), Role(10, "Trail"), Role(11, "Summit runners")])
    sam = Member(SAM, "Sam", [guild.role("@everyone"), guild.role("Trail")])
    guild.members[SAM] = sam
    support = bot.support.support
    case_id = open_thread(support, "9001")
    support.cases.resolve(case_id, "Lucía")
    support.relay()
    csat = store.conn.execute("SELECT id FROM surveys WHERE kind = 'csat'").fetchone()[0]

    # Pressed in the support thread: the server is the interaction's.
    match = SurveyButton.__discord_ui_compiled_template__.fullmatch(f"earful:survey:{csat}:5")
    interaction = FakeInteraction(bot, sam, message=SimpleNamespace(content="How satisfied?"))
    interaction.guild = guild
    await (await SurveyButton.from_custom_id(interaction, None, match)).callback(interaction)
    assert ledger(store) == [("LY-7", 5, "survey", f"LY-7:{csat}")]
    assert sam.role_names() == ["@everyone", "Summit runners"]
    bot.listener.close()

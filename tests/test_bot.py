"""The community bot: its messages enter the pipeline (naming the community's brand), open cases
and page; its one error handler; its token. Message flows run on dpytest; slash-command
callbacks, which dpytest cannot drive, get a fake Interaction."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime
from types import SimpleNamespace

import discord
import discord.ext.test as dpytest
import discord.ext.test.factories as factories
import pytest
import pytest_asyncio
from click.testing import CliRunner
from discord import app_commands
from discord.ext import commands
from rich.console import Console

from alerts.runner import AlertRunner
from community.bot import APOLOGY, build_bot, explain, intents
from community.errors import MissingToken
from community.listen import CommunityListener, post_from_message
from earful.config import Settings, parse_config
from earful.errors import EarfulError
from listener.matching import Matcher
from listener.pipeline import Pipeline
from panels.membership import Memberships
from tests.conftest import ROOT, make_post
from tests.test_cases import ROSTER

COMMUNITY = {**ROSTER, "community": {"brand": "Kestrel"}}


@pytest.fixture
def community() -> Settings:
    return parse_config(COMMUNITY)


def listening(settings: Settings, *channels: int) -> Settings:
    return settings.model_copy(update={"community": settings.community.model_copy(
        update={"listen_channels": list(channels)})})


# -- matching: a message in our own community names our brand ----------------------------------
def test_a_discord_message_naming_no_brand_names_the_community_brand(community) -> None:
    matcher = Matcher(community.brands, community.topics, community="Kestrel")
    found = matcher.match_text("I'm cancelling my membership", platform="discord")
    assert [(m.brand, m.role, m.rule) for m in found] == [("Kestrel", "brand", "community:discord")]
    # The text's own brands win: a named competitor is not turned into us.
    assert [m.brand for m in matcher.match_text("Trovia is cheaper", platform="discord")] == [
        "Trovia"]
    assert [m.rule for m in matcher.match_text("my Kestrel tent", platform="discord")] == [
        "name:Kestrel"]
    # Other platforms, and a matcher without a community, are unchanged.
    assert matcher.match_text("I'm cancelling my membership", platform="x") == []
    assert matcher.match_text("I'm cancelling my membership") == []
    plain = Matcher(community.brands, community.topics)
    assert plain.match_text("I'm cancelling my membership", platform="discord") == []


def test_the_pipeline_stores_community_messages_as_mentions_of_the_brand(community,
                                                                         store) -> None:
    message = make_post("991", "I'm cancelling my membership", platform="discord",
                        community="123")
    tweet = make_post("992", "I'm cancelling my membership")
    with Pipeline(community, store, workers=1) as pipeline:
        result = pipeline.process([message, tweet], source="discord")
    assert result.unmatched == 1  # the tweet names no brand
    (item,) = result.stored
    assert item.post.id == "discord:991" and item.risk == "high"
    assert [(m.brand, m.rule) for m in item.matches] == [("Kestrel", "community:discord")]


# -- messages through the bot (dpytest) ----------------------------------------------------------
@pytest_asyncio.fixture
async def bot(community, store):
    bot = build_bot(community, store)
    await bot._async_setup_hook()  # the event loop, as login would (no setup_hook: no sync)
    # dpytest checks the bot's own permissions before it "sends", which needs the bot's member
    # object: cache members here, though the real bot does not ask for the members intent.
    state = bot._connection
    state._intents.members = True
    state.member_cache_flags = discord.MemberCacheFlags.from_intents(state._intents)
    dpytest.configure(bot, text_channels=2, members=0)
    yield bot
    await dpytest.empty_queue()
    bot.listener.close()


def listen_to_first_channel(bot, settings: Settings, store) -> tuple[io.StringIO, int]:
    """Listen to the first text channel; alerts print to the returned buffer."""
    channel = dpytest.get_config().guilds[0].text_channels[0]
    printed = io.StringIO()
    settings = listening(settings, channel.id)
    alerts = AlertRunner(settings, store, console=Console(file=printed, width=200))
    bot.listener = CommunityListener(settings, store, alerts=alerts, lock=bot.lock)
    return printed, channel.id


def person(name: str, *, bot: bool = False) -> discord.User:
    """A user writing in the guild (without the members intent, messages carry users)."""
    data = factories.make_user_dict(name, "0001", None, factories.make_id())
    if bot:
        data["bot"] = True
    return dpytest.backend.get_state().store_user(data)


def mentions(store) -> list[tuple]:
    return store.conn.execute(
        "SELECT m.id, m.platform, m.author_id, m.community, s.risk FROM mentions m "
        "JOIN scores s ON s.mention_id = m.id ORDER BY m.id").fetchall()


@pytest.mark.asyncio
async def test_a_members_churn_threat_is_stored_opens_a_case_and_pages(bot, community,
                                                                       store) -> None:
    printed, channel_id = listen_to_first_channel(bot, community, store)
    sam = person("sam")
    Memberships(store, community).link("LY-7", "discord", str(sam.id), origin="discord")

    message = await dpytest.message("I'm cancelling my membership", channel=0, member=sam)

    assert mentions(store) == [(f"discord:{message.id}", "discord", f"discord:{sam.id}",
                                str(channel_id), "high")]
    brands = store.conn.execute("SELECT brand, rule FROM mention_brands").fetchall()
    assert brands == [("Kestrel", "community:discord")]
    case = store.conn.execute(
        "SELECT c.team, c.priority, c.rule FROM cases c JOIN case_mentions m "
        "ON m.case_id = c.id WHERE m.mention_id = ?", (f"discord:{message.id}",)).fetchone()
    assert case == ("retention", "p1", "churn")
    kinds = dict(store.conn.execute("SELECT kind, title FROM alerts").fetchall())
    assert kinds["churn_threat"] == ("Churn threat from sam (loyalty member LY-7) on discord: "
                                     "leaving Kestrel")
    assert "Churn threat from sam" in printed.getvalue()  # delivered (console channel)
    assert dpytest.verify().message().nothing()  # the bot said nothing in the channel


@pytest.mark.asyncio
async def test_without_a_loyalty_link_the_churn_threat_opens_a_case_but_does_not_page(
        bot, community, store) -> None:
    listen_to_first_channel(bot, community, store)
    await dpytest.message("I'm cancelling my membership", channel=0, member=person("kim"))
    assert store.count("cases") == 1
    kinds = [kind for (kind,) in store.conn.execute("SELECT kind FROM alerts")]
    assert "churn_threat" not in kinds


@pytest.mark.asyncio
async def test_other_channels_and_bots_are_ignored(bot, community, store) -> None:
    listen_to_first_channel(bot, community, store)
    sam = person("sam")
    await dpytest.message("I'm cancelling my membership", channel=1, member=sam)  # not listened
    helper = person("helper-bot", bot=True)
    await dpytest.message("I'm cancelling my membership", channel=0, member=helper)
    assert bot.user.bot
    await dpytest.message("I'm cancelling my membership", channel=0, member=bot.user)  # itself
    assert mentions(store) == []
    # and what a person says there is stored
    await dpytest.message("hello everyone", channel=0, member=sam)
    assert len(mentions(store)) == 1


@pytest.mark.asyncio
async def test_a_dm_is_ignored(community, store) -> None:
    listener = CommunityListener(listening(community, 5), store)
    dm = SimpleNamespace(guild=None, author=SimpleNamespace(bot=False), webhook_id=None,
                         type=discord.MessageType.default, content="I'm cancelling",
                         channel=SimpleNamespace(id=5))
    assert await listener.handle(dm) is None
    assert store.count("mentions") == 0
    listener.close()


@pytest.mark.asyncio
async def test_post_from_message_keeps_ids_thread_reply_and_no_secrets(bot, community,
                                                                       store) -> None:
    first = await dpytest.message("first", channel=0, member=person("sam"))
    post = post_from_message(first)
    assert post.id == f"discord:{first.id}" and post.kind == "message"
    assert post.author.id == f"discord:{first.author.id}" and post.author.handle == "sam"
    assert post.thread_id == post.community == str(first.channel.id)
    assert post.parent_id is None and post.url == first.jump_url
    assert post.created_at == first.created_at
    assert set(post.raw) >= {"id", "channel_id", "guild_id", "author_id", "content"}
    # A reply in a thread: the thread is the conversation, its channel the community.
    reply = SimpleNamespace(
        id=2, content="same here", created_at=datetime(2026, 11, 2, tzinfo=UTC),
        edited_at=None, jump_url="https://discord.com/channels/1/30/2", guild=SimpleNamespace(id=1),
        author=SimpleNamespace(id=42, name="kim", display_name="Kim", bot=False),
        channel=SimpleNamespace(id=30, parent_id=3), reference=SimpleNamespace(message_id=1))
    post = post_from_message(reply)
    assert (post.thread_id, post.community, post.parent_id) == ("30", "3", "1")
    listener = CommunityListener(listening(community, 3), store)
    reply.webhook_id, reply.type = None, discord.MessageType.reply
    assert listener.wanted(reply)  # a thread of a listened channel is listened to
    listener.close()


# -- the one error handler -----------------------------------------------------------------------
class FakeResponse:
    def __init__(self, done: bool = False) -> None:
        self.done = done
        self.sent: list[tuple[str, bool]] = []

    def is_done(self) -> bool:
        return self.done

    async def send_message(self, content: str, *, ephemeral: bool = False) -> None:
        self.sent.append((content, ephemeral))
        self.done = True


class FakeFollowup:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bool]] = []

    async def send(self, content: str, *, ephemeral: bool = False) -> None:
        self.sent.append((content, ephemeral))


def interaction(done: bool = False) -> SimpleNamespace:
    return SimpleNamespace(response=FakeResponse(done), followup=FakeFollowup(),
                           command=SimpleNamespace(name="redeem", qualified_name="redeem"),
                           user=SimpleNamespace(id=1))


def invoke_error(error: Exception) -> app_commands.CommandInvokeError:
    command = app_commands.Command(name="redeem", description="x", callback=_callback)
    return app_commands.CommandInvokeError(command, error)


async def _callback(interaction: discord.Interaction) -> None:
    pass


@pytest.mark.asyncio
async def test_expected_errors_are_a_short_ephemeral_reply(community, store) -> None:
    bot = build_bot(community, store)
    fake = interaction()
    await bot.on_app_command_error(fake, invoke_error(EarfulError("not enough points: 15")))
    assert fake.response.sent == [("not enough points: 15", True)]
    fake = interaction()
    await bot.on_app_command_error(fake, app_commands.CheckFailure("Moderators only."))
    assert fake.response.sent == [("Moderators only.", True)]
    fake = interaction(done=True)  # the command had already answered (or deferred)
    await bot.on_app_command_error(fake, invoke_error(MissingToken("no token")))
    assert fake.followup.sent == [("no token", True)] and fake.response.sent == []
    bot.listener.close()


@pytest.mark.asyncio
async def test_a_bug_is_logged_with_its_traceback_and_the_user_gets_an_apology(
        community, store, caplog) -> None:
    bot = build_bot(community, store)
    fake = interaction()
    try:
        raise KeyError("loyalty_id")
    except KeyError as bug:
        error = invoke_error(bug)
    with caplog.at_level(logging.ERROR, logger="community.bot"):
        await bot.on_app_command_error(fake, error)
    assert fake.response.sent == [(APOLOGY, True)]
    (record,) = caplog.records
    assert record.getMessage() == "command redeem failed" and record.exc_info is not None
    assert "KeyError" in caplog.text  # the traceback
    bot.listener.close()


def test_explain_unwraps_and_tells_expected_from_unexpected() -> None:
    assert explain(commands.MissingRole("Moderator")) == (
        "Role 'Moderator' is required to run this command.")
    assert explain(app_commands.CheckFailure()) is not None
    assert explain(RuntimeError("boom")) is None
    assert explain(invoke_error(RuntimeError("boom"))) is None


@pytest.mark.asyncio
async def test_prefix_commands_share_the_error_handler(bot) -> None:
    @bot.command()
    async def redeem(ctx: commands.Context) -> None:
        raise EarfulError("not enough points: 15")

    @bot.command()
    async def crash(ctx: commands.Context) -> None:
        raise RuntimeError("boom")

    # dpytest re-raises the command's error after the handler ran.
    with pytest.raises(commands.CommandInvokeError):
        await dpytest.message("!redeem", member=person("sam"))
    assert dpytest.verify().message().content("not enough points: 15")
    with pytest.raises(commands.CommandInvokeError):
        await dpytest.message("!crash", member=person("sam"))
    assert dpytest.verify().message().content(APOLOGY)
    await dpytest.message("!nosuchcommand", member=person("sam"))  # not ours: no reply
    assert dpytest.verify().message().nothing()


# -- token, intents, CLI -------------------------------------------------------------------------
def test_the_bot_asks_only_for_the_intents_it_needs() -> None:
    wanted = intents()
    assert (wanted.guilds, wanted.guild_messages, wanted.message_content,
            wanted.guild_reactions) == (True, True, True, True)  # reactions: helpful answers
    assert not (wanted.members or wanted.presences or wanted.dm_messages or wanted.dm_reactions)


def test_a_missing_token_is_a_clear_error_naming_the_variable(monkeypatch, tmp_path) -> None:
    from earful.cli import App
    from earful.commands.bot import bot as bot_group

    monkeypatch.delenv("DISCORD_BOT_TOKEN", raising=False)
    app = App(str(ROOT / "config.toml"), str(tmp_path / "e.db"))
    result = CliRunner().invoke(bot_group, ["run"], obj=app)
    assert result.exit_code == 1
    assert "DISCORD_BOT_TOKEN" in result.output and "not set" in result.output
    app.close()


def test_the_token_comes_from_the_environment(monkeypatch, community) -> None:
    from community.bot import bot_token

    monkeypatch.setenv("KESTREL_BOT", "abc.def")
    settings = community.model_copy(update={"community": community.community.model_copy(
        update={"token_env": "KESTREL_BOT"})})
    assert bot_token(settings) == "abc.def"
    monkeypatch.setenv("KESTREL_BOT", "")
    with pytest.raises(MissingToken, match="KESTREL_BOT"):
        bot_token(settings)


# -- /points and /profile (callbacks with a fake Interaction) -------------------------------------
TIERS = {"tiers": [{"name": "Trail", "points": 0}, {"name": "Summit", "points": 100,
                                                     "role": "Summit"}]}


@pytest.mark.asyncio
async def test_points_and_profile_answer_a_linked_member_privately(store) -> None:
    settings = parse_config({**COMMUNITY, "community": {**COMMUNITY["community"], **TIERS}})
    bot = build_bot(settings, store)
    with store.transaction() as conn:
        conn.execute("INSERT INTO loyalty_members (loyalty_id, discord_user_id, display_name, "
                     "tier, linked_at) VALUES ('LY-7', '4242', 'Sam', 'Trail', "
                     "'2026-11-01T00:00:00Z')")
        conn.execute("INSERT INTO points_ledger (loyalty_id, delta, kind, reason, ref, at) "
                     "VALUES ('LY-7', 60, 'grant', 'meetup host', 'g1', '2026-11-02T10:00:00Z')")
    fake = interaction()
    fake.user = SimpleNamespace(id=4242)
    await bot.tree.get_command("points").callback(fake)
    assert fake.response.sent == [
        ("You have **60** points and are **Trail**. 40 more to reach **Summit**.", True)]
    fake = interaction()
    fake.user = SimpleNamespace(id=4242)
    await bot.tree.get_command("profile").callback(fake)
    ((text, ephemeral),) = fake.response.sent
    assert ephemeral and text.splitlines()[0] == "**Sam** (member LY-7)"
    assert "- 2026-11-02 +60 meetup host" in text
    # Someone not linked: the library's own error, through the one handler.
    fake = interaction()
    fake.user = SimpleNamespace(id=999)
    with pytest.raises(EarfulError) as refused:
        await bot.tree.get_command("points").callback(fake)
    await bot.on_app_command_error(fake, invoke_error(refused.value))
    assert fake.response.sent == [("Link your account first with /link CODE", True)]
    bot.listener.close()

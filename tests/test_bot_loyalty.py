"""The loyalty side of the community bot: the slash commands through their callbacks with fake
Interactions (dpytest cannot drive app commands), the moderator check through the one error
handler, helpful reactions from fake raw events, tier roles with small fakes, and activity
points on dpytest's message flow."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import discord
import discord.ext.test as dpytest
import discord.ext.test.factories as factories
import pytest
import pytest_asyncio
from discord import app_commands

from community.bot import CommunityBot, build_bot
from community.linking import issue_code, redeem_code
from community.listen import CommunityListener
from community.loyalty import Loyalty, NotAllowed
from community.loyalty_commands import (
    MODERATORS_ONLY,
    ModeratorOnly,
    event_choices,
    register_loyalty,
    reward_choices,
    same_emoji,
    sync_tier_roles,
)
from earful.config import Settings, parse_config
from tests.test_bot import COMMUNITY

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
GUILD = 700
MOD_ID = 9000

LOYAL = {**COMMUNITY, "community": {
    **COMMUNITY["community"],
    "moderator_roles": ["Moderator", "Staff"],
    "tiers": [{"name": "Trail", "points": 0, "role": "Trail"},
              {"name": "Summit", "points": 100, "role": "Summit runners"},
              {"name": "Ultra", "points": 500}],  # a tier without a role
    "earn": {"activity": 3, "activity_daily_cap": 10, "helpful": 25, "events": {"meetup": 50}},
    "rewards": [{"id": "trail-mug", "name": "Trail mug", "cost": 120, "stock": 3},
                {"id": "sticker", "name": "Sticker pack", "cost": 20},
                {"id": "buff", "name": "Buff", "cost": 40, "stock": 1,
                 "description": "Merino neck buff"}],
}}


# -- fakes: what the commands read of discord.py's objects ----------------------------------------
@dataclass(eq=False)
class Role:
    id: int
    name: str


def forbidden() -> discord.Forbidden:
    return discord.Forbidden(SimpleNamespace(status=403, reason="Forbidden"),
                             {"code": 50013, "message": "Missing Permissions"})


@dataclass(eq=False)
class Member:
    """A discord.Member as the bot uses it: id, names, roles, and role changes."""

    id: int
    display_name: str
    roles: list[Role] = field(default_factory=list)
    bot: bool = False
    refuse: bool = False  # Discord answers 403: the bot lacks Manage Roles
    changes: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.display_name.lower()

    async def add_roles(self, *roles: Role, reason: str | None = None) -> None:
        if self.refuse:
            raise forbidden()
        self.changes.append(("add", [r.name for r in roles]))
        self.roles += roles

    async def remove_roles(self, *roles: Role, reason: str | None = None) -> None:
        if self.refuse:
            raise forbidden()
        self.changes.append(("remove", [r.name for r in roles]))
        self.roles = [r for r in self.roles if r not in roles]

    def role_names(self) -> list[str]:
        return sorted(r.name for r in self.roles)


@dataclass(eq=False)
class Guild:
    id: int
    roles: list[Role]
    members: dict[int, Member] = field(default_factory=dict)

    def role(self, name: str) -> Role:
        return next(r for r in self.roles if r.name == name)

    def get_member(self, user_id: int) -> Member | None:
        return None  # no members intent: the cache does not have them

    async def fetch_member(self, user_id: int) -> Member:
        if user_id not in self.members:
            raise discord.NotFound(SimpleNamespace(status=404, reason="Not Found"),
                                   {"code": 10007, "message": "Unknown Member"})
        return self.members[user_id]


class Response:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def is_done(self) -> bool:
        return bool(self.sent)

    async def send_message(self, content: str, *, ephemeral: bool = False,
                           **options: Any) -> None:
        self.sent.append({"content": content, "ephemeral": ephemeral, **options})


class Followup:
    async def send(self, content: str, *, ephemeral: bool = False) -> None:
        raise AssertionError("the commands answer with the interaction's response")


class Interaction:
    def __init__(self, user: Any, guild: Guild | None) -> None:
        self.user = user
        self.guild = guild
        self.response = Response()
        self.followup = Followup()
        self.command: app_commands.Command | None = None

    @property
    def reply(self) -> tuple[str, bool]:
        (sent,) = self.response.sent
        return sent["content"], sent["ephemeral"]


def command(bot: CommunityBot, path: str) -> app_commands.Command:
    first, *rest = path.split()
    found = bot.tree.get_command(first)
    for part in rest:
        found = found.get_command(part)
    assert isinstance(found, app_commands.Command), path
    return found


async def invoke(bot: CommunityBot, path: str, interaction: Interaction, **options: Any) -> None:
    """Run a slash command as discord.py's tree does: its checks, then its callback; an error
    goes to the bot's one error handler (wrapped as the tree wraps it)."""
    cmd = command(bot, path)
    interaction.command = cmd
    try:
        for check in cmd.checks:
            if not await discord.utils.maybe_coroutine(check, interaction):
                raise app_commands.CheckFailure(f"check of {path} failed")
        await cmd.callback(interaction, **options)
    except app_commands.AppCommandError as error:
        await bot.on_app_command_error(interaction, error)
    except Exception as error:
        await bot.on_app_command_error(interaction, app_commands.CommandInvokeError(cmd, error))


# -- fixtures -------------------------------------------------------------------------------------
@pytest.fixture
def loyal() -> Settings:
    return parse_config(LOYAL)


@pytest.fixture
def guild() -> Guild:
    return Guild(GUILD, [Role(1, "@everyone"), Role(2, "Moderator"), Role(3, "Staff"),
                         Role(10, "Trail"), Role(11, "Summit runners"), Role(20, "Runner")])


@pytest.fixture
def moderator(guild) -> Member:
    return Member(MOD_ID, "Mo", [guild.role("@everyone"), guild.role("Staff")])


@pytest_asyncio.fixture
async def app(loyal, store):
    """The bot with its loyalty commands over a loyalty with a fixed clock."""
    bot = CommunityBot(loyal, store)
    loyalty = Loyalty(store, loyal, clock=lambda: NOW)
    events = register_loyalty(bot, loyalty)
    yield SimpleNamespace(bot=bot, loyalty=loyalty, events=events)
    bot.listener.close()


def link(store, settings: Settings, loyalty_id: str, user: Member) -> None:
    code = issue_code(store, settings, loyalty_id)
    redeem_code(store, settings, code, str(user.id), user.display_name)


def ledger(store) -> list[tuple]:
    return store.conn.execute(
        "SELECT loyalty_id, delta, kind, reason, ref, actor FROM points_ledger ORDER BY id"
    ).fetchall()


# -- members' commands ----------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_link_redeems_the_code_and_gives_the_tier_role(app, loyal, store, guild) -> None:
    jo = Member(4242, "Jo", [guild.role("@everyone")])
    code = issue_code(store, loyal, "LY-1042")  # what `earful loyalty code LY-1042` prints
    fake = Interaction(jo, guild)
    await invoke(app.bot, "link", fake, code=code.lower().replace("-", ""))  # as typed
    assert fake.reply == ("Linked: this Discord account is now loyalty member **LY-1042**. "
                          "You have **0** points and are **Trail**.", True)
    assert store.conn.execute("SELECT loyalty_id, display_name, tier FROM loyalty_members "
                              "WHERE discord_user_id = '4242'").fetchone() == (
        "LY-1042", "Jo", "Trail")
    assert jo.role_names() == ["@everyone", "Trail"]

    # The code is one person's: someone else typing it is refused, privately.
    kim = Member(5555, "Kim", [guild.role("@everyone")])
    fake = Interaction(kim, guild)
    await invoke(app.bot, "link", fake, code=code)
    assert fake.reply == ("That code has already been used; ask for a new one.", True)
    fake = Interaction(kim, guild)
    await invoke(app.bot, "link", fake, code="ABCD-EFGH")
    assert fake.reply == ("That code is not valid; check it and try again.", True)
    assert kim.changes == []
    assert store.count("loyalty_members") == 1


@pytest.mark.asyncio
async def test_link_from_a_new_account_takes_the_tier_role_from_the_old_one(app, loyal, store,
                                                                            guild) -> None:
    jo = Member(4242, "Jo", [guild.role("@everyone"), guild.role("Runner")])
    await invoke(app.bot, "link", Interaction(jo, guild), code=issue_code(store, loyal, "LY-1"))
    assert jo.role_names() == ["@everyone", "Runner", "Trail"]
    # Jo's new account links LY-1 with a fresh code: the old account no longer speaks for the
    # member and loses the tier role (and only that); the new one gets it.
    new = Member(5151, "Jo (new)", [guild.role("@everyone")])
    guild.members[jo.id] = jo  # what fetch_member finds: the cache has no members
    fake = Interaction(new, guild)
    await invoke(app.bot, "link", fake, code=issue_code(store, loyal, "LY-1"))
    assert fake.reply[0].startswith("Linked: this Discord account is now loyalty member **LY-1**")
    assert new.role_names() == ["@everyone", "Trail"]
    assert jo.role_names() == ["@everyone", "Runner"]
    assert jo.changes[-1] == ("remove", ["Trail"])
    # An old account that has left the server (Discord: unknown member): the link still
    # works, there is nothing to take away.
    assert new.id not in guild.members
    newest = Member(6262, "Jo (newest)", [guild.role("@everyone")])
    fake = Interaction(newest, guild)
    await invoke(app.bot, "link", fake, code=issue_code(store, loyal, "LY-1"))
    assert newest.role_names() == ["@everyone", "Trail"]
    assert new.role_names() == ["@everyone", "Trail"]  # not found in the server: left alone


@pytest.mark.asyncio
async def test_tier_shows_the_tiers_and_what_the_next_one_needs(app, loyal, store,
                                                                guild) -> None:
    sam = Member(4242, "Sam")
    link(store, loyal, "LY-7", sam)
    app.loyalty.grant(str(MOD_ID), True, "4242", 80, "meetup host")
    app.loyalty.redeem("4242", "sticker")  # spending 20 does not lower the tier's measure
    fake = Interaction(sam, guild)
    await invoke(app.bot, "tier", fake)
    assert fake.reply == ("You are **Trail**, with 80 points earned.\n"
                          "20 more to reach **Summit**.\n"
                          "Tiers (points earned in all; spending points does not lower your "
                          "tier):\n"
                          "- **Trail**: from 0 points (role Trail) ← you\n"
                          "- **Summit**: from 100 points (role Summit runners)\n"
                          "- **Ultra**: from 500 points", True)
    # Not linked: the tiers, and how to start.
    fake = Interaction(Member(1, "Newcomer"), guild)
    await invoke(app.bot, "tier", fake)
    text, ephemeral = fake.reply
    assert ephemeral and "← you" not in text
    assert text.splitlines()[0].startswith("Tiers (")
    assert text.splitlines()[-1] == "Link your account with /link CODE to start earning."


@pytest.mark.asyncio
async def test_rewards_lists_cost_and_stock_and_the_members_balance(app, loyal, store,
                                                                    guild) -> None:
    sam = Member(4242, "Sam")
    link(store, loyal, "LY-7", sam)
    app.loyalty.grant(str(MOD_ID), True, "4242", 60, "welcome")
    fake = Interaction(sam, guild)
    await invoke(app.bot, "rewards", fake)
    assert fake.reply == ("Rewards (redeem one with /redeem):\n"
                          "- **Sticker pack** (`sticker`): 20 points\n"
                          "- **Buff** (`buff`): 40 points, 1 left. Merino neck buff\n"
                          "- **Trail mug** (`trail-mug`): 120 points, 3 left\n"
                          "You have **60** points.", True)
    app.loyalty.redeem("4242", "buff")
    fake = Interaction(Member(1, "Newcomer"), guild)  # anyone may look; no balance line
    await invoke(app.bot, "rewards", fake)
    text, _ = fake.reply
    assert "- **Buff** (`buff`): 40 points, out of stock. Merino neck buff" in text
    assert "You have" not in text


@pytest.mark.asyncio
async def test_redeem_spends_points_and_refusals_are_private_replies(app, loyal, store,
                                                                     guild) -> None:
    sam = Member(4242, "Sam")
    link(store, loyal, "LY-7", sam)
    app.loyalty.grant(str(MOD_ID), True, "4242", 150, "race volunteer")
    fake = Interaction(sam, guild)
    await invoke(app.bot, "redeem", fake, reward="trail-mug")
    assert fake.reply == ("You redeemed **Trail mug** for 120 points (order 1). "
                          "You have 30 points left.", True)
    assert store.conn.execute("SELECT stock FROM rewards WHERE id = 'trail-mug'").fetchone() == (
        2,)
    assert ledger(store)[-1] == ("LY-7", -120, "redeem", "Trail mug", "1", "4242")

    refusals = {"trail-mug": "You have 30 points; Trail mug costs 120.",
                "nope": "No reward called 'nope'; see /rewards."}
    for reward, reply in refusals.items():
        fake = Interaction(sam, guild)
        await invoke(app.bot, "redeem", fake, reward=reward)
        assert fake.reply == (reply, True)
    fake = Interaction(Member(1, "Newcomer"), guild)
    await invoke(app.bot, "redeem", fake, reward="sticker")
    assert fake.reply == ("Link your account first with /link CODE", True)
    assert store.count("redemptions") == 1


def test_redeem_autocompletes_reward_ids_and_mod_event_the_events(app) -> None:
    assert command(app.bot, "redeem").get_parameter("reward").autocomplete
    assert command(app.bot, "mod event").get_parameter("name").autocomplete
    catalogue = app.loyalty.rewards()
    assert [(c.value, c.name) for c in reward_choices(catalogue, "")] == [
        ("sticker", "Sticker pack (20 points)"), ("buff", "Buff (40 points, 1 left)"),
        ("trail-mug", "Trail mug (120 points, 3 left)")]
    assert [c.value for c in reward_choices(catalogue, "MUG")] == ["trail-mug"]  # id or name
    assert [c.value for c in reward_choices(catalogue, "pack")] == ["sticker"]
    events = app.loyalty.config.earn.events
    assert [(c.name, c.value) for c in event_choices(events, "meet")] == [
        ("meetup (50 points)", "meetup")]
    assert event_choices(events, "race") == []


@pytest.mark.asyncio
async def test_concurrent_redeems_of_the_last_item_sell_it_once(app, loyal, store,
                                                                guild) -> None:
    members = [Member(5000 + n, f"Runner {n}") for n in range(5)]
    for n, member in enumerate(members):
        link(store, loyal, f"LY-{n}", member)
        app.loyalty.grant(str(MOD_ID), True, str(member.id), 100, "funds")
    fakes = [Interaction(member, guild) for member in members]

    await asyncio.gather(*(invoke(app.bot, "redeem", fake, reward="buff") for fake in fakes))

    replies = [fake.reply for fake in fakes]
    sold = [text for text, _ in replies if text.startswith("You redeemed **Buff**")]
    assert len(sold) == 1
    assert sorted(text for text, _ in replies if text not in sold) == [
        "Buff is out of stock."] * 4
    assert all(ephemeral for _, ephemeral in replies)
    spends = store.conn.execute("SELECT loyalty_id, delta FROM points_ledger "
                                "WHERE kind = 'redeem'").fetchall()
    assert len(spends) == 1 and spends[0][1] == -40
    assert store.conn.execute("SELECT stock FROM rewards WHERE id = 'buff'").fetchone() == (0,)
    assert store.count("redemptions") == 1


@pytest.mark.asyncio
async def test_leaderboard_is_public_ranked_and_pings_nobody(app, loyal, store, guild) -> None:
    for user_id, name, points in [(1, "sam_the_runner", 90), (2, "Kim", 150), (3, "Lee", 40)]:
        member = Member(user_id, name)
        link(store, loyal, f"LY-{user_id}", member)
        app.loyalty.grant(str(MOD_ID), True, str(user_id), points, "test")
    with store.transaction() as conn:  # Lee's big month was long ago
        conn.execute("INSERT INTO points_ledger (loyalty_id, delta, kind, reason, ref, at) "
                     "VALUES ('LY-3', 500, 'grant', 'old', 'g-old', ?)",
                     ((NOW - timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ"),))
    fake = Interaction(Member(9, "Anyone"), guild)
    await invoke(app.bot, "leaderboard", fake)
    (sent,) = fake.response.sent
    assert sent["content"] == ("**Leaderboard**: points earned in all\n"
                               "1. Lee: 540\n2. Kim: 150\n3. sam\\_the\\_runner: 90")
    assert sent["ephemeral"] is False
    assert sent["allowed_mentions"].users is False and sent["allowed_mentions"].everyone is False
    fake = Interaction(Member(9, "Anyone"), guild)
    await invoke(app.bot, "leaderboard", fake, days=30)
    assert fake.reply[0] == ("**Leaderboard**: points earned in the last 30 days\n"
                             "1. Kim: 150\n2. sam\\_the\\_runner: 90\n3. Lee: 40")


# -- moderators -----------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_mod_commands_refuse_non_moderators_through_the_one_error_handler(
        app, loyal, store, guild) -> None:
    sam = Member(4242, "Sam", [guild.role("@everyone"), guild.role("Runner")])
    link(store, loyal, "LY-7", sam)
    for path, options in [("mod grant", {"member": sam, "points": 500, "reason": "me"}),
                          ("mod revoke", {"member": sam, "points": 1, "reason": "x"}),
                          ("mod event", {"member": sam, "name": "meetup"}),
                          ("mod reward-add", {"id": "free", "name": "Free", "cost": 1})]:
        fake = Interaction(sam, guild)
        await invoke(app.bot, path, fake, **options)
        assert fake.reply == (MODERATORS_ONLY, True), path
    # Outside a server (no roles at all) too.
    fake = Interaction(SimpleNamespace(id=4242, display_name="Sam"), None)
    await invoke(app.bot, "mod grant", fake, member=sam, points=5, reason="dm")
    assert fake.reply == (MODERATORS_ONLY, True)
    assert ledger(store) == [] and store.conn.execute(
        "SELECT COUNT(*) FROM rewards WHERE id = 'free'").fetchone() == (0,)
    # Were the check bypassed, the library refuses on its own.
    with pytest.raises(NotAllowed, match="Only moderators can grant points"):
        await command(app.bot, "mod grant").callback(Interaction(sam, guild), member=sam,
                                                     points=5, reason="bypass")


def test_every_mod_command_carries_the_moderator_check(app, guild) -> None:
    mod = app.bot.tree.get_command("mod")
    assert isinstance(mod, app_commands.Group) and mod.guild_only
    names = sorted(c.name for c in mod.commands)
    assert names == ["event", "grant", "revoke", "reward-add"]
    nobody = Interaction(Member(1, "Nobody", [guild.role("@everyone")]), guild)
    staff = Interaction(Member(2, "Staff", [guild.role("Staff")]), guild)
    for cmd in mod.commands:
        assert len(cmd.checks) == 1, cmd.name
        with pytest.raises(ModeratorOnly):
            cmd.checks[0](nobody)
        assert cmd.checks[0](staff) is True
    # Every command has a description and serialises for Discord (what sync sends).
    for cmd in app.bot.tree.walk_commands():
        assert cmd.description, cmd.qualified_name
    payloads = [cmd.to_dict(app.bot.tree) for cmd in app.bot.tree.get_commands()]
    assert sorted(p["name"] for p in payloads) == [
        "leaderboard", "link", "mod", "points", "profile", "redeem", "rewards", "tier"]


@pytest.mark.asyncio
async def test_grant_and_revoke_move_points_and_tier_roles(app, loyal, store, guild,
                                                           moderator) -> None:
    sam = Member(4242, "Sam", [guild.role("@everyone"), guild.role("Trail"),
                               guild.role("Runner")])
    link(store, loyal, "LY-7", sam)
    fake = Interaction(moderator, guild)
    await invoke(app.bot, "mod grant", fake, member=sam, points=120, reason="meetup host")
    assert fake.reply == ("Gave Sam 120 points (meetup host). Balance: 120. "
                          "Tier: Trail → Summit.", True)
    assert ledger(store) == [("LY-7", 120, "grant", "meetup host", None, str(MOD_ID))]
    assert sam.role_names() == ["@everyone", "Runner", "Summit runners"]

    fake = Interaction(moderator, guild)
    await invoke(app.bot, "mod revoke", fake, member=sam, points=50, reason="counted twice")
    assert fake.reply == ("Took back from Sam 50 points (counted twice). Balance: 70. "
                          "Tier: Summit → Trail.", True)
    assert ledger(store)[-1] == ("LY-7", -50, "revoke", "counted twice", None, str(MOD_ID))
    assert sam.role_names() == ["@everyone", "Runner", "Trail"]

    fake = Interaction(moderator, guild)
    await invoke(app.bot, "mod revoke", fake, member=sam, points=500, reason="too much")
    assert fake.reply == ("Sam has 70 points; cannot revoke 500.", True)
    unlinked = Member(1, "Newcomer")
    fake = Interaction(moderator, guild)
    await invoke(app.bot, "mod grant", fake, member=unlinked, points=5, reason="hi")
    assert fake.reply == ("That member has not linked a loyalty account (/link CODE).", True)
    assert len(ledger(store)) == 2


@pytest.mark.asyncio
async def test_event_points_are_paid_once_per_member_and_event(app, loyal, store, guild,
                                                                  moderator) -> None:
    sam = Member(4242, "Sam")
    link(store, loyal, "LY-7", sam)
    fake = Interaction(moderator, guild)
    await invoke(app.bot, "mod event", fake, member=sam, name="meetup")
    assert fake.reply == ("Gave Sam 50 points (meetup). Balance: 50.", True)
    fake = Interaction(moderator, guild)
    await invoke(app.bot, "mod event", fake, member=sam, name="meetup")
    assert fake.reply == ("Sam already has the points for 'meetup'.", True)
    fake = Interaction(moderator, guild)
    await invoke(app.bot, "mod event", fake, member=sam, name="race")
    assert fake.reply == ("No event called 'race' (events: meetup).", True)
    assert [row[1:3] for row in ledger(store)] == [(50, "event")]


@pytest.mark.asyncio
async def test_reward_add_adds_or_restocks_and_bad_ids_are_explained(app, store, guild,
                                                                    moderator) -> None:
    fake = Interaction(moderator, guild)
    await invoke(app.bot, "mod reward-add", fake, id="trail-cap", name="Trail cap", cost=60,
                 stock=5)
    assert fake.reply == ("Reward **Trail cap** (`trail-cap`): 60 points, 5 left.", True)
    fake = Interaction(moderator, guild)
    await invoke(app.bot, "mod reward-add", fake, id="buff", name="Buff", cost=45)
    assert fake.reply == ("Reward **Buff** (`buff`): 45 points, no stock limit.", True)
    assert [(r.id, r.cost, r.stock) for r in app.loyalty.rewards()] == [
        ("sticker", 20, None), ("buff", 45, None), ("trail-cap", 60, 5), ("trail-mug", 120, 3)]
    fake = Interaction(moderator, guild)
    await invoke(app.bot, "mod reward-add", fake, id="trail cap", name="Cap", cost=60)
    text, ephemeral = fake.reply
    assert ephemeral and text.startswith("id: String should match pattern")


# -- helpful answers: a moderator's reaction ------------------------------------------------------
def reaction(member: Member | None, emoji: str | discord.PartialEmoji = "✅", *,
             author: int | None = 4242, message: int = 8001) -> SimpleNamespace:
    """A raw reaction event as discord.py builds it from MESSAGE_REACTION_ADD."""
    if isinstance(emoji, str):
        emoji = discord.PartialEmoji(name=emoji)
    return SimpleNamespace(guild_id=GUILD, channel_id=600, message_id=message, member=member,
                           emoji=emoji, message_author_id=author, user_id=getattr(member, "id", 0))


@pytest.mark.asyncio
async def test_a_moderators_reaction_marks_an_answer_helpful_once(app, loyal, store, guild,
                                                                  moderator, caplog) -> None:
    sam = Member(4242, "Sam", [guild.role("Trail")])
    link(store, loyal, "LY-7", sam)
    runner = Member(77, "Runner", [guild.role("Runner")])

    await app.events.on_raw_reaction_add(reaction(runner))  # not a moderator
    await app.events.on_raw_reaction_add(reaction(moderator, "👍"))  # another emoji
    assert ledger(store) == []

    await app.events.on_raw_reaction_add(reaction(moderator))
    await app.events.on_raw_reaction_add(reaction(moderator))  # again: paid once
    assert ledger(store) == [("LY-7", 25, "helpful", "helpful answer", "8001", str(MOD_ID))]

    # Own messages and unlinked authors pay nothing, and break nothing.
    with caplog.at_level(logging.INFO, logger="community.loyalty_commands"):
        await app.events.on_raw_reaction_add(reaction(moderator, author=MOD_ID, message=8002))
        await app.events.on_raw_reaction_add(reaction(moderator, author=31337, message=8003))
    assert len(ledger(store)) == 1
    assert "You cannot mark your own message helpful." in caplog.text
    assert "has not linked a loyalty account" in caplog.text


@pytest.mark.asyncio
async def test_a_helpful_mark_that_reaches_a_tier_changes_the_authors_roles(
        app, loyal, store, guild, moderator, monkeypatch) -> None:
    sam = Member(4242, "Sam", [guild.role("Trail")])
    guild.members[sam.id] = sam
    link(store, loyal, "LY-7", sam)
    app.loyalty.grant(str(MOD_ID), True, "4242", 90, "meetup")
    monkeypatch.setattr(app.bot, "get_guild", lambda guild_id: guild)
    # Discord did not send the author's id: the message is fetched to find it.
    channel = SimpleNamespace(fetch_message=_message_by(4242))
    monkeypatch.setattr(app.bot, "get_channel", lambda channel_id: channel)

    await app.events.on_raw_reaction_add(reaction(moderator, author=None))
    assert ledger(store)[-1][1:3] == (25, "helpful")
    assert sam.role_names() == ["Summit runners"]


def _message_by(author_id: int):
    async def fetch_message(message_id: int) -> SimpleNamespace:
        return SimpleNamespace(id=message_id, author=SimpleNamespace(id=author_id))
    return fetch_message


def test_the_helpful_emoji_matches_with_or_without_its_variation_selector() -> None:
    assert same_emoji(discord.PartialEmoji(name="✅"), "✅")
    assert same_emoji(discord.PartialEmoji(name="☑"), "☑️")  # U+2611 with and without U+FE0F
    assert same_emoji(discord.PartialEmoji(name="☑️"), "☑")
    assert not same_emoji(discord.PartialEmoji(name="👍"), "✅")
    solved = discord.PartialEmoji(name="solved", id=123)  # a server's custom emoji
    assert same_emoji(solved, "solved") and same_emoji(solved, "<:solved:123>")
    assert not same_emoji(discord.PartialEmoji(name="solved"), "<:solved:123>")


# -- tier roles (small fakes) ---------------------------------------------------------------------
TIER_ROLES = {"Trail", "Summit runners"}


@pytest.mark.asyncio
async def test_tier_roles_give_the_new_and_take_the_old_leaving_other_roles(guild) -> None:
    sam = Member(4242, "Sam", [guild.role("@everyone"), guild.role("Trail"),
                               guild.role("Runner")])
    await sync_tier_roles(sam, guild, "Summit runners", TIER_ROLES)
    assert sam.changes == [("add", ["Summit runners"]), ("remove", ["Trail"])]
    assert sam.role_names() == ["@everyone", "Runner", "Summit runners"]
    sam.changes.clear()
    await sync_tier_roles(sam, guild, "summit RUNNERS", TIER_ROLES)  # already right
    assert sam.changes == []
    await sync_tier_roles(sam, guild, None, TIER_ROLES)  # below every tier, or a roleless tier
    assert sam.role_names() == ["@everyone", "Runner"]
    dm_user = SimpleNamespace(id=1)  # a User, not a Member: no roles to change
    await sync_tier_roles(dm_user, guild, "Trail", TIER_ROLES)


@pytest.mark.asyncio
async def test_a_missing_role_is_logged_and_the_rest_still_done(guild, caplog) -> None:
    sam = Member(4242, "Sam", [guild.role("Trail")])
    warned: set = set()
    with caplog.at_level(logging.WARNING, logger="community.loyalty_commands"):
        await sync_tier_roles(sam, guild, "Ultra runners", TIER_ROLES | {"Ultra runners"},
                              warned=warned)
        await sync_tier_roles(sam, guild, "Ultra runners", TIER_ROLES | {"Ultra runners"},
                              warned=warned)
    assert sam.role_names() == []  # the old tier's role went all the same
    (record,) = caplog.records  # once
    assert "'Ultra runners' does not exist" in record.getMessage()


@pytest.mark.asyncio
async def test_without_manage_roles_the_refusal_is_logged_once_and_not_raised(guild,
                                                                               caplog) -> None:
    warned: set = set()
    with caplog.at_level(logging.WARNING, logger="community.loyalty_commands"):
        for user_id in (1, 2):
            member = Member(user_id, "Sam", [guild.role("Trail")], refuse=True)
            await sync_tier_roles(member, guild, "Summit runners", TIER_ROLES, warned=warned)
            assert member.role_names() == ["Trail"]
    (record,) = caplog.records
    assert "Manage Roles" in record.getMessage()


# -- activity points on the message flow (dpytest) ------------------------------------------------
@pytest_asyncio.fixture
async def live(loyal, store):
    bot = build_bot(loyal, store)
    await bot._async_setup_hook()
    state = bot._connection  # dpytest needs the bot's member object (see test_bot)
    state._intents.members = True
    state.member_cache_flags = discord.MemberCacheFlags.from_intents(state._intents)
    dpytest.configure(bot, text_channels=2, members=0)
    channel = dpytest.get_config().guilds[0].text_channels[0]
    listened = loyal.model_copy(update={"community": loyal.community.model_copy(
        update={"listen_channels": [channel.id]})})
    bot.listener.close()
    bot.listener = CommunityListener(listened, store, lock=bot.lock)
    yield bot
    await dpytest.empty_queue()
    bot.listener.close()


def person(name: str) -> discord.User:
    data = factories.make_user_dict(name, "0001", None, factories.make_id())
    return dpytest.backend.get_state().store_user(data)


@pytest.mark.asyncio
async def test_messages_in_listened_channels_earn_activity_points_up_to_the_cap(
        live, loyal, store) -> None:
    sam, kim = person("sam"), person("kim")
    code = issue_code(store, loyal, "LY-7")
    redeem_code(store, loyal, code, str(sam.id), "Sam")

    first = await dpytest.message("the new trail shoes are great", channel=0, member=sam)
    await dpytest.message("anyone running the coast path on sunday?", channel=1, member=sam)
    await dpytest.message("hello from kim", channel=0, member=kim)  # not linked
    assert store.count("mentions") == 2  # both listened-channel messages are stored
    assert ledger(store) == [("LY-7", 3, "activity", None, str(first.id), str(sam.id))]
    for n in range(4):
        await dpytest.message(f"message {n}", channel=0, member=sam)
    (today,) = store.conn.execute("SELECT SUM(delta) FROM points_ledger "
                                  "WHERE kind = 'activity'").fetchone()
    assert today == 10  # earn.activity_daily_cap
    assert dpytest.verify().message().nothing()


@pytest.mark.asyncio
async def test_failures_of_storing_or_earning_do_not_stop_each_other(live, loyal, store,
                                                                     monkeypatch,
                                                                     caplog) -> None:
    sam = person("sam")
    redeem_code(store, loyal, issue_code(store, loyal, "LY-7"), str(sam.id), "Sam")

    def broken(*args: object) -> None:
        raise RuntimeError("ledger locked")

    monkeypatch.setattr(Loyalty, "earn_activity", broken)
    with caplog.at_level(logging.ERROR):
        await dpytest.message("the new trail shoes are great", channel=0, member=sam)
    assert store.count("mentions") == 1 and ledger(store) == []  # stored; no points
    assert "activity points for message" in caplog.text
    monkeypatch.undo()

    async def refuse(message: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(live.listener, "handle", refuse)
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        message = await dpytest.message("still here", channel=0, member=sam)
    failed = [r for r in caplog.records if r.getMessage() == f"message {message.id}: not stored"]
    assert failed and failed[0].message_id == str(message.id)
    assert ledger(store)[-1][2:5] == ("activity", None, str(message.id))  # still earned

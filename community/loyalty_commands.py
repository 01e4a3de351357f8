"""The loyalty side of the Discord bot: slash commands, moderator tools, activity and helpful
points, tier roles. Thin glue over ``community.loyalty`` and ``community.linking``: each command
calls one library function through :meth:`CommunityBot.blocking` and answers with text built by
a plain function here; the library's ``LoyaltyError`` becomes the reply through the bot's one
error handler.

- Members: ``/link code``, ``/points``, ``/profile``, ``/tier``, ``/rewards``, ``/redeem reward``
  (answered privately) and ``/leaderboard [days]`` (public).
- Moderators (holding one of ``[community] moderator_roles``): ``/mod grant``, ``/mod revoke``,
  ``/mod event``, ``/mod reward-add``; a moderator's ``earn.helpful_emoji`` reaction on a message
  pays its author ``earn.helpful`` points.
- A message in a listened channel pays ``earn.activity`` points (capped per day).
- When a member's tier changes, they get the new tier's role and lose the other tier roles.

Example::

    bot = CommunityBot(settings, store)
    register_loyalty(bot, Loyalty(store, settings))
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from community.linking import redeem_code
from community.loyalty import (
    Award,
    Loyalty,
    LoyaltyError,
    Member,
    Profile,
    Redemption,
    Reward,
    Standing,
    TierChange,
)
from earful.config import TierConfig

if TYPE_CHECKING:
    from community.bot import CommunityBot

log = logging.getLogger(__name__)

T = TypeVar("T")

MODERATORS_ONLY = "Only community moderators can use this command."
ROLE_REASON = "loyalty tier changed"  # shown in the server's audit log
LEADERBOARD_SIZE = 10
MAX_CHOICES = 25  # Discord shows at most 25 autocomplete choices


# -- answers: plain text from the library's results ----------------------------------------------
def _name(text: str | None, fallback: str) -> str:
    # Names are the members' own: escaped so "**x**" or "_y_" stays literal.
    return discord.utils.escape_markdown(text) if text else fallback


def points_text(profile: Profile) -> str:
    """``/points``: balance, tier and the way to the next one."""
    member = profile.member
    text = f"You have **{member.balance:,}** points"
    text += f" and are **{member.tier}**." if member.tier else "."
    if profile.next_tier is not None and profile.to_next is not None:
        text += f" {profile.to_next:,} more to reach **{profile.next_tier}**."
    return text


def profile_text(profile: Profile) -> str:
    """``/profile``: the points summary, the latest points and the rewards redeemed."""
    member = profile.member
    lines = [f"**{_name(member.display_name, member.loyalty_id)}** (member {member.loyalty_id})",
             points_text(profile), f"Earned in all: {member.earned:,}"]
    if profile.recent:
        lines.append("Latest points:")
        lines += [f"- {entry.at[:10]} {entry.delta:+,} {entry.reason or entry.kind}"
                  for entry in profile.recent[:5]]
    if profile.redemptions:
        lines.append("Rewards redeemed:")
        lines += [f"- {r.at[:10]} {r.reward_name} ({r.cost:,} points, {r.status})"
                  for r in profile.redemptions[:5]]
    return "\n".join(lines)


def linked_text(member: Member) -> str:
    """``/link``: who the account now belongs to, and where they stand."""
    text = (f"Linked: this Discord account is now loyalty member **{member.loyalty_id}**. "
            f"You have **{member.balance:,}** points")
    return text + (f" and are **{member.tier}**." if member.tier else ".")


def tier_text(tiers: Sequence[TierConfig], profile: Profile | None) -> str:
    """``/tier``: the member's tier (by points *earned*: spending does not lower it), every tier's
    threshold and what the next one needs; for an account not linked, the tiers and how to
    start."""
    if not tiers:
        return "This community has no loyalty tiers."
    lines = []
    current = None
    if profile is not None:
        member = profile.member
        current = member.tier
        lines.append(f"You are **{member.tier}**, with {member.earned:,} points earned."
                     if member.tier else
                     f"You have {member.earned:,} points earned and no tier yet.")
        if profile.next_tier is not None and profile.to_next is not None:
            lines.append(f"{profile.to_next:,} more to reach **{profile.next_tier}**.")
        elif member.tier:
            lines.append("That is the top tier.")
    lines.append("Tiers (points earned in all; spending points does not lower your tier):")
    for tier in tiers:
        line = f"- **{tier.name}**: from {tier.points:,} points"
        line += f" (role {tier.role})" if tier.role else ""
        lines.append(line + (" ← you" if tier.name == current else ""))
    if profile is None:
        lines.append("Link your account with /link CODE to start earning.")
    return "\n".join(lines)


def _stock(stock: int | None) -> str:
    if stock is None:
        return ""
    return ", out of stock" if stock <= 0 else f", {stock:,} left"


def rewards_text(rewards: Sequence[Reward], balance: int | None) -> str:
    """``/rewards``: the catalogue with cost and stock, and the member's balance if linked."""
    if not rewards:
        return "There are no rewards in the catalogue yet."
    lines = ["Rewards (redeem one with /redeem):"]
    for reward in rewards:
        line = f"- **{reward.name}** (`{reward.id}`): {reward.cost:,} points{_stock(reward.stock)}"
        lines.append(line + (f". {reward.description}" if reward.description else ""))
    if balance is not None:
        lines.append(f"You have **{balance:,}** points.")
    return "\n".join(lines)


def redeemed_text(redemption: Redemption) -> str:
    """``/redeem``: what was bought and what is left."""
    text = (f"You redeemed **{redemption.reward_name}** for {redemption.cost:,} points "
            f"(order {redemption.id}).")
    if redemption.balance is not None:
        text += f" You have {redemption.balance:,} points left."
    return text


def leaderboard_text(standings: Sequence[Standing], days: int | None) -> str:
    """``/leaderboard``: members by points earned, in all or in the last ``days``."""
    span = f"in the last {days} day{'s' if days != 1 else ''}" if days else "in all"
    if not standings:
        return f"No points earned {span} yet."
    lines = [f"**Leaderboard**: points earned {span}"]
    lines += [f"{s.rank}. {_name(s.display_name, f'<@{s.discord_user_id}>')}: {s.points:,}"
              for s in standings]
    return "\n".join(lines)


def award_text(verb: str, who: str, award: Award, why: str) -> str:
    """A moderator's confirmation: ``Gave Sam 50 points (meetup host). Balance: 110.``"""
    text = (f"{verb} {_name(who, award.loyalty_id)} {abs(award.points):,} points ({why}). "
            f"Balance: {award.balance:,}.")
    if award.tier_change is not None:
        text += f" Tier: {award.tier_change.old or 'none'} → {award.tier_change.new or 'none'}."
    return text


def reward_choices(rewards: Iterable[Reward], current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for a reward id: the rewards whose id or name contains what was typed."""
    typed = current.strip().casefold()
    found = [r for r in rewards if typed in r.id.casefold() or typed in r.name.casefold()]
    return [app_commands.Choice(name=f"{r.name} ({r.cost:,} points{_stock(r.stock)})"[:100],
                                value=r.id) for r in found[:MAX_CHOICES]]


def event_choices(events: Mapping[str, int], current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for an event name (``[community.earn] events``), with its points."""
    typed = current.strip().casefold()
    return [app_commands.Choice(name=f"{name} ({points:,} points)", value=name)
            for name, points in sorted(events.items()) if typed in name.casefold()][:MAX_CHOICES]


def same_emoji(emoji: discord.PartialEmoji | str, wanted: str) -> bool:
    """Whether a reaction is the configured emoji: a Unicode emoji (with or without the
    variation selector U+FE0F, which clients add or drop), or a custom emoji given by its name
    or in full (``<:solved:123>``)."""
    def bare(text: str) -> str:
        return text.replace("\ufe0f", "")

    if bare(str(emoji)) == bare(wanted):
        return True
    custom = getattr(emoji, "id", None) is not None
    return custom and getattr(emoji, "name", None) == wanted.strip(":")


# -- the moderator check --------------------------------------------------------------------------
class ModeratorOnly(app_commands.CheckFailure):
    """The member holds none of ``[community] moderator_roles``."""


def holds_moderator_role(loyalty: Loyalty, user: object) -> bool:
    """Whether a Discord member holds a moderator role (a user outside a server has none)."""
    roles = getattr(user, "roles", None) or []
    return loyalty.is_moderator(role.name for role in roles)


def moderator_only(loyalty: Loyalty) -> Callable[[T], T]:
    """An app-command check: a refusal raises :class:`ModeratorOnly` (a ``CheckFailure``), which
    the bot's one error handler answers privately with :data:`MODERATORS_ONLY`."""
    def predicate(interaction: discord.Interaction) -> bool:
        if holds_moderator_role(loyalty, interaction.user):
            return True
        raise ModeratorOnly(MODERATORS_ONLY)  # False would give discord.py's generic text

    return app_commands.check(predicate)


# -- tier roles -----------------------------------------------------------------------------------
def _warn_once(warned: set[tuple[int, str]] | None, key: tuple[int, str], message: str,
               *args: object) -> None:
    if warned is not None:
        if key in warned:
            return
        warned.add(key)
    log.warning(message, *args, extra={"event": "tier_role_failed", "guild": key[0]})


async def sync_tier_roles(member: Any, guild: Any, role: str | None,
                          tier_roles: Collection[str], *,
                          warned: set[tuple[int, str]] | None = None) -> None:
    """Give ``member`` the Discord role named ``role`` (their tier's; None: no tier role) and
    take away the other tier roles (``tier_roles``, by name) they hold. Other roles are left.

    Never raises for Discord's side: a role missing from the server is logged, and so is a
    missing Manage Roles permission (``discord.Forbidden``), each once per server and role when
    ``warned`` is the caller's set of what it has logged already.
    """
    held = getattr(member, "roles", None)
    if held is None:  # a user met outside a server (a DM): no roles to give
        return
    names = {name.casefold() for name in tier_roles}
    by_name = {r.name.casefold(): r for r in guild.roles}
    wanted = by_name.get(role.casefold()) if role else None
    if role and wanted is None:
        _warn_once(warned, (guild.id, role), "tier role %r does not exist in server %s: create "
                   "it (the bot gives tier roles, it does not create them)", role, guild.id)
    stale = [r for r in held if r.name.casefold() in names
             and (role is None or r.name.casefold() != role.casefold())]
    try:
        # The new role first: if removing fails, the member has both rather than neither.
        if wanted is not None and all(r.id != wanted.id for r in held):
            await member.add_roles(wanted, reason=ROLE_REASON)
        if stale:
            await member.remove_roles(*stale, reason=ROLE_REASON)
    except discord.Forbidden:
        _warn_once(warned, (guild.id, "forbidden"), "no permission to change tier roles in "
                   "server %s: give the bot Manage Roles, with its role above the tier roles",
                   guild.id)
    except discord.HTTPException as error:
        log.warning("tier roles of member %s not changed: %s", member.id, error,
                    extra={"event": "tier_role_failed", "guild": guild.id})


# -- events: activity, helpful answers, tier changes ----------------------------------------------
class LoyaltyEvents:
    """What the bot does with loyalty outside commands: activity points for messages said in
    the community, helpful answers marked by a moderator's reaction, and tier roles after any
    change. Registered as bot listeners by :func:`register_loyalty`."""

    def __init__(self, bot: CommunityBot, loyalty: Loyalty) -> None:
        self.bot = bot
        self.loyalty = loyalty
        self.tier_roles = frozenset(t.role for t in loyalty.config.tiers if t.role)
        self.warned: set[tuple[int, str]] = set()  # role problems logged already

    async def give_tier_role(self, member: Any, guild: Any, tier: str | None) -> None:
        """Bring a member's roles in step with ``tier``."""
        if guild is None or not self.tier_roles:
            return
        await sync_tier_roles(member, guild, self.loyalty.role_of(tier), self.tier_roles,
                              warned=self.warned)

    async def take_tier_roles(self, guild: Any, user_id: int) -> None:
        """Take every tier role from a server member known only by id (not linked any more)."""
        if guild is None or not self.tier_roles:
            return
        member = await self._member(guild, user_id)
        if member is not None:
            await self.give_tier_role(member, guild, None)

    async def on_tier_change(self, member: Any, guild: Any, change: TierChange | None) -> None:
        if change is not None:
            log.info("member %s: tier %s → %s", member.id, change.old, change.new,
                     extra={"event": "tier_changed", "user": str(member.id)})
            await self.give_tier_role(member, guild, change.new)

    async def on_community_message(self, message: discord.Message) -> None:
        """Activity points for a message said in a listened channel (the bot dispatches
        ``community_message`` after storing it). A failure here is logged; the message is
        stored already."""
        try:
            award = await self.bot.blocking(self.loyalty.earn_activity, str(message.author.id),
                                            str(message.id), message.created_at)
            if award is not None:
                await self.on_tier_change(message.author, message.guild, award.tier_change)
        except Exception:
            log.exception("activity points for message %s failed", message.id,
                          extra={"event": "activity_failed", "message_id": str(message.id)})

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        """A moderator's ``earn.helpful_emoji`` on a message pays its author (once per message).
        Raw events: they come for messages the bot has not cached, with the author's id."""
        reactor = payload.member  # set for reactions in servers
        if payload.guild_id is None or reactor is None or reactor.bot:
            return
        if not same_emoji(payload.emoji, self.loyalty.config.earn.helpful_emoji):
            return
        # Anyone may react with the emoji; only a moderator's reaction pays.
        if not holds_moderator_role(self.loyalty, reactor):
            return
        try:
            author_id = payload.message_author_id or await self._author_of(payload)
            if author_id is None:
                return
            award = await self.bot.blocking(self.loyalty.mark_helpful, str(reactor.id), True,
                                            str(author_id), str(payload.message_id))
        except LoyaltyError as refused:  # the author is not linked, or it is their own message
            log.info("helpful mark on message %s not paid: %s", payload.message_id, refused,
                     extra={"event": "helpful_refused", "message_id": str(payload.message_id)})
            return
        except Exception:
            log.exception("helpful mark on message %s failed", payload.message_id,
                          extra={"event": "helpful_failed", "message_id": str(payload.message_id)})
            return
        if award.points:
            log.info("message %s marked helpful by %s: %d points to %s", payload.message_id,
                     reactor.id, award.points, award.loyalty_id,
                     extra={"event": "helpful_marked", "message_id": str(payload.message_id)})
        if award.tier_change is not None:
            guild = self.bot.get_guild(payload.guild_id)
            author = await self._member(guild, author_id)
            if author is not None:
                await self.on_tier_change(author, guild, award.tier_change)

    async def _author_of(self, payload: discord.RawReactionActionEvent) -> int | None:
        # Discord sends the author's id with a reaction; fetch the message only if it did not.
        fetch = getattr(self.bot.get_channel(payload.channel_id), "fetch_message", None)
        if fetch is None:  # not a channel the bot can see
            return None
        try:
            message = await fetch(payload.message_id)
        except discord.HTTPException as error:
            log.warning("reacted message %s not readable: %s", payload.message_id, error)
            return None
        return message.author.id

    @staticmethod
    async def _member(guild: Any, user_id: int) -> Any:
        # Without the members intent the cache rarely has them: ask Discord.
        if guild is None:
            return None
        try:
            return guild.get_member(user_id) or await guild.fetch_member(user_id)
        except discord.HTTPException:
            return None  # left the server: no roles to change


# -- commands -------------------------------------------------------------------------------------
def register_member_commands(bot: CommunityBot, loyalty: Loyalty,
                             events: LoyaltyEvents) -> None:
    """``/link``, ``/points``, ``/profile``, ``/tier``, ``/rewards``, ``/redeem``,
    ``/leaderboard``. An account not linked gets the library's "link first" error through the
    one error handler."""
    tree = bot.tree

    @tree.command(name="link", description="Link your Discord account to your loyalty membership")
    @app_commands.describe(code="The one-time code the brand gave you (like K7QM-3XRA)")
    async def link(interaction: discord.Interaction,
                   code: app_commands.Range[str, 1, 32]) -> None:
        user = interaction.user
        linked = await bot.blocking(redeem_code, loyalty.store, bot.settings, code,
                                    str(user.id), user.display_name)
        member = linked.member
        log.info("discord account %s linked to %s", user.id, member.loyalty_id,
                 extra={"event": "account_linked", "user": str(user.id)})
        await interaction.response.send_message(linked_text(member), ephemeral=True)
        await events.give_tier_role(user, interaction.guild, member.tier)
        if linked.replaced is not None:
            # The account that held this loyalty id before keeps no tier role of it.
            await events.take_tier_roles(interaction.guild, int(linked.replaced))

    @tree.command(name="points", description="Your loyalty points and tier")
    async def points(interaction: discord.Interaction) -> None:
        profile = await bot.blocking(loyalty.profile, str(interaction.user.id), 0)
        await interaction.response.send_message(points_text(profile), ephemeral=True)

    @tree.command(name="profile", description="Your loyalty profile: points, tier, rewards")
    async def profile(interaction: discord.Interaction) -> None:
        found = await bot.blocking(loyalty.profile, str(interaction.user.id))
        await interaction.response.send_message(profile_text(found), ephemeral=True)

    @tree.command(name="tier", description="Your tier, the tiers and what the next one needs")
    async def tier(interaction: discord.Interaction) -> None:
        def read() -> Profile | None:
            if loyalty.member(str(interaction.user.id)) is None:
                return None  # not linked: still show the tiers
            return loyalty.profile(str(interaction.user.id), 0)

        found = await bot.blocking(read)
        await interaction.response.send_message(tier_text(loyalty.config.tiers, found),
                                                ephemeral=True)

    @tree.command(name="rewards", description="The rewards you can redeem, their cost and stock")
    async def rewards(interaction: discord.Interaction) -> None:
        def read() -> tuple[list[Reward], Member | None]:
            return loyalty.rewards(), loyalty.member(str(interaction.user.id))

        catalogue, member = await bot.blocking(read)
        text = rewards_text(catalogue, member.balance if member else None)
        await interaction.response.send_message(text, ephemeral=True)

    async def complete_reward(interaction: discord.Interaction,
                              current: str) -> list[app_commands.Choice[str]]:
        return reward_choices(await bot.blocking(loyalty.rewards), current)

    @tree.command(name="redeem", description="Spend your points on a reward")
    @app_commands.describe(reward="The reward's id (see /rewards)")
    @app_commands.autocomplete(reward=complete_reward)
    async def redeem(interaction: discord.Interaction, reward: str) -> None:
        done = await bot.blocking(loyalty.redeem, str(interaction.user.id), reward.strip())
        log.info("%s redeemed %s", done.loyalty_id, done.reward_id,
                 extra={"event": "reward_redeemed", "redemption": done.id})
        await interaction.response.send_message(redeemed_text(done), ephemeral=True)

    @tree.command(name="leaderboard", description="Members with the most points earned")
    @app_commands.describe(days="Only points earned in the last this many days")
    async def leaderboard(interaction: discord.Interaction,
                          days: app_commands.Range[int, 1, 3650] | None = None) -> None:
        standings = await bot.blocking(loyalty.leaderboard, LEADERBOARD_SIZE, days)
        # Public, so nobody is pinged by a name on it.
        await interaction.response.send_message(leaderboard_text(standings, days),
                                                allowed_mentions=discord.AllowedMentions.none())


def moderator_commands(bot: CommunityBot, loyalty: Loyalty,
                       events: LoyaltyEvents) -> app_commands.Group:
    """The ``/mod`` group. Each command carries the moderator check, and the library checks
    again (its ``is_moderator`` argument)."""
    mod = app_commands.Group(name="mod", description="Moderator tools: points, events, rewards",
                             guild_only=True)
    only_moderators = moderator_only(loyalty)

    def moderator(interaction: discord.Interaction) -> tuple[str, bool]:
        return str(interaction.user.id), holds_moderator_role(loyalty, interaction.user)

    async def settle(interaction: discord.Interaction, member: discord.Member, award: Award,
                     verb: str, reason: str) -> None:
        """Tell the moderator what was done, then bring the member's tier role in step."""
        await interaction.response.send_message(
            award_text(verb, member.display_name, award, reason), ephemeral=True)
        await events.on_tier_change(member, interaction.guild, award.tier_change)

    @mod.command(name="grant", description="Give a member points (they count towards tiers)")
    @app_commands.describe(member="Who gets them", points="How many", reason="Why (they see it)")
    @only_moderators
    async def grant(interaction: discord.Interaction, member: discord.Member,
                    points: app_commands.Range[int, 1, 1_000_000],
                    reason: app_commands.Range[str, 1, 200]) -> None:
        award = await bot.blocking(loyalty.grant, *moderator(interaction), str(member.id),
                                   points, reason)
        await settle(interaction, member, award, "Gave", reason)

    @mod.command(name="revoke", description="Take back points given by mistake")
    @app_commands.describe(member="From whom", points="How many", reason="Why (they see it)")
    @only_moderators
    async def revoke(interaction: discord.Interaction, member: discord.Member,
                     points: app_commands.Range[int, 1, 1_000_000],
                     reason: app_commands.Range[str, 1, 200]) -> None:
        award = await bot.blocking(loyalty.revoke, *moderator(interaction), str(member.id),
                                   points, reason)
        await settle(interaction, member, award, "Took back from", reason)

    async def complete_event(interaction: discord.Interaction,
                             current: str) -> list[app_commands.Choice[str]]:
        return event_choices(loyalty.config.earn.events, current)

    @mod.command(name="event", description="Give a member the points of an event (once each)")
    @app_commands.describe(member="Who took part", name="The event ([community.earn] events)")
    @app_commands.autocomplete(name=complete_event)
    @only_moderators
    async def event(interaction: discord.Interaction, member: discord.Member, name: str) -> None:
        award = await bot.blocking(loyalty.award_event, *moderator(interaction), str(member.id),
                                   name.strip())
        await settle(interaction, member, award, "Gave", name.strip())

    @mod.command(name="reward-add", description="Add a reward, or restock or reprice one")
    @app_commands.describe(id="A short id members type (letters, digits, - _ .)",
                           name="What members see", cost="Points it costs",
                           stock="How many there are (leave out: no limit)",
                           description="One line about it")
    @only_moderators
    async def reward_add(interaction: discord.Interaction, id: app_commands.Range[str, 1, 50],
                         name: app_commands.Range[str, 1, 100],
                         cost: app_commands.Range[int, 1, 1_000_000],
                         stock: app_commands.Range[int, 0, 1_000_000] | None = None,
                         description: app_commands.Range[str, 0, 200] = "") -> None:
        reward = await bot.blocking(loyalty.add_reward, *moderator(interaction), id.strip(),
                                    name.strip(), cost, stock, description.strip())
        log.info("reward %s added by %s", reward.id, interaction.user.id,
                 extra={"event": "reward_added", "reward": reward.id})
        await interaction.response.send_message(
            f"Reward **{reward.name}** (`{reward.id}`): {reward.cost:,} points"
            f"{_stock(reward.stock) or ', no stock limit'}.", ephemeral=True)

    return mod


def register_loyalty(bot: CommunityBot, loyalty: Loyalty) -> LoyaltyEvents:
    """Everything loyalty on ``bot``: the member commands, the ``/mod`` group and the
    listeners for community messages (activity) and reactions (helpful answers)."""
    events = LoyaltyEvents(bot, loyalty)
    register_member_commands(bot, loyalty, events)
    bot.tree.add_command(moderator_commands(bot, loyalty, events))
    bot.add_listener(events.on_community_message)
    bot.add_listener(events.on_raw_reaction_add)
    return events

"""The Discord community bot: thin glue between Discord and the community library.

The bot listens to the configured channels (their messages enter the listening pipeline, see
``community.listen``), syncs its slash commands to ``[community] guilds``, and answers every
command error in one place: an error Earful expects (``EarfulError``, a failed check) becomes a
short reply only the user sees; anything else is logged with its traceback and the user gets a
generic apology.

Blocking work (SQLite) runs in a thread under one lock (:meth:`CommunityBot.blocking`), never
on the event loop.

Example::

    bot = build_bot(settings, store)
    bot.run(bot_token(settings), log_handler=None)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from community.errors import MissingToken
from community.listen import CommunityListener
from community.loyalty import Loyalty, Profile
from earful.config import Settings, secret
from earful.errors import EarfulError
from earful.store import Store

log = logging.getLogger(__name__)

T = TypeVar("T")

PREFIX = "!"  # prefix commands also answer to a mention of the bot
APOLOGY = "Sorry, something went wrong on our side. The team has been told; please try again later."
NO_ACCESS = "You can't use this command here."


def intents() -> discord.Intents:
    """The least the bot needs:

    - ``guilds``: the servers and their channels and threads (without it discord.py knows no
      channel, so a message's channel and thread parent are unknown, and app commands cannot
      resolve where they were used);
    - ``guild_messages``: message events in servers, which is how listened channels are read
      (DMs are not wanted: no ``dm_messages``);
    - ``message_content`` (privileged; enable it in the Developer Portal): without it messages
      that do not mention the bot arrive with empty text, and there would be nothing to score.
    """
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.message_content = True
    return wanted


def bot_token(settings: Settings) -> str:
    """The bot token from the environment variable ``[community] token_env`` names."""
    name = settings.community.token_env
    token = secret(name)
    if token is None:
        raise MissingToken(f"the Discord bot token is not set: put it in the environment "
                           f"variable {name} (see [community] token_env)")
    return token


def explain(error: BaseException) -> str | None:
    """What to tell the user about a command's error, or None for a bug (log it, apologise)."""
    # Errors raised inside a command arrive wrapped (CommandInvokeError, for prefix, hybrid
    # and slash commands alike).
    original = getattr(error, "original", None)
    if isinstance(original, BaseException):
        error = original
    if isinstance(error, EarfulError):
        return str(error)
    if isinstance(error, commands.CheckFailure | app_commands.CheckFailure):
        return str(error) or NO_ACCESS
    if isinstance(error, commands.UserInputError):  # prefix commands' bad arguments
        return str(error)
    return None


class CommunityBot(commands.Bot):
    """The bot, holding the shared settings, store, listener and the one writer's lock."""

    def __init__(self, settings: Settings, store: Store, *,
                 listener: CommunityListener | None = None) -> None:
        super().__init__(command_prefix=commands.when_mentioned_or(PREFIX), intents=intents(),
                         help_command=None)
        self.settings = settings
        self.store = store
        self.lock = listener.lock if listener is not None else asyncio.Lock()
        self.listener = listener or CommunityListener(settings, store, lock=self.lock)
        self.tree.error(self.on_app_command_error)

    async def blocking(self, func: Callable[..., T], *args: Any) -> T:
        """Run blocking store work in a thread, one at a time."""
        async with self.lock:
            return await asyncio.to_thread(func, *args)

    async def setup_hook(self) -> None:
        await sync_commands(self.tree, self.settings.community.guilds)

    async def on_ready(self) -> None:
        log.info("connected as %s to %d server(s)", self.user, len(self.guilds),
                 extra={"event": "bot_ready"})

    async def on_message(self, message: discord.Message) -> None:
        ctx = await self.get_context(message)
        if ctx.valid:  # a command, not something said to the community
            await self.invoke(ctx)
            return
        await self._listen(message)

    async def on_message_edit(self, _before: discord.Message, after: discord.Message) -> None:
        await self._listen(after)  # an edited message is stored again, and rescored

    async def _listen(self, message: discord.Message) -> None:
        try:
            await self.listener.handle(message)
        except Exception:  # one message failing to store must not stop the bot
            log.exception("message %s: not stored", message.id,
                          extra={"event": "message_failed", "message": str(message.id)})

    async def on_command_error(self, ctx: commands.Context[Any],
                               error: commands.CommandError) -> None:
        if isinstance(error, commands.CommandNotFound):
            return  # "!" starts many messages that are not meant for us
        name = ctx.command.qualified_name if ctx.command else "?"
        await ctx.send(self._reply_for(error, name), ephemeral=True)

    async def on_app_command_error(self, interaction: discord.Interaction,
                                   error: app_commands.AppCommandError) -> None:
        command = interaction.command
        text = self._reply_for(error, command.qualified_name if command else "?")
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException:  # the interaction expired: nobody to tell
            log.warning("could not answer the error of /%s", command.name if command else "?")

    def _reply_for(self, error: BaseException, command: str) -> str:
        text = explain(error)
        if text is None:
            log.error("command %s failed", command, exc_info=error,
                      extra={"event": "command_failed", "command": command})
            return APOLOGY
        return text

    async def close(self) -> None:
        await super().close()
        self.listener.close()


async def sync_commands(tree: app_commands.CommandTree[Any], guilds: list[int]) -> None:
    """Publish the slash commands to each configured server (immediately); without servers,
    globally (Discord may take up to an hour to show them)."""
    if not guilds:
        await tree.sync()
        return
    for guild_id in guilds:
        guild = discord.Object(id=guild_id)
        tree.copy_global_to(guild=guild)
        await tree.sync(guild=guild)
        log.info("slash commands synced to server %s", guild_id,
                 extra={"event": "commands_synced", "guild": guild_id})


# -- loyalty commands -----------------------------------------------------------------------------
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
    lines = [f"**{member.display_name or member.loyalty_id}** (member {member.loyalty_id})",
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


def register_loyalty_commands(tree: app_commands.CommandTree[Any], bot: CommunityBot,
                              loyalty: Loyalty) -> None:
    """``/points`` and ``/profile``: a linked member's own standing, answered privately.
    An unlinked account gets the loyalty library's own "link first" error, through the one
    error handler."""

    @tree.command(name="points", description="Your loyalty points and tier")
    async def points(interaction: discord.Interaction) -> None:
        profile = await bot.blocking(loyalty.profile, str(interaction.user.id), 0)
        await interaction.response.send_message(points_text(profile), ephemeral=True)

    @tree.command(name="profile", description="Your loyalty profile: points, tier, rewards")
    async def profile(interaction: discord.Interaction) -> None:
        found = await bot.blocking(loyalty.profile, str(interaction.user.id))
        await interaction.response.send_message(profile_text(found), ephemeral=True)


def build_bot(settings: Settings, store: Store) -> CommunityBot:
    """The community bot over ``store``, with its listener and commands."""
    bot = CommunityBot(settings, store)
    register_loyalty_commands(bot.tree, bot, Loyalty(store, settings))
    return bot


def run_bot(settings: Settings, store: Store) -> None:
    """Run the bot until interrupted. The token is checked before anything starts."""
    token = bot_token(settings)
    bot = build_bot(settings, store)
    bot.run(token, log_handler=None)  # logging is set up by the caller

"""The Discord community bot: thin glue between Discord and the community library.

The bot listens to the configured channels (their messages enter the listening pipeline, see
``community.listen``), syncs its slash commands to ``[community] guilds``, and answers every
command error in one place: an error Earful expects (``EarfulError``, a failed check) becomes a
short reply only the user sees; anything else is logged with its traceback and the user gets a
generic apology. Each feature registers its commands and listeners in a module of its own
(loyalty: ``community.loyalty_commands``); ``build_bot`` wires them in. A message said to the
community (in a listened channel, not a command) is stored first, then dispatched as the
``community_message`` event for features to act on.

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
from community.loyalty import Loyalty
from community.loyalty_commands import LoyaltyEvents, register_loyalty
from community.support_bot import SupportDesk, register_support
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
      that do not mention the bot arrive with empty text, and there would be nothing to score;
    - ``guild_reactions``: reactions in servers, which is how a moderator marks an answer
      helpful (``[community.earn] helpful_emoji``); the raw event carries the reacting member
      with their roles and the message's author, so neither the members intent nor a message
      cache is needed.
    """
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.message_content = True
    wanted.guild_reactions = True
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

    support: SupportDesk | None = None  # /support, its threads and outbox (build_bot sets it)
    loyalty_events: LoyaltyEvents | None = None  # activity, reactions, tier roles (same)

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
        if self.support is not None:
            self.support.start()  # buttons of messages sent before a restart; outbox delivery
        await sync_commands(self.tree, self.settings.community.guilds)

    async def on_ready(self) -> None:
        log.info("connected as %s to %d server(s)", self.user, len(self.guilds),
                 extra={"event": "bot_ready"})

    async def on_message(self, message: discord.Message) -> None:
        ctx = await self.get_context(message)
        if ctx.valid:  # a command, not something said to the community
            await self.invoke(ctx)
            return
        if self.support is not None and await self.support.claim(message):
            return  # a support thread's message belongs to its case, never to listening
        await self._listen(message)
        if self.listener.wanted(message):
            # Said to the community: features (activity points…) listen to this event, each in
            # its own task, so none of them can fail or delay the message's storage.
            self.dispatch("community_message", message)

    async def on_message_edit(self, _before: discord.Message, after: discord.Message) -> None:
        if self.support is not None and await self.support.claim(after, edited=True):
            return
        await self._listen(after)  # an edited message is stored again, and rescored

    async def _listen(self, message: discord.Message) -> None:
        try:
            await self.listener.handle(message)
        except Exception:  # one message failing to store must not stop the bot
            log.exception("message %s: not stored", message.id,
                          extra={"event": "message_failed", "message_id": str(message.id)})

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
        if self.support is not None:
            await self.support.stop()  # while connected: a delivery in flight marks what it sent
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


def build_bot(settings: Settings, store: Store) -> CommunityBot:
    """The community bot over ``store``, with its listener and commands."""
    bot = CommunityBot(settings, store)
    bot.loyalty_events = register_loyalty(bot, Loyalty(store, settings))
    bot.support = register_support(bot)
    return bot


def run_bot(settings: Settings, store: Store) -> None:
    """Run the bot until interrupted. The token is checked before anything starts."""
    token = bot_token(settings)
    bot = build_bot(settings, store)
    bot.run(token, log_handler=None)  # logging is set up by the caller

"""The community's messages as mentions: a message in a listened channel goes through the same
pipeline as a Reddit post (match → score → store → cases), then an alerts pass pages on it.

A message names the community's brand (``[community] brand``) even when its text names none:
"I'm cancelling my membership" in Kestrel's Discord is about Kestrel (rule ``community:discord``).

Storing is blocking SQLite work: it runs in a thread (``asyncio.to_thread``), never on the bot's
event loop, and one message at a time (one writer).

This module reads discord.py's message objects by their attributes only: it does not import
discord, so it can be tested with plain stand-ins.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from earful.config import Settings
from earful.models import Author, Post, utc_iso, utcnow
from earful.store import Store
from listener.pipeline import BatchResult, Pipeline

if TYPE_CHECKING:
    import discord

    from alerts.runner import AlertRunner, PassReport
    from responders.intake import Intake

log = logging.getLogger(__name__)

SOURCE = "discord"  # the source name stored with each message (`mentions.source`)

# Discord's message types that people type (MessageType.default and .reply): joins, pins,
# boosts and thread notices are not anybody's words.
_TYPED = {0, 19}


def post_from_message(message: discord.Message) -> Post:
    """A Discord message as a post: ``discord:<message id>``, its author ``discord:<user id>``
    (how loyalty links name a Discord account), its channel as the community; a thread's
    messages keep the thread as their conversation and the channel it hangs off as community."""
    author = message.author
    channel = message.channel
    parent = getattr(channel, "parent_id", None)  # set on threads
    community = parent if parent is not None else channel.id
    reference = message.reference
    replied_to = reference.message_id if reference is not None else None
    guild = message.guild
    return Post(
        platform="discord", native_id=str(message.id), text=message.content,
        created_at=message.created_at, kind="message", url=message.jump_url,
        author=Author(platform="discord", native_id=str(author.id), handle=author.name,
                      name=author.display_name),
        thread_id=str(channel.id), parent_id=str(replied_to) if replied_to else None,
        community=str(community), edited_at=message.edited_at,
        # Only what the message says and where; never the client or its token.
        raw={"id": str(message.id), "channel_id": str(channel.id),
             "parent_channel_id": str(parent) if parent is not None else None,
             "guild_id": str(guild.id) if guild is not None else None,
             "author_id": str(author.id), "author": author.name, "content": message.content,
             "created_at": utc_iso(message.created_at), "edited_at": utc_iso(message.edited_at),
             "reference_id": str(replied_to) if replied_to else None},
    )


class CommunityListener:
    """Stores messages of the listened channels as mentions, opens cases, raises alerts.

    Example::

        listener = CommunityListener(settings, store)
        await listener.handle(message)  # None when the message is not one to listen to
    """

    def __init__(self, settings: Settings, store: Store, *,
                 clock: Callable[[], datetime] = utcnow,
                 alerts: AlertRunner | None = None, lock: asyncio.Lock | None = None) -> None:
        from alerts.runner import AlertRunner  # the listener feeds alerts, not back
        from responders.intake import attach  # …and the responders

        self.settings = settings
        self.store = store
        self.channels = frozenset(settings.community.listen_channels)
        self.pipeline = Pipeline(settings, store, workers=1)
        self.intake: Intake | None = attach(self.pipeline)
        self.alerts = alerts or AlertRunner(settings, store, clock=clock)
        # One writer: every store of this bot goes through this lock (pass it to other cogs).
        self.lock = lock or asyncio.Lock()

    def wanted(self, message: discord.Message) -> bool:
        """Whether a message is one to store: typed by a person (not a bot, this one included,
        nor a webhook) in a listened channel or a thread of one; never a DM."""
        author = message.author
        if message.guild is None or author.bot or message.webhook_id is not None:
            return False
        if getattr(message.type, "value", message.type) not in _TYPED:
            return False
        if not message.content.strip():  # an attachment alone says nothing to score
            return False
        channel = message.channel
        return (channel.id in self.channels
                or getattr(channel, "parent_id", None) in self.channels)

    async def handle(self, message: discord.Message) -> BatchResult | None:
        """Store a message (new or edited) if it is one to listen to, then run an alerts pass;
        the result of the stored batch, or None when ignored."""
        if not self.wanted(message):
            return None
        post = post_from_message(message)
        async with self.lock:
            return await asyncio.to_thread(self.store_posts, [post])

    def store_posts(self, posts: list[Post]) -> BatchResult:
        """Blocking: match, score and store, route into cases, then one alerts pass."""
        result = self.pipeline.process(posts, source=SOURCE)
        if result.stored:
            self.run_alerts()
        return result

    def run_alerts(self) -> PassReport | None:
        try:
            return self.alerts.run_pass()
        except Exception:  # paging must not lose the message; the next pass retries
            log.exception("alerts pass failed", extra={"event": "alerts_failed"})
            return None

    def close(self) -> None:
        self.pipeline.close()


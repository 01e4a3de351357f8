"""The support and survey side of the Discord bot: thin glue over ``community.support``,
``community.surveys`` and ``community.loyalty``.

- ``/support topic:`` opens a private thread in ``[community] support_channel`` (only the member
  and those who manage threads see it), which becomes a case in the responders' queue with its
  SLA. When the FAQ answers the topic, the answer is posted first with a **Get a person**
  button (the hand-off: the case gets a summary for the human). A member whose case is still
  open is sent back to their thread, and what they asked is added to it.
- A member's messages in their support thread join the case (:meth:`Support.member_message`);
  they are never also stored as listened community posts. Someone else writing there (a
  moderator) is noted on the case.
- Delivery: every ``[community] deliver_every`` (20 s) :func:`deliver_once` queues responders'
  replies (``earful case respond 12 "…"``) and survey invitations, then posts each pending
  outbox message to its thread, or to the member's direct messages for NPS, and marks it sent
  once Discord took it. Refused for good (4xx: thread deleted, no access, DMs closed): marked
  failed with Discord's reason and never tried again (a reply is noted on its case). Discord
  or the network failing (5xx, 429, connection errors): left pending, the tick stops there so
  a thread's messages keep their order, and the next tick tries again.
- Surveys carry one button per score (CSAT 1–5, CES 1–7, NPS 0–10); the buttons' custom ids
  carry the survey id (``earful:survey:<id>:<score>``), so they work after a restart. An answer
  is stored once and pays ``[community.earn] survey`` points once.

Blocking work goes through :meth:`CommunityBot.blocking`; expected errors (``EarfulError``)
become short private replies through the bot's one error handler, buttons included.

Example::

    bot = CommunityBot(settings, store)
    bot.support = register_support(bot)
    # setup_hook: bot.support.start(); close: await bot.support.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import aiohttp
import discord
from discord import app_commands
from discord.ext import tasks

from community.faq import FaqAnswer
from community.loyalty import Award, Loyalty
from community.support import OutboxMessage, Support, SupportCase, SupportError
from community.surveys import SCALES, Survey, Surveys
from earful.errors import EarfulError

if TYPE_CHECKING:
    from community.bot import CommunityBot

log = logging.getLogger(__name__)

MAX_MESSAGE = 2000  # Discord's limit on a message's text
MAX_THREAD_NAME = 100  # …and on a thread's name
# A quiet support thread stays in the member's list for a week: resolution SLAs run for days.
# (A message sent to an archived thread reopens it, so later replies still arrive.)
ARCHIVE_AFTER = 10080
STOP_WAIT = 15.0  # seconds close() waits for a delivery in flight to mark what Discord took
_TYPED = (discord.MessageType.default, discord.MessageType.reply)

NOT_SET_UP = "Support isn't set up in this server yet; please ask a moderator."
HANDOFF_LABEL = "Get a person"
HANDED_OFF = ("\n\n🙋 **Passed to our support team** with a summary of your question; a person "
              "will answer here.")


# -- texts: plain functions of plain values ------------------------------------------------------
def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def thread_name(member: str, topic: str) -> str:
    """The private thread's name: who and what, within Discord's 100 characters."""
    return _cut(f"{member} – {_one_line(topic)}", MAX_THREAD_NAME)


def _due(sla: dict[str, Any] | None) -> str:
    if not sla or not sla.get("deadline") or sla.get("clock") != "first response":
        return ""
    deadline = datetime.fromisoformat(sla["deadline"].replace("Z", "+00:00"))
    return f" by {discord.utils.format_dt(deadline, 'f')}"  # shown in the reader's time zone


def opening_text(mention: str, topic: str, opened: SupportCase) -> str:
    """The thread's first message: the question, then the FAQ's answer with the way to a
    person, or the team's promise to answer (by the SLA's first-response deadline)."""
    asked = f"{mention} asked: “{_cut(_one_line(topic), 1000)}”\n\n"
    if opened.faq is not None:
        return asked + faq_text(opened.faq, opened.case_id)
    return asked + (f"Thanks! This is your private support thread (case #{opened.case_id}). "
                    f"Our support team has your question and will answer here"
                    f"{_due(opened.sla)}. Add anything that helps, such as an order number.")


def faq_text(faq: FaqAnswer, case_id: int) -> str:
    return (f"This may answer it ({faq.topic}): {faq.answer}\n\n"
            f"Still need help? Press **{HANDOFF_LABEL}** and our support team will take over "
            f"here (case #{case_id}); you can also just write your question below.")


def opened_text(thread: str, opened: SupportCase) -> str:
    """The member's private reply to ``/support``."""
    if opened.faq is not None:
        return (f"Your private support thread is open: {thread}. There's an answer from our "
                f"FAQ waiting there; if it doesn't help, press **{HANDOFF_LABEL}**.")
    return f"Your private support thread is open: {thread}. Our team will answer you there."


def already_open_text(thread: str) -> str:
    return (f"You already have a support thread open: {thread}. I've added what you asked "
            f"there; our team will answer you in that thread.")


def answered_text(question: str, survey: Survey, award: Award | None) -> str:
    """The survey message once answered: the question, the answer, the points it paid."""
    low, high = SCALES[survey.kind]
    text = f"{question}\n\n✅ Thanks! You answered **{survey.score}** ({low}–{high})."
    if award is not None and award.points:
        text += f" +{award.points} loyalty points."
    return _cut(text, MAX_MESSAGE)


def message_text(message: discord.Message) -> str:
    """What a member wrote, with their attachments named (a photo of a broken zip is part of
    the question even without words)."""
    names = [f"[attachment: {a.filename}]" for a in getattr(message, "attachments", ())]
    return "\n".join(part for part in (message.content.strip(), " ".join(names)) if part)


def chunks(text: str, size: int = MAX_MESSAGE) -> list[str]:
    """``text`` in messages of at most ``size`` characters, split at a line or a space when
    there is one (a responder's long answer arrives whole, in order)."""
    parts = []
    while len(text) > size:
        cut = max(text.rfind("\n", 0, size), text.rfind(" ", 0, size))
        cut = cut if cut > size // 2 else size
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*parts, text] if text or not parts else parts


def said_by_a_person(message: discord.Message) -> bool:
    """Typed by a person (not a bot, this one included, nor a webhook) in a server."""
    return (message.guild is not None and not message.author.bot
            and message.webhook_id is None and message.type in _TYPED
            and bool(message_text(message)))


# -- buttons: custom ids carry their state, so they outlive the bot's process -----------------
class SurveyButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=r"earful:survey:(?P<survey>[0-9]+):(?P<score>[0-9]+)"):
    """One score of a survey: ``earful:survey:<survey id>:<score>``."""

    def __init__(self, survey_id: int, score: int) -> None:
        super().__init__(discord.ui.Button(label=str(score), style=discord.ButtonStyle.secondary,
                                           custom_id=f"earful:survey:{survey_id}:{score}"))
        self.survey_id = survey_id
        self.score = score

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: Any, /) -> SurveyButton:
        return cls(int(match["survey"]), int(match["score"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        desk = desk_of(interaction)
        await desk.guarded(interaction, desk.answer_survey(interaction, self.survey_id,
                                                           self.score))


class HandoffButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                    template=r"earful:support:handoff"):
    """**Get a person** under an FAQ answer; the thread it is in says which case."""

    def __init__(self) -> None:
        super().__init__(discord.ui.Button(label=HANDOFF_LABEL, emoji="🙋",
                                           style=discord.ButtonStyle.primary,
                                           custom_id="earful:support:handoff"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: Any, /) -> HandoffButton:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        desk = desk_of(interaction)
        await desk.guarded(interaction, desk.handoff(interaction))


def survey_view(survey: Survey) -> discord.ui.View:
    """One button per score of the survey's scale (Discord lays them out five to a row)."""
    view = discord.ui.View(timeout=None)
    low, high = SCALES[survey.kind]
    for score in range(low, high + 1):
        view.add_item(SurveyButton(survey.id, score))
    return view


def handoff_view() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(HandoffButton())
    return view


def desk_of(interaction: discord.Interaction) -> SupportDesk:
    desk = getattr(interaction.client, "support", None)
    if desk is None:
        raise SupportError("support is not running on this bot")
    return desk


def record_answer(surveys: Surveys, loyalty: Loyalty, survey_id: int, score: int,
                  discord_user_id: str) -> tuple[Survey, Award | None]:
    """Blocking: the member's answer (once, theirs only), then the survey's points (once; None
    when the account is not linked to a loyalty member)."""
    survey = surveys.answer(survey_id, score, by=discord_user_id)
    return survey, loyalty.award_survey(discord_user_id, survey.id)


# -- delivery -------------------------------------------------------------------------------------
class Sender(Protocol):
    """Posts one outbox message; raises ``discord.HTTPException`` when Discord says no."""

    async def send(self, message: OutboxMessage, survey: Survey | None) -> None: ...


Blocking = Callable[..., Awaitable[Any]]


async def _direct(func: Callable[..., Any], *args: Any) -> Any:
    return func(*args)


@dataclass(slots=True)
class Delivery:
    """What one delivery tick did."""

    queued: int = 0  # replies and survey invitations newly queued
    sent: list[int] = field(default_factory=list)  # outbox ids Discord took
    failed: list[int] = field(default_factory=list)  # refused for good: never tried again
    waiting: int = 0  # left pending after a passing failure, for the next tick


def passing(error: discord.HTTPException) -> bool:
    """Whether Discord may take the message later: its own trouble (5xx) or a rate limit."""
    return error.status >= 500 or error.status == 429


def refusal(error: discord.HTTPException) -> str:
    return f"{error.status} {error.text or type(error).__name__}"


async def deliver_once(sender: Sender, support: Support, *, blocking: Blocking | None = None,
                       now: datetime | None = None, limit: int = 50) -> Delivery:
    """One delivery tick: queue what is owed (responders' replies, CSAT/CES of resolved cases,
    due NPS), then send up to ``limit`` pending outbox messages, oldest first, marking each
    sent once ``sender`` returns. ``blocking`` runs the store work (the bot's one-writer
    thread; called directly when None).

    Example::

        report = await deliver_once(DiscordSender(bot), support, blocking=bot.blocking)
        report.sent, report.failed
    """
    run = blocking or _direct
    report = Delivery()
    report.queued = (len(await run(support.relay))
                     + len(await run(support.surveys.due_nps, now)))
    pending: list[OutboxMessage] = await run(support.pending_outbox, limit)
    for index, message in enumerate(pending):
        try:
            survey = (await run(support.surveys.get, int(message.ref))
                      if message.kind == "survey" and message.ref else None)
        except EarfulError as error:  # the survey row is gone: there is nothing to ask
            await run(support.mark_failed, message.id, str(error))
            report.failed.append(message.id)
            continue
        try:
            await sender.send(message, survey)
        except discord.HTTPException as error:
            if passing(error):
                report.waiting = len(pending) - index
                log.warning("outbox %s: Discord said %s; trying again next time", message.id,
                            refusal(error), extra={"event": "outbox_retry",
                                                   "outbox": message.id})
                break
            await run(support.mark_failed, message.id, refusal(error))
            report.failed.append(message.id)
            log.warning("outbox %s to %s: refused (%s); not tried again", message.id,
                        message.thread_id, refusal(error),
                        extra={"event": "outbox_failed", "outbox": message.id})
            continue
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            report.waiting = len(pending) - index
            log.warning("outbox %s: %s; trying again next time", message.id, error,
                        extra={"event": "outbox_retry", "outbox": message.id})
            break
        await run(support.mark_sent, message.id)
        report.sent.append(message.id)
    return report


class DiscordSender:
    """Posts outbox messages with the bot: to a thread (fetched if not cached, e.g. archived),
    or to a member's direct messages; survey invitations carry their score buttons. Nobody is
    pinged by what a responder wrote (no @everyone, no role mentions)."""

    def __init__(self, bot: discord.Client) -> None:
        self.bot = bot

    async def send(self, message: OutboxMessage, survey: Survey | None) -> None:
        target = await self._target(message)
        parts = chunks(message.text)
        for number, part in enumerate(parts, 1):
            extra: dict[str, Any] = {}
            if number == len(parts) and survey is not None and survey.answered_at is None:
                extra["view"] = survey_view(survey)
            await target.send(part, allowed_mentions=discord.AllowedMentions.none(), **extra)

    async def _target(self, message: OutboxMessage) -> Any:
        if message.dm_user_id is not None:
            user_id = int(message.dm_user_id)
            return self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
        channel_id = int(message.thread_id)
        return self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)


# -- the desk: commands, thread messages, buttons, the delivery loop -----------------------------
class SupportDesk:
    """Support on the bot. Built by :func:`register_support`; ``start`` in ``setup_hook``,
    ``stop`` in ``close``."""

    def __init__(self, bot: CommunityBot, support: Support, loyalty: Loyalty,
                 sender: Sender | None = None) -> None:
        self.bot = bot
        self.support = support
        self.surveys = support.surveys
        self.loyalty = loyalty
        self.config = bot.settings.community
        self.sender = sender or DiscordSender(bot)
        self._threads: dict[str, str] | None = None  # support thread → its member (a cache)
        self._ticking = asyncio.Lock()
        self.delivery = tasks.loop(seconds=self.config.deliver_every)(self.deliver)
        self.delivery.before_loop(bot.wait_until_ready)

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> None:
        """Listen to the survey and hand-off buttons of every message ever sent (their ids
        carry their state), and start delivering."""
        self.bot.add_dynamic_items(SurveyButton, HandoffButton)
        if not self.delivery.is_running():
            self.delivery.start()

    async def stop(self) -> None:
        """Stop delivering; a tick in flight finishes first (up to ``STOP_WAIT`` seconds), so
        what Discord took is marked sent and not sent again after a restart."""
        self.delivery.stop()
        try:
            await asyncio.wait_for(self._ticking.acquire(), STOP_WAIT)
        except TimeoutError:
            log.warning("a delivery was still running at shutdown")
        else:
            self._ticking.release()
        self.delivery.cancel()  # rather than sleeping out the interval

    async def deliver(self) -> Delivery | None:
        """One tick of the loop; any failure is logged and the next tick tries again."""
        async with self._ticking:
            try:
                report = await deliver_once(self.sender, self.support,
                                            blocking=self.bot.blocking)
            except Exception:
                log.exception("delivering the support outbox failed",
                              extra={"event": "outbox_tick_failed"})
                return None
        if report.sent or report.failed:
            log.info("support outbox: %d sent, %d refused, %d waiting", len(report.sent),
                     len(report.failed), report.waiting, extra={"event": "outbox_delivered"})
        return report

    # -- /support -------------------------------------------------------------------------------
    async def open_support(self, interaction: discord.Interaction, topic: str) -> None:
        """``/support topic:`` (see the module's description)."""
        topic = topic.strip()
        if not topic:
            raise SupportError("Tell us what you need help with.")
        if self.config.support_channel is None:
            log.warning("/support used, but [community] support_channel is not set")
            raise SupportError(NOT_SET_UP)
        # Opening a thread and a case takes longer than the 3 seconds Discord waits.
        await interaction.response.defer(ephemeral=True, thinking=True)
        user = interaction.user
        existing = await self.bot.blocking(self.support.open_thread, str(user.id))
        thread = await self._channel(int(existing)) if existing is not None else None
        if thread is not None and await self._rejoin(interaction, thread, topic):
            return
        parent = await self._channel(self.config.support_channel)
        if parent is None or not hasattr(parent, "create_thread"):
            log.warning("[community] support_channel %s is not a text channel the bot can see",
                        self.config.support_channel)
            raise SupportError(NOT_SET_UP)
        thread = await parent.create_thread(
            name=thread_name(user.display_name, topic), type=discord.ChannelType.private_thread,
            invitable=False, auto_archive_duration=ARCHIVE_AFTER, reason=f"/support by {user}")
        try:
            await thread.add_user(user)
            opened = await self.bot.blocking(
                self.support.open, str(user.id), user.name, str(thread.id), str(parent.id),
                str(interaction.id), topic)
        except BaseException:
            # No case without its thread, nor an empty thread without a case.
            with contextlib.suppress(discord.HTTPException):
                await thread.delete()
            raise
        (await self._known())[str(thread.id)] = str(user.id)
        extra: dict[str, Any] = {"view": handoff_view()} if opened.faq is not None else {}
        # The member is pinged; whatever their topic says (@everyone, a role) is not.
        await thread.send(opening_text(user.mention, topic, opened),
                          allowed_mentions=discord.AllowedMentions(everyone=False, roles=False,
                                                                   users=[user]), **extra)
        await interaction.followup.send(opened_text(thread.mention, opened), ephemeral=True)

    async def _rejoin(self, interaction: discord.Interaction, thread: Any, topic: str) -> bool:
        """Send the member back to their open thread with what they asked added to it; False
        when the thread cannot take it (locked, or gone), for a new one to carry the case on."""
        user = interaction.user
        try:
            # Sending first: it reopens an archived thread, which a member cannot be added to.
            await thread.send(f"{user.mention} added: “{_cut(_one_line(topic), 1500)}”",
                              allowed_mentions=discord.AllowedMentions.none())
            await thread.add_user(user)  # in case they left it
        except (discord.Forbidden, discord.NotFound):
            return False
        # The /support interaction stands for the member's message (it has its own id).
        await self.bot.blocking(self.support.member_message, str(thread.id),
                                str(interaction.id), topic)
        await interaction.followup.send(already_open_text(thread.mention), ephemeral=True)
        return True

    async def handoff(self, interaction: discord.Interaction) -> None:
        """The **Get a person** button: the case gets a hand-off summary; the button goes."""
        await interaction.response.defer()
        await self.bot.blocking(self.support.handoff, str(interaction.channel_id))
        content = interaction.message.content if interaction.message is not None else ""
        await interaction.edit_original_response(content=_cut(content + HANDED_OFF, MAX_MESSAGE),
                                                 view=None)

    async def answer_survey(self, interaction: discord.Interaction, survey_id: int,
                            score: int) -> None:
        """A score button: stored once, points once; the question then shows the answer."""
        await interaction.response.defer()
        survey, award = await self.bot.blocking(record_answer, self.surveys, self.loyalty,
                                                survey_id, score, str(interaction.user.id))
        question = interaction.message.content if interaction.message is not None else ""
        await interaction.edit_original_response(content=answered_text(question, survey, award),
                                                 view=None)
        if award is not None and award.tier_change is not None:
            await self.tier_changed(interaction, award)

    async def tier_changed(self, interaction: discord.Interaction, award: Award) -> None:
        """Survey points moved the member to another tier: bring their tier role in step, in
        the server the button was pressed in, or (an NPS asked by direct message) in each of
        the bot's servers the member is in."""
        events = getattr(self.bot, "loyalty_events", None)
        if events is None:
            return
        if interaction.guild is not None:
            await events.on_tier_change(interaction.user, interaction.guild, award.tier_change)
            return
        for guild in self.bot.guilds:
            try:
                member = await guild.fetch_member(interaction.user.id)
            except (discord.NotFound, discord.Forbidden):
                continue
            await events.on_tier_change(member, guild, award.tier_change)

    async def guarded(self, interaction: discord.Interaction,
                      work: Coroutine[Any, Any, None]) -> None:
        """Run a button's work; its errors go to the bot's one error handler (as a command's
        would), not to discord.py's log of ignored exceptions."""
        try:
            await work
        except Exception as error:
            await self.bot.on_app_command_error(interaction, error)  # type: ignore[arg-type]

    # -- messages in support threads ------------------------------------------------------------
    async def claim(self, message: discord.Message, *, edited: bool = False) -> bool:
        """Whether ``message`` belongs to support rather than to community listening: a
        message in a /support thread (a member's joins the case, anyone else's is noted on
        it; edits change nothing), or in any other thread of the support channel (private by
        intent, never listened)."""
        channel = message.channel
        parent = getattr(channel, "parent_id", None)
        if parent is None:  # support threads are threads
            return False
        member = (await self._known()).get(str(channel.id))
        if member is None:
            return parent == self.config.support_channel
        if edited or not said_by_a_person(message):
            return True
        try:
            if str(message.author.id) == member:
                await self.bot.blocking(self.support.member_message, str(channel.id),
                                        str(message.id), message_text(message),
                                        message.created_at)
            else:
                await self.bot.blocking(self.support.staff_message, str(channel.id),
                                        message.author.name, message_text(message))
        except Exception:  # one message failing must not stop the bot
            log.exception("support message %s: not added to its case", message.id,
                          extra={"event": "support_message_failed",
                                 "message_id": str(message.id)})
        return True

    async def _known(self) -> dict[str, str]:
        if self._threads is None:
            self._threads = await self.bot.blocking(self.support.threads)
        return self._threads

    async def _channel(self, channel_id: int) -> Any:
        """A channel or thread by id (archived threads are not cached: fetched), or None when
        it is gone or hidden from the bot."""
        found = self.bot.get_channel(channel_id)
        if found is not None:
            return found
        try:
            return await self.bot.fetch_channel(channel_id)
        except (discord.NotFound, discord.Forbidden):
            return None


def register_support(bot: CommunityBot, support: Support | None = None,
                     loyalty: Loyalty | None = None) -> SupportDesk:
    """``/support`` on ``bot``, and the desk that routes support-thread messages, answers the
    buttons and runs the delivery loop. Store the desk as ``bot.support``."""
    if support is None:
        # The listener's scorer: its models are loaded once per bot.
        support = Support(bot.store, bot.settings, scorer=bot.listener.pipeline.scorer)
    desk = SupportDesk(bot, support, loyalty or Loyalty(bot.store, bot.settings))

    @bot.tree.command(name="support", description="Ask our support team for help, privately")
    @app_commands.describe(topic="What do you need help with? It starts your private thread.")
    @app_commands.guild_only()
    async def support_command(interaction: discord.Interaction,
                              topic: app_commands.Range[str, 1, 1000]) -> None:
        await desk.open_support(interaction, topic)

    return desk

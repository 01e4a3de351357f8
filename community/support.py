"""Support in Discord: ``/support`` opens a private thread and a case; the member's messages
join the case, responders' answers are relayed back into the thread through the outbox, and a
resolved case asks the member how it went.

The bot calls these with plain ids and text (no Discord objects) and delivers
:meth:`Support.pending_outbox`, marking each message with :meth:`Support.mark_sent` once
Discord accepted it: what is queued survives a restart of the bot and is sent once. A message
Discord will never take (its thread deleted, the member's direct messages closed) is marked
with :meth:`Support.mark_failed` and not tried again; a reply that failed so is noted on its
case, for the responder to reach the member another way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from community.faq import FaqAnswer, answer, handoff_summary
from community.surveys import DM, Surveys
from earful.config import Settings
from earful.errors import EarfulError
from earful.models import Author, BrandMatch, Post, utc_iso, utcnow
from earful.store import Scored, Store
from listener.scoring import Scorer
from responders.cases import SYSTEM, Cases, Change
from responders.queue import SlaClocks
from responders.routing import Candidate, Decision

RULE = "discord-support"  # the rule name support cases carry (cases.rule)


class SupportError(EarfulError):
    """A support request that cannot be handled (unknown thread or outbox message)."""


@dataclass(slots=True)
class SupportCase:
    """What ``/support`` did: the case (``action`` opened, or joined/reopened when the member
    already had one open), its SLA clock, and the FAQ answer for the bot to post first."""

    case_id: int
    action: str
    thread_id: str
    mention_id: str
    team: str | None
    priority: str
    sla: dict[str, Any] | None
    faq: FaqAnswer | None


@dataclass(slots=True)
class OutboxMessage:
    """A message for the bot to post in a thread, or in a member's direct messages when
    ``thread_id`` is ``dm:<user id>`` (``kind`` reply, survey or notice)."""

    id: int
    thread_id: str
    text: str
    kind: str
    ref: str | None
    created_at: str
    sent_at: str | None = None
    failed_at: str | None = None
    error: str | None = None

    @property
    def dm_user_id(self) -> str | None:
        """The member to write to directly, or None for a thread."""
        return self.thread_id[len(DM):] if self.thread_id.startswith(DM) else None


_OUTBOX = "id, thread_id, text, kind, ref, created_at, sent_at, failed_at, error"


class Support:
    """The support flow of the community bot.

    Example::

        support = Support(store, settings)
        opened = support.open("4242", "sam", "9001", "1200", "777", "Where is my order?", now)
        opened.faq.answer          # posted first by the bot; the case is open either way
        support.member_message("9001", "778", "It still says 'label created'", now)
        support.relay()            # responders' answers and surveys, queued for the thread
        for message in support.pending_outbox():
            ...                    # post it, then
            support.mark_sent(message.id)
    """

    def __init__(self, store: Store, settings: Settings,
                 clock: Callable[[], datetime] = utcnow, scorer: Scorer | None = None) -> None:
        self.store = store
        self.settings = settings
        self.config = settings.community
        self.clock = clock
        self.cases = Cases(store, settings, clock)
        self.surveys = Surveys(store, settings, clock)
        self._scorer = scorer

    @property
    def scorer(self) -> Scorer:
        if self._scorer is None:  # loads models: only when a message is first stored
            self._scorer = Scorer(self.settings)
        return self._scorer

    # -- the member ---------------------------------------------------------------------------
    def open(self, discord_user_id: str, display_name: str, thread_id: str, channel_id: str,
             first_message_id: str, text: str, at: datetime | None = None) -> SupportCase:
        """Store the member's first message, open a case for it in ``community.support_team``
        (else routing's default team) at ``community.support_priority``, record the thread,
        and note on the case either the FAQ answer (returned, for the bot to post first) or a
        handoff summary for the human. Safe to repeat: a known thread returns its case."""
        at = at or self.clock()
        known = self._thread(thread_id, required=False)
        if known is not None:
            return self._result(self.cases.get(known["case_id"]), "already", thread_id,
                                f"discord:{first_message_id}", at, answer(text, self.config.faq))
        item = self._store_message(discord_user_id, display_name, thread_id, channel_id,
                                   first_message_id, text, at)
        decision = Decision(self.config.support_team or self.settings.routing.default_team,
                            None, self.config.support_priority, RULE,
                            [f"/support in Discord channel {channel_id}"])
        candidate = Candidate.of(item)
        change = self.cases.take(candidate, decision, at)
        assert change is not None  # a decision always opens (or joins) a case
        with self.store.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO support_threads (thread_id, case_id, channel_id, "
                         "discord_user_id, opened_at) VALUES (?, ?, ?, ?, ?)",
                         [thread_id, change.case_id, channel_id, discord_user_id, utc_iso(at)])
        found = answer(text, self.config.faq)
        if found is not None:
            self.cases.note(change.case_id, SYSTEM,
                            f"FAQ answered in Discord ({found.topic}): {found.answer}")
        else:
            self.cases.note(change.case_id, SYSTEM, handoff_summary(
                [text], self.config.faq, language=item.score.language if item.score else None))
        return self._result(self.cases.get(change.case_id), change.action, thread_id,
                            item.post.id, at, found)

    def handoff(self, thread_id: str, message_id: str | None = None, text: str | None = None,
                at: datetime | None = None) -> int:
        """The member says the FAQ answer did not help: their message (if any) joins the case,
        and the case gets a handoff summary for the human. Returns the case id."""
        at = at or self.clock()
        thread = self._thread(thread_id)
        if message_id is not None and text:
            self.member_message(thread_id, message_id, text, at)
        mentions = self.store.conn.execute(
            "SELECT m.text, s.language FROM case_mentions c JOIN mentions m ON m.id = c.mention_id "
            "LEFT JOIN scores s ON s.mention_id = m.id WHERE c.case_id = ? AND m.thread_id = ? "
            "ORDER BY m.created_at, m.id", [thread["case_id"], thread_id]).fetchall()
        texts = [t for t, _ in mentions]
        given = answer(texts[0], self.config.faq) if texts else None
        summary = handoff_summary(texts, self.config.faq, answered=given,
                                  language=mentions[0][1] if mentions else None,
                                  reason="the member says the FAQ answer did not help"
                                  if given else None)
        self.cases.note(thread["case_id"], SYSTEM, summary)
        return int(thread["case_id"])

    def member_message(self, thread_id: str, message_id: str, text: str,
                       at: datetime | None = None) -> Change:
        """A member's message in their support thread: stored, and joined to the thread's case
        (its last post moves; a case waiting on the member, or resolved, is theirs again)."""
        at = at or self.clock()
        thread = self._thread(thread_id)
        case = self.cases.get(thread["case_id"])
        item = self._store_message(thread["discord_user_id"], case["author_handle"], thread_id,
                                   thread["channel_id"], message_id, text, at)
        change = self.cases.take(Candidate.of(item), None, at)
        if change is None or change.case_id != thread["case_id"]:
            # The member's latest case is another one: keep this thread's message on its case.
            self.cases.note(thread["case_id"], SYSTEM, f"Member wrote in the thread: {text}")
            return Change(thread["case_id"], "noted")
        return change

    # -- relaying -----------------------------------------------------------------------------
    def relay(self) -> list[OutboxMessage]:
        """Queue what support threads are owed: responders' answers, then the surveys of
        resolved cases. Returns the messages queued now (none on a repeat)."""
        return self.relay_replies() + self.queue_surveys()

    def relay_replies(self) -> list[OutboxMessage]:
        """Each response with a text recorded on a case since its support thread opened becomes
        a reply in the thread (its newest, if several), once (``ref`` is the case event id)."""
        when = utc_iso(self.clock()) or ""
        queued = []
        with self.store.transaction() as conn:
            rows = conn.execute(
                """SELECT e.id, e.detail,
                          (SELECT t.thread_id FROM support_threads t WHERE t.case_id = e.case_id
                           ORDER BY t.opened_at DESC, t.thread_id DESC LIMIT 1)
                   FROM case_events e
                   WHERE e.action = 'responded' AND e.detail IS NOT NULL
                     AND e.at >= (SELECT min(t.opened_at) FROM support_threads t
                                  WHERE t.case_id = e.case_id)
                     AND NOT EXISTS (SELECT 1 FROM discord_outbox o
                                     WHERE o.kind = 'reply' AND o.ref = CAST(e.id AS TEXT))
                   ORDER BY e.id""").fetchall()
            for event_id, detail, thread_id in rows:
                text = (orjson.loads(detail) or {}).get("text")
                if not text:
                    continue
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO discord_outbox (thread_id, text, kind, ref, created_at)"
                    " VALUES (?, ?, 'reply', ?, ?)", [thread_id, text, str(event_id), when])
                if cursor.rowcount:
                    queued.append(OutboxMessage(int(cursor.lastrowid or 0), thread_id, text,
                                                "reply", str(event_id), when))
        return queued

    def queue_surveys(self) -> list[OutboxMessage]:
        """For each resolved support case: a CSAT invitation if ``surveys.csat_after_resolve``,
        and a CES one too if ``surveys.ces_after_support`` (each once per case)."""
        config = self.config.surveys
        kinds = [kind for kind, wanted in (("csat", config.csat_after_resolve),
                                           ("ces", config.ces_after_support)) if wanted]
        if not kinds:
            return []
        marks = ", ".join("?" * len(kinds))
        cases = [case_id for (case_id,) in self.store.conn.execute(
            f"""SELECT c.id FROM cases c WHERE c.status = 'resolved'
                AND EXISTS (SELECT 1 FROM support_threads t WHERE t.case_id = c.id)
                AND (SELECT count(DISTINCT kind) FROM surveys s WHERE s.case_id = c.id
                     AND s.kind IN ({marks})) < ?
                ORDER BY c.resolved_at, c.id""", [*kinds, len(kinds)])]
        surveys = []
        for case_id in cases:
            for kind in kinds:
                surveys.append(self.surveys.invite_csat(case_id) if kind == "csat"
                               else self.surveys.invite_ces(case_id))
        return [m for m in self._outbox("kind = 'survey' AND ref IN "
                                        f"({', '.join('?' * len(surveys))})",
                                        [str(s.id) for s in surveys])] if surveys else []

    def pending_outbox(self, limit: int = 50) -> list[OutboxMessage]:
        """Messages not yet sent (nor given up on), oldest first."""
        return self._outbox("sent_at IS NULL AND failed_at IS NULL", [], limit)

    def mark_sent(self, outbox_id: int) -> None:
        """Discord accepted the message (the first time counts; a repeat changes nothing)."""
        with self.store.transaction() as conn:
            changed = conn.execute("UPDATE discord_outbox SET sent_at = coalesce(sent_at, ?) "
                                   "WHERE id = ?", [utc_iso(self.clock()), outbox_id]).rowcount
        if not changed:
            raise SupportError(f"no outbox message {outbox_id}")

    def mark_failed(self, outbox_id: int, reason: str) -> OutboxMessage:
        """Discord refused the message for good (``reason``: what it said): it leaves the
        pending outbox and is kept with the reason. A reply that failed is noted on its case,
        since the member never got it. A message sent already stays sent."""
        when = utc_iso(self.clock())
        with self.store.transaction() as conn:
            changed = conn.execute("UPDATE discord_outbox SET failed_at = ?, error = ? "
                                   "WHERE id = ? AND sent_at IS NULL AND failed_at IS NULL",
                                   [when, reason, outbox_id]).rowcount
        found = self._outbox("id = ?", [outbox_id])
        if not found:
            raise SupportError(f"no outbox message {outbox_id}")
        message = found[0]
        thread = self._thread(message.thread_id, required=False)
        if changed and message.kind == "reply" and thread is not None:
            self.cases.note(thread["case_id"], SYSTEM,
                            f"Not delivered to the member's Discord thread ({reason}): "
                            f"“{message.text}”. Reach them another way.")
        return message

    # -- threads ------------------------------------------------------------------------------
    def thread(self, thread_id: str) -> dict[str, Any] | None:
        """A support thread (``thread_id``, ``case_id``, ``channel_id``, ``discord_user_id``,
        ``opened_at``), or None if no /support opened it."""
        return self._thread(str(thread_id), required=False)

    def threads(self) -> dict[str, str]:
        """Every support thread's id and its member's Discord user id."""
        return dict(self.store.conn.execute(
            "SELECT thread_id, discord_user_id FROM support_threads").fetchall())

    def open_thread(self, discord_user_id: str) -> str | None:
        """The member's latest support thread whose case is not resolved, if any: the place to
        send them back to rather than opening another."""
        row = self.store.conn.execute(
            "SELECT t.thread_id FROM support_threads t JOIN cases c ON c.id = t.case_id "
            "WHERE t.discord_user_id = ? AND c.status != 'resolved' "
            "ORDER BY t.opened_at DESC, t.thread_id DESC LIMIT 1",
            [str(discord_user_id)]).fetchone()
        return row[0] if row else None

    def staff_message(self, thread_id: str, author: str, text: str) -> int:
        """Someone other than the member (a moderator who can see the private thread) wrote in
        it: noted on the case, not stored as the member's words. Returns the case id."""
        thread = self._thread(thread_id)
        self.cases.note(thread["case_id"], author, f"Wrote in the Discord thread: {text}")
        return int(thread["case_id"])

    # -- internals ----------------------------------------------------------------------------
    def _outbox(self, where: str, params: list[Any], limit: int = 1_000_000
                ) -> list[OutboxMessage]:
        return [OutboxMessage(*row) for row in self.store.conn.execute(
            f"SELECT {_OUTBOX} FROM discord_outbox WHERE {where} ORDER BY id LIMIT ?",
            [*params, limit])]

    def _thread(self, thread_id: str, required: bool = True) -> dict[str, Any] | None:
        row = self.store.conn.execute(
            "SELECT thread_id, case_id, channel_id, discord_user_id, opened_at "
            "FROM support_threads WHERE thread_id = ?", [thread_id]).fetchone()
        if row is None:
            if required:
                raise SupportError(f"thread {thread_id} is not a support thread (see /support)")
            return None
        return dict(zip(("thread_id", "case_id", "channel_id", "discord_user_id", "opened_at"),
                        row, strict=True))

    def _store_message(self, user_id: str, name: str | None, thread_id: str,
                       channel_id: str | None, message_id: str, text: str,
                       at: datetime) -> Scored:
        post = Post(platform="discord", native_id=str(message_id), text=text, created_at=at,
                    kind="message", author=Author(platform="discord", native_id=str(user_id),
                                                  handle=name),
                    thread_id=str(thread_id), community=channel_id,
                    raw={"id": str(message_id), "thread": str(thread_id), "support": True})
        matcher = self.scorer.matcher
        matches = matcher.match_text(text, channel_id, platform="discord", author=name)
        # A support request is about the community's brand even when it does not name it (and
        # a post naming no brand would be kept as a panel member's only).
        brand = self._brand()
        if brand is not None and all(m.brand != brand.brand for m in matches):
            matches.insert(0, brand)
        item = Scored(post, matches, self.scorer.score_post(post, matches), "discord",
                      matcher.topics(text, channel_id, platform="discord", author=name))
        self.store.save([item])
        return item

    def _brand(self) -> BrandMatch | None:
        ours = [b for b in self.settings.brands if b.role == "brand"]
        named = self.config.brand
        chosen = next((b for b in self.settings.brands if b.name == named), None) if named \
            else (ours[0] if ours else None)
        return BrandMatch(chosen.name, chosen.role, "community:support") if chosen else None

    def _result(self, case: dict[str, Any], action: str, thread_id: str, mention_id: str,
                at: datetime, found: FaqAnswer | None) -> SupportCase:
        return SupportCase(case["id"], action, thread_id, mention_id, case["team"],
                           case["priority"], SlaClocks(self.settings).state(self.store, case, at),
                           found)


"""Cases: a routed mention opens one; the same customer's later posts join it.

Lifecycle: new → assigned → responded / waiting (on the customer) → resolved, with reopen (a new
customer post, or by hand), snooze and escalate. Every change is written to ``case_events`` with
who made it and when, in the same transaction as the change itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson

from earful.config import Settings
from earful.errors import EarfulError
from earful.models import utc_iso, utcnow
from earful.store import Store, in_chunks
from responders.routing import Candidate, Decision

OPEN = ("new", "assigned", "waiting", "responded")
SYSTEM = "earful"  # the actor of automatic changes


class CaseError(EarfulError):
    """A change a case cannot take (unknown case, resolved already, claimed by someone else)."""


@dataclass(slots=True)
class Change:
    """What :meth:`Cases.take` did with a mention."""

    case_id: int
    action: str  # opened | joined | reopened | already


@dataclass(slots=True)
class Untouched:
    """Of a batch's mentions and authors, those the store has no case for: read with two
    queries for the whole batch (:meth:`Cases.untouched`), so that :meth:`Cases.take` need not
    ask twice for every post. Most authors never have a case, and most of their posts open
    none. :meth:`Cases.take` keeps it true as it opens and joins cases."""

    mentions: set[str]
    authors: set[str]


class Cases:
    """Open, join and move cases in the store.

    Example::

        cases = Cases(store, settings)
        change = cases.take(candidate, decision)  # Change(case_id=7, action='opened')
        cases.claim(7, "Lucía")                   # True; a second claimer gets False
        cases.respond(7, "Lucía")
        cases.resolve(7, "Lucía")
    """

    def __init__(self, store: Store, settings: Settings,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.join_window = timedelta(seconds=settings.routing.join_window)

    # -- from the pipeline ----------------------------------------------------------------------
    def untouched(self, candidates: Sequence[Candidate]) -> Untouched:
        """Which of these mentions are in no case, and which of their authors have none.

        Only valid until another writer opens or joins a case: read it inside the
        transaction that takes the batch's cases.
        """
        mentions = {c.mention_id for c in candidates}
        authors = {c.author_id for c in candidates if c.author_id is not None}
        conn = self.store.conn
        for chunk, marks in in_chunks(list(mentions)):
            mentions.difference_update(mention for (mention,) in conn.execute(
                f"SELECT mention_id FROM case_mentions WHERE mention_id IN ({marks})", chunk))
        for chunk, marks in in_chunks(list(authors)):
            authors.difference_update(author for (author,) in conn.execute(
                f"SELECT DISTINCT author_id FROM cases WHERE author_id IN ({marks})", chunk))
        return Untouched(mentions, authors)

    def take(self, candidate: Candidate, decision: Decision | None,
             at: datetime | None = None, untouched: Untouched | None = None) -> Change | None:
        """Add a customer's post to their case — same thread, or from ``routing.join_window``
        before it opened to as long after its last post (of several such cases, the most
        recently active) — whatever its risk ("thanks!" and "still waiting" belong to the
        case too); else open a case if routing selected it (``decision``); else nothing.

        ``untouched``, from :meth:`untouched` in the same transaction, spares the lookups
        for a post in no case by an author with none.
        """
        fresh = untouched is not None and candidate.mention_id in untouched.mentions and (
            candidate.author_id is None or candidate.author_id in untouched.authors)
        if fresh and decision is None:
            return None
        at = at or self.clock()
        when = utc_iso(at) or ""
        if untouched is not None:
            # Taken now, one way or another; and a case opened now is this author's.
            untouched.mentions.discard(candidate.mention_id)
            if decision is not None and candidate.author_id is not None:
                untouched.authors.discard(candidate.author_id)
        with self.store.transaction() as conn:
            found = None if fresh else conn.execute(
                "SELECT case_id FROM case_mentions WHERE mention_id = ?",
                [candidate.mention_id]).fetchone()
            if found:
                return Change(found[0], "already")
            previous = None
            if candidate.author_id is not None and not fresh:
                previous = self._case_for(conn, candidate, at)
            if previous is not None:
                case_id, status, assignee = previous
                reopened = status == "resolved"
                # The customer wrote again: it is our turn (a waiting clock restarts).
                target = "assigned" if assignee else "new"
                conn.execute(
                    "UPDATE cases SET status = ?, last_post_at = max(last_post_at, ?), "
                    "resolved_at = CASE WHEN ? THEN NULL ELSE resolved_at END, "
                    "updated_at = ? WHERE id = ?",
                    [target, when, reopened, when, case_id])
                self._link(conn, case_id, candidate.mention_id, when)
                action = "reopened" if reopened else "joined"
                self._event(conn, case_id, when, SYSTEM, action, status, target,
                            {"mention": candidate.mention_id})
                return Change(case_id, action)
            if decision is None:
                return None
            brand = next((b for b, role in candidate.brands if role == "brand"),
                         candidate.brands[0][0] if candidate.brands else None)
            cursor = conn.execute(
                "INSERT INTO cases (mention_id, platform, author_id, author_handle, thread_id, "
                "brand, language, team, assignee, priority, rule, reasons, status, opened_at, "
                "last_post_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [candidate.mention_id, candidate.platform, candidate.author_id, candidate.author,
                 candidate.thread_id, brand, candidate.language, decision.team,
                 decision.responder, decision.priority, decision.rule,
                 orjson.dumps(decision.reasons).decode(),
                 "assigned" if decision.responder else "new", when, when, when])
            case_id = int(cursor.lastrowid or 0)
            self._link(conn, case_id, candidate.mention_id, when)
            self._event(conn, case_id, when, SYSTEM, "opened", None,
                        "assigned" if decision.responder else "new",
                        {"mention": candidate.mention_id, "rule": decision.rule,
                         "team": decision.team, "responder": decision.responder,
                         "priority": decision.priority, "reasons": decision.reasons})
            return Change(case_id, "opened")

    def _case_for(self, conn: Any, candidate: Candidate,
                  at: datetime) -> tuple[int, str, str | None] | None:
        """The author's case this post belongs to: the most recently active of those in its
        thread or whose join window (``routing.join_window`` before the case opened to as
        long after its last post) holds it. Not only the latest case: an import or a backfill
        brings posts of a case older than the customer's latest one, and a post from long
        before a case in another thread is none of it."""
        window = self.join_window
        # The window's bounds in SQL, a second wider (stored times have whole seconds); the
        # exact check is below.
        rows = conn.execute(
            "SELECT id, status, thread_id, opened_at, last_post_at, assignee FROM cases "
            "WHERE author_id = ? AND (thread_id = ? OR (opened_at <= ? AND last_post_at >= ?)) "
            "ORDER BY last_post_at DESC",
            [candidate.author_id, candidate.thread_id,
             utc_iso(at + window + timedelta(seconds=1)),
             utc_iso(at - window - timedelta(seconds=1))])
        for case_id, status, thread, opened, last_post, assignee in rows:
            if thread == candidate.thread_id or (
                    datetime.fromisoformat(opened) - window <= at
                    <= datetime.fromisoformat(last_post) + window):
                return case_id, status, assignee
        return None

    # -- by responders --------------------------------------------------------------------------
    def claim(self, case_id: int, responder: str) -> bool:
        """Take an unassigned case. Of two responders claiming at once, exactly one wins."""
        self._responder(responder)
        when = utc_iso(self.clock()) or ""
        with self.store.transaction() as conn:
            status = self._status(conn, case_id)
            # The WHERE is the lock: the second claimer's UPDATE finds an assignee and changes
            # nothing (transactions are serialised by BEGIN IMMEDIATE).
            changed = conn.execute(
                "UPDATE cases SET assignee = ?, status = CASE status WHEN 'new' THEN 'assigned' "
                "ELSE status END, updated_at = ? WHERE id = ? AND assignee IS NULL "
                "AND status != 'resolved'", [responder, when, case_id]).rowcount
            if changed:
                self._event(conn, case_id, when, responder, "claimed", status,
                            "assigned" if status == "new" else status, None)
            return bool(changed)

    def assign(self, case_id: int, responder: str, actor: str) -> None:
        self._responder(responder)
        self._move(case_id, actor, "assigned", {"assignee": ("?", [responder])},
                   status=lambda s: "assigned" if s == "new" else s, allowed=OPEN,
                   detail={"assignee": responder})

    def note(self, case_id: int, actor: str, text: str) -> None:
        self._move(case_id, actor, "note", {}, detail={"text": text}, allowed=None)

    def respond(self, case_id: int, actor: str, text: str | None = None) -> None:
        """Record a response to the customer (first response time, response count)."""
        when = utc_iso(self.clock()) or ""
        self._move(case_id, actor, "responded",
                   {"first_response_at": ("coalesce(first_response_at, ?)", [when]),
                    "responses": ("responses + 1", [])},
                   status=lambda s: "responded", detail={"text": text} if text else None,
                   allowed=OPEN)

    def wait(self, case_id: int, actor: str) -> None:
        """Waiting on the customer: SLA clocks pause until they write again."""
        self._move(case_id, actor, "waiting", {}, status=lambda s: "waiting", allowed=OPEN)

    def resolve(self, case_id: int, actor: str) -> None:
        when = utc_iso(self.clock()) or ""
        self._move(case_id, actor, "resolved",
                   {"resolved_at": ("?", [when]),
                    # Resolved with one response and no customer post after it.
                    "first_contact_resolution": (
                        "CASE WHEN responses = 1 AND NOT EXISTS (SELECT 1 FROM case_events e "
                        "WHERE e.case_id = cases.id AND e.action IN ('joined', 'reopened') "
                        "AND e.at > first_response_at) THEN 1 ELSE 0 END", [])},
                   status=lambda s: "resolved", allowed=OPEN)

    def reopen(self, case_id: int, actor: str) -> None:
        self._move(case_id, actor, "reopened", {"resolved_at": ("NULL", [])},
                   status=lambda s: "assigned", allowed=("resolved",))

    def snooze(self, case_id: int, actor: str, until: datetime) -> None:
        self._move(case_id, actor, "snoozed", {"snoozed_until": ("?", [utc_iso(until)])},
                   allowed=OPEN, detail={"until": utc_iso(until)})

    def escalate(self, case_id: int, actor: str, team: str | None = None) -> None:
        changes: dict[str, tuple[str, list[Any]]] = {"escalated": ("1", [])}
        if team is not None:
            if team not in {t.name for t in self.settings.teams}:
                raise CaseError(f"no team named {team!r}")
            changes["team"] = ("?", [team])
        self._move(case_id, actor, "escalated", changes, allowed=OPEN,
                   detail={"team": team} if team else None)

    # -- reading --------------------------------------------------------------------------------
    def get(self, case_id: int) -> dict[str, Any]:
        row = self.store.conn.execute("SELECT * FROM cases WHERE id = ?", [case_id])
        columns = [d[0] for d in row.description]
        found = row.fetchone()
        if found is None:
            raise CaseError(f"no case {case_id}")
        case = dict(zip(columns, found, strict=True))
        case["reasons"] = orjson.loads(case["reasons"]) if case["reasons"] else []
        case["mentions"] = [m for (m,) in self.store.conn.execute(
            "SELECT mention_id FROM case_mentions WHERE case_id = ? ORDER BY added_at, mention_id",
            [case_id])]
        case["events"] = [
            {"at": at, "actor": actor, "action": action, "from": old, "to": new,
             "detail": orjson.loads(detail) if detail else None}
            for at, actor, action, old, new, detail in self.store.conn.execute(
                "SELECT at, actor, action, from_status, to_status, detail FROM case_events "
                "WHERE case_id = ? ORDER BY id", [case_id])]
        return case

    # -- internals ------------------------------------------------------------------------------
    def _responder(self, name: str) -> None:
        if name not in {r.name for r in self.settings.responders}:
            raise CaseError(f"no responder named {name!r}; responders: "
                            f"{', '.join(r.name for r in self.settings.responders)}")

    @staticmethod
    def _status(conn: Any, case_id: int) -> str:
        found = conn.execute("SELECT status FROM cases WHERE id = ?", [case_id]).fetchone()
        if found is None:
            raise CaseError(f"no case {case_id}")
        return str(found[0])

    def _move(self, case_id: int, actor: str, action: str,
              changes: dict[str, tuple[str, list[Any]]], *,
              status: Callable[[str], str] | None = None, allowed: tuple[str, ...] | None,
              detail: dict[str, Any] | None = None) -> None:
        """Change a case and record the event; ``changes`` maps columns to SQL expressions and
        their parameters."""
        when = utc_iso(self.clock()) or ""
        with self.store.transaction() as conn:
            old = self._status(conn, case_id)
            if allowed is not None and old not in allowed:
                raise CaseError(f"case {case_id} is {old}: cannot be {action}")
            new = status(old) if status else old
            sets, params = ["status = ?", "updated_at = ?"], [new, when]
            for column, (expression, values) in changes.items():
                sets.append(f"{column} = {expression}")
                params.extend(values)
            conn.execute(f"UPDATE cases SET {', '.join(sets)} WHERE id = ?", [*params, case_id])
            self._event(conn, case_id, when, actor, action, old, new, detail)

    @staticmethod
    def _link(conn: Any, case_id: int, mention_id: str, when: str) -> None:
        conn.execute("INSERT INTO case_mentions VALUES (?, ?, ?)", [case_id, mention_id, when])

    @staticmethod
    def _event(conn: Any, case_id: int, when: str, actor: str, action: str, old: str | None,
               new: str | None, detail: dict[str, Any] | None) -> None:
        conn.execute(
            "INSERT INTO case_events (case_id, at, actor, action, from_status, to_status, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [case_id, when, actor, action, old, new,
             orjson.dumps(detail).decode() if detail else None])

"""Find alert events in the store, past a cursor per kind (kept in ``checkpoints``).

Reading the store rather than hooking into the pipeline lets ``earful alerts run`` page on what
a separate ``earful listen`` stored, and a restart resume where it stopped. On the very first
run (no cursor) the scan starts at the rows of the last ``LOOKBACK``. Alerts are about now: a
case opened for a post, a deadline or a churn post older than ``LOOKBACK`` never pages (a
backfill or an import of history would otherwise page for all of it).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from alerts.events import AlertEvent
from earful.config import Settings
from earful.models import utc_iso
from earful.store import Store
from panels.membership import Memberships

LOOKBACK = timedelta(hours=24)


def _cursor(store: Store, name: str, table: str, time_column: str, now: datetime,
            id_column: str = "id") -> int:
    value = store.checkpoint(f"alerts:{name}")
    if value is not None:
        return int(value)
    # First run: start just before the rows of the last LOOKBACK.
    row = store.conn.execute(
        f"SELECT min({id_column}) - 1 FROM {table} WHERE {time_column} >= ?",
        (utc_iso(now - LOOKBACK),)).fetchone()
    if row[0] is not None:
        return int(row[0])
    return int(store.conn.execute(f"SELECT coalesce(max({id_column}), 0) FROM {table}")
               .fetchone()[0])


def _stale(now: datetime) -> str:
    return utc_iso(now - LOOKBACK) or ""


def _snippet(text: str, size: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


class Detector:
    """All event finders; :meth:`events` yields new events and advances the cursors only when
    told (:meth:`commit`), so an event is never lost between finding and raising it."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.config = settings.alerts
        self.memberships = Memberships(store, settings)
        self._pending: dict[str, int] = {}

    def events(self, now: datetime) -> list[AlertEvent]:
        found: list[AlertEvent] = []
        for finder in (self._cases, self._sla, self._churn, self._collectors):
            found.extend(finder(now))
        return found

    def commit(self) -> None:
        """The events returned so far are raised: move the cursors past them."""
        for name, value in self._pending.items():
            self.store.set_checkpoint(f"alerts:{name}", value)
        self._pending.clear()

    def _scan(self, name: str, table: str, time_column: str, now: datetime, sql: str,
              args: tuple = (), id_column: str = "id") -> Iterator[tuple]:
        start = self._pending.get(name, _cursor(self.store, name, table, time_column, now,
                                                id_column))
        last = start
        for row in self.store.conn.execute(sql, (start, *args)).fetchall():
            last = max(last, row[0])
            yield row
        self._pending[name] = last

    def _cases(self, now: datetime) -> Iterator[AlertEvent]:
        wanted = self.config.case_priorities
        marks = ", ".join("?" * len(wanted))
        for (case_id, priority, team, assignee, brand, language, author, text,
             rule) in self._scan(
                "cases", "cases", "opened_at", now,
                "SELECT c.id, c.priority, c.team, c.assignee, c.brand, c.language, "
                "c.author_handle, m.text, c.rule FROM cases c JOIN mentions m "
                f"ON m.id = c.mention_id WHERE c.id > ? AND c.opened_at >= ? "
                f"AND c.priority IN ({marks}) ORDER BY c.id", (_stale(now), *wanted)):
            where = f"team {team}" if team else f"responder {assignee}"
            yield AlertEvent(
                "case_new", f"case_new:{case_id}",
                f"New {priority} case #{case_id} for {where}: {brand or 'no brand'}",
                f"{author or 'someone'} ({language}): {_snippet(text)}\n"
                f"rule {rule or 'default queue'}", now, link=f"earful case show {case_id}",
                case_id=case_id, brand=brand, team=team, assignee=assignee,
                facts={"priority": priority, "rule": rule})

    def _sla(self, now: datetime) -> Iterator[AlertEvent]:
        for (_, case_id, clock, kind, deadline, team, assignee,
             priority) in self._scan(
                "sla_events", "sla_events", "at", now,
                "SELECT id, case_id, clock, kind, deadline, team, assignee, priority "
                "FROM sla_events WHERE id > ? AND deadline >= ? ORDER BY id", (_stale(now),)):
            breach = kind == "breached"
            what = clock.replace("_", " ")
            yield AlertEvent(
                "sla_breach" if breach else "sla_warning", f"sla:{case_id}:{clock}:{kind}",
                f"SLA {'breached' if breach else 'warning'}: {priority} case #{case_id} "
                f"{what} {'was due' if breach else 'is due'} {deadline}",
                f"team {team or '–'}, assignee {assignee or 'nobody'}", now,
                link=f"earful case show {case_id}", case_id=case_id, team=team,
                assignee=assignee, facts={"clock": clock, "deadline": deadline})

    def _churn(self, now: datetime) -> Iterator[AlertEvent]:
        rows = list(self._scan(
            "mentions", "mentions", "collected_at", now,
            "SELECT m.rowid, m.id, m.platform, m.author_handle, m.author_id, m.author_followers, "
            "m.text, s.churn_intent, s.churn_target, s.language FROM mentions m "
            "JOIN scores s ON s.mention_id = m.id WHERE m.rowid > ? AND m.created_at >= ? "
            # A panel member's post naming no brand is not a threat to leave us.
            "AND m.panel_only = 0 "
            "AND s.churn_intent >= ? AND s.opportunity = 0 ORDER BY m.rowid",
            (_stale(now), self.config.churn_min),
            id_column="rowid"))
        members = self.memberships.of_many([(r[2], r[3], r[4]) for r in rows])
        for row, member in zip(rows, members, strict=True):
            (_, mention_id, platform, handle, _, followers, text, intent, target,
             language) = row
            reach = (followers or 0) >= self.config.high_reach
            if not (reach or member.loyalty_id):
                continue
            who = (f"loyalty member {member.loyalty_id}" if member.loyalty_id
                   else f"{followers:,} followers")
            case = self.store.conn.execute(
                "SELECT case_id FROM case_mentions WHERE mention_id = ?",
                (mention_id,)).fetchone()
            yield AlertEvent(
                "churn_threat", f"churn:{mention_id}",
                f"Churn threat from {handle or 'someone'} ({who}) on {platform}"
                + (f": leaving {target}" if target else ""),
                f"({language}, intent {intent:.2f}) {_snippet(text)}", now,
                link=f"earful case show {case[0]}" if case
                else f"earful route explain {mention_id}",
                case_id=case[0] if case else None, brand=target,
                facts={"mention": mention_id, "followers": followers,
                       "loyalty_id": member.loyalty_id, "intent": intent})

    def _collectors(self, now: datetime) -> Iterator[AlertEvent]:
        jobs = {job for (_, job) in self._scan(
            "job_runs", "job_runs", "started_at", now,
            "SELECT id, job FROM job_runs WHERE id > ? ORDER BY id")}
        needed = self.config.collector_failures
        for job in sorted(jobs):
            recent = self.store.conn.execute(
                "SELECT status, error, started_at FROM job_runs WHERE job = ? "
                "ORDER BY id DESC LIMIT ?", (job, needed)).fetchall()
            if len(recent) < needed or any(status != "error" for status, _, _ in recent):
                continue
            yield AlertEvent(
                "collector_failing", f"collector:{job}",
                f"Collector {job} failed {needed} times in a row",
                f"last error: {recent[0][1] or 'unknown'} (at {recent[0][2]}); the listener "
                "keeps retrying with backoff", now,
                facts={"job": job, "error": recent[0][1]})


"""The responders' queue: open cases, most urgent first, with their SLA clocks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from earful.config import Settings
from earful.models import utc_iso
from earful.store import Store, in_chunks
from responders.calendar import DAY_NAMES, BusinessCalendar, calendar_for
from responders.cases import OPEN
from responders.sla import SlaClock


@dataclass(slots=True)
class QueueFilters:
    team: str | None = None
    assignee: str | None = None  # "-" : unassigned
    priority: str | None = None
    language: str | None = None
    status: str | None = None
    include_resolved: bool = False
    include_snoozed: bool = False


def queue(store: Store, settings: Settings, filters: QueueFilters, now: datetime,
          limit: int = 100) -> list[dict[str, Any]]:
    """Cases as the queue shows them (priority, then oldest first)."""
    clauses, params = [], []
    if filters.status:
        clauses.append("c.status = ?")
        params.append(filters.status)
    elif not filters.include_resolved:
        clauses.append(f"c.status IN ({', '.join('?' * len(OPEN))})")
        params.extend(OPEN)
    if not filters.include_snoozed:
        clauses.append("(c.snoozed_until IS NULL OR c.snoozed_until <= ?)")
        params.append(utc_iso(now))
    for column, value in (("c.team", filters.team), ("c.priority", filters.priority),
                          ("c.language", filters.language)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if filters.assignee == "-":
        clauses.append("c.assignee IS NULL")
    elif filters.assignee:
        clauses.append("c.assignee = ?")
        params.append(filters.assignee)
    sql = f"""
        SELECT c.id, c.priority, c.status, c.team, c.assignee, c.language, c.brand,
               c.author_handle, c.platform, c.opened_at, c.first_response_at, c.resolved_at,
               c.escalated, c.snoozed_until, c.rule, m.text, m.url,
               (SELECT count(*) FROM case_mentions x WHERE x.case_id = c.id) AS posts
        FROM cases c JOIN mentions m ON m.id = c.mention_id
        WHERE {' AND '.join(clauses) or '1'}
        ORDER BY c.escalated DESC, c.priority, c.opened_at
        LIMIT ?"""
    cursor = store.conn.execute(sql, [*params, limit])
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, row, strict=True)) for row in cursor]
    clocks = SlaClocks(settings)
    for row in rows:
        row["sla"] = clocks.state(store, row, now)
    return rows


class SlaClocks:
    """The SLA state of cases: the first-response clock until someone responds, then the
    resolution clock; both in the business time of the case's team (or its responder, for
    cases routed to a person), paused while waiting on the customer."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._calendars: dict[str, BusinessCalendar] = {}

    def calendar(self, team: str | None, assignee: str | None) -> BusinessCalendar:
        key = f"team:{team}" if team else f"responder:{assignee}"
        if key not in self._calendars:
            if team:
                self._calendars[key] = calendar_for(
                    next(t for t in self.settings.teams if t.name == team))
            else:
                person = next((r for r in self.settings.responders if r.name == assignee), None)
                self._calendars[key] = calendar_for(person) if person else BusinessCalendar(
                    "UTC", days=DAY_NAMES, hours=("00:00", "24:00"))
        return self._calendars[key]

    def state(self, store: Store, case: dict[str, Any], now: datetime) -> dict[str, Any] | None:
        policy = self.settings.sla.get(case["priority"])
        if policy is None or case["status"] == "resolved":
            return None
        responded = case["first_response_at"] is not None
        target = policy.resolution if responded else policy.first_response
        clock = SlaClock(self.calendar(case["team"], case["assignee"]), target, policy.warn_at)
        opened = datetime.fromisoformat(case["opened_at"])
        state = clock.state(opened, now, pauses(store, case["id"]))
        return {"clock": "resolution" if responded else "first response",
                "status": state.status, "remaining": state.remaining,
                "elapsed": state.elapsed, "fraction": state.fraction,
                "deadline": utc_iso(state.deadline)}


def pauses(store: Store, case_id: int) -> list[tuple[datetime, datetime | None]]:
    """When the case was waiting on the customer, from its audit trail."""
    return pauses_of(store, [case_id])[case_id]


def pauses_of(store: Store, case_ids: Sequence[int]
              ) -> dict[int, list[tuple[datetime, datetime | None]]]:
    """:func:`pauses` of many cases, in one query per chunk of ids."""
    found: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for chunk, marks in in_chunks(list(case_ids)):
        events: dict[int, list[tuple[str, str | None]]] = {case_id: [] for case_id in chunk}
        for case_id, at, to_status in store.conn.execute(
                f"SELECT case_id, at, to_status FROM case_events WHERE case_id IN ({marks}) "
                "ORDER BY case_id, id", chunk):
            events[case_id].append((at, to_status))
        for case_id, trail in events.items():
            spans: list[tuple[datetime, datetime | None]] = []
            since: datetime | None = None
            for at, to_status in trail:
                moment = datetime.fromisoformat(at)
                if to_status == "waiting" and since is None:
                    since = moment
                elif to_status != "waiting" and since is not None:
                    spans.append((since, moment))
                    since = None
            if since is not None:
                spans.append((since, None))
            found[case_id] = spans
    return found


def record_sla_events(store: Store, settings: Settings, now: datetime) -> list[dict[str, Any]]:
    """Write a warning or breach event for every open case whose clock has crossed one (each
    once per case and clock), and return the new ones, for alerts to deliver."""
    rows = queue(store, settings, QueueFilters(include_snoozed=True), now, limit=1_000_000)
    new = []
    with store.transaction() as conn:
        for row in rows:
            sla = row["sla"]
            if sla is None or sla["status"] not in ("warning", "breached"):
                continue
            clock = sla["clock"].replace(" ", "_")
            kinds = ["warning", "breached"] if sla["status"] == "breached" else ["warning"]
            for kind in kinds:
                inserted = conn.execute(
                    "INSERT OR IGNORE INTO sla_events (case_id, clock, kind, at, deadline, team, "
                    "assignee, priority) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [row["id"], clock, kind, utc_iso(now), sla["deadline"], row["team"],
                     row["assignee"], row["priority"]]).rowcount
                if inserted:
                    new.append({"case_id": row["id"], "clock": clock, "kind": kind,
                                "deadline": sla["deadline"], "team": row["team"],
                                "assignee": row["assignee"], "priority": row["priority"]})
    return new

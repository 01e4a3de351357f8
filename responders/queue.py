"""The responders' queue: open cases, most urgent first, with their SLA clocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from earful.config import Settings
from earful.models import utc_iso
from earful.store import Store
from responders.cases import OPEN


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
    return [dict(zip(columns, row, strict=True)) for row in cursor]

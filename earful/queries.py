"""Reading the store: one set of filters shared by ``earful mentions`` and the reports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson

from earful.models import utc_iso, utcnow
from earful.store import Store

_RELATIVE = re.compile(r"^(\d+)\s*([hdw])$")


def parse_span(value: str) -> timedelta | None:
    """``36h``, ``7d``, ``2w`` as a duration; None when ``value`` is not one."""
    found = _RELATIVE.match(value.strip().lower())
    if not found:
        return None
    amount, unit = int(found.group(1)), found.group(2)
    return {"h": timedelta(hours=amount), "d": timedelta(days=amount),
            "w": timedelta(weeks=amount)}[unit]


def parse_when(value: str, *, now: datetime | None = None) -> str:
    """``2026-11-01``, ``2026-11-01T09:30``, or relative ``36h``/``7d``/``2w`` → store time text."""
    value = value.strip()
    delta = parse_span(value)
    if delta is not None:
        return utc_iso((now or utcnow()) - delta) or ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"expected a date like 2026-11-01, a time like 2026-11-01T09:30, or 7d/36h/2w; "
            f"found {value!r}"
        ) from None
    return utc_iso(moment) or ""


@dataclass(slots=True)
class Filters:
    """What to look at. Every field is optional; ``since``/``until`` are store time text."""

    brand: str | None = None
    topic: str | None = None
    platform: str | None = None
    since: str | None = None
    until: str | None = None
    risk: str | None = None
    sentiment: str | None = None  # positive | neutral | negative | unscored
    language: str | None = None
    query: str | None = None  # SQLite FTS5 syntax: words, "phrases", OR, NOT, prefix*
    # A panel's posts, brand mentions or not; without one, only brand mentions (a panel
    # member's posts that name no brand are panel data, not mentions of a brand).
    panel: str | None = None
    min_churn: float | None = None  # churn intent at least this


    def where(self, mention: str = "m", score: str = "s") -> tuple[str, list[Any]]:
        """SQL conditions (joined with AND) and their parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.brand:
            clauses.append(f"EXISTS (SELECT 1 FROM mention_brands b WHERE b.mention_id = "
                           f"{mention}.id AND b.brand = ? COLLATE NOCASE)")
            params.append(self.brand)
        if self.panel:
            # As a list, so SQLite can start from the panel's posts rather than the period's.
            clauses.append(f"{mention}.id IN (SELECT mention_id FROM mention_panels "
                           f"WHERE panel = ?)")
            params.append(self.panel)
        else:
            clauses.append(f"NOT {mention}.panel_only")
        if self.topic:
            clauses.append(f"EXISTS (SELECT 1 FROM mention_topics t WHERE t.mention_id = "
                           f"{mention}.id AND t.topic = ? COLLATE NOCASE)")
            params.append(self.topic)
        for column, value in ((f"{mention}.platform", self.platform),
                              (f"{score}.risk", self.risk),
                              (f"{score}.sentiment_label", self.sentiment),
                              (f"{score}.language", self.language)):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.min_churn is not None:
            clauses.append(f"{score}.churn_intent >= ?")
            params.append(self.min_churn)
        if self.since:
            clauses.append(f"{mention}.created_at >= ?")
            params.append(self.since)
        if self.until:
            clauses.append(f"{mention}.created_at < ?")
            params.append(self.until)
        if self.query:
            clauses.append(f"{mention}.rowid IN (SELECT rowid FROM mentions_fts "
                           "WHERE mentions_fts MATCH ?)")
            params.append(self.query)
        return (" AND ".join(clauses) or "1"), params


_RISK_ORDER = "CASE s.risk WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END"


def search_mentions(store: Store, filters: Filters, *, limit: int = 50,
                    order: str = "newest") -> list[dict[str, Any]]:
    """Mentions with their scores and brands, newest first (or ``order="risk"``). Medium and
    high risk only, by risk score: ``"risky"`` reads them from the riskiest down (quick when
    many mentions match, slow when few do), ``"risky-sorted"`` reads the matches and sorts
    them (the reverse); :func:`earful.reports.aggregate.top_risk` picks one."""
    where, params = filters.where()
    source = "mentions m LEFT JOIN scores s ON s.mention_id = m.id"
    if order in ("risky", "risky-sorted"):
        where += " AND s.risk <> 'low'"
    if order == "risky":
        # Tiers follow risk_score, so walking the partial index of medium and high scores
        # from the top yields the riskiest first and stops at `limit`. The term above is the
        # index's own WHERE, which lets SQLite use it.
        source = ("scores s INDEXED BY idx_scores_risky "
                  "CROSS JOIN mentions m ON m.id = s.mention_id")
    order_by = {
        "newest": "m.created_at DESC",
        "oldest": "m.created_at ASC",
        "risk": f"{_RISK_ORDER}, s.risk_score DESC, m.created_at DESC",
        "risky": "s.risk_score DESC, s.mention_id DESC",
        "risky-sorted": "s.risk_score DESC, s.mention_id DESC",
    }[order]
    sql = f"""
        SELECT m.id, m.platform, m.kind, m.url, m.author_handle, m.author_followers, m.text,
               m.created_at, m.thread_id, m.parent_id, m.community, m.engagement,
               s.sentiment, s.sentiment_label, s.language, s.complaint, s.churn_intent,
               s.churn_target, s.opportunity, s.risk, s.risk_score, s.reasons,
               (SELECT group_concat(brand, ',') FROM mention_brands b
                 WHERE b.mention_id = m.id) AS brands,
               (SELECT group_concat(topic, ',') FROM mention_topics t
                 WHERE t.mention_id = m.id) AS topics
        FROM {source}
        WHERE {where}
        ORDER BY {order_by}
        LIMIT ?"""
    cursor = store.conn.execute(sql, [*params, limit])
    columns = [d[0] for d in cursor.description]
    rows = []
    for values in cursor:
        row = dict(zip(columns, values, strict=True))
        row["brands"] = row["brands"].split(",") if row["brands"] else []
        row["topics"] = row["topics"].split(",") if row["topics"] else []
        row["reasons"] = orjson.loads(row["reasons"]) if row["reasons"] else []
        row["opportunity"] = bool(row["opportunity"])
        rows.append(row)
    return rows


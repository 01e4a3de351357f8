"""Sums over a period, read from the rollups (see :mod:`earful.rollups`) where they can answer.

The rollups hold whole UTC days of brand mentions by brand, platform and language, so:

- whole days of a period come from the rollup tables;
- the partial days at either end (``--since 36h``) come from the mentions themselves, through
  the ``created_at`` index, grouped the same way (:func:`earful.rollups.daily_select`);
- a filter the rollups have no column for (``--panel``, a topic, risk, sentiment or a text
  query) reads the matching mentions for the whole period, through their indexes.

Each source yields rows of the rollup's shape, so a report sums them without knowing which
one answered. ``brand = ''`` rows count every mention once; the other rows count each brand a
mention names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from earful import rollups
from earful.queries import Filters, search_mentions
from earful.reports.period import Period
from earful.store import Store

_SELECTS: dict[str, tuple[str, tuple[str, ...], Callable[..., str], bool]] = {
    # kind: (table, columns, select, whether it has brand = '' rows counting each post once)
    "daily": ("rollup_daily", (*rollups.DAILY_KEYS, *rollups.DAILY_SUMS), rollups.daily_select,
              True),
    "topics": ("rollup_topics", (*rollups.TOPIC_KEYS, *rollups.TOPIC_SUMS),
               rollups.topics_select, True),
    "churn": ("rollup_churn", (*rollups.CHURN_KEYS, *rollups.CHURN_SUMS), rollups.churn_select,
              False),
}


def from_rollups(filters: Filters) -> bool:
    """Whether the rollups can answer these filters (else the mentions are read)."""
    return not (filters.panel or filters.topic or filters.risk or filters.sentiment
                or filters.query or filters.min_churn is not None)


def source(kind: str, filters: Filters, span: Period) -> tuple[str, list[Any]]:
    """A ``WITH src(...)`` clause of rollup-shaped rows for the mentions in ``span`` that
    match ``filters`` (brand, platform and language are left to the caller's WHERE, on
    ``src``), and its parameters."""
    table, columns, select, counted_once = _SELECTS[kind]
    since, until = span.texts()
    parts: list[str] = []
    params: list[Any] = []

    def mentions(where: str, values: list[Any], brands_only: bool) -> None:
        for by_brand in (False, True) if counted_once else (True,):
            parts.append(select(where, by_brand=by_brand, brands_only=brands_only))
            params.extend(values)

    if not from_rollups(filters):
        where, values = replace(filters, since=since, until=until).where()
        mentions(where, values, brands_only=False)
    else:
        first, last = _whole_days(span)
        if first < last:
            parts.append(f"SELECT {', '.join(columns)} FROM {table} WHERE day >= ? AND day < ?")
            params += [first, last]
            edges = [(since, f"{first}T00:00:00Z"), (f"{last}T00:00:00Z", until)]
        else:  # no whole day: all of it from the mentions
            edges = [(since, until)]
        for start, end in edges:
            if start < end:
                mentions("m.created_at >= ? AND m.created_at < ?", [start, end], True)
    return f"WITH src({', '.join(columns)}) AS ({' UNION ALL '.join(parts)})", params


def where(filters: Filters, *, brands: bool | None = False) -> tuple[str, list[Any]]:
    """Conditions on ``src`` for the filters the rollups hold. ``brands``: the per-brand rows
    (a breakdown by brand); False: one row per mention (``brand = ''``), unless a brand is
    named; None: every row (churn rows, one per post, by the brand being left)."""
    clauses: list[str] = []
    params: list[Any] = []
    if filters.brand:
        clauses.append("brand = ? COLLATE NOCASE")
        params.append(filters.brand)
    elif brands is None:
        pass
    elif brands:
        clauses.append("brand <> ''")
    else:
        clauses.append("brand = ''")
    for column, value in (("platform", filters.platform), ("language", filters.language)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    return " AND ".join(clauses) or "1", params


def query(store: Store, kind: str, filters: Filters, span: Period, select: str, *,
          brands: bool = False, group: Sequence[str] = (), order: str = "",
          extra: str = "", extra_params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """``SELECT {select} FROM src WHERE <filters> {extra} GROUP BY {group} ORDER BY {order}``
    over ``kind``'s rows in ``span``, as dicts."""
    head, params = source(kind, filters, span)
    # Churn rows are one per post, by the brand being left ('' when it names none).
    conditions, values = where(filters, brands=None if kind == "churn" else brands)
    sql = (f"{head} SELECT {select} FROM src WHERE {conditions} {extra}"
           + (f" GROUP BY {', '.join(group)}" if group else "")
           + (f" ORDER BY {order}" if order else ""))
    cursor = store.conn.execute(sql, [*params, *values, *extra_params])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def _whole_days(span: Period) -> tuple[str, str]:
    """The first whole UTC day in ``span`` and the day after the last one."""
    since, until = span.since.astimezone(UTC), span.until.astimezone(UTC)
    first = since.date() if since.time() == datetime.min.time() else (
        since.date() + timedelta(days=1))
    return first.isoformat(), until.date().isoformat()


SUMS = ("sum(n) AS n, sum(positive) AS positive, sum(neutral) AS neutral, "
        "sum(negative) AS negative, sum(high) AS high, sum(medium) AS medium, "
        "sum(churn) AS churn, sum(opportunities) AS opportunities, "
        "sum(complaints) AS complaints, sum(sentiment_sum) AS sentiment_sum, "
        "sum(sentiment_n) AS sentiment_n, sum(engagement) AS engagement, sum(reach) AS reach")


def top_risk(store: Store, filters: Filters, span: Period, *,
             limit: int = 10) -> list[dict[str, Any]]:
    """The riskiest (medium and high) mentions in ``span`` matching ``filters``.

    Two ways to find them: walk the risk index from the top, skipping what does not match
    (cheap when matches are common), or read the period's mentions and sort (cheap when the
    period is short, or a panel narrows it). The rollups say which is cheaper, and when
    nothing can match."""
    since, until = span.texts()
    scoped = replace(filters, since=since, until=until)
    base = replace(filters, min_churn=None)
    order = "risky-sorted"
    if not filters.panel:  # a panel's posts are few: read and sort them
        (total,) = (row["n"] or 0 for row in query(store, "daily", Filters(), span,
                                                   "sum(n) AS n"))
        walk = float(total)  # with no better estimate, walking costs like sorting
        if from_rollups(base):
            (risky,) = (row["n"] or 0 for row in query(store, "daily", base, span,
                                                       "sum(high + medium) AS n"))
            if not risky:
                return []
            (everywhere,) = store.conn.execute(
                "SELECT total(high + medium) FROM rollup_daily WHERE brand = ''").fetchone()
            walk = limit * everywhere / risky
        order = "risky" if walk < total else "risky-sorted"
    return search_mentions(store, scoped, limit=limit, order=order)

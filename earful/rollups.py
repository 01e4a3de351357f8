"""Per-day aggregates of the brand mentions, which the reports read instead of the mentions.

A report over a year of a busy brand would otherwise group a million rows each time it runs.
Three tables hold, per UTC day, what the reports sum:

- ``rollup_daily``: per brand (and ``brand = ''`` for all mentions, each counted once),
  platform and language: mentions, each sentiment label, high and medium risk, churn threats,
  opportunities, complaints, sentiment sum and count, engagement and reach.
- ``rollup_topics``: the same per topic (``[[topics]]`` in the config).
- ``rollup_churn``: churn posts per brand being left, destination and opportunity flag.

Only brand mentions count (a panel member's post naming no brand is panel data; panel views
read the mentions through ``mention_panels``). Every write that changes what a mention adds
up to goes through here, in the writer's transaction: :func:`add_mentions` after inserting,
:func:`apply` with ``sign=-1`` before changing or deleting rows and ``+1`` after.
:func:`rebuild` recomputes everything (``earful report rebuild``); a test checks that the
incremental upkeep always equals it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from sqlite3 import Connection
from typing import Any

import orjson

from earful.models import (
    PACKED_COMPLAINT,
    PACKED_DESTINATION,
    PACKED_INTENT,
    PACKED_LABEL,
    PACKED_LANGUAGE,
    PACKED_OPPORTUNITY,
    PACKED_RISK,
    PACKED_SENTIMENT,
    PACKED_TARGET,
)

# A post counts as a churn threat (or, leaving a rival, an opportunity) from this churn intent,
# and as a complaint from this complaint probability: `[scoring] churn` and `complaint`. The
# database holds the two its aggregates were counted with (`rollup_thresholds`), and the
# statements read them there, so a store opened without the config counts as it always has;
# :func:`set_thresholds` recounts everything when the config changes them.
CHURN = "(SELECT churn FROM rollup_thresholds)"
COMPLAINT = "(SELECT complaint FROM rollup_thresholds)"
DEFAULT_THRESHOLDS = (0.5, 0.5)  # (churn, complaint): the scorer's defaults

DAY = "substr(m.created_at, 1, 10)"

DAILY_KEYS = ("day", "brand", "role", "platform", "language")
# Sentiment labels and risk tiers are counted in columns, not keyed rows: a day then holds a
# row per brand, platform and language, however the posts felt.
DAILY_SUMS = ("n", "positive", "neutral", "negative", "high", "medium", "churn",
              "opportunities", "complaints", "sentiment_sum", "sentiment_n", "engagement",
              "reach")
TOPIC_KEYS = ("day", "brand", "platform", "language", "topic")
TOPIC_SUMS = ("n", "negative", "churn", "sentiment_sum", "sentiment_n")
CHURN_KEYS = ("day", "brand", "platform", "language", "destination", "opportunity")
CHURN_SUMS = ("n",)

SCHEMA = (
    f"""CREATE TABLE rollup_daily (
        day TEXT NOT NULL, brand TEXT NOT NULL, role TEXT NOT NULL, platform TEXT NOT NULL,
        language TEXT NOT NULL,
        {", ".join(f"{name} {'REAL' if name == 'sentiment_sum' else 'INTEGER'} NOT NULL"
                   for name in DAILY_SUMS)},
        PRIMARY KEY (brand, day, platform, language)
    ) WITHOUT ROWID""",
    f"""CREATE TABLE rollup_topics (
        day TEXT NOT NULL, brand TEXT NOT NULL, platform TEXT NOT NULL, language TEXT NOT NULL,
        topic TEXT NOT NULL,
        {", ".join(f"{name} {'REAL' if name == 'sentiment_sum' else 'INTEGER'} NOT NULL"
                   for name in TOPIC_SUMS)},
        PRIMARY KEY (brand, day, topic, platform, language)
    ) WITHOUT ROWID""",
    """CREATE TABLE rollup_churn (
        day TEXT NOT NULL, brand TEXT NOT NULL, platform TEXT NOT NULL, language TEXT NOT NULL,
        destination TEXT NOT NULL, opportunity INTEGER NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (brand, day, platform, language, destination, opportunity)
    ) WITHOUT ROWID""",
)


# IF NOT EXISTS, OR IGNORE: two processes opening an older file at once may both apply it.
THRESHOLDS_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS rollup_thresholds (
        id INTEGER PRIMARY KEY CHECK (id = 1), churn REAL NOT NULL, complaint REAL NOT NULL
    )""",
    "INSERT OR IGNORE INTO rollup_thresholds VALUES "
    f"(1, {DEFAULT_THRESHOLDS[0]}, {DEFAULT_THRESHOLDS[1]})",
)


def daily_select(where: str, *, by_brand: bool, sign: int = 1, brands_only: bool = True) -> str:
    """What the mentions matching ``where`` (over ``mentions m LEFT JOIN scores s``) add to
    ``rollup_daily``, in its column order. Reports use it too, on the mentions themselves,
    when a filter is one the rollup has no column for."""
    brand = "b.brand, b.role" if by_brand else "'', ''"
    join = "JOIN mention_brands b ON b.mention_id = m.id" if by_brand else ""
    return f"""
        SELECT {DAY}, {brand}, m.platform, coalesce(s.language, 'und'),
               {sign} * count(*),
               {sign} * coalesce(sum(s.sentiment_label = 'positive'), 0),
               {sign} * coalesce(sum(s.sentiment_label = 'neutral'), 0),
               {sign} * coalesce(sum(s.sentiment_label = 'negative'), 0),
               {sign} * coalesce(sum(s.risk = 'high'), 0),
               {sign} * coalesce(sum(s.risk = 'medium'), 0),
               {sign} * coalesce(sum(s.churn_intent >= {CHURN} AND NOT s.opportunity), 0),
               {sign} * coalesce(sum(s.churn_intent >= {CHURN} AND s.opportunity), 0),
               {sign} * coalesce(sum(s.complaint >= {COMPLAINT}), 0),
               {sign} * total(s.sentiment), {sign} * count(s.sentiment),
               {sign} * total(m.engagement), {sign} * total(m.author_followers)
        FROM mentions m {join} LEFT JOIN scores s ON s.mention_id = m.id
        WHERE {_scope(brands_only)}({where})
        GROUP BY 1, 2, 3, 4, 5"""


def topics_select(where: str, *, by_brand: bool, sign: int = 1,
                  brands_only: bool = True) -> str:
    """What the mentions matching ``where`` add to ``rollup_topics``."""
    brand = "b.brand" if by_brand else "''"
    join = "JOIN mention_brands b ON b.mention_id = m.id" if by_brand else ""
    return f"""
        SELECT {DAY}, {brand}, m.platform, coalesce(s.language, 'und'), t.topic,
               {sign} * count(*),
               {sign} * coalesce(sum(s.sentiment_label = 'negative'), 0),
               {sign} * coalesce(sum(s.churn_intent >= {CHURN} AND NOT s.opportunity), 0),
               {sign} * total(s.sentiment), {sign} * count(s.sentiment)
        FROM mentions m JOIN mention_topics t ON t.mention_id = m.id {join}
        LEFT JOIN scores s ON s.mention_id = m.id
        WHERE {_scope(brands_only)}({where})
        GROUP BY 1, 2, 3, 4, 5"""


def churn_select(where: str, *, by_brand: bool = True, sign: int = 1,
                 brands_only: bool = True) -> str:
    """What the mentions matching ``where`` add to ``rollup_churn``: their churn posts, by the
    brand being left (``''`` when the post names none) and where the author says they go."""
    return f"""
        SELECT {DAY}, coalesce(s.churn_target, ''), m.platform, coalesce(s.language, 'und'),
               coalesce(s.churn_destination, ''), s.opportunity, {sign} * count(*)
        FROM mentions m JOIN scores s ON s.mention_id = m.id
        WHERE {_scope(brands_only)}s.churn_intent >= {CHURN} AND ({where})
        GROUP BY 1, 2, 3, 4, 5, 6"""


def _scope(brands_only: bool) -> str:
    return "NOT m.panel_only AND " if brands_only else ""


def _upsert(table: str, keys: Sequence[str], sums: Sequence[str], select: str) -> str:
    conflict = [key for key in keys if key != "role"]  # a brand's role goes with the brand
    return (f"INSERT INTO {table} ({', '.join((*keys, *sums))}) {select} "
            f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET "
            + ", ".join(f"{name} = {name} + excluded.{name}" for name in sums))


def _statements(where: str, sign: int) -> list[str]:
    return [
        _upsert("rollup_daily", DAILY_KEYS, DAILY_SUMS, daily_select(where, by_brand=False,
                                                                     sign=sign)),
        _upsert("rollup_daily", DAILY_KEYS, DAILY_SUMS, daily_select(where, by_brand=True,
                                                                     sign=sign)),
        _upsert("rollup_topics", TOPIC_KEYS, TOPIC_SUMS, topics_select(where, by_brand=False,
                                                                       sign=sign)),
        _upsert("rollup_topics", TOPIC_KEYS, TOPIC_SUMS, topics_select(where, by_brand=True,
                                                                       sign=sign)),
        _upsert("rollup_churn", CHURN_KEYS, CHURN_SUMS, churn_select(where, sign=sign)),
    ]


def _values_upsert(table: str, keys: Sequence[str], sums: Sequence[str]) -> str:
    marks = ", ".join("?" * (len(keys) + len(sums)))
    return _upsert(table, keys, sums, f"VALUES ({marks})")


_ADD_DAILY = _values_upsert("rollup_daily", DAILY_KEYS, DAILY_SUMS)
_ADD_TOPICS = _values_upsert("rollup_topics", TOPIC_KEYS, TOPIC_SUMS)
_ADD_CHURN = _values_upsert("rollup_churn", CHURN_KEYS, CHURN_SUMS)

New = tuple[str, str, Sequence[tuple[str, str]], Sequence[str], Any, int, int | None]


def add_mentions(conn: Connection, mentions: Iterable[New]) -> None:
    """Count mentions just inserted, from what the writer holds: each is ``(day, platform,
    [(brand, role)…], topics, packed score or None, engagement, author followers)``.

    The same sums as the ``*_select`` queries (a test holds them equal), added up in memory:
    reading a batch back out of the tables it was just written to costs more than all of
    this. Mentions naming no brand (panel data) count nothing."""
    # Each key's rows, summed column by column at the end: a batch has few keys (days, brands,
    # languages), and zip and sum add up in C what a loop per value would in Python.
    daily: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    topics: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    churn: dict[tuple[Any, ...], int] = {}
    churn_min, complaint_min = thresholds(conn)
    for day, platform, brands, topic_names, packed, engagement, followers in mentions:
        if not brands:
            continue
        if packed is None:
            language, values = "und", (1, 0, 0, 0, 0, 0, 0, 0, 0, 0.0, 0, engagement,
                                       followers or 0)
            negative = churned = 0
            sentiment = None
        else:
            label, risk = packed[PACKED_LABEL], packed[PACKED_RISK]
            intent, opportunity = packed[PACKED_INTENT] or 0, packed[PACKED_OPPORTUNITY]
            sentiment = packed[PACKED_SENTIMENT]
            language = packed[PACKED_LANGUAGE] or "und"
            negative = int(label == "negative")
            churned = int(intent >= churn_min and not opportunity)
            values = (1, int(label == "positive"), int(label == "neutral"), negative,
                      int(risk == "high"), int(risk == "medium"), churned,
                      int(intent >= churn_min and bool(opportunity)),
                      int((packed[PACKED_COMPLAINT] or 0) >= complaint_min),
                      sentiment or 0.0, int(sentiment is not None), engagement, followers or 0)
            if intent >= churn_min:
                key = (day, packed[PACKED_TARGET] or "", platform, language,
                       packed[PACKED_DESTINATION] or "", int(opportunity))
                churn[key] = churn.get(key, 0) + 1
        if len(brands) > 1:  # each counted once (most posts name one)
            brands = list(dict.fromkeys(brands))
        daily.setdefault((day, "", "", platform, language), []).append(values)  # all brands
        for brand, role in brands:
            daily.setdefault((day, brand, role, platform, language), []).append(values)
        if topic_names:  # most posts have none
            topic_values = (1, negative, churned, sentiment or 0.0, int(sentiment is not None))
            names = ("", *(brand for brand, _ in brands))
            for topic in dict.fromkeys(topic_names):  # stored once each, counted once
                for brand in names:
                    topics.setdefault((day, brand, platform, language, topic),
                                      []).append(topic_values)
    conn.executemany(_ADD_DAILY, [(*key, *_sums(rows)) for key, rows in daily.items()])
    conn.executemany(_ADD_TOPICS, [(*key, *_sums(rows)) for key, rows in topics.items()])
    conn.executemany(_ADD_CHURN, [(*key, n) for key, n in churn.items()])


_IDS = {sign: _statements("m.id IN (SELECT value FROM json_each(?))", sign) for sign in (1, -1)}


def _sums(rows: list[tuple[Any, ...]]) -> list[Any]:
    """Column sums of ``rows``, each added up in row order."""
    return [sum(column) for column in zip(*rows, strict=True)]


def apply(conn: Connection, mention_ids: Sequence[str], sign: int) -> None:
    """Count (``sign=1``) or uncount (``-1``) these mentions as they stand now."""
    if not mention_ids:
        return
    ids = orjson.dumps(list(mention_ids)).decode()
    for statement in _IDS[sign]:
        conn.execute(statement, [ids])
    if sign < 0:  # keep the tables free of rows that no longer count anything
        for table in ("rollup_daily", "rollup_topics", "rollup_churn"):
            conn.execute(f"DELETE FROM {table} WHERE n = 0 AND day IN "
                         f"(SELECT DISTINCT substr(created_at, 1, 10) FROM mentions "
                         f"WHERE id IN (SELECT value FROM json_each(?)))", [ids])


def thresholds(conn: Connection) -> tuple[float, float]:
    """The (churn, complaint) thresholds the aggregates are counted with."""
    churn, complaint = conn.execute(
        "SELECT churn, complaint FROM rollup_thresholds").fetchone()
    return churn, complaint


def set_thresholds(conn: Connection, churn: float, complaint: float) -> bool:
    """Count churn threats from ``churn`` and complaints from ``complaint`` on: if either
    changes, every aggregate is recounted (in the caller's transaction). Whether it did."""
    if thresholds(conn) == (churn, complaint):
        return False
    conn.execute("UPDATE rollup_thresholds SET churn = ?, complaint = ?", [churn, complaint])
    rebuild(conn)
    return True


def rebuild(conn: Connection) -> None:
    """Recompute every aggregate from the mentions."""
    for table in ("rollup_daily", "rollup_topics", "rollup_churn"):
        conn.execute(f"DELETE FROM {table}")
    for statement in _statements("1", 1):
        conn.execute(statement)

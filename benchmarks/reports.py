"""Every report on a 1,000,000-mention store, next to the plain SQL aggregate it needs.

    python benchmarks/reports.py [--mentions 1000000] [--days 365] [--db PATH] [--keep]

Builds a store of ``--mentions`` brand mentions over ``--days`` days (three brands, three
platforms, six languages, 200,000 authors, topics, churn posts, a 1,000-member panel, cases
with SLA events and surveys) with bulk SQL, builds its rollups (:func:`earful.rollups.rebuild`,
timed), then times each report as ``earful report …`` computes it, for the default period (the
last 30 days) and for the whole year, next to the plain SQL aggregate over the mentions that
the report's main figure needs, in the same run. Target: every report under 1 s.

``--db PATH --keep`` keeps the store (reusing it on the next run) to try the CLI on it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from earful import rollups
from earful.config import load_config
from earful.queries import Filters
from earful.reports.churn import churn
from earful.reports.influencers import influencers
from earful.reports.overview import overview
from earful.reports.panel import panel_report
from earful.reports.period import Period
from earful.reports.sov import sov
from earful.reports.surveys import surveys_report
from earful.reports.topics import topics
from earful.reports.trend import trend
from earful.store import Store
from responders.report import sla_report

ROOT = Path(__file__).resolve().parent.parent
END = datetime(2026, 11, 23, tzinfo=UTC)
TEXTS = [
    "Love my new Kestrel tent, setup took five minutes #camping",
    "Where is my order? Tracking hasn't moved in a week, shipping is a joke",
    "I'm cancelling my Kestrel Plus membership, switching to Trovia",
    "Trovia support never answers, thinking of moving to Kestrel",
    "Refund still not here after three weeks, really disappointed",
    "Nimbus Market has better prices but slower delivery",
    "¿Alguien sabe cuándo llega el pedido? Envío muy lento",
    "Die Lieferung war schnell, Zelt ist super",
    "Great trail run this morning with my Kestrel shoes",
    "Customs fees again on my order, not happy about this",
]


def build(path: Path, mentions: int, days: int) -> None:
    """Fill a fresh store with bulk SQL (a few minutes for a million mentions)."""
    span = days * 86400
    start = int((END - timedelta(days=days)).timestamp())
    with Store(path) as store:
        conn = store.conn
        conn.execute("PRAGMA foreign_keys = OFF")  # bulk load: the rows are consistent
        conn.execute("BEGIN")
        conn.execute("""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 199999)
            INSERT INTO authors (id, platform, native_id, handle, followers, updated_at)
            SELECT 'x:' || i, 'x', i, 'user' || i,
                   CASE WHEN i % 1000 = 0 THEN 100000 + i * 7 ELSE (i * 7919) % 20000 END,
                   '2026-11-23T00:00:00Z' FROM n""")
        texts = ", ".join(f"({i}, ?)" for i in range(len(TEXTS)))
        conn.execute("CREATE TEMP TABLE texts(k INTEGER PRIMARY KEY, text TEXT)")
        conn.execute(f"INSERT INTO texts VALUES {texts}", TEXTS)
        conn.execute(f"""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {mentions - 1})
            INSERT INTO mentions (id, platform, native_id, kind, url, author_id, author_handle,
                                  author_followers, text, language, created_at, collected_at,
                                  updated_at, engagement, source)
            SELECT (CASE i % 3 WHEN 0 THEN 'x' WHEN 1 THEN 'reddit' ELSE 'discord' END)
                   || ':' || i,
                   CASE i % 3 WHEN 0 THEN 'x' WHEN 1 THEN 'reddit' ELSE 'discord' END,
                   i, 'post', 'https://x.com/i/status/' || i, 'x:' || ((i * 48271) % 200000),
                   'user' || ((i * 48271) % 200000), (i * 7919) % 20000,
                   (SELECT text FROM texts WHERE k = i % {len(TEXTS)}),
                   NULL,
                   strftime('%Y-%m-%dT%H:%M:%SZ', {start} + (i * {span} / {mentions}), 'unixepoch'),
                   '2026-11-23T00:00:00Z', '2026-11-23T00:00:00Z', (i * 31) % 200, 'bench'
            FROM n""")
        conn.execute("""
            INSERT INTO scores (mention_id, sentiment, positive, neutral, negative,
                                sentiment_label, sentiment_basis, language, language_confidence,
                                complaint, complaint_reason, churn_intent, churn_target,
                                churn_destination, opportunity, risk, risk_score,
                                scorer_version, scored_at)
            SELECT id, s, 0, 0, 0,
                   CASE WHEN s > 0.05 THEN 'positive' WHEN s < -0.05 THEN 'negative'
                        ELSE 'neutral' END, 'vader',
                   CASE native_id % 10 WHEN 6 THEN 'es' WHEN 7 THEN 'de' WHEN 5 THEN 'fr'
                        WHEN 4 THEN 'pt' WHEN 3 THEN 'it' ELSE 'en' END, 0.9,
                   CASE native_id % 10 WHEN 1 THEN 0.8 WHEN 4 THEN 0.7 WHEN 9 THEN 0.6
                        ELSE 0.1 END, NULL,
                   CASE native_id % 10 WHEN 2 THEN 0.9 WHEN 3 THEN 0.7 ELSE 0 END,
                   CASE native_id % 10 WHEN 2 THEN 'Kestrel' WHEN 3 THEN 'Trovia' END,
                   CASE native_id % 10 WHEN 2 THEN 'Trovia' WHEN 3 THEN 'Kestrel' END,
                   native_id % 10 = 3,
                   CASE WHEN native_id % 10 IN (1, 2) AND native_id % 7 < 3 THEN 'high'
                        WHEN native_id % 10 IN (1, 2, 4) THEN 'medium' ELSE 'low' END,
                   (native_id % 10 IN (1, 2)) * 2.0 + (native_id % 10 = 4) * 1.5
                     + (native_id % 7) * 0.1,
                   'bench', '2026-11-23T00:00:00Z'
            FROM (SELECT id, CAST(native_id AS INTEGER) AS native_id,
                         ((CAST(native_id AS INTEGER) * 2654435761) % 2001 - 1000) / 1000.0 AS s
                  FROM mentions)""")
        conn.execute("""
            INSERT INTO mention_brands (mention_id, brand, role, rule)
            SELECT id, CASE CAST(native_id AS INTEGER) % 10 WHEN 3 THEN 'Trovia'
                            WHEN 5 THEN 'Nimbus' ELSE 'Kestrel' END,
                   CASE WHEN CAST(native_id AS INTEGER) % 10 IN (3, 5) THEN 'competitor'
                        ELSE 'brand' END, 'name' FROM mentions""")
        conn.execute("""
            INSERT INTO mention_brands (mention_id, brand, role, rule)
            SELECT id, 'Trovia', 'competitor', 'name' FROM mentions
            WHERE CAST(native_id AS INTEGER) % 10 = 2""")
        conn.execute("""
            INSERT INTO mention_topics (mention_id, topic)
            SELECT id, CASE CAST(native_id AS INTEGER) % 10 WHEN 1 THEN 'shipping'
                            WHEN 2 THEN 'membership' WHEN 4 THEN 'refunds'
                            WHEN 6 THEN 'shipping' WHEN 9 THEN 'customs' END
            FROM mentions WHERE CAST(native_id AS INTEGER) % 10 IN (1, 2, 4, 6, 9)""")
        conn.execute("INSERT INTO panels (name, created_at, origin) "
                     "VALUES ('bench-panel', '2026-01-01T00:00:00Z', 'cli')")
        conn.execute("""
            INSERT INTO panel_members (panel, account, added_at, origin)
            SELECT 'bench-panel', 'x:user' || (value * 199), '2026-01-01T00:00:00Z', 'cli'
            FROM generate_series(0, 999)""" if _has_series(conn) else """
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
            INSERT INTO panel_members (panel, account, added_at, origin)
            SELECT 'bench-panel', 'x:user' || (i * 199), '2026-01-01T00:00:00Z', 'cli' FROM n""")
        conn.execute("""
            INSERT INTO mention_panels (mention_id, panel)
            SELECT m.id, 'bench-panel' FROM mentions m
            WHERE m.author_id IN (SELECT 'x:' || (i * 199) FROM (
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
                SELECT i FROM n))""")
        # One case per 50 mentions of high risk, first answered or not, some breached.
        conn.execute("""
            INSERT INTO cases (mention_id, platform, author_id, author_handle, brand, language,
                               team, assignee, priority, status, opened_at, last_post_at,
                               first_response_at, resolved_at, responses, updated_at)
            SELECT m.id, m.platform, m.author_id, m.author_handle, 'Kestrel', s.language,
                   CASE CAST(m.native_id AS INTEGER) % 3 WHEN 0 THEN 'care'
                        WHEN 1 THEN 'retention' ELSE 'care-es' END,
                   CASE CAST(m.native_id AS INTEGER) % 4 WHEN 0 THEN 'Maya' WHEN 1 THEN 'Lucía'
                        WHEN 2 THEN 'Jordan' END,
                   'p2', CASE WHEN CAST(m.native_id AS INTEGER) % 5 < 3 THEN 'resolved'
                              ELSE 'assigned' END,
                   m.created_at, m.created_at,
                   strftime('%Y-%m-%dT%H:%M:%SZ', m.created_at, '+3 hours'),
                   CASE WHEN CAST(m.native_id AS INTEGER) % 5 < 3
                        THEN strftime('%Y-%m-%dT%H:%M:%SZ', m.created_at, '+2 days') END,
                   1, m.created_at
            FROM mentions m JOIN scores s ON s.mention_id = m.id
            WHERE s.risk = 'high' AND CAST(m.native_id AS INTEGER) % 50 < 3""")
        conn.execute("""
            INSERT INTO sla_events (case_id, clock, kind, at, team, priority)
            SELECT id, 'first_response', 'breached', opened_at, team, priority FROM cases
            WHERE id % 4 = 0""")
        conn.execute("""
            INSERT INTO surveys (kind, discord_user_id, case_id, sent_at, answered_at, score)
            SELECT CASE id % 3 WHEN 0 THEN 'csat' WHEN 1 THEN 'ces' ELSE 'nps' END,
                   'u' || id, id, resolved_at,
                   CASE WHEN id % 2 = 0 THEN resolved_at END,
                   CASE WHEN id % 2 = 0 THEN CASE id % 3 WHEN 0 THEN 1 + id % 5
                        WHEN 1 THEN 1 + id % 7 ELSE id % 11 END END
            FROM cases WHERE resolved_at IS NOT NULL""")
        conn.execute("COMMIT")
        started = time.perf_counter()
        with store.transaction() as tx:
            rollups.rebuild(tx)
        print(f"rollups built in {time.perf_counter() - started:.1f} s")
        store.conn.execute("ANALYZE")


def _has_series(conn: Any) -> bool:
    try:
        conn.execute("SELECT * FROM generate_series(0, 1)").fetchall()
    except Exception:
        return False
    return True


def timed(func: Callable[[], Any], repeat: int = 3) -> float:
    """The median of a few runs, in seconds."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def plain_sql(store: Store, span: Period) -> dict[str, Callable[[], Any]]:
    """The aggregate each report needs, straight from the mentions (no rollups)."""
    since, until = span.texts()
    conn = store.conn

    def run(sql: str, *params: Any) -> Callable[[], Any]:
        return lambda: conn.execute(sql, [since, until, *params]).fetchall()

    by_brand = run("""SELECT b.brand, s.sentiment_label, s.risk, count(*) FROM mentions m
                      JOIN mention_brands b ON b.mention_id = m.id
                      LEFT JOIN scores s ON s.mention_id = m.id
                      WHERE m.created_at >= ? AND m.created_at < ? AND NOT m.panel_only
                      GROUP BY 1, 2, 3""")
    return {
        "overview": by_brand,
        "trend": run("""SELECT substr(m.created_at, 1, 10), b.brand, count(*),
                               avg(s.sentiment) FROM mentions m
                        JOIN mention_brands b ON b.mention_id = m.id
                        LEFT JOIN scores s ON s.mention_id = m.id
                        WHERE m.created_at >= ? AND m.created_at < ? GROUP BY 1, 2"""),
        "sov": run("""SELECT b.brand, m.platform, count(*) FROM mentions m
                      JOIN mention_brands b ON b.mention_id = m.id
                      WHERE m.created_at >= ? AND m.created_at < ? GROUP BY 1, 2"""),
        "topics": run("""SELECT t.topic, count(*), sum(s.sentiment_label = 'negative')
                         FROM mentions m JOIN mention_topics t ON t.mention_id = m.id
                         LEFT JOIN scores s ON s.mention_id = m.id
                         WHERE m.created_at >= ? AND m.created_at < ? GROUP BY 1"""),
        "influencers": run("""SELECT m.author_id, max(m.author_followers), count(*),
                                     sum(m.engagement) FROM mentions m
                              WHERE m.created_at >= ? AND m.created_at < ?
                              GROUP BY 1 ORDER BY 2 DESC LIMIT 15"""),
        "churn": run("""SELECT s.churn_target, s.churn_destination, s.opportunity, count(*)
                        FROM mentions m JOIN scores s ON s.mention_id = m.id
                        WHERE m.created_at >= ? AND m.created_at < ? AND s.churn_intent >= 0.5
                        GROUP BY 1, 2, 3"""),
        "sla": run("""SELECT team, assignee, count(*), count(first_response_at) FROM cases
                      WHERE opened_at >= ? AND opened_at < ? GROUP BY 1, 2"""),
        "panel": run("""SELECT substr(m.created_at, 1, 10), count(*) FROM mention_panels p
                        JOIN mentions m ON m.id = p.mention_id
                        WHERE m.created_at >= ? AND m.created_at < ? AND p.panel = ?
                        GROUP BY 1""", "bench-panel"),
        "surveys": run("""SELECT kind, count(*), avg(score) FROM surveys
                          WHERE sent_at >= ? AND sent_at < ? GROUP BY 1"""),
    }


def reports(store: Store, span: Period) -> dict[str, Callable[[], Any]]:
    """Each report as the CLI computes it (data only; rendering is not the store's cost)."""
    settings = load_config(ROOT / "config.toml")
    none = Filters()
    return {
        "overview": lambda: overview(store, none, span),
        "trend": lambda: trend(store, none, span),
        "sov": lambda: sov(store, none, span),
        "topics": lambda: topics(store, none, span),
        "influencers": lambda: influencers(store, none, span),
        "churn": lambda: churn(store, none, span),
        "sla": lambda: (sla_report(store, settings, END, *span.texts()),
                        sla_report(store, settings, END, *span.before.texts())),
        "panel": lambda: panel_report(store, "bench-panel", span),
        "surveys": lambda: (surveys_report(store, span.since, span.until),
                            surveys_report(store, span.before.since, span.before.until)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--db", type=Path, help="Store to build (or reuse with --keep).")
    parser.add_argument("--keep", action="store_true", help="Keep (and reuse) --db.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "reports.db"
        if not (args.keep and path.exists()):
            path.unlink(missing_ok=True)
            started = time.perf_counter()
            build(path, args.mentions, args.days)
            print(f"built {args.mentions:,} mentions over {args.days} days in "
                  f"{time.perf_counter() - started:.0f} s")
        with Store(path) as store:
            (count,) = store.conn.execute("SELECT count(*) FROM mentions").fetchone()
            print(f"store: {count:,} mentions, {path.stat().st_size / 1e9:.2f} GB")
            slowest: dict[str, float] = {}
            for label, span in (("last 30 days", Period(END - timedelta(days=30), END)),
                                (f"whole store ({args.days} days)",
                                 Period(END - timedelta(days=args.days), END))):
                print(f"\n{label}: report (s)  plain SQL aggregate (s)  ratio")
                plain = plain_sql(store, span)
                for name, func in reports(store, span).items():
                    report_s = timed(func)
                    sql_s = timed(plain[name])
                    slowest[label] = max(slowest.get(label, 0.0), report_s)
                    print(f"  {name:12} {report_s:8.3f}   {sql_s:8.3f}   "
                          f"{report_s / sql_s if sql_s else float('nan'):6.2f}"
                          + ("   over 1 s" if report_s >= 1 else ""))
            print("\nslowest report: " + "; ".join(f"{label} {seconds:.3f} s"
                                                   for label, seconds in slowest.items())
                  + " (target < 1 s)")


if __name__ == "__main__":
    main()

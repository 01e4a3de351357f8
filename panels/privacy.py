"""Privacy: per-panel retention, and forgetting a person everywhere.

Both end in :func:`erase`: a post no case refers to is deleted with everything hanging on it
(scores, brand and topic tags, panel tags, its full-text entry); a post a case refers to
stays as a redacted stub (no text, author, link or payload), so the case's history, SLA
figures and counts still add up.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from sqlite3 import Connection

from earful import rollups
from earful.errors import EarfulError
from earful.models import PLATFORMS, account_key, handle_key, utc_iso, utcnow
from earful.store import Store, in_chunks
from panels.registry import author_ids

log = logging.getLogger(__name__)

REDACTED = "[removed at the author's request]"
EXPIRED = "[removed: past the panel's retention]"


@dataclass(slots=True)
class Erased:
    deleted: int = 0  # posts deleted
    redacted: int = 0  # posts kept as stubs because a case refers to them


@dataclass(slots=True)
class Forgotten:
    """What :func:`forget` removed."""

    account: str
    posts: Erased = field(default_factory=Erased)
    authors: int = 0
    memberships: int = 0  # panel memberships and loyalty links
    cases: int = 0  # cases whose author fields were redacted
    alerts: int = 0  # alerts whose text was redacted


def erase(conn: Connection, mention_ids: Sequence[str], stub: str = REDACTED) -> Erased:
    """Delete these posts, or redact those a case refers to (run inside a transaction)."""
    result = Erased()
    for chunk, marks in in_chunks(list(mention_ids)):
        kept = {mention_id for (mention_id,) in conn.execute(
            f"SELECT mention_id FROM case_mentions WHERE mention_id IN ({marks}) UNION "
            f"SELECT mention_id FROM cases WHERE mention_id IN ({marks})", [*chunk, *chunk])}
        gone = [mention_id for mention_id in chunk if mention_id not in kept]
        rollups.apply(conn, chunk, -1)
        # The delete and update triggers keep the full-text index in step.
        result.deleted += conn.executemany("DELETE FROM mentions WHERE id = ?",
                                           [(mention_id,) for mention_id in gone]).rowcount
        stubs = [(mention_id,) for mention_id in sorted(kept)]
        conn.executemany(
            "UPDATE mentions SET text = ?, url = NULL, raw = NULL, author_id = NULL, "
            "author_handle = NULL, author_followers = NULL WHERE id = ?",
            [(stub, mention_id) for (mention_id,) in stubs])
        # Scores quote the text (churn phrases, reasons); panel tags say who wrote it.
        for table in ("scores", "mention_panels"):
            conn.executemany(f"DELETE FROM {table} WHERE mention_id = ?", stubs)
        rollups.apply(conn, [mention_id for (mention_id,) in stubs], 1)
        result.redacted += len(stubs)
    return result


def forget(store: Store, platform: str, handle: str) -> Forgotten:
    """Remove everything collected from one person: their posts (cases keep redacted stubs),
    their author profile, panel memberships and loyalty links, member cursors, and their
    name and words in cases and alerts."""
    if platform not in PLATFORMS:
        raise EarfulError(f"platform: expected one of {', '.join(PLATFORMS)}, "
                          f"found {platform!r}")
    name = handle_key(handle)
    if not name:
        raise EarfulError("forget needs the person's handle (or X user id)")
    account = account_key(platform, name)
    report = Forgotten(account)
    with store.transaction() as conn:
        authors = author_ids(conn, [account])[account]
        authors |= {author_id for (author_id,) in conn.execute(
            "SELECT DISTINCT author_id FROM mentions WHERE platform = ? "
            "AND lower(author_handle) = ? AND author_id IS NOT NULL", (platform, name))}
        handles = {name} | {h.lower() for (h,) in conn.execute(
            f"SELECT handle FROM authors WHERE id IN ({', '.join('?' * len(authors))}) "
            "AND handle IS NOT NULL", sorted(authors))}
        ids = set()
        for chunk, marks in in_chunks(sorted(authors)):
            ids |= {i for (i,) in conn.execute(
                f"SELECT id FROM mentions WHERE author_id IN ({marks})", chunk)}
        ids |= {i for (i,) in conn.execute(
            "SELECT id FROM mentions WHERE platform = ? AND lower(author_handle) = ?",
            (platform, name))}
        cases = [case_id for (case_id,) in conn.execute(
            f"SELECT id FROM cases WHERE platform = ? AND (lower(author_handle) IN "
            f"({', '.join('?' * len(handles))}) OR author_id IN "
            f"({', '.join('?' * len(authors)) or 'NULL'}))",
            (platform, *sorted(handles), *sorted(authors)))]
        report.posts = erase(conn, sorted(ids))
        report.authors = conn.executemany("DELETE FROM authors WHERE id = ?",
                                          [(a,) for a in sorted(authors)]).rowcount
        keys = sorted({account, *(account_key(platform, h) for h in handles),
                       *(a.lower() for a in authors)})
        for table in ("panel_members", "loyalty_accounts"):
            report.memberships += conn.executemany(
                f"DELETE FROM {table} WHERE account = ?", [(k,) for k in keys]).rowcount
        # Member cursors name the person in their keys.
        for h in handles | {a.partition(":")[2] for a in authors}:
            conn.execute("DELETE FROM checkpoints WHERE key LIKE ? ESCAPE '\\'",
                         (f"%:member:{_like(h)}%",))
        pattern = _names(handles)
        for case_id in cases:
            conn.execute("UPDATE cases SET author_handle = '[forgotten]', author_id = NULL "
                         "WHERE id = ?", (case_id,))
            for event_id, detail in conn.execute(
                    "SELECT id, detail FROM case_events WHERE case_id = ? AND detail IS NOT NULL",
                    (case_id,)).fetchall():
                cleaned = pattern.sub("[forgotten]", detail)
                if cleaned != detail:
                    conn.execute("UPDATE case_events SET detail = ? WHERE id = ?",
                                 (cleaned, event_id))
        report.cases = len(cases)
        report.alerts = _redact_alerts(conn, cases, sorted(ids), pattern)
    log.info("forgot %s: %d posts deleted, %d kept as redacted stubs, %d cases redacted",
             account, report.posts.deleted, report.posts.redacted, report.cases)
    return report


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _names(handles: set[str]) -> re.Pattern[str]:
    """The person's handles as they appear in text (``@name``, ``u/name``, ``name``)."""
    alternatives = "|".join(re.escape(h) for h in sorted(handles, key=len, reverse=True))
    return re.compile(rf"(?:@|u/)?\b(?:{alternatives})\b", re.IGNORECASE)


def _redact_alerts(conn: Connection, cases: Sequence[int], mention_ids: Sequence[str],
                   pattern: re.Pattern[str]) -> int:
    """Alerts about the person's cases or posts lose their text; others lose their name."""
    touched = 0
    about = set(cases)
    keys = {f"churn:{mention_id}" for mention_id in mention_ids}
    for alert_id, key, case_id, title, body in conn.execute(
            "SELECT id, key, case_id, title, body FROM alerts").fetchall():
        if case_id in about or key in keys:
            conn.execute("UPDATE alerts SET title = ?, body = ?, facts = NULL WHERE id = ?",
                         (pattern.sub("[forgotten]", title), REDACTED, alert_id))
            touched += 1
        elif pattern.search(title) or pattern.search(body):
            conn.execute("UPDATE alerts SET title = ?, body = ? WHERE id = ?",
                         (pattern.sub("[forgotten]", title), pattern.sub("[forgotten]", body),
                          alert_id))
            touched += 1
    return touched


def apply_retention(store: Store, now: datetime | None = None) -> dict[str, int]:
    """Delete panel-only posts (kept for panels though they name no brand) past retention.

    A post goes when every panel it is tagged with has a ``retention_days`` and the longest of
    them has passed, or when no panel holds its author any more. Brand mentions are not
    panel data and stay. Returns posts deleted (or stubbed) per reason.
    """
    now = now or utcnow()
    conn = store.conn
    retention = dict(conn.execute("SELECT name, retention_days FROM panels"))
    expired: list[str] = []
    orphans = [mention_id for (mention_id,) in conn.execute(
        "SELECT m.id FROM mentions m INDEXED BY idx_mentions_panel_only "
        "WHERE m.panel_only = 1 AND m.author_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM mention_panels p WHERE p.mention_id = m.id)")]
    limited = [days for days in retention.values() if days is not None]
    if limited:
        # Nothing newer than the shortest retention can have expired.
        newest = _cutoff(now, min(limited))
        rows = conn.execute(
            "SELECT m.id, m.created_at, group_concat(p.panel, char(31)) FROM mentions m "
            "JOIN mention_panels p ON p.mention_id = m.id "
            "WHERE m.panel_only = 1 AND m.created_at < ? GROUP BY m.id", (newest,))
        for mention_id, created_at, panels in rows:
            days = [retention.get(panel) for panel in panels.split("\x1f")]
            if None not in days and created_at < _cutoff(now, max(days)):  # type: ignore[type-var]
                expired.append(mention_id)
    done = {"expired": 0, "orphaned": 0}
    if expired or orphans:
        with store.transaction() as conn:
            for reason, ids in (("expired", expired), ("orphaned", orphans)):
                erased = erase(conn, ids, EXPIRED)
                done[reason] = erased.deleted + erased.redacted
    if any(done.values()):
        log.info("retention: %d panel posts past retention, %d no longer in any panel",
                 done["expired"], done["orphaned"])
    return done


def _cutoff(now: datetime, days: int) -> str:
    return utc_iso(now - timedelta(days=days)) or ""

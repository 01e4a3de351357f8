"""The one store: a SQLite file through sqlite-utils, WAL mode, migrated on open.

Tables (readable by Datasette or ``sqlite3``):

- ``mentions``: one row per post (``id`` = ``platform:native_id``), with author, text, times,
  thread, engagement and the raw payload; ``mentions_fts`` indexes its text.
- ``mention_brands``: which brand(s) a mention names and what rule matched.
- ``mention_topics``: which configured topics (queries) a mention matches.
- ``scores``: the scoring of each mention (sentiment, language, complaint, churn, risk).
- ``authors``: the latest known profile of each author.
- ``panels``, ``panel_members``: audiences followed by their accounts (config panels live in
  the config, not here); ``loyalty_accounts``: which accounts belong to loyalty members.
- ``alerts``, ``alert_deliveries``: alerts and their outbox (one row per channel and address,
  with its idempotency key, attempts and status).
- ``rollup_daily``, ``rollup_topics``, ``rollup_churn``: per-day aggregates the reports read,
  kept in step with every write (see ``earful.rollups``).
- ``checkpoints``: where each source or import stopped, written in the same transaction
  as the posts it covers, so a killed run resumes without gaps or duplicates.

Other tools may read the file freely; new mentions should be written through
:meth:`Store.save`, which indexes them for full-text search.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import sqlite_utils
from sqlite_utils import Migrations

from earful import rollups
from earful.errors import StoreError
from earful.models import (
    PACKED_COLUMNS,
    PACKED_LANGUAGE,
    PACKED_RISK,
    BrandMatch,
    PackedScore,
    Post,
    Score,
    json_text,
    pack_score,
    unpack_score,
    utc_iso,
    utcnow,
)
from earful.wal import Checkpointer

# Python's sqlite3 binds ints, floats and strings directly, but treats None as a value to
# adapt: with no adapter registered for it, each None it binds costs a registry miss, an
# AttributeError built (message formatted) and discarded, and a vain `__conform__` lookup.
# A stored post binds about sixteen (an X post has no thread, no edit time, no subreddit; an
# author row, no profile fields), and this was a tenth of storing's instructions. With an
# adapter registered, a None is found in the registry, and `{}.get`, a C function, gives None
# back for SQLite's NULL, as before. It holds for every connection in the process, and
# changes nothing but the time taken.
sqlite3.register_adapter(type(None), {}.get)

migrations = Migrations("earful")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE authors (
            id TEXT PRIMARY KEY, platform TEXT NOT NULL, native_id TEXT NOT NULL,
            handle TEXT, name TEXT, followers INTEGER, following INTEGER, verified INTEGER,
            post_count INTEGER, karma INTEGER, created_at TEXT, updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE mentions (
            id TEXT PRIMARY KEY, platform TEXT NOT NULL, native_id TEXT NOT NULL,
            kind TEXT NOT NULL, url TEXT,
            author_id TEXT REFERENCES authors(id), author_handle TEXT, author_followers INTEGER,
            text TEXT NOT NULL, lang TEXT, language TEXT,
            created_at TEXT NOT NULL, collected_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            edited_at TEXT, version_id TEXT,
            thread_id TEXT, parent_id TEXT, community TEXT,
            likes INTEGER, replies INTEGER, reposts INTEGER, quotes INTEGER,
            engagement INTEGER NOT NULL DEFAULT 0,
            source TEXT, raw TEXT
        )"""
    )
    db.execute(
        """
        CREATE TABLE mention_brands (
            mention_id TEXT NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
            brand TEXT NOT NULL, role TEXT NOT NULL, rule TEXT NOT NULL,
            PRIMARY KEY (mention_id, brand)
        ) WITHOUT ROWID"""
    )
    db.execute(
        """
        CREATE TABLE scores (
            mention_id TEXT PRIMARY KEY REFERENCES mentions(id) ON DELETE CASCADE,
            sentiment REAL, positive REAL, neutral REAL, negative REAL,
            sentiment_label TEXT NOT NULL, sentiment_basis TEXT NOT NULL,
            language TEXT NOT NULL, language_confidence REAL NOT NULL,
            complaint REAL NOT NULL, complaint_reason TEXT,
            churn_intent REAL NOT NULL, churn_target TEXT, churn_destination TEXT,
            churn_phrases TEXT, opportunity INTEGER NOT NULL DEFAULT 0,
            risk TEXT NOT NULL, risk_score REAL NOT NULL, reasons TEXT,
            scorer_version TEXT NOT NULL, scored_at TEXT NOT NULL
        ) WITHOUT ROWID"""
    )
    db.execute(
        "CREATE TABLE checkpoints (key TEXT PRIMARY KEY, value TEXT NOT NULL, "
        "updated_at TEXT NOT NULL)"
    )
    # Every index costs each insert a few microseconds, and inserts are the hot path: index
    # only what the views filter on. ``id`` is ``platform:native_id``, so its primary key is
    # the (platform, native id) uniqueness; brand filters go through mention_brands' key.
    db.execute("CREATE INDEX idx_mentions_created ON mentions(created_at)")
    # An external-content FTS index. New rows are indexed in bulk by `Store.save` (one
    # INSERT … SELECT per batch costs a fifth of a per-row trigger); the triggers keep deletes
    # and *text* edits in step, so refreshing engagement counts does not re-index the text.
    db["mentions"].enable_fts(["text"], tokenize="unicode61 remove_diacritics 2")
    # executescript would COMMIT the migration's transaction half-way: one statement each.
    for trigger in (
        """CREATE TRIGGER mentions_fts_ad AFTER DELETE ON mentions BEGIN
          INSERT INTO mentions_fts(mentions_fts, rowid, text)
          VALUES ('delete', old.rowid, old.text);
        END""",
        """CREATE TRIGGER mentions_fts_au AFTER UPDATE OF text ON mentions BEGIN
          INSERT INTO mentions_fts(mentions_fts, rowid, text)
          VALUES ('delete', old.rowid, old.text);
          INSERT INTO mentions_fts(rowid, text) VALUES (new.rowid, new.text);
        END""",
    ):
        db.execute(trigger)


@migrations()
def m002_topics(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE mention_topics (
            mention_id TEXT NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
            topic TEXT NOT NULL,
            PRIMARY KEY (mention_id, topic)
        ) WITHOUT ROWID"""
    )
    # "Which mentions are about shipping" reads by topic.
    db.execute("CREATE INDEX idx_mention_topics_topic ON mention_topics(topic, mention_id)")


@migrations()
def m003_job_runs(db: sqlite_utils.Database) -> None:
    # One row per scheduled collection run: what the status view and, later, alerts read
    # ("source x has failed 5 times in a row").
    db.execute(
        """
        CREATE TABLE job_runs (
            id INTEGER PRIMARY KEY, job TEXT NOT NULL, source TEXT NOT NULL,
            started_at TEXT NOT NULL, finished_at TEXT NOT NULL,
            status TEXT NOT NULL,  -- ok | stopped | error | rate_limited
            new INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL DEFAULT 0,
            problems INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0,
            error TEXT, next_run_at TEXT
        )"""
    )
    db.execute("CREATE INDEX idx_job_runs_job ON job_runs(job, started_at)")


@migrations()
def m004_cases(db: sqlite_utils.Database) -> None:
    for statement in (
        """CREATE TABLE cases (
            id INTEGER PRIMARY KEY,
            mention_id TEXT NOT NULL REFERENCES mentions(id),  -- the post that opened it
            platform TEXT NOT NULL, author_id TEXT, author_handle TEXT, thread_id TEXT,
            brand TEXT, language TEXT,
            team TEXT, assignee TEXT, priority TEXT NOT NULL, rule TEXT, reasons TEXT,
            status TEXT NOT NULL,  -- new | assigned | waiting | responded | resolved
            escalated INTEGER NOT NULL DEFAULT 0, snoozed_until TEXT,
            opened_at TEXT NOT NULL, last_post_at TEXT NOT NULL,
            first_response_at TEXT, resolved_at TEXT, responses INTEGER NOT NULL DEFAULT 0,
            first_contact_resolution INTEGER, updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX idx_cases_status ON cases(status, team)",
        "CREATE INDEX idx_cases_author ON cases(author_id, opened_at)",
        """CREATE TABLE case_mentions (
            case_id INTEGER NOT NULL REFERENCES cases(id),
            mention_id TEXT NOT NULL REFERENCES mentions(id),
            added_at TEXT NOT NULL,
            PRIMARY KEY (case_id, mention_id)
        ) WITHOUT ROWID""",
        "CREATE UNIQUE INDEX idx_case_mentions_mention ON case_mentions(mention_id)",
        # The audit trail: every change of every case, who did it and when.
        """CREATE TABLE case_events (
            id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
            at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
            from_status TEXT, to_status TEXT, detail TEXT
        )""",
        "CREATE INDEX idx_case_events_case ON case_events(case_id, id)",
    ):
        db.execute(statement)


@migrations()
def m005_sla_events(db: sqlite_utils.Database) -> None:
    # SLA warnings and breaches, each once per case and clock: what alerts page on.
    db.execute(
        """CREATE TABLE sla_events (
            id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
            clock TEXT NOT NULL,  -- first_response | resolution
            kind TEXT NOT NULL,  -- warning | breached
            at TEXT NOT NULL, deadline TEXT, team TEXT, assignee TEXT, priority TEXT,
            UNIQUE (case_id, clock, kind)
        )""")


@migrations()
def m006_audiences(db: sqlite_utils.Database) -> None:
    # Accounts are ``platform:handle`` keys (see ``earful.models.account_key``) or author ids.
    for statement in (
        """CREATE TABLE panels (
            name TEXT PRIMARY KEY, description TEXT, created_at TEXT NOT NULL
        )""",
        """CREATE TABLE panel_members (
            panel TEXT NOT NULL REFERENCES panels(name) ON DELETE CASCADE,
            account TEXT NOT NULL, added_at TEXT NOT NULL,
            origin TEXT NOT NULL,  -- cli | import | rule
            PRIMARY KEY (panel, account)
        ) WITHOUT ROWID""",
        "CREATE INDEX idx_panel_members_account ON panel_members(account)",
        # Loyalty members' accounts: linked from the community bot or imported from the CRM.
        """CREATE TABLE loyalty_accounts (
            account TEXT PRIMARY KEY, loyalty_id TEXT NOT NULL, linked_at TEXT NOT NULL,
            origin TEXT NOT NULL  -- import | discord
        ) WITHOUT ROWID""",
        "CREATE INDEX idx_loyalty_accounts_member ON loyalty_accounts(loyalty_id)",
    ):
        db.execute(statement)


@migrations()
def m007_alerts(db: sqlite_utils.Database) -> None:
    for statement in (
        # One row per alert; later events with the same key group into it (count).
        """CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL,
            title TEXT NOT NULL, body TEXT NOT NULL, link TEXT, facts TEXT,
            case_id INTEGER, brand TEXT, team TEXT, assignee TEXT,
            policy TEXT, steps_done INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL,  -- open | acknowledged | resolved
            count INTEGER NOT NULL DEFAULT 1,
            raised_at TEXT NOT NULL, last_event_at TEXT NOT NULL,
            acked_at TEXT, acked_by TEXT, resolved_at TEXT, resolved_by TEXT
        )""",
        "CREATE INDEX idx_alerts_key ON alerts(key, status)",
        "CREATE INDEX idx_alerts_status ON alerts(status, raised_at)",
        # The outbox: written in the transaction that raises or escalates the alert, before
        # anything is sent; a delivery is marked sent only after its channel accepted it.
        """CREATE TABLE alert_deliveries (
            id INTEGER PRIMARY KEY,
            alert_id INTEGER NOT NULL REFERENCES alerts(id),
            channel TEXT NOT NULL, address TEXT NOT NULL DEFAULT '',
            recipient TEXT NOT NULL,  -- who it is for: a person or the channel itself
            step INTEGER NOT NULL,
            idempotency_key TEXT NOT NULL UNIQUE,  -- one delivery per alert, channel, address
            digest INTEGER NOT NULL DEFAULT 0,  -- low severity: sent with others, in one message
            status TEXT NOT NULL,  -- pending | sent | skipped
            attempts INTEGER NOT NULL DEFAULT 0, due_at TEXT NOT NULL, last_error TEXT,
            created_at TEXT NOT NULL, sent_at TEXT
        )""",
        "CREATE INDEX idx_alert_deliveries_due ON alert_deliveries(status, due_at)",
        "CREATE INDEX idx_alert_deliveries_sent ON alert_deliveries(channel, sent_at)",
        "CREATE INDEX idx_alert_deliveries_alert ON alert_deliveries(alert_id)",
    ):
        db.execute(statement)


@migrations()
def m008_panel_posts(db: sqlite_utils.Database) -> None:
    for statement in (
        # Panels made from the CLI (origin cli) and copies of the config's (origin config,
        # kept in step by `panels.registry.sync_config`), so members and tags can refer to them.
        "ALTER TABLE panels ADD COLUMN origin TEXT NOT NULL DEFAULT 'cli'",
        "ALTER TABLE panels ADD COLUMN rule TEXT",  # JSON of a PanelRule; NULL: a list panel
        "ALTER TABLE panels ADD COLUMN collect INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE panels ADD COLUMN retention_days INTEGER",
        "ALTER TABLE panels ADD COLUMN refresh REAL NOT NULL DEFAULT 3600",
        "ALTER TABLE panels ADD COLUMN refreshed_at TEXT",
        # Which panels a mention's author was in: written with the mention, and again when
        # a panel's members change.
        """CREATE TABLE mention_panels (
            mention_id TEXT NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
            panel TEXT NOT NULL REFERENCES panels(name) ON DELETE CASCADE,
            PRIMARY KEY (panel, mention_id)
        ) WITHOUT ROWID""",
        "CREATE INDEX idx_mention_panels_mention ON mention_panels(mention_id)",
        # A panel member's post that names no brand: kept for the panel, not a brand mention
        # (brand views leave it out; retention deletes it).
        "ALTER TABLE mentions ADD COLUMN panel_only INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX idx_mentions_author ON mentions(author_id)",
        # Retention reads only panel-only posts: a partial index costs brand mentions nothing.
        "CREATE INDEX idx_mentions_panel_only ON mentions(created_at) WHERE panel_only = 1",
        # Finding an account's author ids by handle (members are added by handle).
        "CREATE INDEX idx_authors_handle ON authors(platform, lower(handle))",
    ):
        db.execute(statement)


@migrations()
def m009_community(db: sqlite_utils.Database) -> None:
    for statement in (
        # Loyalty members known to the community bot: a Discord account linked to a loyalty id.
        """CREATE TABLE loyalty_members (
            loyalty_id TEXT PRIMARY KEY, discord_user_id TEXT UNIQUE, display_name TEXT,
            tier TEXT, linked_at TEXT, nps_sent_at TEXT
        ) WITHOUT ROWID""",
        # One-time codes a member types in /link; issued to the loyalty id by the brand (CRM).
        """CREATE TABLE link_codes (
            code TEXT PRIMARY KEY, loyalty_id TEXT NOT NULL, created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL, used_at TEXT, used_by TEXT
        ) WITHOUT ROWID""",
        # Append-only: a balance is the sum of a member's rows. `ref` makes an award happen
        # once (the message marked helpful, the day's activity, a redemption).
        """CREATE TABLE points_ledger (
            id INTEGER PRIMARY KEY, loyalty_id TEXT NOT NULL, delta INTEGER NOT NULL,
            kind TEXT NOT NULL,  -- activity | helpful | event | survey | grant | revoke | redeem
            reason TEXT, ref TEXT, actor TEXT, at TEXT NOT NULL,
            UNIQUE (kind, ref)
        )""",
        "CREATE INDEX idx_points_ledger_member ON points_ledger(loyalty_id, at)",
        """CREATE TABLE rewards (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, cost INTEGER NOT NULL,
            stock INTEGER,  -- NULL: no limit
            description TEXT, active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL
        ) WITHOUT ROWID""",
        """CREATE TABLE redemptions (
            id INTEGER PRIMARY KEY, loyalty_id TEXT NOT NULL, reward_id TEXT NOT NULL,
            cost INTEGER NOT NULL, at TEXT NOT NULL, status TEXT NOT NULL  -- placed | fulfilled
        )""",
        # A /support thread and the case it became; replies to relay into it.
        """CREATE TABLE support_threads (
            thread_id TEXT PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
            channel_id TEXT, discord_user_id TEXT NOT NULL, opened_at TEXT NOT NULL
        ) WITHOUT ROWID""",
        "CREATE INDEX idx_support_threads_case ON support_threads(case_id)",
        """CREATE TABLE discord_outbox (
            id INTEGER PRIMARY KEY, thread_id TEXT NOT NULL, text TEXT NOT NULL,
            kind TEXT NOT NULL,  -- reply | survey | notice
            ref TEXT, created_at TEXT NOT NULL, sent_at TEXT, UNIQUE (kind, ref)
        )""",
        "CREATE INDEX idx_discord_outbox_pending ON discord_outbox(sent_at, id)",
        """CREATE TABLE surveys (
            id INTEGER PRIMARY KEY, kind TEXT NOT NULL,  -- csat | nps | ces
            discord_user_id TEXT NOT NULL, loyalty_id TEXT, case_id INTEGER,
            sent_at TEXT NOT NULL, answered_at TEXT, score INTEGER, comment TEXT,
            UNIQUE (kind, discord_user_id, case_id, sent_at)
        )""",
        "CREATE INDEX idx_surveys_kind ON surveys(kind, answered_at)",
    ):
        db.execute(statement)


@migrations()
def m010_report_rollups(db: sqlite_utils.Database) -> None:
    for statement in (
        *rollups.SCHEMA,
        # An author's posts in a period (influencers, panels): one range of this index.
        "DROP INDEX idx_mentions_author",
        "CREATE INDEX idx_mentions_author ON mentions(author_id, created_at)",
        # The top risk posts, read from the riskiest down; low-risk rows (most of them) cost
        # the index nothing.
        "CREATE INDEX idx_scores_risky ON scores(risk_score) WHERE risk <> 'low'",
        # Influencers, read from the widest reach down.
        "CREATE INDEX idx_authors_followers ON authors(followers)",
    ):
        db.execute(statement)
    # Counted by m012, once the thresholds they are counted with are in the database.


@migrations()
def m011_discord_outbox_failed(db: sqlite_utils.Database) -> None:
    # A message Discord refuses for good (thread deleted, direct messages closed) is kept with
    # Discord's reason and leaves the pending outbox, instead of being tried on every tick.
    for statement in ("ALTER TABLE discord_outbox ADD COLUMN failed_at TEXT",
                      "ALTER TABLE discord_outbox ADD COLUMN error TEXT"):
        db.execute(statement)


@migrations()
def m012_rollup_thresholds(db: sqlite_utils.Database) -> None:
    # The thresholds the report aggregates count churn threats and complaints from, held with
    # them: `[scoring] churn` and `complaint` (see `Store.use_thresholds`).
    for statement in rollups.THRESHOLDS_SCHEMA:
        db.execute(statement)
    # Aggregates counted before were counted with the defaults; those m010 just created for
    # a file with mentions are empty, and counted now.
    if not db.execute("SELECT 1 FROM rollup_daily LIMIT 1").fetchone():
        rollups.rebuild(db.conn)


def now_iso() -> str:
    return utc_iso(utcnow()) or ""



class Scored:
    """A post ready for the store: what it is, which brands it names, how it scored.

    ``score`` is None for a post unchanged since it was stored (the stored score is kept).
    A score may come packed (``packed``, from a scoring process): it is then unpacked only
    when something reads :attr:`score`, which the store itself never needs to.
    """

    __slots__ = ("_packed", "_score", "matches", "panels", "post", "source", "topics")

    def __init__(self, post: Post, matches: list[BrandMatch], score: Score | None,
                 source: str = "", topics: list[str] | None = None, *,
                 packed: PackedScore | None = None, panels: Sequence[str] = ()) -> None:
        self.post = post
        self.matches = matches
        self.source = source
        self.topics = [] if topics is None else topics
        self.panels = panels  # the author's panels: a post may name no brand if it has some
        self._score = score
        self._packed = packed

    @property
    def score(self) -> Score | None:
        if self._score is None and self._packed is not None:
            self._score = unpack_score(self._packed)
        return self._score

    @property
    def scored(self) -> bool:
        """Whether the post comes with a (new) score, without unpacking it."""
        return self._score is not None or self._packed is not None

    @property
    def risk(self) -> str | None:
        """The score's risk tier, without unpacking it."""
        if self._packed is not None:
            return self._packed[PACKED_RISK]
        return self._score.risk if self._score is not None else None

    @property
    def packed(self) -> PackedScore | None:
        if self._packed is None and self._score is not None:
            self._packed = pack_score(self._score)
        return self._packed

    def __repr__(self) -> str:
        return (f"Scored({self.post!r}, {self.matches!r}, {self.score!r}, {self.source!r}, "
                f"{self.topics!r})")


@dataclass(slots=True)
class SaveResult:
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)  # same text, new counts

    @property
    def stored(self) -> int:
        return len(self.new) + len(self.updated) + len(self.refreshed)


_MENTION_COLUMNS = (
    "id", "platform", "native_id", "kind", "url", "author_id", "author_handle", "author_followers",
    "text", "lang", "language", "created_at", "collected_at", "updated_at", "edited_at",
    "version_id", "thread_id", "parent_id", "community", "likes", "replies", "reposts", "quotes",
    "engagement", "source", "raw", "panel_only",
)
# On a repeat, counts and the text move on; the first collection time is kept.
_MENTION_UPDATE = ", ".join(
    f"{column} = coalesce(excluded.{column}, {column})"
    for column in _MENTION_COLUMNS
    if column not in ("id", "platform", "native_id", "collected_at", "created_at", "language")
)
_INSERT_MENTION = (
    f"INSERT INTO mentions ({', '.join(_MENTION_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_MENTION_COLUMNS))}) "
    f"ON CONFLICT(id) DO UPDATE SET {_MENTION_UPDATE}, "
    "language = coalesce(excluded.language, language)"
)
_AUTHOR_COLUMNS = (
    "id", "platform", "native_id", "handle", "name", "followers", "following", "verified",
    "post_count", "karma", "created_at", "updated_at",
)
# A known author's row is rewritten only if the profile changed: authors post again and again,
# and rewriting an unchanged row still rewrites its pages and its handle index entry. So
# ``updated_at`` is when the profile last changed (nothing reads it).
_INSERT_AUTHOR = (
    f"INSERT INTO authors ({', '.join(_AUTHOR_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_AUTHOR_COLUMNS))}) ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{c} = coalesce(excluded.{c}, {c})" for c in _AUTHOR_COLUMNS[3:])
    + " WHERE "
    + " OR ".join(f"coalesce(excluded.{c}, {c}) IS NOT {c}" for c in _AUTHOR_COLUMNS[3:-1])
)
_SCORE_COLUMNS = (
    "mention_id", "sentiment", "positive", "neutral", "negative", "sentiment_label",
    "sentiment_basis", "language", "language_confidence", "complaint", "complaint_reason",
    "churn_intent", "churn_target", "churn_destination", "churn_phrases", "opportunity", "risk",
    "risk_score", "reasons", "scorer_version", "scored_at",
)
_INSERT_SCORE = (
    f"INSERT OR REPLACE INTO scores ({', '.join(_SCORE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_SCORE_COLUMNS))})"
)


# Ids per `IN (...)` query: old SQLite builds allow 999 bound parameters.
IN_CHUNK = 900


def in_chunks(values: Sequence[Any]) -> Iterator[tuple[Sequence[Any], str]]:
    """``values`` in slices small enough for one ``IN (...)``, each with its placeholders."""
    for start in range(0, len(values), IN_CHUNK):
        chunk = values[start : start + IN_CHUNK]
        yield chunk, ", ".join("?" * len(chunk))


class Store:
    """The Earful database. Opening it applies pending migrations.

    The write-ahead log is copied into the database by a background thread each time it
    holds ``checkpoint_pages`` pages (see :mod:`earful.wal`).

    Example::

        store = Store("earful.db")
        store.count("mentions")
    """

    def __init__(self, path: str | Path, *, checkpoint_pages: int = 10_000) -> None:
        self.path = Path(path)
        self._nested = 0  # depth of `transaction` blocks open
        self._foreign_keys = True  # whether the open transaction checks foreign keys
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: transactions are explicit (see `transaction`).
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self.db = sqlite_utils.Database(conn)
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA busy_timeout = 10000")
            # Up to 64 MiB of pages, not the default 2 MiB: each batch inserts into indexes
            # keyed at random (authors, mentions by author), and once those outgrow the cache
            # every insert rereads pages from the file. At 100,000 mentions this cut
            # Store.save's SQL from about 95 to 75 CPU µs per post. Pages are kept only when
            # read, so a small database uses little.
            self.db.execute("PRAGMA cache_size = -65536")
            # Copy the WAL into the database every 10,000 pages (40 MiB), not SQLite's 1,000:
            # each checkpoint copies every page a batch touched and waits for two fsyncs, and
            # with fewer of them a page rewritten batch after batch is copied once. Replaying
            # a 100,000-post run, COMMIT fell from 15 to 10 CPU µs per post, from 39 to 20 µs
            # of wall time. The copying runs in a thread of its own (see earful.wal).
            self.checkpointer = (None if str(path) == ":memory:" else
                                 Checkpointer(self.path, conn, pages=checkpoint_pages))
            if migrations.pending(self.db):
                # Under the write lock, read the pending list again and apply it: two
                # processes opening an older file at once (the listener and the bot after an
                # upgrade) would otherwise both apply the same migration.
                conn.execute("BEGIN IMMEDIATE")
                try:
                    migrations.apply(self.db)  # each migration a savepoint in this transaction
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path}: cannot open as an Earful store: {error}") from None

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def close(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.close()
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self, *, foreign_keys: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it lands, or none of it does.

        Opened inside another, it is part of the outer one, which commits (or rolls back)
        the two together: so the pipeline stores several batches with one commit.

        ``foreign_keys=False`` turns SQLite's foreign key checks off for this transaction,
        for writes that keep the keys by construction (:meth:`save` writes each author
        before its mentions and each mention before its scores, brands and topics). Those
        checks are a lookup per row: 3 of the 45 µs a post that storing costs. Only such
        transactions may nest in one opened so.
        """
        if self._nested:
            if foreign_keys and not self._foreign_keys:
                raise RuntimeError("a transaction that needs foreign key checks cannot run "
                                   "inside one opened with foreign_keys=False")
            self._nested += 1
            try:
                yield self.conn
            finally:
                self._nested -= 1
            return
        if not foreign_keys:  # a no-op once the transaction has begun: set it before
            self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self._nested, self._foreign_keys = 1, foreign_keys
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            finally:
                self._nested, self._foreign_keys = 0, True
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                # A COMMIT that fails (disk full, an I/O error) may leave the transaction
                # open: the next BEGIN would fail, and the PRAGMA below would be a no-op.
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        finally:
            if not foreign_keys:
                self.conn.execute("PRAGMA foreign_keys = ON")
        if self.checkpointer is not None:
            self.checkpointer.committed()

    # -- checkpoints --------------------------------------------------------------------------
    def checkpoint(self, key: str) -> Any:
        """The stored position for ``key`` (any JSON value), or None."""
        row = self.conn.execute("SELECT value FROM checkpoints WHERE key = ?", [key]).fetchone()
        return orjson.loads(row[0]) if row else None

    def _write_checkpoint(self, conn: sqlite3.Connection, key: str, value: Any) -> None:
        conn.execute(
            "INSERT INTO checkpoints (key, value, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at",
            [key, json_text(value), now_iso()],
        )

    def set_checkpoint(self, key: str, value: Any) -> None:
        with self.transaction() as conn:
            self._write_checkpoint(conn, key, value)

    def use_thresholds(self, churn: float, complaint: float) -> bool:
        """Count churn threats from intent ``churn`` and complaints from probability
        ``complaint`` in the report aggregates (``[scoring] churn`` and ``complaint``). When
        they differ from those the database was counted with, everything is recounted, in one
        transaction: whether it was."""
        # Read first: most calls change nothing, and need not wait for the write lock.
        if rollups.thresholds(self.conn) == (churn, complaint):
            return False
        with self.transaction() as conn:
            return rollups.set_thresholds(conn, churn, complaint)

    # -- mentions -----------------------------------------------------------------------------
    def stored_texts(self, ids: Sequence[str]) -> dict[str, str]:
        """The stored text of those ids that are already in the store."""
        found: dict[str, str] = {}
        for chunk, marks in in_chunks(ids):
            found.update(self.conn.execute(
                f"SELECT id, text FROM mentions WHERE id IN ({marks})", chunk).fetchall())
        return found

    def save(self, items: Iterable[Scored], *, checkpoint: tuple[str, Any] | None = None,
             known: dict[str, str] | None = None) -> SaveResult:
        """Upsert posts, their authors, brand matches and scores in one transaction.

        A post already stored with the same text only has its counts refreshed (its score is
        kept); a changed text (an edit) replaces the text, matches and score. ``checkpoint``
        is written in the same transaction, so the position never runs ahead of the data.
        ``known`` is :meth:`stored_texts` of these posts, if the caller already asked.
        """
        items = list(items)
        result = SaveResult()
        if known is None:
            known = self.stored_texts([item.post.id for item in items])
        collected = now_iso()
        mention_rows, author_rows, score_rows, brand_rows, rematched = [], {}, [], [], []
        topic_rows: list[tuple[str, str]] = []
        panel_rows: list[tuple[str, str]] = []
        fresh: dict[str, rollups.New] = {}  # new posts, for the report rollups
        for item in items:
            post, packed = item.post, item.packed
            post_id = post.id  # a property that formats the id: read it once
            author = post.author
            created = utc_iso(post.created_at)
            if author is not None:
                author_id = author.id
                author_rows[author_id] = (
                    author_id, author.platform, author.native_id, author.handle, author.name,
                    author.followers, author.following,
                    None if author.verified is None else int(author.verified),
                    author.post_count, author.karma,
                    author.created_at and utc_iso(author.created_at), collected,
                )
                handle, followers = author.handle, author.followers
            else:
                author_id = handle = followers = None
            mention_rows.append((
                post_id, post.platform, post.native_id, post.kind, post.url, author_id, handle,
                followers, post.text, post.lang, packed[PACKED_LANGUAGE] if packed else None,
                created, collected, collected,
                post.edited_at and utc_iso(post.edited_at), post.version_id, post.thread_id,
                post.parent_id, post.community, post.likes, post.replies, post.reposts,
                post.quotes, post.engagement, item.source or None, json_text(post.raw),
                0 if item.matches else 1,
            ))
            if item.panels:
                panel_rows += [(post_id, panel) for panel in item.panels]
            previous = known.get(post_id)
            if previous is None:
                result.new.append(post_id)
                fresh[post_id] = (created[:10], post.platform,
                                  [(m.brand, m.role) for m in item.matches], item.topics,
                                  packed, post.engagement, followers)
            elif previous != post.text:
                result.updated.append(post_id)
                rematched.append(post_id)
            else:
                result.refreshed.append(post_id)
                continue
            # Plain loops: a post names one or two brands and has a topic or none, too few
            # for a generator to pay for itself.
            for match in item.matches:
                brand_rows.append((post_id, match.brand, match.role, match.rule))
            for topic in item.topics:
                topic_rows.append((post_id, topic))
            if packed is not None:
                score_rows.append((post_id, *packed[:PACKED_COLUMNS], collected))
        existing = [*result.updated, *result.refreshed]
        # Unchecked (see `transaction`): authors go in before mentions, mentions before what
        # hangs on them, and a panel that is gone is checked for below.
        with self.transaction(foreign_keys=False) as conn:
            # What these posts added to the report rollups is taken out, then added again as
            # they now stand (counts, edits and scores all change it).
            rollups.apply(conn, existing, -1)
            # In key order: each upsert then finds its key next to the last one's, on index
            # pages still in the CPU's caches (7 % of the upserts' time at 100,000 posts).
            conn.executemany(_INSERT_AUTHOR, [author_rows[key] for key in sorted(author_rows)])
            # New rows get rowids above the current maximum (the table has no AUTOINCREMENT
            # gaps to reuse below it), so this finds exactly the rows to add to the index.
            (top,) = conn.execute("SELECT coalesce(max(rowid), 0) FROM mentions").fetchone()
            conn.executemany(_INSERT_MENTION, mention_rows)
            conn.execute("INSERT INTO mentions_fts(rowid, text) "
                         "SELECT rowid, text FROM mentions WHERE rowid > ?", [top])
            for table in ("mention_brands", "mention_topics"):
                conn.executemany(f"DELETE FROM {table} WHERE mention_id = ?",
                                 [(mention_id,) for mention_id in rematched])
            conn.executemany("INSERT OR REPLACE INTO mention_brands VALUES (?, ?, ?, ?)",
                             brand_rows)
            conn.executemany("INSERT OR REPLACE INTO mention_topics VALUES (?, ?)", topic_rows)
            conn.executemany(_INSERT_SCORE, score_rows)
            if panel_rows:
                # The panels were read before the batch was scored: one may have been
                # deleted since.
                conn.executemany("INSERT OR IGNORE INTO mention_panels (mention_id, panel) "
                                 "SELECT ?1, name FROM panels WHERE name = ?2", panel_rows)
            rollups.add_mentions(conn, fresh.values())
            rollups.apply(conn, existing, 1)
            if checkpoint is not None:
                self._write_checkpoint(conn, *checkpoint)
        return result

    def record_run(self, run: dict[str, Any]) -> None:
        """Append one scheduled run (columns of ``job_runs``) to the run log."""
        with self.transaction() as conn:
            columns = ", ".join(run)
            conn.execute(f"INSERT INTO job_runs ({columns}) VALUES "
                         f"({', '.join('?' * len(run))})", list(run.values()))

    def count(self, table: str) -> int:
        return self.db[table].count

    def mention(self, mention_id: str) -> dict[str, Any] | None:
        """One mention with its score and brands, or None."""
        row = self.conn.execute(
            "SELECT m.*, s.* FROM mentions m LEFT JOIN scores s ON s.mention_id = m.id "
            "WHERE m.id = ?", [mention_id]
        )
        columns = [d[0] for d in row.description]
        found = row.fetchone()
        if found is None:
            return None
        record = dict(zip(columns, found, strict=True))
        record["brands"] = [
            dict(zip(("brand", "role", "rule"), b, strict=True)) for b in self.conn.execute(
                "SELECT brand, role, rule FROM mention_brands WHERE mention_id = ?", [mention_id])
        ]
        record["topics"] = [topic for (topic,) in self.conn.execute(
            "SELECT topic FROM mention_topics WHERE mention_id = ? ORDER BY topic", [mention_id])]
        return record


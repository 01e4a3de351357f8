from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from earful.errors import StoreError
from earful.models import BrandMatch, ChurnSignal, Score, utc_iso
from earful.store import Scored, Store
from earful.wal import BACKSTOP
from tests.conftest import make_post

KESTREL = [BrandMatch("Kestrel", "brand", "name:Kestrel")]


def a_score(risk: str = "low") -> Score:
    return Score(0.5, 0.3, 0.7, 0.0, "positive", "text", "en", 0.9, 0.1, "no complaint cues",
                 ChurnSignal(), False, risk, 0.0, [], "test")


@pytest.mark.parametrize(("moment", "text"), [
    (datetime(2026, 11, 2, 14, 5, 9, tzinfo=UTC), "2026-11-02T14:05:09Z"),
    (datetime(2026, 11, 2, 14, 5, 9, 999_999, tzinfo=UTC), "2026-11-02T14:05:09Z"),
    (datetime(2026, 11, 2, 14, 5, 9), "2026-11-02T14:05:09Z"),  # naive: taken as UTC
    (datetime(2026, 11, 2, 9, 5, 9, 5, tzinfo=timezone(timedelta(hours=-5))),
     "2026-11-02T14:05:09Z"),
    (datetime(2026, 1, 1, 1, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
     "2025-12-31T20:00:00Z"),
    (datetime(2026, 7, 1, 16, 5, 9, tzinfo=ZoneInfo("Europe/Berlin")), "2026-07-01T14:05:09Z"),
    (datetime(2026, 7, 1, 14, 5, 9, tzinfo=ZoneInfo("Etc/UTC")), "2026-07-01T14:05:09Z"),
    (datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC), "0999-01-02T03:04:05Z"),  # four-digit years
    (None, None),
])
def test_times_are_stored_as_utc_text_to_the_second(moment: datetime | None,
                                                     text: str | None) -> None:
    assert utc_iso(moment) == text


class _Subclass(datetime):
    pass


@pytest.mark.parametrize(("moment", "text"), [
    (_Subclass(2026, 11, 2, 14, 5, 9, 999_999, tzinfo=UTC), "2026-11-02T14:05:09Z"),
    (_Subclass(2026, 11, 2, 14, 5, 9), "2026-11-02T14:05:09Z"),
    (_Subclass(2026, 7, 1, 16, 5, 9, tzinfo=ZoneInfo("Europe/Berlin")), "2026-07-01T14:05:09Z"),
])
def test_subclasses_of_datetime_are_stored_alike(moment: datetime, text: str) -> None:
    # freezegun's FakeDatetime, pendulum's DateTime: orjson refuses them
    assert utc_iso(moment) == text


def test_none_is_still_bound_as_null_on_any_connection(tmp_path: Path) -> None:
    # earful.store registers an adapter for None (for speed): SQL must see NULL, as before,
    # here and on connections the store did not open
    store = Store(tmp_path / "e.db")
    other = sqlite3.connect(":memory:")
    assert other.execute("SELECT ? IS NULL, typeof(?)", [None, None]).fetchone() == (1, "null")
    store.conn.execute("CREATE TABLE t (a, b)")
    store.conn.executemany("INSERT INTO t VALUES (?, ?)", [(None, 1), (2, None)])
    assert store.conn.execute("SELECT count(*) FROM t WHERE a IS NULL OR b IS NULL"
                              ).fetchone() == (2,)
    store.close()


def test_schema_is_migrated_and_readable_by_sqlite3(tmp_path: Path) -> None:
    path = tmp_path / "e.db"
    Store(path).close()
    Store(path).close()  # reopening applies nothing twice
    conn = sqlite3.connect(path)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"mentions", "mention_brands", "mention_topics", "job_runs", "scores", "authors",
            "checkpoints", "mentions_fts", "panels", "panel_members", "loyalty_accounts",
            "mention_panels", "alerts", "alert_deliveries", "rollup_daily", "rollup_topics",
            "rollup_churn", "rollup_thresholds", "_sqlite_migrations"} <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == 12


def test_same_post_twice_is_stored_once_and_counts_refresh(store: Store) -> None:
    post = make_post("100", "Love my Kestrel jacket", likes=1)
    first = store.save([Scored(post, KESTREL, a_score())])
    assert first.new == ["x:100"]
    again = make_post("100", "Love my Kestrel jacket", likes=7)
    second = store.save([Scored(again, KESTREL, None)])
    assert second.refreshed == ["x:100"] and not second.new
    assert store.count("mentions") == 1
    row = store.mention("x:100")
    assert row["likes"] == 7 and row["risk"] == "low"  # stored score kept
    assert row["brands"] == [{"brand": "Kestrel", "role": "brand", "rule": "name:Kestrel"}]


def test_an_edit_updates_text_score_and_search_index(store: Store) -> None:
    store.save([Scored(make_post("7", "Kestrel boots are fine"), KESTREL, a_score())])
    edited = make_post("7", "Kestrel boots leaking after a week, refund please")
    result = store.save([Scored(edited, KESTREL, a_score("medium"))])
    assert result.updated == ["x:7"]
    assert store.mention("x:7")["risk"] == "medium"
    search = "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?"
    assert store.conn.execute(search, ["leaking"]).fetchall()
    assert not store.conn.execute(search, ["fine"]).fetchall()


def test_checkpoint_lands_with_its_batch_or_not_at_all(store: Store) -> None:
    good = Scored(make_post("1", "Kestrel ok"), KESTREL, a_score())
    store.save([good], checkpoint=("src", {"records": 1}))
    assert store.checkpoint("src") == {"records": 1}
    broken = Scored(make_post("2", "Kestrel ok"), [BrandMatch("Kestrel", "brand", None)],
                    a_score())  # NOT NULL rule: the insert fails inside the transaction
    with pytest.raises(sqlite3.IntegrityError):
        store.save([broken], checkpoint=("src", {"records": 2}))
    assert store.checkpoint("src") == {"records": 1}
    assert store.mention("x:2") is None


def test_saves_in_one_transaction_land_together_or_not_at_all(store: Store) -> None:
    first = Scored(make_post("1", "Kestrel ok"), KESTREL, a_score())
    second = Scored(make_post("2", "Kestrel fine"), KESTREL, a_score())
    broken = Scored(make_post("3", "Kestrel ok"), [BrandMatch("Kestrel", "brand", None)],
                    a_score())
    with pytest.raises(sqlite3.IntegrityError), store.transaction():
        store.save([first], checkpoint=("src", 1))
        store.save([broken], checkpoint=("src", 2))
    assert store.count("mentions") == 0 and store.checkpoint("src") is None
    with store.transaction():
        store.save([first], checkpoint=("src", 1))
        assert store.save([first, second]).new == ["x:2"]  # sees the first save's rows
        with sqlite3.connect(store.path) as reader:  # nothing committed yet
            assert reader.execute("SELECT count(*) FROM mentions").fetchone() == (0,)
    assert store.count("mentions") == 2 and store.checkpoint("src") == 1


def test_foreign_keys_are_checked_again_after_an_unchecked_transaction(store: Store) -> None:
    def checks() -> int:
        return store.conn.execute("PRAGMA foreign_keys").fetchone()[0]

    orphan = "INSERT INTO mention_topics (mention_id, topic) VALUES ('x:none', 'shipping')"
    with store.transaction(foreign_keys=False):
        assert checks() == 0
    assert checks() == 1
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
        conn.execute(orphan)
    with pytest.raises(ZeroDivisionError), store.transaction(foreign_keys=False):
        store.save([Scored(make_post("1", "Kestrel ok"), KESTREL, a_score())])
        1 / 0  # noqa: B018
    assert checks() == 1 and store.count("mentions") == 0
    # What needs the checks cannot run without them: it would silently write orphans.
    with pytest.raises(RuntimeError, match="foreign key"), \
            store.transaction(foreign_keys=False), store.transaction() as conn:
        conn.execute(orphan)
    assert checks() == 1 and store.count("mention_topics") == 0


@pytest.mark.parametrize("foreign_keys", [True, False])
def test_a_failed_commit_rolls_back_and_the_store_goes_on(store: Store,
                                                          foreign_keys: bool) -> None:
    def refuse_commit(action: int, operation: str | None, *_: object) -> int:
        refused = action == sqlite3.SQLITE_TRANSACTION and operation == "COMMIT"
        return sqlite3.SQLITE_DENY if refused else sqlite3.SQLITE_OK

    # SQLite's authorizer refuses the COMMIT statement itself, as a full disk would fail it:
    # the transaction is still open when the error reaches Python.
    with pytest.raises(sqlite3.DatabaseError, match="not authorized"), \
            store.transaction(foreign_keys=foreign_keys):
        store.save([Scored(make_post("1", "Kestrel ok"), KESTREL, a_score())])
        store.conn.set_authorizer(refuse_commit)
    store.conn.set_authorizer(None)
    assert not store.conn.in_transaction
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.count("mentions") == 0
    store.save([Scored(make_post("2", "Kestrel again"), KESTREL, a_score())])
    assert [row[0] for row in store.conn.execute("SELECT id FROM mentions")] == ["x:2"]


def test_a_panel_deleted_before_its_members_post_is_stored(store: Store) -> None:
    store.conn.execute("INSERT INTO panels (name, description, created_at) "
                       "VALUES ('trail-crew', '', '2026-11-01T00:00:00Z')")
    post = Scored(make_post("1", "new boots day"), [], a_score(), panels=["trail-crew", "gone"])
    assert store.save([post]).new == ["x:1"]
    assert store.conn.execute("SELECT mention_id, panel FROM mention_panels").fetchall() == [
        ("x:1", "trail-crew")]


def test_authors_keep_their_latest_profile(store: Store) -> None:
    store.save([Scored(make_post("1", "Kestrel", handle="dana", followers=10), KESTREL,
                       a_score())])
    store.save([Scored(make_post("2", "Kestrel again", handle="dana", followers=12), KESTREL,
                       a_score())])
    rows = list(store.db.query("SELECT id, followers FROM authors"))
    assert rows == [{"id": "x:u-dana", "followers": 12}]


def test_an_unchanged_author_is_not_rewritten(store: Store) -> None:
    def save(native_id: str, followers: int | None) -> str:
        store.save([Scored(make_post(native_id, "Kestrel", handle="dana", followers=followers),
                           KESTREL, a_score())])
        (row,) = store.conn.execute("SELECT followers, updated_at FROM authors")
        return row

    first = save("1", 10)
    store.conn.execute("UPDATE authors SET updated_at = 'before'")  # to see a rewrite
    assert save("2", 10) == (10, "before")  # the same profile: left as it was
    assert save("3", None) == (10, "before")  # followers not given: kept
    followers, updated = save("4", 11)
    assert followers == 11 and updated != "before" and updated >= first[1]


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("this is not sqlite " * 100)
    with pytest.raises(StoreError, match="cannot open as an Earful store"):
        Store(path)


def test_a_packed_score_unpacks_equal_and_stores_the_same_row(tmp_path: Path) -> None:
    # Scoring processes send scores packed as the store writes them.
    from earful.models import pack_score, unpack_score

    churn = ChurnSignal(0.85, "Kestrel", "Trovia", ["switching to Trovia", "bye"], False, True)
    scores = [a_score(), Score(-0.61, 0.0, 0.4, 0.6, "negative", "text", "en", 0.6, 0.93,
                               "complaint cues: 'refund'", churn, True, "high", 4.5,
                               ["churn intent 0.85: leaving Kestrel", "émoji 😡"], "1"),
              Score(None, None, None, None, "unscored", "none", "de", 0.8312, 0.14,
                    "no complaint cues (de lexicon)", ChurnSignal(), False, "low", 0.0, [],
                    "1")]
    for score in scores:
        assert unpack_score(pack_score(score)) == score
    rows = []
    for name, packed in (("plain", False), ("packed", True)):
        with Store(tmp_path / f"{name}.db") as store:
            items = [Scored(make_post(str(i), "Kestrel ok"), KESTREL,
                            None if packed else score,
                            packed=pack_score(score) if packed else None)
                     for i, score in enumerate(scores)]
            store.save(items)
            rows.append([row[:-1] for row in  # all but scored_at
                         store.conn.execute("SELECT * FROM scores ORDER BY mention_id")]
                        + store.conn.execute("SELECT id, language FROM mentions").fetchall())
    assert rows[0] == rows[1] and len(rows[0]) == 6


def test_a_packed_score_is_unpacked_only_when_read() -> None:
    from earful.models import pack_score

    item = Scored(make_post("1", "Kestrel ok"), KESTREL, None,
                  packed=pack_score(a_score("medium")))
    assert item.scored and item.risk == "medium"
    assert item._score is None  # not unpacked for that
    assert item.score == a_score("medium")
    unchanged = Scored(make_post("2", "Kestrel ok"), KESTREL, None)
    assert not unchanged.scored and unchanged.risk is None and unchanged.score is None


def test_the_log_is_copied_into_the_database_in_the_background(tmp_path: Path) -> None:
    path = tmp_path / "e.db"
    store = Store(path, checkpoint_pages=20)
    checkpointer = store.checkpointer
    assert checkpointer is not None
    # SQLite's own checkpoint stays, for writes made outside Store.transaction.
    assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 20 * BACKSTOP * 2
    wal = Path(f"{path}-wal")
    largest = 0
    for batch in range(40):
        store.save([Scored(make_post(f"{batch}-{n}", f"Kestrel post {batch} {n} " * 20,
                                     handle=f"h{n}", followers=batch), KESTREL, a_score())
                    for n in range(50)])
        largest = max(largest, wal.stat().st_size)
    assert checkpointer.checkpoints >= 1
    # Bounded: past the backstop the writer checkpoints itself, so the log starts over.
    (page_size,) = store.conn.execute("PRAGMA page_size").fetchone()
    one_batch = 100 * (page_size + 24)  # bytes: more than one batch of 50 posts writes
    assert largest < BACKSTOP * checkpointer.threshold + one_batch
    # Another connection sees every row, from the database file and the log together.
    other = sqlite3.connect(path)
    assert other.execute("SELECT count(*) FROM mentions").fetchone()[0] == 2000
    assert other.execute("SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH "
                         "'Kestrel'").fetchone()[0] == 2000
    other.close()
    store.close()
    assert checkpointer._thread is None  # stopped with the store
    assert not wal.exists()  # the last connection copied the rest and removed the log
    with Store(path) as again:
        assert again.count("mentions") == 2000
        assert again.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_processes_opening_an_older_file_apply_its_migrations_once(tmp_path: Path,
                                                                       monkeypatch) -> None:
    # The listener and the bot restarting together after an upgrade: the second waits for the
    # first's migrations, then finds none pending (it used to apply them again and fail on
    # the record of the first's). Threads stand in for the processes: each has its own
    # connection, and SQLite's locks are the same.
    import threading
    import time

    from earful import rollups

    path = tmp_path / "old.db"
    with Store(path) as store:  # a file from before the last migration
        store.conn.execute("DROP TABLE rollup_thresholds")
        store.conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm012_rollup_thresholds'")
    rebuild = rollups.rebuild

    def slow_rebuild(conn) -> None:  # the first to migrate is still at it when the second opens
        time.sleep(0.5)
        rebuild(conn)

    monkeypatch.setattr(rollups, "rebuild", slow_rebuild)
    errors: list[BaseException] = []

    def open_store() -> None:
        try:
            Store(path).close()
        except BaseException as error:  # reported below
            errors.append(error)

    first = threading.Thread(target=open_store)
    first.start()
    time.sleep(0.1)
    open_store()
    first.join()
    assert errors == []
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM _sqlite_migrations "
                        "WHERE name = 'm012_rollup_thresholds'").fetchone() == (1,)

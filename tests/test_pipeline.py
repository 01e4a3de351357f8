"""The pipeline on the bundled sample, whose intended meaning is in fixtures/sample_labels.json."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from benchmarks.synthetic import x_response_lines
from earful.models import author_accounts
from earful.store import Store
from listener.pipeline import Pipeline
from listener.sources.replay import ReplaySource
from tests.conftest import ROOT, make_post

LABELS = json.loads((ROOT / "tests" / "fixtures" / "sample_labels.json").read_text())


@pytest.fixture(scope="module")
def sample_store(settings, tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("sample") / "earful.db")
    runs = Pipeline(settings, store).run_once()
    assert all(run.error is None and not run.problems for run in runs)
    yield store
    store.close()


def stored(store: Store) -> dict[str, dict]:
    rows = {row["id"]: row for row in store.db.query(
        "SELECT m.id, s.risk, s.churn_intent, s.churn_target, s.opportunity, s.language "
        "FROM mentions m JOIN scores s ON s.mention_id = m.id")}
    for mention_id, brand in store.conn.execute("SELECT mention_id, brand FROM mention_brands"):
        rows[mention_id].setdefault("brands", set()).add(brand)
    return rows


def by_category(category: str) -> list[str]:
    return [mention_id for mention_id, label in LABELS.items() if label["category"] == category]


def sample_authors(settings) -> dict[str, list[str]]:
    """Each sample post's author accounts, read from the sample files themselves."""
    accounts = {}
    for name, config in settings.sources.items():
        if config.type != "replay" or not config.enabled:
            continue
        source = ReplaySource(name, config.platform, config.paths, base_dir=settings.base_dir)
        for batch in source.batches(Store(":memory:")):
            for post in batch.posts:
                author = post.author  # None: a deleted account
                accounts[post.id] = author_accounts(post.platform, author.handle, author.id) \
                    if author else []
    return accounts


def test_every_post_is_tagged_with_exactly_the_brands_it_names(settings, sample_store) -> None:
    rows = stored(sample_store)
    members = {account for panel in settings.panels for account in panel.members}
    authors = sample_authors(settings)
    panel_only = dict(sample_store.conn.execute("SELECT id, panel_only FROM mentions"))
    tagged = {mention_id for (mention_id,) in sample_store.conn.execute(
        "SELECT mention_id FROM mention_panels")}
    kept_for_panel = 0
    for mention_id, label in LABELS.items():
        member = bool(members & set(authors[mention_id]))
        assert (mention_id in tagged) == member, mention_id
        if label["brands"]:
            assert rows[mention_id]["brands"] == set(label["brands"]), mention_id
            assert not panel_only[mention_id]
        elif member:  # a panel member's post is followed even when it names no brand
            assert "brands" not in rows[mention_id] and panel_only[mention_id], mention_id
            kept_for_panel += 1
        else:
            assert mention_id not in rows, f"{mention_id} names no brand but was stored"
    assert kept_for_panel >= 1
    assert len(rows) == sum(1 for label in LABELS.values() if label["brands"]) + kept_for_panel


def test_churn_threats_against_us_are_high_risk(sample_store: Store) -> None:
    rows = stored(sample_store)
    threats = by_category("churn_threat")
    assert len(threats) >= 30
    for mention_id in threats:
        row = rows[mention_id]
        assert row["risk"] == "high" and row["churn_target"] in ("Kestrel", None), mention_id
        assert not row["opportunity"]


def test_competitor_churn_is_an_opportunity_not_a_risk(sample_store: Store) -> None:
    rows = stored(sample_store)
    for mention_id in by_category("competitor_churn"):
        row = rows[mention_id]
        assert row["opportunity"] and row["risk"] != "high", mention_id
        assert row["churn_target"] in ("Trovia", "Nimbus"), mention_id


def test_negated_and_conditional_threats_are_not_definite(sample_store: Store) -> None:
    rows = stored(sample_store)
    negated = by_category("churn_negated")
    withdrawn = [m for m in negated if rows[m]["churn_intent"] < 0.5]
    # One post ("asked if I cancelled …: no, they made it right") answers a question; the
    # detector does not follow question-and-answer yet.
    assert len(withdrawn) >= len(negated) - 1
    for mention_id in by_category("churn_hypothetical"):
        assert rows[mention_id]["churn_intent"] < 0.8, mention_id


def test_brand_replies_and_spam_are_not_risks(sample_store: Store) -> None:
    rows = stored(sample_store)
    assert all(rows[m]["risk"] == "low" for m in by_category("support_reply"))
    assert all(rows[m]["risk"] != "high" for m in by_category("spam"))


def test_languages_are_detected(sample_store: Store) -> None:
    rows = stored(sample_store)
    labelled = [(label["lang"], rows[m]["language"]) for m, label in LABELS.items()
                if m in rows and label.get("lang") not in (None, "und")]
    agree = sum(1 for want, got in labelled if want == got)
    assert agree / len(labelled) >= 0.97
    spanish = [m for m, label in LABELS.items() if m in rows and label.get("lang") == "es"]
    assert spanish and all(rows[m]["language"] == "es" for m in spanish)


def test_rerun_adds_nothing(settings, sample_store: Store) -> None:
    before = sample_store.count("mentions")
    runs = Pipeline(settings, sample_store).run_once()
    assert sum(run.new + run.updated for run in runs) == 0
    assert sample_store.count("mentions") == before


def test_an_edit_updates_the_stored_post(settings, store: Store, tmp_path: Path) -> None:
    tweet = {"id": "2100000000000000001", "text": "@KestrelHelp boots arrived, nice",
             "author_id": "42", "created_at": "2026-11-02T10:00:00.000Z",
             "edit_history_tweet_ids": ["2100000000000000001"]}
    edited = {**tweet, "id": "2100000000000000002",
              "text": "@KestrelHelp boots arrived with a torn sole. refund please",
              "created_at": "2026-11-02T10:05:00.000Z",
              "edit_history_tweet_ids": ["2100000000000000001", "2100000000000000002"]}
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps({"data": [tweet]}))
    second.write_text(json.dumps({"data": [edited]}))
    pipeline = Pipeline(settings, store)
    assert pipeline.run_source(ReplaySource("t", "x", [first])).new == 1
    assert pipeline.run_source(ReplaySource("t", "x", [second])).updated == 1
    row = store.mention("x:2100000000000000001")
    assert "torn sole" in row["text"] and row["version_id"] == "2100000000000000002"
    assert store.count("mentions") == 1


def write_tweets(path: Path, count: int) -> None:
    with path.open("wb") as out:
        for response in x_response_lines(count, per_response=50):
            out.write(orjson.dumps(response) + b"\n")


# With workers, batches are stored in groups of four, one transaction each: the failing fourth
# batch takes the three before it down with it, and their checkpoint too.
@pytest.mark.parametrize("workers, batch, before", [(1, 100, 300), (2, 300, 0)])
def test_failure_midway_then_rerun_is_complete_and_duplicate_free(
        settings, tmp_path: Path, monkeypatch, workers: int, batch: int, before: int) -> None:
    data = tmp_path / "tweets.ndjson"
    write_tweets(data, 3000)
    with Store(tmp_path / "clean.db") as clean:
        expected = Pipeline(settings, clean, workers=1).run_source(
            ReplaySource("import", "x", [data], batch_size=batch)).new
    with Store(tmp_path / "crash.db") as store, \
            Pipeline(settings, store, workers=workers) as pipeline:
        real_save, calls = store.save, {"n": 0}

        def failing_save(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 4:
                raise OSError("disk went away")
            return real_save(*args, **kwargs)

        monkeypatch.setattr(store, "save", failing_save)
        with pytest.raises(OSError):
            pipeline.run_source(ReplaySource("import", "x", [data], batch_size=batch))
        assert store.count("mentions") == before
        monkeypatch.setattr(store, "save", real_save)
        pipeline.run_source(ReplaySource("import", "x", [data], batch_size=batch))
        assert store.count("mentions") == expected
        distinct = store.conn.execute("SELECT count(DISTINCT native_id) FROM mentions").fetchone()
        assert distinct[0] == expected


def test_sigkill_during_import_then_restart(tmp_path: Path) -> None:
    data = tmp_path / "tweets.ndjson"
    write_tweets(data, 6000)
    db = tmp_path / "e.db"
    env = {**os.environ, "EARFUL_DB": str(db)}
    command = [sys.executable, "-m", "earful", "--config", str(ROOT / "config.toml"), "import",
               "--platform", "x", "--batch-size", "200", str(data)]
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    killed = False
    while time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as conn:
                    if conn.execute("SELECT count(*) FROM mentions").fetchone()[0] >= 400:
                        child.send_signal(signal.SIGKILL)
                        killed = True
                        break
            except sqlite3.OperationalError:
                continue  # schema not created yet
    child.wait()
    assert killed, "the import finished before it could be killed; make the file larger"
    with sqlite3.connect(db) as conn:
        partial = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
    assert partial < 6000
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    with sqlite3.connect(db) as conn:
        total, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT native_id) FROM mentions").fetchone()
    # Every synthetic tweet names a brand, so all of them must be there, each once.
    assert total == distinct == 6000


def test_after_store_hooks_see_each_stored_batch(settings, store: Store) -> None:
    seen = defaultdict(list)
    pipeline = Pipeline(settings, store)
    pipeline.after_store.append(lambda result: seen[result.source].extend(
        item.post.id for item in result.stored))
    pipeline.run_once(only=["sample-x"])
    assert len(seen["sample-x"]) == store.count("mentions")


def dump(store: Store) -> tuple[list, list]:
    scores = store.conn.execute("SELECT * FROM scores ORDER BY mention_id").fetchall()
    scored_at = [d[0] for d in store.conn.execute("SELECT * FROM scores").description].index(
        "scored_at")
    brands = store.conn.execute("SELECT * FROM mention_brands ORDER BY 1, 2").fetchall()
    return [row[:scored_at] + row[scored_at + 1:] for row in scores], brands


def test_scoring_processes_store_exactly_what_one_process_stores(settings, tmp_path: Path,
                                                                   monkeypatch) -> None:
    monkeypatch.setattr("listener.pipeline.PARALLEL_MIN", 1)  # every batch goes to workers
    results = []
    for workers in (1, 2):
        with Store(tmp_path / f"w{workers}.db") as store, \
                Pipeline(settings, store, workers=workers) as pipeline:
            runs = pipeline.run_once()
            assert (pipeline.pool is not None) == (workers > 1)
            results.append((dump(store), sum(run.new for run in runs)))
    (serial, serial_new), (parallel, parallel_new) = results
    members = {account for panel in settings.panels for account in panel.members}
    followed = [m for m, accounts in sample_authors(settings).items()
                if LABELS[m]["brands"] or members & set(accounts)]
    assert serial_new == parallel_new == len(followed)
    assert serial == parallel


@pytest.mark.skipif(sys.platform != "linux", reason="pipe sizes are Linux's")
def test_a_chunk_of_results_fits_in_the_pipe_back_from_a_worker(settings) -> None:
    # Pickled, the results of a chunk of 1,000 posts are about 220 KB: in a 64 KiB pipe the
    # worker would wait for the main process to read the rest before scoring on.
    import fcntl

    from listener.scoring import Scorer
    from listener.workers import PIPE_BYTES, ScoringPool

    pool = ScoringPool(settings, Scorer(settings), 1)
    try:
        executor = pool._start()
        for connection in (executor._result_queue._reader, executor._call_queue._writer):
            assert fcntl.fcntl(connection.fileno(), fcntl.F_GETPIPE_SZ) >= min(
                PIPE_BYTES, int(Path("/proc/sys/fs/pipe-max-size").read_text()))
    finally:
        pool.close()


def test_workers_collect_garbage_though_started_while_the_collector_was_paused(
        settings, store: Store, monkeypatch) -> None:
    # The pool starts (forks) inside the batch that first needs it, while the pipeline has
    # the collector paused; a worker lives as long as the listener, so it must not stay off.
    import gc

    monkeypatch.setattr("listener.pipeline.PARALLEL_MIN", 1)
    with Pipeline(settings, store, workers=2) as pipeline:
        pipeline.process([make_post("1", "Kestrel boots arrived")], source="test")
        executor = pipeline.pool._start()
        assert executor.submit(gc.isenabled).result() is True
        assert executor.submit(gc.get_threshold).result()[0] == 20_000
    assert gc.isenabled()


def test_chunks_stolen_from_the_workers_store_what_one_process_stores(settings, tmp_path: Path,
                                                                       monkeypatch) -> None:
    # The main process scores the chunks no worker has started when it needs them: whichever
    # process scored a chunk, the store ends up the same.
    from listener import pipeline as module

    monkeypatch.setattr(module, "PARALLEL_MIN", 1)
    monkeypatch.setattr(module, "CHUNK", 7)
    stolen = {True: 0, False: 0}
    real_steal = module._Chunk.steal

    def counting_steal(chunk, scorer):
        took = real_steal(chunk, scorer)
        stolen[took] += 1
        return took

    monkeypatch.setattr(module._Chunk, "steal", counting_steal)
    # A slow worker, so that the main process surely finds chunks no worker has started.
    from listener import workers as worker_module

    real_run = worker_module._run

    def slow_run(jobs):
        time.sleep(0.01)
        return real_run(jobs)

    slow_run.__module__, slow_run.__qualname__ = worker_module.__name__, "_run"  # by name
    monkeypatch.setattr(worker_module, "_run", slow_run)
    dumps = []
    for workers in (1, 2):
        with Store(tmp_path / f"w{workers}.db") as store, \
                Pipeline(settings, store, workers=workers) as pipeline:
            pipeline.run_once()
            dumps.append(dump(store))
    assert dumps[0] == dumps[1]
    assert stolen[True] > 0 and stolen[False] > 0  # chunks scored here, and by the worker


def test_a_post_in_two_batches_in_flight_is_stored_once(settings, store: Store,
                                                        monkeypatch) -> None:
    # With workers, batch 2 is scored before batch 1 is stored: it must still see batch 1.
    from earful.models import Author, Post
    from listener.sources import Batch

    monkeypatch.setattr("listener.pipeline.PARALLEL_MIN", 1)
    when = datetime(2026, 11, 2, tzinfo=UTC)
    post = Post("x", "1", "@KestrelHelp boots arrived", when, author=Author("x", "7"))
    edit = Post("x", "1", "@KestrelHelp boots arrived torn, refund please", when,
                author=Author("x", "7"))
    with Pipeline(settings, store, workers=2) as pipeline:
        results = list(pipeline.process_batches(
            [Batch([post]), Batch([post]), Batch([edit]), Batch([post])], source="t"))
    assert [(len(r.saved.new), len(r.saved.refreshed), len(r.saved.updated))
            for r in results] == [(1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 0, 1)]
    row = store.mention("x:1")
    assert row["text"] == "@KestrelHelp boots arrived" and row["complaint"] < 0.5
    assert store.count("mentions") == 1


def test_a_small_batch_waiting_behind_a_scoring_one_sees_what_it_stored(
        settings, store: Store, monkeypatch) -> None:
    # Batch 2 is too small for the workers and scored at once, but stored after batch 1:
    # its post is no longer new by then, and the report rollups must count it once.
    from earful.models import Author, Post
    from listener.sources import Batch

    monkeypatch.setattr("listener.pipeline.PARALLEL_MIN", 2)
    when = datetime(2026, 11, 2, tzinfo=UTC)
    post = Post("x", "1", "@KestrelHelp boots arrived", when, author=Author("x", "7"))
    other = Post("x", "2", "@KestrelHelp tent arrived", when, author=Author("x", "8"))
    with Pipeline(settings, store, workers=2) as pipeline:
        results = list(pipeline.process_batches([Batch([post, other]), Batch([post])],
                                                source="t"))
    assert [(len(r.saved.new), len(r.saved.refreshed)) for r in results] == [(2, 0), (0, 1)]
    (volume,) = store.conn.execute(
        "SELECT sum(n) FROM rollup_daily WHERE brand = ''").fetchone()
    assert volume == 2


def one_post_batches(count: int) -> list:
    """``count`` batches of one brand mention each, ``x:0``, ``x:1``…, by different authors."""
    from earful.models import Author, Post
    from listener.sources import Batch

    when = datetime(2026, 11, 2, tzinfo=UTC)
    return [Batch([Post("x", str(n), f"@KestrelHelp order {n} arrived", when,
                        author=Author("x", str(n)))]) for n in range(count)]


def test_batches_scored_by_workers_are_committed_four_at_a_time(settings, store: Store,
                                                                monkeypatch) -> None:
    # One commit per group of four batches; each batch's hooks run once its group is durable.
    monkeypatch.setattr("listener.pipeline.PARALLEL_MIN", 1)
    batches = one_post_batches(10)
    statements: list[str] = []
    visible = []  # mentions another connection sees when each batch's hook runs

    def hook(result) -> None:
        with sqlite3.connect(store.path) as reader:
            visible.append(reader.execute("SELECT count(*) FROM mentions").fetchone()[0])

    with Pipeline(settings, store, workers=2) as pipeline:
        pipeline.after_store.append(hook)
        store.conn.set_trace_callback(statements.append)  # once the panels are synced
        results = list(pipeline.process_batches(batches, source="t"))
    store.conn.set_trace_callback(None)
    assert [len(result.saved.new) for result in results] == [1] * 10
    assert statements.count("COMMIT") == 3
    assert visible == [4, 4, 4, 4, 8, 8, 8, 8, 10, 10]


def test_a_failing_hook_does_not_keep_the_rest_of_its_group_from_theirs(settings, store: Store,
                                                                          monkeypatch) -> None:
    monkeypatch.setattr("listener.pipeline.PARALLEL_MIN", 1)
    batches = one_post_batches(4)
    hooked = []

    def hook(result) -> None:
        hooked.append(result.saved.new[0])
        if result.saved.new == ["x:1"]:
            raise RuntimeError("routing failed")

    with Pipeline(settings, store, workers=2) as pipeline:
        pipeline.after_store.append(hook)
        with pytest.raises(RuntimeError, match="routing failed"):
            list(pipeline.process_batches(batches, source="t"))
    assert hooked == ["x:0", "x:1", "x:2", "x:3"]  # the four stored together, hooked each
    assert store.count("mentions") == 4


def test_replay_progress_is_bytes_read_of_all_files(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "big.ndjson"
    with path.open("wb") as out:
        for line in x_response_lines(3000, per_response=10):
            out.write(orjson.dumps(line) + b"\n")
    sample = ROOT / "listener" / "sample" / "x_search.ndjson"
    source = ReplaySource("p", "x", [str(sample), str(path)], batch_size=200)
    seen: list[tuple[int, int | None]] = []
    batches = list(source.batches(store, lambda done, total: seen.append((done, total))))
    total = sample.stat().st_size + path.stat().st_size
    assert batches and {t for _, t in seen} == {total}
    done = [d for d, _ in seen]
    assert done == sorted(done) and done[-1] == total
    # Partway through the big file, the position is partway through it too.
    assert any(sample.stat().st_size < d < total for d in done)

"""The scheduled listener over simulated hours: real APScheduler, real threads, frozen clock.

The clock is moved a minute at a time; after each step the scheduler is woken and the test
waits until every job that was due has been submitted and has finished (APScheduler events),
so what ran, and when, is exact.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
)
from freezegun import freeze_time

from earful.config import parse_config
from earful.errors import RateLimited, SourceError
from earful.store import Store
from listener.service import Listener
from listener.sources import Batch
from tests.conftest import make_post

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def now() -> datetime:
    return datetime.now(UTC)


class FakeSource:
    """Counts runs, and when they happened by the (frozen) clock."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.runs: list[datetime] = []
        self.active = 0
        self.most_active = 0
        self.release = threading.Event()
        self.release.set()

    def batches(self, store: Store, progress=None) -> Iterator[Batch]:
        self.runs.append(now())
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        try:
            self.release.wait(10)
            yield from self.collect(len(self.runs))
        finally:
            self.active -= 1

    def collect(self, run: int) -> Iterator[Batch]:
        post = make_post(f"{self.name}-{run}", f"Kestrel update {run} from {self.name}")
        yield Batch([post], [], (f"fake:{self.name}", {"run": run}))


class Failing(FakeSource):
    def collect(self, run: int) -> Iterator[Batch]:
        raise SourceError(f"{self.name}: HTTP 503 from the platform")


class LimitedOnce(FakeSource):
    def collect(self, run: int) -> Iterator[Batch]:
        if run == 1:
            raise RateLimited("too many requests", reset_at=now() + timedelta(minutes=30))
        yield from super().collect(run)


def settings_for(**intervals: str):
    return parse_config({
        "brands": [{"name": "Kestrel"}],
        "sources": {name: {"type": "replay", "platform": "x", "paths": ["unused"],
                           "interval": every, "jitter": 0}
                    for name, every in intervals.items()},
        "listen": {"misfire_grace": "5m", "max_backoff": "1h"},
    })


class Simulation:
    """Steps a frozen clock and waits until the scheduler has run what was due."""

    def __init__(self, listener: Listener, frozen) -> None:
        self.listener = listener
        self.frozen = frozen
        self.submitted = self.finished = self.skipped = 0
        self.changed = threading.Condition()
        listener.scheduler.add_listener(
            self._event, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
            | EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED)

    def _event(self, event) -> None:
        with self.changed:
            if event.code == EVENT_JOB_SUBMITTED:
                self.submitted += 1
            elif event.code in (EVENT_JOB_EXECUTED, EVENT_JOB_ERROR):
                self.finished += 1
            else:
                self.skipped += 1
            self.changed.notify_all()

    def due(self) -> int:
        return sum(1 for job in self.listener.scheduler.get_jobs()
                   if job.next_run_time is not None and job.next_run_time <= now())

    def start(self, blocked: int = 0) -> None:
        self.listener.start()
        self._wait(blocked)

    def settle(self, blocked: int = 0) -> None:
        """Wake the scheduler; wait until every due job was handed out and all but ``blocked``
        running ones are done."""
        self.listener.scheduler.wakeup()
        self._wait(blocked)

    def _wait(self, blocked: int) -> None:
        # A job is handed out (its event sent) before the scheduler moves its next run time
        # on: so once nothing is due, everything that was due has been counted. That is read
        # from the job store outside the condition's lock (the scheduler sends events while
        # holding the store's lock), and polled, as moving the time on sends no event.
        deadline = time.monotonic() + 10
        while True:
            due = self.due()
            with self.changed:
                if not due and self.finished >= self.submitted - blocked:
                    return
                assert time.monotonic() < deadline, "stuck"
                self.changed.wait(0.005)

    def run_for(self, span: timedelta, step: timedelta = timedelta(minutes=1),
                blocked: int = 0) -> None:
        end = now() + span
        self.settle(blocked)
        while now() < end:
            self.frozen.tick(step)
            self.settle(blocked)


@pytest.fixture
def frozen():
    with freeze_time(START) as clock:
        yield clock


def test_jobs_run_at_their_intervals_and_one_failing_source_backs_off(tmp_path, frozen) -> None:
    steady, failing, limited = FakeSource("steady"), Failing("failing"), LimitedOnce("limited")
    settings = settings_for(steady="10m", failing="10m", limited="5m")
    with Store(tmp_path / "earful.db") as store:
        listener = Listener(settings, store, clock=now,
                            sources={"steady": steady, "failing": failing, "limited": limited})
        simulation = Simulation(listener, frozen)
        simulation.start()
        try:
            simulation.run_for(timedelta(hours=6))
        finally:
            listener.stop()

        minutes = [int((run - START).total_seconds() // 60) for run in steady.runs]
        assert minutes == list(range(0, 361, 10))  # every 10 minutes, 6 hours, none missed
        # interval × 2^(failures-1), capped at an hour: +10, +20, +40, then +60 each time.
        assert [int((run - START).total_seconds() // 60) for run in failing.runs] == \
            [0, 10, 30, 70, 130, 190, 250, 310]
        # Rate limited at 09:00 until 09:30: nothing in between, then every 5 minutes again.
        assert [int((run - START).total_seconds() // 60) for run in limited.runs] == \
            [0, *range(30, 361, 5)]

        assert store.count("mentions") == len(steady.runs) + len(limited.runs) - 1
        rows = list(store.db.query(
            "SELECT job, status, failures, error, next_run_at FROM job_runs ORDER BY id"))
        failures = [row for row in rows if row["job"] == "failing"]
        assert [row["status"] for row in failures] == ["error"] * 8
        assert [row["failures"] for row in failures] == list(range(1, 9))
        assert "HTTP 503" in failures[0]["error"]
        assert failures[0]["next_run_at"] == "2026-11-23T09:10:00Z"
        limited_rows = [row for row in rows if row["job"] == "limited"]
        assert limited_rows[0]["status"] == "rate_limited"
        assert limited_rows[0]["next_run_at"] == "2026-11-23T09:30:00Z"
        assert {row["status"] for row in rows if row["job"] == "steady"} == {"ok"}
        state = {job.id: job for job in listener.status()}
        assert state["failing"].failures == 8 and state["steady"].total_new == len(steady.runs)


def test_a_job_never_runs_twice_at_once_and_late_runs_coalesce(tmp_path, frozen) -> None:
    slow = FakeSource("slow")
    slow.release.clear()  # the first run hangs (a slow API) until released
    settings = settings_for(slow="10m")
    with Store(tmp_path / "earful.db") as store:
        listener = Listener(settings, store, clock=now, sources={"slow": slow})
        simulation = Simulation(listener, frozen)
        simulation.start(blocked=1)
        for _ in range(1000):  # until the hanging run has really begun
            if slow.active:
                break
            time.sleep(0.01)
        try:
            simulation.run_for(timedelta(minutes=45), blocked=1)
            assert len(slow.runs) == 1 and slow.most_active == 1
            assert simulation.skipped >= 4  # 09:10, 09:20, 09:30, 09:40 found it still running
            slow.release.set()
            simulation.settle()
            simulation.run_for(timedelta(minutes=30))
        finally:
            listener.stop()
    assert slow.most_active == 1
    # After the long run, the schedule goes on from its own times (09:50, 10:00, 10:10).
    assert [int((run - START).total_seconds() // 60) for run in slow.runs] == [0, 50, 60, 70]


def test_stop_finishes_the_batch_in_hand(tmp_path, frozen) -> None:
    fetched = []

    class TwoBatches(FakeSource):
        def collect(self, run: int) -> Iterator[Batch]:
            for at in (1, 2):
                fetched.append(at)
                yield Batch([make_post(str(at), f"Kestrel {at}")], [], ("fake:two", {"at": at}))

    source = TwoBatches("two")
    with Store(tmp_path / "earful.db") as store:
        listener = Listener(settings_for(two="10m"), store, clock=now, sources={"two": source})
        # SIGTERM arrives while the first batch is being stored.
        listener.pipeline.after_store.append(lambda result: listener.stopping.set())
        simulation = Simulation(listener, frozen)
        simulation.start()
        simulation.settle()
        listener.stop()
        assert fetched == [1]  # the second page is not even asked for
        assert store.count("mentions") == 1
        assert store.checkpoint("fake:two") == {"at": 1}
        assert store.db.execute("SELECT status FROM job_runs").fetchall() == [("stopped",)]


def test_a_source_without_credentials_is_skipped_with_one_line(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)
    settings = parse_config({
        "brands": [{"name": "Kestrel"}],
        "sources": {"x": {"type": "x", "queries": ["Kestrel"],
                          "credentials": {"bearer_token": "X_BEARER_TOKEN"}}},
    })
    with Store(tmp_path / "earful.db") as store:
        listener = Listener(settings, store)
        assert listener.jobs == {}
        assert "X_BEARER_TOKEN" in listener.skipped["x"]
        assert "\n" not in listener.skipped["x"]
        with pytest.raises(SourceError, match="nothing to listen to"):
            listener.start()
        listener.stop()


@pytest.mark.parametrize("signum", ["SIGTERM", "SIGINT"])
def test_earful_listen_stops_cleanly_on_a_signal(tmp_path, signum) -> None:
    import json
    import signal
    import subprocess
    import sys

    from tests.conftest import ROOT

    db = tmp_path / "e.db"
    child = subprocess.Popen(
        [sys.executable, "-m", "earful", "--config", str(ROOT / "config.toml"), "--db", str(db),
         "listen", "--log-json"],
        cwd=tmp_path, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    events = []
    try:
        assert child.stderr is not None
        for line in child.stderr:  # until both sample sources have run once
            events.append(json.loads(line))
            if sum(e.get("event") == "job_finished" for e in events) == 2:
                break
        child.send_signal(getattr(signal, signum))
        _, rest = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0
    events += [json.loads(line) for line in rest.splitlines()]
    finished = {e["job"]: e for e in events if e.get("event") == "job_finished"}
    assert set(finished) == {"sample-x", "sample-reddit"}
    assert all(e["new"] > 0 and e["level"] == "info" for e in finished.values())
    assert [e["event"] for e in events[-2:]] == ["stopping", "stopped"]
    assert f"{signum}: finishing" in events[-2]["message"]
    with Store(db) as store:
        assert store.count("mentions") == sum(e["new"] for e in finished.values())
        assert store.count("job_runs") == 2

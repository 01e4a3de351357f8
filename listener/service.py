"""The scheduled listener behind ``earful listen``: one APScheduler job per source × stream.

Each run does exactly what ``listen --once`` does for that stream (collect → match → score →
store, each batch with its checkpoint). Jobs never overlap themselves (``max_instances=1``),
late runs are coalesced into one, and a run at most ``[listen] misfire_grace`` late still
happens. A source that fails waits interval × 2^(failures-1) (at most ``max_backoff``) before
its next try; a rate-limited source waits until the platform's reset; the other sources carry on.
Every run is appended to the store's ``job_runs`` table, which is what alerts page on.

Collection (network) runs in the scheduler's threads in parallel; storing is one writer, so
batches are stored one at a time under a lock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

from earful.config import Settings, SourceConfig
from earful.errors import RateLimited, SourceError
from earful.models import utc_iso, utcnow
from earful.store import Store
from listener.pipeline import BatchResult, Pipeline
from listener.sources import Source, build_source

if TYPE_CHECKING:
    from alerts.runner import AlertRunner

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(slots=True)
class JobState:
    """What the status view shows for one job."""

    id: str
    source: str
    stream: str | None
    interval: float
    runs: int = 0
    running: bool = False
    last_run: datetime | None = None
    last_status: str | None = None  # ok | stopped | error | rate_limited
    last_new: int = 0
    total_new: int = 0
    failures: int = 0  # in a row; 0 after a good run
    errors: int = 0  # in all
    last_error: str | None = None
    paused_until: datetime | None = None
    next_run: datetime | None = None


class Listener:
    """Schedules every enabled source; :meth:`start`, then :meth:`stop` to finish cleanly.

    Example::

        with Store(settings.db_path) as store:
            listener = Listener(settings, store)
            listener.start()
            ...  # the scheduler's threads collect; listener.status() says how it goes
            listener.stop()  # finishes the batches in hand
    """

    def __init__(self, settings: Settings, store: Store, *, only: Sequence[str] = (),
                 sources: dict[str, Source] | None = None,
                 scheduler: BaseScheduler | None = None, clock: Clock = utcnow) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock
        # One process: worker processes forked from a threaded service could inherit held locks,
        # and live batches (one API page) are below the size that pays for workers anyway.
        self.pipeline = Pipeline(settings, store, workers=1)
        from responders.intake import attach  # the listener feeds the responders, not back

        self.intake = attach(self.pipeline)
        self.stopping = threading.Event()
        self._alerts: AlertRunner | None = None
        self._store_lock = threading.Lock()
        self.skipped: dict[str, str] = {}  # source → why it is not scheduled
        self.sources: dict[str, Source] = {}
        self.jobs: dict[str, JobState] = {}
        self.scheduler = scheduler or BackgroundScheduler(
            timezone=UTC, executors={"default": ThreadPoolExecutor(8)})
        for name, config in settings.sources.items():
            if (only and name not in only) or (not only and not config.enabled):
                continue
            source = sources[name] if sources and name in sources else self._build(name, config)
            if source is not None:
                self.sources[name] = source
                self._schedule(name, source, config)

    def _build(self, name: str, config: SourceConfig) -> Source | None:
        try:
            return build_source(name, config, self.settings)
        except SourceError as error:  # missing credentials, a bad path: one clear line
            self.skipped[name] = str(error)
            log.warning("%s", error, extra={"event": "source_skipped", "source": name})
            return None

    def _schedule(self, name: str, source: Source, config: SourceConfig) -> None:
        streams: list[str | None] = list(getattr(source, "streams", None) or [None])
        for stream in streams:
            job_id = name if stream is None else f"{name}:{stream}"
            self.jobs[job_id] = JobState(job_id, name, stream, config.interval)
            self.scheduler.add_job(
                self._run, IntervalTrigger(seconds=config.interval, jitter=config.jitter or None,
                                           timezone=UTC),
                args=[job_id], id=job_id, name=job_id, max_instances=1, coalesce=True,
                misfire_grace_time=int(self.settings.listen.misfire_grace),
                next_run_time=self.clock(),  # first run as soon as the service starts
            )

    # -- running --------------------------------------------------------------------------------
    def start(self) -> None:
        if not self.jobs:
            raise SourceError("nothing to listen to: no enabled source could be scheduled"
                              + "".join(f"\n  {why}" for why in self.skipped.values()))
        if self.intake is not None:
            # Cases waiting for someone on shift are assigned as shifts begin; SLA clocks
            # cross their warning and breach points with time alone.
            self.scheduler.add_job(self._tick, IntervalTrigger(minutes=1, timezone=UTC),
                                   id="responders", name="responders", max_instances=1,
                                   coalesce=True)
        # Rule panels are recomputed when due and retention applied, on the writer's lock.
        self.scheduler.add_job(self._panels, IntervalTrigger(minutes=15, timezone=UTC),
                               id="panels", name="panels", max_instances=1, coalesce=True,
                               next_run_time=self.clock())
        # Alerts read the store on their own connection, every 30 s and right after each
        # stored batch (see `_wake_alerts`), so a high-risk post pages within seconds.
        from alerts.runner import AlertRunner  # the listener feeds alerts, not back

        self._alerts = AlertRunner(self.settings, Store(self.store.path), clock=self.clock,
                                   record_sla=self.intake is None)
        self.scheduler.add_job(self._alerts_pass, IntervalTrigger(seconds=30, timezone=UTC),
                               id="alerts", name="alerts", max_instances=1, coalesce=True)
        self.pipeline.after_store.append(self._wake_alerts)
        self.scheduler.start()

    def _panels(self) -> None:
        from panels.upkeep import upkeep  # panels read what the listener stored

        try:
            with self._store_lock:
                done = upkeep(self.store, self.settings, self.clock())
        except Exception:  # a bad pass must not stop collection; the next one retries
            log.exception("panel upkeep failed", extra={"event": "panels_failed"})
            return
        for name, change in done.refreshed.items():
            log.info("panel %s refreshed: %d joined, %d left", name, change.added,
                     change.removed, extra={"event": "panel_refreshed", "panel": name})

    def _alerts_pass(self) -> None:
        try:
            self._alerts.run_pass()
        except Exception:  # paging must survive a bad pass; the next one retries
            log.exception("alerts pass failed", extra={"event": "alerts_failed"})

    def _wake_alerts(self, result: BatchResult) -> None:
        if result.stored and not self.stopping.is_set():
            self.scheduler.modify_job("alerts", next_run_time=self.clock())

    def _tick(self) -> None:
        assert self.intake is not None
        with self._store_lock:
            for event in self.intake.tick():
                log.warning("case %s: SLA %s %s (deadline %s)", event["case_id"],
                            event["clock"].replace("_", " "), event["kind"], event["deadline"],
                            extra={"event": f"sla_{event['kind']}", **event})

    def stop(self, wait: bool = True) -> None:
        """Stop scheduling; running jobs finish the batch in hand and store it."""
        self.stopping.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)
        self.pipeline.close()
        if self._alerts is not None:
            self._alerts.store.close()

    def _run(self, job_id: str) -> None:
        state = self.jobs[job_id]
        if self.stopping.is_set():
            return
        state.running, started = True, self.clock()
        new = updated = problems = 0
        status, error, next_run = "ok", None, None
        source = self.sources[state.source]
        log.info("running %s", job_id, extra={"event": "job_started", "job": job_id})
        try:
            # Its own connection to read checkpoints: the shared one may be mid-transaction.
            with Store(self.store.path) as reader:
                stream = state.stream
                batches = (source.stream_batches(stream, reader)  # type: ignore[attr-defined]
                           if stream is not None else source.batches(reader))
                for batch in batches:
                    with self._store_lock:
                        result = self.pipeline.process(
                            batch.posts, source=state.source, checkpoint=batch.checkpoint,
                            problems=batch.problems)
                    new += len(result.saved.new)
                    updated += len(result.saved.updated)
                    problems += len(result.problems)
                    if self.stopping.is_set():  # the batch in hand is stored: stop here
                        status = "stopped"
                        break
        except RateLimited as limited:
            status, error = "rate_limited", str(limited)
            next_run = max(limited.reset_at, self.clock())
            self._pause_source(state.source, next_run)
        except Exception as failure:  # one source failing must not stop the others
            status, error = "error", f"{type(failure).__name__}: {failure}"
            state.failures += 1
            delay = min(state.interval * 2 ** (state.failures - 1),
                        self.settings.listen.max_backoff)
            next_run = self.clock() + timedelta(seconds=delay)
            self._reschedule(job_id, next_run)
        else:
            state.failures = 0
            state.paused_until = None
        finally:
            state.running = False
        state.runs += 1
        state.last_run, state.last_status, state.last_new = started, status, new
        state.total_new += new
        if error is not None:
            state.errors += 1
            state.last_error = error
        self._record(state, started, status, new, updated, problems, error, next_run)

    def _pause_source(self, source: str, until: datetime) -> None:
        for state in self.jobs.values():
            if state.source == source:
                state.paused_until = until
                self._reschedule(state.id, until)

    def _reschedule(self, job_id: str, when: datetime) -> None:
        if not self.stopping.is_set():
            self.scheduler.modify_job(job_id, next_run_time=when)

    def _record(self, state: JobState, started: datetime, status: str, new: int, updated: int,
                problems: int, error: str | None, next_run: datetime | None) -> None:
        finished = self.clock()
        fields: dict[str, Any] = {
            "job": state.id, "source": state.source, "started_at": utc_iso(started),
            "finished_at": utc_iso(finished), "status": status, "new": new, "updated": updated,
            "problems": problems, "failures": state.failures, "error": error,
            "next_run_at": utc_iso(next_run),
        }
        with self._store_lock:
            self.store.record_run(fields)
        event = {"ok": "job_finished", "stopped": "job_stopped"}.get(status, f"job_{status}")
        level = logging.INFO if status in ("ok", "stopped") else logging.WARNING
        log.log(level, "%s: %s%s", state.id, status, f" ({error})" if error else "",
                extra={"event": event, **{k: v for k, v in fields.items() if v is not None}})

    # -- status ---------------------------------------------------------------------------------
    def status(self) -> list[JobState]:
        """Every job's state, with its next run time as the scheduler has it."""
        states = []
        for state in self.jobs.values():
            job = self.scheduler.get_job(state.id)
            state.next_run = job.next_run_time if job is not None else None
            states.append(state)
        return states

"""The listening pipeline: source → dedupe → match → score → store → (after-store hooks).

Routing and alerts hang on :attr:`Pipeline.after_store`: each hook receives the
:class:`BatchResult` of a batch once it is durably stored.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime

from earful.config import Settings
from earful.errors import SourceError
from earful.models import Post
from earful.store import SaveResult, Scored, Store
from listener.formats import Problem
from listener.scoring import Scorer
from listener.sources import (
    BackfillProgress,
    Batch,
    LiveSource,
    Progress,
    Source,
    build_source,
)
from listener.workers import Decoded, Outcome, Result, ScoringPool, decode, job, run

log = logging.getLogger(__name__)


@dataclass(slots=True)
class BatchResult:
    """What one batch did. ``stored`` holds the new and edited posts with their scores."""

    source: str
    received: int = 0
    duplicates: int = 0  # the same post twice in one batch
    unmatched: int = 0
    problems: list[Problem] = field(default_factory=list)
    saved: SaveResult = field(default_factory=SaveResult)
    stored: list[Scored] = field(default_factory=list)


@dataclass(slots=True)
class SourceRun:
    """A source's run: totals over its batches, and what went wrong if it could not run."""

    source: str
    batches: int = 0
    received: int = 0
    unmatched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None
    new_by_brand: Counter[tuple[str, str]] = field(default_factory=Counter)  # (brand, platform)
    risk: Counter[str] = field(default_factory=Counter)  # tiers of new and edited posts

    def add(self, result: BatchResult) -> None:
        self.batches += 1
        self.received += result.received
        self.unmatched += result.unmatched
        self.new += len(result.saved.new)
        self.updated += len(result.saved.updated)
        self.unchanged += len(result.saved.refreshed)
        self.problems.extend(result.problems)
        new = set(result.saved.new)
        for item in result.stored:
            risk = item.risk
            if risk is not None:
                self.risk[risk] += 1
            if item.post.id in new:
                for match in item.matches:
                    self.new_by_brand[(match.brand, item.post.platform)] += 1


AfterStore = Callable[[BatchResult], None]

# Below this many posts a batch is scored in-process: handing it to workers costs more.
PARALLEL_MIN = 256


@dataclass(slots=True)
class _Scoring:
    """A batch between scoring and storing: its results, or the futures that will hold them."""

    batch: Batch
    result: BatchResult
    posts: list[Post]
    known: dict[str, str]
    results: list[Result] | None = None  # all of them, or the main process's share
    decoded: list[Decoded] = field(default_factory=list)  # the workers' share
    futures: list[Future[tuple[list[Outcome], float]]] = field(default_factory=list)
    cpu: float = 0.0  # seconds the main process spent on its share
    worker_cpu: float = 0.0

    def outcome(self) -> list[Result | Decoded]:
        """Each post's result in order: the main process's share, then the workers'."""
        for future in self.futures:
            outcomes, cpu = future.result()
            self.decoded.extend(decode(o) for o in outcomes)
            self.worker_cpu += cpu
        self.futures = []
        assert self.results is not None
        return [*self.results, *self.decoded]


class Pipeline:
    """Match, score and store posts; one instance serves every source of a run.

    With ``workers`` > 1, large batches are matched and scored in worker processes while
    the previous batch is stored; batches are still stored in order, each with its
    checkpoint. Close the pipeline (or use it as a context manager) to stop the workers.

    Example::

        with Store(settings.db_path) as store, Pipeline(settings, store) as pipeline:
            runs = pipeline.run_once()
    """

    def __init__(self, settings: Settings, store: Store, scorer: Scorer | None = None,
                 workers: int | None = None) -> None:
        self.settings = settings
        self.store = store
        self.scorer = scorer or Scorer(settings)
        self.after_store: list[AfterStore] = []
        count = settings.pipeline.worker_count if workers is None else workers
        # The main process is one of the `count` scoring processes: it scores a share of each
        # batch besides storing, so no core is oversubscribed.
        self.pool = ScoringPool(settings, self.scorer, count - 1) if count > 1 else None
        self._share = 1 / count  # of each parallel batch, scored here; balanced as it runs

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def process(self, posts: Iterable[Post], *, source: str,
                checkpoint: tuple[str, object] | None = None,
                problems: Sequence[Problem] = ()) -> BatchResult:
        """Run one batch through match → score → store, then the after-store hooks."""
        batch = Batch(list(posts), list(problems), checkpoint)
        return self._store(self._score(batch, source))

    def process_batches(self, batches: Iterable[Batch], *, source: str) -> Iterator[BatchResult]:
        """Run batches in order, each stored with its checkpoint; yield each one's result.

        With workers, the next batch is being scored while one is stored.
        """
        ahead: deque[_Scoring] = deque()
        for batch in batches:
            ahead.append(self._score(batch, source))
            if len(ahead) > 1 or not ahead[0].futures:
                yield self._store(ahead.popleft())
        while ahead:
            yield self._store(ahead.popleft())

    def run_source(self, source: Source, progress: Progress | None = None) -> SourceRun:
        """Drain one source; each batch is stored with its checkpoint before the next."""
        run = SourceRun(source.name)
        for result in self.process_batches(source.batches(self.store, progress),
                                           source=source.name):
            run.add(result)
        return run

    def _score(self, batch: Batch, source: str) -> _Scoring:
        result = BatchResult(source=source, problems=list(batch.problems))
        unique: dict[str, Post] = {}
        for post in batch.posts:
            result.received += 1
            unique[post.id] = post  # the later copy is the fresher one
        result.duplicates = result.received - len(unique)
        posts = list(unique.values())
        known = self.store.stored_texts([post.id for post in posts])
        jobs = [job(post, known.get(post.id) == post.text) for post in posts]
        scoring = _Scoring(batch, result, posts, known)
        if self.pool is not None and len(jobs) >= PARALLEL_MIN:
            own = int(len(jobs) * self._share)
            scoring.futures = self.pool.submit(jobs[own:])
            started = time.process_time()
            scoring.results = run(self.scorer, jobs[:own])
            scoring.cpu = time.process_time() - started
        else:
            scoring.results = run(self.scorer, jobs)
        return scoring

    def _store(self, scoring: _Scoring) -> BatchResult:
        started = time.process_time()
        parallel = bool(scoring.futures)
        result = self._save(scoring)
        if parallel:
            self._balance(scoring, time.process_time() - started)
        for hook in self.after_store:
            hook(result)
        return result

    def _balance(self, scoring: _Scoring, store_cpu: float) -> None:
        """Move the main process's share towards where it finishes its share and the store
        when the workers finish theirs."""
        assert self.pool is not None
        total = len(scoring.posts)
        own = int(total * self._share)
        if own == 0 or own == total:
            return
        main = scoring.cpu / own
        worker = scoring.worker_cpu / (total - own) / self.pool.workers
        store = store_cpu / total
        share = (worker - store) / (main + worker)
        self._share = min(0.8, max(0.02, (self._share + share) / 2))

    def _save(self, scoring: _Scoring) -> BatchResult:
        result, known = scoring.result, scoring.known
        if scoring.futures:
            # Read again: a batch stored while this one was scored may hold the same posts.
            known = self.store.stored_texts([post.id for post in scoring.posts])
        items = []
        own = len(scoring.results or ())
        for index, (post, outcome) in enumerate(zip(scoring.posts, scoring.outcome(),
                                                    strict=True)):
            if outcome is None:
                result.unmatched += 1
                continue
            matches, score, topics = outcome
            if score is None:
                if known.get(post.id) != post.text:  # edited meanwhile: rare
                    score = self.scorer.score_post(post, matches)
                items.append(Scored(post, matches, score, result.source, topics))
            elif index < own:
                items.append(Scored(post, matches, score, result.source, topics))
            else:  # from a worker: packed
                items.append(Scored(post, matches, None, result.source, topics, packed=score))
        result.saved = self.store.save(items, checkpoint=scoring.batch.checkpoint, known=known)
        result.stored = [item for item in items if item.scored]
        return result

    def backfill(self, source: LiveSource, since: datetime, *, streams: Sequence[str] = (),
                 progress: BackfillProgress | None = None) -> SourceRun:
        """Walk a live source's history back to ``since``, stream by stream, each page stored
        with its checkpoint (so an interrupted backfill resumes where it stopped)."""
        run = SourceRun(source.name)
        for stream in streams or source.streams:
            batches = source.backfill(stream, since, self.store, progress)
            for result in self.process_batches(batches, source=source.name):
                run.add(result)
        return run

    def run_once(self, only: Sequence[str] = ()) -> list[SourceRun]:
        """Run every enabled source (or those named in ``only``) once.

        A source that cannot run is reported in its ``SourceRun.error``; the others still run.
        """
        runs = []
        for name, config in self.settings.sources.items():
            if (only and name not in only) or (not only and not config.enabled):
                continue
            try:
                runs.append(self.run_source(build_source(name, config, self.settings)))
            except SourceError as error:
                log.warning("%s", error)
                runs.append(SourceRun(name, error=str(error)))
        return runs

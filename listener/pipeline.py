"""The listening pipeline: source → dedupe → match → score → store → (after-store hooks).

Routing and alerts hang on :attr:`Pipeline.after_store`: each hook receives the
:class:`BatchResult` of a batch once it is durably stored.
"""

from __future__ import annotations

import functools
import gc
import logging
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import ParamSpec, TypeVar

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
from listener.workers import Decoded, Job, Outcome, Result, ScoringPool, decode, job, run
from panels.membership import Memberships

log = logging.getLogger(__name__)


@dataclass(slots=True)
class BatchResult:
    """What one batch did. ``stored`` holds the new and edited posts with their scores."""

    source: str
    received: int = 0
    duplicates: int = 0  # the same post twice in one batch
    unmatched: int = 0
    panel_only: int = 0  # kept because the author is in a panel, though naming no brand
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
    panel_only: int = 0
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
        self.panel_only += result.panel_only
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
# Batches scored by workers are stored up to this many at a time, in one transaction. Posts
# land at random places in the indexes keyed by author, and every commit writes each page it
# touched: over four batches, the pages touched by several are written once.
GROUP = 4
# Batches handed to the workers and not yet stored. With twice a group, the workers have the
# next group queued while the main process stores one.
IN_FLIGHT = 2 * GROUP
# Posts per piece of work handed to a worker: an import's whole batch. Scoring stage by stage
# pays more the larger the piece, as each stage's tables stay in the CPU caches for longer
# (`Scorer.score_many`: 54 µs a post in pieces of 250, 50 in pieces of 1,000, 47 in one of
# 20,000; lingua alone costs 72 µs a call in pieces of 250 and 58 in pieces of 1,000). Smaller
# pieces let the main process steal work in finer steps, but once the workers' pipes were
# widened (see `listener.workers`) pieces of 1,000 did better: two-process ratio 0.479 against
# 0.469 for 250 and 0.467 for 500 (medians of five alternating runs of 60,000 posts).
CHUNK = 1000


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _collector_paused(work: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``work`` (one batch's scoring or storing) with the cyclic garbage collector off.

    A batch allocates tens of thousands of objects (results, rows, scores) and frees them by
    reference counting: they form no cycles. The collector's passes over them, every 700
    allocations, freed nothing and cost the main process about 13 µs per post (the workers
    raise their thresholds instead, see ``listener.workers``). What a batch leaves alive is
    looked at by the first pass after it.
    """
    @functools.wraps(work)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if not gc.isenabled():  # already off: leave it so
            return work(*args, **kwargs)
        gc.disable()
        try:
            return work(*args, **kwargs)
        finally:
            gc.enable()
    return paused


@dataclass(slots=True)
class _Chunk:
    """Jobs handed to the workers; the main process scores them itself if none has started."""

    jobs: Sequence[Job]
    future: Future[list[Outcome]] | None
    results: list[Result] | list[Decoded] | None = None

    def steal(self, scorer: Scorer) -> bool:
        """Score the jobs here, if no worker has started on them: whether it did."""
        if self.future is None or not self.future.cancel():
            return False
        self.future, self.results = None, run(scorer, self.jobs)
        return True


@dataclass(slots=True)
class _Scoring:
    """A batch between scoring and storing: its results, or the chunks that will hold them."""

    batch: Batch
    result: BatchResult
    posts: list[Post]
    ids: list[str]  # each post's id (`Post.id` formats it anew on every read)
    panels: list[list[str]]  # each post's author's panels
    results: list[Result] | None = None  # when scored in this process at once
    chunks: list[_Chunk] = field(default_factory=list)

    @property
    def parallel(self) -> bool:
        return bool(self.chunks)

    def steal(self, scorer: Scorer) -> bool:
        """Score one chunk no worker has started, the last first: whether there was one."""
        return any(chunk.steal(scorer) for chunk in reversed(self.chunks))


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
        # Panel members' posts are kept even when they name no brand.
        self.memberships = Memberships(store, settings)
        # What it stores is counted in the report aggregates with the config's thresholds.
        if store.use_thresholds(*settings.scoring.counted):
            log.warning("report totals recounted: churn threats from intent %s, complaints "
                        "from %s", settings.scoring.churn, settings.scoring.complaint)
        count = settings.pipeline.worker_count if workers is None else workers
        # The main process is one of the `count` scoring processes: besides storing, it scores
        # the chunks the workers have not started when it needs them, so no core is
        # oversubscribed and none waits while there is work.
        self.pool = ScoringPool(settings, self.scorer, count - 1) if count > 1 else None
        self._ahead: deque[_Scoring] = deque()  # batches scoring, not yet stored

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

        With workers, the next batches are being scored while one is stored.
        """
        ahead = self._ahead
        try:
            for batch in batches:
                ahead.append(self._score(batch, source))
                while ahead and (len(ahead) > IN_FLIGHT or not ahead[0].parallel):
                    yield from self._store_group()
            while ahead:
                yield from self._store_group()
        finally:
            for scoring in ahead:  # stopped early: what no worker started need not run
                for chunk in scoring.chunks:
                    if chunk.future is not None:
                        chunk.future.cancel()
            ahead.clear()

    def run_source(self, source: Source, progress: Progress | None = None) -> SourceRun:
        """Drain one source; each batch is stored with its checkpoint before the next."""
        run = SourceRun(source.name)
        for result in self.process_batches(source.batches(self.store, progress),
                                           source=source.name):
            run.add(result)
        return run

    @_collector_paused
    def _score(self, batch: Batch, source: str) -> _Scoring:
        result = BatchResult(source=source, problems=list(batch.problems))
        unique: dict[str, Post] = {}
        for post in batch.posts:
            result.received += 1
            unique[post.id] = post  # the later copy is the fresher one
        result.duplicates = result.received - len(unique)
        ids, posts = list(unique), list(unique.values())
        known = self.store.stored_texts(ids)
        panels = self.memberships.panels_of(posts)
        jobs = [job(post, known.get(post_id) == post.text, bool(of))
                for post_id, post, of in zip(ids, posts, panels, strict=True)]
        scoring = _Scoring(batch, result, posts, ids, panels)
        if self.pool is not None and len(jobs) >= PARALLEL_MIN:
            pieces = [jobs[start : start + CHUNK] for start in range(0, len(jobs), CHUNK)]
            futures = self.pool.submit(pieces)
            scoring.chunks = [_Chunk(p, f) for p, f in zip(pieces, futures, strict=True)]
        else:
            scoring.results = run(self.scorer, jobs)
        return scoring

    def _outcome(self, scoring: _Scoring) -> list[Result | Decoded]:
        """Each post's result in order. While a worker is still on a chunk of this batch,
        score chunks no worker has started (of this batch, else of the newest batches)."""
        if not scoring.parallel:
            assert scoring.results is not None
            return list(scoring.results)
        for chunk in scoring.chunks:
            while chunk.future is not None:
                if chunk.future.done() or not (
                        chunk.steal(self.scorer)
                        or any(later.steal(self.scorer) for later in reversed(self._ahead)
                               if later is not scoring)):
                    chunk.results = [decode(o) for o in chunk.future.result()]
                    chunk.future = None
        return [result for chunk in scoring.chunks for result in chunk.results or ()]

    def _store(self, scoring: _Scoring) -> BatchResult:
        result = self._save(scoring)
        self._run_hooks([result])
        return result

    def _store_group(self) -> Iterator[BatchResult]:
        """Store the first batch ahead, with the scored-in-parallel ones after it (up to
        ``GROUP``) in the same transaction; then run the hooks on each, in order."""
        ahead = self._ahead
        count = 1
        if ahead[0].parallel:
            while count < min(GROUP, len(ahead)) and ahead[count].parallel:
                count += 1
        results = []
        # Only `Store.save` writes in it, which keeps the foreign keys by itself.
        with self.store.transaction(foreign_keys=False):
            for _ in range(count):
                # Popped once stored: while it is saved, the batches after it stay in
                # `ahead`, where `_outcome` steals their unstarted chunks.
                results.append(self._save(ahead[0]))
                ahead.popleft()
        self._run_hooks(results)
        yield from results

    def _run_hooks(self, results: list[BatchResult]) -> None:
        """The after-store hooks on each stored batch, in order; then the first error, if any.

        Every batch gets its hooks, even past one whose hooks failed, and before any result
        is yielded (a caller may stop at the first): a batch stored without its hooks, say
        routing, would be skipped as unchanged when the run is repeated.
        """
        failed: Exception | None = None
        for result in results:
            try:
                for hook in self.after_store:
                    hook(result)
            except Exception as error:
                failed = failed or error
        if failed is not None:
            raise failed

    @_collector_paused
    def _save(self, scoring: _Scoring) -> BatchResult:
        result = scoring.result
        outcomes = self._outcome(scoring)
        # Read again: a batch stored since this one was scored (in parallel, or ahead of it
        # while it waited) may hold the same posts.
        known = self.store.stored_texts(scoring.ids)
        items = []
        for post, post_id, outcome, panels in zip(scoring.posts, scoring.ids, outcomes,
                                                  scoring.panels, strict=True):
            if outcome is None:
                result.unmatched += 1
                continue
            matches, score, topics = outcome
            if not matches:
                result.panel_only += 1
            if score is None and known.get(post_id) != post.text:
                score = self.scorer.score_post(post, matches)  # edited meanwhile: rare
            if isinstance(score, tuple):  # packed by a worker
                items.append(Scored(post, matches, None, result.source, topics, packed=score,
                                    panels=panels))
            else:
                items.append(Scored(post, matches, score, result.source, topics,
                                    panels=panels))
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

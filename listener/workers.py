"""Match and score in worker processes while the main process stores.

Matching and scoring are pure CPU work on one post at a time; storing is one SQLite writer.
So the pipeline hands batches of posts to a pool and stores the previous batch meanwhile.

Posts travel as tuples of the few fields scoring reads, and results come back as tuples:
pickling the dataclasses themselves costs about as much as scoring them.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from earful.config import Settings
from earful.models import BrandMatch, PackedScore, Post, Score, pack_score
from listener.scoring import Request, Scorer

# (text, platform, subreddit or None, platform language tag, followers, engagement,
#  author handle, whether the stored text is the same, so only matching is needed,
#  whether to keep the post even if it names no brand: its author is in a panel)
Job = tuple[str, str, str | None, str | None, int | None, int, str | None, bool, bool]
# None: names no brand (and not kept); else (brand matches, the score packed as the store
# writes it, or None when unchanged, topics)
Outcome = tuple[tuple[tuple[str, str, str], ...], PackedScore | None, list[str]] | None

_scorer: Scorer | None = None  # the worker's own (inherited when forked)


def job(post: Post, unchanged: bool, keep: bool = False) -> Job:
    author = post.author
    return (post.text, post.platform, post.community if post.platform == "reddit" else None,
            post.lang, author.followers if author else None, post.engagement,
            (author.handle or author.native_id) if author else None, unchanged, keep)


Result = tuple[list[BrandMatch], Score | None, list[str]] | None


def run(scorer: Scorer, jobs: Sequence[Job]) -> list[Result]:
    """Match and (unless unchanged) score each job: None for a post that names no brand
    and is not to be kept."""
    matcher = scorer.matcher
    matched = []
    for text, platform, community, lang, _, _, handle, _, keep in jobs:
        doc = matcher.document(text, community, platform=platform, author=handle, lang=lang)
        matches = matcher.match_text(text, community, platform=platform, doc=doc)
        wanted = bool(matches) or keep
        matched.append((matches, matcher.topics(text, doc=doc) if wanted else [], wanted))
    requests = [
        Request(text, matches, lang, followers, engagement, matcher.own_handle(handle))
        for (matches, _, wanted), (text, _, _, lang, followers, engagement, handle, unchanged, _)
        in zip(matched, jobs, strict=True) if wanted and not unchanged
    ]
    scores = iter(scorer.score_many(requests))
    return [
        (matches, None if entry[7] else next(scores), topics) if wanted else None
        for (matches, topics, wanted), entry in zip(matched, jobs, strict=True)
    ]


def encode(result: Result) -> Outcome:
    if result is None:
        return None
    matches, score, topics = result
    return (tuple((m.brand, m.role, m.rule) for m in matches),
            None if score is None else pack_score(score), topics)


# An outcome back in the main process: (brand matches, packed score or None, topics).
Decoded = tuple[list[BrandMatch], PackedScore | None, list[str]] | None


# BrandMatch is immutable, and there are only as many as configured terms: one of each serves
# every post.
_matches: dict[tuple[str, str, str], BrandMatch] = {}


def decode(outcome: Outcome) -> Decoded:
    if outcome is None:
        return None
    matches, packed, topics = outcome
    return ([_matches.get(m) or _matches.setdefault(m, BrandMatch(*m)) for m in matches],
            packed, topics)


def _settle() -> None:
    # A worker holds the scorer (alive as long as the process) and one chunk at a time (freed
    # once sent back, without cycles): the collector's passes over young objects, every 700
    # allocations, found nothing to free and cost about 5 µs of each post's CPU. It stays on,
    # for what does make cycles (an exception's traceback): a forked worker starts with it
    # off, as the pipeline pauses it around the batch whose scoring started the pool.
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
    gc.enable()


def _init(settings: Settings | None = None) -> None:
    global _scorer
    if settings is not None:
        _scorer = Scorer(settings)
    _settle()


def _run(jobs: Sequence[Job]) -> list[Outcome]:
    assert _scorer is not None, "worker started without a scorer"
    return [encode(result) for result in run(_scorer, jobs)]


# Bytes a pipe between the main process and the workers holds (Linux's default is 64 KiB, and
# unprivileged processes may ask for up to /proc/sys/fs/pipe-max-size, 1 MiB by default).
PIPE_BYTES = 1 << 20


def _widen_pipes(executor: ProcessPoolExecutor) -> None:
    """Let a worker write a whole chunk's results without waiting for the main process.

    A chunk's pickled results (about 220 KB for 1,000 posts) overflow a 64 KiB pipe. The
    worker then blocks until the executor's thread in the main process has read the rest, and
    that thread needs the GIL, which the storing thread holds for up to the switch interval
    (5 ms) at a time: a worker waited 3.5 ms per chunk of 1,000 (18 ms at the 90th
    percentile), and with a 1 MiB pipe 2 ms, most of it pickling. Linux only; the queues are
    the executor's own (``_result_queue``, ``_call_queue``), left as they are if absent.
    """
    setpipe = getattr(fcntl, "F_SETPIPE_SZ", None)  # None without fcntl too
    if setpipe is None:
        return
    for queue, end in ((getattr(executor, "_result_queue", None), "_reader"),
                       (getattr(executor, "_call_queue", None), "_writer")):
        connection = getattr(queue, end, None)
        if connection is not None:
            with contextlib.suppress(OSError):  # above pipe-max-size: keep the default
                fcntl.fcntl(connection.fileno(), setpipe, PIPE_BYTES)


class ScoringPool:
    """A pool of processes that match and score; started on first use.

    Where ``fork`` exists the workers inherit the parent's loaded scorer (no start-up cost);
    elsewhere each builds its own from the settings.
    """

    def __init__(self, settings: Settings, scorer: Scorer, workers: int) -> None:
        self.settings = settings
        self.scorer = scorer
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    def submit(self, chunks: Sequence[Sequence[Job]]) -> list[Future[list[Outcome]]]:
        """Queue each chunk of jobs for the workers; a future's outcomes, passed through
        :func:`decode`, are its chunk's results. A future not yet started may be cancelled."""
        executor = self._start()
        return [executor.submit(_run, chunk) for chunk in chunks]

    def _start(self) -> ProcessPoolExecutor:
        if self._executor is None:
            global _scorer
            if "fork" in multiprocessing.get_all_start_methods():
                _scorer = self.scorer
                self._executor = ProcessPoolExecutor(
                    self.workers, mp_context=multiprocessing.get_context("fork"),
                    initializer=_init)
            else:
                self._executor = ProcessPoolExecutor(
                    self.workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_init, initargs=(self.settings,))
            _widen_pipes(self._executor)
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None

"""Sources yield batches of posts, each with the checkpoint that covers it.

A source reads its own position from the store and hands the next position back with every
batch; the pipeline writes both in one transaction, so a killed run resumes where the last
stored batch ended — no gaps, no duplicates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from earful.config import Settings, SourceConfig
from earful.errors import SourceError
from earful.models import Post
from earful.query import Document, Query
from earful.store import Store
from listener.formats import Problem

log = logging.getLogger(__name__)

# Called with (records read so far, total if known) while a source reads.
Progress = Callable[[int, int | None], None]
# Called during a backfill with (posts fetched so far, the oldest time the walk has reached).
BackfillProgress = Callable[[int, datetime | None], None]


@dataclass(slots=True)
class Batch:
    posts: list[Post]
    problems: list[Problem] = field(default_factory=list)
    checkpoint: tuple[str, Any] | None = None


def keep_matching(batch: Batch, query: Query, document: Callable[[Post], Document],
                  where: str) -> Batch:
    """The batch without the search results ``query`` does not match locally (platform search
    is wider than Earful's queries). Dropped after the walk saw them, so the cursor still
    moves past them."""
    kept = [post for post in batch.posts if query.matches(document(post))]
    if len(kept) < len(batch.posts):
        log.debug("%s: dropped %d search results the query does not match", where,
                  len(batch.posts) - len(kept))
    return Batch(kept, batch.problems, batch.checkpoint)


def counted(batches: Iterable[Batch], progress: Progress | None) -> Iterator[Batch]:
    """``batches``, reporting the records read so far (posts and problems) after each one."""
    read = 0
    for batch in batches:
        read += len(batch.posts) + len(batch.problems)
        yield batch
        if progress:
            progress(read, None)


class Source(Protocol):
    name: str

    def batches(self, store: Store, progress: Progress | None = None) -> Iterator[Batch]:
        """Yield what is new since the stored checkpoint, in bounded batches."""
        ...


class LiveSource(Source, Protocol):
    """A collector of a live platform. Each stream (one per query, plus Reddit's watched
    subreddits, plus ``panels`` for panel members' own posts) has its own cursors and is
    scheduled as its own job."""

    streams: list[str]  # e.g. "search:0" (the first query), "submissions", "comments", "panels"

    def stream_batches(self, stream: str, store: Store,
                       progress: Progress | None = None) -> Iterator[Batch]:
        """What is new in one stream since its cursor (see ``listener.sources.walk``)."""
        ...

    def backfill(self, stream: str, since: datetime, store: Store,
                 progress: BackfillProgress | None = None) -> Iterator[Batch]:
        """Walk one stream's history back to ``since`` (as far as the API allows), resumably."""
        ...


def build_source(name: str, config: SourceConfig, settings: Settings) -> Source:
    """The collector for one ``[sources.NAME]`` entry."""
    if config.type == "replay":
        from listener.sources.replay import ReplaySource

        assert config.platform is not None  # the config model requires it for replay
        return ReplaySource(name, config.platform, config.paths, batch_size=config.batch_size,
                            base_dir=settings.base_dir)
    if config.type == "reddit":
        from listener.sources.reddit import RedditSource

        return RedditSource(name, config, settings)
    if config.type == "x":
        from listener.sources.x import XSource

        return XSource(name, config, settings)
    raise SourceError(f"source {name!r}: unknown type {config.type!r}")

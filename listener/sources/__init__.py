"""Sources yield batches of posts, each with the checkpoint that covers it.

A source reads its own position from the store and hands the next position back with every
batch; the pipeline writes both in one transaction, so a killed run resumes where the last
stored batch ended — no gaps, no duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from earful.config import Settings, SourceConfig
from earful.errors import SourceError
from earful.models import Post
from earful.store import Store
from listener.formats import Problem

# Called with (records read so far, total if known) while a source reads.
Progress = Callable[[int, int | None], None]
# Called during a backfill with (posts fetched so far, the oldest time the walk has reached).
BackfillProgress = Callable[[int, datetime | None], None]


@dataclass(slots=True)
class Batch:
    posts: list[Post]
    problems: list[Problem] = field(default_factory=list)
    checkpoint: tuple[str, Any] | None = None


class Source(Protocol):
    name: str

    def batches(self, store: Store, progress: Progress | None = None) -> Iterator[Batch]:
        """Yield what is new since the stored checkpoint, in bounded batches."""
        ...


class LiveSource(Source, Protocol):
    """A collector of a live platform. Each stream (one per query, plus Reddit's watched
    subreddits) has its own cursor and is scheduled as its own job."""

    streams: list[str]  # e.g. "search:0" (the first query), "submissions", "comments"

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

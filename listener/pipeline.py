"""The listening pipeline: source → dedupe → match → score → store → (after-store hooks).

Routing and alerts hang on :attr:`Pipeline.after_store`: each hook receives the
:class:`BatchResult` of a batch once it is durably stored.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from earful.config import Settings
from earful.errors import SourceError
from earful.models import Post
from earful.store import SaveResult, Scored, Store
from listener.formats import Problem
from listener.matching import Matcher
from listener.scoring import Scorer
from listener.sources import Progress, Source, build_source

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
            if item.score is not None:
                self.risk[item.score.risk] += 1
            if item.post.id in new:
                for match in item.matches:
                    self.new_by_brand[(match.brand, item.post.platform)] += 1


AfterStore = Callable[[BatchResult], None]


class Pipeline:
    """Match, score and store posts; one instance serves every source of a run.

    Example::

        with Store(settings.db_path) as store:
            runs = Pipeline(settings, store).run_once()
    """

    def __init__(self, settings: Settings, store: Store, scorer: Scorer | None = None) -> None:
        self.settings = settings
        self.store = store
        self.matcher = scorer.matcher if scorer else Matcher(settings.brands)
        self.scorer = scorer or Scorer(settings, self.matcher)
        self.after_store: list[AfterStore] = []

    def process(self, posts: Iterable[Post], *, source: str,
                checkpoint: tuple[str, object] | None = None,
                problems: Sequence[Problem] = ()) -> BatchResult:
        """Run one batch through match → score → store, then the after-store hooks."""
        result = BatchResult(source=source, problems=list(problems))
        unique: dict[str, Post] = {}
        for post in posts:
            result.received += 1
            unique[post.id] = post  # the later copy is the fresher one
        result.duplicates = result.received - len(unique)
        matched: list[tuple[Post, list]] = []
        for post in unique.values():
            matches = self.matcher.match(post)
            if matches:
                matched.append((post, matches))
            else:
                result.unmatched += 1
        known = self.store.stored_texts([post.id for post, _ in matched])
        items = []
        for post, matches in matched:
            unchanged = known.get(post.id) == post.text
            score = None if unchanged else self.scorer.score_post(post, matches)
            items.append(Scored(post, matches, score, source))
        result.saved = self.store.save(items, checkpoint=checkpoint, known=known)
        result.stored = [item for item in items if item.score is not None]
        for hook in self.after_store:
            hook(result)
        return result

    def run_source(self, source: Source, progress: Progress | None = None) -> SourceRun:
        """Drain one source; each batch is stored with its checkpoint before the next."""
        run = SourceRun(source.name)
        for batch in source.batches(self.store, progress):
            run.add(self.process(batch.posts, source=source.name, checkpoint=batch.checkpoint,
                                 problems=batch.problems))
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

"""Replay: serve files of the platforms' own formats as if they were live.

The demo runs on it (``sample:`` paths are the sample bundled with Earful), ``earful import``
uses it for the files it is given, and tests use it for recorded payloads. Its position in each
file is a checkpoint, so replaying again serves only what was appended since, and a killed
import resumes where its last stored batch ended.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from earful.errors import SourceError
from earful.models import Post
from earful.store import Store
from listener.formats import Problem, read_posts
from listener.sources import Batch, Progress

SAMPLE_PREFIX = "sample:"


def sample_dir() -> Path:
    """Where the bundled sample lives (inside the installed package)."""
    return Path(str(resources.files("listener").joinpath("sample")))


def resolve_paths(patterns: Sequence[str], base_dir: Path = Path(".")) -> list[Path]:
    """Expand ``sample:`` prefixes and globs, in a stable order; a pattern matching nothing is
    an error, so a typo in the config does not silently replay nothing."""
    found: list[Path] = []
    for pattern in patterns:
        if pattern.startswith(SAMPLE_PREFIX):
            root, pattern_part = sample_dir(), pattern.removeprefix(SAMPLE_PREFIX)
        else:
            root, pattern_part = base_dir, pattern
        full = Path(pattern_part) if Path(pattern_part).is_absolute() else root / pattern_part
        matches = sorted(Path(p) for p in glob.glob(str(full)))
        if not matches:
            raise SourceError(f"no file matches {pattern!r} (looked for {full})")
        found.extend(path for path in matches if path not in found)
    return found


class ReplaySource:
    """Files of one platform's format, read in order, resumed from per-file checkpoints."""

    def __init__(self, name: str, platform: str, paths: Sequence[str | Path], *,
                 batch_size: int = 500, base_dir: Path = Path(".")) -> None:
        self.name = name
        self.platform = platform
        self.paths = resolve_paths([str(p) for p in paths], base_dir)
        self.batch_size = batch_size

    def checkpoint_key(self, path: Path) -> str:
        return f"replay:{self.name}:{path.resolve()}"

    def batches(self, store: Store, progress: Progress | None = None) -> Iterator[Batch]:
        """Batches from every file; ``progress`` gets (bytes read, bytes in all the files)."""
        total = sum(path.stat().st_size for path in self.paths)
        before = 0
        for path in self.paths:
            report = None
            if progress is not None:
                def report(done: int, _: int | None, before: int = before) -> None:
                    progress(before + done, total)
            yield from self._file_batches(path, store, report)
            before += path.stat().st_size

    def _file_batches(self, path: Path, store: Store, progress: Progress | None,
                      ) -> Iterator[Batch]:
        key = self.checkpoint_key(path)
        stat = path.stat()
        done: dict[str, Any] = store.checkpoint(key) or {}
        # A file that shrank was replaced, not appended to: read it again from the start.
        skip = done.get("records", 0) if stat.st_size >= done.get("size", 0) else 0
        position = 0
        posts: list[Post] = []
        problems: list[Problem] = []

        def batch() -> Batch:
            value = {"records": position, "size": stat.st_size, "mtime": stat.st_mtime}
            return Batch(posts, problems, (key, value))

        records = read_posts(path, self.platform)
        for record in records:
            position += 1
            if position <= skip:
                continue
            if isinstance(record, Problem):
                problems.append(record)
            else:
                posts.append(record)
            if len(posts) + len(problems) >= self.batch_size:
                yield batch()
                posts, problems = [], []
                if progress:
                    progress(records.bytes_read, None)
        if posts or problems or position != skip:
            yield batch()
        if progress:
            progress(records.size, None)

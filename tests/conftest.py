from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from earful.config import Settings, load_config
from earful.models import Author, Post
from earful.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The repository's working example config (the sample's brands)."""
    return load_config(ROOT / "config.toml")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "earful.db") as opened:
        yield opened


def make_post(native_id: str, text: str, *, platform: str = "x", followers: int = 100,
              when: str = "2026-11-02T10:00:00", handle: str = "someone", **extra) -> Post:
    """A post as a parser would produce it, for tests that start after parsing."""
    author = Author(platform=platform, native_id=f"u-{handle}", handle=handle,
                    followers=followers)
    return Post(platform=platform, native_id=native_id, text=text,
                created_at=datetime.fromisoformat(when).replace(tzinfo=UTC), author=author,
                raw={"id": native_id, "text": text}, **extra)

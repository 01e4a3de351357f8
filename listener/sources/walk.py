"""Walking a platform's newest-first listing down to a cursor, resumably.

Reddit and X both list newest first and page towards older items, and both number their items
in time order (Reddit's base-36 ids, X's snowflakes). A run walks from the newest item down to
the stored cursor, storing each page as it goes. While a walk is under way its checkpoint holds
where the next (older) page starts and the newest position seen; only when the walk reaches the
cursor does the cursor move up to that newest position. So a run killed mid-walk resumes the
walk where its last stored page ended (no gap below), and items that arrived meanwhile are
fetched by the next run (no gap above) — each stored once.

A backfill is the same walk with a time floor instead of a cursor, under its own key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from earful.models import Post
from listener.formats import Problem
from listener.sources import Batch


@dataclass(slots=True)
class Page:
    """One page of a listing, newest first as the platform returned it.

    ``resume`` is where the next older page starts (X: an ``until_id``; Reddit: an ``after``
    fullname); None when this page reached the cursor or the end of what the platform keeps.
    """

    posts: list[Post]
    resume: str | None
    problems: list[Problem] = field(default_factory=list)


# fetch(since, resume) → pages: items newer than ``since`` (None: no cursor yet), starting
# below ``resume`` (None: from the newest).
Fetch = Callable[[int | None, str | None], Iterator[Page]]


def walk(key: str, state: dict[str, Any] | None, fetch: Fetch,
         position: Callable[[Post], int]) -> Iterator[Batch]:
    """Batches (one per page) whose checkpoints make the walk resumable; see the module doc.

    ``state`` is the stored checkpoint under ``key`` (None on the first run); ``position``
    gives an item's place in time order (its numeric id).
    """
    state = state or {}
    since: int | None = state.get("since")
    under_way = state.get("walk") or {}
    newest: int | None = under_way.get("newest")
    resume: str | None = under_way.get("resume")
    for page in fetch(since, resume):
        # Platforms may hand back the boundary item itself: it is already stored.
        posts = [post for post in page.posts if since is None or position(post) > since]
        if posts:
            top = max(position(post) for post in posts)
            newest = top if newest is None else max(newest, top)
        if page.resume is None:
            done = {"since": newest if newest is not None else since, "walk": None}
            yield Batch(posts, page.problems, (key, done))
            return
        going = {"since": since, "walk": {"newest": newest, "resume": page.resume}}
        yield Batch(posts, page.problems, (key, going))

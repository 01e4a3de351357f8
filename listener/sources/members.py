"""Panel members' own posts: which members a run visits, and the bookkeeping of each visit.

A live source that follows panels (``panels = [...]`` in its config) has a stream ``panels``.
Each member's posts are walked newest first from the member's own cursors
(:mod:`listener.sources.walk`), so a rerun adds only what is new and a killed run resumes.

A scheduled run of the stream visits only the members that are due (never visited, or last
visited ``panel_every`` ago), the longest unvisited first, and at most
``ceil(members × interval / panel_every)`` of them: each member is visited about once per
``panel_every`` and the platform's requests are spread evenly over the runs in between. A
one-shot run (``listen --once``) visits every member.

A visit is recorded in the member's cursor checkpoints (``"visited"``, added to each walk's
final checkpoint), so it is stored with the member's last batch: a run killed mid-visit leaves
the member due, never marked visited before its posts are stored.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from earful.config import Settings
from earful.errors import SourceError
from earful.models import utc_iso
from earful.store import Store
from listener.sources import Batch

log = logging.getLogger(__name__)

STREAM = "panels"

T = TypeVar("T")
_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)
# One of a member's walks, from its stored checkpoint (None: never walked).
Walk = Callable[[Any], Iterator[Batch]]


class MemberUnavailable(SourceError):
    """The platform will not list this member's posts (unknown, deleted, suspended, private)."""


@dataclass(slots=True)
class Member:
    """A panel member as a source reads them: one walk per cursor.

    ``walks`` maps each cursor's checkpoint key to its walk (Reddit: the user's submissions
    and comments, two id sequences; X: the user's timeline).
    """

    account: str  # the panel account: "reddit:trail_mix_88", "x:runner_jo"
    walks: dict[str, Walk]


def accounts(store: Store, settings: Settings, panels: Sequence[str], platform: str
             ) -> list[str]:
    """The accounts on ``platform`` that a source following ``panels`` reads."""
    from panels.registry import Panels  # panels are a feature over the store: imported late

    return Panels(store, settings).collect_accounts(panels, platform)


def handle(account: str) -> str:
    """``reddit:trail_mix_88`` → ``trail_mix_88``."""
    return account.partition(":")[2]


def last_visit(states: Sequence[Any]) -> datetime | None:
    """When all of a member's walks last reached their end: the earliest ``visited`` of its
    cursor checkpoints (None when one of them never did, or is under way)."""
    times = [state.get("visited") if isinstance(state, dict) else None for state in states]
    if not times or any(not isinstance(at, str) for at in times):
        return None
    return min(datetime.fromisoformat(at) for at in times)


def oldest_first(visits: Mapping[T, datetime | None]) -> list[T]:
    """The members (keys of ``visits``, each with its last visit) never visited first, then
    the longest unvisited; ties keep the order of ``visits``."""
    return sorted(visits, key=lambda member: (visits[member] is not None,
                                              visits[member] or _LONG_AGO))


def due(visits: Mapping[T, datetime | None], now: datetime, *, every: float,
        interval: float) -> list[T]:
    """The members a scheduled run visits, in the order of :func:`oldest_first`.

    Due: never visited, or last visited at least ``every`` seconds ago. The margin of half an
    ``interval`` lets a run that starts a few seconds early (the scheduler's jitter) take a
    member whose time has come rather than leave it to the run after. At most
    ``ceil(len(visits) × interval / every)``, so each member is visited about once per
    ``every`` and each run makes about the same number of visits.

    Example: 6 members, a run every 10 minutes, each member hourly → 1 member per run.
    """
    if not visits:
        return []
    cutoff = now - timedelta(seconds=every) + timedelta(seconds=interval / 2)
    waiting = oldest_first({member: visited for member, visited in visits.items()
                            if visited is None or visited <= cutoff})
    return waiting[:math.ceil(len(visits) * interval / every)]


def read_states(members: Sequence[Member], store: Store) -> dict[str, Any]:
    """Every cursor checkpoint of ``members``, by key."""
    return {key: store.checkpoint(key) for member in members for key in member.walks}


def chosen(members: Sequence[Member], states: Mapping[str, Any], now: datetime, *,
           every: float | None, interval: float) -> list[Member]:
    """The members a run visits, in order: those :func:`due` (``every`` None: all of them,
    the longest unvisited first)."""
    visits = {member.account: last_visit([states[key] for key in member.walks])
              for member in members}
    order = oldest_first(visits) if every is None else due(visits, now, every=every,
                                                            interval=interval)
    by_account = {member.account: member for member in members}
    return [by_account[account] for account in order]


def visit(member: Member, states: Mapping[str, Any], now: datetime, where: str
          ) -> Iterator[Batch]:
    """Batches of one member's walks, each walk's final checkpoint stamped ``visited``.

    A member the platform will not list (:class:`MemberUnavailable`) is skipped with one
    warning; the skip counts as a visit, so it is asked again only when due again.
    """
    visited = utc_iso(now)
    latest = dict(states)
    try:
        for key, walk in member.walks.items():
            for batch in walk(latest.get(key)):
                if batch.checkpoint is not None:
                    batch_key, state = batch.checkpoint
                    if isinstance(state, dict) and state.get("walk") is None:
                        state = {**state, "visited": visited}
                        batch.checkpoint = (batch_key, state)
                    latest[batch_key] = state
                yield batch
    except MemberUnavailable as error:
        log.warning("%s: skipped panel member %s: %s", where, member.account, error)
        for key in member.walks:
            state = latest.get(key) or {"since": None, "walk": None}
            yield Batch([], checkpoint=(key, {**state, "visited": visited,
                                              "skipped": str(error)}))


def collect(members: Sequence[Member], store: Store, now: datetime, where: str, *,
            every: float | None = None, interval: float = 0.0) -> Iterator[Batch]:
    """Visit the members a run visits (see :func:`chosen`), one after the other.

    Example::

        yield from collect(members, store, now, "source 'reddit' panels",
                           every=config.panel_every, interval=config.interval)
    """
    states = read_states(members, store)
    visiting = chosen(members, states, now, every=every, interval=interval)
    log.info("%s: visiting %d of %d panel members", where, len(visiting), len(members))
    for member in visiting:
        yield from visit(member, states, now, where)

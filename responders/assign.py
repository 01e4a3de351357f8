"""Assignment within a team: to a member who is working now, speaks the case's language, works
its platform and has room (fewer open cases than their capacity); least-loaded or round-robin.
A case nobody can take waits in the team queue until someone can (:meth:`Assigner.sweep`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from earful.config import ResponderConfig, Settings
from earful.models import utc_iso, utcnow
from earful.store import Store
from responders.calendar import calendar_for
from responders.cases import OPEN, SYSTEM, Cases

_PRIORITY_ORDER = "CASE WHEN escalated THEN 0 ELSE 1 END, priority, opened_at, id"


class Assigner:
    """Pick responders for cases.

    Example::

        assigner = Assigner(store, settings)
        assigner.sweep()  # assigns every waiting case someone can take now; returns how many
    """

    def __init__(self, store: Store, settings: Settings,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.cases = Cases(store, settings, clock)
        self._people = {r.name: r for r in settings.responders}
        self._teams = {t.name: t for t in settings.teams}
        self._calendars = {r.name: calendar_for(r) for r in settings.responders}

    def eligible(self, team: str, language: str | None, platform: str | None,
                 now: datetime) -> list[tuple[ResponderConfig, int]]:
        """Members who could take a case now, with their open-case load."""
        config = self._teams.get(team)
        if config is None:
            return []
        loads = dict(self.store.conn.execute(
            f"SELECT assignee, count(*) FROM cases WHERE status IN ({', '.join('?' * len(OPEN))})"
            " AND assignee IS NOT NULL GROUP BY assignee", OPEN).fetchall())
        found = []
        for name in config.members:
            person = self._people[name]
            load = loads.get(name, 0)
            if (self._calendars[name].is_open(now)
                    and (language is None or language in person.languages)
                    and (not person.platforms or platform in person.platforms)
                    and load < person.capacity):
                found.append((person, load))
        return found

    def pick(self, team: str, language: str | None, platform: str | None,
             now: datetime) -> str | None:
        candidates = self.eligible(team, language, platform, now)
        if not candidates:
            return None
        if self._teams[team].assignment == "round_robin":
            last = self.store.checkpoint(f"round_robin:{team}")
            names = [person.name for person, _ in candidates]
            members = self._teams[team].members
            # The next member after the last one given a case, in roster order.
            order = sorted(names, key=lambda n: (members.index(n) <= members.index(last)
                                                 if last in members else False,
                                                 members.index(n)))
            return order[0]
        return min(candidates, key=lambda c: (c[1], self.settings.responders.index(c[0])))[0].name

    def sweep(self) -> int:
        """Assign every unassigned open case someone can take now (most urgent first)."""
        now = self.clock()
        waiting = self.store.conn.execute(
            "SELECT id, team, language, platform FROM cases WHERE assignee IS NULL "
            "AND status = 'new' AND team IS NOT NULL AND (snoozed_until IS NULL OR "
            f"snoozed_until <= ?) ORDER BY {_PRIORITY_ORDER}", [utc_iso(now)]).fetchall()
        assigned = 0
        for case_id, team, language, platform in waiting:
            if self._teams.get(team) is None or self._teams[team].assignment == "manual":
                continue
            name = self.pick(team, language, platform, now)
            if name is None:
                continue
            self.cases.assign(case_id, name, SYSTEM)
            if self._teams[team].assignment == "round_robin":
                self.store.set_checkpoint(f"round_robin:{team}", name)
            assigned += 1
        return assigned

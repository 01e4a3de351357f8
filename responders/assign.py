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

    def loads(self) -> dict[str, int]:
        """Open cases per assignee."""
        return dict(self.store.conn.execute(
            f"SELECT assignee, count(*) FROM cases WHERE status IN ({', '.join('?' * len(OPEN))})"
            " AND assignee IS NOT NULL GROUP BY assignee", OPEN).fetchall())

    def eligible(self, team: str, language: str | None, platform: str | None,
                 now: datetime, loads: dict[str, int] | None = None,
                 ) -> list[tuple[ResponderConfig, int]]:
        """Members who could take a case now, with their open-case load (``loads``, as
        :meth:`loads` gives it, if the caller has it)."""
        config = self._teams.get(team)
        if config is None:
            return []
        if loads is None:
            loads = self.loads()
        found = []
        for name in config.members:
            person = self._people[name]
            if (self._free(name, loads, now)
                    and (language is None or language in person.languages)
                    and (not person.platforms or platform in person.platforms)):
                found.append((person, loads.get(name, 0)))
        return found

    def _free(self, name: str, loads: dict[str, int], now: datetime) -> bool:
        """Whether the responder ``name`` is on shift with room for one more case."""
        return (loads.get(name, 0) < self._people[name].capacity
                and self._calendars[name].is_open(now))

    def pick(self, team: str, language: str | None, platform: str | None,
             now: datetime, loads: dict[str, int] | None = None) -> str | None:
        candidates = self.eligible(team, language, platform, now, loads)
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
        # Read once and kept up to date here: the queue can hold thousands of cases (a large
        # import while everyone is off shift), and reading the loads per case made a sweep
        # cost the square of the queue.
        loads = self.loads()
        # Only teams with someone on shift and with room: the pipeline sweeps after every
        # batch, and reading a queue nobody can take from would cost as much as it holds.
        teams = [name for name in self._teams if self._has_room(name, loads, now)]
        if not teams:
            return 0
        waiting = self.store.conn.execute(
            "SELECT id, team, language, platform FROM cases WHERE assignee IS NULL "
            f"AND status = 'new' AND team IN ({', '.join('?' * len(teams))}) AND "
            f"(snoozed_until IS NULL OR snoozed_until <= ?) ORDER BY {_PRIORITY_ORDER}",
            [*teams, utc_iso(now)]).fetchall()
        # Loads only grow during a sweep and the time is fixed, so once nobody can take a
        # (team, language, platform) case, nobody can take the next one like it.
        nobody: set[tuple[str, str | None, str | None]] = set()
        assigned = 0
        for case_id, team, language, platform in waiting:
            kind = (team, language, platform)
            if kind in nobody:
                continue
            name = self.pick(team, language, platform, now, loads)
            if name is None:
                nobody.add(kind)
                continue
            loads[name] = loads.get(name, 0) + 1
            self.cases.assign(case_id, name, SYSTEM)
            if self._teams[team].assignment == "round_robin":
                self.store.set_checkpoint(f"round_robin:{team}", name)
            assigned += 1
            if not self._has_room(team, loads, now):
                teams.remove(team)
                if not teams:
                    break
        return assigned

    def _has_room(self, team: str, loads: dict[str, int], now: datetime) -> bool:
        """Whether someone in ``team`` is on shift with room for a case (by any language)."""
        config = self._teams[team]
        return config.assignment != "manual" and any(
            self._free(member, loads, now) for member in config.members)

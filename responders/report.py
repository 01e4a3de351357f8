"""The SLA report: per team and per responder, how fast and how well cases were handled, in
each team's business time."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from statistics import median, quantiles
from typing import Any

from earful.config import Settings
from earful.store import Store
from responders.queue import SlaClocks, pauses_of
from responders.sla import SlaClock


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return quantiles(values, n=10, method="inclusive")[-1]


def sla_report(store: Store, settings: Settings, now: datetime, since: str | None = None,
               until: str | None = None, team: str | None = None, *,
               brand: str | None = None, platform: str | None = None,
               language: str | None = None, panel: str | None = None) -> dict[str, Any]:
    """Cases opened in [since, until): counts, % first responses within target, median and
    p90 first-response and resolution times (business seconds), breaches, first-contact
    resolution rate — in all, by team and by responder. ``brand``, ``platform``,
    ``language`` and ``panel`` (the opening post's) narrow the cases."""
    clauses, params = [], []
    for condition, value in (("opened_at >= ?", since), ("opened_at < ?", until),
                             ("team = ?", team), ("brand = ? COLLATE NOCASE", brand),
                             ("platform = ?", platform), ("language = ?", language),
                             ("EXISTS (SELECT 1 FROM mention_panels p WHERE p.panel = ? "
                              "AND p.mention_id = cases.mention_id)", panel)):
        if value:
            clauses.append(condition)
            params.append(value)
    rows = store.conn.execute(
        "SELECT id, team, assignee, priority, status, opened_at, first_response_at, resolved_at, "
        "first_contact_resolution FROM cases"
        + (f" WHERE {' AND '.join(clauses)}" if clauses else "") + " ORDER BY id", params)
    breaches = dict(store.conn.execute(
        "SELECT case_id, count(*) FROM sla_events WHERE kind = 'breached' GROUP BY case_id"))
    clocks = SlaClocks(settings)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    cases = rows.fetchall()
    waits = pauses_of(store, [case[0] for case in cases])
    for (case_id, team_name, assignee, priority, status, opened, first, resolved,
         fcr) in cases:
        policy = settings.sla.get(priority)
        calendar = clocks.calendar(team_name, assignee)
        spans = waits[case_id]
        start = datetime.fromisoformat(opened)

        clock = SlaClock(calendar, 1.0)  # only its elapsed time is read here
        fr, res = (None if end is None else clock.elapsed(start, datetime.fromisoformat(end),
                                                           spans)
                   for end in (first, resolved))
        fr_target = policy.first_response if policy else None
        res_target = policy.resolution if policy else None
        breached = breaches.get(case_id, 0)
        entry = {"first_response": fr, "resolution": res, "resolved": status == "resolved",
                 "fcr": bool(fcr), "breaches": breached,
                 "fr_ok": fr is not None and fr_target is not None and fr <= fr_target,
                 "res_ok": res is not None and res_target is not None and res <= res_target}
        groups[("all", "all")].append(entry)
        groups[("team", team_name or "–")].append(entry)
        groups[("responder", assignee or "unassigned")].append(entry)
    result: dict[str, list[dict[str, Any]]] = {"all": [], "teams": [], "responders": []}
    for (kind, name), entries in sorted(groups.items()):
        firsts = [e["first_response"] for e in entries if e["first_response"] is not None]
        resolutions = [e["resolution"] for e in entries if e["resolution"] is not None]
        resolved = [e for e in entries if e["resolved"]]
        result[{"all": "all", "team": "teams"}.get(kind, "responders")].append({
            "name": name, "cases": len(entries), "responded": len(firsts),
            "first_response_within_target": (sum(e["fr_ok"] for e in entries) / len(firsts)
                                             if firsts else None),
            "first_response_median": median(firsts) if firsts else None,
            "first_response_p90": _p90(firsts),
            "resolved": len(resolved),
            "resolution_median": median(resolutions) if resolutions else None,
            "resolution_p90": _p90(resolutions),
            "breaches": sum(e["breaches"] for e in entries),
            "first_contact_resolution": (sum(e["fcr"] for e in resolved) / len(resolved)
                                         if resolved else None),
        })
    return result

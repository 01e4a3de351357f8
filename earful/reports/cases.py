"""Rich views of routing and cases: ``route explain``, ``queue`` and ``case show``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from earful.reports.display import change_text
from earful.reports.period import change

_PRIORITY_STYLE = {"p1": "bold red", "p2": "yellow"}
_SLA_STYLE = {"breached": "bold red", "warning": "yellow", "paused": "dim", "ok": "green"}


def _span(seconds: float) -> str:
    # Business time: hours and minutes (a "day" of it would be ambiguous).
    sign = "-" if seconds < 0 else ""
    seconds = abs(int(seconds))
    if seconds < 3600:
        return f"{sign}{seconds // 60}m"
    return f"{sign}{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def render_route(candidate: Any, verdicts: Sequence[Any], decision: Any,
                 own: bool = False) -> RenderableType:
    head = Text.assemble((candidate.mention_id, "bold"), f"  {candidate.platform} · "
                         f"{candidate.language} · risk {candidate.risk} · churn "
                         f"{candidate.churn:.2f} · brands "
                         f"{', '.join(b for b, _ in candidate.brands) or '–'} · topics "
                         f"{', '.join(candidate.topics) or '–'} · panels "
                         f"{', '.join(candidate.panels) or '–'} · loyalty "
                         f"{candidate.loyalty_id or '–'}\n",
                         Text(" ".join(candidate.text.split())[:200], style="italic"))
    table = Table(title="Rules, in order (the first that matches decides)", title_justify="left")
    for column in ("#", "Rule", "Matches", "Why"):
        table.add_column(column, overflow="fold")
    first = True
    for index, verdict in enumerate(verdicts, 1):
        mark = Text("yes", style="bold green" if first and verdict.matched else "green") \
            if verdict.matched else Text("no", style="red")
        if verdict.matched and first:
            mark.append("  ← decides")
            first = False
        why = "\n".join(("✓ " if c.met else "✗ ") + c.why for c in verdict.checks) or "always"
        table.add_row(str(index), verdict.rule, mark, why)
    if decision is None and own:
        outcome = Text("No case: written by one of our own accounts.", style="dim")
    elif decision is None:
        outcome = Text("No case: no rule selects it and its risk does not open one.",
                       style="dim")
    else:
        target = f"team {decision.team}" if decision.team else f"responder {decision.responder}"
        outcome = Text.assemble("→ ", (target, "bold"), f", priority {decision.priority}",
                                f" (rule {decision.rule})" if decision.rule
                                else " (default queue)")
    return Group(head, table, outcome)


def render_queue(rows: Sequence[dict[str, Any]]) -> RenderableType:
    if not rows:
        return Text("The queue is empty.", style="green")
    table = Table(title=f"{len(rows)} case(s)", title_justify="left")
    for column in ("#", "Pri", "SLA left", "Status", "Team", "Assignee", "Lang", "Brand",
                   "Author", "Posts", "Text"):
        table.add_column(column, overflow="fold")
    for row in rows:
        sla = row.get("sla")
        left = Text("–") if not sla else Text(
            f"{_span(sla['remaining'])} {sla['clock']}", style=_SLA_STYLE.get(sla["status"], ""))
        table.add_row(
            str(row["id"]) + (" ⚑" if row["escalated"] else ""),
            Text(row["priority"], style=_PRIORITY_STYLE.get(row["priority"], "")),
            left, row["status"], row["team"] or "–", row["assignee"] or "–",
            row["language"] or "", row["brand"] or "", Text(row["author_handle"] or "?"),
            str(row["posts"]), Text(" ".join(row["text"].split())[:90]))
    return table


def render_case(case: dict[str, Any], posts: Sequence[dict[str, Any] | None]) -> RenderableType:
    head = Text.assemble(
        (f"Case {case['id']}", "bold"), f"  {case['status']} · {case['priority']} · team "
        f"{case['team'] or '–'} · assignee {case['assignee'] or '–'} · {case['language']} · "
        f"opened {case['opened_at']}", (" · escalated" if case["escalated"] else "", "red"),
        f"\nrouted by {case['rule'] or 'the default queue'}: {'; '.join(case['reasons'])}")
    thread = Table(title="Posts", title_justify="left")
    for column in ("When", "Author", "Text"):
        thread.add_column(column, overflow="fold")
    for post in posts:
        if post is not None:
            thread.add_row(post["created_at"], Text(post["author_handle"] or "?"),
                           Text(" ".join(post["text"].split())))
    trail = Table(title="Audit trail", title_justify="left")
    for column in ("When", "Who", "What", "Status", "Detail"):
        trail.add_column(column, overflow="fold")
    for event in case["events"]:
        status = event["to"] if event["from"] == event["to"] else \
            f"{event['from'] or '–'} → {event['to']}"
        detail = event["detail"] or {}
        trail.add_row(event["at"], event["actor"], event["action"], status,
                      Text(", ".join(f"{k}: {v}" for k, v in detail.items() if v)))
    return Group(head, thread, trail)


def render_sla(data: dict[str, Any]) -> RenderableType:
    def pct(value: float | None) -> str:
        return "–" if value is None else f"{value:.0%}"

    def span(value: float | None) -> str:
        return "–" if value is None else _span(value)

    tables: list[RenderableType] = []
    overall = (data.get("all") or [None])[0]
    previous = (data.get("previous") or [None])[0]
    if overall is None:
        return Text("No cases opened in this period.", style="yellow")
    if "period" in data:
        before = previous or {}
        tables.append(Text.assemble(
            ("Cases ", "bold"), (f"{overall['cases']:,}", "bold cyan"), " ",
            change_text(change(overall["cases"], before.get("cases")), good_up=False),
            f"   {data['period']['since'][:10]} → {data['period']['until'][:10]}   ",
            ("1st response in target ", "bold"),
            pct(overall["first_response_within_target"]), " ",
            change_text(_minus(overall["first_response_within_target"],
                               before.get("first_response_within_target")), points=True),
            ("   breaches ", "bold"), str(overall["breaches"]), " ",
            change_text(change(overall["breaches"], before.get("breaches")), good_up=False)))
    for key, title in (("teams", "By team"), ("responders", "By responder")):
        table = Table(title=f"SLA · {title} (business time)", title_justify="left")
        for column in ("Name", "Cases", "1st resp. in target", "1st resp. median", "p90",
                       "Resolved", "Resolution median", "p90 ", "Breaches", "FCR"):
            table.add_column(column, justify="left" if column == "Name" else "right")
        for row in data[key]:
            table.add_row(row["name"], str(row["cases"]),
                          pct(row["first_response_within_target"]),
                          span(row["first_response_median"]), span(row["first_response_p90"]),
                          str(row["resolved"]), span(row["resolution_median"]),
                          span(row["resolution_p90"]),
                          Text(str(row["breaches"]), style="red" if row["breaches"] else ""),
                          pct(row["first_contact_resolution"]))
        tables.append(table)
    return Group(*tables)


def _minus(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def sla_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One CSV row per group: all, each team, each responder."""
    return [{"group": kind, **row} for kind in ("all", "teams", "responders")
            for row in data.get(kind, [])]

"""The surveys report: CSAT, CES and NPS over a period, response rates and the weekly trend."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from community.surveys import HEADLINE, KINDS, answered, figures, weekly
from earful.models import utc_iso
from earful.reports.display import sparkline
from earful.store import Store

_NAMES = {"csat": "CSAT (1–5)", "ces": "CES (1–7)", "nps": "NPS (0–10)"}
_UNITS = {"csat": "% satisfied", "ces": "mean effort", "nps": "NPS"}


def surveys_report(store: Store, since: datetime | None = None,
                   until: datetime | None = None) -> dict[str, Any]:
    """The report as plain data (what ``--json`` prints): per kind, surveys sent in [since,
    until) and how many were answered (``response_rate``), and the figures of the answers given
    in it (:mod:`community.surveys`); then per week, each kind's headline figure."""
    start, end = utc_iso(since) or "", utc_iso(until) or "9999"
    sent = {kind: (n, done) for kind, n, done in store.conn.execute(
        "SELECT kind, count(*), count(answered_at) FROM surveys WHERE sent_at >= ? "
        "AND sent_at < ? GROUP BY kind", [start, end])}
    answers = answered(store, since, until)
    kinds = {}
    for kind in KINDS:
        n, done = sent.get(kind, (0, 0))
        kinds[kind] = {"sent": n, "responded": done,
                       "response_rate": round(done / n, 4) if n else None,
                       **figures(kind, [score for k, score, _ in answers if k == kind])}
    return {"since": utc_iso(since), "until": utc_iso(until), "kinds": kinds,
            "weekly": weekly(answers)}


def _figure(kind: str, value: float | None) -> str:
    if value is None:
        return "–"
    if kind == "csat":
        return f"{value:.1f}%"
    if kind == "nps":
        return f"{value:+.0f}"
    return f"{value:.2f}"


def render_surveys(data: dict[str, Any]) -> RenderableType:
    """Rich renderables for :func:`surveys_report`'s data."""
    kinds = data["kinds"]
    if not any(entry["sent"] or entry["answers"] for entry in kinds.values()):
        return Text("No surveys in this period. Surveys are sent by the community bot "
                    "(`earful bot run`).", style="yellow")
    period = f"{(data['since'] or 'the start')[:10]} to {(data['until'] or 'now')[:10]}"
    table = Table(title=f"Surveys, {period}", title_justify="left")
    previous = data.get("previous") or {}
    for column in ("Survey", "Sent", "Answered", "Rate", "Answers", "Figure", "Before", "Mean",
                   "Detail", "Weekly"):
        table.add_column(column, justify="left" if column in ("Survey", "Detail", "Weekly")
                         else "right")
    for kind in KINDS:
        entry = kinds[kind]
        rate = entry["response_rate"]
        if kind == "nps":
            detail = (f"{entry['promoters']} promoters · {entry['passives']} passives · "
                      f"{entry['detractors']} detractors")
        elif kind == "csat":
            detail = f"{entry['satisfied']} satisfied (4–5)"
        else:
            detail = f"{entry['easy']} easy (5–7)"
        trend = [week[kind] for week in data["weekly"] if week[kind] is not None]
        # Sparkline bars rise with the figure; NPS may be negative, so shift it to 0–200.
        heights = [round(v + 100) if kind == "nps" else round(v * 10) for v in trend]
        table.add_row(_NAMES[kind], str(entry["sent"]), str(entry["responded"]),
                      f"{rate:.0%}" if rate is not None else "–", str(entry["answers"]),
                      Text(_figure(kind, entry[HEADLINE[kind]]), style="bold"),
                      Text(_figure(kind, (previous.get(kind) or {}).get(HEADLINE[kind])),
                           style="dim"),
                      f"{entry['mean']:.2f}" if entry["mean"] is not None else "–",
                      detail if entry["answers"] else "–",
                      Text(sparkline(heights), style="cyan"))
    weeks = Table(title="Per week (answers given)", title_justify="left")
    weeks.add_column("Week of")
    for kind in KINDS:
        weeks.add_column(f"{kind.upper()} {_UNITS[kind]}", justify="right")
        weeks.add_column("n", justify="right", style="dim")
    for week in data["weekly"]:
        weeks.add_row(week["week"], *[cell for kind in KINDS for cell in (
            _figure(kind, week[kind]), str(week[f"{kind}_answers"] or ""))])
    return Group(table, weeks) if data["weekly"] else table


def surveys_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One CSV row per survey kind, with the period before's headline figure."""
    previous = data.get("previous") or {}
    return [{"survey": kind, **entry,
             "figure_before": (previous.get(kind) or {}).get(HEADLINE[kind])}
            for kind, entry in data["kinds"].items()]

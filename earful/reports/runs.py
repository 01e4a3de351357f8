"""The summary printed after ``earful listen --once`` and ``earful import``."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

MAX_PROBLEMS_SHOWN = 10
# What the intake did with a run's cases, in the order the summary names them; the JSON
# summary lists each, zero included.
CASE_ACTIONS = ("opened", "joined", "reopened", "assigned", "sla warning", "sla breached")


def runs_data(runs: list[Any]) -> dict[str, Any]:
    """Plain data for a list of ``listener.pipeline.SourceRun`` (what ``--json`` prints)."""
    by_brand: Counter[tuple[str, str]] = Counter()
    risk: Counter[str] = Counter()
    for run in runs:
        by_brand.update(run.new_by_brand)
        risk.update(run.risk)
    return {
        "sources": [
            {"source": run.source, "received": run.received, "new": run.new,
             "updated": run.updated, "unchanged": run.unchanged, "unmatched": run.unmatched,
             "panel_only": run.panel_only,
             "problems": [{"path": p.path, "line": p.line, "message": p.message}
                          for p in run.problems],
             "error": run.error}
            for run in runs
        ],
        "new_by_brand": [{"brand": brand, "platform": platform, "new": n}
                         for (brand, platform), n in sorted(by_brand.items())],
        "risk": {tier: risk.get(tier, 0) for tier in ("high", "medium", "low")},
    }


def render_runs(data: dict[str, Any]) -> RenderableType:
    sources = Table(title="Sources", title_justify="left")
    for column in ("Source", "Read", "New", "Edited", "Unchanged", "No brand", "Panel only",
                   "Skipped"):
        sources.add_column(column, justify="left" if column == "Source" else "right")
    problems: list[str] = []
    for run in data["sources"]:
        if run["error"]:
            sources.add_row(run["source"], Text(run["error"], style="yellow"), *[""] * 6)
            continue
        sources.add_row(run["source"], f"{run['received']:,}", f"{run['new']:,}",
                        f"{run['updated']:,}", f"{run['unchanged']:,}", f"{run['unmatched']:,}",
                        f"{run['panel_only']:,}",
                        Text(str(len(run["problems"])), style="yellow" if run["problems"] else ""))
        problems.extend(f"{p['path']}:{p['line']}: {p['message']}" for p in run["problems"])
    parts: list[RenderableType] = [sources]
    if data["new_by_brand"]:
        brands = Table(title="New mentions by brand and platform", title_justify="left")
        platforms = sorted({row["platform"] for row in data["new_by_brand"]})
        brands.add_column("Brand")
        for platform in platforms:
            brands.add_column(platform, justify="right")
        counts = {(r["brand"], r["platform"]): r["new"] for r in data["new_by_brand"]}
        for brand in sorted({row["brand"] for row in data["new_by_brand"]}):
            brands.add_row(brand, *(f"{counts.get((brand, p), 0):,}" for p in platforms))
        parts.append(brands)
    risk = data["risk"]
    parts.append(Text.assemble(
        "Risk of new and edited mentions: ", (f"{risk['high']} high", "bold red"), ", ",
        (f"{risk['medium']} medium", "yellow"), f", {risk['low']} low"))
    cases = data.get("cases")
    if cases is not None:
        counts = ", ".join(f"{cases.get(k, 0)} {k}" for k in CASE_ACTIONS)
        parts.append(Text(f"Cases: {counts} (see `earful queue`)"))
    if problems:
        shown = "\n".join(f"  {line}" for line in problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        parts.append(Text(f"Skipped records:\n{shown}" + (f"\n  … and {more} more" if more > 0
                                                           else ""), style="yellow"))
    return Group(*parts)

"""Churn: who says they are leaving which brand, for where, how that moved, and the posts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from earful.queries import Filters
from earful.reports.aggregate import query, top_risk
from earful.reports.display import change_text, snippet, sparkline
from earful.reports.period import Period, change
from earful.rollups import thresholds
from earful.store import Store

NONE = "(no brand named)"


def churn(store: Store, filters: Filters, span: Period, *, top: int = 10) -> dict[str, Any]:
    """Per brand being left: churn threats (and, for rivals, opportunities: people leaving
    them, possibly for us) now and before, where they say they go, per day; and the riskiest
    churn posts. ``--brand`` picks the brand being left."""
    brands: dict[str, dict[str, Any]] = {}
    destinations: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name, p in (("now", span), ("before", span.before)):
        for row in query(store, "churn", filters, p,
                         "brand, day, destination, opportunity, sum(n) AS n",
                         group=("brand", "day", "destination", "opportunity")):
            brand = row["brand"] or NONE
            entry = brands.setdefault(brand, {
                "brand": brand, "threats": 0, "threats_before": 0, "opportunities": 0,
                "opportunities_before": 0, "daily": defaultdict(int)})
            kind = "opportunities" if row["opportunity"] else "threats"
            entry[kind if name == "now" else f"{kind}_before"] += row["n"]
            if name == "now":
                entry["daily"][row["day"]] += row["n"]
                if row["destination"]:
                    destinations[brand][row["destination"]] += row["n"]
    out = []
    for entry in brands.values():
        if not (entry["threats"] or entry["opportunities"]):
            continue
        out.append({
            **{k: v for k, v in entry.items() if k != "daily"},
            "threats_change": change(entry["threats"], entry["threats_before"]),
            "destinations": dict(sorted(destinations[entry["brand"]].items(),
                                        key=lambda kv: -kv[1])),
            "daily": [entry["daily"].get(day, 0) for day in span.days],
        })
    out.sort(key=lambda e: -(e["threats"] + e["opportunities"]))
    churn_min, _ = thresholds(store.conn)
    posts = top_risk(store, replace(filters, min_churn=churn_min), span, limit=top)
    return {"period": span.record(), "previous": span.before.record(), "brands": out,
            "threats": sum(e["threats"] for e in out),
            "threats_before": sum(e["threats_before"] for e in out),
            "opportunities": sum(e["opportunities"] for e in out), "top_posts": posts}


def churn_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if k != "daily"} for e in data["brands"]]


def render_churn(data: dict[str, Any]) -> RenderableType:
    if not data["brands"]:
        return Text("No churn talk in this period.", style="green")
    head = Text.assemble(("Churn threats ", "bold"), (f"{data['threats']:,}", "bold red"), " ",
                         change_text(change(data["threats"], data["threats_before"]),
                                     good_up=False),
                         (f" vs {data['threats_before']:,} before; ", "dim"),
                         ("opportunities ", "bold"), (f"{data['opportunities']:,}", "bold green"))
    table = Table(title=f"Who is leaving whom: {data['period']['since'][:10]} → "
                        f"{data['period']['until'][:10]}", title_justify="left")
    for column in ("Brand left", "Threats", "Change", "Opportunities", "Going to", "Daily"):
        table.add_column(column, justify="right" if column in ("Threats", "Change",
                                                               "Opportunities") else "left")
    for e in data["brands"]:
        table.add_row(Text(e["brand"], style="bold"), str(e["threats"]),
                      change_text(e["threats_change"], good_up=False), str(e["opportunities"]),
                      ", ".join(f"{d} {n}" for d, n in list(e["destinations"].items())[:4]),
                      Text(sparkline(e["daily"]), style="red"))
    table.caption = ("Threats: posts saying they leave the brand; Opportunities: the same "
                     "about a rival (people we may win).")
    parts: list[RenderableType] = [head, table]
    if data["top_posts"]:
        posts = Table(title="Riskiest churn posts", title_justify="left", show_lines=True)
        for column, ratio in (("Risk", None), ("When", None), ("Author", 1), ("Text", 4),
                              ("Link", 2)):
            posts.add_column(column, ratio=ratio, overflow="fold")
        for row in data["top_posts"]:
            posts.add_row(Text(row["risk"], style="bold red" if row["risk"] == "high"
                               else "yellow"), row["created_at"][:16].replace("T", " "),
                          Text(row["author_handle"] or "?"), Text(snippet(row["text"], 140)),
                          Text(row["url"] or ""))
        parts.append(posts)
    return Group(*parts)

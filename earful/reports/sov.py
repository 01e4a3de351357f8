"""Share of voice: each tracked brand's part of all brand mentions, overall and per platform,
now and the period before, with the share of positive voice."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from earful.queries import Filters
from earful.reports.aggregate import query
from earful.reports.display import change_text, sparkline
from earful.reports.period import Period


def sov(store: Any, filters: Filters, span: Period) -> dict[str, Any]:
    """Per brand: mentions and share now and before (change in points), share of the
    positive mentions, per-platform shares and the daily share."""
    # Shares are among all tracked brands: --brand picks the row to show, not the whole.
    scope = replace(filters, brand=None)
    counts: dict[str, dict[str, Any]] = {}
    daily: dict[str, dict[str, int]] = defaultdict(dict)
    totals_by_day: dict[str, int] = defaultdict(int)
    for period_name, p in (("now", span), ("before", span.before)):
        for row in query(store, "daily", scope, p,
                         "brand, role, platform, day, sum(n) AS n, sum(positive) AS positive",
                         brands=True, group=("brand", "role", "platform", "day")):
            entry = counts.setdefault(row["brand"], {
                "brand": row["brand"], "role": row["role"], "now": 0, "before": 0,
                "positive": 0, "platforms": defaultdict(int)})
            entry[period_name] += row["n"]
            if period_name == "now":
                entry["platforms"][row["platform"]] += row["n"]
                entry["positive"] += row["positive"]
                daily[row["brand"]][row["day"]] = daily[row["brand"]].get(row["day"], 0) + row["n"]
                totals_by_day[row["day"]] += row["n"]
    total_now = sum(e["now"] for e in counts.values())
    total_before = sum(e["before"] for e in counts.values())
    positive = sum(e["positive"] for e in counts.values())
    platform_totals: dict[str, int] = defaultdict(int)
    for entry in counts.values():
        for platform, n in entry["platforms"].items():
            platform_totals[platform] += n
    brands = []
    for entry in counts.values():
        share = entry["now"] / total_now if total_now else 0.0
        before = entry["before"] / total_before if total_before else None
        brands.append({
            "brand": entry["brand"], "role": entry["role"], "mentions": entry["now"],
            "mentions_before": entry["before"], "share": round(share, 4),
            "share_before": None if before is None else round(before, 4),
            "share_change": None if before is None else round(share - before, 4),
            "positive_share": round(entry["positive"] / positive, 4) if positive else None,
            "platforms": {platform: round(n / platform_totals[platform], 4)
                          for platform, n in sorted(entry["platforms"].items())},
            "daily_share": [round(daily[entry["brand"]].get(day, 0) / totals_by_day[day], 4)
                            if totals_by_day.get(day) else None for day in span.days],
        })
    brands.sort(key=lambda b: (b["role"] != "brand", -b["mentions"]))
    if filters.brand:
        brands = [b for b in brands if b["brand"].lower() == filters.brand.lower()]
    return {"period": span.record(), "previous": span.before.record(), "days": span.days,
            "mentions": total_now, "mentions_before": total_before, "brands": brands}


def sov_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in b.items() if k != "daily_share"} for b in data["brands"]]


def render_sov(data: dict[str, Any]) -> RenderableType:
    if not data["mentions"]:
        return Text("No brand mentions in this period.", style="yellow")
    platforms = sorted({p for b in data["brands"] for p in b["platforms"]})
    table = Table(title=f"Share of voice: {data['period']['since'][:10]} → "
                        f"{data['period']['until'][:10]} ({data['mentions']:,} brand mentions)",
                  title_justify="left")
    for column in ("Brand", "Mentions", "Share", "Change", "Positive voice", *platforms,
                   "Daily share"):
        table.add_column(column, justify="left" if column in ("Brand", "Daily share")
                         else "right", no_wrap=True)
    for b in data["brands"]:
        table.add_row(
            Text(b["brand"], style="bold" if b["role"] == "brand" else ""), f"{b['mentions']:,}",
            Text(f"{b['share']:.1%}", style="bold"), change_text(b["share_change"], points=True),
            "–" if b["positive_share"] is None else f"{b['positive_share']:.1%}",
            *[f"{b['platforms'][p]:.0%}" if p in b["platforms"] else "–" for p in platforms],
            Text(sparkline(b["daily_share"]), style="cyan"))
    table.caption = ("Share: of all tracked-brand mentions; Change: in points against the "
                     "period before; Positive voice: share of the positive mentions.")
    return Group(table)

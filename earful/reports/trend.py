"""The trend: volume, sentiment and risk per day (or week) for each brand, and in all."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from earful.queries import Filters
from earful.reports.aggregate import SUMS, query
from earful.reports.display import change_text, line_chart, net, sparkline
from earful.reports.period import Period, change

ALL = "all"


def bucket_of(day: str, by: str) -> str:
    """The day itself, or the Monday of its ISO week."""
    if by == "day":
        return day
    moment = date.fromisoformat(day)
    return (moment - timedelta(days=moment.weekday())).isoformat()


def trend(store: Any, filters: Filters, span: Period, *, by: str = "day") -> dict[str, Any]:
    """Per day (``by="day"``) or week (``"week"``, starting Mondays): mentions, net sentiment,
    negative share, high-risk posts and churn threats, in all (``series["all"]``) and per
    brand; and each series' total against the period before."""
    buckets = list(dict.fromkeys(bucket_of(day, by) for day in span.days))
    series: dict[str, dict[str, dict[str, float]]] = defaultdict(
        lambda: {b: _empty() for b in buckets})
    roles: dict[str, str] = {ALL: ""}
    passes = (True,) if filters.brand else (False, True)  # a named brand is the one series
    for brands in passes:
        for row in query(store, "daily", filters, span, f"day, brand, role, {SUMS}",
                         brands=brands, group=("day", "brand", "role")):
            name = row["brand"] or ALL
            roles[name] = row["role"]
            point = series[name][bucket_of(row["day"], by)]
            point["mentions"] += row["n"]
            for label in ("positive", "neutral", "negative"):
                point[label] += row[label]
            point["high_risk"] += row["high"]
            point["churn"] += row["churn"]
            point["sentiment_sum"] += row["sentiment_sum"]
            point["sentiment_n"] += row["sentiment_n"]
    before = {row["brand"] or ALL: row["n"] for brands in passes for row in query(
        store, "daily", filters, span.before, "brand, sum(n) AS n", brands=brands,
        group=("brand",))}
    out = []
    for name in sorted(series, key=lambda n: (n != ALL, roles.get(n) != "brand", n)):
        points = []
        for bucket in buckets:
            p = series[name][bucket]
            scored = p["positive"] + p["neutral"] + p["negative"]
            points.append({
                "bucket": bucket, "mentions": int(p["mentions"]),
                "net_sentiment": net(p["positive"], p["negative"], scored),
                "mean_sentiment": round(p["sentiment_sum"] / p["sentiment_n"], 4)
                if p["sentiment_n"] else None,
                "negative_share": round(p["negative"] / scored, 4) if scored else None,
                "high_risk": int(p["high_risk"]), "churn_threats": int(p["churn"]),
            })
        total = sum(p["mentions"] for p in points)
        out.append({"name": name, "role": roles.get(name, ""), "mentions": total,
                    "mentions_before": before.get(name, 0),
                    "change": change(total, before.get(name, 0)), "points": points})
    return {"period": span.record(), "previous": span.before.record(), "by": by,
            "buckets": buckets, "series": out}


def _empty() -> dict[str, float]:
    return dict.fromkeys(("mentions", "positive", "neutral", "negative", "high_risk", "churn",
                          "sentiment_sum", "sentiment_n"), 0.0)


def trend_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One CSV row per series and bucket."""
    return [{"series": s["name"], data["by"]: p["bucket"], **{k: v for k, v in p.items()
                                                             if k != "bucket"}}
            for s in data["series"] for p in s["points"]]


def render_trend(data: dict[str, Any], *, chart: bool = True, width: int = 100) -> RenderableType:
    """A chart of mentions per brand, then a table of sparklines per series."""
    if not any(s["mentions"] for s in data["series"]):
        return Text("No mentions in this period.", style="yellow")
    parts: list[RenderableType] = []
    named = [s for s in data["series"] if s["name"] != ALL]
    if chart and len(data["buckets"]) > 1:
        parts.append(line_chart(data["buckets"],
                                {s["name"]: [p["mentions"] for p in s["points"]]
                                 for s in (named or data["series"])},
                                title=f"Mentions per {data['by']}", width=width))
    table = Table(title=f"Per {data['by']}: {data['period']['since'][:10]} → "
                        f"{data['period']['until'][:10]}", title_justify="left")
    for column, justify in (("Series", "left"), ("Mentions", "right"), ("Change", "right"),
                            ("Volume", "left"), ("Net sentiment", "left"),
                            ("High risk", "left"), ("Churn", "right")):
        table.add_column(column, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for s in data["series"]:
        points = s["points"]
        table.add_row(
            Text(s["name"], style="bold" if s["name"] == ALL or s["role"] == "brand" else ""),
            f"{s['mentions']:,}", change_text(s["change"]),
            Text(sparkline([p["mentions"] for p in points]), style="cyan"),
            Text(sparkline([p["net_sentiment"] for p in points]), style="green"),
            Text(sparkline([p["high_risk"] for p in points]), style="red"),
            str(sum(p["churn_threats"] for p in points)))
    table.caption = ("Change: mentions against the period before. Net sentiment: "
                     "(positive − negative) / scored, per bucket.")
    parts.append(table)
    return Group(*parts)

"""Topics: what the brand mentions are about ([[topics]] in the config), how much, how it
feels, and what rose or fell against the period before."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from earful.queries import Filters
from earful.reports.aggregate import query
from earful.reports.display import change_text, sparkline
from earful.reports.period import Period, change

_SUMS = ("sum(n) AS n, sum(negative) AS negative, sum(churn) AS churn, "
         "sum(sentiment_sum) AS sentiment_sum, sum(sentiment_n) AS sentiment_n")


def topics(store: Any, filters: Filters, span: Period, *, top: int = 20) -> dict[str, Any]:
    """Per topic: mentions now and before, change, negative share, mean sentiment, churn
    threats and the daily volume; the ``top`` largest."""
    now = query(store, "topics", filters, span, f"topic, day, {_SUMS}",
                group=("topic", "day"))
    before = {row["topic"]: row["n"] for row in query(
        store, "topics", filters, span.before, "topic, sum(n) AS n", group=("topic",))}
    found: dict[str, dict[str, Any]] = {}
    daily: dict[str, dict[str, int]] = defaultdict(dict)
    for row in now:
        entry = found.setdefault(row["topic"], dict.fromkeys(
            ("n", "negative", "churn", "sentiment_sum", "sentiment_n"), 0))
        for key in entry:
            entry[key] += row[key]
        daily[row["topic"]][row["day"]] = row["n"]
    (total,) = (row["n"] or 0 for row in query(store, "daily", filters, span, "sum(n) AS n"))
    items = []
    for topic, e in found.items():
        items.append({
            "topic": topic, "mentions": e["n"], "share": round(e["n"] / total, 4) if total
            else None, "mentions_before": before.get(topic, 0),
            "change": change(e["n"], before.get(topic, 0)),
            "negative_share": round(e["negative"] / e["n"], 4) if e["n"] else None,
            "mean_sentiment": round(e["sentiment_sum"] / e["sentiment_n"], 4)
            if e["sentiment_n"] else None,
            "churn_threats": int(e["churn"]),
            "daily": [daily[topic].get(day, 0) for day in span.days],
        })
    items.sort(key=lambda t: -t["mentions"])
    gone = sorted((t for t in before if t not in found), key=lambda t: -before[t])
    return {"period": span.record(), "previous": span.before.record(), "mentions": total,
            "topics": items[:top],
            "gone": [{"topic": t, "mentions_before": before[t]} for t in gone]}


def topics_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in t.items() if k != "daily"} for t in data["topics"]]


def render_topics(data: dict[str, Any]) -> RenderableType:
    if not data["topics"]:
        return Text("No topic mentions in this period (topics are [[topics]] in the config).",
                    style="yellow")
    table = Table(title=f"Topics: {data['period']['since'][:10]} → "
                        f"{data['period']['until'][:10]} (of {data['mentions']:,} mentions)",
                  title_justify="left")
    for column in ("Topic", "Mentions", "Share", "Change", "Negative", "Sentiment", "Churn",
                   "Daily"):
        table.add_column(column, justify="left" if column in ("Topic", "Daily") else "right",
                         no_wrap=True)
    for t in data["topics"]:
        table.add_row(
            Text(t["topic"], style="bold"), f"{t['mentions']:,}",
            "–" if t["share"] is None else f"{t['share']:.0%}",
            change_text(t["change"]),
            Text("–" if t["negative_share"] is None else f"{t['negative_share']:.0%}",
                 style="red" if (t["negative_share"] or 0) >= 0.5 else ""),
            "–" if t["mean_sentiment"] is None else f"{t['mean_sentiment']:+.2f}",
            str(t["churn_threats"]), Text(sparkline(t["daily"]), style="cyan"))
    parts: list[RenderableType] = [table]
    if data["gone"]:
        parts.append(Text("Not heard this period: " + ", ".join(
            f"{g['topic']} ({g['mentions_before']} before)" for g in data["gone"]), style="dim"))
    return Group(*parts)

"""The overview: volume, sentiment split, share of voice and the top risk posts."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from earful.queries import Filters
from earful.reports.aggregate import SUMS, query, top_risk
from earful.reports.display import change_text, net, pct, snippet, sparkline
from earful.reports.period import Period, change
from earful.store import Store

_LABELS = ("positive", "neutral", "negative", "unscored")


def overview(store: Store, filters: Filters, span: Period, *, top: int = 10) -> dict[str, Any]:
    """The overview's numbers as plain data (what ``--json`` prints): mentions in ``span``
    against the period before, per brand (share of voice, sentiment, risk, churn), per day,
    and the top risk posts."""
    rows = query(store, "daily", filters, span, f"brand, role, platform, {SUMS}",
                 brands=True, group=("brand", "role", "platform"))
    before = {row["brand"]: row["n"] for row in query(
        store, "daily", filters, span.before, "brand, sum(n) AS n", brands=True,
        group=("brand",))}
    brands: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = brands.setdefault(row["brand"], {
            "brand": row["brand"], "role": row["role"], "mentions": 0, "platforms": {},
            "sentiment": dict.fromkeys(_LABELS, 0), "risk": {"high": 0, "medium": 0, "low": 0},
            "churn_threats": 0, "opportunities": 0, "complaints": 0, "engagement": 0,
            "reach": 0,
        })
        n = row["n"]
        entry["mentions"] += n
        entry["platforms"][row["platform"]] = entry["platforms"].get(row["platform"], 0) + n
        scored = row["positive"] + row["neutral"] + row["negative"]
        for label in ("positive", "neutral", "negative"):
            entry["sentiment"][label] += row[label]
        entry["sentiment"]["unscored"] += n - scored
        entry["risk"]["high"] += row["high"]
        entry["risk"]["medium"] += row["medium"]
        entry["risk"]["low"] += n - row["high"] - row["medium"]
        entry["churn_threats"] += row["churn"]
        entry["opportunities"] += row["opportunities"]
        entry["complaints"] += row["complaints"]
        entry["engagement"] += int(row["engagement"])
        entry["reach"] += int(row["reach"])
    total_brand_mentions = sum(entry["mentions"] for entry in brands.values())
    total_before = sum(before.values())
    for entry in brands.values():
        entry["share_of_voice"] = (round(entry["mentions"] / total_brand_mentions, 4)
                                   if total_brand_mentions else 0.0)
        sentiment = entry["sentiment"]
        entry["net_sentiment"] = net(sentiment["positive"], sentiment["negative"],
                                     sentiment["positive"] + sentiment["neutral"]
                                     + sentiment["negative"])
        entry["mentions_before"] = before.get(entry["brand"], 0)
        entry["change"] = change(entry["mentions"], entry["mentions_before"])
        entry["share_of_voice_before"] = (round(entry["mentions_before"] / total_before, 4)
                                          if total_before else None)
    daily = {row["day"]: row["n"] for row in query(
        store, "daily", filters, span, "day, sum(n) AS n", group=("day",))}
    now_total = sum(daily.values())
    (before_total,) = (row["n"] or 0 for row in query(store, "daily", filters, span.before,
                                                      "sum(n) AS n"))
    ordered = sorted(brands.values(), key=lambda e: (e["role"] != "brand", -e["mentions"]))
    return {
        "filters": _fields(filters),
        "period": span.record(),
        "previous": span.before.record(),
        "mentions": now_total,
        "mentions_before": before_total,
        "change": change(now_total, before_total),
        "daily": [{"day": day, "mentions": daily.get(day, 0)} for day in span.days],
        "brands": ordered,
        "top_risk": top_risk(store, filters, span, limit=top),
    }


def overview_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One CSV row per brand."""
    return [{"brand": e["brand"], "role": e["role"], "mentions": e["mentions"],
             "mentions_before": e["mentions_before"], "change": e["change"],
             "share_of_voice": e["share_of_voice"], **{f"sentiment_{k}": v for k, v in
                                                        e["sentiment"].items()},
             "net_sentiment": e["net_sentiment"], "risk_high": e["risk"]["high"],
             "risk_medium": e["risk"]["medium"], "churn_threats": e["churn_threats"],
             "opportunities": e["opportunities"], "complaints": e["complaints"],
             "engagement": e["engagement"], "reach": e["reach"]}
            for e in data["brands"]]


def _fields(filters: Filters) -> dict[str, Any]:
    return {name: getattr(filters, name) for name in filters.__slots__
            if getattr(filters, name) is not None}


def render_overview(data: dict[str, Any]) -> RenderableType:
    """Rich renderables for :func:`overview`'s data."""
    period = data["period"]
    if not data["mentions"]:
        return Text(f"No mentions match from {period['since'][:16]} to {period['until'][:16]}. "
                    "Run `earful listen --once` or `earful import` first, or widen --since.",
                    style="yellow")
    head = Text.assemble(
        ("Mentions ", "bold"), (f"{data['mentions']:,}", "bold cyan"), " ",
        change_text(data["change"]), (f" vs {data['mentions_before']:,} the period before", "dim"),
        f"   {period['since'][:10]} → {period['until'][:10]}   ",
        ("daily ", "dim"), (sparkline([d["mentions"] for d in data["daily"]]), "cyan"),
    )
    # Narrow enough for an 80-column terminal: our brand is starred rather than given a
    # column, and neutral is what positive and negative leave.
    volume = Table(title="Volume, sentiment and share of voice", title_justify="left",
                   padding=(0, 1), collapse_padding=True)
    for column, justify in (("Brand", "left"), ("Mentions", "right"), ("Δ", "right"),
                            ("SoV", "right"), ("Pos", "right"), ("Neg", "right"),
                            ("Net", "right"), ("High", "right"), ("Churn", "right"),
                            ("Opp.", "right")):
        volume.add_column(column, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for entry in data["brands"]:
        sentiment, n = entry["sentiment"], entry["mentions"]
        net = entry["net_sentiment"]
        ours = entry["role"] == "brand"
        volume.add_row(
            Text(entry["brand"] + (" ★" if ours else ""), style="bold" if ours else ""),
            f"{n:,}", change_text(entry["change"]), f"{entry['share_of_voice']:.0%}",
            Text(pct(sentiment["positive"], n), style="green"),
            Text(pct(sentiment["negative"], n), style="red"),
            Text("–" if net is None else f"{net:+.2f}",
                 style="green" if (net or 0) > 0 else "red" if (net or 0) < 0 else ""),
            Text(str(entry["risk"]["high"]), style="bold red" if entry["risk"]["high"] else ""),
            str(entry["churn_threats"]), str(entry["opportunities"]),
        )
    volume.caption = ("★ ours. Δ: mentions against the period before. SoV: share of voice "
                      "among tracked brands. Net: (positive − negative) / scored. High: "
                      "high-risk posts. Churn: threats to leave; Opp.: people leaving a rival.")
    risks = Table(title="Top risk posts", title_justify="left", show_lines=True)
    for column, ratio in (("Risk", None), ("When", None), ("Where", None), ("Author", 1),
                          ("Text", 4), ("Why", 3)):
        risks.add_column(column, overflow="fold", ratio=ratio)
    for row in data["top_risk"]:
        risks.add_row(
            Text(row["risk"], style="bold red" if row["risk"] == "high" else "yellow"),
            row["created_at"][:16].replace("T", " "), row["platform"],
            # Posts are data, not markup: Text keeps "[urgent]" from being read as a style.
            Text(row["author_handle"] or "?"), Text(snippet(row["text"], 140)),
            Text("; ".join(row["reasons"][:2])),
        )
    parts: list[RenderableType] = [head, volume]
    if data["top_risk"]:
        parts.append(risks)
    return Group(*parts)


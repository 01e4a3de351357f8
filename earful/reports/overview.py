"""The overview: volume, sentiment split, share of voice and the top risk posts."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from earful.queries import Filters, search_mentions
from earful.store import Store

_LABELS = ("positive", "neutral", "negative", "unscored")
_BARS = "▁▂▃▄▅▆▇█"


def overview(store: Store, filters: Filters, *, top: int = 10) -> dict[str, Any]:
    """The overview's numbers as plain data (what ``--json`` prints)."""
    brand_filter = Filters(**{**_fields(filters), "brand": None})
    where, params = brand_filter.where()
    sql = f"""
        SELECT b.brand, b.role, m.platform, s.sentiment_label, s.risk,
               count(*) AS n, sum(s.churn_intent >= 0.5 AND NOT s.opportunity) AS churn,
               sum(s.opportunity) AS opportunities
        FROM mention_brands b
        JOIN mentions m ON m.id = b.mention_id
        LEFT JOIN scores s ON s.mention_id = m.id
        WHERE {where} {"AND b.brand = ? COLLATE NOCASE" if filters.brand else ""}
        GROUP BY b.brand, b.role, m.platform, s.sentiment_label, s.risk"""
    rows = store.conn.execute(sql, [*params, *([filters.brand] if filters.brand else [])])
    brands: dict[str, dict[str, Any]] = {}
    for brand, role, platform, label, risk, n, churn, opportunities in rows:
        entry = brands.setdefault(brand, {
            "brand": brand, "role": role, "mentions": 0, "platforms": {},
            "sentiment": dict.fromkeys(_LABELS, 0), "risk": {"high": 0, "medium": 0, "low": 0},
            "churn_threats": 0, "opportunities": 0,
        })
        entry["mentions"] += n
        entry["platforms"][platform] = entry["platforms"].get(platform, 0) + n
        entry["sentiment"][label or "unscored"] += n
        entry["risk"][risk or "low"] += n
        entry["churn_threats"] += churn or 0
        entry["opportunities"] += opportunities or 0
    total_brand_mentions = sum(entry["mentions"] for entry in brands.values())
    for entry in brands.values():
        entry["share_of_voice"] = (round(entry["mentions"] / total_brand_mentions, 4)
                                   if total_brand_mentions else 0.0)
        scored = sum(entry["sentiment"][k] for k in ("positive", "neutral", "negative"))
        entry["net_sentiment"] = (
            round((entry["sentiment"]["positive"] - entry["sentiment"]["negative"]) / scored, 4)
            if scored else None
        )
    where, params = filters.where()
    total, first, last = store.conn.execute(
        f"SELECT count(*), min(m.created_at), max(m.created_at) FROM mentions m "
        f"LEFT JOIN scores s ON s.mention_id = m.id WHERE {where}", params).fetchone()
    daily = store.conn.execute(
        f"SELECT substr(m.created_at, 1, 10) AS day, count(*) FROM mentions m "
        f"LEFT JOIN scores s ON s.mention_id = m.id WHERE {where} GROUP BY day ORDER BY day",
        params).fetchall()
    top_risk = [row for row in search_mentions(store, filters, limit=top, order="risk")
                if row["risk"] in ("high", "medium")]
    ordered = sorted(brands.values(), key=lambda e: (e["role"] != "brand", -e["mentions"]))
    return {
        "filters": _fields(filters),
        "mentions": total,
        "first": first,
        "last": last,
        "daily": [{"day": day, "mentions": n} for day, n in daily],
        "brands": ordered,
        "top_risk": top_risk,
    }


def _fields(filters: Filters) -> dict[str, Any]:
    return {name: getattr(filters, name) for name in filters.__slots__}


def sparkline(values: list[int]) -> str:
    if not values:
        return ""
    high = max(values) or 1
    return "".join(_BARS[min(len(_BARS) - 1, round(v / high * (len(_BARS) - 1)))] for v in values)


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def render_overview(data: dict[str, Any]) -> RenderableType:
    """Rich renderables for :func:`overview`'s data."""
    if not data["mentions"]:
        return Text("No mentions match. Run `earful listen --once` or `earful import` first.",
                    style="yellow")
    head = Text.assemble(
        ("Mentions ", "bold"), (f"{data['mentions']:,}", "bold cyan"),
        f"  from {data['first'][:10]} to {data['last'][:10]}   ",
        ("daily ", "dim"), (sparkline([d["mentions"] for d in data["daily"]]), "cyan"),
    )
    volume = Table(title="Volume, sentiment and share of voice", title_justify="left")
    for column, justify in (("Brand", "left"), ("Role", "left"), ("Mentions", "right"),
                            ("SoV", "right"), ("Pos", "right"), ("Neu", "right"),
                            ("Neg", "right"), ("Net", "right"), ("High risk", "right"),
                            ("Churn", "right"), ("Opport.", "right")):
        volume.add_column(column, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for entry in data["brands"]:
        sentiment, n = entry["sentiment"], entry["mentions"]
        net = entry["net_sentiment"]
        volume.add_row(
            Text(entry["brand"], style="bold" if entry["role"] == "brand" else ""),
            "ours" if entry["role"] == "brand" else "rival",
            f"{n:,}", f"{entry['share_of_voice']:.0%}",
            Text(_pct(sentiment["positive"], n), style="green"), _pct(sentiment["neutral"], n),
            Text(_pct(sentiment["negative"], n), style="red"),
            Text("–" if net is None else f"{net:+.2f}",
                 style="green" if (net or 0) > 0 else "red" if (net or 0) < 0 else ""),
            Text(str(entry["risk"]["high"]), style="bold red" if entry["risk"]["high"] else ""),
            str(entry["churn_threats"]), str(entry["opportunities"]),
        )
    volume.caption = ("SoV: share of voice among tracked brands. Net: (positive − negative) / "
                      "scored. Churn: threats to leave; Opport.: people leaving a rival.")
    risks = Table(title="Top risk posts", title_justify="left", show_lines=True)
    for column, ratio in (("Risk", None), ("When", None), ("Where", None), ("Author", 1),
                          ("Text", 4), ("Why", 3)):
        risks.add_column(column, overflow="fold", ratio=ratio)
    for row in data["top_risk"]:
        risks.add_row(
            Text(row["risk"], style="bold red" if row["risk"] == "high" else "yellow"),
            row["created_at"][:16].replace("T", " "), row["platform"],
            # Posts are data, not markup: Text keeps "[urgent]" from being read as a style.
            Text(row["author_handle"] or "?"), Text(_snippet(row["text"], 140)),
            Text("; ".join(row["reasons"][:2])),
        )
    parts: list[RenderableType] = [head, volume]
    if data["top_risk"]:
        parts.append(risks)
    return Group(*parts)


def _snippet(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"

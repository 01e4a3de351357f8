"""``earful report html``: one self-contained file for stakeholders.

The charts are plotly figures; plotly.js is inlined once, so the file opens offline with no
CDN. The numbers are those of the terminal reports (the same functions build them).
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from earful.config import Settings
from earful.models import utcnow
from earful.queries import Filters
from earful.reports.churn import churn
from earful.reports.overview import overview
from earful.reports.period import Period
from earful.reports.sov import sov
from earful.reports.topics import topics
from earful.reports.trend import ALL, trend
from earful.store import Store

_COLORS = ["#1f6feb", "#d1242f", "#8250df", "#1a7f37", "#bf8700", "#0a7ea4", "#cf222e"]
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;
background:#f6f8fa}
header{background:#0d1117;color:#f0f6fc;padding:24px 32px}
header h1{margin:0 0 4px;font-size:24px} header p{margin:0;color:#8b949e}
main{padding:16px 32px;max-width:1200px;margin:auto}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px 16px;min-width:150px}
.card b{display:block;font-size:24px} .card span{color:#57606a;font-size:13px}
.up{color:#1a7f37} .down{color:#d1242f}
section{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px 16px;
margin:16px 0} h2{font-size:18px;margin:4px 0 8px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}
@media (max-width:900px){.grid{grid-template-columns:1fr}}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border-bottom:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa} td.num{text-align:right;white-space:nowrap}
.risk-high{color:#d1242f;font-weight:600} .risk-medium{color:#9a6700;font-weight:600}
footer{color:#57606a;font-size:12px;padding:16px 32px}
"""


def build_html(store: Store, settings: Settings, filters: Filters, span: Period, *,
               top: int = 15, now: datetime | None = None) -> str:
    """The whole report as one HTML document."""
    from plotly.offline import get_plotlyjs

    from responders.report import sla_report

    view = overview(store, filters, span, top=top)
    days = trend(store, filters, span)
    shares = sov(store, filters, span)
    subjects = topics(store, filters, span, top=12)
    leaving = churn(store, filters, span, top=top)
    now = now or utcnow()
    service = sla_report(store, settings, now, *span.texts(), brand=filters.brand,
                         platform=filters.platform, language=filters.language,
                         panel=filters.panel)
    since, until = span.texts()
    scope = ", ".join(f"{k} {v}" for k, v in view["filters"].items()
                      if k not in ("since", "until")) or "all brands, platforms and languages"
    charts = [
        ("Mentions per day", _volume_chart(days)),
        ("Net sentiment per day", _sentiment_chart(days)),
        ("Share of voice", _sov_chart(shares)),
        ("Topics", _topics_chart(subjects)),
        ("Churn threats and opportunities", _churn_chart(leaving)),
        ("SLA by team", _sla_chart(service)),
    ]
    sections = "".join(
        f'<section><h2>{html.escape(title)}</h2>{figure}</section>' if figure else
        f'<section><h2>{html.escape(title)}</h2><p>No data in this period.</p></section>'
        for title, figure in charts)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Earful report {since[:10]} to {until[:10]}</title>
<link rel="icon" href="data:,">
<style>{_CSS}</style>
<script>{get_plotlyjs()}</script>
</head><body>
<header><h1>Earful report</h1>
<p>{since[:10]} → {until[:10]} · {html.escape(scope)} · compared with {
        view['previous']['since'][:10]} → {view['previous']['until'][:10]}</p></header>
<main>
{_cards(view, leaving, service)}
<div class="grid">{sections}</div>
<section><h2>Top risk posts</h2>{_risk_table(view["top_risk"])}</section>
<section><h2>Per brand</h2>{_brand_table(view)}</section>
</main>
<footer>Made by Earful on {now:%Y-%m-%d %H:%M} UTC from the store's rollups; days are UTC days.
</footer>
</body></html>
"""


def _figure(fig: Any) -> str:
    fig.update_layout(margin={"l": 40, "r": 10, "t": 10, "b": 40}, height=320,
                      legend={"orientation": "h", "y": -0.2}, template="plotly_white")
    return str(fig.to_html(full_html=False, include_plotlyjs=False,
                           config={"displaylogo": False, "responsive": True}))


def _named(data: dict[str, Any]) -> list[dict[str, Any]]:
    named = [s for s in data["series"] if s["name"] != ALL]
    return named or [s for s in data["series"] if s["name"] == ALL]


def _volume_chart(data: dict[str, Any]) -> str | None:
    import plotly.graph_objects as go

    series = _named(data)
    if not any(s["mentions"] for s in series):
        return None
    fig = go.Figure([go.Scatter(x=data["buckets"], y=[p["mentions"] for p in s["points"]],
                                name=s["name"], mode="lines+markers",
                                line={"color": _COLORS[i % len(_COLORS)]})
                     for i, s in enumerate(series)])
    return _figure(fig)


def _sentiment_chart(data: dict[str, Any]) -> str | None:
    import plotly.graph_objects as go

    series = _named(data)
    if not any(p["net_sentiment"] is not None for s in series for p in s["points"]):
        return None
    fig = go.Figure([go.Scatter(x=data["buckets"], y=[p["net_sentiment"] for p in s["points"]],
                                name=s["name"], mode="lines", connectgaps=True,
                                line={"color": _COLORS[i % len(_COLORS)]})
                     for i, s in enumerate(series)])
    fig.update_yaxes(range=[-1, 1], zeroline=True)
    return _figure(fig)


def _sov_chart(data: dict[str, Any]) -> str | None:
    import plotly.graph_objects as go

    if not data["brands"]:
        return None
    fig = go.Figure([go.Pie(labels=[b["brand"] for b in data["brands"]],
                            values=[b["mentions"] for b in data["brands"]], hole=0.5,
                            marker={"colors": _COLORS}, sort=False)])
    return _figure(fig)


def _topics_chart(data: dict[str, Any]) -> str | None:
    import plotly.graph_objects as go

    items = list(reversed(data["topics"]))
    if not items:
        return None
    negative = [round(t["mentions"] * (t["negative_share"] or 0)) for t in items]
    fig = go.Figure([
        go.Bar(y=[t["topic"] for t in items], x=[t["mentions"] - n for t, n in
                                                  zip(items, negative, strict=True)],
               orientation="h", name="not negative", marker={"color": "#1f6feb"}),
        go.Bar(y=[t["topic"] for t in items], x=negative, orientation="h", name="negative",
               marker={"color": "#d1242f"}),
    ])
    fig.update_layout(barmode="stack")
    return _figure(fig)


def _churn_chart(data: dict[str, Any]) -> str | None:
    import plotly.graph_objects as go

    if not data["brands"]:
        return None
    names = [b["brand"] for b in data["brands"]]
    fig = go.Figure([
        go.Bar(x=names, y=[b["threats"] for b in data["brands"]], name="threats",
               marker={"color": "#d1242f"}),
        go.Bar(x=names, y=[b["opportunities"] for b in data["brands"]], name="opportunities",
               marker={"color": "#1a7f37"}),
    ])
    fig.update_layout(barmode="group")
    return _figure(fig)


def _sla_chart(data: dict[str, Any]) -> str | None:
    import plotly.graph_objects as go

    teams = data["teams"]
    if not teams:
        return None
    names = [t["name"] for t in teams]
    fig = go.Figure([
        go.Bar(x=names, y=[t["cases"] for t in teams], name="cases",
               marker={"color": "#1f6feb"}),
        go.Bar(x=names, y=[t["breaches"] for t in teams], name="breaches",
               marker={"color": "#d1242f"}),
        go.Bar(x=names, y=[t["resolved"] for t in teams], name="resolved",
               marker={"color": "#1a7f37"}),
    ])
    fig.update_layout(barmode="group")
    return _figure(fig)


def _change(value: float | None, good_up: bool = True) -> str:
    if value is None:
        return ""
    style = "up" if (value > 0) == good_up else "down"
    return f' <small class="{style}">{value:+.0%}</small>'


def _cards(view: dict[str, Any], leaving: dict[str, Any], service: dict[str, Any]) -> str:
    ours = next((b for b in view["brands"] if b["role"] == "brand"), None)
    overall = (service.get("all") or [{}])[0]
    cards = [
        ("Mentions", f"{view['mentions']:,}{_change(view['change'])}"),
        ("Our share of voice", f"{ours['share_of_voice']:.0%}" if ours else "–"),
        ("Our net sentiment", "–" if not ours or ours["net_sentiment"] is None
         else f"{ours['net_sentiment']:+.2f}"),
        ("High-risk posts", f"{sum(b['risk']['high'] for b in view['brands']):,}"),
        ("Churn threats", f"{leaving['threats']:,}"),
        ("Cases · breaches", f"{overall.get('cases', 0):,} · {overall.get('breaches', 0):,}"),
    ]
    return '<div class="cards">' + "".join(
        f'<div class="card"><b>{value}</b><span>{html.escape(label)}</span></div>'
        for label, value in cards) + "</div>"


def _risk_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>No medium- or high-risk posts in this period.</p>"
    body = "".join(
        f'<tr><td class="risk-{html.escape(r["risk"])}">{html.escape(r["risk"])}</td>'
        f'<td class="num">{html.escape(r["created_at"][:16].replace("T", " "))}</td>'
        f'<td>{html.escape(r["platform"])}</td>'
        f'<td>{html.escape(r["author_handle"] or "?")}</td>'
        f'<td>{html.escape(r["text"])}<br><small>{html.escape("; ".join(r["reasons"][:3]))}'
        f'</small></td><td>{_link(r["url"])}</td></tr>' for r in rows)
    return ("<table><thead><tr><th>Risk</th><th>When (UTC)</th><th>Where</th><th>Author</th>"
            f"<th>Post and why</th><th>Link</th></tr></thead><tbody>{body}</tbody></table>")


def _link(url: str | None) -> str:
    if not url or not url.startswith(("https://", "http://")):
        return ""
    return f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer">open</a>'


def _brand_table(view: dict[str, Any]) -> str:
    body = "".join(
        f'<tr><td>{html.escape(b["brand"])}</td><td>{"ours" if b["role"] == "brand" else "rival"}'
        f'</td><td class="num">{b["mentions"]:,}{_change(b["change"])}</td>'
        f'<td class="num">{b["share_of_voice"]:.0%}</td>'
        f'<td class="num">{_signed(b["net_sentiment"])}</td>'
        f'<td class="num">{b["risk"]["high"]}</td><td class="num">{b["churn_threats"]}</td>'
        f'<td class="num">{b["opportunities"]}</td></tr>' for b in view["brands"])
    return ("<table><thead><tr><th>Brand</th><th>Role</th><th>Mentions</th><th>Share</th>"
            "<th>Net sentiment</th><th>High risk</th><th>Churn threats</th>"
            f"<th>Opportunities</th></tr></thead><tbody>{body}</tbody></table>")


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}"

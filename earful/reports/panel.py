"""The panel report: what a panel talks about, how it feels, and how that changed.

A period (``since``–``until``) is compared with the one of the same length just before it:
volume and sentiment by day, topics (words, bigrams, hashtags, subreddits) rising and
falling (:mod:`earful.reports.terms`), the brands the panel names (share of voice inside the
panel), churn signals, and the most active members. ``compare`` sets a second audience beside
it: another panel, or ``all`` (every brand mention).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, timedelta
from typing import Any

from rich.columns import Columns
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from earful.errors import EarfulError
from earful.models import utc_iso
from earful.queries import Filters
from earful.reports.display import net, sparkline
from earful.reports.period import Period
from earful.reports.terms import KINDS, TermChange, TermCounts, compare, extract
from earful.store import Store, in_chunks

ALL = "all"  # --compare all: every brand mention
_LABELS = ("positive", "neutral", "negative", "unscored")


def panel_report(store: Store, name: str, span: Period, *, filters: Filters | None = None,
                 churn_min: float = 0.5, top: int = 10) -> dict[str, Any]:
    """One audience's report as plain data (what ``--json`` prints). ``name`` is a panel or
    :data:`ALL`; ``filters`` narrow it further (platform, language, brand…)."""
    if name != ALL and store.conn.execute("SELECT 1 FROM panels WHERE name = ?",
                                          (name,)).fetchone() is None:
        known = [n for (n,) in store.conn.execute("SELECT name FROM panels ORDER BY name")]
        raise EarfulError(f"no panel named {name!r}; panels: {', '.join(known) or 'none'}")
    scope = replace(filters or Filters(), panel=None if name == ALL else name,
                    since=utc_iso(span.before.since), until=utc_iso(span.until))
    where, params = scope.where()
    rows = store.conn.execute(
        "SELECT m.id, m.platform, m.author_id, m.author_handle, m.text, m.created_at, "
        "m.community, m.url, s.language, s.sentiment_label, s.churn_intent, s.opportunity, "
        "s.churn_target, s.risk FROM mentions m LEFT JOIN scores s ON s.mention_id = m.id "
        f"WHERE {where} ORDER BY m.created_at", params).fetchall()
    brands = defaultdict(list)
    for chunk, marks in in_chunks([row[0] for row in rows]):
        for mention_id, brand, role in store.conn.execute(
                "SELECT mention_id, brand, role FROM mention_brands WHERE mention_id IN "
                f"({marks})", chunk):
            brands[mention_id].append((brand, role))
    start = utc_iso(span.since) or ""
    now_rows = [row for row in rows if row[5] >= start]
    before_rows = [row for row in rows if row[5] < start]
    members = None
    if name != ALL:
        (members,) = store.conn.execute("SELECT count(*) FROM panel_members WHERE panel = ?",
                                        (name,)).fetchone()
    counts_now = TermCounts.of(_terms(row) for row in now_rows)
    counts_before = TermCounts.of(_terms(row) for row in before_rows)
    return {
        "audience": name,
        "members": members,
        "since": utc_iso(span.since), "until": utc_iso(span.until),
        "previous": {"since": utc_iso(span.before.since), "until": start},
        "now": _summary(now_rows), "before": _summary(before_rows),
        "daily": _daily(now_rows, span),
        "topics": {kind: _changes(compare(counts_now, counts_before, kind=kind, top=top))
                   for kind in KINDS},
        "brands": _brands(now_rows, before_rows, brands),
        "churn": _churn(now_rows, brands, churn_min, top),
        "active": _active(now_rows, top),
    }


def _terms(row: tuple[Any, ...]) -> Any:
    return extract(row[4], language=row[8], platform=row[1], community=row[6])


def _summary(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    labels = Counter(row[9] or "unscored" for row in rows)
    scored = labels["positive"] + labels["neutral"] + labels["negative"]
    return {
        "posts": len(rows),
        "authors": len({row[2] for row in rows if row[2]}),
        "sentiment": {label: labels[label] for label in _LABELS},
        "net_sentiment": net(labels["positive"], labels["negative"], scored),
    }


def _daily(rows: list[tuple[Any, ...]], span: Period) -> list[dict[str, Any]]:
    days: dict[str, Counter[str]] = {}
    day = span.since.astimezone(UTC).date()
    while day < span.until.astimezone(UTC).date() or not days:
        days[day.isoformat()] = Counter()
        day += timedelta(days=1)
    for row in rows:
        days.setdefault(row[5][:10], Counter())[row[9] or "unscored"] += 1
    return [{"day": key, "posts": sum(c.values()), **{k: c[k] for k in _LABELS}}
            for key, c in sorted(days.items())]


def _changes(found: dict[str, list[TermChange]]) -> dict[str, list[dict[str, Any]]]:
    return {section: [{"term": c.term, "now": c.now, "before": c.before,
                       "share_now": round(c.share_now, 4),
                       "share_before": round(c.share_before, 4),
                       "score": round(c.score, 2), "status": c.status} for c in changes]
            for section, changes in found.items()}


def _brands(now_rows: list[tuple[Any, ...]], before_rows: list[tuple[Any, ...]],
            brands: dict[str, list[tuple[str, str]]]) -> list[dict[str, Any]]:
    def count(rows: list[tuple[Any, ...]]) -> tuple[Counter[str], Counter[str], dict[str, str]]:
        named: Counter[str] = Counter()
        balance: Counter[str] = Counter()
        roles = {}
        for row in rows:
            for brand, role in brands.get(row[0], ()):
                named[brand] += 1
                roles[brand] = role
                balance[brand] += {"positive": 1, "negative": -1}.get(row[9] or "", 0)
        return named, balance, roles

    named, balance, roles = count(now_rows)
    named_before, _, roles_before = count(before_rows)
    total, total_before = sum(named.values()), sum(named_before.values())
    result = []
    for brand in sorted({*named, *named_before}, key=lambda b: (-named[b], b)):
        result.append({
            "brand": brand, "role": roles.get(brand) or roles_before.get(brand),
            "posts": named[brand], "before": named_before[brand],
            "share": round(named[brand] / total, 4) if total else 0.0,
            "share_before": round(named_before[brand] / total_before, 4)
            if total_before else 0.0,
            "net": round(balance[brand] / named[brand], 4) if named[brand] else None,
        })
    return result


def _churn(rows: list[tuple[Any, ...]], brands: dict[str, list[tuple[str, str]]],
           churn_min: float, top: int) -> dict[str, Any]:
    threats = [row for row in rows if (row[10] or 0) >= churn_min and not row[11]]
    opportunities = sum(1 for row in rows if (row[10] or 0) >= churn_min and row[11])
    threats.sort(key=lambda row: (-(row[10] or 0), row[5]))
    return {
        "threats": len(threats),
        "opportunities": opportunities,
        "posts": [{"id": row[0], "author": row[3], "created_at": row[5], "text": row[4],
                   "url": row[7], "churn_intent": row[10], "target": row[12], "risk": row[13],
                   "brands": [b for b, _ in brands.get(row[0], ())]}
                  for row in threats[:top]],
    }


def _active(rows: list[tuple[Any, ...]], top: int) -> list[dict[str, Any]]:
    by_author: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        if row[2]:
            by_author[row[2]].append(row)
    ranked = sorted(by_author.items(), key=lambda item: (-len(item[1]), item[0]))[:top]
    result = []
    for author_id, posts in ranked:
        summary = _summary(posts)
        result.append({"author_id": author_id, "handle": posts[-1][3], "platform": posts[-1][1],
                       "posts": len(posts), "net_sentiment": summary["net_sentiment"],
                       "last_post_at": posts[-1][5]})
    return result


# -- rendering --------------------------------------------------------------------------------
def _change(now: int, before: int) -> Text:
    if not before:
        return Text("new" if now else "–", style="cyan" if now else "dim")
    delta = (now - before) / before
    return Text(f"{delta:+.0%}", style="green" if delta > 0 else "red" if delta < 0 else "")


def _net(value: float | None) -> Text:
    if value is None:
        return Text("–", style="dim")
    return Text(f"{value:+.2f}", style="green" if value > 0 else "red" if value < 0 else "")


def render_panel(data: dict[str, Any], other: dict[str, Any] | None = None) -> RenderableType:
    """Rich renderables for :func:`panel_report` (two side by side with ``other``)."""
    if other is not None:
        return Group(_head(data), _head(other), _side_by_side(data, other))
    if not data["now"]["posts"] and not data["before"]["posts"]:
        return Text(f"No posts for {data['audience']} between {data['previous']['since'][:10]} "
                    f"and {data['until'][:10]}. Collect with `earful listen` (sources with "
                    "panels = [...]) or widen --since.", style="yellow")
    parts: list[RenderableType] = [_head(data)]
    topics = Table(title="Topics now vs the previous period", title_justify="left")
    for column in ("Kind", "Most talked about", "Rising", "Falling"):
        topics.add_column(column, overflow="fold")
    for kind in KINDS:
        found = data["topics"][kind]
        if not any(found.values()):
            continue
        topics.add_row(kind, _terms_text(found["top"], counts=True),
                       _terms_text(found["rising"]), _terms_text(found["falling"]))
    topics.caption = ("Rising/falling: significant change in the share of posts (log-odds "
                      "z ≥ 1.96); counts are posts now (before).")
    parts.append(topics)
    if data["brands"]:
        parts.append(_brand_table(data))
    parts.append(_churn_table(data))
    active = Table(title="Most active members", title_justify="left")
    for column, justify in (("Member", "left"), ("Platform", "left"), ("Posts", "right"),
                            ("Net", "right"), ("Last post", "left")):
        active.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in data["active"]:
        active.add_row(Text(row["handle"] or row["author_id"]), row["platform"],
                       str(row["posts"]), _net(row["net_sentiment"]), row["last_post_at"][:10])
    parts.append(active)
    return Group(*parts)


def _head(data: dict[str, Any]) -> Text:
    now, before = data["now"], data["before"]
    who = ("all brand mentions" if data["audience"] == ALL
           else f"panel {data['audience']} ({data['members']} members)")
    return Text.assemble(
        (who, "bold"), f"  {data['since'][:10]} → {data['until'][:10]}   ",
        ("posts ", "dim"), (f"{now['posts']:,}", "bold cyan"), " (",
        _change(now["posts"], before["posts"]), " vs previous)   ",
        ("authors ", "dim"), f"{now['authors']}   ", ("net sentiment ", "dim"),
        _net(now["net_sentiment"]), (" was ", "dim"), _net(before["net_sentiment"]), "\n",
        ("daily ", "dim"), (sparkline([d["posts"] for d in data["daily"]]), "cyan"), "  ",
        ("negative ", "dim"), (sparkline([d["negative"] for d in data["daily"]]), "red"),
    )


def _terms_text(changes: list[dict[str, Any]], counts: bool = False) -> Text:
    text = Text()
    for index, change in enumerate(changes[:8]):
        if index:
            text.append(", ")
        style = {"new": "cyan", "rising": "green", "falling": "red", "gone": "dim red"}.get(
            change["status"], "")
        text.append(change["term"], style=style if not counts else "")
        text.append(f" {change['now']}" + (f" ({change['before']})" if not counts else ""),
                    style="dim")
    return text


def _brand_table(data: dict[str, Any]) -> Table:
    table = Table(title="Brands the panel talks about (share of voice inside the panel)",
                  title_justify="left")
    for column, justify in (("Brand", "left"), ("Role", "left"), ("Posts", "right"),
                            ("Share", "right"), ("Before", "right"), ("Net", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in data["brands"]:
        table.add_row(row["brand"], "ours" if row["role"] == "brand" else "rival",
                      str(row["posts"]), f"{row['share']:.0%}", f"{row['share_before']:.0%}",
                      _net(row["net"]))
    return table


def _churn_table(data: dict[str, Any]) -> RenderableType:
    churn = data["churn"]
    title = (f"Churn signals: {churn['threats']} threats to leave, "
             f"{churn['opportunities']} leaving a rival")
    if not churn["posts"]:
        return Text(title, style="bold")
    table = Table(title=title, title_justify="left", show_lines=True)
    for column, ratio in (("When", None), ("Member", 1), ("Leaving", None), ("Text", 4)):
        table.add_column(column, overflow="fold", ratio=ratio)
    for row in churn["posts"]:
        table.add_row(row["created_at"][:10], Text(row["author"] or "?"),
                      row["target"] or "?", Text(" ".join(row["text"].split())[:160]))
    return table


def _side_by_side(data: dict[str, Any], other: dict[str, Any]) -> RenderableType:
    table = Table(title="Side by side", title_justify="left")
    table.add_column("")
    for report in (data, other):
        table.add_column(report["audience"], justify="right")
    for label, pick in (
        ("posts", lambda r: f"{r['now']['posts']:,}"),
        ("change vs previous", lambda r: _change(r["now"]["posts"], r["before"]["posts"])),
        ("authors", lambda r: str(r["now"]["authors"])),
        ("net sentiment", lambda r: _net(r["now"]["net_sentiment"])),
        ("negative share", lambda r: _share(r["now"]["sentiment"]["negative"],
                                            r["now"]["posts"])),
        ("churn threats", lambda r: str(r["churn"]["threats"])),
    ):
        table.add_row(label, pick(data), pick(other))
    brands = sorted({b["brand"] for r in (data, other) for b in r["brands"]})
    for brand in brands:
        table.add_row(f"share of voice: {brand}",
                      *(_share_of(r, brand) for r in (data, other)))
    for kind in ("words", "hashtags"):
        table.add_row(f"top {kind}", *(_terms_text(r["topics"][kind]["top"][:5], counts=True)
                                       for r in (data, other)))
        table.add_row(f"rising {kind}", *(_terms_text(r["topics"][kind]["rising"][:5])
                                          for r in (data, other)))
    return Columns([table])


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def _share_of(report: dict[str, Any], brand: str) -> str:
    for row in report["brands"]:
        if row["brand"] == brand:
            return f"{row['share']:.0%}"
    return "–"


def panel_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One CSV row per term that rose, fell, appeared or went quiet."""
    return [{"kind": kind, "section": section, **change}
            for kind, sections in data["topics"].items()
            for section, changes in sections.items() for change in changes]

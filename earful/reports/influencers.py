"""Influencers: the widest-reaching authors who talked about the brands in the period, with
what they said and how it landed."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from earful.queries import Filters
from earful.reports.display import snippet
from earful.reports.period import Period
from earful.store import Store


def influencers(store: Store, filters: Filters, span: Period, *,
                top: int = 15) -> dict[str, Any]:
    """The ``top`` authors by followers with at least one mention in ``span`` matching
    ``filters``: their mentions, engagement, mean sentiment, brands, highest risk and their
    most engaging post.

    Authors are read from the widest reach down (an index on followers), each checked for a
    mention in the period through the (author, time) index, until ``top`` are found: the
    cost follows how far down the list they are, not the size of the store."""
    since, until = span.texts()
    scoped = replace(filters, since=since, until=until)
    where, params = scoped.where()
    authors = store.conn.execute(
        f"""SELECT a.id, a.platform, a.handle, a.name, a.followers, a.verified
            FROM authors a INDEXED BY idx_authors_followers
            WHERE a.followers IS NOT NULL
              AND EXISTS (SELECT 1 FROM mentions m LEFT JOIN scores s ON s.mention_id = m.id
                          WHERE m.author_id = a.id AND {where})
            ORDER BY a.followers DESC LIMIT ?""", [*params, top]).fetchall()
    found = []
    for author_id, platform, handle, name, followers, verified in authors:
        rows = store.conn.execute(
            f"""SELECT m.id, m.url, m.text, m.created_at, m.engagement, s.sentiment, s.risk,
                       s.risk_score,
                       (SELECT group_concat(brand, ',') FROM mention_brands b
                        WHERE b.mention_id = m.id)
                FROM mentions m LEFT JOIN scores s ON s.mention_id = m.id
                WHERE m.author_id = ? AND {where} ORDER BY m.created_at""",
            [author_id, *params]).fetchall()
        sentiments = [r[5] for r in rows if r[5] is not None]
        brands = sorted({b for r in rows if r[8] for b in r[8].split(",")})
        best = max(rows, key=lambda r: (r[4] or 0, r[3]))
        risks = [r[6] for r in rows if r[6]]
        found.append({
            "author_id": author_id, "platform": platform, "handle": handle, "name": name,
            "followers": followers, "verified": bool(verified), "mentions": len(rows),
            "engagement": sum(r[4] or 0 for r in rows),
            "mean_sentiment": round(sum(sentiments) / len(sentiments), 4) if sentiments
            else None,
            "brands": brands,
            "highest_risk": next((t for t in ("high", "medium", "low") if t in risks), None),
            "last_post_at": rows[-1][3],
            "top_post": {"id": best[0], "url": best[1], "text": best[2],
                         "engagement": best[4]},
        })
    return {"period": span.record(), "influencers": found}


def influencers_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**{k: v for k, v in i.items() if k != "top_post"},
             "top_post_url": i["top_post"]["url"], "top_post_text": i["top_post"]["text"]}
            for i in data["influencers"]]


def render_influencers(data: dict[str, Any]) -> RenderableType:
    if not data["influencers"]:
        return Text("No author with known reach posted in this period.", style="yellow")
    table = Table(title=f"Influencers: {data['period']['since'][:10]} → "
                        f"{data['period']['until'][:10]}", title_justify="left",
                  show_lines=True)
    for column, ratio in (("Author", 2), ("Followers", None), ("Posts", None),
                          ("Engagement", None), ("Sentiment", None), ("Brands", 1),
                          ("Risk", None), ("Top post", 4)):
        table.add_column(column, ratio=ratio, overflow="fold",
                         justify="right" if column in ("Followers", "Posts", "Engagement",
                                                       "Sentiment") else "left")
    for i in data["influencers"]:
        sentiment = i["mean_sentiment"]
        table.add_row(
            Text(f"{i['handle'] or i['author_id']} ({i['platform']})"
                 + (" ✓" if i["verified"] else ""), style="bold"),
            f"{i['followers']:,}", str(i["mentions"]), f"{i['engagement']:,}",
            Text("–" if sentiment is None else f"{sentiment:+.2f}",
                 style="green" if (sentiment or 0) > 0.05 else "red"
                 if (sentiment or 0) < -0.05 else ""),
            ", ".join(i["brands"]),
            Text(i["highest_risk"] or "–", style="bold red" if i["highest_risk"] == "high"
                 else ""),
            Text(snippet(i["top_post"]["text"], 120)
                 + (f"\n{i['top_post']['url']}" if i["top_post"]["url"] else "")))
    return Group(table)


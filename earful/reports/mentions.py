"""A table of mentions, as ``earful mentions`` shows them."""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

_RISK_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}
_SENTIMENT_STYLE = {"positive": "green", "negative": "red"}


def render_mentions(rows: list[dict[str, Any]]) -> RenderableType:
    if not rows:
        return Text("No mentions match.", style="yellow")
    table = Table(title=f"{len(rows)} mention(s)", title_justify="left")
    for column in ("When", "Where", "Author", "Brands", "Lang", "Sentiment", "Risk", "Text", "Id"):
        table.add_column(column, overflow="fold")
    for row in rows:
        compound = row["sentiment"]
        table.add_row(
            row["created_at"][:16].replace("T", " "),
            row["platform"] + (f" r/{row['community']}" if row["community"] else ""),
            Text(row["author_handle"] or "?"),
            Text.assemble(", ".join(row["brands"]),
                          (f"\n#{' #'.join(row['topics'])}" if row.get("topics") else "", "dim")),
            row["language"] or "",
            Text("–" if compound is None else f"{compound:+.2f}",
                 style=_SENTIMENT_STYLE.get(row["sentiment_label"] or "", "")),
            Text(row["risk"] or "", style=_RISK_STYLE.get(row["risk"] or "", "")),
            Text(" ".join(row["text"].split())[:140]),  # data, not markup
            row["id"],
        )
    return table

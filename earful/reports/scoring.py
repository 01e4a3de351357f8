"""How one scored text is shown by ``earful score``."""

from __future__ import annotations

from rich.console import RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from earful.models import Score

_RISK_STYLE = {"high": "bold red", "medium": "yellow", "low": "green"}


def render_score(text: str, score: Score) -> RenderableType:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    if score.sentiment is None:
        sentiment = f"unscored ({score.language} is not scored by VADER)"
    else:
        sentiment = (f"{score.sentiment:+.3f} {score.sentiment_label}  "
                     f"(pos {score.positive:.2f}, neu {score.neutral:.2f}, "
                     f"neg {score.negative:.2f}; from {score.sentiment_basis})")
    churn = f"{score.churn.intent:.2f}"
    if score.churn.target or score.churn.destination:
        churn += f"  leaving {score.churn.target or '?'}"
        if score.churn.destination:
            churn += f" for {score.churn.destination}"
    if score.churn.phrases:
        churn += f"  ({escape(', '.join(repr(p) for p in score.churn.phrases))})"
    if score.churn.negated:
        churn += "  (negated)"
    if score.churn.hypothetical:
        churn += "  (conditional)"
    table.add_row("Language", f"{score.language} ({score.language_confidence:.2f})")
    table.add_row("Sentiment", sentiment)
    table.add_row("Complaint", f"{score.complaint:.2f}  {escape(score.complaint_reason)}")
    table.add_row("Churn intent", churn)
    if score.opportunity:
        table.add_row("Opportunity", "yes: someone is leaving a competitor")
    style = _RISK_STYLE[score.risk]
    table.add_row("Risk", f"[{style}]{score.risk}[/] ({score.risk_score:.1f} points)")
    for reason in score.reasons:
        table.add_row("", f"• {escape(reason)}")
    return Panel(table, title=escape(" ".join(text.split())[:80]), title_align="left")

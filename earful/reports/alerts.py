"""Rich views of alerts and their deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

_SEVERITY = {"critical": "bold red", "high": "yellow", "low": "dim"}
_STATUS = {"open": "bold", "acknowledged": "cyan", "resolved": "green"}


def render_alerts(rows: Sequence[dict[str, Any]]) -> RenderableType:
    if not rows:
        return Text("No alerts.", style="green")
    table = Table(title=f"{len(rows)} alert(s), newest first", title_justify="left")
    for column in ("#", "Severity", "Status", "Kind", "Title", "Seen", "Sent", "Pending",
                   "Raised"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(str(row["id"]), Text(row["severity"], _SEVERITY.get(row["severity"], "")),
                      Text(row["status"], _STATUS.get(row["status"], "")), row["kind"],
                      row["title"], str(row["count"]), str(row["sent"]), str(row["pending"]),
                      row["raised_at"])
    return table


def render_alert(alert: dict[str, Any]) -> RenderableType:
    head = Text.assemble(
        (f"Alert {alert['id']} ", "bold"), (alert["severity"], _SEVERITY[alert["severity"]]),
        f" · {alert['status']} · {alert['kind']} · seen {alert['count']}× · raised "
        f"{alert['raised_at']}",
        f" · acknowledged by {alert['acked_by']} at {alert['acked_at']}"
        if alert["acked_at"] else "", "\n", (alert["title"], "bold"), "\n", alert["body"],
        f"\n→ {alert['link']}" if alert["link"] else "")
    table = Table(title=f"Deliveries (policy {alert['policy'] or 'none: console only'}, "
                  f"steps taken {alert['steps_done']})", title_justify="left")
    for column in ("Step", "Recipient", "Channel", "Status", "Attempts", "Due", "Sent", "Error"):
        table.add_column(column, overflow="fold")
    for d in alert["deliveries"]:
        channel = d["channel"] + (f":{d['address']}" if d["address"] else "")
        table.add_row(str(d["step"] + 1), d["recipient"], channel or "–", d["status"],
                      str(d["attempts"]), d["due_at"], d["sent_at"] or "–",
                      d["last_error"] or "")
    return Group(head, table)

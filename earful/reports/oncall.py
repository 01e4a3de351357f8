"""Rich and JSON views of ``earful oncall``: who is on call now, until when, and who is next."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from earful.models import utcnow


def _relative(seconds: float) -> str:
    # Coarse on purpose: "in 3h" reads faster than "in 3h 12m" when scanning a roster.
    seconds = max(0, int(seconds))
    if seconds < 3600:
        return f"{max(1, seconds // 60)}m" if seconds else "now"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    days, hours = divmod(seconds // 3600, 24)
    return f"{days}d {hours}h" if hours else f"{days}d"


def _when(moment: datetime | None, timezone: str, at: datetime, *, far: str) -> Text:
    """A shift bound in the schedule's local time, with how far it is from ``at``."""
    if moment is None:
        return Text(far, style="dim")
    local = moment.astimezone(ZoneInfo(timezone))
    seconds = (moment - at).total_seconds()
    relative = _relative(seconds)
    relative = relative if relative == "now" else (
        f"in {relative}" if seconds > 0 else f"{relative} ago")
    return Text.assemble(local.strftime("%a %d %b %H:%M %Z"), (f"\n{relative}", "dim"))


def _who(shift: Any) -> Text:
    if shift is None:
        return Text("nobody", style="bold red")
    return Text.assemble((shift.person, "bold"), (f"\n{shift.layer}", "dim"))


def render_oncall(rows: Sequence[Any], at: datetime | None = None) -> RenderableType:
    """A table of ``OnCall.now_and_next`` rows; ``at`` (default: now) anchors "in 3h"."""
    if not rows:
        return Text("No on-call schedules: add [[alerts.schedules]] to config.toml.",
                    style="dim")
    at = at or utcnow()
    table = Table(title=f"On call at {at.astimezone(UTC):%Y-%m-%d %H:%M} UTC",
                  title_justify="left")
    for column in ("Schedule", "On call now", "Until", "Next", "From"):
        # Names stay readable on a narrow terminal; times wrap at their spaces instead.
        table.add_column(column, min_width=8, overflow="fold")
    for schedule, current, following in rows:
        # An end of None lies beyond alerts.oncall.HORIZON (35 days).
        until = (_when(current.end, current.timezone, at, far="35+ days")
                 if current is not None else Text("–"))
        start = (_when(following.start, following.timezone, at, far="–")
                 if following is not None else Text("–"))
        table.add_row(schedule, _who(current), until,
                      _who(following) if following is not None else Text("–"), start)
    return table


def _shift_json(shift: Any) -> dict[str, Any] | None:
    if shift is None:
        return None
    return {"person": shift.person, "layer": shift.layer,
            "start": shift.start.isoformat() if shift.start else None,
            "end": shift.end.isoformat() if shift.end else None}


def oncall_json(rows: Sequence[Any]) -> list[dict[str, Any]]:
    """The same rows as plain data; times are ISO 8601 UTC, ``null`` when beyond the search."""
    return [{"schedule": schedule, "now": _shift_json(current), "next": _shift_json(following)}
            for schedule, current, following in rows]

"""The live status of ``earful listen``: one row per job."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from listener.service import JobState

_STATUS_STYLE = {"ok": "green", "stopped": "yellow", "error": "red", "rate_limited": "magenta"}


def _when(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "–"
    seconds = int((moment - now).total_seconds())
    span = abs(seconds)
    text = (f"{span}s" if span < 60 else f"{span // 60}m{span % 60:02d}s" if span < 3600
            else f"{span // 3600}h{span % 3600 // 60:02d}m")
    return f"in {text}" if seconds >= 0 else f"{text} ago"


def render_status(jobs: Sequence[JobState], skipped: dict[str, str], now: datetime,
                  ) -> RenderableType:
    table = Table(title=f"earful listen · {now:%Y-%m-%d %H:%M:%S} UTC · Ctrl-C stops cleanly",
                  title_justify="left")
    for column in ("Job", "Last run", "Status", "New (last/total)", "Errors", "Next run"):
        table.add_column(column, overflow="fold")
    for job in jobs:
        status = "running…" if job.running else (job.last_status or "waiting")
        if job.paused_until is not None and not job.running:
            status = f"paused (rate limit) until {job.paused_until:%H:%M:%S}"
        errors = Text(str(job.errors))
        if job.last_error and job.failures:
            errors = Text(f"{job.failures} in a row: {job.last_error[:80]}", style="red")
        table.add_row(job.id, _when(job.last_run, now),
                      Text(status, style=_STATUS_STYLE.get(job.last_status or "", "")),
                      f"{job.last_new} / {job.total_new}", errors, _when(job.next_run, now))
    if not skipped:
        return table
    notes = [Text(f"skipped: {why}", style="yellow") for why in skipped.values()]
    return Group(table, *notes)

"""Logging for the long-running commands: rich lines for a terminal, JSON lines for a service
manager (``--log-json``), where each record carries its ``event`` and fields (job, source,
counts, error) as keys a log pipeline can filter on."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import orjson
from rich.console import Console
from rich.logging import RichHandler

# Attributes every LogRecord has; anything else was passed in ``extra`` and is data.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, then the record's extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update((key, value) for key, value in vars(record).items()
                     if key not in _STANDARD and not key.startswith("_"))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def setup_logging(*, json_lines: bool = False, console: Console | None = None,
                  level: int = logging.INFO) -> None:
    """Send Earful's logs (and the scheduler's warnings) to stderr in the chosen form."""
    handler: logging.Handler
    if json_lines:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
    else:
        handler = RichHandler(console=console or Console(stderr=True), show_path=False)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    for name in ("earful", "listener"):
        logging.getLogger(name).setLevel(level)
    # APScheduler logs every run at INFO; its warnings (missed runs, skipped instances) matter.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)

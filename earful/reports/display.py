"""Small pieces every report shows: sparklines, terminal charts, changes, percentages, CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.text import Text

_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | None]) -> str:
    """``▁▃█…``: each value's height against the largest (a gap for no value)."""
    present = [v for v in values if v is not None]
    if not present:
        return ""
    low, high = min(0.0, min(present)), max(present)
    spread = (high - low) or 1.0
    return "".join(" " if v is None else _BARS[min(len(_BARS) - 1,
                                                    round((v - low) / spread * (len(_BARS) - 1)))]
                   for v in values)


def change_text(value: float | None, *, points: bool = False, good_up: bool = True) -> Text:
    """``+25%`` (or ``+3.1 pt`` for a share), green when it moves the good way."""
    if value is None:
        return Text("–", style="dim")
    shown = f"{value * 100:+.1f} pt" if points else f"{value:+.0%}"
    if abs(value) < 0.005:
        return Text(shown, style="dim")
    return Text(shown, style="green" if (value > 0) == good_up else "red")


def pct(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def net(positive: float, negative: float, scored: float) -> float | None:
    """Net sentiment: (positive − negative) / scored, −1 to +1."""
    return round((positive - negative) / scored, 4) if scored else None


def snippet(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def line_chart(days: Sequence[str], series: Mapping[str, Sequence[float]], *, title: str,
               width: int = 100, height: int = 15) -> Text:
    """A terminal line chart (plotext) of ``series`` over ``days``."""
    import plotext as plt

    plt.clf()
    plt.plotsize(width, height)
    plt.theme("clear")
    plt.date_form("Y-m-d")
    for name, values in series.items():
        plt.plot(list(days), list(values), label=name, marker="braille")
    plt.title(title)
    return Text.from_ansi(plt.build())


def to_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """Rows as CSV, with the union of their keys as the header (first seen first)."""
    rows = list(rows)
    header: dict[str, None] = {}
    for row in rows:
        header.update(dict.fromkeys(row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(header), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    return value

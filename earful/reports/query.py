"""How ``earful query test`` shows a verdict: the query's tree, each part marked and explained."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.tree import Tree

from earful.query import Verdict
from earful.query.syntax import And, Not, Or


def _label(verdict: Verdict) -> str:
    mark = "[green]✓[/]" if verdict.matched else "[red]✗[/]"
    node = verdict.node
    name = {And: "AND", Or: "OR", Not: "NOT"}.get(type(node))
    shown = name if name else escape(str(node))
    return f"{mark} [bold]{shown}[/]  [dim]{escape(verdict.why)}[/]"


def _grow(tree: Tree, verdict: Verdict) -> None:
    for part in verdict.parts:
        _grow(tree.add(_label(part)), part)


def render_verdict(verdict: Verdict, native: dict[str, str | None]) -> RenderableType:
    tree = Tree(_label(verdict))
    _grow(tree, verdict)
    lines = [f"[bold]{platform}[/] {escape(query) if query else '[dim](never matches there)[/]'}"
             for platform, query in native.items()]
    heading = "[bold green]matches[/]" if verdict.matched else "[bold red]does not match[/]"
    return Group(heading, tree, "", "Sent to the platforms:", *lines)


def verdict_record(verdict: Verdict) -> dict[str, Any]:
    return {"part": str(verdict.node), "matched": verdict.matched, "why": verdict.why,
            "parts": [verdict_record(part) for part in verdict.parts]}

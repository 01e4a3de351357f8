"""``earful panel …`` and ``earful report panel``: audiences followed by who they are."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table
from rich.text import Text

from earful import rollups
from earful.cli import (
    App,
    _json_line,
    console,
    err_console,
    json_option,
    main,
    pass_app,
    report,
)
from earful.commands.report import emit, report_options, scope
from earful.config import _seconds
from panels.registry import Change, Panels, dump_rule, rule_from_options


@main.group()
def panel() -> None:
    """Audience panels: people whose posts are followed even when they don't name a brand."""


def _panels(app: App) -> Panels:
    return Panels(app.store, app.settings)


def _print_change(change: Change, verb: str) -> None:
    for problem in change.problems:
        err_console.print(f"[yellow]skipped[/] {problem}")
    done = change.added if verb == "added" else change.removed
    console.print(f"{done} member(s) {verb}, {change.unchanged} unchanged; "
                  f"{change.tagged} stored post(s) tagged, {change.untagged} untagged")


@panel.command("list")
@json_option
@pass_app
def panel_list(app: App, as_json: bool) -> None:
    """Every panel: kind, members, tagged posts, collection and retention."""
    panels = _panels(app)
    counts = panels.counts()
    rows = [{"name": p.name, "kind": p.kind, "origin": p.origin, "description": p.description,
             "rule": dump_rule(p.rule), "members": counts[p.name][0], "posts": counts[p.name][1],
             "collect": p.collect, "retention_days": p.retention_days,
             "refreshed_at": p.refreshed_at} for p in panels.all()]
    if as_json:
        click.echo(_json_line(rows))
        return
    table = Table(title=f"{len(rows)} panel(s)", title_justify="left")
    for column, justify in (("Panel", "left"), ("Kind", "left"), ("From", "left"),
                            ("Members", "right"), ("Posts", "right"), ("Collect", "left"),
                            ("Retention", "right"), ("Description / rule", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for p in panels.all():
        members, posts = counts[p.name]
        table.add_row(Text(p.name, style="bold"), p.kind, p.origin, str(members), str(posts),
                      "yes" if p.collect else "no",
                      f"{p.retention_days} d" if p.retention_days else "–",
                      Text(p.rule.describe() if p.rule else p.description))
    console.print(table)


@panel.command("show")
@click.argument("name")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000),
              help="How many members to list (most active first).")
@json_option
@pass_app
def panel_show(app: App, name: str, limit: int, as_json: bool) -> None:
    """One panel's definition and members, with their stored posts."""
    panels = _panels(app)
    found = panels.get(name)
    members = panels.members(name)
    data = {"name": found.name, "kind": found.kind, "origin": found.origin,
            "description": found.description, "rule": dump_rule(found.rule),
            "collect": found.collect, "retention_days": found.retention_days,
            "refresh": found.refresh, "refreshed_at": found.refreshed_at,
            "members": [{"account": m.account, "origin": m.origin, "added_at": m.added_at,
                         "posts": m.posts, "last_post_at": m.last_post_at}
                        for m in members[:limit]],
            "member_count": len(members)}
    if as_json:
        click.echo(_json_line(data))
        return
    console.print(Text.assemble(
        (found.name, "bold"), f"  {found.kind} panel from the {found.origin}   ",
        (found.rule.describe() if found.rule else found.description, "italic"), "\n",
        f"collect members' posts: {'yes' if found.collect else 'no'}   retention: ",
        f"{found.retention_days} days" if found.retention_days else "none",
        f"   refreshed {found.refreshed_at or 'never'}" if found.rule else ""))
    table = Table(title=f"{len(members)} member(s)", title_justify="left")
    for column, justify in (("Account", "left"), ("Added by", "left"), ("Posts", "right"),
                            ("Last post", "left"), ("Added", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for member in members[:limit]:
        table.add_row(Text(member.account), member.origin, str(member.posts),
                      (member.last_post_at or "–")[:10], member.added_at[:10])
    console.print(table)


@panel.command("create")
@click.argument("name")
@click.option("--description", default="", help="What the audience is.")
@click.option("--rule", "kind", type=click.Choice(["mentions", "churn", "loyalty"]),
              help="Make a rule panel: members found by a rule instead of listed.")
@click.option("--brand", help="mentions: authors naming this brand…")
@click.option("--role", type=click.Choice(["brand", "competitor"]),
              help="mentions: …or any brand of this role.")
@click.option("--min", "min_", type=int, help="mentions: at least this many posts (default 1).")
@click.option("--days", type=int, help="mentions/churn: within this many days (default 30).")
@click.option("--risk", type=click.Choice(["medium", "high"]),
              help="churn: a churn post at this risk or above (default high).")
@click.option("--origin", type=click.Choice(["discord", "import"]),
              help="loyalty: only accounts linked this way.")
@click.option("--collect/--no-collect", default=True, show_default=True,
              help="Whether live sources following panels read the members' posts.")
@click.option("--retention", "retention_days", type=click.IntRange(1, 36500),
              help="Delete posts kept only for this panel after this many days.")
@click.option("--refresh", default="1h", show_default=True,
              help="Rule panels: recompute the members this often (30m, 1h, 1d).")
@pass_app
def panel_create(app: App, name: str, description: str, kind: str | None, brand: str | None,
                 role: str | None, min_: int | None, days: int | None, risk: str | None,
                 origin: str | None, collect: bool, retention_days: int | None,
                 refresh: str) -> None:
    """Create a panel; a rule panel is filled at once.

    \b
    Examples:
      earful panel create uk-runners --description "runners we follow" --retention 90
      earful panel create trovia-fans --rule mentions --brand Trovia --min 3 --days 30
      earful panel create at-risk --rule churn --days 14
      earful panel create members --rule loyalty --origin discord
    """
    rule = rule_from_options(kind, brand=brand, role=role, min=min_, days=days, risk=risk,
                             origin=origin)
    try:
        every = float(_seconds(refresh))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--refresh") from None
    panels = _panels(app)
    created = panels.create(name, description=description, rule=rule, collect=collect,
                            retention_days=retention_days, refresh=every)
    console.print(f"panel {created.name} created ({created.kind})")
    if rule is not None:
        change = panels.refresh(name)[name]
        console.print(f"{change.added} member(s) found by the rule; "
                      f"{change.tagged} stored post(s) tagged")


@panel.command("add")
@click.argument("name")
@click.argument("accounts", nargs=-1, required=True, metavar="PLATFORM:HANDLE...")
@pass_app
def panel_add(app: App, name: str, accounts: tuple[str, ...]) -> None:
    """Add members: x:@handle, reddit:u/name, discord:<user id>, or an X user id (x:1850…).

    Example: earful panel add uk-runners x:@runner_jo reddit:u/trail_mix_88
    """
    _print_change(_panels(app).add(name, accounts), "added")


@panel.command("remove")
@click.argument("name")
@click.argument("accounts", nargs=-1, required=True, metavar="PLATFORM:HANDLE...")
@pass_app
def panel_remove(app: App, name: str, accounts: tuple[str, ...]) -> None:
    """Remove members (their posts kept only for panels go at the next retention pass)."""
    _print_change(_panels(app).remove(name, accounts), "removed")


@panel.command("import")
@click.argument("name")
@click.argument("file_", metavar="FILE.csv", type=click.Path(dir_okay=False))
@pass_app
def panel_import(app: App, name: str, file_: str) -> None:
    """Add members from a CSV with columns platform, handle (or one column account).

    Example: earful panel import uk-runners runners.csv
    """
    _print_change(_panels(app).import_csv(name, file_), "added")


@panel.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def panel_delete(app: App, name: str, yes: bool) -> None:
    """Delete a panel made from the CLI (config panels are removed from the config)."""
    panels = _panels(app)
    panels.get(name)
    if not yes:
        click.confirm(f"Delete panel {name!r} and its member list?", abort=True)
    members = panels.delete(name)
    console.print(f"panel {name} deleted ({members} member(s)); posts kept only for it are "
                  "deleted by the next retention pass (earful panel prune)")


@panel.command("refresh")
@click.argument("name", required=False)
@pass_app
def panel_refresh(app: App, name: str | None) -> None:
    """Recompute rule panels now (all of them, or NAME); listen does it on schedule."""
    done = _panels(app).refresh(name, force=True)
    if not done:
        console.print("no rule panels")
    for panel_name, change in done.items():
        console.print(f"{panel_name}: {change.added} joined, {change.removed} left, "
                      f"{change.unchanged} stayed")


@panel.command("prune")
@pass_app
def panel_prune(app: App) -> None:
    """Apply retention now: delete posts kept only for panels past their retention, and
    those of people no panel holds any more (listen does it hourly)."""
    from panels.privacy import apply_retention

    _panels(app)  # the config's panels (and their retention) as the config says now
    done = apply_retention(app.store)
    console.print(f"{done['expired']} post(s) past retention, {done['orphaned']} no longer "
                  "in any panel: removed")


@panel.command("forget")
@click.argument("platform", type=click.Choice(["reddit", "x", "discord"]))
@click.argument("handle")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
@pass_app
def panel_forget(app: App, platform: str, handle: str, yes: bool, as_json: bool) -> None:
    """Delete everything collected from one person, everywhere: their posts (cases keep a
    redacted stub), profile, panel memberships, loyalty links and their name in cases and
    alerts.

    Example: earful panel forget x @runner_jo
    """
    from panels.privacy import forget

    if not yes:
        click.confirm(f"Forget {platform}:{handle} everywhere? This cannot be undone",
                      abort=True)
    done = forget(app.store, platform, handle)
    if as_json:
        click.echo(_json_line({"account": done.account, "deleted": done.posts.deleted,
                               "redacted": done.posts.redacted, "authors": done.authors,
                               "memberships": done.memberships, "cases": done.cases,
                               "alerts": done.alerts}))
        return
    console.print(f"forgot {done.account}: {done.posts.deleted} post(s) deleted, "
                  f"{done.posts.redacted} kept as redacted stubs for cases, "
                  f"{done.memberships} membership(s) and link(s) removed, "
                  f"{done.cases} case(s) and {done.alerts} alert(s) redacted")


@report.command("panel")
@click.argument("name")
@click.option("--compare", "other", metavar="PANEL|all",
              help="Set another panel (or all brand mentions) side by side.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 100))
@report_options
@pass_app
def report_panel(app: App, name: str, other: str | None, top: int, since: str | None,
                 until: str | None, days: int, as_json: bool, as_csv: bool,
                 **fields: Any) -> None:
    """A panel's volume and sentiment trend, topics rising and falling against the previous
    period, brands it talks about, churn signals and most active members.

    \b
    Examples:
      earful report panel vip --since 2026-11-02 --until 2026-11-16
      earful report panel trail-runners --compare all
    """
    from earful.reports.panel import panel_report, panel_rows, render_panel

    if fields.pop("panel", None):
        raise click.UsageError("the panel is the NAME argument; --panel does not apply here")
    filters, span = scope(app, since, until, days, **fields)
    _panels(app)  # the config's panels as the config says now
    churn_min, _ = rollups.thresholds(app.store.conn)  # as the other reports count
    data = panel_report(app.store, name, span, filters=filters, top=top, churn_min=churn_min)
    second = (panel_report(app.store, other, span, filters=filters, top=top,
                           churn_min=churn_min) if other else None)
    emit(data if second is None else {"panel": data, "compare": second}, as_json, as_csv,
         lambda shown: render_panel(data, second), lambda shown: panel_rows(data))

"""``earful report …``: every report with one set of filters, period over period, and the
same three outputs (rich tables, ``--json``, ``--csv``); ``report html`` writes one file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import RenderableType

from earful import rollups
from earful.cli import App, _filters, _json_line, console, pass_app, report
from earful.models import utcnow
from earful.queries import Filters
from earful.reports.period import Period, report_period

F = TypeVar("F", bound=Callable[..., Any])


def report_options(func: F) -> F:
    """The filters and outputs every report shares."""
    options = [
        click.option("--since", help="From: 2026-11-01, 2026-11-01T09:00, 7d, 36h "
                                     "(default: 30 days before --until)."),
        click.option("--until", help="Before (same forms; default: now)."),
        click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3650),
                     help="The period's length when --since is not given."),
        click.option("--brand", help="Only this brand."),
        click.option("--platform", type=click.Choice(["reddit", "x", "discord"]),
                     help="Only this platform."),
        click.option("--panel", help="Only this panel's posts (brand or not)."),
        click.option("--lang", "language", help="Only this language (ISO 639-1, e.g. es)."),
        click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables."),
        click.option("--csv", "as_csv", is_flag=True, help="Print the main table as CSV."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def scope(app: App, since: str | None, until: str | None, days: int,
          **fields: Any) -> tuple[Filters, Period]:
    """The filters and the period of a report's options."""
    filters = _filters(since, until, **fields)
    now = utcnow()
    span = report_period(app.store, filters.since, filters.until, days, now)
    if not (filters.since or filters.until) and span.until != now:
        # The store stopped collecting: the period ends with its newest mention's day (see
        # report_period). On stderr, so that --json and --csv output stays as it is.
        newest = span.until - timedelta(days=1)
        click.echo(f"The newest mention is from {newest:%Y-%m-%d}: the report covers the {days} "
                   "days up to the end of that day (--since/--until choose another period).",
                   err=True)
    counted = rollups.thresholds(app.store.conn)
    wanted = app.settings.scoring.counted
    if counted != wanted:
        click.echo(f"Churn threats are counted from intent {counted[0]} and complaints from "
                   f"{counted[1]}, as this database was last written; the config says "
                   f"{wanted[0]} and {wanted[1]}: the next `earful listen` or `earful report "
                   "rebuild` recounts them.", err=True)
    return filters, span


def emit(data: dict[str, Any], as_json: bool, as_csv: bool,
         render: Callable[[dict[str, Any]], RenderableType],
         rows: Callable[[dict[str, Any]], list[dict[str, Any]]]) -> None:
    """Print a report one of the three ways."""
    if as_json and as_csv:
        raise click.UsageError("--json and --csv: choose one")
    if as_json:
        click.echo(_json_line(data))
    elif as_csv:
        from earful.reports.display import to_csv

        click.echo(to_csv(rows(data)), nl=False)
    else:
        console.print(render(data))


@report.command("overview")
@report_options
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="How many risk posts to list.")
@pass_app
def report_overview(app: App, top: int, as_json: bool, as_csv: bool, **options: Any) -> None:
    """Volume, sentiment split, share of voice, risk and churn per brand, against the
    period before, and the top risk posts.

    Example: earful report overview --since 30d
    """
    from earful.reports.overview import overview, overview_rows, render_overview

    filters, span = scope(app, **options)
    emit(overview(app.store, filters, span, top=top), as_json, as_csv, render_overview,
         overview_rows)


@report.command("trend")
@report_options
@click.option("--by", type=click.Choice(["day", "week"]), default="day", show_default=True)
@click.option("--no-chart", is_flag=True, help="Tables only.")
@pass_app
def report_trend(app: App, by: str, no_chart: bool, as_json: bool, as_csv: bool,
                 **options: Any) -> None:
    """Mentions, net sentiment, high-risk posts and churn per day or week, in all and per
    brand, with a terminal chart.

    Example: earful report trend --since 8w --by week
    """
    from earful.reports.trend import render_trend, trend, trend_rows

    filters, span = scope(app, **options)
    emit(trend(app.store, filters, span, by=by), as_json, as_csv,
         lambda data: render_trend(data, chart=not no_chart,
                                   width=min(console.width, 120)), trend_rows)


@report.command("sov")
@report_options
@pass_app
def report_sov(app: App, as_json: bool, as_csv: bool, **options: Any) -> None:
    """Share of voice: each brand's part of all tracked-brand mentions, per platform, its
    change in points and its share of the positive voice.

    Example: earful report sov --platform reddit
    """
    from earful.reports.sov import render_sov, sov, sov_rows

    filters, span = scope(app, **options)
    emit(sov(app.store, filters, span), as_json, as_csv, render_sov, sov_rows)


@report.command("topics")
@report_options
@click.option("--top", default=20, show_default=True, type=click.IntRange(1, 1000))
@pass_app
def report_topics(app: App, top: int, as_json: bool, as_csv: bool, **options: Any) -> None:
    """The configured topics: volume, change, negative share, sentiment and churn.

    Example: earful report topics --brand Kestrel --since 14d
    """
    from earful.reports.topics import render_topics, topics, topics_rows

    filters, span = scope(app, **options)
    emit(topics(app.store, filters, span, top=top), as_json, as_csv, render_topics,
         topics_rows)


@report.command("influencers")
@report_options
@click.option("--top", default=15, show_default=True, type=click.IntRange(1, 500))
@pass_app
def report_influencers(app: App, top: int, as_json: bool, as_csv: bool,
                       **options: Any) -> None:
    """The widest-reaching authors who posted in the period: posts, engagement, sentiment,
    brands, risk and their most engaging post.

    Example: earful report influencers --brand Trovia
    """
    from earful.reports.influencers import influencers, influencers_rows, render_influencers

    filters, span = scope(app, **options)
    emit(influencers(app.store, filters, span, top=top), as_json, as_csv,
         render_influencers, influencers_rows)


@report.command("churn")
@report_options
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 500),
              help="How many churn posts to list.")
@pass_app
def report_churn(app: App, top: int, as_json: bool, as_csv: bool, **options: Any) -> None:
    """Churn threats per brand being left (and opportunities: people leaving a rival), where
    they say they go, against the period before, and the riskiest churn posts.

    Example: earful report churn --since 14d
    """
    from earful.reports.churn import churn, churn_rows, render_churn

    filters, span = scope(app, **options)
    emit(churn(app.store, filters, span, top=top), as_json, as_csv, render_churn, churn_rows)


@report.command("sla")
@report_options
@click.option("--team", help="Only this team.")
@pass_app
def report_sla(app: App, team: str | None, as_json: bool, as_csv: bool,
               **options: Any) -> None:
    """Cases opened in the period, in all, per team and per responder: first responses
    within target, median and p90 response and resolution times (business time), breaches,
    first-contact resolution; against the period before.

    Example: earful report sla --since 30d --brand Kestrel
    """
    from earful.reports.cases import render_sla, sla_rows
    from responders.report import sla_report

    filters, span = scope(app, **options)
    narrow = {"team": team, "brand": filters.brand, "platform": filters.platform,
              "language": filters.language, "panel": filters.panel}
    now = utcnow()
    data: dict[str, Any] = {"period": span.record(), "previous_period": span.before.record(),
                            **sla_report(app.store, app.settings, now, *span.texts(),
                                         **narrow)}
    data["previous"] = sla_report(app.store, app.settings, now, *span.before.texts(),
                                  **narrow)["all"]
    emit(data, as_json, as_csv, render_sla, sla_rows)


@report.command("surveys")
@report_options
@pass_app
def report_surveys(app: App, as_json: bool, as_csv: bool, **options: Any) -> None:
    """CSAT after resolved support cases, CES after support, NPS of linked members: figures,
    response rates and weekly trends, against the period before. (Surveys are the
    community members': --brand, --platform, --panel and --lang do not apply.)

    Example: earful report surveys --since 90d
    """
    from earful.reports.surveys import render_surveys, surveys_report, surveys_rows

    unused = [f"--{name}" for name in ("brand", "platform", "panel") if options.get(name)]
    if options.get("language"):
        unused.append("--lang")
    if unused:
        raise click.UsageError(f"{', '.join(unused)}: surveys are the community's members', "
                               "not posts'; only --since/--until/--days apply")
    _, span = scope(app, **options)
    data = surveys_report(app.store, span.since, span.until)
    data["previous"] = surveys_report(app.store, span.before.since, span.before.until)["kinds"]
    emit(data, as_json, as_csv, render_surveys, surveys_rows)


@report.command("html")
@report_options
@click.option("--out", "out", type=click.Path(dir_okay=False), default="report.html",
              show_default=True, help="The file to write.")
@click.option("--top", default=15, show_default=True, type=click.IntRange(1, 200),
              help="How many risk posts to list.")
@pass_app
def report_html(app: App, out: str, top: int, as_json: bool, as_csv: bool,
                **options: Any) -> None:
    """One self-contained HTML file for stakeholders (no CDN: it opens offline): volume and
    sentiment trend, share of voice, topics, churn, SLA and the top risk posts with links.

    Example: earful report html --since 30d --out kestrel-november.html
    """
    from earful.reports.html import build_html

    if as_json or as_csv:
        raise click.UsageError("report html writes a file: --json and --csv do not apply")
    filters, span = scope(app, **options)
    html = build_html(app.store, app.settings, filters, span, top=top)
    Path(out).write_text(html, encoding="utf-8")
    console.print(f"wrote {out} ({len(html.encode()) / 1e6:.1f} MB)")


@report.command("rebuild")
@pass_app
def report_rebuild(app: App) -> None:
    """Recompute the report rollups from the stored mentions (they are kept up to date as
    mentions are stored; this is for a file other tools have written to, or to count with
    the config's `[scoring] churn` and `complaint` after a change).

    Example: earful report rebuild
    """
    scoring = app.settings.scoring
    with app.store.transaction() as conn:
        if not rollups.set_thresholds(conn, *scoring.counted):
            rollups.rebuild(conn)
    (rows,) = app.store.conn.execute("SELECT count(*) FROM rollup_daily").fetchone()
    console.print(f"rollups rebuilt: {rows:,} daily rows (churn threats from intent "
                  f"{scoring.churn}, complaints from {scoring.complaint})")

"""The ``earful`` command: thin glue over the library.

Each command checks its arguments, calls one library function and prints what it returns;
Earful's own errors become one readable line (``click.ClickException``), never a traceback.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import orjson
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table
from rich.text import Text

from earful import __version__
from earful.config import Settings, find_config, load_config
from earful.errors import EarfulError
from earful.models import utcnow
from earful.queries import Filters, parse_when, search_mentions
from earful.store import Store

F = TypeVar("F", bound=Callable[..., Any])
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


class _Group(click.Group):
    """Turns Earful's expected errors into a short message and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EarfulError as error:
            raise click.ClickException(str(error)) from None


class App:
    """What commands share: the config (loaded once, on first need) and the store."""

    def __init__(self, config_path: str | None, db_path: str | None) -> None:
        self.config_path = config_path
        self.db_path = db_path
        self._settings: Settings | None = None
        self._store: Store | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_config(self.config_path)
        return self._settings

    @property
    def store(self) -> Store:
        if self._store is None:
            settings = self.settings
            self._store = Store(Path(self.db_path) if self.db_path else settings.db_path)
            # Reports count as the database does (see `earful.commands.report.scope`); only
            # writing commands recount, so a report run with another config changes nothing.
            # A file with nothing to recount takes the config's thresholds at once.
            if not self._store.conn.execute("SELECT 1 FROM mentions LIMIT 1").fetchone():
                self._store.use_thresholds(*settings.scoring.counted)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


pass_app = click.make_pass_decorator(App)


def _json_line(value: Any) -> str:
    return orjson.dumps(value, default=str).decode()


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")(
        func
    )


def filter_options(func: F) -> F:
    """The filters shared by ``mentions`` and the reports."""
    options = [
        click.option("--brand", help="Only mentions of this brand."),
        click.option("--topic", help="Only mentions of this topic ([[topics]] in the config)."),
        click.option("--platform", type=click.Choice(["reddit", "x", "discord"]),
                     help="Only this platform."),
        click.option("--since", help="From this time: 2026-11-01, 2026-11-01T09:00, 7d, 36h."),
        click.option("--until", help="Before this time (same forms as --since)."),
        click.option("--lang", "language", help="Only this language (ISO 639-1, e.g. es)."),
        click.option("--panel", help="A panel's posts (its members' posts, brand or not)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _filters(since: str | None, until: str | None, **fields: Any) -> Filters:
    try:
        return Filters(since=parse_when(since) if since else None,
                       until=parse_when(until) if until else None, **fields)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--since/--until") from None


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="earful")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config file (default: $EARFUL_CONFIG, ./config.toml, or the embedded demo).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help="Database file (default: $EARFUL_DB or [store] path in the config).")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, db_path: str | None) -> None:
    """Earful: social listening and community management for brand teams.

    \b
    earful listen --once        collect, match, score and store from every enabled source
    earful report overview      volume, sentiment, share of voice and top risk posts
    earful mentions --risk high list and search what was stored
    """
    app = App(config_path, db_path)
    ctx.obj = app
    ctx.call_on_close(app.close)


# -- config ------------------------------------------------------------------------------------
@main.group("config")
def config_group() -> None:
    """Inspect the configuration."""


@config_group.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@pass_app
def config_check(app: App, path: str | None) -> None:
    """Validate a config file and summarise it.

    Example: earful config check config.toml
    """
    found = path or app.config_path or find_config()
    settings = load_config(found)
    from earful.config import secret

    console.print(Text.assemble(("✓ ", "green"), (str(found or "embedded default"), "bold"),
                                " is valid"))
    # What the other commands would open: --db wins over the config's path.
    console.print(f"Database: {app.db_path} (--db)" if app.db_path
                  else f"Database: {settings.db_path}")
    brands = Table(title="Brands", title_justify="left")
    for column in ("Name", "Role", "Terms", "Subreddits", "Excluded"):
        brands.add_column(column, overflow="fold")
    for brand in settings.brands:
        terms = f"query: {brand.query}" if brand.query else ", ".join(brand.terms)
        brands.add_row(brand.name, "ours" if brand.role == "brand" else "competitor",
                       terms, ", ".join(brand.subreddits), ", ".join(brand.exclude))
    console.print(brands)
    if settings.topics:
        topics = Table(title="Topics", title_justify="left")
        topics.add_column("Name")
        topics.add_column("Query", overflow="fold")
        for topic in settings.topics:
            topics.add_row(topic.name, topic.query)
        console.print(topics)
    sources = Table(title="Sources", title_justify="left")
    for column in ("Name", "Type", "Enabled", "Every", "Reads", "Credentials"):
        sources.add_column(column, overflow="fold")
    for name, source in settings.sources.items():
        credentials = ", ".join(
            f"{key} ← ${env} {'(set)' if secret(env) else '(missing)'}"
            for key, env in source.credentials.items()
        )
        reads = ", ".join(source.paths or source.queries)
        if source.panels:
            reads += f"; panels {', '.join(source.panels)} (each member every " \
                     f"{_every(source.panel_every)})"
        sources.add_row(name, source.type, "yes" if source.enabled else "no",
                        _every(source.interval), reads, credentials or "–")
    console.print(sources)
    if settings.panels:
        panels = Table(title="Panels", title_justify="left")
        for column in ("Name", "Members", "Collect", "Retention"):
            panels.add_column(column, overflow="fold")
        for panel in settings.panels:
            panels.add_row(panel.name, f"rule: {panel.rule.describe()}, refreshed every "
                           f"{_every(panel.refresh)}" if panel.rule else
                           ", ".join(panel.members) or "none yet",
                           "yes" if panel.collect else "no",
                           f"{panel.retention_days} d" if panel.retention_days else "–")
        console.print(panels)
    scoring = settings.scoring
    console.print(
        f"Scoring: languages {', '.join(scoring.languages)}; complaint ≥ {scoring.complaint}; "
        f"churn ≥ {scoring.churn}; strongly negative ≤ {scoring.strongly_negative}; "
        f"risk points medium ≥ {scoring.risk.medium}, high ≥ {scoring.risk.high}"
    )


def _every(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


# -- listen / import -----------------------------------------------------------------------------
def _progress(*columns: ProgressColumn) -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    TaskProgressColumn(), *columns, TimeElapsedColumn(), TimeRemainingColumn(),
                    console=err_console, transient=True)


def _print_runs(runs: list[Any], as_json: bool, intake: Any = None) -> None:
    from earful.reports.runs import CASE_ACTIONS, render_runs, runs_data

    data = runs_data(runs)
    if intake is not None:
        # Every action, zero included: a JSON reader should not have to know which may be
        # missing.
        data["cases"] = {action: intake.counts[action] for action in CASE_ACTIONS} | dict(
            intake.counts)
    if as_json:
        click.echo(_json_line(data))
    else:
        console.print(render_runs(data))


@main.command()
@click.option("--once", is_flag=True, help="Run every enabled source once, then exit.")
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option("--log-json", is_flag=True,
              help="Structured JSON logs on stderr instead of the live status (for systemd etc.).")
@json_option
@pass_app
def listen(app: App, once: bool, sources: tuple[str, ...], log_json: bool,
           as_json: bool) -> None:
    """Collect → match → score → store from the configured sources.

    Without --once, runs as a service: every source (and each of its queries) on its own
    schedule, until SIGINT or SIGTERM, which finish the batch in hand first.

    Example: earful listen --once
    """
    unknown = [name for name in sources if name not in app.settings.sources]
    if unknown:
        raise click.BadParameter(f"no source named {unknown[0]!r}; configured: "
                                 f"{', '.join(app.settings.sources)}", param_hint="--source")
    if not once:
        _serve(app, sources, log_json)
        return
    from alerts.runner import AlertRunner
    from listener.pipeline import Pipeline
    from panels.upkeep import upkeep
    from responders.intake import attach

    with Pipeline(app.settings, app.store) as pipeline:
        intake = attach(pipeline)
        runs = pipeline.run_once(only=sources)
        if intake is not None:
            intake.tick()
    upkeep(app.store, app.settings)  # rule panels from what was just stored; retention
    # Alerts print on the console channel above the summary (JSON output stays clean).
    report = AlertRunner(app.settings, app.store, console=err_console if as_json else console,
                         record_sla=intake is None).run_pass()
    _print_runs(runs, as_json, intake)
    if not as_json and report.raised:
        console.print(f"{report.raised} alert(s) raised: earful alert list")


def _serve(app: App, sources: tuple[str, ...], log_json: bool) -> None:
    import signal
    import threading

    from rich.live import Live

    from earful.logs import setup_logging
    from earful.reports.status import render_status
    from listener.service import Listener

    setup_logging(json_lines=log_json, console=console,
                  level=logging.INFO if log_json else logging.WARNING)
    listener = Listener(app.settings, app.store, only=sources)
    stop = threading.Event()

    def request_stop(signum: int, _frame: Any) -> None:
        logging.getLogger("earful").info(
            "%s: finishing the batches in hand", signal.Signals(signum).name,
            extra={"event": "stopping"})
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, request_stop)
    try:
        listener.start()
    except EarfulError as error:
        raise click.ClickException(str(error)) from None
    try:
        if log_json:
            stop.wait()
        else:
            with Live(render_status(listener.status(), listener.skipped, listener.clock()),
                      console=console, refresh_per_second=2) as live:
                while not stop.wait(0.5):
                    live.update(render_status(listener.status(), listener.skipped,
                                              listener.clock()))
    finally:
        listener.stop()
    logging.getLogger("earful").info("stopped cleanly", extra={"event": "stopped"})


@main.command()
@click.option("--source", "source_name", required=True, help="A live source (reddit or x).")
@click.option("--since", required=True,
              help="How far back: 2026-11-01, 2026-11-01T09:00, or 7d / 36h / 2w.")
@click.option("--stream", "streams", multiple=True,
              help="Only this stream of the source (e.g. search:0; repeatable).")
@json_option
@pass_app
def backfill(app: App, source_name: str, since: str, streams: tuple[str, ...],
             as_json: bool) -> None:
    """Walk a live source's history back to a date, as far as its API allows.

    Each page is stored as it comes, with its position: run the same command again after an
    interruption and it resumes where it stopped.

    Example: earful backfill --source x --since 5d
    """
    from datetime import datetime

    from listener.pipeline import Pipeline
    from listener.sources import build_source

    config = app.settings.sources.get(source_name)
    if config is None:
        raise click.BadParameter(f"no source named {source_name!r}; configured: "
                                 f"{', '.join(app.settings.sources)}", param_hint="--source")
    if config.type == "replay":
        raise click.BadParameter(f"{source_name!r} replays files: use `earful import` for "
                                 "files, backfill is for live sources", param_hint="--source")
    try:
        floor = datetime.fromisoformat(_filters(since, None).since or "")
    except click.BadParameter as error:
        raise click.BadParameter(error.message, param_hint="--since") from None
    try:
        source = build_source(source_name, config, app.settings)
    except EarfulError as error:
        raise click.ClickException(str(error)) from None
    unknown = [stream for stream in streams if stream not in source.streams]  # type: ignore[attr-defined]
    if unknown:
        raise click.BadParameter(f"{source_name!r} has no stream {unknown[0]!r}; it has: "
                                 f"{', '.join(source.streams)}", param_hint="--stream")  # type: ignore[attr-defined]
    now = utcnow()
    span = max(1.0, (now - floor).total_seconds())
    from responders.intake import attach

    with Pipeline(app.settings, app.store) as pipeline, _progress() as progress:
        intake = attach(pipeline)
        task = progress.add_task(f"Backfilling {source_name} to {floor:%Y-%m-%d %H:%M}",
                                 total=span)

        def advance(fetched: int, oldest: datetime | None) -> None:
            reached = (now - oldest).total_seconds() if oldest else 0.0
            progress.update(task, completed=min(span, reached),
                            description=f"Backfilling {source_name}: {fetched:,} posts, back "
                                        f"to {(oldest or now):%Y-%m-%d %H:%M}")

        try:
            run = pipeline.backfill(source, floor, streams=streams,  # type: ignore[arg-type]
                                    progress=advance)
        except EarfulError as error:
            raise click.ClickException(f"{error} (what was fetched is stored; run the same "
                                       "command again to resume)") from None
        progress.update(task, completed=span)
    _print_runs([run], as_json, intake)


@main.command("import")
@click.option("--platform", required=True, type=click.Choice(["reddit", "x"]),
              help="Whose format the files are in.")
@click.option("--restart", is_flag=True,
              help="Read the files from the start, ignoring where an earlier import stopped.")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 100_000))
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@json_option
@pass_app
def import_(app: App, platform: str, restart: bool, batch_size: int, files: tuple[str, ...],
            as_json: bool) -> None:
    """Load posts from files in the platforms' own formats.

    Reddit: API listing JSON, or NDJSON dumps (.zst/.gz too). X: API v2 responses, one per
    file or one per line. Malformed records are reported and skipped; re-importing adds no
    duplicates, and an interrupted import resumes where it stopped.

    Example: earful import --platform x tweets.ndjson
    """
    from listener.pipeline import Pipeline
    from listener.sources.replay import ReplaySource

    source = ReplaySource("import", platform, [str(Path(f).resolve()) for f in files],
                          batch_size=batch_size)
    if restart:
        for path in source.paths:
            app.store.set_checkpoint(source.checkpoint_key(path), {})
    from responders.intake import attach

    with (Pipeline(app.settings, app.store) as pipeline,
          _progress(DownloadColumn(), TransferSpeedColumn()) as progress):
        intake = attach(pipeline)
        task = progress.add_task(f"Importing {len(files)} file(s)", total=None)
        run = pipeline.run_source(
            source, progress=lambda done, total: progress.update(task, completed=done,
                                                                 total=total))
    _print_runs([run], as_json, intake)


# -- score -----------------------------------------------------------------------------------------
@main.command()
@click.argument("text", required=False)
@click.option("--file", "file_", type=click.File("r", encoding="utf-8"),
              help='JSON lines {"id": …, "text": …} to score ("-" for stdin).')
@click.option("--out", type=click.File("w", encoding="utf-8"), default="-",
              help="Where --file results go (default: stdout).")
@json_option
@pass_app
def score(app: App, text: str | None, file_: Any, out: Any, as_json: bool) -> None:
    """Score one text, or a JSON-lines file of texts.

    \b
    earful score "cancelling my Kestrel Plus membership, switching to Trovia"
    earful score --file posts.jsonl > scores.jsonl
    """
    if (text is None) == (file_ is None):
        raise click.UsageError("give either TEXT or --file")
    from listener.scoring import Scorer

    scorer = Scorer(app.settings)
    if text is not None:
        result = scorer.score_text(text)
        if as_json:
            click.echo(_json_line(result_record(None, result)))
        else:
            from earful.reports.scoring import render_score

            console.print(render_score(text, result))
        return
    bad = 0
    for number, line in enumerate(file_, start=1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise ValueError('expected an object with a "text" string')
        except ValueError as error:
            bad += 1
            err_console.print(f"[yellow]line {number}: skipped: {error}[/]")
            continue
        out.write(_json_line(result_record(record.get("id"), scorer.score_text(record["text"])))
                  + "\n")
    if bad:
        err_console.print(f"[yellow]{bad} line(s) skipped[/]")


# -- query -----------------------------------------------------------------------------------------
@main.group()
def query() -> None:
    """Try the query syntax that brands, topics and sources use."""


def _native_forms(parsed: Any) -> dict[str, str | None]:
    from earful.query import QueryError

    forms: dict[str, str | None] = {}
    for platform, compile_to in (("x", parsed.to_x), ("reddit", parsed.to_reddit)):
        try:
            forms[platform] = compile_to()
        except QueryError as error:
            forms[platform] = f"cannot be searched: {error}"
    return forms


@query.command("test")
@click.argument("query_text", metavar="QUERY")
@click.argument("text")
@click.option("--lang", help="The text's language (default: detected, when lang: asks).")
@click.option("--platform", type=click.Choice(["x", "reddit"]), help="Where the text was posted.")
@click.option("--author", help="Who posted it (handle).")
@click.option("--subreddit", help="The subreddit it was posted in.")
@json_option
@pass_app
def query_test(app: App, query_text: str, text: str, lang: str | None, platform: str | None,
               author: str | None, subreddit: str | None, as_json: bool) -> None:
    """Show whether TEXT matches QUERY and why, and what X and Reddit would be sent.

    Exits 0 when the text matches and 1 when it does not, so scripts can use it.

    \b
    earful query test 'refund* NEAR/3 late -"thank you"' "my refund is late again"
    """
    from earful.query import Document, Query, QueryError

    try:
        parsed = Query(query_text)
    except QueryError as error:
        failure = click.ClickException(f"invalid query\n{error.pointer()}")
        failure.exit_code = 2  # 1 means "does not match"
        raise failure from None

    def detect() -> str:
        from listener.scoring import Scorer

        return Scorer(app.settings).language.detect(text)[0]

    doc = Document(text, platform=platform, author=author, community=subreddit,
                   language=lang or detect)
    verdict = parsed.explain(doc)
    native = _native_forms(parsed)
    if as_json:
        from earful.reports.query import verdict_record

        click.echo(_json_line({"query": query_text, "text": text, "matched": verdict.matched,
                               "verdict": verdict_record(verdict), "native": native}))
    else:
        from earful.reports.query import render_verdict

        console.print(render_verdict(verdict, native))
    if not verdict.matched:
        raise SystemExit(1)


def result_record(record_id: Any, result: Any) -> dict[str, Any]:
    """The JSON shape of one scoring result (``earful score --file`` writes one per line)."""
    data = result.as_dict()
    detail = data.pop("sentiment")
    return {"id": record_id, "sentiment": detail["compound"], "sentiment_detail": detail, **data}


# -- mentions ------------------------------------------------------------------------------------
@main.command()
@filter_options
@click.option("--risk", type=click.Choice(["high", "medium", "low"]), help="Only this risk tier.")
@click.option("--sentiment", type=click.Choice(["positive", "neutral", "negative", "unscored"]))
@click.option("--search", "-q", "query", help='Full-text search: words, "a phrase", OR, NOT, ref*.')
@click.option("--order", type=click.Choice(["newest", "oldest", "risk"]), default="newest",
              show_default=True)
@click.option("--limit", default=30, show_default=True, type=click.IntRange(1, 100_000))
@json_option
@pass_app
def mentions(app: App, since: str | None, until: str | None, limit: int, order: str,
             as_json: bool, **fields: Any) -> None:
    """List and search stored mentions.

    Example: earful mentions --brand Kestrel --risk high --since 14d -q "refund OR cancel*"
    """
    from earful.reports.mentions import render_mentions

    filters = _filters(since, until, **fields)
    try:
        rows = search_mentions(app.store, filters, limit=limit, order=order)
    except sqlite3.OperationalError as error:  # how FTS5 reports a bad search expression
        if not fields.get("query"):
            raise
        raise click.BadParameter(f"not a valid search: {error}", param_hint="--search") from None
    if as_json:
        for row in rows:
            click.echo(_json_line(row))
    else:
        console.print(render_mentions(rows))


# -- reports ---------------------------------------------------------------------------------------
@main.group()
def report() -> None:
    """Reports for social managers: in the terminal, as JSON or CSV, or one HTML file.

    \b
    Every report takes --since/--until (default: the last 30 days), --brand, --platform,
    --panel and --lang, compares the period with the one before it, and prints --json or
    --csv instead of tables.
    """


# -- responders ------------------------------------------------------------------------------------
@main.group()
def route() -> None:
    """How mentions are routed to teams and responders."""


@route.command("explain")
@click.argument("mention_id")
@json_option
@pass_app
def route_explain(app: App, mention_id: str, as_json: bool) -> None:
    """Show every routing rule's verdict on a stored mention, and where it goes.

    Example: earful route explain x:1853000000000000017
    """
    from earful.reports.cases import render_route
    from panels.membership import Memberships
    from responders.routing import Candidate, Router

    try:
        candidate = Candidate.load(app.store, mention_id, Memberships(app.store, app.settings))
    except EarfulError as error:
        raise click.ClickException(str(error)) from None
    router = Router(app.settings)
    verdicts, decision = router.explain(candidate), router.decide(candidate)
    if as_json:
        click.echo(_json_line({"mention": mention_id, "own": router.is_own(candidate),
                               "rules": verdicts, "decision": decision}))
    else:
        console.print(render_route(candidate, verdicts, decision, router.is_own(candidate)))


def _actor() -> str:
    import getpass
    import os

    return os.environ.get("EARFUL_USER") or getpass.getuser()


as_option = click.option("--as", "actor", default=_actor, show_default="$EARFUL_USER or you",
                         help="Who is acting (recorded in the case's audit trail).")


@main.command()
@click.option("--team", help="Only this team's cases.")
@click.option("--assignee", help="Only this responder's cases ('-' for unassigned).")
@click.option("--priority", help="Only this priority (p1, p2…).")
@click.option("--lang", "language", help="Only cases in this language.")
@click.option("--status", type=click.Choice(["new", "assigned", "waiting", "responded",
                                             "resolved"]))
@click.option("--all", "include_all", is_flag=True, help="Include resolved and snoozed cases.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@json_option
@pass_app
def queue(app: App, include_all: bool, limit: int, as_json: bool, **fields: Any) -> None:
    """Open cases, most urgent first.

    Example: earful queue --team care-es --assignee -
    """
    from earful.reports.cases import render_queue
    from responders.queue import QueueFilters
    from responders.queue import queue as open_cases

    filters = QueueFilters(include_resolved=include_all, include_snoozed=include_all, **fields)
    rows = open_cases(app.store, app.settings, filters, utcnow(), limit=limit)
    if as_json:
        for row in rows:
            click.echo(_json_line(row))
    else:
        console.print(render_queue(rows))


@main.group()
def case() -> None:
    """Work on one case: show, claim, assign, note, respond, wait, resolve, reopen, snooze,
    escalate."""


def _cases(app: App) -> Any:
    from responders.cases import Cases

    return Cases(app.store, app.settings)


def _action(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except EarfulError as error:
        raise click.ClickException(str(error)) from None


@case.command("show")
@click.argument("case_id", type=int)
@json_option
@pass_app
def case_show(app: App, case_id: int, as_json: bool) -> None:
    """A case with its posts and its audit trail."""
    from earful.reports.cases import render_case

    found = _action(lambda: _cases(app).get(case_id))
    posts = [app.store.mention(mention_id) for mention_id in found["mentions"]]
    if as_json:
        click.echo(_json_line({**found, "posts": posts}))
    else:
        console.print(render_case(found, posts))


@case.command("claim")
@click.argument("case_id", type=int)
@as_option
@pass_app
def case_claim(app: App, case_id: int, actor: str) -> None:
    """Take an unassigned case (if two claim at once, one wins)."""
    if not _action(lambda: _cases(app).claim(case_id, actor)):
        raise click.ClickException(f"case {case_id} is already assigned (or resolved)")
    console.print(f"case {case_id}: claimed by {actor}")


@case.command("assign")
@click.argument("case_id", type=int)
@click.argument("responder")
@as_option
@pass_app
def case_assign(app: App, case_id: int, responder: str, actor: str) -> None:
    """Give a case to a responder."""
    _action(lambda: _cases(app).assign(case_id, responder, actor))
    console.print(f"case {case_id}: assigned to {responder}")


@case.command("note")
@click.argument("case_id", type=int)
@click.argument("text")
@as_option
@pass_app
def case_note(app: App, case_id: int, text: str, actor: str) -> None:
    """Add an internal note."""
    _action(lambda: _cases(app).note(case_id, actor, text))
    console.print(f"case {case_id}: note added")


@case.command("respond")
@click.argument("case_id", type=int)
@click.argument("text", required=False)
@as_option
@pass_app
def case_respond(app: App, case_id: int, text: str | None, actor: str) -> None:
    """Record a response made to the customer (starts nothing; stops the first-response clock)."""
    _action(lambda: _cases(app).respond(case_id, actor, text))
    console.print(f"case {case_id}: response recorded")


@case.command("templates")
@pass_app
def case_templates(app: App) -> None:
    """List the reply templates and their languages."""
    table = Table(title="Reply templates", title_justify="left")
    for column in ("Name", "For", "Languages"):
        table.add_column(column)
    for template in app.settings.templates:
        table.add_row(template.name, template.scenario, ", ".join(template.text))
    console.print(table)


@case.command("reply")
@click.argument("case_id", type=int)
@click.option("--template", "template_name", help="A reply template (see `case templates`).")
@click.option("--text", help="The reply itself, instead of a template.")
@click.option("--send", is_flag=True,
              help="Post it from the brand's account (without: a dry run that posts nothing).")
@as_option
@json_option
@pass_app
def case_reply(app: App, case_id: int, template_name: str | None, text: str | None, send: bool,
               actor: str, as_json: bool) -> None:
    """Reply to the customer's latest post in a case, in their language.

    Dry run by default: shows the reply and where it would go. With --send it is posted through
    the platform's API and recorded as the case's response (its time counts for the SLA); a
    Discord /support case's reply is recorded and the community bot posts it in the thread.

    Example: earful case reply 12 --template shipping-delay --as Lucía --send
    """
    from responders.replies import render

    if (template_name is None) == (text is None):
        raise click.UsageError("give either --template NAME or --text TEXT")
    cases = _cases(app)
    found = _action(lambda: cases.get(case_id))
    posts = [post for post in (app.store.mention(m) for m in found["mentions"]) if post]
    customer = [p for p in posts if (p["author_id"] or "") == (found["author_id"] or "")]
    target = max(customer or posts, key=lambda p: p["created_at"])
    language = found["language"]
    if template_name is not None:
        text, language = _action(
            lambda: render(app.settings, template_name, found, posts, actor))
    assert text is not None
    reply = {"case": case_id, "platform": target["platform"], "in_reply_to": target["id"],
             "url": target["url"], "language": language, "text": text, "sent": False}
    queued = False
    if send and target["platform"] == "discord":
        # The bot posts it: the response recorded here is relayed into the case's /support
        # thread on its next delivery round (community.support_bot).
        thread = app.store.conn.execute("SELECT thread_id FROM support_threads WHERE case_id = ? "
                                        "ORDER BY opened_at DESC LIMIT 1", [case_id]).fetchone()
        if thread is None:
            raise click.ClickException(
                f"case {case_id} has no /support thread for the bot to post in: answer in "
                f"Discord, then record it with `earful case respond {case_id} TEXT`")
        _action(lambda: cases.respond(case_id, actor, text))
        reply.update(sent="queued", thread=thread[0])
        queued = True
    elif send:
        from responders.send import send_reply

        sent = _action(lambda: send_reply(app.settings, target["platform"],
                                               target["native_id"], text))
        reply.update(sent=True, reply_url=sent.url, reply_id=sent.native_id)
        _action(lambda: cases.respond(case_id, actor, text))
    if as_json:
        click.echo(_json_line(reply))
        return
    console.print(Text.assemble((f"Reply to {target['id']}", "bold"), f" ({language}):\n",
                                Text(text, style="italic")))
    if queued:
        console.print(f"recorded as the response of case {case_id}; the community bot posts it "
                      f"in its /support thread on its next round")
    elif send:
        console.print(f"posted: {reply['reply_url']} · recorded as the response of case "
                      f"{case_id}")
    else:
        console.print(Text("dry run: nothing was posted (add --send to post it)", style="dim"))


@case.command("wait")
@click.argument("case_id", type=int)
@as_option
@pass_app
def case_wait(app: App, case_id: int, actor: str) -> None:
    """Waiting on the customer: SLA clocks pause until they write again."""
    _action(lambda: _cases(app).wait(case_id, actor))
    console.print(f"case {case_id}: waiting on the customer")


@case.command("resolve")
@click.argument("case_id", type=int)
@as_option
@pass_app
def case_resolve(app: App, case_id: int, actor: str) -> None:
    """Close a case (a new post by the customer reopens it)."""
    _action(lambda: _cases(app).resolve(case_id, actor))
    console.print(f"case {case_id}: resolved")


@case.command("reopen")
@click.argument("case_id", type=int)
@as_option
@pass_app
def case_reopen(app: App, case_id: int, actor: str) -> None:
    """Open a resolved case again."""
    _action(lambda: _cases(app).reopen(case_id, actor))
    console.print(f"case {case_id}: reopened")


@case.command("snooze")
@click.argument("case_id", type=int)
@click.option("--until", "until", required=True,
              help="A time (2026-11-24T09:00) or a delay (2h, 1d) from now.")
@as_option
@pass_app
def case_snooze(app: App, case_id: int, until: str, actor: str) -> None:
    """Hide a case from the queue until a time."""
    from datetime import UTC, datetime

    from earful.queries import parse_span

    delay = parse_span(until)
    try:
        if delay is not None:
            moment = utcnow() + delay
        else:
            moment = datetime.fromisoformat(until).astimezone(UTC)
    except ValueError:
        raise click.BadParameter(f"expected 2026-11-24T09:00 or 2h/1d; found {until!r}",
                                 param_hint="--until") from None
    _action(lambda: _cases(app).snooze(case_id, actor, moment))
    console.print(f"case {case_id}: snoozed until {moment:%Y-%m-%d %H:%M} UTC")


@case.command("escalate")
@click.argument("case_id", type=int)
@click.option("--team", help="Move it to this team as well.")
@as_option
@pass_app
def case_escalate(app: App, case_id: int, team: str | None, actor: str) -> None:
    """Flag a case as escalated (it goes to the top of the queue)."""
    _action(lambda: _cases(app).escalate(case_id, actor, team))
    console.print(f"case {case_id}: escalated" + (f" to {team}" if team else ""))


__all__ = ["main", "result_record"]


# -- audiences -------------------------------------------------------------------------------------
@main.group()
def loyalty() -> None:
    """Loyalty members' accounts (routing rules and alerts can single out members)."""


@loyalty.command("import")
@click.argument("file_", metavar="FILE.csv", type=click.Path(dir_okay=False))
@pass_app
def loyalty_import(app: App, file_: str) -> None:
    """Link accounts to loyalty members from a CSV (columns loyalty_id, platform, handle),
    e.g. a CRM export of members' public handles. Bad lines are reported and skipped.

    Example: earful loyalty import members.csv
    """
    from panels.membership import Memberships

    try:
        report = Memberships(app.store, app.settings).import_loyalty(file_)
    except EarfulError as error:
        raise click.ClickException(str(error)) from None
    for problem in report.problems:
        err_console.print(f"[yellow]skipped[/] {problem}")
    console.print(f"{report.linked} account(s) linked, {report.unchanged} already linked, "
                  f"{len(report.problems)} line(s) skipped")


@loyalty.command("code")
@click.argument("loyalty_id")
@pass_app
def loyalty_code(app: App, loyalty_id: str) -> None:
    """Issue a one-time code a member types in Discord (/link CODE) to link their account;
    show it to them where they are signed in (the loyalty site, an e-mail from the CRM).

    Example: earful loyalty code LY-1042
    """
    from community.linking import issue_code

    code = issue_code(app.store, app.settings, loyalty_id)
    hours = app.settings.community.link_code_ttl / 3600
    console.print(f"{code}  (for {loyalty_id}, valid {hours:g} h, once)")


@loyalty.command("list")
@json_option
@pass_app
def loyalty_list(app: App, as_json: bool) -> None:
    """Every linked account, by loyalty member."""
    from panels.membership import Memberships

    rows = [dict(zip(("loyalty_id", "account", "origin", "linked_at"), row, strict=True))
            for row in Memberships(app.store, app.settings).members()]
    if as_json:
        click.echo(_json_line(rows))
        return
    table = Table(title=f"{len(rows)} linked account(s)", title_justify="left")
    for column in ("Loyalty id", "Account", "Origin", "Linked at"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(value) for value in row.values()))
    console.print(table)


# -- alerts ----------------------------------------------------------------------------------------
@main.group()
def alert() -> None:
    """Alerts: list, show, acknowledge, resolve; `run` pages on its own (also `earful alerts`)."""


main.add_command(alert, name="alerts")


def _alerts(app: App) -> Any:
    from alerts.outbox import Alerts

    return Alerts(app.store, app.settings)


@alert.command("run")
@click.option("--once", is_flag=True, help="One pass (find, raise, escalate, deliver), then exit.")
@click.option("--every", default=30.0, show_default=True, type=click.FloatRange(1, 3600),
              help="Seconds between passes.")
@pass_app
def alert_run(app: App, once: bool, every: float) -> None:
    """Page on what the store holds: new high-priority cases, SLA warnings and breaches, churn
    threats from loyalty members and high-reach authors, spikes, failing collectors.

    Runs beside (or without) `earful listen`, which also runs the same passes.

    Example: earful alerts run --once
    """
    import signal
    import threading

    from alerts.runner import AlertRunner

    runner = AlertRunner(app.settings, app.store, console=console)
    if once:
        report = runner.run_pass()
        delivery = report.delivery
        console.print(f"{report.events} event(s), {report.raised} new alert(s), "
                      f"{report.escalated} escalation step(s); deliveries: {delivery.sent} sent, "
                      f"{delivery.failed} to retry, {delivery.deferred} deferred, "
                      f"{delivery.skipped} skipped")
        return
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    err_console.print(f"paging every {every:g}s; Ctrl-C to stop")
    runner.run_forever(stop, every)


@alert.command("list")
@click.option("--status", type=click.Choice(["open", "acknowledged", "resolved"]),
              help="Only alerts in this state (default: all).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000))
@json_option
@pass_app
def alert_list(app: App, status: str | None, limit: int, as_json: bool) -> None:
    """Alerts, newest first, with their deliveries sent and pending."""
    from earful.reports.alerts import render_alerts

    rows = _alerts(app).list(status, limit)
    if as_json:
        for row in rows:
            click.echo(_json_line(row))
    else:
        console.print(render_alerts(rows))


@alert.command("show")
@click.argument("alert_id", type=int)
@json_option
@pass_app
def alert_show(app: App, alert_id: int, as_json: bool) -> None:
    """One alert and every delivery of it (channel, recipient, attempts, status)."""
    from earful.reports.alerts import render_alert

    shown = _action(lambda: _alerts(app).get(alert_id))
    if as_json:
        click.echo(_json_line(shown))
    else:
        console.print(render_alert(shown))


@alert.command("ack")
@click.argument("alert_id", type=int)
@as_option
@pass_app
def alert_ack(app: App, alert_id: int, actor: str) -> None:
    """Acknowledge: you own it; escalation stops."""
    _action(lambda: _alerts(app).ack(alert_id, actor))
    console.print(f"alert {alert_id} acknowledged by {actor}")


@alert.command("resolve")
@click.argument("alert_id", type=int)
@as_option
@pass_app
def alert_resolve(app: App, alert_id: int, actor: str) -> None:
    """Resolve: the same event again raises a new alert."""
    _action(lambda: _alerts(app).resolve(alert_id, actor))
    console.print(f"alert {alert_id} resolved by {actor}")


@main.command()
@click.option("--at", "at", help="At this time instead of now (UTC unless it has an offset): "
              "2026-12-24T20:00.")
@json_option
@pass_app
def oncall(app: App, at: str | None, as_json: bool) -> None:
    """Who is on call now (or --at), until when, and who is next, for every schedule."""
    from datetime import UTC, datetime

    from alerts.oncall import OnCall
    from earful.reports.oncall import oncall_json, render_oncall

    try:
        moment = datetime.fromisoformat(at) if at else utcnow()
    except ValueError:
        raise click.BadParameter(f"expected a time like 2026-12-24T20:00; found {at!r}",
                                 param_hint="--at") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    rows = OnCall(app.settings).now_and_next(moment)
    if as_json:
        click.echo(_json_line(oncall_json(rows)))
    else:
        console.print(render_oncall(rows, at=moment))


# Command groups kept in their own modules register themselves on `main` when imported.
from earful.commands import bot as _bot  # noqa: E402, F401
from earful.commands import panel as _panel  # noqa: E402, F401
from earful.commands import report as _report  # noqa: E402, F401

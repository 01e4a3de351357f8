"""Reports (issue 8): the rollups follow every write, reports sum them (and the mentions at the
edges of a period, or for filters the rollups lack) to the same figures the mentions give,
period over period; every report has --json, --csv and tables; the HTML file stands alone."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from earful import rollups
from earful.cli import main
from earful.config import load_config
from earful.queries import Filters
from earful.reports.overview import overview
from earful.reports.period import Period, report_period
from earful.reports.sov import sov
from earful.reports.topics import topics
from earful.reports.trend import bucket_of, trend
from earful.store import Store
from listener.pipeline import Pipeline
from panels.privacy import erase, forget
from panels.registry import Panels
from tests.conftest import ROOT, make_post

NOVEMBER = Period(datetime(2026, 11, 10, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC))
TABLES = ("rollup_daily", "rollup_topics", "rollup_churn")


def snapshot(store: Store) -> dict[str, set[tuple]]:
    # Sums of sentiment added batch by batch differ from one sum in the last bits: round.
    return {table: {tuple(round(v, 9) if isinstance(v, float) else v for v in row)
                    for row in store.conn.execute(f"SELECT * FROM {table}")}
            for table in TABLES}


def rebuilt(store: Store) -> dict[str, set[tuple]]:
    """What the rollups would hold if recomputed now (in a transaction rolled back)."""
    store.conn.execute("BEGIN")
    try:
        rollups.rebuild(store.conn)
        return snapshot(store)
    finally:
        store.conn.execute("ROLLBACK")


def save(settings, store: Store, *posts) -> None:
    with Pipeline(settings, store, workers=1) as pipeline:
        pipeline.process(list(posts), source="test")


# -- the rollups follow every write ---------------------------------------------------------
def test_rollups_follow_inserts_edits_refreshes_erasure_and_forgetting(settings, store) -> None:
    save(settings, store,
         make_post("1", "Love my Kestrel tent, setup in five minutes", handle="ana"),
         make_post("2", "Trovia shipping is slow, where is my order?", handle="ben"),
         make_post("3", "I'm cancelling my Kestrel Plus membership, switching to Trovia",
                   handle="cy", when="2026-11-03T23:59:00"),
         make_post("4", "Nimbus Market refund still missing", handle="dee"),
         make_post("5", "just a sunny day", handle="eve"))  # names no brand: not stored
    assert snapshot(store) == rebuilt(store)
    daily = store.conn.execute("SELECT sum(n) FROM rollup_daily WHERE brand = ''").fetchone()
    assert daily == (4,)

    # An edit that changes the brand named; a refresh with new counts; a new post.
    save(settings, store,
         make_post("1", "Actually my Nimbus Market tent, not the other one", handle="ana"),
         make_post("2", "Trovia shipping is slow, where is my order?", handle="ben", likes=40),
         make_post("6", "Kestrel boots are great", handle="fay", when="2026-11-04T08:00:00"))
    assert snapshot(store) == rebuilt(store)
    brands = dict(store.conn.execute(
        "SELECT brand, sum(n) FROM rollup_daily WHERE brand <> '' GROUP BY brand"))
    assert brands == {"Kestrel": 2, "Nimbus": 2, "Trovia": 2}  # 3 names Kestrel and Trovia
    assert store.conn.execute("SELECT sum(engagement) FROM rollup_daily WHERE brand = 'Trovia' "
                              "AND day = '2026-11-02'").fetchone() == (40,)

    with store.transaction() as conn:  # erased: one deleted outright
        erase(conn, ["x:4"])
    assert snapshot(store) == rebuilt(store)
    forget(store, "x", "cy")
    assert snapshot(store) == rebuilt(store)
    assert store.conn.execute("SELECT sum(n) FROM rollup_daily WHERE brand = ''").fetchone() == (
        3,)


def test_rebuild_command_recomputes(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--config", str(ROOT / "config.toml"), "--db", str(tmp_path / "e.db")]
    assert runner.invoke(main, [*args, "listen", "--once"]).exit_code == 0
    with Store(tmp_path / "e.db") as store:
        before = snapshot(store)
        store.conn.execute("DELETE FROM rollup_daily")
        store.conn.commit()
    result = runner.invoke(main, [*args, "report", "rebuild"], catch_exceptions=False)
    assert result.exit_code == 0 and "rebuilt" in result.output
    with Store(tmp_path / "e.db") as store:
        assert snapshot(store) == before


def test_the_reports_count_churn_and_complaints_from_the_configured_thresholds(
        tmp_path: Path) -> None:
    # `[scoring] churn` is "the churn intent that counts as a churn threat": the reports'
    # totals follow it. Writing with another config (listen, report rebuild) recounts them
    # once; a report run with another config says so and changes nothing; a store opened
    # without the config goes on counting with the database's own.
    db = tmp_path / "e.db"
    config = (ROOT / "config.toml").read_text()
    assert "\nchurn = 0.5 " in config and "\ncomplaint = 0.5 " in config
    strict = tmp_path / "strict.toml"
    strict.write_text(config.replace("\nchurn = 0.5 ", "\nchurn = 0.9 ")
                      .replace("\ncomplaint = 0.5 ", "\ncomplaint = 0.8 "))

    def run(config_path: Path, *args: str):
        result = CliRunner().invoke(main, ["--config", str(config_path), "--db", str(db), *args],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    def counted(store: Store) -> tuple[int, int]:
        return store.conn.execute("SELECT sum(churn), sum(complaints) FROM rollup_daily "
                                  "WHERE brand = ''").fetchone()

    def direct(store: Store, churn: float, complaint: float) -> tuple[int, int]:
        return store.conn.execute(
            "SELECT sum(s.churn_intent >= ? AND NOT s.opportunity), sum(s.complaint >= ?) "
            "FROM mentions m JOIN scores s ON s.mention_id = m.id WHERE NOT m.panel_only",
            [churn, complaint]).fetchone()

    run(ROOT / "config.toml", "listen", "--once")
    with Store(db) as store:
        assert counted(store) == direct(store, 0.5, 0.5)
        assert direct(store, 0.9, 0.8) != direct(store, 0.5, 0.5)  # the sample tells them apart
    # A report with the other config: told, not recounted.
    output = run(strict, "report", "overview", "--json")
    assert ("Churn threats are counted from intent 0.5 and complaints from 0.5, as this "
            "database was last written; the config says 0.9 and 0.8") in output
    with Store(db) as store:
        assert counted(store) == direct(store, 0.5, 0.5)
    # Rebuilding with it recounts; then the two agree and nothing is said.
    rebuilt_output = " ".join(run(strict, "report", "rebuild").split())  # rich wraps lines
    assert "churn threats from intent 0.9, complaints from 0.8" in rebuilt_output
    assert "last written" not in rebuilt_output  # it recounts: nothing to warn of
    assert "as this database was last written" not in run(strict, "report", "overview",
                                                            "--json")
    with Store(db) as store:
        assert counted(store) == direct(store, 0.9, 0.8)
        assert rollups.thresholds(store.conn) == (0.9, 0.8)
        assert not store.use_thresholds(0.9, 0.8)  # unchanged: nothing recounted
    # A pipeline with the first config recounts back; new posts add as a recount would.
    with Store(db) as store, Pipeline(load_config(ROOT / "config.toml"), store,
                                      workers=1) as pipeline:
        assert counted(store) == direct(store, 0.5, 0.5)
        pipeline.process([make_post("new", "cancelling my Kestrel Plus membership, switching "
                                           "to Trovia, 3 weeks and no refund", handle="zed")],
                         source="test")
        assert counted(store) == direct(store, 0.5, 0.5)
        assert snapshot(store) == rebuilt(store)


def test_unchanged_thresholds_do_not_wait_for_another_writer(tmp_path) -> None:
    # Every command checks the thresholds on opening the store; while the listener writes, a
    # report must not queue for the write lock just to find them unchanged.
    import sqlite3

    with Store(tmp_path / "e.db") as store:
        writer = sqlite3.connect(tmp_path / "e.db", isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        try:
            store.conn.execute("PRAGMA busy_timeout = 0")  # a wait would fail at once
            assert not store.use_thresholds(*rollups.DEFAULT_THRESHOLDS)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                store.use_thresholds(0.7, 0.5)
        finally:
            writer.execute("ROLLBACK")
            writer.close()


@pytest.mark.parametrize("counted", [True, False], ids=["counted", "never-counted"])
def test_an_older_database_gets_its_thresholds(settings, tmp_path, counted: bool) -> None:
    # A database from before the thresholds were kept: migrating it adds the defaults, which
    # its aggregates were counted with, and leaves those alone (recounting a large file would
    # hold the write lock for nothing); aggregates a file never had are counted then.
    path = tmp_path / "old.db"
    with Store(path) as store:
        save(settings, store, make_post("1", "cancelling my Kestrel membership", handle="a"),
             make_post("2", "Kestrel refund still missing, three weeks", handle="b"))
        expected = snapshot(store)
        if counted:  # a mark a recount would erase
            store.conn.execute("UPDATE rollup_daily SET engagement = engagement + 1000")
            expected = snapshot(store)
        else:
            store.conn.execute("DELETE FROM rollup_daily")
        for statement in ("DROP TABLE rollup_thresholds",
                          "DELETE FROM _sqlite_migrations WHERE name = 'm012_rollup_thresholds'"):
            store.conn.execute(statement)
    with Store(path) as store:
        assert rollups.thresholds(store.conn) == rollups.DEFAULT_THRESHOLDS
        assert snapshot(store) == expected


# -- figures, period over period, edges of a period -----------------------------------------
@pytest.fixture
def november(settings, store) -> Store:
    save(settings, store,
         # the period: 4 mentions (one names two brands)
         make_post("1", "My Kestrel tent is great", handle="a", when="2026-11-11T10:00:00"),
         make_post("2", "Kestrel boots are fine", handle="b", when="2026-11-12T10:00:00"),
         make_post("3", "Kestrel or Trovia for a first tent?", handle="c",
                   when="2026-11-15T10:00:00"),
         make_post("4", "Trovia delivery took a week", handle="d", when="2026-11-19T23:00:00"),
         # the period before: 2 Kestrel mentions
         make_post("5", "Kestrel stove works", handle="e", when="2026-11-01T10:00:00"),
         make_post("6", "Kestrel jacket arrived", handle="f", when="2026-11-09T23:59:59"),
         # outside both
         make_post("7", "Kestrel again", handle="g", when="2026-11-20T00:00:00"),
         make_post("8", "Kestrel in October", handle="h", when="2026-10-30T10:00:00"))
    return store


def test_overview_counts_shares_and_change_against_the_period_before(november) -> None:
    data = overview(november, Filters(), NOVEMBER)
    assert data["mentions"] == 4 and data["mentions_before"] == 2
    assert data["change"] == 1.0  # +100 %
    brands = {b["brand"]: b for b in data["brands"]}
    assert brands["Kestrel"]["mentions"] == 3 and brands["Trovia"]["mentions"] == 2
    assert brands["Kestrel"]["share_of_voice"] == 0.6 and brands["Trovia"]["share_of_voice"] == 0.4
    assert brands["Kestrel"]["mentions_before"] == 2 and brands["Kestrel"]["change"] == 0.5
    assert brands["Trovia"]["change"] is None  # nothing to compare with
    assert data["brands"][0]["brand"] == "Kestrel"  # ours first
    assert [d["mentions"] for d in data["daily"]] == [0, 1, 1, 0, 0, 1, 0, 0, 0, 1]
    assert len(data["daily"]) == 10  # 10..19 November


def test_a_brand_filter_narrows_every_figure(november) -> None:
    data = overview(november, Filters(brand="trovia"), NOVEMBER)  # any case
    assert data["mentions"] == 2 and data["mentions_before"] == 0
    assert [b["brand"] for b in data["brands"]] == ["Trovia"]
    shares = sov(november, Filters(brand="Trovia"), NOVEMBER)
    assert [(b["brand"], b["share"]) for b in shares["brands"]] == [("Trovia", 0.4)]


def test_partial_days_at_the_edges_come_from_the_mentions(november) -> None:
    span = Period(datetime(2026, 11, 11, 12, tzinfo=UTC), datetime(2026, 11, 19, 22, tzinfo=UTC))
    data = overview(november, Filters(), span)
    # 11 Nov 10:00 is before the start, 19 Nov 23:00 after the end: only 2 and 3 remain.
    assert data["mentions"] == 2
    whole = Period(datetime(2026, 11, 11, 11, tzinfo=UTC), datetime(2026, 11, 12, 9, tzinfo=UTC))
    assert overview(november, Filters(), whole)["mentions"] == 0  # no whole day in it


def test_platform_and_language_filters(settings, store) -> None:
    save(settings, store,
         make_post("1", "Kestrel tent is great", when="2026-11-12T10:00:00"),
         make_post("t3_a", "Kestrel tent is great", platform="reddit", handle="r1",
                   when="2026-11-12T10:00:00"),
         make_post("2", "La tienda Kestrel es muy buena, me encanta la mochila",
                   when="2026-11-13T10:00:00", lang="es"))
    assert overview(store, Filters(platform="reddit"), NOVEMBER)["mentions"] == 1
    assert overview(store, Filters(language="es"), NOVEMBER)["mentions"] == 1
    assert overview(store, Filters(), NOVEMBER)["mentions"] == 3


def test_a_panel_report_counts_members_posts_naming_no_brand(settings, store) -> None:
    Panels(store, settings).create("crew")
    Panels(store, settings).add("crew", ["x:a"])
    save(settings, store,
         make_post("1", "Kestrel tent is great", handle="a", when="2026-11-12T10:00:00"),
         make_post("2", "Long run in the hills today", handle="a", when="2026-11-13T10:00:00"),
         make_post("3", "Kestrel boots", handle="b", when="2026-11-13T10:00:00"))
    assert overview(store, Filters(), NOVEMBER)["mentions"] == 2
    assert overview(store, Filters(panel="crew"), NOVEMBER)["mentions"] == 2  # 1 and 2
    assert overview(store, Filters(panel="crew", brand="Kestrel"), NOVEMBER)["mentions"] == 1


def test_trend_by_week_and_topics(november, settings, store) -> None:
    assert bucket_of("2026-11-15", "week") == "2026-11-09"  # a Sunday: its week's Monday
    assert bucket_of("2026-11-16", "week") == "2026-11-16"
    weekly = trend(november, Filters(), NOVEMBER, by="week")
    assert weekly["buckets"] == ["2026-11-09", "2026-11-16"]
    everyone = next(s for s in weekly["series"] if s["name"] == "all")
    assert [p["mentions"] for p in everyone["points"]] == [3, 1]
    assert everyone["mentions_before"] == 2
    kestrel = next(s for s in weekly["series"] if s["name"] == "Kestrel")
    assert [p["mentions"] for p in kestrel["points"]] == [3, 0]
    found = {t["topic"]: t for t in topics(november, Filters(), NOVEMBER)["topics"]}
    assert found["shipping"]["mentions"] == 1  # "delivery" is in the shipping topic


def test_the_default_period_is_the_last_30_days_or_the_stores_last_month(november) -> None:
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    assert report_period(november, None, None, 30, now) == Period(
        datetime(2026, 10, 22, 12, tzinfo=UTC), now)
    # The newest mention is from 2026-11-20. A week later the store has stopped collecting:
    # the report covers the 30 days up to the end of that day, not a month half empty.
    store_month = Period(datetime(2026, 10, 22, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC))
    week = datetime(2026, 11, 27, tzinfo=UTC)
    assert report_period(november, None, None, 30, week) == Period(
        datetime(2026, 10, 28, tzinfo=UTC), week)
    assert report_period(november, None, None, 30, week + timedelta(seconds=1)) == store_month
    assert report_period(november, None, None, 30, datetime(2027, 3, 1, tzinfo=UTC)) == \
        store_month
    # A period shorter than a week moves once it would hold nothing.
    assert report_period(november, None, None, 3, week) == Period(
        datetime(2026, 11, 18, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC))
    # A period asked for is taken as asked.
    assert report_period(november, "2026-11-25T00:00:00Z", None, 30, week).until == week


# -- the CLI: one set of filters, three outputs, on every report ------------------------------
REPORTS = [["overview"], ["trend"], ["sov"], ["topics"], ["influencers"], ["churn"], ["sla"],
           ["panel", "trail-runners"], ["surveys"]]


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "e.db"
    result = CliRunner().invoke(main, ["--config", str(ROOT / "config.toml"), "--db", str(path),
                                       "listen", "--once"], catch_exceptions=False)
    assert result.exit_code == 0
    return path


def report(db: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--config", str(ROOT / "config.toml"), "--db", str(db),
                                       "report", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("name", REPORTS, ids=lambda n: n[0])
def test_every_report_takes_the_filters_and_prints_json_csv_and_tables(sample_db, name) -> None:
    filters = ["--since", "2026-10-20", "--until", "2026-11-16", "--platform", "reddit",
               "--lang", "en"]
    if name[0] not in ("panel", "surveys"):
        filters += ["--brand", "Kestrel"]
    if name[0] == "surveys":  # the community's members, not posts: only the period applies
        filters = filters[:4]
    data = json.loads(report(sample_db, *name, *filters, "--json"))
    assert data, name
    rows = list(csv.DictReader(io.StringIO(report(sample_db, *name, *filters, "--csv"))))
    assert isinstance(rows, list)
    assert report(sample_db, *name, *filters).strip()
    unfiltered = list(csv.DictReader(io.StringIO(report(sample_db, *name, "--since",
                                                        "2026-10-01", "--csv"))))
    if name[0] not in ("surveys",):
        assert unfiltered, f"{name[0]}: the sample has data for it"


def test_a_store_that_stopped_collecting_reports_its_last_month_and_says_so(sample_db) -> None:
    from freezegun import freeze_time

    # The sample's newest post is from 2026-11-15.
    args = ["--config", str(ROOT / "config.toml"), "--db", str(sample_db), "report",
            "overview", "--json"]
    with freeze_time("2026-12-07 12:00:00"):
        stale = CliRunner().invoke(main, args, catch_exceptions=False)
    data = json.loads(stale.stdout)  # the note is on stderr only
    assert data["period"] == {"since": "2026-10-17T00:00:00Z", "until": "2026-11-16T00:00:00Z"}
    assert "newest mention is from 2026-11-15" in stale.stderr
    with freeze_time("2026-11-18 12:00:00"):  # three days on: still collecting, for all we know
        fresh = CliRunner().invoke(main, args, catch_exceptions=False)
    assert json.loads(fresh.stdout)["period"]["until"] == "2026-11-18T12:00:00Z"
    assert fresh.stderr == ""


def test_the_overview_compares_periods_on_the_sample(sample_db) -> None:
    data = json.loads(report(sample_db, "overview", "--since", "2026-11-02", "--until",
                             "2026-11-16", "--json"))
    assert data["previous"] == {"since": "2026-10-19T00:00:00Z", "until": "2026-11-02T00:00:00Z"}
    assert data["mentions"] > 0 and data["mentions_before"] > 0
    assert data["change"] == pytest.approx(
        (data["mentions"] - data["mentions_before"]) / data["mentions_before"], abs=1e-4)
    panel = json.loads(report(sample_db, "overview", "--since", "2026-11-02", "--until",
                              "2026-11-16", "--panel", "trail-runners", "--json"))
    assert 0 < panel["mentions"] != data["mentions"]


def test_surveys_refuse_filters_on_posts(sample_db) -> None:
    result = CliRunner().invoke(main, ["--db", str(sample_db), "--config",
                                       str(ROOT / "config.toml"), "report", "surveys",
                                       "--brand", "Kestrel"])
    assert result.exit_code == 2 and "--brand" in result.output


def test_json_and_csv_together_is_a_usage_error(sample_db) -> None:
    result = CliRunner().invoke(main, ["--db", str(sample_db), "--config",
                                       str(ROOT / "config.toml"), "report", "sov", "--json",
                                       "--csv"])
    assert result.exit_code == 2 and "choose one" in result.output


# -- the HTML report --------------------------------------------------------------------------
def test_the_html_report_stands_alone(sample_db, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    report(sample_db, "html", "--since", "2026-10-19", "--until", "2026-11-16", "--out",
           str(out))
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # Nothing fetched from elsewhere: no script, style or image from a URL.
    assert not re.search(r"<(script|img|iframe)[^>]+src=\"https?:", page)
    assert not re.search(r"<link[^>]+href=\"https?:", page)
    assert page.count('class="plotly-graph-div"') == 6  # trend ×2, SoV, topics, churn, SLA
    assert "Top risk posts" in page and 'href="https://' in page  # posts link to the source
    assert "<script>" in page and "Plotly" in page  # plotly.js inlined once


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which(
    "google-chrome")


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (Debian: apt install chromium)")
def test_the_html_report_renders_in_headless_chromium_without_console_messages(
        sample_db, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    report(sample_db, "html", "--since", "2026-10-19", "--until", "2026-11-16", "--out",
           str(out))
    shot = tmp_path / "report.png"
    run = subprocess.run(
        [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--enable-logging=stderr",
         "--v=0", "--virtual-time-budget=5000", "--window-size=1280,2400",
         f"--screenshot={shot}", out.as_uri()],
        capture_output=True, text=True, timeout=120)
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console  # Chromium logs every console message (errors included)
    assert shot.stat().st_size > 50_000  # a page of charts, not a blank one


def test_churn_counts_threats_opportunities_and_destinations(settings, store) -> None:
    from earful.reports.churn import churn

    save(settings, store,
         make_post("1", "I'm cancelling my Kestrel Plus membership, switching to Trovia",
                   handle="a", when="2026-11-12T10:00:00"),
         make_post("2", "Cancelled my Kestrel Plus today, moving to Trovia", handle="b",
                   when="2026-11-13T10:00:00"),
         make_post("3", "Done with Trovia, switching to Kestrel for good", handle="c",
                   when="2026-11-14T10:00:00"),
         make_post("4", "I'm not cancelling my Kestrel Plus, love it", handle="d",
                   when="2026-11-14T11:00:00"),  # negated: no churn
         make_post("5", "Cancelling my Kestrel Plus", handle="e", when="2026-11-05T10:00:00"))
    data = churn(store, Filters(), NOVEMBER)
    brands = {b["brand"]: b for b in data["brands"]}
    assert brands["Kestrel"]["threats"] == 2 and brands["Kestrel"]["threats_before"] == 1
    assert brands["Kestrel"]["threats_change"] == 1.0
    assert brands["Kestrel"]["destinations"] == {"Trovia": 2}
    assert brands["Trovia"]["opportunities"] == 1 and brands["Trovia"]["threats"] == 0
    assert {p["id"] for p in data["top_posts"]} <= {"x:1", "x:2", "x:3"}
    only = churn(store, Filters(brand="Trovia"), NOVEMBER)
    assert [b["brand"] for b in only["brands"]] == ["Trovia"]


def test_influencers_are_the_widest_reach_in_the_period(settings, store) -> None:
    from earful.reports.influencers import influencers

    save(settings, store,
         make_post("1", "Kestrel tent is great", handle="small", followers=100,
                   when="2026-11-12T10:00:00"),
         make_post("2", "Kestrel boots ok", handle="mid", followers=5_000,
                   when="2026-11-13T10:00:00", likes=10),
         make_post("3", "Trovia jacket", handle="big", followers=20_000,
                   when="2026-11-14T10:00:00"),
         make_post("4", "Kestrel stove again", handle="mid", followers=5_000,
                   when="2026-11-15T10:00:00", likes=30),
         make_post("5", "Kestrel in October", handle="huge", followers=1_000_000,
                   when="2026-10-20T10:00:00"))  # outside the period
    found = influencers(store, Filters(), NOVEMBER, top=10)["influencers"]
    assert [(i["handle"], i["mentions"]) for i in found] == [("big", 1), ("mid", 2),
                                                             ("small", 1)]
    mid = found[1]
    assert mid["engagement"] == 40 and mid["top_post"]["id"] == "x:4"
    kestrel = influencers(store, Filters(brand="Kestrel"), NOVEMBER, top=1)["influencers"]
    assert [i["handle"] for i in kestrel] == ["mid"]


def test_sla_is_compared_with_the_period_before_and_narrowed_by_brand(sample_db) -> None:
    data = json.loads(report(sample_db, "sla", "--since", "2026-11-02", "--until",
                             "2026-11-16", "--json"))
    (overall,) = data["all"]
    assert overall["cases"] == sum(team["cases"] for team in data["teams"]) > 0
    assert data["previous_period"] == {"since": "2026-10-19T00:00:00Z",
                                       "until": "2026-11-02T00:00:00Z"}
    assert data["previous"] and data["previous"][0]["cases"] > 0
    nimbus = json.loads(report(sample_db, "sla", "--since", "2026-11-02", "--until",
                               "2026-11-16", "--brand", "Nimbus", "--json"))
    assert (nimbus["all"] or [{"cases": 0}])[0]["cases"] < overall["cases"]

"""The X source through real tweepy against recorded X API v2 responses (``fixtures/x_http``)."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
import responses
from responses.registries import OrderedRegistry
from tenacity import wait_none

from earful.config import Settings, SourceConfig
from earful.errors import MissingCredentials, RateLimited, SourceError
from earful.query import Query
from earful.store import Store
from listener.pipeline import Pipeline, SourceRun
from listener.scoring import Scorer
from listener.sources import build_source
from listener.sources.x import XSource
from tests.conftest import ROOT
from tests.x_kill_helper import NOW, RECENT, recorded_response, recording

ALL = "https://api.twitter.com/2/tweets/search/all"
TOKEN = "AAAAAAAAAAAAAAAAAAAAAtestbearer%2Fnot-a-real-one"
KESTREL = "@KestrelGoods OR @KestrelHelp OR #kestrelgoods"
KEY = "x:x:search:0"
P1, P2 = "recent_kestrel_p1.json", "recent_kestrel_p2.json"
NEWER, EMPTY = "recent_kestrel_newer.json", "recent_empty.json"


def tweets(*names: str) -> list[dict[str, Any]]:
    return [tweet for name in names for tweet in recording(name)["body"].get("data", [])]


def readable(*names: str) -> list[dict[str, Any]]:
    """The recorded tweets a parser can read (the malformed one has no text)."""
    return [tweet for tweet in tweets(*names) if "text" in tweet]


def native_ids(records: list[dict[str, Any]]) -> set[str]:
    # An edited tweet is stored under its first version's id.
    return {tweet["edit_history_tweet_ids"][0] for tweet in records}


def newest(name: str) -> int:
    return max(int(tweet["id"]) for tweet in tweets(name))


def oldest(name: str) -> int:
    return min(int(tweet["id"]) for tweet in tweets(name))


def stamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%SZ}"


def snowflake(moment: datetime) -> int:
    return (int(moment.timestamp() * 1000) - 1288834974657) << 22


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)


@pytest.fixture
def x_api() -> Iterator[responses.RequestsMock]:
    """X's API, answering the requests in the order the test lists them, and nothing else."""
    with responses.RequestsMock(registry=OrderedRegistry) as mock:
        yield mock


@pytest.fixture(scope="module")
def scorer(settings: Settings) -> Scorer:
    return Scorer(settings)


class Clock:
    def __init__(self, moment: datetime = NOW) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def x_config(**options: Any) -> SourceConfig:
    options.setdefault("queries", [KESTREL])
    return SourceConfig(type="x", credentials={"bearer_token": "X_BEARER_TOKEN"}, **options)


def x_source(settings: Settings, config: SourceConfig | None = None,
             clock: Clock | None = None) -> XSource:
    return XSource("x", config or x_config(), settings, now=clock or Clock(), wait=wait_none())


def run(source: XSource, store: Store, settings: Settings, scorer: Scorer) -> SourceRun:
    return Pipeline(settings, store, scorer=scorer, workers=1).run_source(source)


def stored(store: Store) -> set[str]:
    rows = store.conn.execute("SELECT native_id FROM mentions").fetchall()
    assert len(rows) == len({row[0] for row in rows})
    return {row[0] for row in rows}


def params(mock: responses.RequestsMock, index: int) -> dict[str, str]:
    return mock.calls[index].request.params


# -- streams ------------------------------------------------------------------------------------
def test_first_run_reaches_back_lookback_and_stores_every_page(settings, store, scorer,
                                                                x_api) -> None:
    x_api.add(recorded_response(P1))
    x_api.add(recorded_response(P2))
    result = run(x_source(settings), store, settings, scorer)

    assert stored(store) == native_ids(readable(P1, P2))
    first, second = params(x_api, 0), params(x_api, 1)
    assert first["query"] == Query(KESTREL).to_x()
    assert first["start_time"] == stamp(NOW - timedelta(days=1))  # lookback defaults to a day
    assert "since_id" not in first and "until_id" not in first
    assert first["max_results"] == "100" and first["sort_order"] == "recency"
    assert first["expansions"] == "author_id,referenced_tweets.id,referenced_tweets.id.author_id"
    assert {"created_at", "author_id", "public_metrics", "referenced_tweets",
            "edit_history_tweet_ids"} <= set(first["tweet.fields"].split(","))
    assert "public_metrics" in first["user.fields"].split(",")
    assert x_api.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert x_api.calls[0].request.req_kwargs["timeout"] == 30  # tweepy would wait forever
    assert second["next_token"] == recording(P1)["body"]["meta"]["next_token"]
    assert second["start_time"] == first["start_time"]
    assert store.checkpoint(KEY) == {"since": newest(P1), "walk": None}

    # The tweet without text is reported where it stands; the rest of its page is kept.
    bad = [i for i, tweet in enumerate(tweets(P2), start=1) if "text" not in tweet]
    assert [(p.path, p.line) for p in result.problems] == [(KEY, line) for line in bad]
    assert "has no 'text'" in result.problems[0].message
    # X's partial error (a deleted referenced tweet) did not cost that page its data.
    assert recording(P2)["body"]["errors"]
    # Authors come from includes.users, with their follower counts.
    users = {user["id"]: user for user in recording(P1)["body"]["includes"]["users"]}
    for tweet in readable(P1):
        row = store.mention(f"x:{tweet['edit_history_tweet_ids'][0]}")
        assert row is not None
        expected = users[tweet["author_id"]]["public_metrics"]["followers_count"]
        assert row["author_followers"] == expected


def test_rerun_asks_only_for_newer_tweets(settings, store, scorer, x_api) -> None:
    x_api.add(recorded_response(P1))
    x_api.add(recorded_response(P2))
    clock = Clock()
    run(x_source(settings, clock=clock), store, settings, scorer)

    clock.moment = NOW + timedelta(minutes=15)
    x_api.add(recorded_response(NEWER))
    again = run(x_source(settings, clock=clock), store, settings, scorer)
    asked = params(x_api, 2)
    assert asked["since_id"] == str(newest(P1))
    assert "start_time" not in asked and "until_id" not in asked  # X ignores start_time anyway
    assert again.new == len(readable(NEWER))
    assert stored(store) == native_ids(readable(P1, P2, NEWER))
    assert store.checkpoint(KEY) == {"since": newest(NEWER), "walk": None}

    x_api.add(recorded_response(EMPTY))
    quiet = run(x_source(settings, clock=clock), store, settings, scorer)
    assert params(x_api, 3)["since_id"] == str(newest(NEWER))
    assert quiet.new == 0 and quiet.batches == 1
    assert store.checkpoint(KEY) == {"since": newest(NEWER), "walk": None}


def test_results_the_query_does_not_match_are_dropped(settings, store, scorer, x_api) -> None:
    query = "(Kestrel OR @KestrelHelp) NEAR/6 refund*"
    x_api.add(recorded_response("recent_kestrel_refunds.json"))
    source = x_source(settings, x_config(queries=[query]))
    run(source, store, settings, scorer)

    # X cannot say NEAR or refund*: it was asked for every Kestrel tweet...
    assert params(x_api, 0)["query"] == "kestrel OR @kestrelhelp"
    # ...and only those that speak of a refund are true matches.
    returned = readable("recent_kestrel_refunds.json")
    refunds = [tweet for tweet in returned if "refund" in tweet["text"].lower()]
    assert 0 < len(refunds) < len(returned)
    assert stored(store) == native_ids(refunds)


def test_run_stopped_by_max_pages_continues_below_its_last_page(settings, store, scorer,
                                                                x_api) -> None:
    config = x_config(max_pages=1)
    x_api.add(recorded_response(P1))
    run(x_source(settings, config), store, settings, scorer)
    assert stored(store) == native_ids(readable(P1))
    assert store.checkpoint(KEY) == {
        "since": None, "walk": {"newest": newest(P1), "resume": str(oldest(P1))}}

    x_api.add(recorded_response(P2))
    run(x_source(settings, config), store, settings, scorer)
    asked = params(x_api, 1)
    assert asked["until_id"] == str(oldest(P1))
    assert "next_token" not in asked and "since_id" not in asked
    assert stored(store) == native_ids(readable(P1, P2))
    assert store.checkpoint(KEY) == {"since": newest(P1), "walk": None}

    x_api.add(recorded_response(NEWER))
    run(x_source(settings, config), store, settings, scorer)
    assert params(x_api, 2)["since_id"] == str(newest(P1))
    assert stored(store) == native_ids(readable(P1, P2, NEWER))


def test_rate_limit_mid_walk_keeps_stored_pages_and_resumes(settings, store, scorer,
                                                             x_api) -> None:
    x_api.add(recorded_response(P1))
    x_api.add(recorded_response("rate_limited.json"))
    with pytest.raises(RateLimited) as raised:
        run(x_source(settings), store, settings, scorer)
    reset = int(recording("rate_limited.json")["headers"]["x-rate-limit-reset"])
    assert raised.value.reset_at == datetime.fromtimestamp(reset, UTC)
    assert "search:0" in str(raised.value)
    assert stored(store) == native_ids(readable(P1))

    x_api.add(recorded_response(P2))
    again = run(x_source(settings), store, settings, scorer)
    assert params(x_api, 2)["until_id"] == str(oldest(P1))
    assert again.new == len(readable(P2)) and again.unchanged == 0
    assert stored(store) == native_ids(readable(P1, P2))


def test_rate_limit_without_reset_header_waits_a_window(settings, store, x_api) -> None:
    record = recording("rate_limited.json")
    x_api.add(responses.Response("GET", RECENT, json=record["body"], status=429))
    with pytest.raises(RateLimited) as raised:
        list(x_source(settings).stream_batches("search:0", store))
    assert raised.value.reset_at == NOW + timedelta(minutes=15)


def test_server_errors_and_dropped_connections_are_retried(settings, store, scorer,
                                                            x_api) -> None:
    x_api.add(recorded_response("service_unavailable.json"))
    x_api.add(responses.Response("GET", RECENT, body=requests.ConnectionError("reset by peer")))
    x_api.add(recorded_response(P1))
    x_api.add(recorded_response(P2))
    run(x_source(settings), store, settings, scorer)
    assert len(x_api.calls) == 4
    assert stored(store) == native_ids(readable(P1, P2))


def test_server_errors_give_up_after_three_attempts(settings, store, x_api) -> None:
    for _ in range(3):
        x_api.add(recorded_response("service_unavailable.json"))
    with pytest.raises(SourceError, match=r"source 'x' search:0: .*after 3 attempts.*503"):
        list(x_source(settings).stream_batches("search:0", store))
    assert len(x_api.calls) == 3


def test_refused_token_is_named_by_its_variable_never_its_value(settings, store, x_api,
                                                                caplog) -> None:
    caplog.set_level(logging.DEBUG)
    x_api.add(recorded_response("unauthorized.json"))
    with pytest.raises(SourceError) as raised:
        list(x_source(settings).stream_batches("search:0", store))
    assert not isinstance(raised.value, RateLimited)
    assert "refused the bearer token in X_BEARER_TOKEN" in str(raised.value)
    assert "401" in str(raised.value)
    assert TOKEN not in str(raised.value) and TOKEN not in caplog.text


def test_missing_credentials_name_the_variable(settings, monkeypatch) -> None:
    monkeypatch.delenv("X_BEARER_TOKEN")
    with pytest.raises(MissingCredentials) as raised:
        build_source("x", x_config(), settings)
    assert str(raised.value) == \
        "source 'x': skipped, set X_BEARER_TOKEN (credentials.bearer_token)"


def test_each_query_is_a_stream_and_batches_reads_them_in_order(settings, store, scorer,
                                                                 x_api) -> None:
    queries = [KESTREL, "@TroviaShop", "platform:reddit Kestrel", "@NimbusMarket"]
    source = x_source(settings, x_config(queries=queries))
    # The third query can never match on X: it has no stream.
    assert source.streams == ["search:0", "search:1", "search:3"]
    for name in (P1, P2, "recent_trovia.json", EMPTY):
        x_api.add(recorded_response(name))
    seen: list[tuple[int, int | None]] = []
    Pipeline(settings, store, scorer=scorer, workers=1).run_source(
        source, lambda read, total: seen.append((read, total)))
    assert [params(x_api, i)["query"] for i in range(4)] == \
        ["@kestrelgoods OR @kestrelhelp OR #kestrelgoods"] * 2 + ["@troviashop", "@nimbusmarket"]
    assert stored(store) == native_ids(readable(P1, P2, "recent_trovia.json"))
    assert seen[:2] == [(len(tweets(P1)), None), (len(tweets(P1, P2)), None)]
    assert store.checkpoint("x:x:search:3") == {"since": None, "walk": None}
    with pytest.raises(SourceError, match="no stream 'search:2'"):
        list(source.stream_batches("search:2", store))


def test_a_cursor_older_than_recent_search_reaches_asks_from_the_reach(settings, store, scorer,
                                                                       x_api) -> None:
    store.set_checkpoint(KEY, {"since": snowflake(NOW - timedelta(days=10)), "walk": None})
    x_api.add(recorded_response(P1))
    x_api.add(recorded_response(P2))
    run(x_source(settings), store, settings, scorer)
    asked = params(x_api, 0)
    assert "since_id" not in asked  # X rejects a since_id older than seven days
    assert asked["start_time"] == stamp(NOW - timedelta(days=7) + timedelta(minutes=5))
    assert stored(store) == native_ids(readable(P1, P2))


def test_a_walk_left_older_than_recent_search_reaches_ends(settings, store, x_api) -> None:
    top = snowflake(NOW - timedelta(days=6))
    store.set_checkpoint(KEY, {"since": None, "walk": {
        "newest": top, "resume": str(snowflake(NOW - timedelta(days=8)))}})
    batches = list(x_source(settings).stream_batches("search:0", store))
    assert len(x_api.calls) == 0  # X would reject that until_id
    assert [(batch.posts, batch.checkpoint) for batch in batches] == [
        ([], (KEY, {"since": top, "walk": None}))]


# -- backfill -----------------------------------------------------------------------------------
def backfill(source: XSource, since: datetime, store: Store, settings: Settings, scorer: Scorer,
             ) -> list[tuple[int, datetime | None]]:
    seen: list[tuple[int, datetime | None]] = []
    pipeline = Pipeline(settings, store, scorer=scorer, workers=1)
    batches = source.backfill("search:0", since, store,
                              lambda count, reached: seen.append((count, reached)))
    list(pipeline.process_batches(batches, source=source.name))
    return seen


def reached(*names: str) -> datetime:
    return min(datetime.fromisoformat(tweet["created_at"]) for tweet in readable(*names))


def test_backfill_reports_progress_and_resumes(settings, store, scorer, x_api) -> None:
    since = NOW - timedelta(days=3)
    key = f"backfill:x:search:0:{stamp(since)}"
    source = x_source(settings, x_config(max_pages=1))
    x_api.add(recorded_response(P1))
    assert backfill(source, since, store, settings, scorer) == \
        [(len(readable(P1)), reached(P1))]
    assert params(x_api, 0)["start_time"] == stamp(since)
    assert store.checkpoint(key)["walk"]["resume"] == str(oldest(P1))

    x_api.add(recorded_response(P2))
    assert backfill(source, since, store, settings, scorer) == \
        [(len(readable(P2)), reached(P2))]
    asked = params(x_api, 1)
    assert asked["until_id"] == str(oldest(P1)) and asked["start_time"] == stamp(since)
    assert stored(store) == native_ids(readable(P1, P2))

    # Done: another call asks X for nothing (the registry has no more answers).
    assert backfill(source, since, store, settings, scorer) == []
    assert store.checkpoint(KEY) is None  # the stream's own cursor is untouched


def test_backfill_past_seven_days_stops_where_recent_search_does(settings, store, scorer,
                                                                 x_api, caplog) -> None:
    caplog.set_level(logging.INFO, logger="listener.sources.x")
    x_api.add(recorded_response(P1))
    x_api.add(recorded_response(P2))
    seen = backfill(x_source(settings), NOW - timedelta(days=30), store, settings, scorer)
    assert params(x_api, 0)["start_time"] == stamp(NOW - timedelta(days=7) + timedelta(minutes=5))
    assert [r.getMessage() for r in caplog.records if "7 days" in r.getMessage()] == [
        "source 'x' search:0: recent search reaches back 7 days, so the backfill stops at "
        "2026-11-03 12:05 UTC (archive = true searches the full archive)"]
    assert seen[-1] == (len(readable(P1, P2)), reached(P1, P2))


def test_archive_backfill_uses_full_archive_search(settings, store, scorer, x_api) -> None:
    since = NOW - timedelta(days=60)
    x_api.add(recorded_response("all_kestrel.json"))
    seen = backfill(x_source(settings, x_config(archive=True)), since, store, settings, scorer)
    assert x_api.calls[0].request.url.startswith(ALL + "?")
    assert params(x_api, 0)["start_time"] == stamp(since)
    assert stored(store) == native_ids(readable("all_kestrel.json"))
    assert seen == [(len(readable("all_kestrel.json")), reached("all_kestrel.json"))]


# -- a killed run -------------------------------------------------------------------------------
def test_sigkill_mid_walk_then_restart_stores_every_tweet_once(settings, tmp_path) -> None:
    db = tmp_path / "e.db"
    env = {**os.environ, "X_BEARER_TOKEN": TOKEN}
    command = [sys.executable, "-m", "tests.x_kill_helper", str(db)]
    first_page = len(readable(P1))
    child = subprocess.Popen([*command, "--pause"], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, killed = time.monotonic() + 60, False
    while time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
        try:
            with sqlite3.connect(db, timeout=1) as conn:
                if conn.execute("SELECT count(*) FROM mentions").fetchone()[0] >= first_page:
                    child.send_signal(signal.SIGKILL)
                    killed = True
                    break
        except sqlite3.OperationalError:
            continue  # not created yet
    if not killed and child.poll() is None:
        child.kill()  # paused past the deadline: fail below rather than wait for it
    child.wait()
    assert killed, "the helper ended (or hung) before its first page was stored"
    with Store(db) as store:
        assert stored(store) == native_ids(readable(P1))

    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
                   timeout=120)
    recorded = readable(P1, P2, "recent_trovia.json")
    terms = [term.lower() for brand in settings.brands for term in brand.terms]
    naming = [tweet for tweet in recorded if any(term in tweet["text"].lower() for term in terms)]
    assert naming == recorded  # every recorded tweet names a brand, so all must be stored
    with Store(db) as store:
        assert stored(store) == native_ids(naming)
        assert store.count("mentions") == len(naming)

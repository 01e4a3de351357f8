"""The Reddit collector, through the real praw and prawcore, against Reddit's API replayed from
``tests/fixtures/reddit_http`` (see ``tests/reddit_fake.py``). Expectations come from the
recorded listings: their ids, times and cursors."""

from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import responses
from prawcore.sessions import FiniteRetryStrategy
from tenacity import wait_none

from earful.config import Settings
from earful.errors import MissingCredentials, RateLimited, SourceError
from earful.models import Post, author_accounts
from earful.store import Store
from listener.formats import ParseError, Problem
from listener.formats.reddit import post_from_thing
from listener.matching import Matcher
from listener.pipeline import Pipeline
from listener.sources import Batch
from listener.sources.reddit import ATTEMPTS, RedditSource
from tests.reddit_fake import (
    COMMENTS,
    ENV,
    LATER,
    NEW,
    RECORDED,
    ROOT,
    Failure,
    FakeReddit,
    after_of,
    source_config,
    things,
)

NEW_PAGES = ("new_1", "new_2", "new_3")
COMMENT_PAGES = ("comments_1", "comments_2")


def rate_limited() -> Failure:
    """Reddit's answer when the quota of its 10-minute window is used up."""
    return Failure(429, {"x-ratelimit-used": "1000", "x-ratelimit-remaining": "0.0",
                         "x-ratelimit-reset": "212", "content-type": "application/json"})


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    # prawcore retries 5xx itself after sleeping 0-4 s; the tests do not wait for it.
    monkeypatch.setattr(FiniteRetryStrategy, "sleep", lambda self: None)


@pytest.fixture
def reddit() -> Iterator[FakeReddit]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake = FakeReddit().install(mock)
        yield fake
        assert not fake.unexpected, f"requests nothing was recorded for: {fake.unexpected}"


def make(settings: Settings, *, now: datetime = RECORDED, **options: Any) -> RedditSource:
    return RedditSource("live", source_config(**options), settings, now=lambda: now,
                        retry_wait=wait_none())


@dataclass
class Collected:
    """What a consumer got, each batch's checkpoint written as the pipeline would."""

    store: Store
    posts: list[Post] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def drain(self, batches: Iterable[Batch]) -> Collected:
        for batch in batches:
            self.posts.extend(batch.posts)
            self.problems.extend(batch.problems)
            if batch.checkpoint is not None:
                self.store.set_checkpoint(*batch.checkpoint)
        return self

    @property
    def ids(self) -> list[str]:
        return [post.native_id for post in self.posts]


def readable(thing: dict[str, Any]) -> bool:
    try:
        post_from_thing(thing)
    except ParseError:
        return False
    return True


def recorded(pages: Iterable[str], floor: datetime, *, newer_than: int = 0) -> list[str]:
    """Fullnames of the readable recorded things a walk down to ``floor`` reaches."""
    return [t["data"]["name"] for t in things(*pages)
            if t["data"]["created_utc"] >= floor.timestamp() and readable(t)
            and int(t["data"]["id"], 36) > newer_than]


def position(fullname: str) -> int:
    return int(fullname[3:], 36)


def named_in_a_full_run(settings: Settings) -> set[str]:
    """What a complete first run of every stream must store: the readable things its walks
    reach (back one day, the default lookback) that the stream keeps and that name a brand or
    whose author is in a panel (followed whatever they say)."""
    floor = RECORDED - timedelta(days=1)
    # The fixture's r/birding results are Reddit's loose matches: search:0 drops them.
    loose = {t["data"]["name"] for t in things("search_kestrel")
             if t["data"]["subreddit"] == "birding"}
    delivered = {*recorded(NEW_PAGES, floor), *recorded(COMMENT_PAGES, floor),
                 *(set(recorded(["search_kestrel"], floor)) - loose),
                 *recorded(["search_trovia"], floor)}
    by_name = {t["data"]["name"]: t for t in things(*NEW_PAGES, *COMMENT_PAGES, "search_kestrel",
                                                   "search_trovia")}
    matcher = Matcher(settings.brands)
    members = {account for panel in settings.panels for account in panel.members}

    def followed(post: Post) -> bool:
        author = post.author
        return bool(author and members & set(author_accounts("reddit", author.handle,
                                                             author.id)))

    return {name for name in delivered
            if matcher.match(post := post_from_thing(by_name[name])) or followed(post)}


# -- construction ---------------------------------------------------------------------------


def test_missing_credentials_name_the_env_variables(settings, monkeypatch) -> None:
    monkeypatch.delenv("REDDIT_CLIENT_ID")
    monkeypatch.delenv("REDDIT_CLIENT_SECRET")
    with pytest.raises(MissingCredentials) as caught:
        make(settings)
    assert str(caught.value) == (
        "source 'live': skipped, set REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET "
        "(credentials.client_id, credentials.client_secret)")
    monkeypatch.setenv("REDDIT_CLIENT_ID", ENV["REDDIT_CLIENT_ID"])
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "")  # empty counts as unset
    with pytest.raises(MissingCredentials, match=r"set REDDIT_CLIENT_SECRET \(credentials"):
        make(settings)


def test_streams_skip_queries_reddit_cannot_match(settings, reddit) -> None:
    source = make(settings)
    # QUERIES[2] is `platform:x ...`: no search stream for it; nothing is requested yet.
    assert source.streams == ["search:0", "search:1", "submissions", "comments"]
    assert make(settings, watch=[]).streams == ["search:0", "search:1"]
    assert reddit.tokens == 0 and reddit.requests == []


# -- stream walks ---------------------------------------------------------------------------


def test_first_run_reaches_back_the_lookback(settings, store, reddit) -> None:
    source = make(settings, lookback="12h")
    read: list[tuple[int, int | None]] = []
    got = Collected(store).drain(
        source.stream_batches("submissions", store, lambda n, total: read.append((n, total))))

    floor = RECORDED - timedelta(hours=12)
    assert got.ids == recorded(NEW_PAGES, floor)
    assert len(got.ids) > 100  # the floor is on the second page
    assert read == [(100, None), (len(got.ids) + 1, None)]  # + the malformed record
    # The walk stopped at the floor: new_3 was never asked for.
    assert reddit.listings(NEW) == [{"limit": "100", "raw_json": "1"},
                                    {"limit": "100", "raw_json": "1", "after": after_of("new_1")}]
    assert reddit.tokens == 1
    # The record with a null title is reported with where it was; the rest of its page loaded.
    bad = next(i for i, t in enumerate(things("new_1"), 1) if t["data"]["title"] is None)
    assert [(p.path, p.line) for p in got.problems] == [
        ("https://oauth.reddit.com/r/KestrelGoods+CampingGear/new/", bad)]
    assert "title" in got.problems[0].message
    assert store.checkpoint(source.key("submissions")) == {
        "since": max(position(name) for name in got.ids), "walk": None}


def test_posts_are_what_the_parser_makes_of_the_recorded_things(settings, store, reddit) -> None:
    source = make(settings, lookback="3h")
    submissions = Collected(store).drain(source.stream_batches("submissions", store)).posts
    comments = Collected(store).drain(source.stream_batches("comments", store)).posts

    recorded_things = {t["data"]["name"]: t for t in things(*NEW_PAGES, *COMMENT_PAGES)}
    assert submissions and comments
    for post in submissions:
        assert post == post_from_thing(recorded_things[post.native_id])
    for post in comments:
        thing = recorded_things[post.native_id]
        # praw keeps a comment's `replies` ("" in a /comments listing) as its own state.
        data = {key: value for key, value in thing["data"].items() if key != "replies"}
        assert post == post_from_thing({"kind": "t1", "data": data})
        assert post.kind == "comment"
        assert post.thread_id == thing["data"]["link_id"]
        assert post.parent_id == thing["data"]["parent_id"]
    assert any(post.parent_id.startswith("t1_") for post in comments)  # replies to comments
    assert any(post.author is None for post in submissions)  # "[deleted]" authors


def test_rerun_fetches_only_what_is_newer(settings, store, reddit) -> None:
    Collected(store).drain(make(settings).stream_batches("submissions", store))
    since = store.checkpoint("reddit:live:submissions")["since"]
    assert since == max(position(t["data"]["name"]) for t in things(*NEW_PAGES))
    reddit.later, reddit.requests = True, []

    got = Collected(store).drain(make(settings, now=LATER).stream_batches("submissions", store))

    arrived = [name for name in recorded(["new_later"], LATER - timedelta(days=1))
               if position(name) > since]
    assert len(arrived) == 12
    assert got.ids == arrived
    # One request from the top, no cursor: the walk stops where the last run began.
    assert reddit.listings(NEW) == [{"limit": "100", "raw_json": "1"}]
    assert store.checkpoint("reddit:live:submissions") == {
        "since": position(arrived[0]), "walk": None}


def test_search_keeps_only_what_the_query_matches(settings, store, reddit) -> None:
    source = make(settings)
    got = Collected(store).drain(source.stream_batches("search:0", store))

    floor = RECORDED - timedelta(days=1)
    reached = recorded(["search_kestrel"], floor)
    # The fixture's r/birding results are Reddit's loose matches ("kestrel" and "goods" apart).
    loose = {t["data"]["name"] for t in things("search_kestrel")
             if t["data"]["subreddit"] == "birding"}
    assert loose & set(reached)
    assert got.ids == [name for name in reached if name not in loose]
    assert reddit.listings("/r/all/search/") == [{
        "q": '"kestrel goods" OR kestrelgoods OR "kestrel plus"', "restrict_sr": "False",
        "sort": "new", "syntax": "lucene", "t": "all", "limit": "100", "raw_json": "1"}]
    # The cursor moved past the dropped results too: the next run does not walk them again.
    assert store.checkpoint(source.key("search:0"))["since"] == max(map(position, reached))


def test_search_in_the_configured_subreddits(settings, store, reddit) -> None:
    source = make(settings, subreddits=["CampingGear", "r/Frugal"], watch=[])
    Collected(store).drain(source.stream_batches("search:1", store))
    [params] = reddit.listings("/r/CampingGear+Frugal/search/")
    assert params["q"] == "trovia" and params["restrict_sr"] == "True"


def test_max_pages_stops_and_the_next_run_continues_without_gap(settings, store, reddit) -> None:
    first = Collected(store).drain(
        make(settings, lookback="12h", max_pages=1).stream_batches("submissions", store))
    assert store.checkpoint("reddit:live:submissions") == {
        "since": None, "walk": {"newest": position(first.ids[0]), "resume": after_of("new_1")}}

    second = Collected(store).drain(
        make(settings, lookback="12h", max_pages=1).stream_batches("submissions", store))

    assert reddit.listings(NEW)[-1]["after"] == after_of("new_1")
    assert first.ids + second.ids == recorded(NEW_PAGES, RECORDED - timedelta(hours=12))
    reddit.later = True
    third = Collected(store).drain(
        make(settings, now=LATER, max_pages=1).stream_batches("submissions", store))
    assert third.ids == recorded(["new_later"], LATER - timedelta(days=1),
                                 newer_than=position(first.ids[0]))


def test_rate_limit_keeps_stored_pages_and_the_next_run_resumes(settings, store, reddit) -> None:
    reddit.failures[(NEW, after_of("new_1"))] = rate_limited()
    matcher = Matcher(settings.brands)
    with Pipeline(settings, store, workers=1) as pipeline:
        with pytest.raises(RateLimited) as caught:
            pipeline.run_source(make(settings, watch=["KestrelGoods", "CampingGear"]))
        assert caught.value.reset_at == RECORDED + timedelta(seconds=212)
        assert "live" in str(caught.value) and "submissions" in str(caught.value)

        # Page 1 of the submissions is stored, with the checkpoint that resumes after it.
        page_1 = [post_from_thing(t) for t in things("new_1") if readable(t)]
        named = {post.id for post in page_1 if matcher.match(post)}
        stored = {row[0] for row in store.conn.execute("SELECT id FROM mentions")}
        assert named <= stored
        assert store.checkpoint("reddit:live:submissions")["walk"]["resume"] == after_of("new_1")

        reddit.requests = []
        pipeline.run_source(make(settings))  # a new client, as after the scheduler's pause

    # It went on from page 2; page 1 was not fetched again.
    assert [p.get("after") for p in reddit.listings(NEW)] == [after_of("new_1"),
                                                              after_of("new_2")]
    stored = [row[0] for row in store.conn.execute("SELECT native_id FROM mentions")]
    assert sorted(stored) == sorted(named_in_a_full_run(settings))


def test_rate_limit_without_reset_header_pauses_a_minute(settings, store, reddit) -> None:
    reddit.failures[(COMMENTS, None)] = Failure(429)
    with pytest.raises(RateLimited) as caught:
        Collected(store).drain(make(settings).stream_batches("comments", store))
    assert caught.value.reset_at == RECORDED + timedelta(seconds=60)


@pytest.mark.parametrize("status", [503, 0], ids=["503", "connection dropped"])
def test_transient_failures_are_retried_with_backoff(settings, store, reddit, status) -> None:
    waits: list[int] = []

    def wait(state: Any) -> float:
        waits.append(state.attempt_number)
        return 0.0

    # prawcore tries each request 3 times itself; a 4th failure reaches the source's own retry.
    reddit.failures[(COMMENTS, None)] = Failure(status, times=4)
    source = RedditSource("live", source_config(lookback="1h"), settings,
                          now=lambda: RECORDED, retry_wait=wait)
    got = Collected(store).drain(source.stream_batches("comments", store))
    assert got.ids == recorded(["comments_1"], RECORDED - timedelta(hours=1))
    assert waits == [1]
    assert len(reddit.listings(COMMENTS)) == 5

    reddit.failures[(COMMENTS, None)] = Failure(status, times=100)
    failed = "Reddit answered 503 3 times" if status else "Reddit request failed after 3 attempts"
    with pytest.raises(SourceError, match=f"'live' comments: {failed}") as caught:
        Collected(store).drain(make(settings).stream_batches("comments", store))
    assert not isinstance(caught.value, RateLimited)
    assert len(reddit.listings(COMMENTS)) == 5 + ATTEMPTS * 3


@pytest.mark.parametrize("answer", [
    (401, {"message": "Unauthorized", "error": 401}),  # a wrong id or secret
    (200, {"error": "invalid_grant"}),  # an app type that may not use client credentials
])
def test_refused_credentials(settings, store, reddit, answer) -> None:
    reddit.token = answer
    with pytest.raises(SourceError) as caught:
        Collected(store).drain(make(settings).stream_batches("submissions", store))
    message = str(caught.value)
    assert "refused the credentials" in message and "REDDIT_CLIENT_SECRET" in message
    assert not any(value in message for value in ENV.values())


def test_unknown_stream(settings, store, reddit) -> None:
    with pytest.raises(SourceError, match="no stream 'search:2'"):
        list(make(settings).stream_batches("search:2", store))


# -- backfill -------------------------------------------------------------------------------


def test_backfill_walks_back_to_a_date_and_resumes(settings, store, reddit) -> None:
    since = RECORDED - timedelta(hours=14)
    key = "backfill:live:submissions:2026-11-15T22:00:00Z"
    calls: list[tuple[int, datetime | None]] = []
    reddit.failures[(NEW, after_of("new_1"))] = rate_limited()
    first = Collected(store)
    with pytest.raises(RateLimited):
        first.drain(make(settings).backfill("submissions", since, store,
                                            lambda n, oldest: calls.append((n, oldest))))
    page_1 = [post_from_thing(t) for t in things("new_1") if readable(t)]
    assert calls == [(len(page_1), page_1[-1].created_at)]
    assert store.checkpoint(key)["walk"]["resume"] == after_of("new_1")

    calls.clear()
    second = Collected(store).drain(
        make(settings).backfill("submissions", since, store,
                                lambda n, oldest: calls.append((n, oldest))))

    assert first.ids + second.ids == recorded(NEW_PAGES, since)
    assert calls == [(len(second.posts), second.posts[-1].created_at)]
    assert since <= second.posts[-1].created_at < since + timedelta(minutes=10)
    assert store.checkpoint(key) == {"since": position(first.ids[0]), "walk": None}
    # The stream's own cursor is untouched.
    assert store.checkpoint("reddit:live:submissions") is None


def test_backfill_stops_where_reddit_stops_listing(settings, store, reddit, caplog) -> None:
    calls: list[tuple[int, datetime | None]] = []
    caplog.set_level(logging.INFO, logger="listener.sources.reddit")
    got = Collected(store).drain(make(settings).backfill(
        "comments", RECORDED - timedelta(days=2), store,
        lambda n, oldest: calls.append((n, oldest))))

    assert got.ids == recorded(COMMENT_PAGES, RECORDED - timedelta(days=2))
    assert [n for n, _ in calls] == [99, len(got.posts)]  # page 1 holds one malformed comment
    assert calls[-1][1] == got.posts[-1].created_at
    [line] = [r.getMessage() for r in caplog.records if r.name == "listener.sources.reddit"]
    assert "Reddit lists nothing older" in line and "2026-11-14T12:00:00Z" in line


# -- a run killed mid-walk ------------------------------------------------------------------


def test_sigkill_mid_walk_then_restart(tmp_path: Path, settings) -> None:
    db, log = tmp_path / "earful.db", tmp_path / "requests.ndjson"
    command = [sys.executable, "-m", "tests.reddit_fake", str(db), str(log)]
    env = {**os.environ, **ENV}
    child = subprocess.Popen([*command, "--pause"], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state = None
    deadline = time.monotonic() + 60
    while state is None and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
        try:
            with sqlite3.connect(db, timeout=1) as conn:
                row = conn.execute("SELECT value FROM checkpoints "
                                   "WHERE key = 'reddit:live:submissions'").fetchone()
        except sqlite3.OperationalError:
            continue  # not created yet
        if row is not None:
            state = json.loads(row[0])
            child.send_signal(signal.SIGKILL)
    child.wait()
    assert state is not None, "the run ended before the first page of submissions was stored"
    # Killed while fetching page 2: page 1 is stored with the cursor that resumes after it.
    assert state["walk"]["resume"] == after_of("new_1")
    before = len(log.read_text().splitlines())

    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)

    restart = [json.loads(line) for line in log.read_text().splitlines()[before:]]
    assert [p.get("after") for path, p in restart if path == NEW] == [after_of("new_1"),
                                                                      after_of("new_2")]
    with sqlite3.connect(db) as conn:
        stored = [row[0] for row in conn.execute("SELECT native_id FROM mentions")]
    assert sorted(stored) == sorted(named_in_a_full_run(settings))

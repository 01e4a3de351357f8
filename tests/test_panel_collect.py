"""Panel members' own posts: the ``panels`` stream of the Reddit and X sources, through the real
praw and tweepy against API responses replayed from ``tests/fixtures/panel_collect`` (see its
``make_fixtures.py``), and the member scheduling of ``listener.sources.members``.
Expectations come from the fixtures: their ids, times, cursors and authors."""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses
from prawcore.sessions import FiniteRetryStrategy
from requests import PreparedRequest
from tenacity import wait_none

from earful.config import PanelConfig, Settings, SourceConfig
from earful.errors import RateLimited
from earful.models import Post, author_accounts
from earful.store import Store
from listener.formats import ParseError
from listener.formats.reddit import post_from_thing
from listener.formats.x import posts_from_response
from listener.matching import Matcher
from listener.pipeline import Pipeline, SourceRun
from listener.scoring import Scorer
from listener.sources import Batch, members
from listener.sources.reddit import RedditSource
from listener.sources.x import EXPANSIONS, TWEET_FIELDS, USER_FIELDS, XSource
from tests.conftest import ROOT
from tests.reddit_fake import CREDENTIALS, ENV, OAUTH, TOKEN_URL
from tests.reddit_fake import load as load_reddit_http

FIXTURES = ROOT / "tests" / "fixtures" / "panel_collect"
REDDIT_NOW = datetime(2026, 11, 16, 12, tzinfo=UTC)  # when the Reddit listings were recorded
X_NOW = datetime(2026, 11, 10, 12, tzinfo=UTC)  # when the X responses were
X_TOKEN = "AAAAAAAAAAAAAAAAAAAAAtestbearer%2Fnot-a-real-one"
X_API = "https://api.twitter.com/2"

# Panels besides the config's `vip` (x:@chloechen64, x:@theemmabrooks, reddit:u/switchback_sally,
# reddit:u/trail_mix_88). Members are written as people type them; the config keys them.
CREW = PanelConfig(name="trail-crew", description="the trail running crew", members=[
    "reddit:u/Juniper_Jay", "reddit:u/quiet_ridge", "reddit:u/gone_walkabout", "x:@runner_jo",
    "x:1850000000000000001", "x:@ghost_hiker", "x:@Banned_Ben"])
SIX = PanelConfig(name="six", members=[
    "reddit:u/trail_mix_88", "reddit:u/juniper_jay", "reddit:u/quiet_ridge",
    "reddit:u/switchback_sally", "reddit:u/mossback_mo", "reddit:u/lowtide_lena"])
# Not collected: no source reads these members' posts.
PRESS = PanelConfig(name="press", collect=False, members=["reddit:u/press_desk",
                                                           "x:@press_desk"])
GONE = "gone_walkabout"  # Reddit answers 404 for this user's listings
# Every Reddit member a source following "*" reads, and their listing pages.
REDDIT_PAGES = {
    "juniper_jay": {"submitted": ["1"], "comments": ["1"]},
    "lowtide_lena": {"submitted": ["1"], "comments": ["1"]},
    "mossback_mo": {"submitted": ["1"], "comments": ["1"]},
    "quiet_ridge": {"submitted": ["1"], "comments": ["1"]},
    "switchback_sally": {"submitted": ["1"], "comments": ["1"]},
    "trail_mix_88": {"submitted": ["1", "2"], "comments": ["1"]},
}
# X: the members a source following "*" reads, by user id, and the handles X does not know.
X_USERS = {"1850000000000000001": "x:1850000000000000001", "1498765432109876543": "x:chloechen64",
           "1712345678901234561": "x:runner_jo", "1390011223344556677": "x:theemmabrooks"}
X_FIRST_PAGES = {"1850000000000000001": "x_timeline_1850000000000000001_p1",
                 "1498765432109876543": "x_timeline_chloechen64_p1",
                 "1712345678901234561": "x_timeline_runner_jo_p1",
                 "1390011223344556677": "x_timeline_theemmabrooks_p1"}
JO = "1712345678901234561"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def panel_settings(settings: Settings) -> Settings:
    """The repository config's vip panel, the test panels, and two live sources following every
    panel (the recorded HTTP serves these panels' members)."""
    sources = {
        **settings.sources,
        "reddit-panels": SourceConfig(type="reddit", credentials=CREDENTIALS, panels=["*"],
                                      interval="10m", panel_every="1h"),
        "x-panels": SourceConfig(type="x", credentials={"bearer_token": "X_BEARER_TOKEN"},
                                 panels=["*"], interval="10m", panel_every="1h"),
    }
    vip = [panel for panel in settings.panels if panel.name == "vip"]
    return settings.model_copy(update={"panels": [*vip, CREW, SIX, PRESS],
                                       "sources": sources})


@pytest.fixture(scope="module")
def scorer(panel_settings: Settings) -> Scorer:
    return Scorer(panel_settings)


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("X_BEARER_TOKEN", X_TOKEN)
    monkeypatch.setattr(FiniteRetryStrategy, "sleep", lambda self: None)


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def stored(store: Store) -> list[str]:
    return sorted(row[0] for row in store.conn.execute("SELECT native_id FROM mentions"))


def run(pipeline: Pipeline, batches: Iterable[Batch], name: str) -> SourceRun:
    result = SourceRun(name)
    for batch in pipeline.process_batches(batches, source=name):
        result.add(batch)
    return result


def expected_panels(settings: Settings, platform: str, handle: str | None,
                    author_id: str | None) -> set[str]:
    keys = set(author_accounts(platform, handle, author_id))
    return {panel.name for panel in settings.panels if keys & set(panel.members)}


def check_tags(store: Store, settings: Settings, posts: list[Post]) -> None:
    """Each stored post carries its author's panels, and is panel-only exactly when it names
    no brand."""
    matcher = Matcher(settings.brands)
    tags: dict[str, set[str]] = {}
    for mention_id, panel in store.conn.execute("SELECT mention_id, panel FROM mention_panels"):
        tags.setdefault(mention_id, set()).add(panel)
    panel_only = dict(store.conn.execute("SELECT id, panel_only FROM mentions"))
    assert len(posts) == len(panel_only)
    for post in posts:
        assert post.author is not None
        wanted = expected_panels(settings, post.platform, post.author.handle, post.author.id)
        assert wanted and tags.get(post.id) == wanted, post.id
        assert bool(panel_only[post.id]) == (not matcher.match(post)), post.id
    assert 0 < sum(panel_only.values()) < len(posts)  # most name no brand, some do


# -- the member schedule --------------------------------------------------------------------------


def test_due_members_spread_over_the_runs() -> None:
    now = datetime(2026, 11, 16, 12, tzinfo=UTC)
    hour = timedelta(hours=1)
    never = {f"m{i}": None for i in range(6)}
    # ceil(6 × 10 min / 60 min) = 1 a run; never visited in the given order.
    assert members.due(never, now, every=3600, interval=600) == ["m0"]
    assert members.due({**never, "m6": None}, now, every=3600, interval=600) == ["m0", "m1"]
    assert len(members.due({f"m{i}": None for i in range(100)}, now, every=3600,
                           interval=300)) == math.ceil(100 * 300 / 3600) == 9
    # A run at least as long as `every` visits everyone.
    assert members.due(never, now, every=600, interval=900) == list(never)

    visits = {"a": now - 2 * hour, "b": None, "c": now - hour, "d": now - 3 * hour,
              "e": now - timedelta(minutes=20)}
    # Never visited first, then the longest unvisited; "e" is not due.
    assert members.due(visits, now, every=3600, interval=3600) == ["b", "d", "a", "c"]
    assert members.due(visits, now, every=3600, interval=600) == ["b"]
    # A run that starts a few seconds early (jitter) still finds a member due on the hour.
    early = {"a": now - hour + timedelta(seconds=20)}
    assert members.due(early, now, every=3600, interval=600) == ["a"]
    assert members.due({"a": now - timedelta(minutes=50)}, now, every=3600, interval=600) == []
    assert members.oldest_first(visits) == ["b", "d", "a", "c", "e"]


def test_last_visit_needs_every_walk_done() -> None:
    done = {"since": 5, "walk": None, "visited": "2026-11-16T11:00:00Z"}
    later = {"since": 9, "walk": None, "visited": "2026-11-16T11:30:00Z"}
    going = {"since": None, "walk": {"newest": 4, "resume": "t3_x"}}
    assert members.last_visit([done, later]) == datetime(2026, 11, 16, 11, tzinfo=UTC)
    assert members.last_visit([done, going]) is None
    assert members.last_visit([done, None]) is None


# -- Reddit ---------------------------------------------------------------------------------------


@dataclass
class RedditUsers:
    """Reddit's user listings replayed from the fixtures (with the application-only token
    exchange), page after page by their ``after`` cursors."""

    later: bool = False  # serve the listings as they were an hour later
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    def install(self, mock: responses.RequestsMock) -> RedditUsers:
        mock.add_callback(responses.POST, TOKEN_URL, callback=self._token)
        mock.add_callback(responses.GET, re.compile(re.escape(OAUTH) + "/"),
                          callback=self._listing)
        return self

    def asked(self, name: str | None = None, kind: str | None = None) -> list[dict[str, str]]:
        return [params for user, listing, params in self.requests
                if (name is None or user == name) and (kind is None or listing == kind)]

    def users(self) -> list[str]:
        return list(dict.fromkeys(user for user, _, _ in self.requests))

    def _token(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        return 200, {"content-type": "application/json"}, json.dumps(
            load_reddit_http("access_token"))

    def _listing(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        url = urlsplit(request.url or "")
        params = dict(parse_qsl(url.query))
        found = re.fullmatch(r"/user/([^/]+)/(submitted|comments)/?", url.path)
        if found is None:
            self.unexpected.append(request.url or "")
            return 404, {}, json.dumps({"message": "Not Found", "error": 404})
        name, kind = found.groups()
        self.requests.append((name, kind, params))
        assert params["sort"] == "new" and params["limit"] == "100", params
        headers = {"content-type": "application/json; charset=UTF-8",
                   "x-ratelimit-used": str(len(self.requests)),
                   "x-ratelimit-remaining": f"{1000 - len(self.requests):.1f}",
                   "x-ratelimit-reset": "412"}
        if name == GONE:
            return 404, headers, json.dumps(load("reddit_user_not_found"))
        page = self._page(name, kind, params.get("after"))
        if page is None:
            self.unexpected.append(request.url or "")
            return 404, {}, json.dumps({"message": "Not Found", "error": 404})
        return 200, headers, json.dumps(load(page))

    def _page(self, name: str, kind: str, after: str | None) -> str | None:
        numbers = REDDIT_PAGES.get(name, {}).get(kind)
        if numbers is None:
            return None
        chain = [f"reddit_{name}_{kind}_{number}" for number in numbers]
        if self.later and (FIXTURES / f"reddit_{name}_{kind}_later.json").exists():
            chain = [f"reddit_{name}_{kind}_later"]  # the walk stops on it at the cursor
        cursors = {None: chain[0]}
        cursors.update({load(page)["data"]["after"]: nxt for page, nxt in pairwise(chain)})
        return cursors.get(after)


@pytest.fixture
def reddit() -> Iterator[RedditUsers]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake = RedditUsers().install(mock)
        yield fake
        assert not fake.unexpected, f"requests nothing was recorded for: {fake.unexpected}"


def reddit_source(settings: Settings, clock: Clock | None = None, **options: Any
                  ) -> RedditSource:
    config = settings.sources["reddit-panels"].model_copy(update=options)
    return RedditSource("reddit-panels", config, settings, now=clock or Clock(REDDIT_NOW),
                        retry_wait=wait_none())


def reddit_things(name: str, kind: str, pages: Iterable[str] = ("1",)) -> list[dict[str, Any]]:
    return [child for page in pages
            for child in load(f"reddit_{name}_{kind}_{page}")["data"]["children"]]


def readable(thing: dict[str, Any]) -> bool:
    try:
        post_from_thing(thing)
    except ParseError:
        return False
    return True


def reddit_reach(floor: datetime, *, later: bool = False) -> dict[str, dict[str, Any]]:
    """The readable things a walk of every member's listings down to ``floor`` reaches."""
    reached = {}
    for name, kinds in REDDIT_PAGES.items():
        for kind, pages in kinds.items():
            names = ["later"] if later and (
                FIXTURES / f"reddit_{name}_{kind}_later.json").exists() else pages
            for thing in reddit_things(name, kind, names):
                if thing["data"]["created_utc"] >= floor.timestamp() and readable(thing):
                    reached[thing["data"]["name"]] = thing
    return reached


def position(fullname: str) -> int:
    return int(fullname[3:], 36)


def test_streams(panel_settings, reddit) -> None:
    assert reddit_source(panel_settings).streams == ["panels"]
    assert reddit_source(panel_settings, watch=["CampingGear"], queries=["Trovia"]).streams == [
        "search:0", "submissions", "comments", "panels"]
    assert reddit_source(panel_settings, panels=[], watch=["CampingGear"]).streams == [
        "submissions", "comments"]
    assert reddit.requests == []


def test_reddit_members_posts_are_stored_and_tagged(panel_settings, store, scorer, reddit,
                                                    caplog) -> None:
    caplog.set_level(logging.WARNING)
    source = reddit_source(panel_settings)
    with Pipeline(panel_settings, store, scorer=scorer, workers=1) as pipeline:
        result = pipeline.run_source(source)

    floor = REDDIT_NOW - timedelta(days=1)  # the default lookback
    reached = reddit_reach(floor)
    assert stored(store) == sorted(reached)
    assert result.new == len(reached) and result.panel_only > 0
    check_tags(store, panel_settings, [post_from_thing(thing) for thing in reached.values()])

    # Every collected member was read, each listing from the top; `press` does not collect.
    assert sorted(reddit.users()) == sorted([*REDDIT_PAGES, GONE])
    for name in REDDIT_PAGES:
        assert reddit.asked(name, "comments") == [{"sort": "new", "limit": "100",
                                                   "raw_json": "1"}]
    # trail_mix_88's submissions: two pages, stopped at the lookback on the second.
    page_1 = load("reddit_trail_mix_88_submitted_1")["data"]["after"]
    assert [p.get("after") for p in reddit.asked("trail_mix_88", "submitted")] == [None, page_1]
    trail = reddit_things("trail_mix_88", "submitted", ["1", "2"])
    assert 100 < sum(t["data"]["name"] in reached for t in trail) < len(trail)
    assert source.member_key("trail_mix_88", "submitted") == \
        "reddit:reddit-panels:member:trail_mix_88:submitted"
    assert store.checkpoint(source.member_key("trail_mix_88", "submitted")) == {
        "since": position(trail[0]["data"]["name"]), "walk": None,
        "visited": "2026-11-16T12:00:00Z"}
    comments = reddit_things("trail_mix_88", "comments")
    assert store.checkpoint(source.member_key("trail_mix_88", "comments"))["since"] == \
        position(comments[0]["data"]["name"])
    # A member with no submissions has a finished walk and no cursor yet.
    assert store.checkpoint(source.member_key("quiet_ridge", "submitted")) == {
        "since": None, "walk": None, "visited": "2026-11-16T12:00:00Z"}

    # The malformed comment is reported where it stands; the rest of its page is stored.
    bad = [i for i, t in enumerate(reddit_things("juniper_jay", "comments"), 1)
           if t["data"]["body"] is None]
    assert [(p.path, p.line) for p in result.problems] == [
        ("https://oauth.reddit.com/user/juniper_jay/comments/", bad[0])]

    # The 404 member: skipped with one warning, asked once, the others collected.
    assert reddit.asked(GONE) == [{"sort": "new", "limit": "100", "raw_json": "1"}]
    warnings = [r.getMessage() for r in caplog.records if GONE in r.getMessage()]
    assert len(warnings) == 1
    assert "reddit:gone_walkabout" in warnings[0] and "404" in warnings[0]
    for kind in ("submitted", "comments"):
        state = store.checkpoint(source.member_key(GONE, kind))
        assert state["visited"] == "2026-11-16T12:00:00Z" and "404" in state["skipped"]


def test_reddit_rerun_adds_only_new_posts(panel_settings, store, scorer, reddit) -> None:
    clock = Clock(REDDIT_NOW)
    with Pipeline(panel_settings, store, scorer=scorer, workers=1) as pipeline:
        pipeline.run_source(reddit_source(panel_settings, clock))
        first = stored(store)

        # The same listings again: nothing new, and only each listing's first page is asked.
        reddit.requests.clear()
        clock.moment = REDDIT_NOW + timedelta(minutes=30)
        again = pipeline.run_source(reddit_source(panel_settings, clock))
        assert again.new == 0 and stored(store) == first
        assert all("after" not in params for params in reddit.asked())
        assert len(reddit.asked()) == 2 * len(REDDIT_PAGES) + 1  # + the 404 member's one

        # An hour later: exactly the posts that appeared since.
        reddit.requests.clear()
        reddit.later, clock.moment = True, REDDIT_NOW + timedelta(hours=1)
        later = pipeline.run_source(reddit_source(panel_settings, clock))

    earlier = reddit_reach(REDDIT_NOW - timedelta(days=1))
    new = {name for name in reddit_reach(REDDIT_NOW, later=True) if name not in earlier}
    new_submissions = [t["data"]["name"] for t in reddit_things("trail_mix_88", "submitted",
                                                                ["later"])
                       if t["data"]["created_utc"] > REDDIT_NOW.timestamp()]
    new_comments = [t["data"]["name"] for t in reddit_things("juniper_jay", "comments", ["later"])
                    if t["data"]["created_utc"] > REDDIT_NOW.timestamp()]
    assert len(new_submissions) == 3 and len(new_comments) == 2
    assert new == {*new_submissions, *new_comments}
    assert later.new == len(new) and stored(store) == sorted({*first, *new})
    assert all("after" not in params for params in reddit.asked())


def test_reddit_run_killed_mid_member_resumes_without_gap(panel_settings, store, scorer,
                                                          reddit) -> None:
    source = reddit_source(panel_settings)
    key = source.member_key("trail_mix_88", "submitted")
    page_1 = load("reddit_trail_mix_88_submitted_1")["data"]["after"]
    with Pipeline(panel_settings, store, scorer=scorer, workers=1) as pipeline:
        batches = source.batches(store)
        for _ in pipeline.process_batches(batches, source=source.name):
            if (store.checkpoint(key) or {}).get("walk"):
                break  # killed once trail_mix_88's first page is stored
        batches.close()
        killed = stored(store)
        # Mid-walk: the cursor resumes below page 1, and the member is not marked visited.
        assert store.checkpoint(key) == {"since": None, "walk": {
            "newest": position(reddit_things("trail_mix_88", "submitted")[0]["data"]["name"]),
            "resume": page_1}}

        reddit.requests.clear()
        resumed = pipeline.run_source(reddit_source(panel_settings))

    reached = reddit_reach(REDDIT_NOW - timedelta(days=1))
    assert stored(store) == sorted(reached)
    assert resumed.new == len(reached) - len(killed)  # nothing twice
    # The unfinished member goes first, and goes on below its last stored page.
    assert reddit.users()[0] == "trail_mix_88"
    assert [p.get("after") for p in reddit.asked("trail_mix_88", "submitted")] == [page_1]
    assert store.checkpoint(key)["visited"] == "2026-11-16T12:00:00Z"


def test_scheduled_runs_visit_each_member_once_per_panel_every(panel_settings, store, scorer,
                                                               reddit) -> None:
    clock = Clock(REDDIT_NOW)
    source = reddit_source(panel_settings, clock, panels=["six"])
    config = source.config
    assert (config.interval, config.panel_every) == (600, 3600)
    six = sorted(members.handle(account) for account in SIX.members)  # reddit:NAME
    per_run = math.ceil(len(six) * config.interval / config.panel_every)
    assert per_run == 1

    visited: list[list[str]] = []
    with Pipeline(panel_settings, store, scorer=scorer, workers=1) as pipeline:
        for step in range(7):
            clock.moment = REDDIT_NOW + step * timedelta(seconds=config.interval)
            reddit.requests.clear()
            run(pipeline, source.stream_batches("panels", store), source.name)
            visited.append(reddit.users())

    # Six runs in an hour: each member once, never-visited ones in order.
    assert visited[:6] == [[name] for name in six]
    # The seventh, an hour after the first: the first member is due again, read from its
    # cursors (one request per listing, nothing older asked).
    assert visited[6] == [six[0]]
    assert [p.get("after") for p in reddit.asked(six[0])] == [None, None]
    for step, name in enumerate(six[1:], start=1):
        at = REDDIT_NOW + step * timedelta(seconds=config.interval)
        assert members.last_visit([store.checkpoint(source.member_key(name, kind))
                                   for kind in ("submitted", "comments")]) == at


def test_one_shot_run_visits_every_member_regardless(panel_settings, store, scorer,
                                                     reddit) -> None:
    clock = Clock(REDDIT_NOW)
    source = reddit_source(panel_settings, clock, panels=["six"])
    with Pipeline(panel_settings, store, scorer=scorer, workers=1) as pipeline:
        run(pipeline, source.stream_batches("panels", store), source.name)
        clock.moment += timedelta(minutes=1)
        reddit.requests.clear()
        pipeline.run_source(source)  # `listen --once`: everyone, though just visited
    assert sorted(reddit.users()) == sorted(REDDIT_PAGES)


def test_reddit_panels_backfill(panel_settings, store, reddit) -> None:
    source = reddit_source(panel_settings, panels=["trail-crew"])
    since = REDDIT_NOW - timedelta(hours=30)
    posts = []
    for batch in source.backfill("panels", since, store):
        posts.extend(batch.posts)
        store.set_checkpoint(*batch.checkpoint)
    assert sorted(reddit.users()) == ["gone_walkabout", "juniper_jay", "quiet_ridge"]
    expected = [t["data"]["name"] for name in ("juniper_jay", "quiet_ridge")
                for kind in ("submitted", "comments") for t in reddit_things(name, kind)
                if readable(t) and t["data"]["created_utc"] >= since.timestamp()]
    assert sorted(post.native_id for post in posts) == sorted(expected)
    key = "backfill:reddit-panels:member:juniper_jay:comments:2026-11-15T06:00:00Z"
    assert store.checkpoint(key)["walk"] is None
    assert store.checkpoint(source.member_key("juniper_jay", "comments")) is None


# -- X --------------------------------------------------------------------------------------------
MATCHED = ("usernames", "pagination_token", "since_id", "until_id")


@dataclass
class FakeX:
    """X's API answering the requests the test lists, by path and cursor parameters."""

    answers: dict[tuple[str, frozenset[tuple[str, str]]], str] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    def serve(self, name: str, *, user: str | None = None, **params: str) -> None:
        """Answer with the recorded response ``name`` the request it records (or, for the
        generic ones, ``user``'s timeline asked with ``params``)."""
        request = load(name)["request"]
        url = request["url"].replace(":id", user) if user else request["url"]
        wanted = params or request["params"]
        self.answers[(urlsplit(url).path, frozenset(wanted.items()))] = name

    def timeline_calls(self, user: str) -> list[dict[str, str]]:
        return [params for path, params in self.calls if path == f"/2/users/{user}/tweets"]

    def lookups(self) -> list[dict[str, str]]:
        return [params for path, params in self.calls if path == "/2/users/by"]

    def answer(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        url = urlsplit(request.url or "")
        params = dict(parse_qsl(url.query))
        self.calls.append((url.path, params))
        assert request.headers["Authorization"] == f"Bearer {X_TOKEN}"
        wanted = frozenset((key, value) for key, value in params.items() if key in MATCHED)
        name = self.answers.get((url.path, wanted))
        if name is None:
            self.unexpected.append(request.url or "")
            return 404, {}, json.dumps({"title": "Not Found Error", "status": 404})
        record = load(name)
        return record["status"], record["headers"], json.dumps(record["body"])


@pytest.fixture
def x_api() -> Iterator[FakeX]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake = FakeX()
        mock.add_callback(responses.GET, re.compile(re.escape(X_API) + "/users/"),
                          callback=fake.answer)
        yield fake
        assert not fake.unexpected, f"requests nothing was recorded for: {fake.unexpected}"


def x_source(settings: Settings, clock: Clock | None = None, **options: Any) -> XSource:
    config = settings.sources["x-panels"].model_copy(update=options)
    return XSource("x-panels", config, settings, now=clock or Clock(X_NOW), wait=wait_none())


def tweets(*names: str) -> list[Post]:
    return [post for name in names for post in posts_from_response(load(name)["body"])
            if not isinstance(post, ParseError)]


def newest(name: str) -> str:
    return load(name)["body"]["meta"]["newest_id"]


def serve_first_run(x_api: FakeX) -> None:
    x_api.serve("x_users_by")
    for page in X_FIRST_PAGES.values():
        x_api.serve(page)
    x_api.serve("x_timeline_runner_jo_p2")


def serve_nothing_newer(x_api: FakeX, *, but: str | None = None) -> None:
    for user, page in X_FIRST_PAGES.items():
        if user != but:
            x_api.serve("x_timeline_empty", user=user, since_id=newest(page))


def first_run_tweets() -> list[Post]:
    return tweets(*X_FIRST_PAGES.values(), "x_timeline_runner_jo_p2")


def test_x_members_timelines_are_stored_and_tagged(panel_settings, store, scorer, x_api,
                                                   caplog) -> None:
    caplog.set_level(logging.WARNING)
    serve_first_run(x_api)
    source = x_source(panel_settings)
    assert source.streams == ["panels"]
    with Pipeline(panel_settings, store, scorer=scorer, workers=1) as pipeline:
        result = pipeline.run_source(source)

    expected = first_run_tweets()
    assert stored(store) == sorted(post.native_id for post in expected)
    assert result.new == len(expected)
    check_tags(store, panel_settings, expected)

    # One lookup for the handles (the member listed by id needs none; `press` is not read).
    assert x_api.lookups() == [{"usernames": load("x_users_by")["request"]["params"]
                                ["usernames"]}]
    assert store.checkpoint("x:x-panels:member-ids") == {
        "ids": {"chloechen64": "1498765432109876543", "runner_jo": JO,
                "theemmabrooks": "1390011223344556677"},
        "unknown": {"banned_ben": "2026-11-10T12:00:00Z", "ghost_hiker": "2026-11-10T12:00:00Z"}}
    skipped = [r.getMessage() for r in caplog.records if "skipped panel member" in r.getMessage()]
    assert len(skipped) == 2
    assert "x:banned_ben" in skipped[0] and "suspended" in skipped[0]
    assert "x:ghost_hiker" in skipped[1] and "Could not find" in skipped[1]

    # Each timeline as search is asked: the same fields, back to the lookback, newest first.
    for user in X_USERS:
        first = x_api.timeline_calls(user)[0]
        assert first["start_time"] == "2026-11-09T12:00:00Z"
        assert "since_id" not in first and "until_id" not in first
        assert first["max_results"] == "100"
        assert first["tweet.fields"] == ",".join(TWEET_FIELDS)
        assert first["user.fields"] == ",".join(USER_FIELDS)
        assert first["expansions"] == ",".join(EXPANSIONS)
        assert store.checkpoint(source.member_key(user)) == {
            "since": int(newest(X_FIRST_PAGES[user])), "walk": None,
            "visited": "2026-11-10T12:00:00Z"}
    # runner_jo's second page by the first page's token.
    assert [call.get("pagination_token") for call in x_api.timeline_calls(JO)] == [
        None, load("x_timeline_runner_jo_p1")["body"]["meta"]["next_token"]]


def test_x_rerun_asks_only_for_newer_tweets(panel_settings, store, scorer, x_api) -> None:
    serve_first_run(x_api)
    clock = Clock(X_NOW)
    with Pipeline(panel_settings, store, scorer=scorer, workers=1) as pipeline:
        pipeline.run_source(x_source(panel_settings, clock))
        first = stored(store)

        # Nothing newer: nothing added, each timeline asked above its cursor, no lookup.
        x_api.calls.clear()
        serve_nothing_newer(x_api)
        clock.moment = X_NOW + timedelta(minutes=10)
        again = pipeline.run_source(x_source(panel_settings, clock))
        assert again.new == 0 and stored(store) == first
        assert x_api.lookups() == []
        for user, page in X_FIRST_PAGES.items():
            [call] = x_api.timeline_calls(user)
            assert call["since_id"] == newest(page)
            assert "start_time" not in call and "until_id" not in call

        # runner_jo posted twice since: exactly those are added.
        x_api.calls.clear()
        x_api.serve("x_timeline_runner_jo_newer")
        clock.moment = X_NOW + timedelta(minutes=30)
        later = pipeline.run_source(x_source(panel_settings, clock))

    newer = tweets("x_timeline_runner_jo_newer")
    assert len(newer) == 2 and all(post.created_at > X_NOW for post in newer)
    assert later.new == 2
    assert stored(store) == sorted([*first, *(post.native_id for post in newer)])
    assert x_api.timeline_calls(JO) == [{**x_api.timeline_calls(JO)[0],
                                         "since_id": newest("x_timeline_runner_jo_p1")}]
    assert store.checkpoint(x_source(panel_settings).member_key(JO))["since"] == \
        int(newest("x_timeline_runner_jo_newer"))


def test_x_rate_limit_mid_run_keeps_finished_members_and_resumes(panel_settings, store, scorer,
                                                                  x_api) -> None:
    serve_first_run(x_api)
    token = load("x_timeline_runner_jo_p1")["body"]["meta"]["next_token"]
    x_api.serve("x_rate_limited", user=JO, pagination_token=token)  # instead of page 2
    source = x_source(panel_settings)
    with Pipeline(panel_settings, store, scorer=scorer, workers=1) as pipeline:
        with pytest.raises(RateLimited) as limited:
            pipeline.run_source(source)
        reset = int(load("x_rate_limited")["headers"]["x-rate-limit-reset"])
        assert limited.value.reset_at == datetime.fromtimestamp(reset, UTC)
        assert "panels" in str(limited.value) and "x:runner_jo" in str(limited.value)

        # Members are read in account order: the one listed by id, chloechen64, runner_jo...
        done = tweets("x_timeline_1850000000000000001_p1", "x_timeline_chloechen64_p1",
                      "x_timeline_runner_jo_p1")
        assert stored(store) == sorted(post.native_id for post in done)
        assert x_api.timeline_calls("1390011223344556677") == []  # theemmabrooks: not reached
        for user in ("1850000000000000001", "1498765432109876543"):
            assert store.checkpoint(source.member_key(user))["visited"] == "2026-11-10T12:00:00Z"
        oldest = load("x_timeline_runner_jo_p1")["body"]["meta"]["oldest_id"]
        assert store.checkpoint(source.member_key(JO)) == {
            "since": None, "walk": {"newest": int(newest("x_timeline_runner_jo_p1")),
                                    "resume": oldest}}

        # After the pause: runner_jo goes on below its stored page, then the member never read.
        x_api.calls.clear()
        x_api.serve("x_timeline_runner_jo_p2", user=JO, until_id=oldest)
        serve_nothing_newer(x_api, but=JO)
        resumed = pipeline.run_source(x_source(panel_settings, Clock(X_NOW + timedelta(
            minutes=15))))

    assert [path.split("/")[3] for path, _ in x_api.calls[:2]] == [JO, "1390011223344556677"]
    [call] = x_api.timeline_calls(JO)
    assert "pagination_token" not in call and "since_id" not in call
    everything = first_run_tweets()
    assert stored(store) == sorted(post.native_id for post in everything)
    assert resumed.new == len(everything) - len(done)


def test_x_handles_x_does_not_know_are_asked_again_only_when_due(panel_settings, store,
                                                                 x_api) -> None:
    serve_first_run(x_api)
    clock = Clock(X_NOW)
    source = x_source(panel_settings, clock)

    def scheduled_run() -> list[Batch]:
        batches = list(source.stream_batches("panels", store))
        for batch in batches:
            if batch.checkpoint is not None:
                store.set_checkpoint(*batch.checkpoint)
        return batches

    scheduled_run()  # ceil(4 × 10 min / 1 h) = 1 member a run
    assert len(x_api.lookups()) == 1
    assert [path for path, _ in x_api.calls[1:]] == ["/2/users/1850000000000000001/tweets"]

    x_api.calls.clear()
    clock.moment = X_NOW + timedelta(minutes=10)
    scheduled_run()
    assert x_api.lookups() == []  # known ids are remembered, unknown handles not yet due
    assert [path for path, _ in x_api.calls] == ["/2/users/1498765432109876543/tweets"]

    x_api.calls.clear()
    x_api.serve("x_users_by_unknown")
    clock.moment = X_NOW + timedelta(minutes=60)
    scheduled_run()
    # An hour on, X is asked again about the handles it did not know (only those).
    assert x_api.lookups() == [{"usernames": "banned_ben,ghost_hiker"}]
    # Members never visited come before the one visited an hour ago.
    assert [path for path, _ in x_api.calls[1:]] == [f"/2/users/{JO}/tweets"] * 2
    assert store.checkpoint("x:x-panels:member-ids")["unknown"] == {
        "banned_ben": "2026-11-10T13:00:00Z", "ghost_hiker": "2026-11-10T13:00:00Z"}


def test_x_member_suspended_since_lookup_is_skipped(panel_settings, store, scorer, x_api,
                                                    caplog) -> None:
    caplog.set_level(logging.WARNING)
    serve_first_run(x_api)
    x_api.serve("x_timeline_suspended")  # instead of its first page
    source = x_source(panel_settings)
    with Pipeline(panel_settings, store, scorer=scorer, workers=1) as pipeline:
        result = pipeline.run_source(source)

    others = tweets("x_timeline_chloechen64_p1", "x_timeline_runner_jo_p1",
                    "x_timeline_runner_jo_p2", "x_timeline_theemmabrooks_p1")
    assert result.error is None and stored(store) == sorted(p.native_id for p in others)
    [warning] = [r.getMessage() for r in caplog.records
                 if "x:1850000000000000001" in r.getMessage()]
    assert "skipped panel member" in warning and "suspended" in warning
    state = store.checkpoint(source.member_key("1850000000000000001"))
    assert state["visited"] == "2026-11-10T12:00:00Z" and "suspended" in state["skipped"]

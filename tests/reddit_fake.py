"""Reddit's OAuth API replayed from ``tests/fixtures/reddit_http`` with ``responses``.

The real praw and prawcore code runs against it: the application-only token exchange, then
listings served by their ``after`` cursor, with Reddit's rate-limit headers on every answer.
Run as a script it collects into a store, for the test that SIGKILLs it mid-run::

    python -m tests.reddit_fake DB REQUEST_LOG [--pause]
"""

from __future__ import annotations

import base64
import json
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
import responses
from requests import PreparedRequest
from tenacity import wait_none

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "reddit_http"
RECORDED = datetime(2026, 11, 16, 12, tzinfo=UTC)  # when the listings were "recorded"
LATER = datetime(2026, 11, 16, 13, tzinfo=UTC)  # when new_later.json was
WATCH = ["KestrelGoods", "CampingGear"]
QUERIES = ['"Kestrel Goods" OR KestrelGoods OR "Kestrel Plus"', "Trovia",
           "platform:x @KestrelGoods"]  # the last can never match on Reddit: no stream
ENV = {"REDDIT_CLIENT_ID": "p-jcoLKBynTLew", "REDDIT_CLIENT_SECRET": "gko_LXELoV07ZBNUXrvWZfzE3aI",
       "REDDIT_USER_AGENT": "linux:earful-tests:0.1 (by u/earful_dev)"}
CREDENTIALS = {"client_id": "REDDIT_CLIENT_ID", "client_secret": "REDDIT_CLIENT_SECRET",
               "user_agent": "REDDIT_USER_AGENT"}
TOKEN_URL = "https://www.reddit.com/api/v1/access_token"
OAUTH = "https://oauth.reddit.com"
NEW = "/r/KestrelGoods+CampingGear/new"
COMMENTS = "/r/KestrelGoods+CampingGear/comments/"
# What Reddit's search gets for each configured query (Query.to_reddit of QUERIES).
SEARCHES = {'"kestrel goods" OR kestrelgoods OR "kestrel plus"': "search_kestrel",
            "trovia": "search_trovia"}


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def after_of(name: str) -> str:
    """The ``after`` cursor a recorded page hands on: its last thing's fullname."""
    return load(name)["data"]["after"]


def things(*names: str) -> list[dict[str, Any]]:
    return [child for name in names for child in load(name)["data"]["children"]]


@dataclass
class Failure:
    """Answer a request with ``status`` instead of the page, ``times`` times (status 0: the
    connection drops)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1


@dataclass
class FakeReddit:
    later: bool = False  # serve the listings as they were an hour after RECORDED
    token: tuple[int, dict[str, Any]] | None = None  # answer the token exchange with this
    failures: dict[tuple[str, str | None], Failure] = field(default_factory=dict)
    pause: dict[tuple[str, str | None], float] = field(default_factory=dict)
    log: Path | None = None  # append each request as a JSON line (survives a SIGKILL)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    tokens: int = 0
    used: int = 0

    def install(self, mock: responses.RequestsMock) -> FakeReddit:
        mock.add_callback(responses.POST, TOKEN_URL, callback=self._token)
        mock.add_callback(responses.GET, re.compile(re.escape(OAUTH) + "/"), callback=self._listing)
        return self

    def listings(self, path: str) -> list[dict[str, str]]:
        """The params of each request made for ``path``, in order."""
        return [params for requested, params in self.requests if requested == path]

    def _token(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        self.tokens += 1
        form = dict(parse_qsl(str(request.body)))
        basic = request.headers.get("Authorization", "")
        client = base64.b64decode(basic.removeprefix("Basic ")).decode()
        assert form == {"grant_type": "client_credentials"}, form
        assert client == f"{ENV['REDDIT_CLIENT_ID']}:{ENV['REDDIT_CLIENT_SECRET']}"
        status, body = self.token or (200, load("access_token"))
        return status, {"content-type": "application/json; charset=UTF-8"}, json.dumps(body)

    def _listing(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        url = urlsplit(request.url or "")
        params = dict(parse_qsl(url.query))
        self.requests.append((url.path, params))
        if self.log is not None:
            with self.log.open("a") as out:
                out.write(json.dumps([url.path, params]) + "\n")
        assert request.headers["Authorization"] == f"bearer {load('access_token')['access_token']}"
        assert request.headers["User-Agent"].startswith(ENV["REDDIT_USER_AGENT"])
        where = (url.path, params.get("after"))
        if where in self.pause:
            time.sleep(self.pause[where])
        failure = self.failures.get(where)
        if failure is not None and failure.times > 0:
            failure.times -= 1
            if failure.status == 0:
                raise requests.ConnectionError("('Connection aborted.', RemoteDisconnected())")
            body = load("too_many_requests") if failure.status == 429 else {
                "message": "Service Unavailable", "error": failure.status}
            return failure.status, failure.headers, json.dumps(body)
        page = self._page(url.path, params)
        if page is None:
            self.unexpected.append(request.url or "")
            return 404, {}, json.dumps({"message": "Not Found", "error": 404})
        self.used += 1
        headers = {"content-type": "application/json; charset=UTF-8",
                   "x-ratelimit-used": str(self.used),
                   "x-ratelimit-remaining": f"{1000 - self.used:.1f}",
                   "x-ratelimit-reset": "412"}
        return 200, headers, json.dumps(load(page))

    def _page(self, path: str, params: dict[str, str]) -> str | None:
        if path.endswith("/search/"):
            chain = [SEARCHES.get(params.get("q", ""), "")]
        elif path == NEW:
            chain = ["new_later" if self.later else "new_1", "new_2", "new_3"]
        elif path == COMMENTS:
            chain = ["comments_1", "comments_2"]
        else:
            return None
        # Page n+1 is the one that starts after page n's cursor; new_later's next page is not
        # recorded (a walk that reaches the cursor never asks for it).
        cursors = {None: chain[0], **{after_of(name): nxt for name, nxt in pairwise(chain)}}
        return cursors.get(params.get("after")) or None


def source_config(**options: Any) -> Any:
    """The live source's config as ``[sources.live]`` would give it; options override."""
    from earful.config import SourceConfig

    values = {"credentials": CREDENTIALS, "queries": QUERIES, "watch": WATCH, **options}
    return SourceConfig(type="reddit", **values)


def main(argv: list[str]) -> None:
    from earful.config import load_config
    from earful.store import Store
    from listener.pipeline import Pipeline
    from listener.sources.reddit import RedditSource

    db, request_log = Path(argv[0]), Path(argv[1])
    # The second page of the watched submissions is slow: the test kills the run meanwhile.
    pause = {(NEW, after_of("new_1")): 120.0} if "--pause" in argv else {}
    settings = load_config(ROOT / "config.toml")
    fake = FakeReddit(pause=pause, log=request_log)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock, Store(db) as store:
        fake.install(mock)
        source = RedditSource("live", source_config(), settings, now=lambda: RECORDED,
                              retry_wait=wait_none())
        Pipeline(settings, store, workers=1).run_source(source)
    assert not fake.unexpected, fake.unexpected


if __name__ == "__main__":
    main(sys.argv[1:])

"""X collector: one stream per query, read with the API v2 search through tweepy.

Each stream is walked newest first with :func:`listener.sources.walk.walk`: a run asks for the
tweets above the stream's cursor (``since_id``), page by page down to it; a walk cut short
(``max_pages``, a rate limit, a killed process) resumes below the oldest tweet of its last
stored page (``until_id``). Recent search reaches back seven days; a backfill further back needs
full-archive search (``archive = true``).

X's search is wider than Earful's queries (see ``earful.query.native``), so every result is
checked against the query locally and only true matches are handed on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
import tweepy
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)
from tenacity.wait import wait_base

from earful.config import Settings, SourceConfig, secret
from earful.errors import MissingCredentials, RateLimited, SourceError
from earful.models import Post
from earful.query import Document, Query
from earful.store import Store
from listener.formats import ParseError, Problem
from listener.formats.x import posts_from_response
from listener.sources import BackfillProgress, Batch, Progress, keep_matching
from listener.sources.walk import Fetch, Page, walk

log = logging.getLogger(__name__)
# tweepy logs each request's headers at debug level, the bearer token among them.
logging.getLogger("tweepy.client").setLevel(logging.INFO)

TWEET_FIELDS = ["created_at", "author_id", "lang", "conversation_id", "public_metrics",
                "referenced_tweets", "entities", "in_reply_to_user_id", "edit_history_tweet_ids"]
USER_FIELDS = ["public_metrics", "username", "name", "verified", "created_at"]
EXPANSIONS = ["author_id", "referenced_tweets.id", "referenced_tweets.id.author_id"]

RECENT_REACH = timedelta(days=7)
# X measures the seven days on its own clock when the request arrives: stay clear of the edge.
REACH_MARGIN = timedelta(minutes=5)
RATE_LIMIT_WINDOW = timedelta(minutes=15)  # when X does not say when the limit resets
ATTEMPTS = 3
REQUEST_TIMEOUT = 30.0  # seconds
_TWITTER_EPOCH_MS = 1288834974657
_RETRIED = (tweepy.TwitterServerError, requests.ConnectionError, requests.Timeout)


class XSource:
    """The ``[sources.NAME]`` entry of ``type = "x"``: a stream ``search:I`` per query."""

    def __init__(self, name: str, config: SourceConfig, settings: Settings, *,
                 now: Callable[[], datetime] | None = None, wait: wait_base | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.token_env = config.credentials.get("bearer_token", "X_BEARER_TOKEN")
        token = secret(self.token_env)
        if token is None:
            raise MissingCredentials(
                f"source {name!r}: skipped, set {self.token_env} (credentials.bearer_token)")
        self.name = name
        self.config = config
        self.settings = settings
        self._now = now or (lambda: datetime.now(UTC))
        self._wait = wait or wait_exponential(multiplier=2, max=60)
        self._sleep = sleep
        self._client = tweepy.Client(bearer_token=token, return_type=dict,
                                     wait_on_rate_limit=False)
        self._client.session = TimeoutSession()
        self._queries: dict[str, tuple[Query, str]] = {}
        for index, text in enumerate(config.queries):
            query = Query(text)
            native = query.to_x()
            if native is not None:  # None: the query can never match on X
                self._queries[f"search:{index}"] = (query, native)
        self.streams = list(self._queries)

    def batches(self, store: Store, progress: Progress | None = None) -> Iterator[Batch]:
        """Every stream in turn; ``progress`` counts each stream's records from zero."""
        for stream in self.streams:
            yield from self.stream_batches(stream, store, progress)

    def stream_batches(self, stream: str, store: Store,
                       progress: Progress | None = None) -> Iterator[Batch]:
        """What is new in one stream since its cursor; a first run reaches ``lookback`` back."""
        key = f"{self.config.type}:{self.name}:{stream}"
        floor = max(self._now() - timedelta(seconds=self.config.lookback), self._reach())
        read = 0
        for batch in walk(key, store.checkpoint(key), self._fetch(stream, floor), _position):
            read += len(batch.posts) + len(batch.problems)
            yield self._matching(stream, batch)
            if progress:
                progress(read, None)

    def backfill(self, stream: str, since: datetime, store: Store,
                 progress: BackfillProgress | None = None) -> Iterator[Batch]:
        """Walk one stream back to ``since``: seven days at most with recent search, all of
        X's history with ``archive = true``. A finished backfill asks for nothing more."""
        since = since.astimezone(UTC) if since.tzinfo else since.replace(tzinfo=UTC)
        key = f"backfill:{self.name}:{stream}:{since:%Y-%m-%dT%H:%M:%SZ}"
        state = store.checkpoint(key)
        if state is not None and state.get("walk") is None:
            log.info("source %r %s: the backfill to %s is already done", self.name, stream,
                     f"{since:%Y-%m-%d %H:%M}")
            return
        floor = since
        if not self.config.archive and since < self._reach():
            floor = self._reach()
            log.info("source %r %s: recent search reaches back 7 days, so the backfill stops at "
                     "%s UTC (archive = true searches the full archive)", self.name, stream,
                     f"{floor:%Y-%m-%d %H:%M}")
        fetched, oldest = 0, None
        batches = walk(key, state, self._fetch(stream, floor, archive=self.config.archive),
                       _position)
        for batch in batches:
            fetched += len(batch.posts)
            # The time of the version X returned: the walk's place (an edit is newer).
            times = [post.edited_at or post.created_at for post in batch.posts]
            oldest = min([*times, oldest] if oldest else times, default=None)
            yield self._matching(stream, batch)
            if progress:
                progress(fetched, oldest)

    # -- fetching -------------------------------------------------------------------------------
    def _fetch(self, stream: str, floor: datetime, *, archive: bool = False) -> Fetch:
        """Pages of ``stream`` newest first: above the cursor ``since`` (from ``floor`` when
        there is none yet), starting below ``resume``."""
        native = self._stream(stream)[1]

        def fetch(since: int | None, resume: str | None) -> Iterator[Page]:
            reach = None if archive else self._reach()
            if resume is not None and reach is not None and _time(int(resume)) <= reach:
                log.warning("source %r %s: the rest of an unfinished walk is older than recent "
                            "search reaches; it ends here", self.name, stream)
                yield Page([], None)
                return
            bounds: dict[str, Any] = {"until_id": resume}
            if since is None:
                bounds["start_time"] = floor
            elif reach is None or _time(since) > reach:
                bounds["since_id"] = since  # X ignores start_time beside it
            else:
                log.warning("source %r %s: last read over 7 days ago; tweets before %s UTC are "
                            "out of recent search's reach", self.name, stream,
                            f"{reach:%Y-%m-%d %H:%M}")
                bounds["start_time"] = reach
            method = self._client.search_all_tweets if archive else \
                self._client.search_recent_tweets
            # The walk needs newest first (X's default order, asked for in case it changes).
            pages = tweepy.Paginator(self._retrying(method), query=native, max_results=100,
                                     sort_order="recency", tweet_fields=TWEET_FIELDS,
                                     user_fields=USER_FIELDS, expansions=EXPANSIONS,
                                     limit=self.config.max_pages, **bounds)
            try:
                for response in pages:
                    page = self._page(stream, response)
                    yield page
                    if archive and page.resume is not None:
                        self._sleep(1.0)  # full-archive search takes one request a second
            except tweepy.TooManyRequests as error:
                reset = (datetime.fromtimestamp(error.reset_time, UTC) if error.reset_time
                         else self._now() + RATE_LIMIT_WINDOW)
                raise RateLimited(f"source {self.name!r} {stream}: X rate limit reached, "
                                  f"resets at {reset:%Y-%m-%d %H:%M:%S} UTC", reset) from None
            except (tweepy.Unauthorized, tweepy.Forbidden) as error:
                raise SourceError(f"source {self.name!r} {stream}: X refused the bearer token "
                                  f"in {self.token_env} ({_describe(error)})") from None
            except (tweepy.HTTPException, requests.RequestException) as error:
                tried = f" after {ATTEMPTS} attempts" if isinstance(error, _RETRIED) else ""
                raise SourceError(f"source {self.name!r} {stream}: X search failed{tried} "
                                  f"({_describe(error)})") from None

        return fetch

    def _retrying(self, method: Callable[..., Any]) -> Callable[..., Any]:
        def report(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            log.warning("source %r: X search failed (%s), trying again", self.name,
                        _describe(error))

        # ``wraps`` keeps the method's name, which tweepy's Paginator reads to pick
        # ``next_token`` (search) over ``pagination_token``.
        return Retrying(stop=stop_after_attempt(ATTEMPTS), wait=self._wait,
                        retry=retry_if_exception_type(_RETRIED), reraise=True,
                        before_sleep=report).wraps(method)

    def _page(self, stream: str, response: dict[str, Any]) -> Page:
        where = f"x:{self.name}:{stream}"
        posts: list[Post] = []
        problems: list[Problem] = []
        for index, item in enumerate(posts_from_response(response), start=1):
            if isinstance(item, ParseError):
                problems.append(Problem(where, index, str(item)))
            elif not _numeric(item.version_id or item.native_id):
                # The walk orders tweets by their snowflake ids.
                problems.append(Problem(where, index, f"tweet id {item.native_id!r} is not a "
                                                      "number"))
            else:
                posts.append(item)
        if response.get("errors"):
            # Partial errors (a deleted referenced tweet, say): the data beside them is good.
            log.debug("%s: X reported %d partial errors", where, len(response["errors"]))
        meta = response.get("meta") or {}
        return Page(posts, _oldest_id(response) if meta.get("next_token") else None, problems)

    def _matching(self, stream: str, batch: Batch) -> Batch:
        return keep_matching(batch, self._stream(stream)[0], Document.of,
                             f"source {self.name!r} {stream}")

    def _stream(self, stream: str) -> tuple[Query, str]:
        try:
            return self._queries[stream]
        except KeyError:
            raise SourceError(f"source {self.name!r}: no stream {stream!r}; "
                              f"streams: {self.streams}") from None

    def _reach(self) -> datetime:
        """The oldest time recent search can be asked for."""
        return self._now() - RECENT_REACH + REACH_MARGIN


class TimeoutSession(requests.Session):
    # tweepy sets no timeout: a stalled connection would hold a job (or a reply) forever.
    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", REQUEST_TIMEOUT)
        return super().request(*args, **kwargs)


def _position(post: Post) -> int:
    # The id of the version X returned: an edited tweet's native id is its first version's.
    return int(post.version_id or post.native_id)


def _time(tweet_id: int) -> datetime:
    return datetime.fromtimestamp(((tweet_id >> 22) + _TWITTER_EPOCH_MS) / 1000, UTC)


def _numeric(tweet_id: str) -> bool:
    return tweet_id.isascii() and tweet_id.isdigit()


def _oldest_id(response: dict[str, Any]) -> str | None:
    """The smallest tweet id on the page, malformed tweets included; else X's ``oldest_id``."""
    data = response.get("data")
    tweets = data if isinstance(data, list) else []
    ids = [int(t["id"]) for t in tweets if isinstance(t, dict) and _numeric(str(t.get("id")))]
    oldest = min(ids, default=None) or (response.get("meta") or {}).get("oldest_id")
    return str(oldest) if oldest is not None else None


def _describe(error: BaseException | None) -> str:
    """X's own words for a failed request (its ``detail``), never the request's headers."""
    response = getattr(error, "response", None)
    if isinstance(response, requests.Response):
        try:
            detail = response.json().get("detail")
        except (ValueError, AttributeError):
            detail = None
        return f"{response.status_code} {detail or response.reason}"
    return f"{type(error).__name__}: {error}"

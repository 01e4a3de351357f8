"""X collector: one stream per query, read with the API v2 search through tweepy.

Each stream is walked newest first with :func:`listener.sources.walk.walk`: a run asks for the
tweets above the stream's cursor (``since_id``), page by page down to it; a walk cut short
(``max_pages``, a rate limit, a killed process) resumes below the oldest tweet of its last
stored page (``until_id``). Recent search reaches back seven days; a backfill further back needs
full-archive search (``archive = true``).

X's search is wider than Earful's queries (see ``earful.query.native``), so every result is
checked against the query locally and only true matches are handed on.

With ``panels = [...]`` a stream ``panels`` reads the panel members' timelines
(``GET /2/users/:id/tweets``), each walked the same way from its own cursor. Handles are turned
into user ids once (``GET /2/users/by``, remembered in a checkpoint); which members a run visits
is decided in ``listener.sources.members``. A member X does not show (unknown, suspended) is
skipped with a warning.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
from earful.models import Post, utc_iso, utcnow
from earful.query import Document, Query
from earful.store import Store
from listener.formats import ParseError, Problem
from listener.formats.x import posts_from_response
from listener.sources import (
    BackfillProgress,
    Batch,
    Progress,
    counted,
    keep_matching,
    members,
)
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
USERS_PER_LOOKUP = 100  # usernames one GET /2/users/by takes
_USERNAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")
REQUEST_TIMEOUT = 30.0  # seconds
_TWITTER_EPOCH_MS = 1288834974657
_RETRIED = (tweepy.TwitterServerError, requests.ConnectionError, requests.Timeout)


class XSource:
    """The ``[sources.NAME]`` entry of ``type = "x"``: a stream ``search:I`` per query, and
    ``panels`` when it follows panels."""

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
        self._now = now or utcnow
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
        self.streams = [*self._queries, *((members.STREAM,) if config.panels else ())]

    def key(self, stream: str) -> str:
        return f"{self.config.type}:{self.name}:{stream}"

    def member_key(self, user_id: str) -> str:
        """The cursor of one member's timeline."""
        return self.key(f"member:{user_id}")

    def batches(self, store: Store, progress: Progress | None = None) -> Iterator[Batch]:
        """Every stream in turn, the panels stream visiting every member; ``progress``
        counts each stream's records from zero."""
        for stream in self.streams:
            if stream == members.STREAM:
                yield from counted(self._members(store, scheduled=False), progress)
            else:
                yield from self.stream_batches(stream, store, progress)

    def stream_batches(self, stream: str, store: Store,
                       progress: Progress | None = None) -> Iterator[Batch]:
        """What is new in one stream since its cursor; a first run reaches ``lookback`` back.
        The panels stream visits the members that are due (``listener.sources.members``)."""
        if stream == members.STREAM and stream in self.streams:
            yield from counted(self._members(store, scheduled=True), progress)
            return
        key = self.key(stream)
        floor = max(self._now() - timedelta(seconds=self.config.lookback), self._reach())
        batches = walk(key, store.checkpoint(key), self._fetch(stream, floor), _position)
        for batch in counted(batches, progress):  # what was read, not what matched
            yield self._matching(stream, batch)

    def backfill(self, stream: str, since: datetime, store: Store,
                 progress: BackfillProgress | None = None) -> Iterator[Batch]:
        """Walk one stream back to ``since``: seven days at most with recent search, all of
        X's history with ``archive = true``; the panels stream walks each member's timeline
        back (X keeps a timeline's last 3200 tweets). A finished backfill asks for nothing
        more."""
        since = since.astimezone(UTC) if since.tzinfo else since.replace(tzinfo=UTC)
        if stream == members.STREAM and stream in self.streams:
            batches = self._members(store, scheduled=False, since=since)
        else:
            batches = self._backfill_search(stream, since, store)
        fetched, oldest = 0, None
        for batch in batches:
            fetched += len(batch.posts)
            # The time of the version X returned: the walk's place (an edit is newer).
            times = [post.edited_at or post.created_at for post in batch.posts]
            oldest = min([*times, oldest] if oldest else times, default=None)
            yield self._matching(stream, batch)
            if progress:
                progress(fetched, oldest)

    def _backfill_search(self, stream: str, since: datetime, store: Store) -> Iterator[Batch]:
        key = f"backfill:{self.name}:{stream}:{since:%Y-%m-%dT%H:%M:%SZ}"
        state = store.checkpoint(key)
        if _finished(state):
            log.info("source %r %s: the backfill to %s is already done", self.name, stream,
                     f"{since:%Y-%m-%d %H:%M}")
            return
        floor = since
        if not self.config.archive and since < self._reach():
            floor = self._reach()
            log.info("source %r %s: recent search reaches back 7 days, so the backfill stops at "
                     "%s UTC (archive = true searches the full archive)", self.name, stream,
                     f"{floor:%Y-%m-%d %H:%M}")
        yield from walk(key, state, self._fetch(stream, floor, archive=self.config.archive),
                        _position)

    # -- panel members ----------------------------------------------------------------------------
    def _members(self, store: Store, *, scheduled: bool, since: datetime | None = None
                 ) -> Iterator[Batch]:
        """The followed members' timelines: those due (``scheduled``) or all of them; with
        ``since``, a backfill of each back to that time, under its own keys."""
        now = self._now()
        accounts = members.accounts(store, self.settings, self.config.panels, "x")
        ids, cache = self._user_ids(store, accounts, now)
        if cache is not None:
            yield cache
        floor = since or now - timedelta(seconds=self.config.lookback)
        roster: dict[str, members.Member] = {}
        for account, user_id in ids.items():
            if user_id in roster:  # listed by handle and by id: one timeline
                continue
            key = (self.member_key(user_id) if since is None else
                   f"backfill:{self.name}:member:{user_id}:{since:%Y-%m-%dT%H:%M:%SZ}")
            roster[user_id] = members.Member(account, {key: self._walker(
                key, user_id, account, floor, backfill=since is not None)})
        every = self.config.panel_every if scheduled else None
        yield from members.collect(list(roster.values()), store, now,
                                   f"source {self.name!r} {members.STREAM}", every=every,
                                   interval=self.config.interval)

    def _walker(self, key: str, user_id: str, account: str, floor: datetime, *,
                backfill: bool) -> members.Walk:
        def walk_from(state: Any) -> Iterator[Batch]:
            if backfill and _finished(state):
                return iter(())
            return walk(key, state, self._timeline(user_id, account, key, floor), _position)

        return walk_from

    def _user_ids(self, store: Store, accounts: list[str], now: datetime,
                  ) -> tuple[dict[str, str], Batch | None]:
        """Each account's X user id (accounts X does not know left out), and the batch that
        stores what was learnt (None: nothing new).

        An all-digit account is a user id already. Handles are looked up 100 a request and
        remembered under ``x:NAME:member-ids``, so each is asked once; one X does not know is
        asked again after ``panel_every``.
        """
        key = self.key("member-ids")
        cache = store.checkpoint(key) or {}
        known: dict[str, str] = dict(cache.get("ids") or {})
        unknown: dict[str, str] = dict(cache.get("unknown") or {})  # handle → when X said so
        handles = [members.handle(account) for account in accounts
                   if not members.handle(account).isdigit()]
        again = now - timedelta(seconds=self.config.panel_every)
        ask = [handle for handle in handles if handle not in known and (
            handle not in unknown or datetime.fromisoformat(unknown[handle]) <= again)]
        found, missing = self._look_up(ask)
        for handle, why in missing.items():
            log.warning("source %r %s: skipped panel member x:%s: %s", self.name, members.STREAM,
                        handle, why)
        known = {handle: user_id for handle, user_id in {**known, **found}.items()
                 if handle in handles}  # members no longer followed are forgotten
        unknown = {handle: at for handle, at in unknown.items()
                   if handle in handles and handle not in known}
        unknown.update({handle: utc_iso(now) or "" for handle in missing})
        ids = {}
        for account in accounts:
            handle = members.handle(account)
            user_id = handle if handle.isdigit() else known.get(handle)
            if user_id is not None:
                ids[account] = user_id
        learnt = {"ids": known, "unknown": unknown}
        return ids, (Batch([], checkpoint=(key, learnt)) if learnt != cache else None)

    def _look_up(self, handles: list[str]) -> tuple[dict[str, str], dict[str, str]]:
        """``GET /2/users/by``: the user id of each handle X knows, and why it does not know
        the others."""
        found: dict[str, str] = {}
        missing = {handle: "not an X username" for handle in handles
                   if not _USERNAME.match(handle)}  # X would refuse the whole request
        asked = [handle for handle in handles if handle not in missing]
        look_up = self._retrying(self._client.get_users, "user lookup")
        for start in range(0, len(asked), USERS_PER_LOOKUP):
            chunk = asked[start:start + USERS_PER_LOOKUP]
            with self._answers(members.STREAM, "user lookup"):
                response = look_up(usernames=chunk)
            for user in response.get("data") or []:
                if isinstance(user, dict) and user.get("username") and user.get("id"):
                    found[str(user["username"]).lower()] = str(user["id"])
            for error in response.get("errors") or []:
                if isinstance(error, dict) and isinstance(error.get("value"), str):
                    missing[error["value"].lower()] = str(error.get("detail") or
                                                          error.get("title") or "unknown")
            for handle in chunk:
                if handle not in found:
                    missing.setdefault(handle, "X did not return this user")
        return found, missing

    def _timeline(self, user_id: str, account: str, key: str, floor: datetime) -> Fetch:
        """Pages of a member's timeline (``GET /2/users/:id/tweets``) newest first, above the
        cursor ``since`` (from ``floor`` when there is none yet), starting below ``resume``."""

        def fetch(since: int | None, resume: str | None) -> Iterator[Page]:
            bounds: dict[str, Any] = {"until_id": resume}
            if since is None:
                bounds["start_time"] = floor
            else:
                bounds["since_id"] = since  # timelines have no seven-day limit
            yield from self._pages(f"{members.STREAM} {account}", key,
                                   self._client.get_users_tweets, bounds, args=(user_id,),
                                   what="timeline read", member=account)

        return fetch

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
            yield from self._pages(stream, self.key(stream), method, bounds,
                                   pause=1.0 if archive else 0.0,  # full archive: 1 request/s
                                   query=native, sort_order="recency")

        return fetch

    def _pages(self, label: str, where: str, method: Callable[..., Any], bounds: dict[str, Any],
               *, args: tuple[Any, ...] = (), pause: float = 0.0, what: str = "search",
               member: str | None = None, **params: Any) -> Iterator[Page]:
        """A paginated read of tweets (``max_pages`` pages at most) as walk pages; ``label``
        names it in messages, ``where`` in problems."""
        pages = tweepy.Paginator(self._retrying(method, what), *args, max_results=100,
                                 tweet_fields=TWEET_FIELDS, user_fields=USER_FIELDS,
                                 expansions=EXPANSIONS, limit=self.config.max_pages, **bounds,
                                 **params)
        with self._answers(label, what, member=member):
            for response in pages:
                page = self._page(where, response, member=member)
                yield page
                if pause and page.resume is not None:
                    self._sleep(pause)

    @contextmanager
    def _answers(self, label: str, what: str, *, member: str | None = None) -> Iterator[None]:
        """X's failures as the source's own errors (a 404 for a member: that member only)."""
        try:
            yield
        except tweepy.TooManyRequests as error:
            reset = (datetime.fromtimestamp(error.reset_time, UTC) if error.reset_time
                     else self._now() + RATE_LIMIT_WINDOW)
            raise RateLimited(f"source {self.name!r} {label}: X rate limit reached, "
                              f"resets at {reset:%Y-%m-%d %H:%M:%S} UTC", reset) from None
        except (tweepy.Unauthorized, tweepy.Forbidden) as error:
            raise SourceError(f"source {self.name!r} {label}: X refused the bearer token "
                              f"in {self.token_env} ({_describe(error)})") from None
        except tweepy.NotFound as error:
            if member is None:
                raise SourceError(f"source {self.name!r} {label}: X {what} failed "
                                  f"({_describe(error)})") from None
            raise members.MemberUnavailable(f"X answered {_describe(error)}") from None
        except (tweepy.HTTPException, requests.RequestException) as error:
            tried = f" after {ATTEMPTS} attempts" if isinstance(error, _RETRIED) else ""
            raise SourceError(f"source {self.name!r} {label}: X {what} failed{tried} "
                              f"({_describe(error)})") from None

    def _retrying(self, method: Callable[..., Any], what: str = "search") -> Callable[..., Any]:
        def report(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            log.warning("source %r: X %s failed (%s), trying again", self.name, what,
                        _describe(error))

        # ``wraps`` keeps the method's name, which tweepy's Paginator reads to pick
        # ``next_token`` (search) over ``pagination_token``.
        return Retrying(stop=stop_after_attempt(ATTEMPTS), wait=self._wait,
                        retry=retry_if_exception_type(_RETRIED), reraise=True,
                        before_sleep=report).wraps(method)

    def _page(self, where: str, response: dict[str, Any], *, member: str | None = None
              ) -> Page:
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
        errors = response.get("errors") or []
        if member is not None and "data" not in response:
            # A timeline of a user X no longer shows (suspended, protected, deleted) is no
            # tweets and an error about that user.
            about = [error for error in errors if isinstance(error, dict)
                     and error.get("resource_type") == "user"]
            if about:
                raise members.MemberUnavailable(str(about[0].get("detail") or
                                                    about[0].get("title") or "unavailable"))
        if errors:
            # Partial errors (a deleted referenced tweet, say): the data beside them is good.
            log.debug("%s: X reported %d partial errors", where, len(errors))
        meta = response.get("meta") or {}
        return Page(posts, _oldest_id(response) if meta.get("next_token") else None, problems)

    def _matching(self, stream: str, batch: Batch) -> Batch:
        if stream == members.STREAM:  # a member's every tweet counts
            return batch
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


def _finished(state: Any) -> bool:
    """A walk's checkpoint that reached its end (a backfill done)."""
    return isinstance(state, dict) and state.get("walk") is None


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

"""Reddit, read with praw through application-only OAuth (client credentials, read-only).

Streams: ``search:{i}`` for each configured query Reddit can search (newest first, in
``config.subreddits`` or all of Reddit), plus ``submissions`` and ``comments`` of the watched
subreddits. Each stream is a newest-first walk (``listener.sources.walk``): a page is what one
listing call returns (up to 100 things) and the next one starts ``after`` its last fullname.
Reddit's base-36 ids grow with time, so an id is a thing's position.

With ``panels = [...]`` a stream ``panels`` reads the panel members' own submissions
(``/user/NAME/submitted``) and comments (``/user/NAME/comments``), newest first, each from its
own cursor (t3 and t1 ids are separate sequences); which members a run visits is decided in
``listener.sources.members``. A member Reddit does not list (deleted, suspended, unknown) is
skipped with a warning.

Search is loose (Reddit matches words anywhere, stems, ignores some operators), so a search
stream keeps only the posts its query matches locally: the store holds only true matches.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

import praw
from praw.models import Comment, Submission
from praw.models.base import PRAWBase
from prawcore.exceptions import (
    Forbidden,
    InvalidToken,
    NotFound,
    OAuthException,
    PrawcoreException,
    Redirect,
    RequestException,
    ResponseException,
    TooManyRequests,
    UnavailableForLegalReasons,
)
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential
from tenacity.wait import wait_base

from earful.config import Settings, SourceConfig, secret
from earful.errors import MissingCredentials, RateLimited, SourceError
from earful.models import Post, utcnow
from earful.query import Document, Query
from earful.store import Store
from listener.formats import ParseError, Problem
from listener.formats.reddit import post_from_thing
from listener.scoring.language import LanguageDetector
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

PAGE_SIZE = 100  # the most one Reddit listing call returns
ATTEMPTS = 3  # per page, for server errors and dropped connections
RESET_UNKNOWN = 60.0  # seconds to pause after a 429 that does not say when the limit resets
MEMBER_LISTINGS = ("submitted", "comments")  # a member's submissions (t3) and comments (t1)
_USERNAME = re.compile(r"^[A-Za-z0-9_-]+$")
# credentials.KEY → the env variable used when the config does not name one.
CREDENTIALS = {"client_id": "REDDIT_CLIENT_ID", "client_secret": "REDDIT_CLIENT_SECRET",
               "user_agent": "REDDIT_USER_AGENT"}


def default_wait() -> wait_base:
    """Backoff between attempts at a page (tests pass ``tenacity.wait_none()``)."""
    return wait_exponential(multiplier=2, min=2, max=60)


@dataclass(frozen=True, slots=True)
class Listing:
    """One of Reddit's newest-first listings, as a walk reads it."""

    label: str  # how messages name it: "submissions", "panels u/trail_mix_88 comments"
    path: str  # its path on the API, where problems are reported: "/r/CampingGear/new/"
    read: Callable[[dict[str, str]], Iterable[Any]]  # one call: the things for these params
    missing: Callable[[ResponseException], SourceError]  # what a 404 or a redirect means here
    absent: tuple[type[ResponseException], ...] = (Redirect, NotFound)


class RedditSource:
    """The live Reddit collector of one ``[sources.NAME]`` entry of type ``reddit``.

    Example::

        source = RedditSource("reddit", settings.sources["reddit"], settings)
        pipeline.run_source(source)  # every stream, each from its own cursor
    """

    def __init__(self, name: str, config: SourceConfig, settings: Settings, *,
                 now: Callable[[], datetime] | None = None, reddit: praw.Reddit | None = None,
                 retry_wait: wait_base | None = None) -> None:
        self.name = name
        self.config = config
        self.settings = settings
        self.now = now or utcnow
        self.retry_wait = retry_wait or default_wait()
        self.reddit = reddit or connect(name, config)
        self.searches: dict[str, tuple[Query, str]] = {}
        for index, text in enumerate(config.queries):
            query = Query(text)
            native = query.to_reddit()
            if native is not None:  # e.g. `platform:x`: it can never match here
                self.searches[f"search:{index}"] = (query, native)
        self.streams = [*self.searches, *(("submissions", "comments") if config.watch else ()),
                        *((members.STREAM,) if config.panels else ())]

    def key(self, stream: str) -> str:
        return f"{self.config.type}:{self.name}:{stream}"

    def member_key(self, name: str, kind: str) -> str:
        """The cursor of one member's listing: ``kind`` is ``submitted`` or ``comments``
        (t3 and t1 ids are separate sequences)."""
        return self.key(f"member:{name}:{kind}")

    def batches(self, store: Store, progress: Progress | None = None) -> Iterator[Batch]:
        """Every stream in turn; the panels stream visits every member."""
        for stream in self.streams:
            if stream == members.STREAM:
                yield from counted(self._members(store, scheduled=False), progress)
            else:
                yield from self.stream_batches(stream, store, progress)

    def stream_batches(self, stream: str, store: Store,
                       progress: Progress | None = None) -> Iterator[Batch]:
        """What is new in one stream since its cursor; the panels stream visits the members
        that are due (see ``listener.sources.members``)."""
        if stream == members.STREAM and stream in self.streams:
            return counted(self._members(store, scheduled=True), progress)
        return self._stream(stream, store, progress)

    def _stream(self, stream: str, store: Store, progress: Progress | None) -> Iterator[Batch]:
        key = self.key(stream)
        state = store.checkpoint(key)
        fetch = self._fetcher(self._listing(stream), self._first_floor(state),
                              self.config.max_pages)
        # Counted before the search's local match: what was read, not what was kept.
        for batch in counted(walk(key, state, fetch, _position), progress):
            yield self._keep(stream, batch)

    def _first_floor(self, state: Any) -> datetime | None:
        # Only a walk that never finished has no cursor yet: it reaches back `lookback`.
        if (state or {}).get("since") is not None:
            return None
        return self.now() - timedelta(seconds=self.config.lookback)

    def backfill(self, stream: str, since: datetime, store: Store,
                 progress: BackfillProgress | None = None) -> Iterator[Batch]:
        """Walk back to ``since`` or as far as Reddit lists (about 1000 things per listing);
        the panels stream walks each member's submissions and comments back.

        Not bounded by ``max_pages``: a backfill runs until done, resumably under its own key.
        """
        since = since.replace(tzinfo=UTC) if since.tzinfo is None else since.astimezone(UTC)
        stamp = f"{since:%Y-%m-%dT%H:%M:%SZ}"
        if stream == members.STREAM and stream in self.streams:
            roster = self._roster(
                store, lambda name, kind: f"backfill:{self.name}:member:{name}:{kind}:{stamp}",
                lambda state: since, None)
            batches = members.collect(roster, store, self.now(), f"source {self.name!r} {stream}")
        else:
            key = f"backfill:{self.name}:{stream}:{stamp}"
            fetch = self._fetcher(self._listing(stream), since, None)
            batches = walk(key, store.checkpoint(key), fetch, _position)
        fetched, oldest = 0, None
        for batch in batches:
            fetched += len(batch.posts)
            if batch.posts:
                page_oldest = min(post.created_at for post in batch.posts)
                oldest = page_oldest if oldest is None else min(oldest, page_oldest)
            yield self._keep(stream, batch)
            if progress:
                progress(fetched, oldest)

    def _keep(self, stream: str, batch: Batch) -> Batch:
        search = self.searches.get(stream)
        if search is None:  # watched subreddits and panel members: every item counts
            return batch
        return keep_matching(batch, search[0], self._document, f"source {self.name!r} {stream}")

    # -- panel members ----------------------------------------------------------------------------
    def _members(self, store: Store, *, scheduled: bool) -> Iterator[Batch]:
        roster = self._roster(store, self.member_key, self._first_floor, self.config.max_pages)
        every = self.config.panel_every if scheduled else None
        yield from members.collect(roster, store, self.now(),
                                   f"source {self.name!r} {members.STREAM}", every=every,
                                   interval=self.config.interval)

    def _roster(self, store: Store, key: Callable[[str, str], str],
                floor: Callable[[Any], datetime | None], max_pages: int | None,
                ) -> list[members.Member]:
        """The members this source follows, each with a walk of their submissions and one of
        their comments; ``floor`` gives a walk's time floor from its checkpoint."""
        roster = []
        for account in members.accounts(store, self.settings, self.config.panels, "reddit"):
            name = members.handle(account)
            walks = {key(name, kind): self._walker(key(name, kind),
                                                   self._member_listing(name, kind), floor,
                                                   max_pages)
                     for kind in MEMBER_LISTINGS}
            roster.append(members.Member(account, walks))
        return roster

    def _walker(self, key: str, listing: Listing, floor: Callable[[Any], datetime | None],
                max_pages: int | None) -> members.Walk:
        def walk_from(state: Any) -> Iterator[Batch]:
            return walk(key, state, self._fetcher(listing, floor(state), max_pages), _position)

        return walk_from

    def _member_listing(self, name: str, kind: str) -> Listing:
        def read(params: dict[str, str]) -> Iterable[Any]:
            if not _USERNAME.match(name):  # it would make a different path
                raise members.MemberUnavailable(f"{name!r} is not a Reddit username")
            redditor = self.reddit.redditor(name)
            things = redditor.submissions if kind == "submitted" else redditor.comments
            return things.new(limit=PAGE_SIZE, params=params)

        def missing(error: ResponseException) -> SourceError:
            return members.MemberUnavailable(
                f"Reddit answered {_answer(error)} for u/{name}'s {kind}: the account is "
                "deleted, suspended or never existed")

        return Listing(f"{members.STREAM} u/{name} {kind}", f"/user/{name}/{kind}/", read,
                       missing, absent=(Redirect, NotFound, Forbidden, UnavailableForLegalReasons))

    # -- fetching -------------------------------------------------------------------------------
    def _listing(self, stream: str) -> Listing:
        """The listing a configured stream walks."""
        if stream not in self.streams or stream == members.STREAM:
            raise SourceError(f"source {self.name!r}: no stream {stream!r}; "
                              f"it has {', '.join(self.streams) or 'none'}")
        if stream in self.searches:
            where = "+".join(self.config.subreddits) or "all"
        else:
            where = "+".join(self.config.watch)
        subreddit = self.reddit.subreddit(where)

        def read(params: dict[str, str]) -> Iterable[Any]:
            if stream == "submissions":
                return subreddit.new(limit=PAGE_SIZE, params=params)
            if stream == "comments":
                return subreddit.comments(limit=PAGE_SIZE, params=params)
            return subreddit.search(self.searches[stream][1], sort="new", limit=PAGE_SIZE,
                                    params=params)

        def missing(error: ResponseException) -> SourceError:
            # Reddit redirects a listing of a subreddit that does not exist to its search.
            return SourceError(f"source {self.name!r} {stream}: Reddit has no r/{where}; check "
                               "the subreddit names")

        path = {"submissions": "new", "comments": "comments"}.get(stream, "search")
        return Listing(stream, f"/r/{where}/{path}/", read, missing)

    def _fetcher(self, listing: Listing, floor: datetime | None, max_pages: int | None) -> Fetch:
        lowest = floor.timestamp() if floor is not None else None

        def fetch(since: int | None, resume: str | None) -> Iterator[Page]:
            pages = 0
            while True:
                where = self.reddit.config.oauth_url + listing.path + (
                    f"?after={resume}" if resume else "")
                things = self._page(listing, resume)
                posts: list[Post] = []
                problems: list[Problem] = []
                reached = False
                for index, thing in enumerate(things, start=1):
                    data = _data(thing)
                    position, created = _position_of(data), _number(data.get("created_utc"))
                    if (since is not None and position is not None and position <= since) or (
                            lowest is not None and created is not None and created < lowest):
                        reached = True
                        break
                    try:
                        # PRAW asks for raw_json=1: the text is as typed.
                        posts.append(post_from_thing(_thing(thing, data), escaped=False))
                    except ParseError as error:
                        problems.append(Problem(where, index, str(error)))
                pages += 1
                ended = len(things) < PAGE_SIZE
                if ended and not reached:
                    self._log_end(listing, since, floor)
                resume = None if reached or ended else _fullname(things)
                yield Page(posts, resume, problems)
                if resume is None or (max_pages is not None and pages >= max_pages):
                    return

        return fetch

    def _log_end(self, listing: Listing, since: int | None, floor: datetime | None) -> None:
        if since is not None:
            # Reddit lists about 1000 things: more arrived between two runs than it keeps.
            log.warning("source %r %s: Reddit's listing ends before the last run's position; "
                        "posts in between are out of reach (run it more often)", self.name,
                        listing.label)
        elif floor is not None:
            log.info("source %r %s: Reddit lists nothing older; stopped short of %s",
                     self.name, listing.label, f"{floor:%Y-%m-%dT%H:%M:%SZ}")

    def _page(self, listing: Listing, resume: str | None) -> list[Any]:
        """One listing call's things, with transient failures retried."""
        params = {"after": resume} if resume else {}
        label = listing.label
        retrying = Retrying(stop=stop_after_attempt(ATTEMPTS), wait=self.retry_wait,
                            retry=retry_if_exception(_transient), reraise=True,
                            before_sleep=lambda state: log.warning(
                                "source %r %s: %s; trying again", self.name, label,
                                state.outcome.exception() if state.outcome else "failed"))
        try:
            return retrying(lambda: list(listing.read(params)))
        except TooManyRequests as error:
            reset = self.now() + timedelta(seconds=_reset_seconds(error))
            raise RateLimited(f"source {self.name!r} {label}: Reddit's rate limit is used up "
                              f"until {reset:%H:%M:%S} UTC", reset) from None
        except (OAuthException, InvalidToken) as error:
            raise self._refused() from error
        except listing.absent as error:
            raise listing.missing(error) from error
        except ResponseException as error:
            if error.response.status_code == 401:
                raise self._refused() from error
            tries = f" {ATTEMPTS} times" if _transient(error) else ""
            raise SourceError(f"source {self.name!r} {label}: Reddit answered "
                              f"{error.response.status_code}{tries}") from error
        except PrawcoreException as error:
            raise SourceError(f"source {self.name!r} {label}: Reddit request failed after "
                              f"{ATTEMPTS} attempts: {error}") from error

    def _refused(self) -> SourceError:
        names = ", ".join(self.config.credentials.get(key, env) for key, env in
                          CREDENTIALS.items() if key != "user_agent")
        return SourceError(f"source {self.name!r}: Reddit refused the credentials; check "
                           f"{names} (an app of type 'script' or 'web' at "
                           "https://www.reddit.com/prefs/apps)")

    def _document(self, post: Post) -> Document:
        return Document.of(post, detect=lambda text: self._languages.detect(text)[0])

    @cached_property
    def _languages(self) -> LanguageDetector:
        # Only a `lang:` filter asks: Reddit tags no language.
        return LanguageDetector(self.settings.scoring.languages)


def connect(name: str, config: SourceConfig) -> praw.Reddit:
    """A read-only praw client from the env variables the config names."""
    names = {key: config.credentials.get(key, env) for key, env in CREDENTIALS.items()}
    values = {key: secret(env) for key, env in names.items()}
    missing = [key for key, value in values.items() if value is None]
    if missing:
        raise MissingCredentials(
            f"source {name!r}: skipped, set {', '.join(names[key] for key in missing)} "
            f"({', '.join(f'credentials.{key}' for key in missing)})")
    reddit = praw.Reddit(client_id=values["client_id"], client_secret=values["client_secret"],
                         user_agent=values["user_agent"], check_for_async=False,
                         check_for_updates=False)  # no call to PyPI on every start
    # A praw.ini with a username must not turn this into a script (user) login.
    reddit.read_only = True
    return reddit


def _transient(error: BaseException) -> bool:
    if isinstance(error, RequestException):
        return True
    return isinstance(error, ResponseException) and error.response.status_code >= 500


def _answer(error: ResponseException) -> str:
    if isinstance(error, Redirect):
        return f"redirected to {error.path}"
    return str(error.response.status_code)


def _reset_seconds(error: TooManyRequests) -> float:
    headers = error.response.headers
    for header in ("x-ratelimit-reset", "retry-after"):
        seconds = _number(headers.get(header))
        if seconds is not None:
            return max(seconds, 1.0)
    return RESET_UNKNOWN


def _data(thing: Any) -> dict[str, Any]:
    """A thing's fields as Reddit sent them. Read from ``vars``: praw fetches the thing again
    over the network when a missing attribute is asked for."""
    if isinstance(thing, dict):  # a kind praw does not know: left as Reddit sent it
        data = thing.get("data")
        return data if isinstance(data, dict) else {}
    fields: dict[str, Any] = {}
    for key, value in vars(thing).items():
        if key.startswith("_") or key in ("comment_limit", "comment_sort"):
            continue  # praw's own state, not Reddit's
        if key == "author" and value is None:
            value = "[deleted]"  # what Reddit sent: praw turns it into None
        elif isinstance(value, PRAWBase):
            if key not in ("author", "subreddit"):
                continue  # poll data and the like: not JSON, and the parser does not read it
            value = str(value)  # the username / the subreddit's name
        fields[key] = value
    return fields


def _thing(thing: Any, data: dict[str, Any]) -> Any:
    if isinstance(thing, Comment):
        return {"kind": "t1", "data": data}
    if isinstance(thing, Submission):
        return {"kind": "t3", "data": data}
    return thing


def _fullname(things: list[Any]) -> str | None:
    for thing in reversed(things):
        name = _data(thing).get("name")
        if isinstance(name, str) and name:
            return name
    return None


def _position_of(data: dict[str, Any]) -> int | None:
    item_id = data.get("id")
    try:
        return int(item_id, 36) if isinstance(item_id, str) and item_id else None
    except ValueError:
        return None


def _position(post: Post) -> int:
    return int(post.native_id[3:], 36)  # "t3_1orrrgx" → base-36 "1orrrgx"


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None

"""Post a reply to a customer's post from the brand's account (``earful case reply --send``).

X goes through tweepy with OAuth 1.0a user context (``POST /2/tweets``); Reddit through praw
with a script app's password grant (``POST /api/comment``). The accounts are the config's
``[replies.x]`` and ``[replies.reddit]``, whose credentials name environment variables.

A reply is sent once. Nothing here retries the POST, neither on a rate limit nor on a server
error or a dropped connection: the platform may have posted it already, and a second attempt
would answer the customer twice. When the outcome is unknown the error says where to look.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import praw
import requests
import tweepy
from praw.exceptions import PRAWException, RedditAPIException
from prawcore.exceptions import (
    OAuthException,
    PrawcoreException,
    RequestException,
    ResponseException,
    TooManyRequests,
)
from prawcore.sessions import RetryStrategy

from earful.config import Settings, secret
from earful.errors import EarfulError, MissingCredentials, RateLimited
from earful.models import utcnow
from listener.sources.x import TimeoutSession

log = logging.getLogger(__name__)
# tweepy logs each request at debug level; requests-oauthlib and oauthlib log the signed
# OAuth 1.0a header and its parameters (the consumer key and the access token among them).
for _name in ("tweepy.client", "requests_oauthlib", "oauthlib"):
    logging.getLogger(_name).setLevel(logging.INFO)

PLATFORMS = ("x", "reddit")
# credentials.KEY of each [replies.PLATFORM] entry, in the order messages name them.
X_CREDENTIALS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
REDDIT_CREDENTIALS = ("client_id", "client_secret", "user_agent", "username", "password")
X_RATE_WINDOW = timedelta(minutes=15)  # when a 429 does not say when X's limit resets
REDDIT_RATE_WINDOW = timedelta(seconds=60)  # when a 429 does not say when Reddit's resets
X_STATUS_URL = "https://x.com/i/web/status/{id}"
# X's problem types for a 403 that is about the app or its tokens, not about the reply.
_X_AUTH_PROBLEMS = ("oauth1-permissions", "client-forbidden", "unsupported-authentication")
_FULLNAME = re.compile(r"^(t1|t3)_([0-9a-z]+)$")
_REDDIT_WAIT = re.compile(r"(\d+)\s*(millisecond|second|minute|hour)s?", re.IGNORECASE)
_WAIT_UNITS = {"millisecond": 0.001, "second": 1, "minute": 60, "hour": 3600}


@dataclass(frozen=True)
class SentReply:
    """The posted reply: its platform, its own id (a tweet id, a Reddit fullname) and URL.

    ``native_id`` is None only when Reddit posted the comment but did not return it (a
    quarantined subreddit); ``url`` then lists the account's comments, where it is.
    """

    platform: str
    native_id: str | None
    url: str


def send_reply(settings: Settings, platform: str, native_id: str, text: str) -> SentReply:
    """Post ``text`` as the brand's reply to the post ``native_id`` on ``platform``.

    ``native_id`` is a tweet id on X, a fullname (``t3_…`` submission, ``t1_…`` comment) on
    Reddit. Raises :class:`MissingCredentials` when the account is not configured or its
    environment variables are unset, :class:`RateLimited` when the platform asks to wait, and
    :class:`EarfulError` with the platform's reason for anything else. Never retries.

    Example::

        sent = send_reply(settings, "reddit", "t3_1oo0uwx", "Sorry about the wait! DM us?")
        print(sent.native_id, sent.url)  # t1_nlq2x7d https://www.reddit.com/r/…/nlq2x7d/
    """
    if platform not in PLATFORMS:
        raise EarfulError(f"cannot post replies on {platform!r}; Earful replies on "
                          f"{', '.join(PLATFORMS)}")
    if not text.strip():
        raise EarfulError("the reply is empty; nothing was posted")
    if platform == "x":
        sent = _reply_on_x(_credentials(settings, "x", X_CREDENTIALS), native_id, text)
    else:
        sent = _reply_on_reddit(_credentials(settings, "reddit", REDDIT_CREDENTIALS), native_id,
                                text)
    log.info("posted the reply to %s %s: %s", platform, native_id, sent.url,
             extra={"platform": platform, "in_reply_to": native_id, "reply_id": sent.native_id})
    return sent


@dataclass(frozen=True)
class _Account:
    platform: str
    env_names: dict[str, str]  # credentials.KEY → the environment variable's name
    values: dict[str, str]  # credentials.KEY → its value: never put in a message or a log

    def check(self) -> str:
        """The variables to check, for a message: ``X_A, X_B (replies.x.credentials)``."""
        return f"{', '.join(self.env_names.values())} (replies.{self.platform}.credentials)"


def _credentials(settings: Settings, platform: Literal["x", "reddit"],
                 keys: tuple[str, ...]) -> _Account:
    account = settings.replies.get(platform)
    example = ", ".join(f'{key} = "{platform.upper()}_{key.upper()}"' for key in keys)
    if account is None:
        raise MissingCredentials(
            f"no account to post replies on {platform} from: add [replies.{platform}] to the "
            f"config with credentials = {{ {example} }} (names of environment variables)")
    unnamed = [key for key in keys if key not in account.credentials]
    if unnamed:
        raise MissingCredentials(
            f"replies.{platform}.credentials: no "
            f"{', '.join(unnamed)}; each names the environment variable that holds it "
            f"(e.g. {{ {example} }})")
    env_names = {key: account.credentials[key] for key in keys}
    values = {key: secret(name) for key, name in env_names.items()}
    missing = [key for key, value in values.items() if value is None]
    if missing:
        raise MissingCredentials(
            f"cannot post replies on {platform}: set "
            f"{', '.join(env_names[key] for key in missing)} "
            f"({', '.join(f'replies.{platform}.credentials.{key}' for key in missing)})")
    return _Account(platform, env_names, {key: value for key, value in values.items() if value})


# -- X ------------------------------------------------------------------------------------------
def _reply_on_x(account: _Account, native_id: str, text: str) -> SentReply:
    if not (native_id.isascii() and native_id.isdigit()):
        raise EarfulError(f"cannot reply on X to {native_id!r}: expected a tweet id (digits)")
    values = account.values
    # wait_on_rate_limit would sleep and send the POST again: the caller decides instead.
    client = tweepy.Client(consumer_key=values["consumer_key"],
                           consumer_secret=values["consumer_secret"],
                           access_token=values["access_token"],
                           access_token_secret=values["access_token_secret"],
                           return_type=dict, wait_on_rate_limit=False)
    client.session = TimeoutSession()
    try:
        response = client.create_tweet(text=text, in_reply_to_tweet_id=native_id)
    except tweepy.TooManyRequests as error:
        reset = _x_reset(error.response.headers)
        raise RateLimited(f"X rate limit reached for the reply account; nothing was posted. "
                          f"It resets at {reset:%Y-%m-%d %H:%M:%S} UTC", reset) from None
    except tweepy.Unauthorized as error:
        raise EarfulError(f"X refused the reply account's credentials ({_x_reason(error)}); "
                          f"check {account.check()}") from None
    except tweepy.Forbidden as error:
        if _x_problem(error) in _X_AUTH_PROBLEMS:
            raise EarfulError(
                f"X refused the reply account's credentials ({_x_reason(error)}); the app "
                f"needs Read and Write permission, with the access token generated after it "
                f"was set; check {account.check()}") from None
        raise EarfulError(f"X refused the reply to {native_id}: {_x_reason(error)}") from None
    except tweepy.TwitterServerError as error:
        raise EarfulError(f"X failed answering the reply to {native_id} ({_x_reason(error)}); "
                          f"it may have been posted: check {_x_url(native_id)} before sending "
                          "it again") from None
    except tweepy.HTTPException as error:
        raise EarfulError(f"X refused the reply to {native_id}: {_x_reason(error)}") from None
    except requests.RequestException as error:
        raise EarfulError(f"X did not answer the reply to {native_id} "
                          f"({type(error).__name__}); it may have been posted: check "
                          f"{_x_url(native_id)} before sending it again") from None
    tweet = response.get("data") if isinstance(response, dict) else None
    tweet_id = tweet.get("id") if isinstance(tweet, dict) else None
    if not isinstance(tweet_id, str) or not tweet_id:
        # Posted (X said 2xx) but unreadable: reporting a failure would invite a second post.
        log.warning("X posted the reply to %s but returned no tweet id", native_id)
        return SentReply("x", None, _x_url(native_id))
    return SentReply("x", tweet_id, _x_url(tweet_id))


def _x_url(tweet_id: str) -> str:
    return X_STATUS_URL.format(id=tweet_id)


def _x_body(error: tweepy.HTTPException) -> dict[str, Any]:
    try:
        body = error.response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _x_problem(error: tweepy.HTTPException) -> str:
    """The last part of X's problem ``type`` URI (``oauth1-permissions``), or ``""``."""
    kind = _x_body(error).get("type")
    return kind.rstrip("/").rsplit("/", 1)[-1] if isinstance(kind, str) else ""


def _x_reason(error: tweepy.HTTPException) -> str:
    """The status and X's own words (tweepy's ``api_messages``: the errors' messages, else the
    problem's ``detail``); never the request, whose header carries the tokens."""
    response = error.response
    status = f"{response.status_code} {response.reason or ''}".strip()
    messages = [str(message) for message in error.api_messages if message]
    return f"{status}: {'; '.join(messages)}" if messages else status


def _x_reset(headers: Any) -> datetime:
    """When posting works again: the 15-minute window's reset, or the later reset of a used up
    24-hour limit (X answers 429 for either)."""
    resets = [_epoch(headers.get("x-rate-limit-reset"))]
    for scope in ("user", "app"):
        if headers.get(f"x-{scope}-limit-24hour-remaining") == "0":
            resets.append(_epoch(headers.get(f"x-{scope}-limit-24hour-reset")))
    known = [reset for reset in resets if reset is not None]
    return max(known) if known else utcnow() + X_RATE_WINDOW


def _epoch(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


# -- Reddit -------------------------------------------------------------------------------------
class _OneAttempt(RetryStrategy):
    """One attempt, with no sleep before it. prawcore's own strategy sends the request again
    after a 5xx, a timeout or a dropped connection, when the comment may exist already."""

    def _sleep_seconds(self) -> float | None:
        return None

    def consume_available_retry(self) -> _OneAttempt:
        return self

    def should_retry_on_failure(self) -> bool:
        return False


def _reply_on_reddit(account: _Account, native_id: str, text: str) -> SentReply:
    found = _FULLNAME.match(native_id)
    if not found:
        raise EarfulError(f"cannot reply on Reddit to {native_id!r}: expected a fullname like "
                          "t3_1oo0uwx (a submission) or t1_nlpe5xi (a comment)")
    try:
        reddit = _reddit(account)
    except (PrawcoreException, PRAWException) as error:
        # praw checks its settings as it is built; its messages name settings, not values.
        raise EarfulError(f"cannot set up the Reddit client ({error}); check "
                          f"{account.check()}") from None
    kind, base36 = found.groups()
    target = reddit.submission(base36) if kind == "t3" else reddit.comment(base36)
    try:
        comment = target.reply(text)
    except RedditAPIException as error:
        raise _reddit_refusal(native_id, error) from None
    except TooManyRequests as error:
        reset = utcnow() + _reddit_wait(error.response.headers)
        raise RateLimited(f"Reddit's rate limit is used up for the reply account; nothing was "
                          f"posted. It resets at {reset:%Y-%m-%d %H:%M:%S} UTC", reset) from None
    except OAuthException as error:
        # The password grant answers 200 with {"error": "invalid_grant"} for a wrong username
        # or password (or an account with two-factor authentication).
        raise EarfulError(f"Reddit refused the reply account's credentials ({error.error}); "
                          f"check {account.check()}; the app must be a 'script' app with "
                          "the account as a developer") from None
    except ResponseException as error:
        raise _reddit_status(account, native_id, error, _reddit_thread(reddit, native_id)) \
            from None
    except RequestException as error:
        raise EarfulError(f"Reddit did not answer the reply to {native_id} "
                          f"({type(error.original_exception).__name__}); it may have been "
                          f"posted: check {_reddit_thread(reddit, native_id)} before sending it "
                          "again") from None
    except (PrawcoreException, PRAWException) as error:
        raise EarfulError(f"Reddit reply to {native_id} failed: {type(error).__name__}: "
                          f"{error}") from None
    if comment is None:
        # Reddit posts the comment but leaves it out of the answer in quarantined subreddits.
        url = f"{reddit.config.reddit_url}/user/{account.values['username']}/comments/"
        log.warning("Reddit posted the reply to %s but did not return it (quarantined "
                    "subreddit?); it is among the account's comments", native_id)
        return SentReply("reddit", None, url)
    data = {key: value for key, value in vars(comment).items() if not key.startswith("_")}
    return SentReply("reddit", f"t1_{data['id']}", _reddit_url(reddit, data))


def _reddit(account: _Account) -> praw.Reddit:
    values = account.values
    reddit = praw.Reddit(client_id=values["client_id"], client_secret=values["client_secret"],
                         user_agent=values["user_agent"], username=values["username"],
                         password=values["password"], check_for_async=False,
                         check_for_updates=False,  # no call to PyPI on every reply
                         # praw sleeps and posts again after a RATELIMIT error of up to this
                         # many seconds (default 5; 0 still retries "milliseconds"): never.
                         ratelimit_seconds=-1)  # prawcore times out each request (16 s)
    # prawcore retries 5xx answers and dropped connections on its own, and only a private
    # attribute says how; refuse to post rather than risk a double reply if that changes.
    core = getattr(reddit, "_core", None)
    if core is None or not hasattr(core, "_retry_strategy_class"):
        raise EarfulError("this prawcore version cannot be told not to retry a request; "
                          "nothing was posted (expected prawcore 2 to 4)")
    core._retry_strategy_class = _OneAttempt
    return reddit


def _reddit_url(reddit: praw.Reddit, data: dict[str, Any]) -> str:
    permalink = data.get("permalink")
    if isinstance(permalink, str) and permalink.startswith("/"):
        return f"{reddit.config.reddit_url}{permalink}"
    # Older answers carry no permalink; Reddit resolves a comment's URL without the slug.
    link = str(data.get("link_id", "")).removeprefix("t3_")
    return f"{reddit.config.reddit_url}/comments/{link}/_/{data['id']}/"


def _reddit_thread(reddit: praw.Reddit, native_id: str) -> str:
    if native_id.startswith("t3_"):
        return f"{reddit.config.reddit_url}/comments/{native_id[3:]}/"
    return f"the replies to {native_id}"


def _reddit_refusal(native_id: str, error: RedditAPIException) -> EarfulError:
    """Reddit's ``json.errors`` (RATELIMIT, THREAD_LOCKED, TOO_OLD…) in its own words."""
    reasons = "; ".join(f"{item.message or item.error_type} ({item.error_type})"
                        for item in error.items)
    for item in error.items:
        if item.error_type == "RATELIMIT":
            wait = _reddit_message_wait(item.message or "")
            if wait is not None:
                reset = utcnow() + wait
                return RateLimited(f"Reddit refused the reply to {native_id}: {reasons}; "
                                   "nothing was posted", reset)
    return EarfulError(f"Reddit refused the reply to {native_id}: {reasons}")


def _reddit_status(account: _Account, native_id: str, error: ResponseException,
                   thread: str) -> EarfulError:
    response = error.response
    status = f"{response.status_code} {response.reason or ''}".strip()
    explained = _reddit_explanation(response)
    if response.status_code == 401:
        # From the token exchange (client id and secret) or the comment (the token).
        return EarfulError(f"Reddit refused the reply account's credentials ({status}); check "
                           f"{account.check()}")
    if response.status_code == 403:
        return EarfulError(
            f"Reddit refused the reply to {native_id} ({status}{explained}): the account may "
            "not comment there (banned, locked or archived thread, private subreddit) or its "
            f"credentials lack permission; check {account.check()}")
    if response.status_code >= 500:
        return EarfulError(f"Reddit failed answering the reply to {native_id} ({status}); it "
                           f"may have been posted: check {thread} before sending it again")
    return EarfulError(f"Reddit refused the reply to {native_id} ({status}{explained})")


def _reddit_explanation(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    words = body.get("explanation") or body.get("reason") or body.get("message")
    status_words = {response.reason or "", str(response.status_code)}
    return f": {words}" if isinstance(words, str) and words not in status_words else ""


def _reddit_wait(headers: Any) -> timedelta:
    for header in ("x-ratelimit-reset", "retry-after"):
        try:
            seconds = float(headers.get(header))
        except (TypeError, ValueError):
            continue
        return timedelta(seconds=max(seconds, 1.0))
    return REDDIT_RATE_WINDOW


def _reddit_message_wait(message: str) -> timedelta | None:
    """The wait in a RATELIMIT message ("Take a break for 9 minutes before trying again.")."""
    found = _REDDIT_WAIT.search(message)
    if found is None:
        return None
    seconds = int(found.group(1)) * _WAIT_UNITS[found.group(2).lower()]
    return timedelta(seconds=max(seconds, 1.0))

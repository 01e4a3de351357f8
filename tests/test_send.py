"""Posting replies through the real tweepy and praw against X's and Reddit's recorded answers
(``fixtures/send_http``): what is sent, what comes back, and that nothing is sent twice."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
import requests
import responses
from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth1.rfc5849 import signature
from oauthlib.oauth1.rfc5849.utils import parse_authorization_header
from responses.registries import OrderedRegistry

from earful.config import ReplyAccount, Settings
from earful.errors import EarfulError, MissingCredentials, RateLimited
from responders.send import SentReply, send_reply
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "send_http"
TWEETS = "https://api.twitter.com/2/tweets"
TOKEN_URL = "https://www.reddit.com/api/v1/access_token"
COMMENT_URL = "https://oauth.reddit.com/api/comment/"
TWEET = "2120119557936603141"  # @mara_outdoors's tweet in fixtures/x_http
SUBMISSION, COMMENT = "t3_1oo0uwx", "t1_nlpe5xi"  # listener/sample/reddit_comments_1oo0uwx.json
# Recognisable values: none of them may reach a message or a log line.
ENV = {
    "X_CONSUMER_KEY": "xck-SENTINEL-consumer-key-7Q1",
    "X_CONSUMER_SECRET": "xcs-SENTINEL-consumer-secret-9Z4",
    "X_ACCESS_TOKEN": "1402117718420324353-SENTINELaccesstoken",
    "X_ACCESS_TOKEN_SECRET": "xats-SENTINEL-token-secret-3K8",
    "REDDIT_CLIENT_ID": "rci-SENTINEL-id",
    "REDDIT_CLIENT_SECRET": "rcs-SENTINEL-secret-5M2",
    "REDDIT_USER_AGENT": "linux:earful-replies:0.1 (by u/KestrelHelp)",
    "REDDIT_USERNAME": "KestrelHelp",
    "REDDIT_PASSWORD": "pw-SENTINEL-hunter2",
}
SECRETS = [value for name, value in ENV.items()
           if name not in ("REDDIT_USER_AGENT", "REDDIT_USERNAME")]  # those two are public
X_NAMES = ["X_CONSUMER_KEY", "X_CONSUMER_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET"]
REDDIT_NAMES = ["REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "REDDIT_USER_AGENT",
                "REDDIT_USERNAME", "REDDIT_PASSWORD"]


def recording(name: str) -> dict[str, Any]:
    """One recorded answer: ``request`` (method, url), ``status``, ``headers``, ``body``."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def answer(name: str, **changes: Any) -> responses.Response:
    record = {**recording(name), **changes}
    body = record["body"]
    content = {"body": body} if isinstance(body, str) else {"json": body}
    return responses.Response(record["request"]["method"], record["request"]["url"],
                              status=record["status"], headers=record["headers"], **content)


def x_text(name: str = "x_reply_created.json") -> str:
    """The reply's text as X echoed it back."""
    return recording(name)["body"]["data"]["text"]


def reddit_text(name: str) -> str:
    return recording(name)["body"]["json"]["data"]["things"][0]["data"]["body"]


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(autouse=True)
def no_secret_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every test logs at DEBUG (the libraries' request logging included) and leaks nothing."""
    caplog.set_level(logging.DEBUG)
    yield
    # At teardown ``caplog.text`` holds the teardown's records: read the test's own.
    logged = "\n".join(record.getMessage() for record in caplog.get_records("call"))
    leaked = [value for value in SECRETS if value in logged]
    assert not leaked, f"credential values in the log: {leaked}"


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    """X's and Reddit's answers, served in the order a test adds them, each once; any other
    request fails the test (a retried POST among them)."""
    with responses.RequestsMock(registry=OrderedRegistry) as mock:
        yield mock


def failure(raised: pytest.ExceptionInfo[EarfulError]) -> str:
    """The error's message, checked to hold no credential value."""
    message = str(raised.value)
    assert not [value for value in SECRETS if value in message], message
    return message


def form(request: Any) -> dict[str, str]:
    body = request.body.decode() if isinstance(request.body, bytes) else request.body
    return dict(parse_qsl(body or "", keep_blank_values=True))


# -- X ------------------------------------------------------------------------------------------
def test_x_reply_is_posted_in_reply_to_the_tweet(settings: Settings, api) -> None:
    api.add(answer("x_reply_created.json"))
    sent = send_reply(settings, "x", TWEET, x_text())

    reply_id = recording("x_reply_created.json")["body"]["data"]["id"]
    assert sent == SentReply("x", reply_id, f"https://x.com/i/web/status/{reply_id}")
    request = api.calls[0].request
    assert (request.method, request.url) == ("POST", TWEETS)
    assert json.loads(request.body) == {"text": x_text(),
                                        "reply": {"in_reply_to_tweet_id": TWEET}}
    assert request.req_kwargs["timeout"] == 30  # tweepy itself would wait forever


def test_x_request_is_signed_with_oauth1_user_context(settings: Settings, api) -> None:
    api.add(answer("x_reply_created.json"))
    send_reply(settings, "x", TWEET, x_text())

    header = api.calls[0].request.headers["Authorization"]
    assert header.startswith("OAuth ")
    params = {key: unquote(value) for key, value in parse_authorization_header(header)}
    assert params["oauth_consumer_key"] == ENV["X_CONSUMER_KEY"]
    assert params["oauth_token"] == ENV["X_ACCESS_TOKEN"]
    assert params["oauth_signature_method"] == "HMAC-SHA1"
    # The signature checks out with both secrets: they were read from the named variables.
    request = OAuthRequest(TWEETS, http_method="POST")
    request.params = [(key, value) for key, value in params.items()
                      if key not in ("oauth_signature", "realm")]
    request.signature = params["oauth_signature"]
    assert signature.verify_hmac_sha1(request, ENV["X_CONSUMER_SECRET"],
                                      ENV["X_ACCESS_TOKEN_SECRET"])
    assert not signature.verify_hmac_sha1(request, ENV["X_CONSUMER_SECRET"], "other")


def test_x_rate_limit_says_when_it_resets_and_is_not_retried(settings: Settings, api) -> None:
    api.add(answer("x_rate_limited.json"))
    with pytest.raises(RateLimited) as raised:
        send_reply(settings, "x", TWEET, x_text())

    reset = int(recording("x_rate_limited.json")["headers"]["x-rate-limit-reset"])
    assert raised.value.reset_at == datetime.fromtimestamp(reset, UTC)
    assert f"{raised.value.reset_at:%Y-%m-%d %H:%M:%S} UTC" in failure(raised)
    assert "nothing was posted" in failure(raised)
    assert len(api.calls) == 1


def test_x_daily_limit_resets_when_the_24_hour_window_does(settings: Settings, api) -> None:
    api.add(answer("x_daily_limit.json"))
    with pytest.raises(RateLimited) as raised:
        send_reply(settings, "x", TWEET, x_text())

    headers = recording("x_daily_limit.json")["headers"]
    # The 15-minute window still has room: waiting for its reset would fail again.
    assert int(headers["x-rate-limit-remaining"]) > 0
    assert raised.value.reset_at == datetime.fromtimestamp(
        int(headers["x-user-limit-24hour-reset"]), UTC)


@pytest.mark.parametrize("name", ["x_unauthorized.json", "x_oauth1_permissions.json"])
def test_x_refused_credentials_name_the_variables(settings: Settings, api, name: str) -> None:
    api.add(answer(name))
    with pytest.raises(EarfulError) as raised:
        send_reply(settings, "x", TWEET, x_text())

    message = failure(raised)
    assert not isinstance(raised.value, MissingCredentials | RateLimited)
    assert "refused the reply account's credentials" in message
    assert all(env_name in message for env_name in X_NAMES)
    assert str(recording(name)["status"]) in message
    if name == "x_oauth1_permissions.json":
        assert recording(name)["body"]["detail"] in message
        assert "Read and Write" in message


@pytest.mark.parametrize(("name", "status"), [("x_duplicate.json", "403 Forbidden"),
                                            ("x_text_too_long.json", "400 Bad Request")])
def test_x_refusing_the_reply_gives_x_own_words(settings: Settings, api, name: str,
                                                status: str) -> None:
    api.add(answer(name))
    with pytest.raises(EarfulError) as raised:
        send_reply(settings, "x", TWEET, x_text())

    body = recording(name)["body"]
    words = body["errors"][0]["message"] if "errors" in body else body["detail"]
    # A 403 about the text is not about the account's credentials.
    assert failure(raised) == f"X refused the reply to {TWEET}: {status}: {words}"


def test_x_server_error_is_not_retried(settings: Settings, api) -> None:
    api.add(answer("x_service_unavailable.json"))
    with pytest.raises(EarfulError) as raised:
        send_reply(settings, "x", TWEET, x_text())

    assert len(api.calls) == 1
    assert f"may have been posted: check https://x.com/i/web/status/{TWEET}" in failure(raised)


def test_x_dropped_connection_is_not_retried(settings: Settings, api) -> None:
    api.add(responses.POST, TWEETS, body=requests.ConnectionError("Connection reset by peer"))
    with pytest.raises(EarfulError) as raised:
        send_reply(settings, "x", TWEET, x_text())

    assert len(api.calls) == 1
    assert failure(raised) == (f"X did not answer the reply to {TWEET} (ConnectionError); it may "
                               f"have been posted: check https://x.com/i/web/status/{TWEET} "
                               "before sending it again")


# -- Reddit -------------------------------------------------------------------------------------
def check_token_exchange(call: Any) -> None:
    """The script app's password grant: client id and secret as HTTP basic auth."""
    request = call.request
    assert (request.method, request.url) == ("POST", TOKEN_URL)
    basic = request.headers["Authorization"].removeprefix("Basic ")
    assert base64.b64decode(basic).decode() == (
        f"{ENV['REDDIT_CLIENT_ID']}:{ENV['REDDIT_CLIENT_SECRET']}")
    assert form(request) == {"grant_type": "password", "username": ENV["REDDIT_USERNAME"],
                             "password": ENV["REDDIT_PASSWORD"]}
    assert request.headers["User-Agent"].startswith(ENV["REDDIT_USER_AGENT"])


def check_comment(call: Any, parent: str, text: str) -> None:
    request = call.request
    url = urlsplit(request.url)
    assert (request.method, f"{url.scheme}://{url.netloc}{url.path}") == ("POST", COMMENT_URL)
    assert dict(parse_qsl(url.query)) == {"raw_json": "1"}
    token = recording("reddit_access_token.json")["body"]["access_token"]
    assert request.headers["Authorization"] == f"bearer {token}"
    assert form(request) == {"api_type": "json", "text": text, "thing_id": parent}


@pytest.mark.parametrize(("parent", "name"), [(SUBMISSION, "reddit_comment_on_submission.json"),
                                              (COMMENT, "reddit_comment_on_comment.json")])
def test_reddit_reply_is_posted_as_the_account(settings: Settings, api, caplog, parent: str,
                                               name: str) -> None:
    api.add(answer("reddit_access_token.json"))
    api.add(answer(name))
    sent = send_reply(settings, "reddit", parent, reddit_text(name))

    check_token_exchange(api.calls[0])
    check_comment(api.calls[1], parent, reddit_text(name))
    # The libraries' debug logging is captured (and checked by no_secret_logged).
    assert any(record.name == "prawcore" and record.levelno == logging.DEBUG
               for record in caplog.records)
    created = recording(name)["body"]["json"]["data"]["things"][0]["data"]
    assert created["parent_id"] == parent
    assert sent == SentReply("reddit", created["name"],
                             f"https://www.reddit.com{created['permalink']}")


def test_reddit_reply_url_without_a_permalink(settings: Settings, api) -> None:
    # Reddit's answers carried no permalink before 2017; the URL is built from the ids.
    body = recording("reddit_comment_on_comment.json")["body"]
    created = body["json"]["data"]["things"][0]["data"]
    del created["permalink"]
    api.add(answer("reddit_access_token.json"))
    api.add(answer("reddit_comment_on_comment.json", body=body))
    sent = send_reply(settings, "reddit", COMMENT, created["body"])

    assert sent.url == f"https://www.reddit.com/comments/1oo0uwx/_/{created['id']}/"


def test_reddit_reply_reddit_did_not_return(settings: Settings, api) -> None:
    api.add(answer("reddit_access_token.json"))
    api.add(answer("reddit_comment_quarantined.json"))
    sent = send_reply(settings, "reddit", SUBMISSION, "Thanks for flagging this!")

    assert sent == SentReply("reddit", None, "https://www.reddit.com/user/KestrelHelp/comments/")


def test_reddit_rate_limit_says_when_it_resets(settings: Settings, api) -> None:
    api.add(answer("reddit_access_token.json"))
    api.add(answer("reddit_too_many_requests.json"))
    before = datetime.now(UTC)
    with pytest.raises(RateLimited) as raised:
        send_reply(settings, "reddit", SUBMISSION, "Thanks for flagging this!")

    seconds = float(recording("reddit_too_many_requests.json")["headers"]["x-ratelimit-reset"])
    assert before + timedelta(seconds=seconds) <= raised.value.reset_at
    assert raised.value.reset_at <= datetime.now(UTC) + timedelta(seconds=seconds)
    assert "nothing was posted" in failure(raised)
    assert len(api.calls) == 2


def test_reddit_ratelimit_error_is_not_slept_on_and_resent(settings: Settings, api) -> None:
    # praw sleeps and posts again after a RATELIMIT of up to 5 s; the fixture asks for 3 s.
    api.add(answer("reddit_access_token.json"))
    api.add(answer("reddit_ratelimit.json"))
    before = datetime.now(UTC)
    with pytest.raises(RateLimited) as raised:
        send_reply(settings, "reddit", SUBMISSION, "Thanks for flagging this!")

    assert len(api.calls) == 2
    code, words, _ = recording("reddit_ratelimit.json")["body"]["json"]["errors"][0]
    assert failure(raised) == (f"Reddit refused the reply to {SUBMISSION}: {words} ({code}); "
                               "nothing was posted")
    assert before + timedelta(seconds=3) <= raised.value.reset_at
    assert raised.value.reset_at <= datetime.now(UTC) + timedelta(seconds=3)


def test_reddit_json_error_gives_reddit_own_words(settings: Settings, api) -> None:
    api.add(answer("reddit_access_token.json"))
    api.add(answer("reddit_thread_locked.json"))
    with pytest.raises(EarfulError) as raised:
        send_reply(settings, "reddit", SUBMISSION, "Thanks for flagging this!")

    assert not isinstance(raised.value, RateLimited)
    assert failure(raised) == (f"Reddit refused the reply to {SUBMISSION}: Comments are locked. "
                               "(THREAD_LOCKED)")


@pytest.mark.parametrize(("token", "name"), [
    ("reddit_invalid_grant.json", None),  # wrong username or password
    ("reddit_token_unauthorized.json", None),  # wrong client id or secret
    ("reddit_access_token.json", "reddit_unauthorized.json"),  # the token itself refused
])
def test_reddit_refused_credentials_name_the_variables(settings: Settings, api, token: str,
                                                       name: str | None) -> None:
    api.add(answer(token))
    if name:
        api.add(answer(name))
    with pytest.raises(EarfulError) as raised:
        send_reply(settings, "reddit", SUBMISSION, "Thanks for flagging this!")

    message = failure(raised)
    assert not isinstance(raised.value, MissingCredentials | RateLimited)
    assert "Reddit refused the reply account's credentials" in message
    assert all(env_name in message for env_name in REDDIT_NAMES)
    check_token_exchange(api.calls[0])
    # Not even prawcore's refresh-and-retry after a 401.
    assert len(api.calls) == (2 if name else 1)


def test_reddit_forbidden(settings: Settings, api) -> None:
    api.add(answer("reddit_access_token.json"))
    api.add(answer("reddit_forbidden.json"))
    with pytest.raises(EarfulError) as raised:
        send_reply(settings, "reddit", COMMENT, "Thanks for flagging this!")

    message = failure(raised)
    assert message.startswith(f"Reddit refused the reply to {COMMENT} (403 Forbidden): the "
                              "account may not comment there")
    assert "REDDIT_PASSWORD" in message


def test_reddit_server_error_is_not_retried(settings: Settings, api) -> None:
    # prawcore retries a 502 twice by itself (after sleeping): each could post the reply.
    api.add(answer("reddit_access_token.json"))
    api.add(answer("reddit_bad_gateway.json"))
    with pytest.raises(EarfulError) as raised:
        send_reply(settings, "reddit", SUBMISSION, "Thanks for flagging this!")

    assert len(api.calls) == 2
    assert failure(raised) == (f"Reddit failed answering the reply to {SUBMISSION} (502 Bad "
                               "Gateway); it may have been posted: check "
                               "https://www.reddit.com/comments/1oo0uwx/ before sending it again")


def test_reddit_dropped_connection_is_not_retried(settings: Settings, api) -> None:
    api.add(answer("reddit_access_token.json"))
    api.add(responses.POST, COMMENT_URL, body=requests.ConnectionError("Connection reset"))
    with pytest.raises(EarfulError) as raised:
        send_reply(settings, "reddit", COMMENT, "Thanks for flagging this!")

    assert len(api.calls) == 2
    assert failure(raised) == (f"Reddit did not answer the reply to {COMMENT} (ConnectionError); "
                               f"it may have been posted: check the replies to {COMMENT} before "
                               "sending it again")


# -- before any request -------------------------------------------------------------------------
def test_missing_account_names_the_config_key(settings: Settings, api) -> None:
    without = settings.model_copy(update={"replies": {}})
    with pytest.raises(MissingCredentials) as raised:
        send_reply(without, "x", TWEET, "Hi!")

    assert failure(raised) == (
        "no account to post replies on x from: add [replies.x] to the config with credentials "
        '= { consumer_key = "X_CONSUMER_KEY", consumer_secret = "X_CONSUMER_SECRET", '
        'access_token = "X_ACCESS_TOKEN", access_token_secret = "X_ACCESS_TOKEN_SECRET" } '
        "(names of environment variables)")
    assert not api.calls


def test_unnamed_credential_names_the_config_key(settings: Settings, api) -> None:
    names = dict(zip(["client_id", "client_secret", "user_agent", "username"],
                     REDDIT_NAMES, strict=False))
    partial = settings.model_copy(update={"replies": {"reddit": ReplyAccount(credentials=names)}})
    with pytest.raises(MissingCredentials, match=r"^replies\.reddit\.credentials: no password;"):
        send_reply(partial, "reddit", SUBMISSION, "Hi!")
    assert not api.calls


@pytest.mark.parametrize(("platform", "native_id", "unset", "keys"), [
    ("x", TWEET, ["X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET"],
     ["access_token", "access_token_secret"]),
    ("reddit", SUBMISSION, ["REDDIT_PASSWORD"], ["password"]),
])
def test_unset_variables_are_named_not_the_values(settings: Settings, api, monkeypatch,
                                                  platform: str, native_id: str,
                                                  unset: list[str], keys: list[str]) -> None:
    monkeypatch.delenv(unset[0])
    for name in unset[1:]:
        monkeypatch.setenv(name, "")  # empty counts as unset
    with pytest.raises(MissingCredentials) as raised:
        send_reply(settings, platform, native_id, "Hi!")

    assert failure(raised) == (
        f"cannot post replies on {platform}: set {', '.join(unset)} "
        f"({', '.join(f'replies.{platform}.credentials.{key}' for key in keys)})")
    assert not api.calls


@pytest.mark.parametrize(("platform", "native_id", "text", "expected"), [
    ("discord", "123", "Hi!", "cannot post replies on 'discord'"),
    ("x", TWEET, "  \n", "the reply is empty"),
    ("x", "t3_1oo0uwx", "Hi!", "expected a tweet id"),
    ("reddit", "1oo0uwx", "Hi!", "expected a fullname like t3_"),
    ("reddit", "t2_1hq3v8zk", "Hi!", "expected a fullname like t3_"),  # a user
])
def test_what_cannot_be_replied_to_is_refused_before_any_request(
        settings: Settings, api, platform: str, native_id: str, text: str,
        expected: str) -> None:
    with pytest.raises(EarfulError, match=expected):
        send_reply(settings, platform, native_id, text)
    assert not api.calls


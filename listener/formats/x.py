"""X API v2: search / timeline responses with ``includes``, and twarc's flattened tweets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from earful.models import Author, Post
from listener.formats import ParseError
from listener.formats.fields import as_int, as_str, type_name, unescape_entities

_TWITTER_EPOCH_MS = 1288834974657
_RETWEET_PREFIX = re.compile(r"RT @(\w{1,15}): ")
# Strongest first: a retweet of a reply is a repost, a reply that quotes is a reply.
_KIND_BY_REFERENCE = (("retweeted", "repost"), ("replied_to", "reply"), ("quoted", "quote"))

Index = dict[str, dict[str, Any]]


def posts_from_response(doc: Any) -> Iterator[Post | ParseError]:
    """Yield a ``Post`` per tweet in an X API v2 response, or a ``ParseError`` per bad tweet.

    Accepts a response (``data`` a tweet or a list of tweets, with ``includes.users`` and
    ``includes.tweets`` used for authors and retweeted originals), a response without ``data``
    (no results, or ``errors`` only: yields nothing), a twarc ``--flatten`` tweet with its
    ``author`` embedded, or a list of any of these.
    """
    if isinstance(doc, list):
        for item in doc:
            yield from posts_from_response(item)
        return
    if not isinstance(doc, dict):
        yield ParseError(f"expected an X API response or tweet object, got {type_name(doc)}")
        return
    if doc.get("data") is not None:
        data = doc["data"]
        tweets = [data] if isinstance(data, dict) else data
        if not isinstance(tweets, list):
            yield ParseError(
                f"X response 'data' should be a tweet or a list, not {type_name(data)}")
            return
        includes = doc.get("includes")
        if not isinstance(includes, dict):
            includes = {}
        users = _index(includes.get("users"))
        originals = _index(includes.get("tweets"))
    elif "id" in doc or "text" in doc:
        tweets = [doc]
        # twarc --flatten embeds the author, and the whole referenced tweets with theirs.
        references = doc.get("referenced_tweets")
        originals = _index(references)
        embedded = [doc.get("author")]
        if isinstance(references, list):
            embedded += [ref.get("author") for ref in references if isinstance(ref, dict)]
        users = _index(embedded)
    elif "errors" in doc or "meta" in doc:
        return
    else:
        yield ParseError("not an X API v2 response or tweet: no 'data', 'id' or 'errors'")
        return
    for tweet in tweets:
        try:
            post: Post | ParseError = post_from_tweet(tweet, users, originals)
        except ParseError as exc:
            post = exc
        yield post


def post_from_tweet(tweet: Any, users: Index | None = None, originals: Index | None = None) -> Post:
    """Build the ``Post`` for one v2 tweet object; ``raw`` is that object.

    ``users`` and ``originals`` map ids to ``includes.users`` / ``includes.tweets`` entries.
    For an edited tweet the post is keyed by its first version and ``created_at`` is that
    version's time, ``edited_at`` this version's. Raises ``ParseError`` when ``id`` or
    ``text`` is missing or mistyped or ``created_at`` is unreadable.
    """
    users = users or {}
    originals = originals or {}
    if not isinstance(tweet, dict):
        raise ParseError(f"expected a tweet object, got {type_name(tweet)}")
    tweet_id = _id(tweet.get("id"))
    if tweet_id is None:
        raise ParseError("tweet has no 'id'")
    text = tweet.get("text")
    if not isinstance(text, str):
        problem = "no 'text'" if text is None else f"a {type_name(text)} 'text'"
        raise ParseError(f"tweet {tweet_id} has {problem}")
    text = _full_text(tweet) or text

    history = tweet.get("edit_history_tweet_ids")
    native_id = (_id(history[0]) if isinstance(history, list) and history else None) or tweet_id
    version_id = tweet_id if tweet_id != native_id else None
    posted = _created_at(tweet, tweet_id)
    created_at, edited_at = posted, None
    if version_id is not None:
        created_at, edited_at = _snowflake_time(native_id) or posted, posted

    references: dict[str, str] = {}
    refs = tweet.get("referenced_tweets")
    for ref in refs if isinstance(refs, list) else ():
        if isinstance(ref, dict) and isinstance(ref.get("type"), str):
            ref_id = _id(ref.get("id"))
            if ref_id is not None:
                references.setdefault(ref["type"], ref_id)
    kind = next((kind for ref, kind in _KIND_BY_REFERENCE if ref in references), "post")
    if kind == "repost":
        text = _retweet_text(text, originals.get(references["retweeted"]), users)
    elif kind == "post" and _RETWEET_PREFIX.match(text):
        kind = "repost"  # asked for without `referenced_tweets`: the text still says so
    text = unescape_entities(text)

    author_id = _id(tweet.get("author_id"))
    author = _author(users.get(author_id) if author_id else None, author_id)
    if author is None and isinstance(tweet.get("author"), dict):
        author = _author(tweet["author"], None)
    username = (author.handle if author else None) or "i"
    metrics = tweet.get("public_metrics")
    if not isinstance(metrics, dict):
        metrics = {}
    reposts = as_int(metrics.get("retweet_count"))
    if kind == "repost" and reposts is not None:
        # A retweet carries its original's retweet count; it is never retweeted itself
        # (retweeting it retweets the original), so that count is not its engagement.
        reposts = 0
    thread_id = _id(tweet.get("conversation_id"))
    if version_id is not None and thread_id in map(_id, history):
        # An edited post that starts its thread: each version is its own conversation.
        thread_id = native_id

    return Post(
        platform="x",
        native_id=native_id,
        text=text,
        created_at=created_at,
        kind=kind,
        url=f"https://x.com/{username}/status/{tweet_id}",
        author=author,
        lang=as_str(tweet.get("lang")),
        thread_id=thread_id,
        parent_id=references.get("replied_to"),
        likes=as_int(metrics.get("like_count")),
        replies=as_int(metrics.get("reply_count")),
        reposts=reposts,
        quotes=as_int(metrics.get("quote_count")),
        edited_at=edited_at,
        version_id=version_id,
        raw=tweet,
    )


def _full_text(tweet: dict[str, Any]) -> str | None:
    # Long posts carry the truncated text in ``text`` and the whole post in ``note_tweet``.
    note = tweet.get("note_tweet")
    return as_str(note.get("text")) if isinstance(note, dict) else None


def _retweet_text(text: str, original: dict[str, Any] | None, users: Index) -> str:
    # X truncates a retweet's own text; the original in includes has all of it.
    if original is None:
        return text
    full = _full_text(original) or as_str(original.get("text"))
    if full is None:
        return text
    match = _RETWEET_PREFIX.match(text)
    username = match.group(1) if match else None
    if username is None:
        user = users.get(_id(original.get("author_id")) or "")
        username = as_str(user.get("username")) if user else None
    return f"RT @{username}: {full}" if username else text


def _author(user: dict[str, Any] | None, author_id: str | None) -> Author | None:
    user_id = _id(user.get("id")) if user else None
    if user is None or user_id is None:
        return Author(platform="x", native_id=author_id) if author_id else None
    metrics = user.get("public_metrics")
    if not isinstance(metrics, dict):
        metrics = {}
    verified = user.get("verified")
    return Author(
        platform="x",
        native_id=user_id,
        handle=as_str(user.get("username")),
        name=as_str(user.get("name")),
        followers=as_int(metrics.get("followers_count")),
        following=as_int(metrics.get("following_count")),
        verified=verified if isinstance(verified, bool) else None,
        post_count=as_int(metrics.get("tweet_count")),
        created_at=_iso_time(user.get("created_at")),
    )


def _created_at(tweet: dict[str, Any], tweet_id: str) -> datetime:
    value = tweet.get("created_at")
    if value is None:
        # created_at is only sent when requested in tweet.fields; the id always carries it.
        moment = _snowflake_time(tweet_id)
        if moment is None:
            raise ParseError(f"tweet {tweet_id} has no 'created_at' and its id is not a snowflake")
        return moment
    moment = _iso_time(value)
    if moment is None:
        raise ParseError(f"tweet {tweet_id}: 'created_at' is not an ISO 8601 time: {value!r}")
    return moment


def _iso_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _snowflake_time(tweet_id: str) -> datetime | None:
    if not (tweet_id.isascii() and tweet_id.isdigit()):
        return None
    millis = (int(tweet_id) >> 22) + _TWITTER_EPOCH_MS
    try:
        # Whole seconds, as X's own created_at values are, so both sources agree.
        return datetime.fromtimestamp(millis // 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _index(items: Any) -> Index:
    if not isinstance(items, list):
        return {}
    index: Index = {}
    for item in items:
        if isinstance(item, dict):
            item_id = _id(item.get("id"))
            if item_id is not None:
                index[item_id] = item
    return index


def _id(value: Any) -> str | None:
    if type(value) is str:
        return value or None
    return str(value) if type(value) is int else None

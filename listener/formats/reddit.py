"""Reddit's own formats: API listings and comment pages, and Pushshift / Arctic Shift dumps.

API records come wrapped as things (``{"kind": "t3", "data": {...}}``); dump records are the
bare ``data`` objects, one per line. Both map to the same ``Post``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from earful.models import Author, Post
from listener.formats import ParseError
from listener.formats.fields import as_int, as_str, type_name, unescape_entities

_SITE = "https://www.reddit.com"
_KINDS = {"t3": "submission", "t1": "comment"}
_EMPTY_SELFTEXT = frozenset({"", "[removed]", "[deleted]"})
_NO_AUTHOR = frozenset({"", "[deleted]", "[removed]"})
_THREAD_IN_PATH = re.compile(r"/comments/(\w+)")


def posts_from_listing(doc: Any) -> Iterator[Post | ParseError]:
    """Yield every submission and comment in ``doc``, depth first, as ``Post`` objects.

    ``doc`` may be a Listing, a comments page (a list of two Listings), a bare list of things,
    a single thing, a bare dump record, or what ``/api/morechildren`` answers (the comments
    behind a ``more`` stub). Comment ``replies`` listings are followed recursively; ``more``
    stubs and other kinds are skipped. A record that cannot be read is yielded as a
    ``ParseError`` and the rest still load.
    """
    if isinstance(doc, list):
        for item in doc:
            yield from posts_from_listing(item)
        return
    if not isinstance(doc, dict):
        yield ParseError(f"expected a Reddit listing or record, got {type_name(doc)}")
        return
    kind = doc.get("kind")
    if kind is None and isinstance(doc.get("json"), dict):
        yield from _answer(doc["json"])
        return
    if kind == "Listing":
        data = doc.get("data")
        children = data.get("children") if isinstance(data, dict) else None
        if not isinstance(children, list):
            yield ParseError("Reddit Listing has no 'data.children' list")
            return
        yield from posts_from_listing(children)
        return
    if kind is not None and not _is_post_kind(kind):
        return  # "more" stubs, and accounts/subreddits/awards that are not posts
    try:
        post: Post | ParseError = post_from_thing(doc)
    except ParseError as exc:
        post = exc
    yield post
    # Replies still load when their parent comment is unreadable.
    data = doc.get("data") if kind is not None else doc
    replies = data.get("replies") if isinstance(data, dict) else None
    if isinstance(replies, dict | list):
        yield from posts_from_listing(replies)


def _answer(body: dict[str, Any]) -> Iterator[Post | ParseError]:
    """``{"json": {"errors": [...], "data": {"things": [...]}}}``, as ``/api/morechildren``
    answers: its things, and its errors as a problem."""
    errors = body.get("errors")
    if errors:
        yield ParseError(f"Reddit answered with errors: {errors}")
    data = body.get("data")
    things = data.get("things") if isinstance(data, dict) else None
    if isinstance(things, list):
        yield from posts_from_listing(things)
    elif not errors:
        yield ParseError("Reddit answer has no 'json.data.things' list")


def post_from_thing(obj: Any, *, escaped: bool = True) -> Post:
    """Build the ``Post`` for one submission or comment.

    ``obj`` is a thing (``{"kind": "t3" | "t1", "data": {...}}``) or a bare dump record, which
    is a comment when it has ``body`` and a submission when it has ``title``. Raises
    ``ParseError`` naming the missing or mistyped field. ``raw`` is the ``data`` object,
    without its nested ``replies`` listing. ``escaped``: its text has ``&``, ``<`` and ``>``
    as HTML entities, as the API's plain answers and the archive dumps do; not what PRAW
    fetches (it asks for ``raw_json=1``), where "&amp;" is what the author typed.
    """
    if not isinstance(obj, dict):
        raise ParseError(f"expected a Reddit submission or comment object, got {type_name(obj)}")
    kind = obj.get("kind")
    if kind is None:
        data = obj
        prefix = _prefix(data)
    else:
        data = obj.get("data")
        if not _is_post_kind(kind) or not isinstance(data, dict):
            raise ParseError(f"not a Reddit submission or comment thing (kind {kind!r})")
        prefix = kind
    comment = prefix == "t1"

    base_id = data.get("id") or ""
    if not isinstance(base_id, str):
        raise ParseError(f"Reddit record's 'id' should be a string, not {type_name(base_id)}")
    name = data.get("name")
    if isinstance(name, str) and name.startswith(prefix + "_"):
        native_id = name
        base_id = base_id or name[3:]
    elif base_id:
        native_id = f"{prefix}_{base_id}"
    else:
        raise ParseError(f"Reddit {_KINDS[prefix]} has no 'id'")

    if comment:
        text = _required_str(data, "body")
        parent_id = as_str(data.get("parent_id"))
        thread_id = _fullname(data.get("link_id"), "t3") or _thread(parent_id, data)
    else:
        text = _required_str(data, "title")
        selftext = data.get("selftext")
        if isinstance(selftext, str) and selftext.strip() not in _EMPTY_SELFTEXT:
            text = f"{text}\n\n{selftext}"
        thread_id = native_id
        parent_id = None
    if escaped:
        text = unescape_entities(text)

    if "created_utc" not in data:
        raise ParseError(f"Reddit {_KINDS[prefix]} {native_id} has no 'created_utc'")
    created_at = _epoch(data["created_utc"])
    if created_at is None:
        raise ParseError(
            f"Reddit {_KINDS[prefix]} {native_id}: 'created_utc' is not a Unix time: "
            f"{data['created_utc']!r}"
        )

    community = as_str(data.get("subreddit"))
    if community and community[:2].lower() == "r/":
        community = community[2:]
    edited = data.get("edited")
    score = as_int(data.get("score"))
    raw = data
    if isinstance(data.get("replies"), dict | list):
        # Each comment would otherwise carry its whole subtree, once per ancestor.
        raw = {key: value for key, value in data.items() if key != "replies"}

    return Post(
        platform="reddit",
        native_id=native_id,
        text=text,
        created_at=created_at,
        kind=_KINDS[prefix],
        url=_url(data, community, base_id, thread_id, comment),
        author=_author(data),
        lang=None,
        thread_id=thread_id,
        parent_id=parent_id,
        community=community,
        likes=score if score is not None else as_int(data.get("ups")),
        replies=None if comment else as_int(data.get("num_comments")),
        edited_at=None if isinstance(edited, bool) else _epoch(edited),
        raw=raw,
    )


def _is_post_kind(kind: Any) -> bool:
    return isinstance(kind, str) and kind in _KINDS


def _prefix(data: dict[str, Any]) -> str:
    name = data.get("name")
    if isinstance(name, str) and name[:3] in ("t1_", "t3_"):
        return name[:2]
    if "body" in data:
        return "t1"
    if "title" in data:
        return "t3"
    raise ParseError("Reddit record has neither 'title' (submission) nor 'body' (comment)")


def _thread(parent_id: str | None, data: dict[str, Any]) -> str | None:
    """A comment's thread when it has no ``link_id`` (comments in the inbox): its parent, if
    that is the submission, else the submission its ``context`` link points into."""
    if parent_id is not None and parent_id.startswith("t3_"):
        return parent_id
    context = as_str(data.get("context"))
    found = _THREAD_IN_PATH.search(context) if context else None
    return f"t3_{found.group(1)}" if found else None


def _url(
    data: dict[str, Any], community: str | None, base_id: str, thread_id: str | None, comment: bool
) -> str | None:
    # An inbox comment has no permalink, but its context link is one (with "?context=3").
    permalink = as_str(data.get("permalink")) or as_str(
        (as_str(data.get("context")) or "").partition("?")[0])
    if permalink:
        return permalink if permalink.startswith("http") else _SITE + permalink
    root = f"{_SITE}/r/{community}" if community else _SITE
    if not comment:
        return f"{root}/comments/{base_id}/"
    if thread_id is None:
        return None
    return f"{root}/comments/{thread_id[3:]}/_/{base_id}/"


def _author(data: dict[str, Any]) -> Author | None:
    username = data.get("author")
    if not isinstance(username, str) or username in _NO_AUTHOR:
        return None
    return Author(
        platform="reddit",
        native_id=username,
        handle=username,
        created_at=_epoch(data.get("author_created_utc")),
    )


def _fullname(value: Any, prefix: str) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    return value if value.startswith(prefix + "_") else f"{prefix}_{value}"


def _epoch(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _required_str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        raise ParseError(f"Reddit record has no {key!r}")
    if not isinstance(value, str):
        raise ParseError(f"Reddit record's {key!r} should be a string, not {type_name(value)}")
    return value

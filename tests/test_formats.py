"""The platform format parsers, against hand-written payloads in the real API and dump shapes.

Expected values are read off the fixtures in tests/fixtures/formats/ (ids, epochs, metrics),
not off the parser's output.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zstandard

from earful.models import Author, Post
from listener.formats import (
    ParseError,
    Problem,
    platforms,
    posts_from_document,
    read_posts,
)
from listener.formats.reddit import post_from_thing, posts_from_listing
from listener.formats.x import posts_from_response

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
THREAD = "/r/KestrelCloud/comments/1oq2x7k/kestrel_sync_keeps_dropping_files_since_the_42/"
DUMP_THREAD = "/r/KestrelCloud/comments/1or0k2m/is_kestrel_worth_it_over_nimbus_for_a_small_team/"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def load(path: Path, platform: str) -> tuple[list[Post], list[Problem]]:
    items = list(read_posts(path, platform))
    posts = [item for item in items if isinstance(item, Post)]
    problems = [item for item in items if isinstance(item, Problem)]
    assert len(posts) + len(problems) == len(items)
    return posts, problems


def by_id(posts: list[Post]) -> dict[str, Post]:
    return {post.native_id: post for post in posts}


# --- Reddit -------------------------------------------------------------------------------


def test_reddit_subreddit_new_listing() -> None:
    posts, problems = load(FIXTURES / "reddit_new_listing.json", "reddit")

    assert problems == []
    assert [p.native_id for p in posts] == ["t3_1oq2x7k", "t3_1oq1m3b", "t3_1opz9qa"]
    bug, notes, removed = posts

    assert bug.platform == "reddit"
    assert bug.kind == "submission"
    assert bug.text == (
        "Kestrel sync keeps dropping files since the 4.2 update\n\n"
        "Since 4.2 went out on Friday, files in our shared folders vanish from the other "
        "laptops about once a day. They come back after a full resync. Anyone else?"
    )
    assert bug.created_at == utc(2026, 11, 2, 14, 5, 9)
    assert bug.url == "https://www.reddit.com" + THREAD
    assert bug.author == Author(platform="reddit", native_id="mariposa_dev", handle="mariposa_dev")
    assert bug.thread_id == "t3_1oq2x7k"
    assert bug.parent_id is None
    assert bug.community == "KestrelCloud"
    assert (bug.likes, bug.replies, bug.reposts, bug.quotes) == (42, 17, None, None)
    assert bug.edited_at is None
    assert bug.lang is None
    assert bug.raw["author_fullname"] == "t2_8k2m1xqz"

    # A link post has an empty selftext: the text is the title alone.
    assert notes.text == "Kestrel 4.2 release notes"
    assert notes.author is not None and notes.author.native_id == "KestrelCloud_Team"
    assert (
        notes.url
        == "https://www.reddit.com/r/KestrelCloud/comments/1oq1m3b/kestrel_42_release_notes/"
    )
    assert (notes.likes, notes.replies) == (128, 54)
    assert notes.created_at == utc(2026, 11, 2, 11, 30)

    # Removed by a moderator: "[removed]" body, "[deleted]" author, still a post.
    assert removed.text == "Switching to Nimbus Drive, any tips?"
    assert removed.author is None
    assert removed.created_at == utc(2026, 11, 1, 22, 47, 31)
    assert (removed.likes, removed.replies) == (0, 3)


def test_reddit_comments_page_walks_nested_replies_and_skips_more() -> None:
    posts, problems = load(FIXTURES / "reddit_comments_page.json", "reddit")

    assert problems == []
    assert [p.native_id for p in posts] == [
        "t3_1oq2x7k",
        "t1_nm3a1b2",
        "t1_nm3c9d0",
        "t1_nm3f2k8",
        "t1_nm3b4e6",
    ]
    assert [p.kind for p in posts] == ["submission"] + ["comment"] * 4
    posts_by_id = by_id(posts)

    top = posts_by_id["t1_nm3a1b2"]
    assert top.text == "Same here. Rolled back to 4.1.3 and it stopped."
    assert top.created_at == utc(2026, 11, 2, 14, 20, 44)
    assert top.author == Author(platform="reddit", native_id="quietfox", handle="quietfox")
    assert top.thread_id == "t3_1oq2x7k"
    assert top.parent_id == "t3_1oq2x7k"
    assert top.url == "https://www.reddit.com" + THREAD + "nm3a1b2/"
    assert (top.likes, top.replies) == (12, None)
    assert top.community == "KestrelCloud"
    # The nested listing is walked, not copied into every ancestor's raw.
    assert "replies" not in top.raw
    assert top.raw["id"] == "nm3a1b2"

    edited = posts_by_id["t1_nm3c9d0"]
    assert edited.parent_id == "t1_nm3a1b2"
    assert edited.created_at == utc(2026, 11, 2, 14, 31, 2)
    assert edited.edited_at == utc(2026, 11, 2, 14, 35)
    assert edited.likes == 3

    deepest = posts_by_id["t1_nm3f2k8"]
    assert deepest.parent_id == "t1_nm3c9d0"
    assert deepest.thread_id == "t3_1oq2x7k"
    assert deepest.text == "Settings > About > Version history. Or grab it from their archive page."

    deleted = posts_by_id["t1_nm3b4e6"]
    assert deleted.author is None
    assert deleted.text == "[deleted]"
    assert deleted.created_at == utc(2026, 11, 2, 14, 52, 10)


def test_reddit_pushshift_dump() -> None:
    posts, problems = load(FIXTURES / "reddit_dump.ndjson", "reddit")

    assert problems == []
    assert [p.native_id for p in posts] == ["t3_1or0k2m", "t1_nm9x1qp", "t1_nm9z4tt", "t3_1or2b7v"]
    question, answer, removed, link = posts

    assert question.kind == "submission"
    assert question.text == (
        "Is Kestrel worth it over Nimbus for a small team?\n\n"
        "We're 6 people, mostly sharing design files. Nimbus is cheaper but their desktop "
        "client is rough."
    )
    assert question.created_at == utc(2026, 11, 3, 9, 12)
    assert question.author == Author(
        platform="reddit",
        native_id="bramblewood",
        handle="bramblewood",
        created_at=utc(2014, 3, 9, 17, 21, 40),
    )
    assert question.url == "https://www.reddit.com" + DUMP_THREAD
    assert question.thread_id == "t3_1or0k2m"
    assert (question.likes, question.replies) == (7, 4)

    # String created_utc, numeric edited, and no permalink: the URL is built.
    assert answer.kind == "comment"
    assert answer.text == "We moved off Kestrel last month, support never answered our tickets."
    assert answer.created_at == utc(2026, 11, 3, 9, 40)
    assert answer.edited_at == utc(2026, 11, 3, 9, 50)
    assert answer.url == "https://www.reddit.com/r/KestrelCloud/comments/1or0k2m/_/nm9x1qp/"
    assert answer.thread_id == "t3_1or0k2m"
    assert answer.parent_id == "t3_1or0k2m"
    assert answer.author is not None and answer.author.native_id == "ferngully"
    assert answer.replies is None

    assert removed.author is None
    assert removed.text == "[removed]"
    assert removed.created_at == utc(2026, 11, 3, 10, 5, 30)
    assert removed.parent_id == "t1_nm9x1qp"
    assert removed.url == "https://www.reddit.com" + DUMP_THREAD + "nm9z4tt/"

    assert link.text == "Nimbus Drive just announced team pricing"
    assert link.community == "CloudStorage"
    assert link.created_at == utc(2026, 11, 3, 11)
    assert link.url == "https://www.reddit.com/r/CloudStorage/comments/1or2b7v/"
    assert link.raw["url"] == "https://nimbus.example/pricing/teams"


@pytest.mark.parametrize("name", ["RC_2026-11.zst", "reddit_dump.ndjson.zst"])
def test_reddit_dump_compressed_with_zstd_matches_plain(tmp_path: Path, name: str) -> None:
    plain = (FIXTURES / "reddit_dump.ndjson").read_bytes()
    # Pushshift compresses with a long window; the reader must accept it.
    params = zstandard.ZstdCompressionParameters.from_level(19, window_log=27)
    packed = tmp_path / name
    packed.write_bytes(zstandard.ZstdCompressor(compression_params=params).compress(plain))

    posts, problems = load(packed, "reddit")

    assert problems == []
    assert posts == load(FIXTURES / "reddit_dump.ndjson", "reddit")[0]


def test_reddit_dump_compressed_with_gzip(tmp_path: Path) -> None:
    packed = tmp_path / "reddit_dump.jsonl.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "reddit_dump.ndjson").read_bytes()))

    posts, problems = load(packed, "reddit")

    assert problems == []
    assert [p.native_id for p in posts] == ["t3_1or0k2m", "t1_nm9x1qp", "t1_nm9z4tt", "t3_1or2b7v"]


def test_reddit_malformed_records_are_reported_and_the_rest_load() -> None:
    path = FIXTURES / "reddit_malformed.ndjson"
    posts, problems = load(path, "reddit")

    assert [p.native_id for p in posts] == ["t1_nmb2c3d", "t3_1or3z8k"]
    assert posts[1].text == "Update: decided\n\nGoing with Kestrel after all, thanks everyone."
    assert posts[1].created_at == utc(2026, 11, 3, 11, 55)
    assert [(p.path, p.line) for p in problems] == [(str(path), 2), (str(path), 3), (str(path), 5)]
    assert problems[0].message.startswith("invalid JSON")
    assert "neither 'title'" in problems[1].message
    assert "'title'" in problems[2].message and "string" in problems[2].message


def test_reddit_post_from_thing_direct() -> None:
    post = post_from_thing(
        {
            "kind": "t1",
            "data": {
                "id": "abc12",
                "body": "ok",
                "created_utc": 1793629244,
                "link_id": "t3_1oq2x7k",
                "parent_id": "t3_1oq2x7k",
                "subreddit": "KestrelCloud",
                "author": "quietfox",
            },
        }
    )
    assert post.native_id == "t1_abc12"
    assert post.url == "https://www.reddit.com/r/KestrelCloud/comments/1oq2x7k/_/abc12/"

    with pytest.raises(ParseError, match="created_utc"):
        post_from_thing({"id": "abc13", "body": "no time"})
    with pytest.raises(ParseError, match="created_utc"):
        post_from_thing({"id": "abc14", "body": "bad time", "created_utc": "soon"})
    with pytest.raises(ParseError, match="'id'"):
        post_from_thing({"title": "no id", "created_utc": 1793629244})


def test_reddit_morechildren_answers_inbox_comments_and_escaped_text(tmp_path: Path) -> None:
    # Shapes real clients meet beyond listings: /api/morechildren answers (the comments
    # behind a "more" stub), inbox comments (no link_id, no permalink, a context link), and
    # text escaped as HTML entities (the API without raw_json=1, the archive dumps).
    answer = {"json": {"errors": [], "data": {"things": [
        {"kind": "t1", "data": {
            "id": "nq1a", "name": "t1_nq1a", "body": "Kestrel refund took 3 weeks &amp; counting",
            "created_utc": 1793700000, "link_id": "t3_1or0k2m", "parent_id": "t1_nm9x1qp",
            "subreddit": "KestrelCloud", "author": "fen_walks",
            "permalink": "/r/KestrelCloud/comments/1or0k2m/is_kestrel_worth_it/nq1a/"}},
        {"kind": "more", "data": {"count": 2, "children": ["nq1c"], "id": "nq1c",
                                  "parent_id": "t1_nq1a"}},
        {"kind": "t1", "data": {
            "id": "nq1b", "name": "t1_nq1b", "body": "&gt; 3 weeks\n\nmine was 5 &lt;_&lt;",
            "created_utc": 1793700060, "link_id": "t3_1or0k2m", "parent_id": "t1_nq1a",
            "subreddit": "KestrelCloud", "author": "quietfox"}},
    ]}}}
    path = tmp_path / "morechildren.json"
    path.write_text(json.dumps(answer))
    posts, problems = load(path, "reddit")
    assert problems == []
    assert [p.native_id for p in posts] == ["t1_nq1a", "t1_nq1b"]
    assert posts[0].text == "Kestrel refund took 3 weeks & counting"
    assert posts[1].text == "> 3 weeks\n\nmine was 5 <_<"
    assert posts[1].thread_id == "t3_1or0k2m" and posts[1].parent_id == "t1_nq1a"

    refused = {"json": {"errors": [["RATELIMIT", "you are doing that too much", "ratelimit"]]}}
    [problem] = posts_from_listing(refused)
    assert isinstance(problem, ParseError) and "RATELIMIT" in str(problem)

    context = "/r/KestrelCloud/comments/1or0k2m/is_kestrel_worth_it/cwup9z/?context=3"
    inbox = {"kind": "t1", "data": {
        "id": "cwup9z", "name": "t1_cwup9z", "body": "@KestrelGoods still no refund",
        "created_utc": 1793700120, "parent_id": "t3_1or0k2m", "subreddit": "KestrelCloud",
        "author": "fen_walks", "context": context, "was_comment": True}}
    top = post_from_thing(inbox)
    assert top.thread_id == "t3_1or0k2m"
    assert top.url == "https://www.reddit.com" + context.split("?")[0]
    # An answer to a comment: the context link still names the thread.
    inbox["data"].update(id="cwupa1", name="t1_cwupa1", parent_id="t1_nq1a",
                         context=context.replace("cwup9z", "cwupa1"))
    assert post_from_thing(inbox).thread_id == "t3_1or0k2m"

    dump = {"id": "1ox9", "title": "Kestrel &amp; Trovia compared",
            "selftext": "a &lt; b &amp;amp; c", "created_utc": 1793700180,
            "subreddit": "KestrelCloud", "author": "fen_walks"}
    assert post_from_thing(dump).text == "Kestrel & Trovia compared\n\na < b &amp; c"
    # What PRAW fetches (raw_json=1) is as typed: unescaping it again would change it.
    assert post_from_thing(dump, escaped=False).text == (
        "Kestrel &amp; Trovia compared\n\na &lt; b &amp;amp; c")


# --- X ------------------------------------------------------------------------------------

ADA = Author(
    platform="x",
    native_id="1402771903384518657",
    handle="ada_ships",
    name="Ada Okafor",
    followers=1843,
    following=512,
    verified=False,
    post_count=6120,
    created_at=utc(2021, 6, 9, 23, 14, 5),
)


def test_x_search_response() -> None:
    posts, problems = load(FIXTURES / "x_search_response.json", "x")

    assert problems == []
    assert [p.kind for p in posts] == ["quote", "post", "repost", "reply", "post"]
    quote, edited, retweet, reply, plain = posts

    assert plain.platform == "x"
    assert plain.native_id == "2117256702797762310"
    assert plain.version_id is None
    assert (
        plain.text
        == "Kestrel sync has been flawless for our team since we switched from Nimbus. 10/10"
    )
    assert plain.created_at == utc(2026, 11, 2, 14, 5, 9)
    assert plain.url == "https://x.com/ada_ships/status/2117256702797762310"
    assert plain.author == ADA
    assert plain.lang == "en"
    assert plain.thread_id == "2117256702797762310"
    assert plain.parent_id is None
    assert (plain.likes, plain.replies, plain.reposts, plain.quotes) == (31, 2, 4, 1)
    assert plain.edited_at is None
    assert plain.community is None

    assert reply.native_id == "2117258594734190143"
    assert reply.parent_id == "2117250418651958388"
    assert reply.thread_id == "2117250418651958388"
    assert reply.author is not None and reply.author.handle == "tomasz_k"
    assert reply.author.created_at == utc(2009, 10, 20, 8, 11, 42)
    assert (reply.likes, reply.replies, reply.reposts, reply.quotes) == (7, 1, 0, 0)

    # The retweet's own text is cut at 140 characters; the original in includes is whole.
    assert retweet.native_id == "2117267312709696314"
    assert retweet.text == (
        "RT @KestrelCloud: We're rolling out Kestrel 4.2.1 today. It fixes the shared-folder "
        "sync bug some of you hit after 4.2, and brings faster uploads on slow connections. "
        "Thanks for the patience!"
    )
    assert retweet.url == "https://x.com/lena_dev/status/2117267312709696314"
    # Its metrics repeat the original's retweet count (19, as in includes): not its own.
    assert retweet.reposts == 0
    assert retweet.raw["public_metrics"]["retweet_count"] == 19
    assert retweet.parent_id is None

    # Edited: keyed by the first version; this version's id and time are kept alongside.
    assert edited.native_id == "2117270010094878801"
    assert edited.version_id == "2117271374949353130"
    assert edited.created_at == utc(2026, 11, 2, 14, 58, 2)
    assert edited.edited_at == utc(2026, 11, 2, 15, 3, 27)
    assert edited.url == "https://x.com/priya_builds/status/2117271374949353130"
    assert edited.text.endswith("(edit: support just replied, giving them one more chance)")
    assert edited.thread_id == "2117270010094878801"

    # note_tweet carries the whole long post; `text` is truncated.
    assert quote.native_id == "2117275940980444683"
    assert quote.text.endswith(
        "test the shared-folder permissions first, that's where the two differ most. "
        "https://t.co/q8Zr3Vd1Lm"
    )
    assert "which…" not in quote.text
    assert quote.author is not None and quote.author.followers == 12044
    assert (quote.likes, quote.replies, quote.reposts, quote.quotes) == (58, 3, 6, 2)
    assert quote.raw["public_metrics"]["impression_count"] == 7412


def test_x_escaped_text_bare_retweets_and_edited_thread_starts() -> None:
    # X escapes &, < and > in text; a retweet fetched without `referenced_tweets` is known by
    # its "RT @" text and carries its original's counts; each version of an edited post that
    # starts a thread is its own conversation, so the thread is the post's first version.
    user = {"id": "7", "username": "mara_runs", "name": "Mara"}
    echoed = {"retweet_count": 88, "reply_count": 0, "like_count": 0, "quote_count": 0}
    response = {"data": [
        {"id": "2117600000000000001", "text": "Kestrel &amp; Trovia &lt;3 &gt;:( &amp;amp;",
         "author_id": "7", "created_at": "2026-11-03T09:00:00.000Z",
         "conversation_id": "2117600000000000001"},
        {"id": "2117600000000000002", "text": "RT @KestrelCloud: free shipping this weekend",
         "author_id": "7", "created_at": "2026-11-03T09:01:00.000Z", "public_metrics": echoed},
        {"id": "2117600000000000009", "text": "Kestrel support fixed it (edit: in a day)",
         "author_id": "7", "created_at": "2026-11-03T09:05:00.000Z",
         "edit_history_tweet_ids": ["2117600000000000003", "2117600000000000009"],
         "conversation_id": "2117600000000000009"},
        {"id": "2117600000000000011", "text": "@KestrelHelp same here (edited)",
         "author_id": "7", "created_at": "2026-11-03T09:07:00.000Z",
         "edit_history_tweet_ids": ["2117600000000000010", "2117600000000000011"],
         "conversation_id": "2117500000000000000",
         "referenced_tweets": [{"type": "replied_to", "id": "2117500000000000000"}]},
    ], "includes": {"users": [user]}}
    escaped, retweet, edited, reply = posts_from_response(response)

    assert isinstance(escaped, Post) and escaped.text == "Kestrel & Trovia <3 >:( &amp;"
    assert isinstance(retweet, Post) and retweet.kind == "repost"
    assert (retweet.likes, retweet.replies, retweet.reposts, retweet.quotes) == (0, 0, 0, 0)
    assert isinstance(edited, Post) and edited.native_id == "2117600000000000003"
    assert edited.thread_id == "2117600000000000003"
    assert isinstance(reply, Post) and reply.thread_id == "2117500000000000000"


def test_x_ndjson_of_two_responses() -> None:
    path = FIXTURES / "x_responses.ndjson"
    posts, problems = load(path, "x")

    assert problems == []
    assert [p.native_id for p in posts] == [
        "2117531176914639038",
        "2117527754499315365",
        "2117553498623873816",
    ]
    emoji, german, lookup = posts

    # Author not expanded in includes: only the id is known, and the URL uses "i".
    assert emoji.author == Author(platform="x", native_id="1593300111222333444")
    assert emoji.url == "https://x.com/i/status/2117531176914639038"
    assert emoji.lang == "und"

    assert german.lang == "de"
    assert german.author is not None and german.author.name == "Jonas Müller"
    assert german.created_at == utc(2026, 11, 3, 8, 2, 13)

    # A single-tweet lookup (`data` is an object) without created_at: time from the snowflake.
    assert lookup.created_at == utc(2026, 11, 3, 9, 44, 30)
    assert lookup.author == Author(
        platform="x", native_id="88123456", handle="tomasz_k", name="Tomasz Kowalczyk"
    )
    assert lookup.url == "https://x.com/tomasz_k/status/2117553498623873816"
    assert (lookup.likes, lookup.replies, lookup.thread_id) == (None, None, None)


def test_x_twarc_flattened_tweets() -> None:
    posts, problems = load(FIXTURES / "x_twarc_flat.jsonl", "x")

    assert problems == []
    reply, retweet = posts
    assert reply.native_id == "2117557658008939288"
    assert reply.kind == "reply"
    assert reply.parent_id == "2117250418651958388"
    assert reply.created_at == utc(2026, 11, 3, 10, 1, 2)
    assert reply.author is not None
    assert (reply.author.handle, reply.author.followers, reply.author.post_count) == (
        "ada_ships",
        1850,
        6131,
    )
    assert reply.url == "https://x.com/ada_ships/status/2117557658008939288"

    assert retweet.kind == "repost"
    assert retweet.text.startswith("RT @KestrelCloud: We're rolling out Kestrel 4.2.1 today.")
    assert retweet.text.endswith("slow connections. Thanks for the patience!")
    assert retweet.author is not None and retweet.author.handle == "priya_builds"
    assert retweet.reposts == 0  # 20 is the original's count, which X repeats on a retweet


def test_x_malformed_records_are_reported_and_the_rest_load() -> None:
    path = FIXTURES / "x_malformed.ndjson"
    posts, problems = load(path, "x")

    assert [p.native_id for p in posts] == ["2117564945215016040", "2117575703591455711"]
    assert posts[1].author is not None and posts[1].author.handle == "tomasz_k"
    assert [p.line for p in problems] == [2, 3, 6]
    assert problems[0].message.startswith("invalid JSON")
    assert problems[1].message == "tweet 2117570000000000001 has no 'text'"
    assert "created_at" in problems[2].message and "yesterday" in problems[2].message


def test_x_responses_without_data_yield_nothing() -> None:
    assert list(posts_from_response({"meta": {"result_count": 0}})) == []
    errors = {"errors": [{"title": "Not Found Error", "detail": "Could not find tweet"}]}
    assert list(posts_from_response(errors)) == []
    [error] = posts_from_response({"data": [{"text": "no id"}]})
    assert isinstance(error, ParseError)


# --- files, detection, API ----------------------------------------------------------------


def test_single_line_document_and_pretty_document_agree(tmp_path: Path) -> None:
    pretty = FIXTURES / "x_search_response.json"
    minified = tmp_path / "search"
    minified.write_bytes(b"\n" + pretty.read_bytes().replace(b"\n", b"") + b"\n")

    assert load(minified, "x")[0] == load(pretty, "x")[0]


def test_ndjson_with_a_broken_first_line_and_no_extension(tmp_path: Path) -> None:
    lines = (FIXTURES / "reddit_dump.ndjson").read_bytes().splitlines(keepends=True)
    path = tmp_path / "RC_sample"
    path.write_bytes(b'{"id": "cut\n' + b"".join(lines))

    posts, problems = load(path, "reddit")

    assert [p.line for p in problems] == [1]
    assert len(posts) == 4


def test_broken_document_is_one_problem_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "listing.json"
    path.write_text('{\n  "kind": "Listing",\n  "data": {"children": [}\n}\n')

    posts, problems = load(path, "reddit")

    assert posts == []
    assert [(p.line, p.message.startswith("invalid JSON")) for p in problems] == [(3, True)]


def test_multi_frame_zstd_file_is_read_to_the_end(tmp_path: Path) -> None:
    lines = (FIXTURES / "reddit_dump.ndjson").read_bytes().splitlines(keepends=True)
    path = tmp_path / "RC_frames.zst"
    path.write_bytes(b"".join(zstandard.ZstdCompressor().compress(line) for line in lines))

    posts, problems = load(path, "reddit")

    assert problems == []
    assert [p.native_id for p in posts] == ["t3_1or0k2m", "t1_nm9x1qp", "t1_nm9z4tt", "t3_1or2b7v"]


@pytest.mark.parametrize("suffix", [".zst", ".gz"])
def test_truncated_compressed_file_reports_a_problem(tmp_path: Path, suffix: str) -> None:
    plain = (FIXTURES / "reddit_dump.ndjson").read_bytes()
    packed = (
        zstandard.ZstdCompressor().compress(plain) if suffix == ".zst" else gzip.compress(plain)
    )
    path = tmp_path / f"RS_cut{suffix}"
    path.write_bytes(packed[: len(packed) // 2])

    items = list(read_posts(path, "reddit"))

    assert isinstance(items[-1], Problem)
    assert "truncated or corrupt" in items[-1].message


def test_empty_file_yields_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.ndjson"
    path.write_text("\n\n")
    assert list(read_posts(path, "x")) == []


def test_unknown_platform_and_missing_file_fail_at_call_time(tmp_path: Path) -> None:
    assert platforms == ("reddit", "x")
    with pytest.raises(ValueError, match="mastodon"):
        read_posts(FIXTURES / "reddit_dump.ndjson", "mastodon")
    with pytest.raises(FileNotFoundError):
        read_posts(tmp_path / "nope.ndjson", "reddit")
    with pytest.raises(ValueError):
        posts_from_document({}, "bluesky")


def test_posts_from_document_dispatches_by_platform() -> None:
    [post] = posts_from_document(
        {"id": "1or9zzz", "title": "Kestrel?", "created_utc": 1793703600}, "reddit"
    )
    assert isinstance(post, Post)
    assert post.native_id == "t3_1or9zzz"
    assert post.url == "https://www.reddit.com/comments/1or9zzz/"

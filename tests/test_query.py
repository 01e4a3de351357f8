"""The query language: native compilation, local verdicts and error messages, as tables."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from earful.cli import main
from earful.config import parse_config
from earful.errors import ConfigError
from earful.query import Document, Query, QueryError

# (query, X query, Reddit query, [(text, matches?)])
CASES = [
    ("kestrel", "kestrel", "kestrel",
     [("Kestrel's boots", True), ("#Kestrel rocks", True), ("KestrelCam review", False)]),
    ("refund AND late", "refund late", "refund AND late",
     [("refund is late", True), ("the refund arrived", False)]),
    ("refund late OR broken", "(refund late) OR broken", "(refund AND late) OR broken",
     [("late refund", True), ("broken zip", True), ("late parcel", False)]),
    ("refund (late OR slow)", "refund (late OR slow)", "refund AND (late OR slow)",
     [("slow refund", True), ("refund sent", False)]),
    ('"never arrived" -"thank you"', '"never arrived" -"thank you"',
     '"never arrived" AND NOT "thank you"',
     [("my parcel never arrived!", True), ("never arrived, thank you anyway", False),
      ("arrived never", False)]),
    ("cancel* NOT kestrel", QueryError, "cancel AND NOT kestrel",
     [("Cancelling today", True), ("cancel", True), ("cancelling Kestrel", False),
      ("uncancel", False)]),
    ("refund NEAR/2 late", "refund late", "refund AND late",
     [("refund is very late", True), ("late, the refund", True),
      ("refund is now very very late", False), ("refund", False)]),
    ('(refund OR "money back") NEAR/1 still', '(refund OR "money back") still',
     '(refund OR "money back") AND still',
     [("money back still pending", True), ("still no refund", True),
      ("refund was not still", False)]),
    ("@KestrelHelp OR #kestrelgoods", "@kestrelhelp OR #kestrelgoods",
     "kestrelhelp OR kestrelgoods",
     [("hi @kestrelhelp", True), ("#KestrelGoods haul", True), ("kestrelhelp", False)]),
    ("refund lang:es", "refund lang:es", "refund",
     [("quiero mi refund", True)]),
    ("kestrel author:@dana", "kestrel from:dana", "kestrel AND author:dana",
     [("kestrel boots", True)]),
    ("kestrel platform:reddit", None, "kestrel", [("kestrel boots", False)]),
    ("kestrel subreddit:r/KestrelGoods", None, "kestrel AND subreddit:kestrelgoods",
     [("kestrel boots", False)]),
    ("kestrel has:link", "kestrel has:links", "kestrel",
     [("kestrel https://kestrel.example/sale", True), ("kestrel boots", False)]),
    ("-(late OR slow) refund", "-late -slow refund", "NOT late AND NOT slow AND refund",
     [("refund done", True), ("slow refund", False)]),
    ("e-mail support", '"e-mail" support', '"e-mail" AND support',
     [("the e-mail support desk", True), ("email support", False)]),
]


@pytest.mark.parametrize(("text", "x", "reddit", "verdicts"), CASES,
                         ids=[case[0] for case in CASES])
def test_compiles_and_matches(text: str, x: str | type | None, reddit: str | None,
                              verdicts: list[tuple[str, bool]]) -> None:
    query = Query(text)
    if x is QueryError:  # nothing X could search for: a wildcard and a negation
        with pytest.raises(QueryError):
            query.to_x()
    else:
        assert query.to_x() == x
    assert query.to_reddit() == reddit
    for post, expected in verdicts:
        doc = Document(post, platform="x", author="dana", language="es")
        assert query.matches(doc) is expected, post
        # The fast verdict and the explained one agree.
        assert query.explain(Document(post, platform="x", author="dana",
                                      language="es")).matched is expected, post


def test_fields_read_the_post() -> None:
    doc = Document("boots", platform="reddit", author="u/Dana", community="r/KestrelGoods",
                   language=lambda: "de")
    assert Query("boots author:dana subreddit:kestrelgoods platform:reddit lang:de").matches(doc)
    assert not Query("boots lang:en").matches(doc)
    assert not Query("boots platform:x").matches(doc)
    assert Query("boots has:link").matches(Document("boots", has_link=True))


def test_language_is_detected_only_when_asked() -> None:
    calls = []
    doc = Document("boots", language=lambda: calls.append(1) or "en")
    assert Query("boots").matches(doc) and not calls
    assert Query("boots lang:en").matches(doc) and calls == [1]


# (query, position (1-based) or None, words the message must contain)
ERRORS = [
    ("", 1, "empty query"),
    ("refund AND", 11, "expected a term, phrase, field or '(', found the end of the query"),
    ("refund OR OR late", 11, "found 'OR'"),
    ("(refund OR late", 16, "expected ')' to close the '(' at position 1"),
    ("refund)", 7, "expected AND, OR or the end of the query, found ')'"),
    ("()", 2, "a term inside the parentheses"),
    ('"never arrived', 1, "unterminated phrase"),
    ('""', 1, "empty phrase"),
    ("re*und", 3, "'*' may only end a word"),
    ("*", 1, "'*' may only end a word"),
    ("refund NEAR late", 8, "expected NEAR/n"),
    ("refund NEAR/3", 14, "expected a term, phrase, field or '(', found the end of the query"),
    ("refund NEAR/3 lang:en", 15, "words, phrases or an OR of them after NEAR/3"),
    ("lang:en NEAR/3 late", 1, "words, phrases or an OR of them before NEAR"),
    ("refund - late", 8, "right after '-'"),
    ("colour:red", 1, "unknown field 'colour:'"),
    ("platform:tiktok boots", 1, "platform: expected one of x, reddit"),
    ("has:media boots", 1, "has: expected 'link'"),
    ("lang:spanish boots", 1, "two-letter language code"),
    ("author: boots", 1, "expected a value after 'author:'"),
    ("NOT refund", 1, "at least one term that is not negated"),
]


@pytest.mark.parametrize(("text", "position", "message"), ERRORS, ids=[e[0] or "empty"
                                                                     for e in ERRORS])
def test_syntax_errors_name_the_position_and_what_was_expected(text: str, position: int,
                                                                message: str) -> None:
    with pytest.raises(QueryError) as caught:
        Query(text)
    assert caught.value.position == position - 1
    assert str(caught.value).startswith(f"position {position}: ")
    assert message in str(caught.value)


@pytest.mark.parametrize(("text", "platform", "message"), [
    ("lang:es", "x", "X needs at least one word"),
    ("refund* lang:en", "x", "X needs at least one word"),
    ("kestrel has:link OR lang:es", "x", "X needs at least one word"),
    ("lang:es has:link", "reddit", "Reddit needs at least one word"),
    (" OR ".join(f"word{i}" for i in range(80)), "x", "X accepts at most 512"),
])
def test_queries_a_platform_cannot_search(text: str, platform: str, message: str) -> None:
    query = Query(text)
    with pytest.raises(QueryError, match=message):
        query.to_x() if platform == "x" else query.to_reddit()


def test_config_rejects_a_bad_source_query_naming_the_key() -> None:
    data = {"brands": [{"name": "Kestrel", "role": "brand"}],
            "sources": {"x": {"type": "x", "queries": ["@KestrelHelp", "refund AND (late"],
                              "credentials": {"bearer_token": "X_BEARER_TOKEN"}}}}
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    assert "sources.x.queries[1]" in str(caught.value)
    assert "position 17: expected ')'" in str(caught.value)
    data["sources"]["x"]["queries"] = ["lang:es"]
    with pytest.raises(ConfigError, match="X needs at least one word"):
        parse_config(data)


def test_cli_query_test() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["query", "test", "--json", 'refund* NEAR/3 late -"thank you"',
                                  "My REFUNDS are late again"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["matched"] is True
    assert record["native"] == {"x": 'late -"thank you"',
                                "reddit": 'refund AND late AND NOT "thank you"'}
    assert record["verdict"]["parts"][0] == {"part": "refund* NEAR/3 late", "matched": True,
                                             "why": "1 word(s) apart", "parts": []}
    result = runner.invoke(main, ["query", "test", "refund late", "refund sent"])
    assert result.exit_code == 1 and "does not match" in result.output
    assert "✗ late" in result.output
    result = runner.invoke(main, ["query", "test", "refund AND (late", "x"])
    assert result.exit_code == 2
    assert "position 17: expected ')'" in result.output


def test_the_substring_gate_never_changes_a_verdict(settings) -> None:
    # Queries settle most posts by looking for their words as substrings before splitting
    # the text into words; on the sample, every verdict is the ungated one.
    from earful.query.local import _compiled
    from listener.formats import read_posts
    from listener.sources.replay import sample_dir

    texts = [post.text for platform in ("x", "reddit")
             for path in sorted(sample_dir().glob(f"{platform}*"))
             for post in read_posts(path, platform) if hasattr(post, "text")]
    texts += [post for _, _, _, verdicts in CASES for post, _ in verdicts]
    texts += ["Kestrel’s refunds", "KESTREL PLUS renewal", "#kestrelplus", "@KestrelHelp's reply",
              "Delivery was late", "a late delivery", "undelivered", "deliveryman", "plus"]
    queries = [Query(topic.query) for topic in settings.topics]
    queries += [Query(case[0]) for case in CASES]
    queries += [Query('"kestrel plus" NEAR/3 refund*'), Query("kestrel's OR @kestrelhelp")]
    # words and phrases that hold one another: the gate looks for the shortest only
    queries += [Query('delivery OR deliver* OR "late delivery"'), Query('"kestrel plus" OR plus')]
    matched = 0
    for query in queries:
        for text in texts:
            gated = query.matches(Document(text, platform="x", author="dana", language="es"))
            plain = _compiled(query.tree)(Document(text, platform="x", author="dana",
                                                   language="es"))
            assert gated is plain, (query, text)
            matched += gated
    assert matched > 100


def test_word_searches_agree_with_the_word_by_word_reading() -> None:
    # Words and prefixes are found by one regex search of the text; `explain` reads the text
    # word by word. On texts built from the awkward cases (possessives, handles, apostrophes
    # inside words, letters glued to punctuation) the two must agree on every query.
    import random

    pieces = ["kestrel", "Kestrel's", "KESTREL’S", "#kestrel", "@kestrel", "kestrel's's",
              "kestrelcam", "xkestrel", "refund", "Refunds", "re'fund", "don't", "'", "’", "@",
              "#", "_", "2", "-", " ", " ", " ", ",", ".", "envío", "Envío", "ñ", "s", "'s",
              "plus", "order", "where", "is", "my", "help"]
    queries = [Query(text) for text in (
        "kestrel", "kestrel's", "#kestrel", "@kestrel", "refund*", "re*", "#kest*", "don't",
        "envío OR plus", "s", "kestrel OR refund* OR #kestrel OR @kestrel OR \"my order\"",
        '"kestrel plus" OR "where is my order"', '"kestrel\'s refund"', "help -kestrel",
    )]
    rng = random.Random(11)
    checked = matched = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 7)))
        for query in queries:
            fast = query.matches(Document(text))
            slow = query.explain(Document(text)).matched
            assert fast is slow, (query, text)
            checked += 1
            matched += fast
    assert 0.05 * checked < matched < 0.95 * checked

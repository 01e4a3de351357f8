from __future__ import annotations

import pytest

from earful.config import parse_config
from listener.matching import Matcher
from tests.conftest import make_post


@pytest.fixture(scope="module")
def matcher(settings) -> Matcher:
    return Matcher(settings.brands)


def brands(matcher: Matcher, text: str) -> list[str]:
    return [m.brand for m in matcher.match_text(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Love my new Kestrel tent", ["Kestrel"]),
    ("kestrel's returns are slow", ["Kestrel"]),
    ("@KestrelHelp where is my order?", ["Kestrel"]),
    ("great haul #kestrelgoods", ["Kestrel"]),
    ("Kestrel   Goods shipped fast", ["Kestrel"]),
    ("switching from @NimbusMarket to Kestrel", ["Nimbus", "Kestrel"]),
    ("Trovia Club vs Nimbus Prime?", ["Trovia", "Nimbus"]),
    # word boundaries: a longer word or handle is not the brand
    ("KestrelCam footage is up", []),
    ("follow @KestrelFans", []),
    ("#kestrelgoodsfake", []),
    # exclusions mask only what they cover
    ("An American kestrel hovering over the field", []),
    ("saw an american kestrel, then my Kestrel order arrived", ["Kestrel"]),
    ("Harry's Nimbus 2000 broom", []),
    ("massive cumulonimbus over the lake", []),
    ("nimbus clouds rolling in; my Nimbus order is late", ["Nimbus"]),
])
def test_match_text(matcher: Matcher, text: str, expected: list[str]) -> None:
    assert brands(matcher, text) == expected


def test_rule_says_what_matched(matcher: Matcher) -> None:
    [match] = matcher.match_text("@KestrelHelp hello")
    assert (match.brand, match.role, match.rule) == ("Kestrel", "brand", "handle:@KestrelHelp")
    [match] = matcher.match_text("Nimbus Prime renewal")
    assert match.role == "competitor" and match.rule == "alias:Nimbus Prime"


def test_excluded_term_like_apex() -> None:
    settings = parse_config({"brands": [{"name": "Apex", "exclude": ["apex legends"]}]})
    matcher = Matcher(settings.brands)
    assert brands(matcher, "Apex shipped my parcel") == ["Apex"]
    assert brands(matcher, "apexlegends tonight") == []
    assert brands(matcher, "Apex Legends season 30 is out") == []


def test_subreddit_matches_reddit_posts_only(matcher: Matcher) -> None:
    reddit = make_post("t3_a", "Anyone tried the new stove?", platform="reddit",
                       community="KestrelGoods")
    assert [m.rule for m in matcher.match(reddit)] == ["subreddit:r/KestrelGoods"]
    other = make_post("t3_b", "Anyone tried the new stove?", platform="reddit",
                      community="CampingGear")
    assert matcher.match(other) == []


def test_own_brand_account(matcher: Matcher) -> None:
    reply = make_post("1", "@dana so sorry, DM us your order number", handle="KestrelHelp")
    assert matcher.own_brand(reply) == "Kestrel"
    assert matcher.own_brand(make_post("2", "hi @KestrelHelp", handle="dana")) is None


def test_names_inside_cjk_text(matcher: Matcher) -> None:
    assert brands(matcher, "Kestrelの注文、もう…届かない") == ["Kestrel"]
    assert brands(matcher, "KestrelCamの映像") == []


QUERY_CONFIG = {
    "brands": [
        {"name": "Kestrel", "aliases": ["Kestrel Goods"], "handles": ["@KestrelHelp"]},
        # A brand defined by its query: the name alone is ambiguous (a game, a bird...).
        {"name": "Apex", "role": "competitor",
         "query": '((apex NEAR/3 (jacket* OR tent* OR boots)) OR @ApexOutdoor) -"apex legends"'},
    ],
    "topics": [
        {"name": "shipping", "query": 'shipping OR deliver* OR "where is my order"'},
        {"name": "refunds", "query": "refund* OR reembolso"},
        {"name": "spanish", "query": "lang:es"},
        {"name": "sub-help", "query": "subreddit:KestrelGoods AND help"},
    ],
}


@pytest.fixture(scope="module")
def query_matcher() -> Matcher:
    settings = parse_config(QUERY_CONFIG)
    return Matcher(settings.brands, settings.topics, detect=lambda text: "en")


@pytest.mark.parametrize(("text", "expected"), [
    ("my Apex rain jacket leaks", ["Apex"]),
    ("the apex of the season: new tents from Apex", ["Apex"]),
    ("apex legends patch notes, jacket skins", []),
    ("we reached the apex of the trail", []),
    ("@ApexOutdoor my order?", ["Apex"]),
    ("Kestrel Goods vs my Apex boots", ["Kestrel", "Apex"]),
])
def test_a_brand_with_a_query_is_matched_by_its_query(query_matcher: Matcher, text: str,
                                                      expected: list[str]) -> None:
    found = query_matcher.match_text(text)
    assert [m.brand for m in found] == expected
    assert all(m.rule.startswith("query:") for m in found if m.brand == "Apex")


def test_topics_are_the_queries_a_post_matches(query_matcher: Matcher) -> None:
    spanish = make_post("1", "@KestrelHelp ¿y mi reembolso?", lang="es")
    assert query_matcher.post_topics(spanish) == ["refunds", "spanish"]
    late = make_post("2", "Kestrel where is my order, shipping was paid for express")
    assert query_matcher.post_topics(late) == ["shipping"]
    # Without a platform tag the language is detected (here: the fixture's detector says en).
    assert query_matcher.post_topics(make_post("3", "Kestrel refunds, finally")) == ["refunds"]
    reddit = make_post("t3_x", "need help with my Kestrel tent", platform="reddit",
                       community="KestrelGoods")
    assert query_matcher.post_topics(reddit) == ["sub-help"]


def test_topics_are_stored_and_filtered(settings, store) -> None:
    from earful.queries import Filters, search_mentions
    from listener.pipeline import Pipeline

    posts = [make_post("10", "@KestrelHelp my refund never came and tracking is stuck"),
             make_post("11", "Kestrel Plus membership renewed, love it"),
             make_post("12", "Kestrel tent arrived, great")]
    with Pipeline(settings, store, workers=1) as pipeline:
        pipeline.process(posts, source="test")
    assert store.mention("x:10")["topics"] == ["refunds", "shipping"]
    assert store.mention("x:11")["topics"] == ["membership"]
    assert store.mention("x:12")["topics"] == []
    found = search_mentions(store, Filters(topic="refunds"))
    assert [row["id"] for row in found] == ["x:10"]
    # An edit that drops the subject drops the topic.
    with Pipeline(settings, store, workers=1) as pipeline:
        pipeline.process([make_post("10", "@KestrelHelp all sorted now, thanks")], source="test")
    assert store.mention("x:10")["topics"] == []


def test_exclusions_find_what_one_alternation_of_the_terms_finds(settings) -> None:
    # Grouped by first letter for speed; the spans masked must be the plain alternation's.
    import re

    from listener.matching import _Exclusion, _exclusion_pattern, _term_pattern
    from listener.sources.replay import sample_dir

    texts = [line for path in sorted(sample_dir().iterdir()) if path.is_file()
             for line in path.read_text(encoding="utf-8").splitlines()]
    texts += ["an American  Kestrel nest", "xamerican kestrel", "#kestrels", "KESTRELS!",
              "Kestrel Falcon's", "cumulonimbus, nimbus 2000", "Nimbus 20001", "@nimbus cloud",
              "keſtrels", "ñandú ñandúes", "日本の Kestrel bird"]
    # case-insensitively "ı" is an "i" and "ſ" an "s": the substring gate must let them through
    texts += ["an amerıcan kestrel", "KESTREL HOVERİNG", "kestrelſ", "nımbus 2000"]
    term_lists = [brand.exclude for brand in settings.brands if brand.exclude]
    term_lists.append(["ñandú", "#tag", "@x y", "日本", "kestrel bird", "Kestrel"])
    for terms in term_lists:
        plain = re.compile("|".join(_term_pattern(t)
                                    for t in sorted(terms, key=len, reverse=True)),
                           re.IGNORECASE)
        grouped = _exclusion_pattern(terms)
        gated = _Exclusion(terms)
        for text in texts:
            lowered = text.lower()
            spans = [m.span() for m in plain.finditer(lowered)]
            assert [m.span() for m in grouped.finditer(lowered)] == spans, (terms, text)
            assert gated.spans(lowered) == spans, (terms, text)

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

from __future__ import annotations

from collections import Counter
from itertools import cycle, islice

import pytest

from earful.reports.terms import TermCounts, Terms, compare, extract, stopwords

# --- extraction ---------------------------------------------------------------------------------


def test_english_stopwords_and_contractions_are_dropped():
    terms = extract("I don't think this is the tent I'd buy again, it's too heavy", language="en")
    assert terms.words == ("tent", "buy", "heavy")


def test_spanish_stopwords_are_dropped_and_accents_kept():
    terms = extract("El envío de mi pedido está muy retrasado y nadie me responde",
                    language="es")
    assert terms.words == ("envío", "pedido", "retrasado", "responde")


def test_a_known_language_also_drops_english_and_an_unknown_one_drops_the_common_ones():
    assert extract("El envío is the worst", language="es").words == ("envío", "worst")
    for language in (None, "und", "xx"):
        assert extract("Das Zelt ist super, the tent", language=language).words == (
            "zelt", "super", "tent")
    assert stopwords("en-GB") == stopwords("en")


def test_urls_emails_mentions_and_numbers_are_not_words():
    terms = extract(
        "@KestrelHelp order 4521 arrived 3 days late (2nd delay, 1,000 miles by 5pm) "
        "see https://imgur.com/a/xyz or www.kestrel.com/help, help@kestrel.com "
        "u/trailmix99 r/Ultralight 10k",
        language="en")
    # "10k" is a race, not a number; ordinals, times and thousands are numbers
    assert terms.words == ("order", "arrived", "days", "late", "delay", "miles", "10k")
    assert terms.hashtags == ()


def test_social_filler_is_dropped():
    assert extract("RT lol tent &amp; stove tbh").words == ("tent", "stove")


def test_emoji_are_dropped_and_apostrophes_handled():
    terms = extract("Kestrel’s tent 🔥🔥 is the best! L'envoi rapide 👍", language="fr")
    assert terms.words == ("kestrel", "tent", "envoi", "rapide")
    assert extract("Kestrel's", language="en").words == ("kestrel",)


def test_hashtags_are_lowercased_once_and_kept_out_of_words():
    terms = extract("#TrailRunning all day #trailrunning #UltraLight #1 c# issue#2")
    assert terms.hashtags == ("#trailrunning", "#ultralight")
    assert "trailrunning" not in terms.words
    assert "ultralight" not in terms.words


def test_bigrams_pair_only_words_adjacent_in_the_text():
    terms = extract("Trail-running shoes, ultralight tent and stove.\n"
                    "Solid tent 🔥 cheap **Aspen** \"stove\" kit", language="en")
    assert terms.bigrams == ("trail running", "running shoes", "ultralight tent", "solid tent",
                             "cheap aspen", "aspen stove", "stove kit")
    # across the comma, the stopword "and", the line break and the emoji: no pair
    for broken in ("shoes ultralight", "tent stove", "stove solid", "tent cheap"):
        assert broken not in terms.bigrams


def test_hyphenated_words_with_a_short_or_numeric_part_stay_whole():
    assert extract("my e-bike caught covid-19 apparently", language="en").words == (
        "e-bike", "caught", "covid-19")


def test_reddit_posts_contribute_their_subreddit():
    assert extract("tent", platform="reddit", community="Ultralight").communities == (
        "r/ultralight",)
    assert extract("tent", platform="reddit", community="r/UltraLight").communities == (
        "r/ultralight",)
    assert extract("tent", platform="discord", community="support").communities == ()
    assert extract("tent", platform="x").communities == ()


def test_each_term_counts_once_per_post():
    terms = extract("Tent tent TENT tent! #tent #Tent")
    assert terms.words == ("tent",)
    assert terms.bigrams == ()  # a word next to itself is repetition, not a phrase
    assert terms.hashtags == ("#tent",)
    counts = TermCounts.of([terms, extract("tent and stove"),
                            Terms(words=("stove", "stove"))])
    assert counts.posts == 3
    assert counts.words == Counter({"tent": 2, "stove": 2})
    assert counts.hashtags == Counter({"#tent": 1})


# --- comparison ---------------------------------------------------------------------------------

CITIES = ["Boston", "Berlin", "Chicago", "Valencia", "Osaka"]
PLACES = ["Glacier", "the Sierra", "Olympic", "the Smokies", "Zion", "the Dolomites"]

MARATHON = [
    "Week {n} of marathon training: {m} miles and my pace finally dropped",
    "Signed up for the {city} marathon, race day is in {n} weeks",
    "Tempo session this morning, held race pace for {m} miles",
    "Anyone else doing a marathon block? My easy pace is all over",
    "Race report from {city}: personal record, negative split pace",
    "Marathon taper starts tomorrow and my legs feel heavy",
    "Carb loading before the {city} marathon, nervous about race pace",
    "Intervals at the track, race pace feels easier every week",
]
ULTRALIGHT = [
    "Pitched the new ultralight tent at {place}, barely {n} pounds",
    "Backpacking {place} this weekend with the ultralight tent and a quilt",
    "These trail shoes grip wet rock so well on the {place} loop",
    "Which ultralight tent survives wind above treeline? Backpacking {place} soon",
    "Trail shoes or boots for backpacking {place}?",
    "My tent stakes bent on the first night at {place}",
    "Base weight under ten pounds after the tent swap",
    "Resoled my trail shoes after a summer of backpacking",
]


def _posts(templates: list[str], subreddit: str) -> list[Terms]:
    """40 posts cycling through ``templates``; every 4th also mentions running (steady)."""
    posts = []
    for i, template in enumerate(islice(cycle(templates), 40)):
        text = template.format(n=i % 7 + 2, m=i % 9 + 10, city=CITIES[i % len(CITIES)],
                               place=PLACES[i % len(PLACES)])
        if i % 4 == 0:
            text += ". Still running most mornings."
        reddit = i % 2 == 0
        posts.append(extract(text, language="en", platform="reddit" if reddit else "x",
                             community=subreddit if reddit else None))
    return posts


@pytest.fixture(scope="module")
def topic_shift() -> tuple[TermCounts, TermCounts]:
    return TermCounts.of(_posts(ULTRALIGHT, "Ultralight")), TermCounts.of(
        _posts(MARATHON, "running"))


def test_a_topic_shift_shows_new_terms_rising_and_old_ones_falling(topic_shift):
    current, previous = topic_shift
    result = compare(current, previous)
    rising = {change.term: change for change in result["rising"]}
    falling = {change.term: change for change in result["falling"]}
    assert {"tent", "ultralight", "backpacking"} <= rising.keys()
    assert rising["tent"].status == "new"
    assert rising["tent"].now == 25 and rising["tent"].before == 0
    assert rising["tent"].share_now == 25 / 40
    assert {"marathon", "pace", "race"} <= falling.keys()
    assert falling["marathon"].status == "gone"
    assert falling["marathon"].score < -1.96
    # running is in a quarter of the posts both times: mentioned, but not a change
    assert "running" not in rising and "running" not in falling
    steady = {change.term: change for change in compare(current, previous, top=50)["top"]}
    assert steady["running"].status == "steady"
    assert (steady["running"].now, steady["running"].before) == (10, 10)
    assert [change.score for change in result["rising"]] == sorted(
        (change.score for change in result["rising"]), reverse=True)
    assert [change.score for change in result["falling"]] == sorted(
        change.score for change in result["falling"])


def test_a_topic_shift_in_bigrams_and_communities(topic_shift):
    current, previous = topic_shift
    bigrams = compare(current, previous, kind="bigrams")
    assert "trail shoes" in {change.term for change in bigrams["rising"]}
    assert "race pace" in {change.term for change in bigrams["falling"]}
    communities = compare(current, previous, kind="communities")
    assert [(c.term, c.status) for c in communities["rising"]] == [("r/ultralight", "new")]
    assert [(c.term, c.status) for c in communities["falling"]] == [("r/running", "gone")]


def test_top_is_the_most_mentioned_now_with_ties_by_term(topic_shift):
    current, previous = topic_shift
    top = compare(current, previous, top=3)["top"]
    assert [change.term for change in top] == ["tent", "backpacking", "shoes"]
    assert [change.now for change in top] == [25, 20, 15]
    counts = TermCounts(posts=4, words=Counter({"stove": 2, "aspen": 2, "tent": 3}))
    assert [c.term for c in compare(counts, TermCounts())["top"]] == ["tent", "aspen", "stove"]


def test_one_more_post_is_noise_not_a_trend():
    generic = ["Kestrel jacket number {i} arrived today and fits well",
               "Customer service sorted my exchange quickly, ticket {i}",
               "Waiting on the restock of the {i} litre pack"]

    def period(zipper_posts: int) -> TermCounts:
        texts = [template.format(i=i) for i, template in enumerate(islice(cycle(generic), 50))]
        texts[:zipper_posts] = [text + ", but the zipper sticks" for text in texts[:zipper_posts]]
        return TermCounts.of(extract(text, language="en") for text in texts)

    noise = compare(period(2), period(1), top=100)
    zipper = next(change for change in noise["top"] if change.term == "zipper")
    assert (zipper.now, zipper.before) == (2, 1)
    assert zipper.status == "steady"
    assert "zipper" not in {change.term for change in noise["rising"]}
    assert noise["rising"] == [] and noise["falling"] == []
    # the same word in 20 of 50 posts is a trend: the threshold is not shutting everything out
    trend = compare(period(20), period(1))
    assert {(c.term, c.status) for c in trend["rising"]} == {("zipper", "rising"),
                                                            ("sticks", "rising")}


def test_min_posts_applies_to_the_larger_period():
    previous = TermCounts(posts=10, words=Counter({"stove": 10}))
    current = TermCounts(posts=10, words=Counter({"stove": 10, "tent": 9}))
    assert [c.term for c in compare(current, previous)["rising"]] == ["tent"]
    assert compare(current, previous, min_posts=10)["rising"] == []


def test_an_empty_previous_period_makes_everything_new_and_nothing_a_trend():
    current = TermCounts.of(extract(text) for text in ["ultralight tent", "tent stakes", "quilt"])
    result = compare(current, TermCounts())
    assert [(c.term, c.now, c.status) for c in result["top"]] == [
        ("tent", 2, "new"), ("quilt", 1, "new"), ("stakes", 1, "new"), ("ultralight", 1, "new")]
    assert all(c.before == 0 and c.share_before == 0.0 for c in result["top"])
    assert result["rising"] == [] and result["falling"] == []
    assert compare(TermCounts(), TermCounts()) == {"top": [], "rising": [], "falling": []}


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        compare(TermCounts(), TermCounts(), kind="emoji")

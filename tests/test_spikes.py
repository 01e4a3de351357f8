"""Spike detection on synthetic hourly series with a known model, and once through the store.

The model (:func:`series`): each hour's posts are Poisson with a daily cycle, quiet nights
(``night`` posts/h from 00:00 to 06:00 UTC) ramping up through the morning to busy evenings
(``peak`` posts/h at 19:00–21:00, see ``PROFILE``), weekends ``weekend`` × busier, volume
``growth`` × each day, every post negative with probability ``negative``; a fixed seed makes
each series the same on every run.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest

from alerts.spikes import SpikeDetector, detect, episode_start, hourly_series
from earful.config import Settings, SpikeConfig
from earful.models import BrandMatch, ChurnSignal, Score
from earful.store import Scored, Store
from tests.conftest import make_post

CONFIG = SpikeConfig()  # baseline_days=14, min_count=10, ratio=3, z=4, negative_share=0.5
START = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday, 00:00 UTC: hour i is i % 24 o'clock
WEEKS = 3
HOURS = WEEKS * 7 * 24
LAST_WEEK = range(HOURS - 7 * 24, HOURS)


def poisson(rng: random.Random, rate: float) -> int:
    # Knuth's method: fine for the small rates of hourly posts.
    limit, k, product = math.exp(-rate), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


# How busy each hour of the day (UTC) is, from 0 (the night rate) to 1 (the evening peak).
PROFILE = [0, 0, 0, 0, 0, 0, 0.05, 0.15, 0.3, 0.4, 0.45, 0.5,
           0.5, 0.5, 0.5, 0.55, 0.65, 0.8, 0.95, 1, 1, 0.9, 0.6, 0.3]


def rate(hour: int, *, night: float = 2.0, peak: float = 30.0, weekend: float = 1.5,
         growth: float = 1.0) -> float:
    """Posts per hour expected at hour ``hour`` of the series."""
    day = hour // 24
    factor = weekend if day % 7 in (5, 6) else 1.0
    return (night + (peak - night) * PROFILE[hour % 24]) * factor * growth ** day


def series(seed: int = 7, negative: float = 0.15, **model: float) -> tuple[list[int], list[int]]:
    rng = random.Random(seed)
    counts = [poisson(rng, rate(hour, **model)) for hour in range(HOURS)]
    negatives = [sum(rng.random() < negative for _ in range(n)) for n in counts]
    return counts, negatives


def spikes_in(counts: list[int], negatives: list[int] | None,
              hours: range = LAST_WEEK) -> dict[int, list[str]]:
    """Every hour of ``hours`` judged as the scheduler would, hour by hour."""
    found = {}
    for index in hours:
        kinds = [spike.kind for spike in detect(counts, negatives, index, CONFIG)]
        if kinds:
            found[index] = kinds
    return found


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_an_ordinary_daily_cycle_never_pages(seed: int) -> None:
    counts, negatives = series(seed)
    # The model really has a cycle: evenings are many times the night, busier at weekends.
    assert max(counts[-24:]) > 8 * max(1, min(counts[-24:]))
    assert spikes_in(counts, negatives) == {}


def test_a_night_spike_is_caught_at_that_hour_only() -> None:
    counts, negatives = series()
    at = HOURS - 3 * 24 + 3  # 03:00 on a weekday, usually ~2 posts
    counts[at] = 25  # twelve times the usual: never by chance
    assert spikes_in(counts, negatives) == {at: ["volume_spike"]}


def test_a_busy_hour_spike_is_caught_at_that_hour_only() -> None:
    counts, negatives = series()
    at = HOURS - 3 * 24 + 19  # 19:00 on a Friday, usually ~30 posts
    counts[at] = 5 * round(rate(at))
    assert spikes_in(counts, negatives) == {at: ["volume_spike"]}
    (spike,) = detect(counts, negatives, at, CONFIG)
    assert spike.observed == 150 and 20 < spike.usual < 40 and spike.days == 14


def test_the_day_after_a_spike_is_judged_as_usual() -> None:
    # The spike sits in the next days' baselines: the median is not moved by it, so an
    # ordinary hour a day later is not hidden, and a repeat is still caught.
    counts, negatives = series()
    at = HOURS - 3 * 24 + 19
    counts[at] = 150
    counts[at + 24] = 150
    assert spikes_in(counts, negatives) == {at: ["volume_spike"], at + 24: ["volume_spike"]}


def test_few_posts_where_there_are_usually_none_do_not_page() -> None:
    counts, negatives = series(night=0.0)  # nights of no posts at all
    at = HOURS - 24 + 3
    assert all(counts[at - 24 * k] == 0 for k in range(1, 15))
    counts[at], negatives[at] = 3, 3  # "infinitely" above the usual, all negative
    assert detect(counts, negatives, at, CONFIG) == []
    counts[at], negatives[at] = CONFIG.min_count - 1, 0
    assert detect(counts, negatives, at, CONFIG) == []
    counts[at] = CONFIG.min_count  # from min_count on, it is news
    assert [spike.kind for spike in detect(counts, negatives, at, CONFIG)] == ["volume_spike"]


def test_a_negative_share_spike_is_caught_without_a_volume_spike() -> None:
    counts, negatives = series()
    at = HOURS - 24 + 20  # 20:00, ~30 posts of which ~15 % negative
    negatives[at] = round(counts[at] * 0.7)
    assert spikes_in(counts, negatives) == {at: ["negative_spike"]}
    (spike,) = detect(counts, negatives, at, CONFIG)
    assert spike.observed >= 0.5 and spike.usual < 0.3 and spike.z >= CONFIG.z


def test_a_busy_hour_mostly_negative_gives_both_spikes() -> None:
    counts, negatives = series()
    at = HOURS - 24 + 20
    counts[at] = 200
    negatives[at] = 150
    assert spikes_in(counts, negatives) == {at: ["volume_spike", "negative_spike"]}


def test_negative_share_below_the_bar_or_as_usual_does_not_page() -> None:
    counts, negatives = series()
    at = HOURS - 24 + 20
    negatives[at] = round(counts[at] * 0.45)  # clearly up, but not most of the talk
    assert detect(counts, negatives, at, CONFIG) == []
    # A brand that is always about 55 % negative does not page every hour for it.
    counts, negatives = series(negative=0.55)
    assert spikes_in(counts, negatives) == {}


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("growth", [1.05, 1.1])  # +5 % a day (×2.7 in three weeks), +10 %
def test_gradual_growth_does_not_page_every_hour(seed: int, growth: float) -> None:
    counts, negatives = series(seed, growth=growth)
    assert sum(counts[-24:]) > 2.5 * sum(counts[:24])
    # Growth on top of a busier weekend can lift a quiet hour past the bar once in a while
    # (a Poisson tail against a baseline from less busy days), never hour after hour.
    assert len(spikes_in(counts, negatives)) <= 2


def test_a_new_level_pages_for_two_days_not_a_week() -> None:
    counts, negatives = series()
    rng = random.Random(11)
    step = HOURS - 3 * 24  # from Friday on, four times the posts, and it stays
    for hour in range(step, HOURS):
        counts[hour] = poisson(rng, 4 * rate(hour))
    days = {index // 24 - step // 24 for index in spikes_in(counts, negatives)}
    assert days == {0, 1}  # by the third day the last days' level is the usual


def test_consecutive_spiking_hours_are_one_episode() -> None:
    counts, negatives = series()
    at = HOURS - 24 + 18
    for hour in range(at, at + 3):
        counts[hour] = 200
    assert spikes_in(counts, negatives) == {hour: ["volume_spike"] for hour in range(at, at + 3)}
    starts = {episode_start(counts, negatives, hour, "volume_spike", CONFIG)
              for hour in range(at, at + 3)}
    assert starts == {at}
    assert episode_start(counts, negatives, at + 4, "volume_spike", CONFIG) == at + 4


def test_without_enough_history_nothing_is_judged() -> None:
    counts = [0] * 48 + [100]  # two earlier days only
    assert detect(counts, None, 48, CONFIG) == []
    assert detect([0] * 72 + [100], None, 72, CONFIG)[0].kind == "volume_spike"


# -- through the store ------------------------------------------------------------------------

KESTREL = [BrandMatch("Kestrel", "brand", "name:Kestrel")]
TROVIA = [BrandMatch("Trovia", "competitor", "name:Trovia")]


def a_score(label: str) -> Score:
    compound = {"negative": -0.6, "positive": 0.6}.get(label, 0.0)
    return Score(compound, 0.2, 0.6, 0.2, label, "text", "en", 0.9, 0.0, "no complaint cues",
                 ChurnSignal(), False, "low", 0.0, [], "test")


def posts(brand: list[BrandMatch], hour: datetime, count: int, negative: int = 0,
          tag: str = "") -> list[Scored]:
    """``count`` posts naming ``brand`` spread over ``hour``, the first ``negative`` negative."""
    items = []
    for n in range(count):
        when = hour + timedelta(seconds=n * 3600 // max(count, 1))
        post = make_post(f"{brand[0].brand}-{tag}{when:%Y%m%d%H%M%S}-{n}",
                         f"{brand[0].brand} post {n}", when=when.replace(tzinfo=None).isoformat())
        items.append(Scored(post, brand, a_score("negative" if n < negative else "neutral")))
    return items


@pytest.fixture
def spike_settings(settings: Settings) -> Settings:
    """The sample config's brands (Kestrel ours; Trovia, Nimbus competitors), default spikes."""
    alerts = settings.alerts.model_copy(update={"spikes": SpikeConfig()})
    return settings.model_copy(update={"alerts": alerts})


@pytest.fixture
def detector(spike_settings: Settings) -> SpikeDetector:
    return SpikeDetector(spike_settings)


def test_detector_reads_the_store_and_names_the_hour(store: Store,
                                                     detector: SpikeDetector) -> None:
    today = datetime(2026, 11, 23, tzinfo=UTC)
    items = []
    for day in range(1, 6):  # five ordinary days: 13:00 has 5 posts, 02:00 has 1
        for hour, count in ((2, 1), (13, 5)):
            at = today - timedelta(days=day) + timedelta(hours=hour)
            items += posts(KESTREL, at, count, negative=1)
            items += posts(TROVIA, at, count)
    spike_hour = today + timedelta(hours=13)
    items += posts(KESTREL, spike_hour, 48, negative=30)
    items += posts(TROVIA, spike_hour, 40)
    items += posts(KESTREL, spike_hour + timedelta(hours=1), 1, tag="late")  # the next hour
    store.save(items)

    counts, negatives = hourly_series(store, "Kestrel", spike_hour - timedelta(days=1),
                                      spike_hour + timedelta(hours=2))
    assert len(counts) == 26 and counts[0] == 5 and negatives[0] == 1
    assert counts[24:] == [48, 1] and negatives[24] == 30

    events = detector.check(store, spike_hour + timedelta(hours=1, minutes=5))
    by_key = {event.key: event for event in events}
    assert sorted(by_key) == [
        "negative_spike:Kestrel:2026-11-23T13:00:00Z",
        "volume_spike:Kestrel:2026-11-23T13:00:00Z",
        "volume_spike:Trovia:2026-11-23T13:00:00Z",
    ]
    volume = by_key["volume_spike:Kestrel:2026-11-23T13:00:00Z"]
    assert volume.title == "Kestrel: 48 posts in the hour to 14:00 UTC, usually 5"
    assert volume.link == ("earful mentions --brand Kestrel --since 2026-11-23T13:00 "
                           "--until 2026-11-23T14:00")
    assert volume.link in volume.body and "previous 5 days" in volume.body
    assert volume.brand == "Kestrel" and volume.at == spike_hour + timedelta(hours=1)
    assert volume.facts["usual"] == 5 and volume.facts["posts"] == 48
    negative = by_key["negative_spike:Kestrel:2026-11-23T13:00:00Z"]
    assert negative.title == ("Kestrel: 62% negative (30 of 48 posts) in the hour to 14:00 UTC, "
                              "usually 20%")
    assert negative.link.endswith("--sentiment negative")
    rival = by_key["volume_spike:Trovia:2026-11-23T13:00:00Z"]
    assert rival.title.startswith("Trovia (competitor): 40 posts")

    # The same hour checked again later gives the same keys: the outbox groups them.
    again = detector.check(store, spike_hour + timedelta(hours=1, minutes=55))
    assert sorted(event.key for event in again) == sorted(by_key)
    # The next hour (1 post) and an ordinary day's 13:00 are quiet.
    assert detector.check(store, spike_hour + timedelta(hours=2)) == []
    assert detector.check(store, spike_hour - timedelta(days=1, hours=-1)) == []


def test_a_brand_new_to_the_store_does_not_page_on_its_first_days(
        store: Store, detector: SpikeDetector) -> None:
    # Before its first post the brand was not being listened for: not a baseline of zeros.
    first = datetime(2026, 11, 20, 13, tzinfo=UTC)
    store.save([item for day in range(4)
                for item in posts(KESTREL, first + timedelta(days=day), 40)])
    for day in range(4):  # 3 days without a baseline, then one of 40, 40, 40
        now = first + timedelta(days=day, hours=1)
        assert detector.check(store, now) == []
    # Read as zeros, the days before would have made its second day page.
    now = first + timedelta(days=1, hours=1)
    counts, negatives = hourly_series(store, "Kestrel", now - timedelta(days=14, hours=1), now)
    assert [s.kind for s in detect(counts, negatives, len(counts) - 1, CONFIG)] == [
        "volume_spike"]


def test_a_running_detector_counts_posts_collected_late(
        store: Store, spike_settings: Settings, detector: SpikeDetector) -> None:
    today = datetime(2026, 11, 23, tzinfo=UTC)
    store.save([item for day in range(1, 6)
                for item in posts(KESTREL, today - timedelta(days=day, hours=-13), 5)])
    hour = today + timedelta(hours=13)
    store.save(posts(KESTREL, hour, 6))
    assert detector.check(store, hour + timedelta(hours=1, minutes=1)) == []
    store.save(posts(KESTREL, hour, 40, tag="late"))  # collected a few minutes later
    late = detector.check(store, hour + timedelta(hours=1, minutes=9))
    assert [event.title for event in late] == [
        "Kestrel: 46 posts in the hour to 14:00 UTC, usually 5"]
    # What it kept from the first check is what a new detector reads afresh.
    fresh = SpikeDetector(spike_settings)
    assert fresh.check(store, hour + timedelta(hours=1, minutes=9)) == late

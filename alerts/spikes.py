"""Volume and negative-sentiment spikes: each brand's last hour against the same hour of
recent days.

The detection itself is :func:`detect`, a pure function over an hourly series, so it can be
tested on synthetic series; :func:`hourly_series` reads a brand's series from the store in one
query, and :class:`SpikeDetector` turns what :func:`detect` finds into
:class:`~alerts.events.AlertEvent` objects.

Example::

    detector = SpikeDetector(settings)
    for event in detector.check(store, datetime.now(UTC)):
        print(event.title)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import median, quantiles
from typing import Literal

from alerts.events import AlertEvent
from earful.config import BrandConfig, Settings, SpikeConfig
from earful.models import utc_iso
from earful.store import Store

HOUR = timedelta(hours=1)
DAY_HOURS = 24
# Fewer comparable days than this and there is no "usual" yet: a median of one or two days is
# whatever happened on them.
MIN_BASELINE_DAYS = 3
RECENT_DAYS = 3
# What a long-lived SpikeDetector re-reads each check, and how often all of its window.
REREAD = timedelta(hours=2)
FULL_READ = timedelta(hours=6)
# MAD × this estimates the standard deviation of normal data, so `z` reads like a z-score.
_MAD_TO_SD = 1.4826
# The least spread a share can have: a brand that is never criticised would otherwise make a
# single negative post infinitely surprising.
_MIN_SHARE_SPREAD = 0.05

SpikeKind = Literal["volume_spike", "negative_spike"]


@dataclass(frozen=True, slots=True)
class Spike:
    """One spike in one hour: what was seen, against what is usual for that hour of the day.

    For a volume spike ``observed`` and ``usual`` are posts per hour; for a negative spike they
    are the share of the hour's posts labelled negative (0–1).
    """

    kind: SpikeKind
    posts: int
    negatives: int | None
    observed: float
    usual: float  # what the hour was compared with
    basis: str  # which level of the baseline that is ("median of 14 days", "last 3 days", …)
    middle: tuple[float, float]  # the middle half of the baseline (its quartiles)
    z: float  # robust z: how far above the usual, in units of the baseline's spread
    days: int  # how many earlier days at this hour the baseline was made of


def detect(counts: Sequence[int], negatives: Sequence[int] | None, index: int,
           config: SpikeConfig) -> list[Spike]:
    """The spikes (none, one or both kinds) in hour ``index`` of an hourly series.

    ``counts[i]`` is the brand's posts in hour ``i`` and ``negatives[i]`` those labelled
    negative (None: only volume is judged). The first entry must be real data, not "before we
    were collecting": the baseline is the same hour of day on up to ``config.baseline_days``
    earlier days (``index - 24``, ``index - 48``, …) still inside the series, and with fewer
    than :data:`MIN_BASELINE_DAYS` of them nothing is reported.

    Why the baseline is what it is:

    - *Same hour of day*: a brand is quiet at 04:00 and busy at 20:00; compared with the hours
      just before it, every morning would look like a spike. Mornings are compared with
      mornings.
    - *All recent days, not the same weekday*: 14 days hold only two Mondays, too few for a
      baseline. The median of all days follows the weekdays (the majority) and is not moved by
      a weekend or a holiday; a weekday that is busy every week is allowed for below.
    - *Median and MAD*, not mean and standard deviation: an earlier spike, or a day the
      collector was down, would otherwise raise (or lower) the bar for days.
    - For volume, the usual is the highest of that median, the median of the last
      :data:`RECENT_DAYS` days (a new level, after a campaign or with steady growth, stops
      paging after two days instead of the week the 14-day median takes to move) and the
      lower of the same weekday one and two weeks ago, when the baseline reaches that far (a
      weekly rhythm, whatever the local weekend is). Each can only make a page less likely.

    A **volume spike** needs all three of:

    - ``count >= min_count``: 3 posts at night where there are usually none is not news,
      however many "times the usual" it is;
    - ``count >= ratio × usual``: in busy hours the noise is small next to the volume, and a
      statistically clear 30 % rise is still not worth waking someone;
    - robust ``z >= config.z``: in quiet hours a ratio is cheap (2 → 6), the z asks that the
      rise be well outside how much that hour usually varies. It is measured on the square
      root scale (Anscombe's ``2√(x + 3/8)``), where a Poisson count's noise is about 1 at any
      rate: on the raw scale the same z is a far likelier accident at 3 posts an hour than at
      30 (a weekend morning's 21 where 6 is usual is z 5 raw, 3.5 here). The MAD there is
      floored at that 1, so a baseline that happened to be flat, or all zeros, still allows
      for ordinary noise.

    A **negative spike** needs ``count >= min_count`` (a share of 2 posts says nothing), the
    hour's negative share ``>= negative_share`` (the absolute bar: most of the talk is
    negative), and the share ``z`` above the usual share for that hour: a brand that is
    always half criticised does not page every hour for it. The usual share is the median of
    the share on earlier days at that hour (days without posts have no share); where fewer
    than :data:`MIN_BASELINE_DAYS` have one (quiet hours), the brand's share over the whole
    series stands in. Its spread is floored at the binomial noise of a share of ``count``
    posts and at 0.05.

    Example::

        detect([5] * 14 * 24 + [40], None, 14 * 24, SpikeConfig())  # [Spike("volume_spike", …)]
    """
    count = counts[index]
    if count < config.min_count:
        return []
    days = [index - DAY_HOURS * k for k in range(1, config.baseline_days + 1)
            if index - DAY_HOURS * k >= 0]
    if len(days) < MIN_BASELINE_DAYS:
        return []
    found = [_volume(counts, negatives, index, days, config)]
    if negatives is not None:
        found.append(_negative(counts, negatives, index, days, config))
    return [spike for spike in found if spike is not None]


def _volume(counts: Sequence[int], negatives: Sequence[int] | None, index: int,
            days: list[int], config: SpikeConfig) -> Spike | None:
    count = counts[index]
    baseline = [counts[day] for day in days]  # yesterday first
    usual, basis = _usual(baseline)
    if count < config.ratio * usual:
        return None
    roots = [_root(value) for value in baseline]
    spread = max(_MAD_TO_SD * _mad(roots, median(roots)), 1.0)
    z = (_root(count) - _root(usual)) / spread
    if z < config.z:
        return None
    negative = negatives[index] if negatives is not None else None
    return Spike("volume_spike", count, negative, count, usual, basis, _quartiles(baseline), z,
                 len(days))


def _usual(baseline: list[int]) -> tuple[float, str]:
    """The highest of three robust levels for the hour, and which one it was."""
    levels = [(median(baseline), f"median of {len(baseline)} days")]
    # A new level (a campaign, steady growth) is the usual after two days, not after the
    # half of the baseline it takes to move the median: until then it would page every hour.
    if len(baseline) > RECENT_DAYS:
        levels.append((median(baseline[:RECENT_DAYS]), f"last {RECENT_DAYS} days"))
    # Weekly rhythm without a calendar: if this weekday was busy at this hour both one and two
    # weeks ago, that is its usual (the lower of the two, so one earlier spike does not count).
    if len(baseline) >= 14:
        levels.append((min(baseline[6], baseline[13]), "same weekday, last two weeks"))
    return max(levels, key=lambda level: level[0])


def _root(count: float) -> float:
    # Anscombe's transform: a Poisson count's noise is √count on the raw scale but about 1 on
    # this one, at every rate. On the raw scale the same z would be a far likelier accident in
    # a quiet hour (10 where 3 is usual) than in a busy one.
    return 2 * math.sqrt(count + 3 / 8)


def _negative(counts: Sequence[int], negatives: Sequence[int], index: int, days: list[int],
              config: SpikeConfig) -> Spike | None:
    count, negative = counts[index], negatives[index]
    share = negative / count
    if share < config.negative_share:
        return None
    shares = [negatives[day] / counts[day] for day in days if counts[day]]
    if len(shares) >= MIN_BASELINE_DAYS:
        usual = median(shares)
        mad, compared = _mad(shares, usual), len(shares)
    else:  # a quiet hour: the brand's share over the whole series stands in
        total = sum(counts[:index])
        usual = sum(negatives[:index]) / total if total else 0.0
        mad, compared = 0.0, len(days)
    noise = math.sqrt(usual * (1 - usual) / count)
    spread = max(_MAD_TO_SD * mad, noise, _MIN_SHARE_SPREAD)
    z = (share - usual) / spread
    if z < config.z:
        return None
    if len(shares) >= MIN_BASELINE_DAYS:
        basis, middle = f"median of {len(shares)} days", _quartiles(shares)
    else:
        basis, middle = "all hours", (usual, usual)
    return Spike("negative_spike", count, negative, share, usual, basis, middle, z, compared)


def _mad(values: Sequence[float], centre: float) -> float:
    return median(abs(value - centre) for value in values)


def _quartiles(values: Sequence[float]) -> tuple[float, float]:
    low, _, high = quantiles(values, n=4, method="inclusive")
    return low, high


def hour_floor(moment: datetime) -> datetime:
    """The start of the UTC hour holding ``moment`` (a naive time is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


_SERIES_SQL = """
    SELECT substr(m.created_at, 1, 13) AS hour, count(*),
           coalesce(sum(s.sentiment_label = 'negative'), 0)
    FROM mentions m
    -- CROSS JOIN keeps SQLite's loop order: the created_at range (idx_mentions_created)
    -- outside, then each mention's brand row by its primary key. mention_brands has no index
    -- on brand, so starting from it would read the whole table.
    CROSS JOIN mention_brands b ON b.mention_id = m.id AND b.brand = ?
    LEFT JOIN scores s ON s.mention_id = m.id
    WHERE m.created_at >= ? AND m.created_at < ?
    GROUP BY hour"""


def hourly_series(store: Store, brand: str, start: datetime,
                  end: datetime) -> tuple[list[int], list[int]]:
    """A brand's posts and negative posts per hour, from the hour of ``start`` up to ``end``.

    One aggregate query over the ``created_at`` index. Entry ``i`` covers the hour starting
    ``hour_floor(start) + i`` hours; hours without posts are 0. ``brand`` is a configured
    brand's ``name``; negative means ``sentiment_label = 'negative'``.
    """
    first, last = hour_floor(start), hour_floor(end)
    if end > last:
        last += HOUR  # a partial last hour is included, as far as ``end``
    size = int((last - first) / HOUR)
    counts, negatives = [0] * size, [0] * size
    rows = store.conn.execute(_SERIES_SQL, [brand, utc_iso(first), utc_iso(end)])
    for hour, count, negative in rows:
        at = datetime.fromisoformat(f"{hour}:00:00+00:00")
        slot = int((at - first) / HOUR)
        if 0 <= slot < size:
            counts[slot], negatives[slot] = count, negative
    return counts, negatives


def episode_start(counts: Sequence[int], negatives: Sequence[int] | None, index: int,
                  kind: SpikeKind, config: SpikeConfig, *, limit: int = 24) -> int:
    """The first hour of the run of consecutive hours, up to ``index``, with a spike of
    ``kind`` (at most ``limit`` hours back); ``index`` itself if the hour before had none."""
    start = index
    while start > 0 and index - start < limit and any(
            spike.kind == kind for spike in detect(counts, negatives, start - 1, config)):
        start -= 1
    return start


class SpikeDetector:
    """Checks every configured brand (ours and competitors, each on its own) for spikes in
    the last complete hour.

    An event's key names the brand and the first hour of the spike (``volume_spike:Kestrel:
    2026-11-23T13:00:00Z``): checking the same hour again, or the next hours of a spike that
    goes on, gives the same key, so the outbox makes one alert of it rather than one an hour.

    Alerts check every 30 seconds and after each stored batch, and reading a brand's 15 days
    costs about 0.6 s per 100,000 mentions in them, so a detector keeps the hours it has read:
    a check re-reads only the last :data:`REREAD` (posts collected late still count towards
    their hour), and the whole window once every :data:`FULL_READ` (imports, backfills).
    """

    def __init__(self, settings: Settings) -> None:
        self.config = settings.alerts.spikes
        self.brands = list(settings.brands)
        self._store: Store | None = None
        # brand → hour start → (posts, negatives); and when each brand was last read, fully.
        self._hours: dict[str, dict[datetime, tuple[int, int]]] = {}
        self._read: dict[str, tuple[datetime, datetime]] = {}

    def check(self, store: Store, now: datetime) -> list[AlertEvent]:
        """Events for spikes in the hour ending at or before ``now``: at most one query per
        brand."""
        if store is not self._store:
            self._store, self._hours, self._read = store, {}, {}
        end = hour_floor(now)
        start = end - timedelta(days=self.config.baseline_days) - HOUR
        events: list[AlertEvent] = []
        for brand in self.brands:
            counts, negatives = self._series(store, brand.name, start, end)
            # Hours before the brand's first post in the window are "not listening yet" (a
            # new store, a brand just added to the config), not "nobody talked": as zeros they
            # would make the brand's first busy days page hour after hour.
            first = next((i for i, count in enumerate(counts) if count), len(counts))
            if first == len(counts):
                continue
            counts, negatives = counts[first:], negatives[first:]
            index = len(counts) - 1
            for spike in detect(counts, negatives, index, self.config):
                began = episode_start(counts, negatives, index, spike.kind, self.config)
                events.append(_event(spike, brand, end - (index - began + 1) * HOUR, end))
        return events

    def _series(self, store: Store, brand: str, start: datetime,
                end: datetime) -> tuple[list[int], list[int]]:
        hours = self._hours.setdefault(brand, {})
        full, until = self._read.get(brand, (start - FULL_READ, start))
        if end - full >= FULL_READ or not start <= until <= end:
            read_from, full = start, end
        else:
            read_from = max(start, until - REREAD)
        counts, negatives = hourly_series(store, brand, read_from, end)
        for offset, pair in enumerate(zip(counts, negatives, strict=True)):
            hours[read_from + offset * HOUR] = pair
        for hour in [hour for hour in hours if hour < start]:
            del hours[hour]
        self._read[brand] = (full, end)
        window = [hours.get(start + offset * HOUR, (0, 0))
                  for offset in range(int((end - start) / HOUR))]
        return [posts for posts, _ in window], [negative for _, negative in window]


def _event(spike: Spike, brand: BrandConfig, began: datetime, end: datetime) -> AlertEvent:
    """The event for a spike in the hour to ``end``, part of a spike since ``began``."""
    who = brand.name if brand.role == "brand" else f"{brand.name} (competitor)"
    hour = f"the hour to {end:%H:%M} UTC"
    since, until = f"{began:%Y-%m-%dT%H:%M}", f"{end:%Y-%m-%dT%H:%M}"
    link = f"earful mentions --brand {_quoted(brand.name)} --since {since} --until {until}"
    window = f"{end - HOUR:%H:%M}–{end:%H:%M} UTC on the previous {spike.days} days"
    low, high = spike.middle
    if spike.kind == "volume_spike":
        title = f"{who}: {spike.posts} posts in {hour}, usually {_number(spike.usual)}"
        ratio = f"{spike.posts / spike.usual:.1f}× the usual" if spike.usual else "none usually"
        body = (f"{spike.posts} posts mention {brand.name} in {hour} ({ratio}, "
                f"robust z {spike.z:.1f}).\nUsual for {window}: {_number(spike.usual)} posts "
                f"({spike.basis}); the middle half of those days {_number(low)}–"
                f"{_number(high)}.")
    else:
        link += " --sentiment negative"
        title = (f"{who}: {spike.observed:.0%} negative ({spike.negatives} of {spike.posts} "
                 f"posts) in {hour}, usually {spike.usual:.0%}")
        body = (f"{spike.negatives} of {spike.posts} posts about {brand.name} in {hour} are "
                f"negative ({spike.observed:.0%}, robust z {spike.z:.1f}).\nUsual share for "
                f"{window}: {spike.usual:.0%} ({spike.basis}); the middle half {low:.0%}–"
                f"{high:.0%}.")
    hours = round((end - began) / HOUR)
    if hours > 1:
        body += f"\nSpiking since {began:%H:%M} UTC ({hours} hours in a row)."
    return AlertEvent(
        kind=spike.kind,
        key=f"{spike.kind}:{brand.name}:{utc_iso(began)}",
        title=title,
        body=f"{body}\nShow them: {link}",
        at=end,
        link=link,
        brand=brand.name,
        facts={
            "brand": brand.name, "role": brand.role, "hour_start": utc_iso(end - HOUR),
            "hour_end": utc_iso(end), "since": utc_iso(began), "posts": spike.posts,
            "negatives": spike.negatives, "observed": round(spike.observed, 4),
            "usual": round(spike.usual, 4), "basis": spike.basis,
            "middle": [round(value, 4) for value in spike.middle], "z": round(spike.z, 2),
            "baseline_days": spike.days,
        },
    )


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _quoted(text: str) -> str:
    # Brand names may hold spaces ("Kestrel Goods"); the link must still paste as one argument.
    return text if text.replace("-", "").replace("_", "").isalnum() else f'"{text}"'

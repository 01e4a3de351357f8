"""The one configuration model: ``config.toml`` validated into typed settings.

Load it once with :func:`load_config` and pass the :class:`Settings` down. Secrets are never
in the file: credential entries hold the *names* of environment variables, read at run time
with :func:`secret`.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from earful.errors import ConfigError
from earful.models import parse_account
from earful.query import Query, QueryError

CONFIG_ENV = "EARFUL_CONFIG"
DB_ENV = "EARFUL_DB"
_SUBREDDIT = re.compile(r"^[A-Za-z0-9_]{2,21}$")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.IGNORECASE)
_UNIT_SECONDS = {None: 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def _seconds(value: Any) -> Any:
    """Accept ``90``, ``"90s"``, ``"15m"``, ``"1h"``, ``"1d"`` and return seconds."""
    if isinstance(value, bool):
        return value  # let pydantic reject it with its own message
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        found = _DURATION.match(value)
        if not found:
            raise ValueError("expected a duration such as 90, '30s', '15m', '1h' or '1d'")
        unit = found.group(2).lower() if found.group(2) else None
        return float(found.group(1)) * _UNIT_SECONDS[unit]
    return value


Seconds = Annotated[float, BeforeValidator(_seconds), Field(gt=0)]


class _Model(BaseModel):
    # Unknown keys are errors: a typo such as `alias = [...]` must not be silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


def _credential_env_names(values: dict[str, str]) -> dict[str, str]:
    for key, env_name in values.items():
        if not _ENV_NAME.match(env_name):
            # The value is not echoed: it may be a pasted secret.
            raise ValueError(
                f"credentials.{key}: expected the NAME of an environment variable "
                "(like REDDIT_CLIENT_SECRET); secrets never go in config.toml")
    return values


Credentials = Annotated[dict[str, str], AfterValidator(_credential_env_names)]


def _query(text: str) -> str:
    """A query in Earful's syntax (see ``earful.query``); the error names the position."""
    try:
        Query(text)
    except QueryError as error:
        raise ValueError(f"invalid query {text!r}: {error}") from None
    return text


class BrandConfig(_Model):
    """A brand we listen for: ours (``role = "brand"``) or a competitor."""

    name: str = Field(min_length=1)
    role: Literal["brand", "competitor"] = "brand"
    display_name: str | None = None
    aliases: list[str] = []
    handles: list[str] = []
    hashtags: list[str] = []
    subreddits: list[str] = []
    exclude: list[str] = []
    # When set, this query (Earful's syntax) decides whether a post is about the brand; the
    # names, handles and hashtags above still say where in the text it is named.
    query: Annotated[str, AfterValidator(_query)] | None = None

    @field_validator("handles")
    @classmethod
    def _handles(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value.startswith(("@", "u/")):
                raise ValueError(
                    f"expected handles like '@KestrelHelp' or 'u/name', found {value!r}")
        return values

    @field_validator("hashtags")
    @classmethod
    def _hashtags(cls, values: list[str]) -> list[str]:
        return [value if value.startswith("#") else f"#{value}" for value in values]

    @field_validator("subreddits")
    @classmethod
    def _subreddits(cls, values: list[str]) -> list[str]:
        return [value.removeprefix("r/") for value in values]

    @property
    def terms(self) -> list[str]:
        """Every surface form that names the brand in text, each once."""
        names = [self.name, self.display_name or self.name]
        return list(dict.fromkeys([*names, *self.aliases, *self.handles, *self.hashtags]))


class SourceConfig(_Model):
    """One collector. ``replay`` serves files of the platforms' own formats as if live."""

    type: Literal["replay", "reddit", "x"]
    enabled: bool = True
    interval: Seconds = 900.0
    platform: Literal["reddit", "x"] | None = None
    paths: list[str] = []
    batch_size: int = Field(default=500, ge=1, le=100_000)
    jitter: float = Field(default=30.0, ge=0)  # seconds of random delay on each scheduled run
    credentials: Credentials = {}
    queries: list[Annotated[str, AfterValidator(_query)]] = []
    subreddits: list[str] = []  # Reddit: where queries search (empty: all of Reddit)
    watch: list[str] = []  # Reddit: subreddits whose new submissions and comments are read
    lookback: Seconds = 86400.0  # how far back a live source's first run reaches
    max_pages: int = Field(default=10, ge=1, le=1000)  # pages per stream per run
    archive: bool = False  # X: backfill with full-archive search (needs that access level)
    # Live sources: panels whose members' own posts this source reads ("*": every panel that
    # collects), each member once per `panel_every`, spread over the runs in between.
    panels: list[str] = []
    panel_every: Seconds = 3600.0

    @field_validator("subreddits", "watch")
    @classmethod
    def _subreddit_names(cls, values: list[str]) -> list[str]:
        names = [value.strip().removeprefix("/").removeprefix("r/") for value in values]
        for name in names:
            if not _SUBREDDIT.match(name):
                raise ValueError(f"expected subreddit names like 'CampingGear'; found {name!r}")
        return names

    @model_validator(mode="after")
    def _queries_searchable(self) -> SourceConfig:
        # A live source sends its queries to the platform: each must compile for it.
        if self.type in ("x", "reddit"):
            for index, text in enumerate(self.queries):
                query = Query(text)
                try:
                    query.to_x() if self.type == "x" else query.to_reddit()
                except QueryError as error:
                    raise ValueError(f"queries[{index}]: {error.message}") from None
        return self

    @model_validator(mode="after")
    def _replay_needs_files(self) -> SourceConfig:
        if self.type == "replay":
            if self.platform is None:
                raise ValueError("a replay source needs platform = 'reddit' or 'x'")
            if not self.paths:
                raise ValueError("a replay source needs paths = [...] (files or globs)")
        elif self.platform not in (None, self.type):
            raise ValueError(f"a {self.type} source reads platform {self.type!r}")
        if self.panels and self.type == "replay":
            raise ValueError("panels = [...] is for live sources: a replay source keeps panel "
                             "members' posts anyway")
        return self


class RiskConfig(_Model):
    """Points needed for each tier; see ``listener.scoring.risk`` for what earns points."""

    medium: float = Field(default=1.5, gt=0)
    high: float = Field(default=3.0, gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> RiskConfig:
        if self.high <= self.medium:
            raise ValueError(f"high ({self.high}) must be greater than medium ({self.medium})")
        return self


class ScoringConfig(_Model):
    """Thresholds of the scoring entry point."""

    languages: list[str] = ["en", "es", "fr", "de", "pt", "it", "nl", "ja", "zh", "ko"]
    positive: float = Field(default=0.05, ge=-1, le=1)
    negative: float = Field(default=-0.05, ge=-1, le=1)
    strongly_negative: float = Field(default=-0.6, ge=-1, le=1)
    complaint: float = Field(default=0.5, ge=0, le=1)
    churn: float = Field(default=0.5, ge=0, le=1)
    high_reach_followers: int = Field(default=10_000, ge=0)
    very_high_reach_followers: int = Field(default=100_000, ge=0)
    high_engagement: int = Field(default=50, ge=0)
    risk: RiskConfig = RiskConfig()

    @property
    def counted(self) -> tuple[float, float]:
        """(churn, complaint): from what a post counts as a churn threat and as a complaint,
        in risk tiers and report totals alike."""
        return self.churn, self.complaint

    @model_validator(mode="after")
    def _ordered(self) -> ScoringConfig:
        if not self.strongly_negative <= self.negative <= self.positive:
            raise ValueError("expected strongly_negative <= negative <= positive")
        if self.very_high_reach_followers < self.high_reach_followers:
            raise ValueError("very_high_reach_followers must be >= high_reach_followers")
        return self


class StoreConfig(_Model):
    path: str = "earful.db"


class PipelineConfig(_Model):
    """How the pipeline uses the machine."""

    # Processes that match and score, the main one (which also stores) included:
    # 0 = one per CPU core, 1 = the main process alone. Small batches are always in-process.
    workers: int = Field(default=0, ge=0, le=64)

    @property
    def worker_count(self) -> int:
        return self.workers or (os.cpu_count() or 1)


class TopicConfig(_Model):
    """A subject posts are tagged with (shipping, refunds, a launch), defined by a query."""

    name: str = Field(min_length=1)
    query: Annotated[str, AfterValidator(_query)]


Account = Annotated[str, AfterValidator(parse_account)]


class PanelRule(_Model):
    """How a rule panel finds its members; refreshed every ``refresh`` seconds.

    - ``mentions``: authors with at least ``min`` posts naming ``brand`` (or, without a brand,
      any brand of ``role``) in the last ``days`` days ("competitor X's fans");
    - ``churn``: authors with a churn-intent post at risk ``risk`` or above in ``days`` days;
    - ``loyalty``: loyalty members' linked accounts (``origin``: only those linked that way).
    """

    kind: Literal["mentions", "churn", "loyalty"]
    brand: str | None = None
    role: Literal["brand", "competitor"] | None = None
    min: int = Field(default=1, ge=1)
    days: int = Field(default=30, ge=1, le=3650)
    risk: Literal["medium", "high"] = "high"
    origin: Literal["discord", "import"] | None = None

    @model_validator(mode="after")
    def _fits_kind(self) -> PanelRule:
        if self.kind == "mentions" and self.brand is None and self.role is None:
            raise ValueError("a 'mentions' rule needs brand = 'NAME' or role = 'competitor'")
        if self.kind != "mentions" and (self.brand is not None or self.role is not None):
            raise ValueError(f"brand and role belong to 'mentions' rules, not {self.kind!r}")
        return self

    def describe(self) -> str:
        """The rule in words (``panel list``/``show``)."""
        if self.kind == "mentions":
            what = self.brand or f"any {self.role}"
            return f"≥{self.min} posts naming {what} in {self.days} d"
        if self.kind == "churn":
            return f"a churn post at {self.risk} risk or above in {self.days} d"
        return "loyalty members" + (f" linked via {self.origin}" if self.origin else "")


class PanelConfig(_Model):
    """A named audience (loyalty members' handles, "UK runners", a competitor's fans).

    A list panel names its ``members``; a rule panel's members come from its ``rule``.
    ``collect``: live sources that follow panels read the members' own posts.
    ``retention_days``: posts kept only because of this panel are deleted after that long.
    """

    name: str = Field(min_length=1, pattern=r"^[\w.-]+$")
    description: str = ""
    members: list[Account] = []
    rule: PanelRule | None = None
    collect: bool = True
    retention_days: int | None = Field(default=None, ge=1)
    refresh: Seconds = 3600.0

    @model_validator(mode="after")
    def _members_or_rule(self) -> PanelConfig:
        if self.rule is not None and self.members:
            raise ValueError("a rule panel's members come from its rule: drop members = [...] "
                             "or the rule")
        return self


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


def _days(values: list[str]) -> list[str]:
    days = [value.lower()[:3] for value in values]
    unknown = [value for value, day in zip(values, days, strict=True) if day not in _DAYS]
    if unknown:
        raise ValueError(f"expected day names like 'mon' or 'friday'; found {unknown}")
    return days


def _hours(values: list[str]) -> list[str]:
    if len(values) != 2 or not all(_CLOCK.match(v) for v in values) or values[0] >= values[1]:
        raise ValueError(f"expected [\"HH:MM\", \"HH:MM\"], opening before closing (e.g. "
                         f"[\"09:00\", \"17:30\"]); found {values}")
    return values


def _zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"expected an IANA time zone like 'Europe/Madrid'; found {value!r}") from None
    return value


Days = Annotated[list[str], AfterValidator(_days)]
Hours = Annotated[list[str], AfterValidator(_hours)]
Zone = Annotated[str, AfterValidator(_zone)]
Priority = Annotated[str, Field(pattern=r"^[a-z0-9_-]+$")]


class ResponderConfig(_Model):
    """A person who answers customers; routing and assignment read all of this."""

    name: str = Field(min_length=1)
    contact: str | None = None  # where pings go: "discord:@ana", "mailto:ana@example.com"
    handles: list[str] = []  # their own accounts: their posts are replies, not customer posts
    languages: list[str] = ["en"]
    platforms: list[Literal["reddit", "x", "discord"]] = []  # empty: all
    skills: list[str] = []  # topics they handle best
    timezone: Zone = "UTC"
    days: Days = list(_DAYS[:5])
    hours: Hours = ["09:00", "17:00"]
    capacity: int = Field(default=10, ge=1, le=1000)  # open cases at once


class TeamConfig(_Model):
    """A queue of cases with its own business calendar (SLA clocks count in it)."""

    name: str = Field(min_length=1)
    members: list[str] = []
    timezone: Zone = "UTC"
    days: Days = list(_DAYS[:5])
    hours: Hours = ["09:00", "17:00"]
    holidays: str | None = None  # ISO country code ("ES", "US"), public holidays are closed
    subdivision: str | None = None  # e.g. "CA" for the US, "BY" for Germany
    assignment: Literal["round_robin", "least_loaded", "manual"] = "least_loaded"


class RuleCondition(_Model):
    """What a post must be for a rule to select it: every given key must hold."""

    risk: list[Literal["low", "medium", "high"]] = []
    churn_min: float | None = Field(default=None, ge=0, le=1)
    complaint_min: float | None = Field(default=None, ge=0, le=1)
    brand: list[str] = []
    role: Literal["brand", "competitor"] | None = None  # of a brand it names
    platform: list[Literal["reddit", "x", "discord"]] = []
    language: list[str] = []
    topic: list[str] = []
    query: Annotated[str, AfterValidator(_query)] | None = None
    opportunity: bool | None = None  # someone leaving a competitor
    panel: list[str] = []  # the author is in one of these panels
    member: bool | None = None  # the author is (true) or is not (false) a loyalty member


class RoutingRule(_Model):
    """Ordered; the first rule whose condition holds decides the team (or responder) and
    priority."""

    name: str = Field(min_length=1)
    when: RuleCondition = RuleCondition()
    team: str | None = None
    responder: str | None = None
    priority: Priority = "p3"

    @model_validator(mode="after")
    def _target(self) -> RoutingRule:
        if (self.team is None) == (self.responder is None):
            raise ValueError("a rule sends to exactly one of team = '…' or responder = '…'")
        return self


class SlaPolicyConfig(_Model):
    """Targets in the team's business time."""

    first_response: Seconds
    resolution: Seconds
    warn_at: float = Field(default=0.8, gt=0, lt=1)  # fraction of the target that warns


class RoutingConfig(_Model):
    """Which posts open cases and where they go."""

    # Posts at these risk tiers always open a case, in the default queue if no rule selects
    # them; rules may select other posts too.
    open_risk: list[Literal["low", "medium", "high"]] = ["high"]
    default_team: str | None = None
    default_priority: Priority = "p3"
    # A later post by the same author joins their open case if in the same thread, or within
    # this long of the case's last post.
    join_window: Seconds = 172800.0
    rules: list[RoutingRule] = []


class ReplyAccount(_Model):
    """The account replies are posted from on one platform (``earful case reply --send``)."""

    credentials: Credentials = {}


TEMPLATE_FIELDS = frozenset({"name", "brand", "responder", "case", "order"})


class ReplyTemplate(_Model):
    """A reply for a scenario, per language; ``{name}``, ``{brand}``, ``{responder}``,
    ``{case}`` and ``{order}`` are filled in."""

    name: str = Field(min_length=1)
    scenario: str = ""  # what it is for, shown in `earful case templates`
    text: dict[str, str] = Field(min_length=1)  # language code → text

    @field_validator("text")
    @classmethod
    def _placeholders(cls, texts: dict[str, str]) -> dict[str, str]:
        import string

        for language, text in texts.items():
            try:
                names = {field for _, field, _, _ in string.Formatter().parse(text) if field}
            except ValueError as error:
                raise ValueError(f"text.{language}: {error} (write {{{{ for a brace)") from None
            unknown = sorted(names - TEMPLATE_FIELDS)
            if unknown:
                raise ValueError(f"text.{language}: unknown placeholder {{{unknown[0]}}}; "
                                 f"expected one of {sorted(TEMPLATE_FIELDS)}")
        return texts


class ListenConfig(_Model):
    """How ``earful listen`` schedules its jobs."""

    # A run that could not start on time (machine asleep, previous run still going) still
    # runs if it is at most this late; later ones are coalesced into one.
    misfire_grace: Seconds = 300.0
    # After failures a source waits interval × 2^(failures-1), at most this long.
    max_backoff: Seconds = 3600.0


def _span(values: list[str]) -> list[str]:
    if len(values) != 2 or not all(_CLOCK.match(v) for v in values) or values[0] == values[1]:
        raise ValueError(f"expected [\"HH:MM\", \"HH:MM\"] (may wrap midnight, e.g. "
                         f"[\"22:00\", \"07:00\"]); found {values}")
    return values


Span = Annotated[list[str], AfterValidator(_span)]
Severity = Literal["critical", "high", "low"]
AlertKind = Literal["case_new", "sla_warning", "sla_breach", "churn_threat", "volume_spike",
                    "negative_spike", "collector_failing"]
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(s|m|h|d)\s*$")


def _rate(value: str) -> str:
    if not _RATE.match(value):
        raise ValueError(f"expected a rate such as '10/m' or '30/h'; found {value!r}")
    return value


class ChannelConfig(_Model):
    """Where alerts can go: an apprise URL (Discord, Slack, mailto, PagerDuty, ntfy, json…)
    read from an environment variable or the secrets file, or the console."""

    kind: Literal["apprise", "console"] = "apprise"
    url_env: Annotated[str, Field(pattern=r"^[A-Z_][A-Z0-9_]*$")] | None = None
    rate: Annotated[str, AfterValidator(_rate)] | None = None  # at most this many sends
    quiet_hours: Span | None = None  # non-critical alerts wait until they end
    timezone: Zone = "UTC"  # of quiet_hours

    @model_validator(mode="after")
    def _url(self) -> ChannelConfig:
        if self.kind == "apprise" and self.url_env is None:
            raise ValueError("url_env: expected the NAME of the environment variable holding "
                             "the channel's apprise URL (secrets never go in config.toml)")
        return self

    @property
    def per_second(self) -> tuple[int, float] | None:
        """The rate limit as (sends, window in seconds)."""
        if self.rate is None:
            return None
        found = _RATE.match(self.rate)
        assert found is not None
        return int(found.group(1)), float(_UNIT_SECONDS[found.group(2)])


class Layer(_Model):
    """One rotation of an on-call schedule: people take turns of ``turn`` from ``start``,
    handing off at ``start``'s time of day; ``days``/``hours`` restrict when the layer covers
    (outside them a lower layer does)."""

    name: str = Field(min_length=1)
    people: list[str] = Field(min_length=1)
    start: datetime  # the first turn's hand-off, local time of the schedule
    turn: Seconds = 604800.0
    days: Days | None = None
    hours: Hours | None = None


class Override(_Model):
    """Someone covers a schedule for a while (holidays, swaps)."""

    person: str = Field(min_length=1)
    start: datetime
    end: datetime

    @model_validator(mode="after")
    def _order(self) -> Override:
        if self.end <= self.start:
            raise ValueError("end: expected a time after start")
        return self


class ScheduleConfig(_Model):
    """Who is on call: the highest layer covering a moment wins; overrides beat layers."""

    name: str = Field(min_length=1)
    timezone: Zone = "UTC"
    layers: list[Layer] = Field(min_length=1)
    overrides: list[Override] = []


class EscalationStep(_Model):
    """Targets: ``oncall:SCHEDULE``, ``responder:NAME``, ``channel:NAME``, ``assignee`` (of
    the alert's case)."""

    after: Seconds | Literal[0] = 0  # since the alert was raised
    notify: list[Annotated[str, Field(pattern=r"^(oncall|responder|channel):.+$|^assignee$")]] = (
        Field(min_length=1))


class EscalationPolicy(_Model):
    name: str = Field(min_length=1)
    kinds: list[AlertKind] = []  # alerts of these kinds use it; empty: any kind
    steps: list[EscalationStep] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _ascending(cls, steps: list[EscalationStep]) -> list[EscalationStep]:
        afters = [step.after for step in steps]
        if afters != sorted(afters):
            raise ValueError(f"expected steps in order of `after`; found {afters}")
        return steps


class SpikeConfig(_Model):
    """A brand's hourly volume (or negative share) against the same hour of recent days."""

    baseline_days: int = Field(default=14, ge=3, le=90)
    min_count: int = Field(default=10, ge=1)  # fewer posts in the hour never page
    ratio: float = Field(default=3.0, gt=1)  # times the usual volume for that hour
    z: float = Field(default=4.0, gt=0)  # robust z-score (median/MAD) above the usual
    negative_share: float = Field(default=0.5, gt=0, le=1)  # of the hour's posts


class AlertsConfig(_Model):
    """What pages whom, how, and when not to."""

    channels: dict[str, ChannelConfig] = {"console": ChannelConfig(kind="console")}
    secrets_file: Path | None = None  # NAME=value lines for url_env names not in the env
    schedules: list[ScheduleConfig] = []
    policies: list[EscalationPolicy] = []
    severity: dict[AlertKind, Severity] = {}  # overrides of each kind's default severity
    case_priorities: list[Priority] = ["p1"]  # new cases at these priorities page
    high_reach: int = Field(default=10000, ge=1)  # followers: their churn threats page
    churn_min: float = Field(default=0.5, gt=0, le=1)
    collector_failures: int = Field(default=3, ge=1)  # consecutive failed runs of a job
    spikes: SpikeConfig = SpikeConfig()
    digest_every: Seconds = 3600.0  # low-severity alerts go out together this often
    retry_max: Seconds = 1800.0  # the longest wait between delivery attempts
    group_window: Seconds = 21600.0  # the same event again within this joins the open alert

    @field_validator("schedules")
    @classmethod
    def _unique_schedules(cls, schedules: list[ScheduleConfig]) -> list[ScheduleConfig]:
        _once("schedule", [schedule.name for schedule in schedules])
        return schedules


class TierConfig(_Model):
    """A loyalty tier: reached at ``points`` earned in all (spending does not lower it)."""

    name: str = Field(min_length=1)
    points: int = Field(ge=0)
    # The Discord role members of this tier get. The bot gives and takes it but never
    # creates it: make it in the server, below the bot's own role.
    role: str | None = None


class EarnConfig(_Model):
    """How members earn points in the community."""

    activity: int = Field(default=2, ge=0)  # per message in a community channel…
    activity_daily_cap: int = Field(default=10, ge=0)  # …at most this many a day
    helpful: int = Field(default=25, ge=0)  # an answer a moderator marks with `helpful_emoji`
    helpful_emoji: str = "✅"
    survey: int = Field(default=5, ge=0)  # for answering a survey
    events: dict[str, int] = {}  # named events moderators grant: {"meetup" = 50}


class RewardConfig(_Model):
    """A reward of the catalogue: what it costs and how many there are (None: no limit)."""

    id: str = Field(min_length=1, pattern=r"^[\w.-]+$")
    name: str = Field(min_length=1)
    cost: int = Field(ge=1)
    stock: int | None = Field(default=None, ge=0)
    description: str = ""


class FaqEntry(_Model):
    """A common question the bot answers before a human is involved."""

    topic: str = Field(min_length=1)  # shipping, returns, order status…
    keywords: list[str] = Field(min_length=1)  # any of these (any language) asks it
    answer: str = Field(min_length=1)


class SurveyConfig(_Model):
    csat_after_resolve: bool = True  # CSAT 1–5 when a support case is resolved
    ces_after_support: bool = True  # CES 1–7 ("how easy was it?") with the CSAT
    nps_every: Seconds = 90 * 86400.0  # NPS 0–10 to each linked member this often


class CommunityConfig(_Model):
    """The Discord community bot (``earful bot run``)."""

    token_env: str = Field(default="DISCORD_BOT_TOKEN", pattern=_ENV_NAME.pattern)
    guilds: list[int] = []  # slash commands are synced to these servers
    brand: str | None = None  # the brand the community is about (its messages name it)
    listen_channels: list[int] = []  # channels whose messages enter the pipeline
    support_channel: int | None = None  # where /support opens private threads
    support_team: str | None = None  # the team support cases go to (default: routing's)
    support_priority: str = "p2"
    moderator_roles: list[str] = ["Moderator"]
    link_code_ttl: Seconds = 86400.0
    tiers: list[TierConfig] = []
    earn: EarnConfig = EarnConfig()
    rewards: list[RewardConfig] = []
    faq: list[FaqEntry] = []
    surveys: SurveyConfig = SurveyConfig()
    # How often the bot delivers what support queued: responders' replies, survey invitations.
    deliver_every: Seconds = 20.0

    @field_validator("tiers")
    @classmethod
    def _ascending_tiers(cls, tiers: list[TierConfig]) -> list[TierConfig]:
        points = [tier.points for tier in tiers]
        if points != sorted(points) or len(set(points)) != len(points):
            raise ValueError(f"expected tiers in ascending order of points; found {points}")
        _once("tier", [tier.name for tier in tiers])
        return tiers

    @field_validator("rewards")
    @classmethod
    def _unique_rewards(cls, rewards: list[RewardConfig]) -> list[RewardConfig]:
        _once("reward", [reward.id for reward in rewards])
        return rewards


def _once(kind: str, names: list[str]) -> None:
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"{kind}(s) defined twice: {twice}")


class Settings(_Model):
    """The whole validated configuration."""

    store: StoreConfig = StoreConfig()
    brands: list[BrandConfig] = Field(min_length=1)
    topics: list[TopicConfig] = []
    panels: list[PanelConfig] = []
    sources: dict[str, SourceConfig] = {}
    listen: ListenConfig = ListenConfig()
    responders: list[ResponderConfig] = []
    teams: list[TeamConfig] = []
    routing: RoutingConfig = RoutingConfig()
    sla: dict[Priority, SlaPolicyConfig] = {}
    templates: list[ReplyTemplate] = []
    replies: dict[Literal["x", "reddit"], ReplyAccount] = {}
    scoring: ScoringConfig = ScoringConfig()
    alerts: AlertsConfig = AlertsConfig()
    community: CommunityConfig = CommunityConfig()
    pipeline: PipelineConfig = PipelineConfig()
    # Where the file was read from: relative paths (store, replay files) resolve against it.
    base_dir: Path = Field(default=Path("."), exclude=True)

    @field_validator("templates")
    @classmethod
    def _unique_templates(cls, templates: list[ReplyTemplate]) -> list[ReplyTemplate]:
        _once("template", [t.name for t in templates])
        return templates

    @field_validator("panels")
    @classmethod
    def _unique_panels(cls, panels: list[PanelConfig]) -> list[PanelConfig]:
        _once("panel", [panel.name for panel in panels])
        return panels

    @field_validator("topics")
    @classmethod
    def _unique_topics(cls, topics: list[TopicConfig]) -> list[TopicConfig]:
        _once("topic", [topic.name.lower() for topic in topics])
        return topics

    @field_validator("brands")
    @classmethod
    def _unique_brands(cls, brands: list[BrandConfig]) -> list[BrandConfig]:
        seen: set[str] = set()
        for brand in brands:
            if brand.name.lower() in seen:
                raise ValueError(f"brand {brand.name!r} is defined twice")
            seen.add(brand.name.lower())
        if not any(brand.role == "brand" for brand in brands):
            raise ValueError("at least one brand needs role = 'brand' (ours)")
        return brands

    @model_validator(mode="after")
    def _roster_is_consistent(self) -> Settings:
        people = {r.name for r in self.responders}
        teams = {t.name for t in self.teams}
        brands = {b.name for b in self.brands}
        topics = {t.name for t in self.topics}
        for index, team in enumerate(self.teams):
            missing = [m for m in team.members if m not in people]
            if missing:
                raise ValueError(f"teams[{index}].members: no responder named {missing[0]!r}; "
                                 f"responders: {sorted(people)}")
        routing = self.routing
        if (routing.rules or routing.open_risk) and self.teams and routing.default_team is None:
            raise ValueError("routing.default_team: expected the team that catches what no rule "
                             f"selects; teams: {sorted(teams)}")
        if routing.default_team is not None and routing.default_team not in teams:
            raise ValueError(f"routing.default_team: no team named {routing.default_team!r}; "
                             f"teams: {sorted(teams)}")
        priorities = {routing.default_priority}
        for index, rule in enumerate(routing.rules):
            where = f"routing.rules[{index}]"
            if rule.team is not None and rule.team not in teams:
                raise ValueError(f"{where}.team: no team named {rule.team!r}; "
                                 f"teams: {sorted(teams)}")
            if rule.responder is not None and rule.responder not in people:
                raise ValueError(f"{where}.responder: no responder named {rule.responder!r}")
            for brand in rule.when.brand:
                if brand not in brands:
                    raise ValueError(f"{where}.when.brand: no brand named {brand!r}")
            for topic in rule.when.topic:
                if topic not in topics:
                    raise ValueError(f"{where}.when.topic: no topic named {topic!r}")
            priorities.add(rule.priority)
        self._alerts_are_consistent(people)
        self._panels_are_consistent(brands)
        community = self.community
        if community.brand is not None and community.brand not in brands:
            raise ValueError(f"community.brand: no brand named {community.brand!r}; "
                             f"brands: {sorted(brands)}")
        if community.support_team is not None and community.support_team not in teams:
            raise ValueError(f"community.support_team: no team named "
                             f"{community.support_team!r}; teams: {sorted(teams)}")
        if community.support_channel is not None:
            priorities.add(community.support_priority)  # /support cases need a policy too
        if self.sla:
            missing_sla = sorted(priorities - set(self.sla))
            if missing_sla:
                raise ValueError(f"sla: no policy for priority {missing_sla[0]!r} "
                                 f"(policies: {sorted(self.sla)})")
        return self

    def _panels_are_consistent(self, brands: set[str]) -> None:
        # Panels named by sources may also be created later from the CLI: only "*" and names
        # are checked for form here; rule brands must be configured brands.
        for index, panel in enumerate(self.panels):
            rule = panel.rule
            if rule is not None and rule.brand is not None and rule.brand not in brands:
                raise ValueError(f"panels[{index}].rule.brand: no brand named {rule.brand!r}; "
                                 f"brands: {sorted(brands)}")

    def _alerts_are_consistent(self, people: set[str]) -> None:
        alerts = self.alerts
        schedules = {schedule.name for schedule in alerts.schedules}
        for index, responder in enumerate(self.responders):
            channel = (responder.contact or "").partition(":")[0]
            if responder.contact and channel not in alerts.channels:
                raise ValueError(f"responders[{index}].contact: expected 'CHANNEL' or "
                                 f"'CHANNEL:ADDRESS' with a channel of alerts.channels "
                                 f"({sorted(alerts.channels)}); found {responder.contact!r}")
        for index, schedule in enumerate(alerts.schedules):
            for number, layer in enumerate(schedule.layers):
                unknown = [person for person in layer.people if person not in people]
                if unknown:
                    raise ValueError(f"alerts.schedules[{index}].layers[{number}].people: no "
                                     f"responder named {unknown[0]!r}")
            for number, override in enumerate(schedule.overrides):
                if override.person not in people:
                    raise ValueError(f"alerts.schedules[{index}].overrides[{number}].person: "
                                     f"no responder named {override.person!r}")
        known = {"oncall": schedules, "responder": people, "channel": set(alerts.channels)}
        for index, policy in enumerate(alerts.policies):
            for number, step in enumerate(policy.steps):
                for target in step.notify:
                    kind, _, name = target.partition(":")
                    if kind in known and name not in known[kind]:
                        raise ValueError(
                            f"alerts.policies[{index}].steps[{number}].notify: no {kind} "
                            f"named {name!r}; known: {sorted(known[kind])}")

    @property
    def db_path(self) -> Path:
        """The database file: ``$EARFUL_DB`` if set, else ``store.path`` beside the config."""
        override = os.environ.get(DB_ENV)
        path = Path(override) if override else Path(self.store.path)
        return path if path.is_absolute() else self.base_dir / path

    def brand(self, name: str) -> BrandConfig:
        for brand in self.brands:
            if brand.name.lower() == name.lower():
                return brand
        raise ConfigError(f"no brand named {name!r}; configured: {[b.name for b in self.brands]}")


def _describe(value: Any) -> str:
    text = repr(value)
    return (text[:60] + "…") if len(text) > 60 else text


def _format_errors(error: ValidationError, source: str) -> str:
    lines = [f"{source}: invalid configuration"]
    for item in error.errors():
        key = ""
        for part in item["loc"]:
            key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
        message = item["msg"].removeprefix("Value error, ")
        found = ""
        # Never echo what was given for credentials: it may be a secret.
        if item["type"] not in ("missing", "value_error") and "credentials" not in key:
            found = f"; found {_describe(item.get('input'))} ({type(item.get('input')).__name__})"
        lines.append(f"  {key or '(top level)'}: {message}{found}")
    return "\n".join(lines)


def parse_config(data: dict[str, Any], *, source: str = "config", base_dir: Path | None = None,
                 ) -> Settings:
    """Validate a config mapping; raise :class:`ConfigError` naming each bad key."""
    try:
        settings = Settings.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_format_errors(error, source)) from None
    if base_dir is not None:
        settings = settings.model_copy(update={"base_dir": base_dir})
    return settings


DEFAULT_CONFIG = "default_config.toml"


def default_config_text() -> str:
    """The embedded default config (the bundled sample brands and the replay sources)."""
    return resources.files("earful").joinpath(DEFAULT_CONFIG).read_text(encoding="utf-8")


def find_config(path: str | Path | None = None) -> Path | None:
    """The config to use: ``path``, else ``$EARFUL_CONFIG``, else ``./config.toml`` if present."""
    if path is not None:
        return Path(path)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    local = Path("config.toml")
    return local if local.is_file() else None


def load_config(path: str | Path | None = None) -> Settings:
    """Read and validate the config; without any file, use the embedded default.

    Example::

        settings = load_config("config.toml")
        print([brand.name for brand in settings.brands])
    """
    found = find_config(path)
    if found is None:
        data = tomllib.loads(default_config_text())
        return parse_config(data, source=f"(embedded {DEFAULT_CONFIG})", base_dir=Path.cwd())
    if not found.is_file():
        raise ConfigError(f"{found}: config file not found")
    try:
        data = tomllib.loads(found.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{found}: not valid TOML: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{found}: cannot read: {error}") from None
    return parse_config(data, source=str(found), base_dir=found.resolve().parent)


def secret(env_name: str) -> str | None:
    """The value of a credential's environment variable, or None when unset or empty."""
    value = os.environ.get(env_name, "")
    return value or None

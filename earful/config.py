"""The one configuration model: ``config.toml`` validated into typed settings.

Load it once with :func:`load_config` and pass the :class:`Settings` down. Secrets are never
in the file: credential entries hold the *names* of environment variables, read at run time
with :func:`secret`.
"""

from __future__ import annotations

import os
import re
import tomllib
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
    credentials: dict[str, str] = {}
    queries: list[Annotated[str, AfterValidator(_query)]] = []
    subreddits: list[str] = []  # Reddit: where queries search (empty: all of Reddit)
    watch: list[str] = []  # Reddit: subreddits whose new submissions and comments are read
    lookback: Seconds = 86400.0  # how far back a live source's first run reaches
    max_pages: int = Field(default=10, ge=1, le=1000)  # pages per stream per run
    archive: bool = False  # X: backfill with full-archive search (needs that access level)

    @field_validator("subreddits", "watch")
    @classmethod
    def _subreddit_names(cls, values: list[str]) -> list[str]:
        names = [value.strip().removeprefix("/").removeprefix("r/") for value in values]
        for name in names:
            if not _SUBREDDIT.match(name):
                raise ValueError(f"expected subreddit names like 'CampingGear'; found {name!r}")
        return names

    @field_validator("credentials")
    @classmethod
    def _credential_names(cls, values: dict[str, str]) -> dict[str, str]:
        for key, env_name in values.items():
            if not _ENV_NAME.match(env_name):
                # The value is not echoed: it may be a pasted secret.
                raise ValueError(
                    f"credentials.{key}: expected the NAME of an environment variable "
                    "(like REDDIT_CLIENT_SECRET); secrets never go in config.toml"
                )
        return values

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


class ListenConfig(_Model):
    """How ``earful listen`` schedules its jobs."""

    # A run that could not start on time (machine asleep, previous run still going) still
    # runs if it is at most this late; later ones are coalesced into one.
    misfire_grace: Seconds = 300.0
    # After failures a source waits interval × 2^(failures-1), at most this long.
    max_backoff: Seconds = 3600.0


class Settings(_Model):
    """The whole validated configuration."""

    store: StoreConfig = StoreConfig()
    brands: list[BrandConfig] = Field(min_length=1)
    topics: list[TopicConfig] = []
    sources: dict[str, SourceConfig] = {}
    listen: ListenConfig = ListenConfig()
    scoring: ScoringConfig = ScoringConfig()
    pipeline: PipelineConfig = PipelineConfig()
    # Where the file was read from: relative paths (store, replay files) resolve against it.
    base_dir: Path = Field(default=Path("."), exclude=True)

    @field_validator("topics")
    @classmethod
    def _unique_topics(cls, topics: list[TopicConfig]) -> list[TopicConfig]:
        names = [topic.name.lower() for topic in topics]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"topic(s) defined twice: {twice}")
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

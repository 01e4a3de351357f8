"""The data types that flow through Earful: source → match → score → store.

They are plain dataclasses so every stage (parsers, matcher, scorer, store, and later the
responders and alerts) can share them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson


def utcnow() -> datetime:
    """The current time, aware, in UTC: the default clock of everything that takes one."""
    return datetime.now(UTC)


def utc_iso(moment: datetime | None) -> str | None:
    """Render a datetime as the store's canonical text: ``2026-11-02T14:05:09Z`` (UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is not None and moment.tzinfo is not UTC and moment.utcoffset():
        moment = moment.astimezone(UTC)
    # orjson writes a datetime in C, four times as fast as isoformat (itself five times as
    # fast as strftime), and this runs for every stored post: the same text, quotes cut off.
    try:
        return orjson.dumps(moment, option=_ISO_OPTIONS)[1:-1].decode()
    except TypeError:  # a subclass of datetime (freezegun's, pendulum's), which orjson refuses
        return moment.isoformat(timespec="seconds")[:19] + "Z"


# Seconds (microseconds dropped, not rounded, as isoformat(timespec="seconds") does), "Z",
# and a naive datetime taken as UTC.
_ISO_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_OMIT_MICROSECONDS | orjson.OPT_NAIVE_UTC


PLATFORMS = ("reddit", "x", "discord")


def handle_key(handle: str) -> str:
    """An account handle as configured (``@KestrelHelp``, ``u/KestrelGoods``) or as a platform
    gives it (``KestrelHelp``), in one comparable form."""
    return handle.strip().lstrip("@").removeprefix("u/").lower()


def account_key(platform: str, handle: str) -> str:
    """One account on one platform as ``platform:handle`` (``x:kestrelhelp``): how panels and
    loyalty links name people. A Discord account is its user id."""
    return f"{platform}:{handle_key(handle)}"


def parse_account(text: str) -> str:
    """``platform:handle`` (``x:@runner_jo``, ``reddit:u/tripleloop``, ``discord:4815…``) →
    the account key; ValueError names the expected form."""
    platform, sep, handle = text.strip().partition(":")
    platform = platform.strip().lower()
    if not sep or platform not in PLATFORMS or not handle_key(handle):
        raise ValueError(f"expected an account as 'platform:handle' with platform one of "
                         f"{', '.join(PLATFORMS)} (like 'x:@runner_jo'), found {text!r}")
    return account_key(platform, handle)


def author_accounts(platform: str, handle: str | None, author_id: str | None) -> list[str]:
    """The keys one author may be listed under: their handle, and their platform id (an X
    handle can change, the user id does not)."""
    keys = [account_key(platform, handle)] if handle else []
    if author_id:
        keys.append(author_id.lower())
    return list(dict.fromkeys(keys))


@dataclass(slots=True)
class Author:
    """A post's author as the platform describes them at collection time."""

    platform: str
    native_id: str  # X user id; Reddit username (the only id dumps reliably carry)
    handle: str | None = None
    name: str | None = None
    followers: int | None = None
    following: int | None = None
    verified: bool | None = None
    post_count: int | None = None
    karma: int | None = None
    created_at: datetime | None = None

    @property
    def id(self) -> str:
        return f"{self.platform}:{self.native_id}"


@dataclass(slots=True)
class Post:
    """One post, reply or comment, normalised from any platform's own format.

    ``native_id`` is the platform's stable id (``t3_abc`` / ``t1_xyz`` on Reddit; on X the id
    of the first version of the tweet, so an edit updates the stored post instead of adding one).
    """

    platform: str
    native_id: str
    text: str
    created_at: datetime
    kind: str = "post"  # submission | comment | post | reply | quote | repost | message
    url: str | None = None
    author: Author | None = None
    lang: str | None = None  # what the platform says, if anything
    thread_id: str | None = None  # Reddit submission / X conversation
    parent_id: str | None = None
    community: str | None = None  # subreddit, Discord channel
    likes: int | None = None
    replies: int | None = None
    reposts: int | None = None
    quotes: int | None = None
    edited_at: datetime | None = None
    version_id: str | None = None  # the id of the version we hold, when it differs (X edits)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.platform}:{self.native_id}"

    @property
    def engagement(self) -> int:
        return (self.likes or 0) + (self.replies or 0) + (self.reposts or 0) + (self.quotes or 0)


@dataclass(slots=True, frozen=True)
class BrandMatch:
    """A configured brand found in a post, and what found it (``alias:Kestrel``)."""

    brand: str
    role: str  # "brand" (ours) or "competitor"
    rule: str


@dataclass(slots=True)
class ChurnSignal:
    """Churn intent in one text: how strong, which brand is being left and for whom."""

    intent: float = 0.0  # 0–1
    target: str | None = None  # brand being left, if known
    destination: str | None = None  # brand being moved to, if named
    phrases: list[str] = field(default_factory=list)
    negated: bool = False
    hypothetical: bool = False


@dataclass(slots=True)
class Score:
    """Everything the one scoring entry point says about a post."""

    sentiment: float | None  # VADER compound; None when the language is not scored
    positive: float | None
    neutral: float | None
    negative: float | None
    sentiment_label: str  # positive | neutral | negative | unscored
    sentiment_basis: str  # text | emoji | none
    language: str  # ISO 639-1, or "und"
    language_confidence: float
    complaint: float
    complaint_reason: str
    churn: ChurnSignal
    opportunity: bool  # someone leaving a competitor, possibly for us
    risk: str  # low | medium | high
    risk_score: float
    reasons: list[str]
    scorer_version: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sentiment": {
                "compound": self.sentiment,
                "pos": self.positive,
                "neu": self.neutral,
                "neg": self.negative,
                "label": self.sentiment_label,
                "basis": self.sentiment_basis,
            },
            "language": self.language,
            "language_confidence": round(self.language_confidence, 3),
            "complaint": round(self.complaint, 4),
            "complaint_reason": self.complaint_reason,
            "churn_intent": round(self.churn.intent, 4),
            "churn_target": self.churn.target,
            "churn_destination": self.churn.destination,
            "churn_phrases": self.churn.phrases,
            "opportunity": self.opportunity,
            "risk": self.risk,
            "risk_score": round(self.risk_score, 3),
            "reasons": self.reasons,
        }


# A score as the store writes it: the ``scores`` columns between ``mention_id`` and
# ``scored_at`` (JSON fields already serialised), then the two churn flags no column holds.
# Scoring processes send this instead of Score objects: it pickles and unpickles at a fraction
# of their cost, and the store writes it as it is.
PackedScore = tuple[Any, ...]


def pack_score(score: Score) -> PackedScore:
    """``score`` as the store writes it; :func:`unpack_score` gives it back, equal."""
    churn = score.churn
    return (
        score.sentiment, score.positive, score.neutral, score.negative, score.sentiment_label,
        score.sentiment_basis, score.language, score.language_confidence, score.complaint,
        score.complaint_reason, churn.intent, churn.target, churn.destination,
        json_text(churn.phrases) if churn.phrases else None, int(score.opportunity), score.risk,
        score.risk_score, json_text(score.reasons), score.scorer_version,
        churn.negated, churn.hypothetical,
    )


def json_text(value: Any) -> str:
    """``value`` as the JSON text the store keeps (what it cannot encode, as ``str``)."""
    return orjson.dumps(value, default=str).decode()


def unpack_score(packed: PackedScore) -> Score:
    (sentiment, positive, neutral, negative, label, basis, language, confidence, complaint,
     reason, intent, target, destination, phrases, opportunity, risk, risk_score, reasons,
     version, negated, hypothetical) = packed
    churn = ChurnSignal(intent, target, destination,
                        orjson.loads(phrases) if phrases is not None else [], negated,
                        hypothetical)
    return Score(sentiment, positive, neutral, negative, label, basis, language, confidence,
                 complaint, reason, churn, bool(opportunity), risk, risk_score,
                 orjson.loads(reasons), version)


# Positions in a PackedScore, for those who read one without unpacking it (the store, the
# report rollups).
PACKED_SENTIMENT, PACKED_LABEL, PACKED_LANGUAGE, PACKED_COMPLAINT = 0, 4, 6, 8
PACKED_INTENT, PACKED_TARGET, PACKED_DESTINATION, PACKED_OPPORTUNITY, PACKED_RISK = (
    10, 11, 12, 14, 15)
PACKED_COLUMNS = 19  # the ones the ``scores`` table stores

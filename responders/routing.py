"""Routing: which stored mentions open cases, and which team (or responder) gets them.

Rules are tried in order and the first whose every condition holds decides team and priority.
A post no rule selects still opens a case when its risk tier is in ``routing.open_risk``; it
goes to the default team. Posts written by our own accounts never open cases.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from earful.config import RoutingRule, RuleCondition, Settings
from earful.errors import EarfulError
from earful.models import (
    PACKED_COMPLAINT,
    PACKED_INTENT,
    PACKED_LANGUAGE,
    PACKED_OPPORTUNITY,
    PACKED_RISK,
    handle_key,
)
from earful.query import Document, Query
from earful.store import Scored, Store
from panels.membership import Memberships


@dataclass(slots=True)
class Candidate:
    """What routing looks at in one scored mention."""

    mention_id: str
    text: str
    platform: str
    language: str
    risk: str
    churn: float
    complaint: float
    opportunity: bool
    brands: list[tuple[str, str]]  # (brand, role)
    topics: list[str] = field(default_factory=list)
    author: str | None = None
    author_id: str | None = None
    thread_id: str | None = None
    community: str | None = None
    own: bool = False  # written by one of our accounts
    panels: list[str] = field(default_factory=list)  # see `annotate`
    loyalty_id: str | None = None

    @classmethod
    def of(cls, item: Scored, own: bool = False) -> Candidate:
        # The packed score, as the store wrote it: unpacking it whole (its phrases and
        # reasons are JSON) cost more than the rest of this.
        post, packed = item.post, item.packed
        assert packed is not None, "only scored mentions are routed"
        author = post.author
        return cls(post.id, post.text, post.platform, packed[PACKED_LANGUAGE],
                   packed[PACKED_RISK], packed[PACKED_INTENT], packed[PACKED_COMPLAINT],
                   bool(packed[PACKED_OPPORTUNITY]),
                   [(m.brand, m.role) for m in item.matches], list(item.topics),
                   (author.handle or author.native_id) if author else None,
                   author.id if author else None, post.thread_id or post.id, post.community, own)

    @classmethod
    def load(cls, store: Store, mention_id: str,
             memberships: Memberships | None = None) -> Candidate:
        """A stored mention, as the pipeline saw it when it was scored; with ``memberships``,
        its author's panels and loyalty id as they are now."""
        row = store.mention(mention_id)
        if row is None:
            raise EarfulError(f"no stored mention {mention_id!r} (see `earful mentions`)")
        if row.get("risk") is None:
            raise EarfulError(f"mention {mention_id!r} has no score yet")
        candidate = cls(row["id"], row["text"], row["platform"], row["language"], row["risk"],
                   row["churn_intent"], row["complaint"], bool(row["opportunity"]),
                   [(b["brand"], b["role"]) for b in row["brands"]], row["topics"],
                   row["author_handle"], row["author_id"], row["thread_id"] or row["id"],
                   row["community"])
        if memberships is not None:
            annotate([candidate], memberships)
        return candidate


def annotate(candidates: Sequence[Candidate], memberships: Memberships) -> None:
    """Fill in each candidate's panels and loyalty id (one lookup for all of them)."""
    found = memberships.of_many([(c.platform, c.author, c.author_id) for c in candidates])
    for candidate, membership in zip(candidates, found, strict=True):
        candidate.panels, candidate.loyalty_id = membership.panels, membership.loyalty_id


@dataclass(slots=True)
class Check:
    """One condition of a rule and whether the candidate meets it."""

    condition: str
    met: bool
    why: str


@dataclass(slots=True)
class RuleVerdict:
    rule: str
    matched: bool
    checks: list[Check]


@dataclass(slots=True)
class Decision:
    """Where a case goes: ``rule`` is None for the default queue."""

    team: str | None
    responder: str | None
    priority: str
    rule: str | None
    reasons: list[str]


class Router:
    """Route candidates by the configured rules.

    Example::

        router = Router(settings)
        decision = router.decide(Candidate.load(store, "x:1850000000000000123"))
        decision.team, decision.priority  # ('care-es', 'p1')
    """

    def __init__(self, settings: Settings) -> None:
        self.config = settings.routing
        # Posts by our brands' accounts or our responders' own handles are replies, not cases.
        self._own = {handle_key(handle) for people in (settings.responders, settings.brands)
                     for entry in people for handle in entry.handles}
        self._queries = {rule.name: Query(rule.when.query)
                         for rule in self.config.rules if rule.when.query}

    def explain(self, candidate: Candidate) -> list[RuleVerdict]:
        """Every rule's verdict, in order (all of them, not only up to the first match)."""
        return [self._verdict(rule, candidate) for rule in self.config.rules]

    def decide(self, candidate: Candidate) -> Decision | None:
        """The first matching rule's target, else the default queue for risky posts, else None
        (no case)."""
        if self.is_own(candidate):
            return None
        for rule in self.config.rules:
            # A rule's conditions are read up to the first it fails (most rules fail most
            # posts on their first): routing was half of an import's time.
            reasons = []
            for check in self._checks(rule.name, rule.when, candidate):
                if not check.met:
                    break
                reasons.append(check.why)
            else:
                return Decision(rule.team, rule.responder, rule.priority, rule.name, reasons)
        # A panel member's post that names no brand is about something else unless a rule
        # on panels or members says otherwise.
        if candidate.risk in self.config.open_risk and candidate.brands:
            return Decision(self.config.default_team, None, self.config.default_priority, None,
                            [f"risk {candidate.risk} opens a case; no rule selected it"])
        return None

    def is_own(self, candidate: Candidate) -> bool:
        """Written by one of our accounts (a brand's or a responder's handle)."""
        return candidate.own or (candidate.author is not None
                                 and handle_key(candidate.author) in self._own)

    def _verdict(self, rule: RoutingRule, candidate: Candidate) -> RuleVerdict:
        checks = list(self._checks(rule.name, rule.when, candidate))
        return RuleVerdict(rule.name, all(check.met for check in checks), checks)

    def _checks(self, name: str, when: RuleCondition, c: Candidate) -> Iterator[Check]:
        """Each condition of a rule with its verdict, in order; lazily, so that a caller
        that only needs the first failure stops there."""
        if not c.brands and not when.panel and when.member is None:
            yield Check("brand", False, "names no brand (a panel member's other posts "
                        "are routed only by rules on panel or member)")
        for condition, wanted, actual in (("risk", when.risk, c.risk),
                                          ("platform", when.platform, c.platform),
                                          ("language", when.language, c.language)):
            if wanted:
                met = actual in wanted
                listed = ", ".join(map(str, wanted))
                yield Check(condition, met,
                            f"{condition} is {actual} ({'in' if met else 'not in'} {listed})")
        if when.churn_min is not None:
            yield Check("churn_min", c.churn >= when.churn_min,
                        f"churn intent {c.churn:.2f} (needs ≥ {when.churn_min})")
        if when.complaint_min is not None:
            yield Check("complaint_min", c.complaint >= when.complaint_min,
                        f"complaint {c.complaint:.2f} (needs ≥ {when.complaint_min})")
        if when.brand:
            named = [brand for brand, _ in c.brands if brand in when.brand]
            yield Check("brand", bool(named), f"names {', '.join(named)}" if named
                        else f"names none of {', '.join(when.brand)}")
        if when.role is not None:
            roles = sorted({role for _, role in c.brands})
            yield Check("role", when.role in roles,
                        f"names a {when.role}" if when.role in roles
                        else f"names no {when.role} (only {', '.join(roles) or 'none'})")
        if when.topic:
            found = [topic for topic in c.topics if topic in when.topic]
            yield Check("topic", bool(found), f"topic {', '.join(found)}" if found
                        else f"none of the topics {', '.join(when.topic)}")
        if when.opportunity is not None:
            yield Check("opportunity", c.opportunity == when.opportunity,
                        "leaving a competitor" if c.opportunity
                        else "not leaving a competitor")
        if when.panel:
            found = [panel for panel in c.panels if panel in when.panel]
            yield Check("panel", bool(found), f"author in panel {', '.join(found)}"
                        if found else f"author in none of the panels "
                        f"{', '.join(when.panel)}")
        if when.member is not None:
            yield Check("member", (c.loyalty_id is not None) == when.member,
                        f"author is loyalty member {c.loyalty_id}" if c.loyalty_id
                        else "author is not a loyalty member")
        if when.query is not None:
            doc = Document(c.text, platform=c.platform, author=c.author, community=c.community,
                           language=c.language)
            met = self._queries[name].matches(doc)
            yield Check("query", met, f"query {when.query!r} "
                        f"{'matches' if met else 'does not match'}")

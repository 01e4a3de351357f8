from __future__ import annotations

from earful.config import ScoringConfig
from earful.models import BrandMatch, ChurnSignal
from listener.scoring.risk import assess

OURS = frozenset({"Kestrel"})
KESTREL = [BrandMatch("Kestrel", "brand", "name:Kestrel")]
TROVIA = [BrandMatch("Trovia", "competitor", "name:Trovia")]


def risk(config: ScoringConfig | None = None, **kwargs):
    base = {"sentiment": 0.0, "complaint": 0.1, "complaint_reason": "no complaint cues",
            "churn": ChurnSignal(), "matches": KESTREL, "ours": OURS}
    return assess(config or ScoringConfig(), **{**base, **kwargs})


def test_definite_churn_from_us_is_high() -> None:
    result = risk(churn=ChurnSignal(0.95, "Kestrel", "Trovia", ["switching to Trovia"]))
    assert result.tier == "high" and not result.opportunity
    assert "leaving Kestrel" in result.reasons[0]


def test_leaving_a_competitor_is_an_opportunity() -> None:
    result = risk(churn=ChurnSignal(0.95, "Trovia", "Kestrel", ["moved from Trovia"]),
                  matches=TROVIA + KESTREL)
    assert result.tier == "low" and result.opportunity


def test_moving_to_a_competitor_is_never_an_opportunity() -> None:
    # "Cancelling, switching to Trovia" names only Trovia: someone unnamed is left, for a
    # competitor. That is a risk (it may be us), not someone leaving a competitor.
    result = risk(churn=ChurnSignal(0.95, None, "Trovia", ["switching to Trovia"]),
                  matches=TROVIA)
    assert result.tier == "high" and not result.opportunity
    assert "leaving for Trovia" in result.reasons[0]
    # Leaving Nimbus for Trovia, both competitors, is still an opportunity.
    nimbus = [BrandMatch("Nimbus", "competitor", "name:Nimbus")]
    result = risk(churn=ChurnSignal(0.95, None, "Trovia", ["switching to Trovia"]),
                  matches=TROVIA + nimbus)
    assert result.opportunity


def test_reach_amplifies_only_what_is_already_negative() -> None:
    happy = risk(sentiment=0.8, followers=2_000_000, engagement=5000)
    assert happy.tier == "low" and happy.points == 0
    angry = risk(sentiment=-0.8, complaint=0.9, complaint_reason="cues")
    assert angry.tier == "medium"
    loud = risk(sentiment=-0.8, complaint=0.9, complaint_reason="cues", followers=250_000)
    assert loud.tier == "high" and any("very high-reach" in r for r in loud.reasons)


def test_brand_accounts_own_posts_are_low() -> None:
    result = risk(churn=ChurnSignal(0.95, "Kestrel"), own_brand="Kestrel")
    assert result.tier == "low" and "own account" in result.reasons[0]


def test_thresholds_come_from_the_config() -> None:
    strict = ScoringConfig(complaint=0.95)
    assert risk(strict, complaint=0.9, complaint_reason="c", sentiment=-0.9).points == 1.0
    touchy = ScoringConfig(risk={"medium": 0.5, "high": 1.0})
    assert risk(touchy, complaint=0.6, complaint_reason="c").tier == "high"


def test_scoring_a_batch_gives_what_scoring_one_by_one_gives(settings) -> None:
    # score_many reorders the work (stage by stage); the results must not move.
    from listener.formats import read_posts
    from listener.scoring import Request, Scorer
    from listener.sources.replay import sample_dir

    scorer = Scorer(settings)
    posts = [post for platform in ("x", "reddit")
             for path in sorted(sample_dir().glob(f"{platform}*"))
             for post in read_posts(path, platform) if hasattr(post, "text")]
    requests = [Request(post.text, tuple(scorer.matcher.match(post)), post.lang,
                        post.author.followers if post.author else None, post.engagement,
                        scorer.matcher.own_brand(post)) for post in posts]
    batch = scorer.score_many(requests)
    one_by_one = [scorer.score(r.text, matches=r.matches, lang_hint=r.lang_hint,
                               followers=r.followers, engagement=r.engagement,
                               own_brand=r.own_brand) for r in requests]
    assert len(posts) >= 400
    assert batch == one_by_one
    assert {score.risk for score in batch} == {"low", "medium", "high"}

"""Routing and cases: which posts open cases, where they go, how the same customer's posts join
them, and the lifecycle with its audit trail."""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta

import pytest

from earful.config import load_config, parse_config
from earful.store import Store
from listener.pipeline import Pipeline
from panels.membership import Memberships
from responders.cases import CaseError, Cases
from responders.intake import Intake
from responders.routing import Candidate, Decision, Router
from tests.conftest import make_post

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)

ROSTER = {
    "brands": [{"name": "Kestrel", "handles": ["@KestrelHelp"]},
               {"name": "Trovia", "role": "competitor"}],
    "topics": [{"name": "refunds", "query": "refund* OR reembolso"}],
    "responders": [{"name": "Ana", "languages": ["es", "en"], "handles": ["@AnaKestrel"]},
                   {"name": "Bo", "languages": ["en"]}],
    "teams": [{"name": "care", "members": ["Ana", "Bo"]},
              {"name": "care-es", "members": ["Ana"], "timezone": "Europe/Madrid"},
              {"name": "retention", "members": ["Bo"]}],
    "routing": {
        "default_team": "care", "open_risk": ["high"], "join_window": "24h",
        "rules": [
            {"name": "churn-es", "when": {"churn_min": 0.5, "role": "brand", "language": ["es"]},
             "team": "care-es", "priority": "p1"},
            {"name": "churn", "when": {"churn_min": 0.5, "role": "brand", "opportunity": False},
             "team": "retention", "priority": "p1"},
            {"name": "refunds", "when": {"topic": ["refunds"], "risk": ["medium", "high"]},
             "team": "care", "priority": "p2"},
            {"name": "vip-query", "when": {"query": "lang:en AND (lawyer OR chargeback)"},
             "responder": "Bo", "priority": "p1"},
        ],
    },
    "sla": {"p1": {"first_response": "1h", "resolution": "8h"},
            "p2": {"first_response": "4h", "resolution": "2d"},
            "p3": {"first_response": "8h", "resolution": "5d"}},
}


@pytest.fixture
def settings():
    return parse_config(ROSTER)


SUNDAY = datetime(2026, 11, 8, 12, 0, tzinfo=UTC)  # nobody in ROSTER works: no assignment


@pytest.fixture
def cli(tmp_path):
    """`earful` on the repository's config and a fresh database; returns the output."""
    from click.testing import CliRunner

    from earful.cli import main
    from tests.conftest import ROOT

    def run(*args: str) -> str:
        result = CliRunner().invoke(main, ["--config", str(ROOT / "config.toml"), "--db",
                                           str(tmp_path / "e.db"), *args])
        assert result.exit_code == 0, result.output
        return result.output

    return run


def stored(settings, store, *posts, now: datetime = SUNDAY):
    """Run posts through the real pipeline with the intake attached, at ``now``."""
    with Pipeline(settings, store, workers=1) as pipeline:
        intake = Intake(settings, store, clock=lambda: now)
        pipeline.after_store.append(intake)
        pipeline.process(list(posts), source="test")
    return intake


def case_of(store: Store, mention_id: str) -> dict:
    row = store.conn.execute(
        "SELECT c.id, c.team, c.assignee, c.priority, c.rule, c.status FROM cases c "
        "JOIN case_mentions m ON m.case_id = c.id WHERE m.mention_id = ?", [mention_id]).fetchone()
    return dict(zip(("id", "team", "assignee", "priority", "rule", "status"), row,
                    strict=True)) if row else {}


def test_rules_decide_in_order_and_the_default_queue_catches_risky_posts(settings, store) -> None:
    intake = stored(
        settings, store,
        make_post("1", "Voy a cancelar mi membresía de Kestrel, me cambio a Trovia",
                  lang="es", handle="lola"),
        make_post("2", "Cancelling my Kestrel membership, switching to Trovia", handle="sam"),
        make_post("3", "Cancelled Trovia, Kestrel is way better", handle="kim"),
        make_post("4", "Kestrel where is my refund, it has been 40 days. Useless.",
                  handle="ray"),
        make_post("5", "Love my Kestrel tent", handle="joy"),
        make_post("6", "@KestrelHelp your contact form is broken, I'm talking to my lawyer "
                  "and filing a chargeback", handle="vic"),
    )
    assert case_of(store, "x:1") | {"id": 0} == {"id": 0, "team": "care-es", "assignee": None,
                                                  "priority": "p1", "rule": "churn-es",
                                                  "status": "new"}
    assert case_of(store, "x:2")["team"] == "retention"
    assert case_of(store, "x:3") == {}  # leaving a competitor for us: no case
    assert case_of(store, "x:4")["rule"] == "refunds"
    assert case_of(store, "x:5") == {}  # praise: no case
    vip = case_of(store, "x:6")
    assert vip["assignee"] == "Bo" and vip["status"] == "assigned" and vip["team"] is None
    assert intake.counts == {"opened": 4, "assigned": 0}


def test_route_explain_gives_every_rule_and_why(settings, store) -> None:
    stored(settings, store, make_post("1", "Me cambio a Trovia, cancelo Kestrel", lang="es"))
    verdicts = Router(settings).explain(Candidate.load(store, "x:1"))
    assert [(v.rule, v.matched) for v in verdicts] == [
        ("churn-es", True), ("churn", True), ("refunds", False), ("vip-query", False)]
    why = {check.condition: check.why for check in verdicts[0].checks}
    assert why["language"] == "language is es (in es)"
    assert why["role"] == "names a brand"
    refunds = {check.condition: (check.met, check.why) for check in verdicts[2].checks}
    assert refunds == {"risk": (True, "risk is high (in medium, high)"),
                       "topic": (False, "none of the topics refunds")}


def test_decide_takes_the_first_rule_explain_says_matches(settings, store) -> None:
    # `decide` stops reading a rule at its first unmet condition; `explain` reads them all.
    # Over posts that each rule takes or misses, on any of its conditions, they agree.
    texts = ["Me cambio a Trovia, cancelo Kestrel", "Cancelling Kestrel, switching to Trovia",
             "Leaving Trovia for Kestrel, bye Trovia", "Kestrel where is my refund??? awful",
             "Kestrel refund arrived, thanks", "Kestrel: my lawyer will call about a chargeback",
             "Kestrel boots are great", "Kestrel is the worst, never again, total scam",
             "Trovia lost my order, I want a refund",
             "Kestrel lost my order again, worst customer service ever, I am furious"]
    stored(settings, store, *[make_post(str(n), text, lang="es" if n == 0 else None)
                              for n, text in enumerate(texts)])
    router = Router(settings)
    decided = 0
    for n in range(len(texts)):
        candidate = Candidate.load(store, f"x:{n}")
        decision = router.decide(candidate)
        first = next((v for v in router.explain(candidate) if v.matched), None)
        if first is None:
            assert decision is None or decision.rule is None, texts[n]
            continue
        decided += 1
        assert decision is not None and decision.rule == first.rule, texts[n]
        assert decision.reasons == [check.why for check in first.checks]
    assert decided >= 4


def test_a_candidate_reads_the_same_from_the_batch_as_from_the_store(settings, store) -> None:
    # The intake reads a batch's packed scores by position; `load` reads the stored columns.
    posts = [make_post("1", "Me cambio a Trovia, cancelo Kestrel", lang="es"),
             make_post("2", "Leaving Trovia for Kestrel, bye Trovia"),
             make_post("3", "Kestrel where is my refund??? awful", thread_id="x:9")]
    with Pipeline(settings, store, workers=1) as pipeline:
        result = pipeline.process(posts, source="test")
    for item in result.stored:
        batch, stored = Candidate.of(item), Candidate.load(store, item.post.id)
        batch.brands.sort()  # in the order the post names them; the store's is by name
        stored.brands.sort()
        assert batch == stored
    assert {Candidate.of(item).opportunity for item in result.stored} == {True, False}


def test_a_batch_takes_its_cases_as_post_by_post_lookups_would(settings, tmp_path) -> None:
    # The intake reads once per batch which mentions and authors have no case, and skips the
    # per-post lookups for those. The same posts taken with and without that must do the same.
    def post(native_id, handle, hours, thread=None):
        return make_post(native_id, "Kestrel where is my refund", handle=handle,
                         when=(T0 + timedelta(hours=hours)).isoformat()[:19],
                         thread_id=f"x:{thread or native_id}")

    before = [post("a1", "ann", 0), post("b1", "ben", 0)]
    batch = [post("a1", "ann", 0),          # in a case already
             post("a2", "ann", 2),          # ann's case is recent: joins it, another thread
             post("b2", "ben", 72, "b1"),   # ben's resolved case, same thread: reopens it
             post("c1", "cat", 1),          # no case: routing opens one
             post("c2", "cat", 2),          # routing would not open one: joins cat's new case
             post("d1", "dan", 1),          # no case, routing opens none: nothing
             dataclasses.replace(post("e1", "eve", 1), author=None),  # anonymous, routed
             dataclasses.replace(post("e2", "eve", 1), author=None)]  # anonymous, not routed
    routed = {"a1", "b1", "c1", "e1"}
    decision = Decision("care", None, "p2", "refunds", ["topic refunds"])

    def take_all(path, batched):
        with Store(path) as store, Pipeline(settings, store, workers=1) as pipeline:
            cases = Cases(store, settings, clock=lambda: T0)
            done = {item.post.id: Candidate.of(item)
                    for item in pipeline.process(before + batch[1:], source="t").stored}
            for item in before:
                cases.take(done[item.id], decision, at=item.created_at)
            cases.resolve(case_of(store, "x:b1")["id"], "Bo")
            changes = []
            with store.transaction():
                untouched = cases.untouched([done[p.id] for p in batch]) if batched else None
                for item in batch:
                    change = cases.take(done[item.id],
                                        decision if item.native_id in routed else None,
                                        at=item.created_at, untouched=untouched)
                    changes.append(change and (change.action, change.case_id))
            tables = {table: store.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                      for table in ("cases", "case_mentions", "case_events")}
            return changes, tables

    changes, tables = take_all(tmp_path / "batched.db", batched=True)
    ann, ben, cat, eve = 1, 2, 3, 4  # case ids in the order they were opened
    assert changes == [("already", ann), ("joined", ann), ("reopened", ben), ("opened", cat),
                       ("joined", cat), None, ("opened", eve), None]
    assert (changes, tables) == take_all(tmp_path / "one_by_one.db", batched=False)


def ivy_post(native_id: str, hours: int, thread: str):
    """Ivy's refund question, ``hours`` after T0, in thread ``thread``."""
    return make_post(native_id, "Kestrel where is my refund", handle="ivy",
                     when=(T0 + timedelta(hours=hours)).isoformat()[:19],
                     thread_id=f"x:{thread}")


def candidates(settings, store, posts) -> dict[str, Candidate]:
    """The posts stored (without routing), as routing candidates by id."""
    with Pipeline(settings, store, workers=1) as pipeline:
        return {item.post.id: Candidate.of(item)
                for item in pipeline.process(posts, source="t").stored}


REFUNDS = Decision("care", None, "p2", "refunds", ["topic refunds"])


def test_a_post_from_long_before_a_case_in_another_thread_is_not_part_of_it(
        settings, store) -> None:
    # An import or a backfill finds what the customer wrote before their case. Within the
    # join window before it (or in its thread) it joins; ten days before, elsewhere, it is not
    # the case's (every earlier post used to join, whatever its age).
    posts = [ivy_post("p1", 240, "t1"), ivy_post("p0", 236, "t0"), ivy_post("old", 0, "t9"),
             ivy_post("early", 10, "t1")]
    done = candidates(settings, store, posts)
    cases = Cases(store, settings, clock=lambda: T0 + timedelta(hours=245))
    decision = REFUNDS
    opened = cases.take(done["x:p1"], decision, at=posts[0].created_at)
    assert opened is not None and opened.action == "opened"
    change = cases.take(done["x:p0"], None, at=posts[1].created_at)
    assert change is not None and (change.action, change.case_id) == ("joined", opened.case_id)
    assert cases.take(done["x:old"], None, at=posts[2].created_at) is None
    change = cases.take(done["x:early"], None, at=posts[3].created_at)  # its thread: joins
    assert change is not None and change.case_id == opened.case_id


def test_a_backfilled_post_joins_the_older_case_it_belongs_to_not_only_the_latest(
        settings, store) -> None:
    # Ivy had a case in November's first days (thread t1) and another ten days later (t5).
    # A backfill then brings posts from the first one's days: they are that case's, though it
    # is not her latest; one from between the two, elsewhere, is neither's.
    posts = [ivy_post("a", 0, "t1"), ivy_post("b", 240, "t5"), ivy_post("a-thread", 30, "t1"),
             ivy_post("a-near", 5, "t8"), ivy_post("between", 120, "t9")]
    done = candidates(settings, store, posts)
    cases = Cases(store, settings, clock=lambda: T0 + timedelta(hours=250))
    decision = REFUNDS
    first = cases.take(done["x:a"], decision, at=posts[0].created_at)
    cases.resolve(first.case_id, "Bo")
    latest = cases.take(done["x:b"], decision, at=posts[1].created_at)
    assert (first.action, latest.action) == ("opened", "opened")
    # In the first case's thread, a day after its last post: joins it, and reopens it.
    change = cases.take(done["x:a-thread"], decision, at=posts[2].created_at)
    assert (change.action, change.case_id) == ("reopened", first.case_id)
    # Another thread, within the first case's window: joins it.
    change = cases.take(done["x:a-near"], None, at=posts[3].created_at)
    assert (change.action, change.case_id) == ("joined", first.case_id)
    # Days from either case, elsewhere: routing decides, as for a new customer.
    assert cases.take(done["x:between"], None, at=posts[4].created_at) is None
    change = cases.take(done["x:between"], decision, at=posts[4].created_at)
    assert change.action == "opened" and change.case_id not in (first.case_id, latest.case_id)
    assert store.conn.execute("SELECT count(*) FROM cases").fetchone() == (3,)


def test_later_posts_of_the_same_customer_join_their_case(settings, store) -> None:
    first = make_post("1", "Cancelling my Kestrel membership, switching to Trovia",
                      handle="sam", when="2026-11-02T10:00:00", thread_id="x:1")
    stored(settings, store, first)
    case = case_of(store, "x:1")["id"]
    # Same thread, days later: joins. Another thread within the window: joins too.
    later = make_post("2", "@KestrelHelp still waiting. Cancelling Kestrel today.",
                      handle="sam", when="2026-11-05T10:00:00", thread_id="x:1")
    near = make_post("3", "Kestrel support is the worst, I want a refund now",
                     handle="sam", when="2026-11-05T12:00:00", thread_id="x:3")
    stored(settings, store, later, near)
    assert case_of(store, "x:2")["id"] == case_of(store, "x:3")["id"] == case
    # Our own reply in the thread opens nothing.
    ours = make_post("4", "@sam so sorry, refund coming, cancelling the fee for you",
                     handle="KestrelHelp", thread_id="x:1")
    stored(settings, store, ours)
    assert case_of(store, "x:4") == {}
    # Re-running the same posts changes nothing.
    assert Intake(settings, store).cases.take(Candidate.load(store, "x:2"),
                                              Router(settings).decide(
                                                  Candidate.load(store, "x:2"))
                                              ).action == "already"


def test_lifecycle_is_audited_and_a_new_post_reopens(settings, store) -> None:
    clock = [T0]
    cases = Cases(store, settings, clock=lambda: clock[0])
    stored(settings, store, make_post("1", "Cancelling my Kestrel membership, switching to "
                                           "Trovia", handle="sam", when="2026-11-02T09:50:00"))
    case = case_of(store, "x:1")["id"]
    assert cases.claim(case, "Bo")
    clock[0] += timedelta(minutes=20)
    cases.respond(case, "Bo", "Sorry to hear that! Can I help?")
    cases.wait(case, "Bo")
    cases.note(case, "Bo", "offered 20% off")
    clock[0] += timedelta(hours=1)
    cases.resolve(case, "Bo")
    got = cases.get(case)
    assert got["status"] == "resolved" and got["first_contact_resolution"] == 1
    assert got["first_response_at"] == "2026-11-02T10:20:00Z"
    assert [(e["actor"], e["action"], e["from"], e["to"]) for e in got["events"]] == [
        ("earful", "opened", None, "new"),
        ("Bo", "claimed", "new", "assigned"),
        ("Bo", "responded", "assigned", "responded"),
        ("Bo", "waiting", "responded", "waiting"),
        ("Bo", "note", "waiting", "waiting"),
        ("Bo", "resolved", "waiting", "resolved"),
    ]
    with pytest.raises(CaseError, match="is resolved: cannot be responded"):
        cases.respond(case, "Bo")
    # The customer writes again in the thread: the case reopens, with its assignee.
    stored(settings, store, make_post("2", "Kestrel still charged me, cancelling for real",
                                      handle="sam", when="2026-11-02T12:00:00",
                                      thread_id="x:1"))
    again = cases.get(case)
    assert again["status"] == "assigned" and again["assignee"] == "Bo"
    assert again["events"][-1]["action"] == "reopened"
    with pytest.raises(CaseError, match="no responder named 'Zed'"):
        cases.assign(case, "Zed", "Bo")


def test_two_responders_claiming_one_case_exactly_one_wins(settings, tmp_path) -> None:
    path = tmp_path / "e.db"
    with Store(path) as store:
        stored(settings, store, make_post("1", "Cancelling my Kestrel membership, switching to "
                                               "Trovia", handle="sam"))
        case = case_of(store, "x:1")["id"]
    results: dict[str, bool] = {}
    start = threading.Barrier(2)

    def claim(name: str) -> None:
        with Store(path) as own:  # each responder's own connection, as two terminals would be
            start.wait()
            results[name] = Cases(own, settings).claim(case, name)

    threads = [threading.Thread(target=claim, args=(name,)) for name in ("Ana", "Bo")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == [False, True]
    winner = next(name for name, won in results.items() if won)
    with Store(path) as store:
        assert Cases(store, settings).get(case)["assignee"] == winner
        claims = store.conn.execute(
            "SELECT count(*) FROM case_events WHERE action = 'claimed'").fetchone()[0]
        assert claims == 1


def test_routing_config_errors_name_the_key(settings) -> None:
    from earful.errors import ConfigError

    bad = {**ROSTER, "routing": {**ROSTER["routing"], "rules": [
        {"name": "x", "when": {"topic": ["nope"]}, "team": "care"}]}}
    with pytest.raises(ConfigError, match=r"routing\.rules\[0\]\.when\.topic: no topic named"):
        parse_config(bad)
    bad = {**ROSTER, "teams": [{"name": "care", "members": ["Zed"]}]}
    with pytest.raises(ConfigError, match=r"teams\[0\]\.members: no responder named 'Zed'"):
        parse_config(bad)
    bad = {**ROSTER, "sla": {"p1": ROSTER["sla"]["p1"]}}
    with pytest.raises(ConfigError, match=r"sla: no policy for priority 'p2'"):
        parse_config(bad)
    bad = {**ROSTER, "responders": [{"name": "A", "hours": ["18:00", "09:00"]}]}
    with pytest.raises(ConfigError, match=r"responders\[0\]\.hours: .*opening before closing"):
        parse_config(bad)


def test_the_sample_opens_cases_only_for_selected_posts_and_routes_spanish_churn(
        tmp_path, cli) -> None:
    import json

    from click.testing import CliRunner
    from freezegun import freeze_time

    from earful.cli import main
    from tests.conftest import ROOT

    with freeze_time("2026-11-22 12:00:00"):  # a Sunday: nobody on shift, nothing auto-assigned
        cli("listen", "--once")
    cases = [json.loads(line) for line in cli("queue", "--all", "--limit", "1000",
                                              "--json").splitlines()]
    assert cases
    with Store(tmp_path / "e.db") as store:
        settings = load_config(ROOT / "config.toml")
        router, memberships = Router(settings), Memberships(store, settings)
        opened = {row[0] for row in store.conn.execute("SELECT mention_id FROM cases")}
        # Every case was opened by a post routing selects, and every such post opened or
        # joined a case.
        for mention_id in opened:
            assert router.decide(Candidate.load(store, mention_id, memberships)) is not None, (
                mention_id)
        routed = [mention_id for (mention_id,) in store.conn.execute("SELECT id FROM mentions")
                  if router.decide(Candidate.load(store, mention_id, memberships)) is not None]
        in_cases = {m for (m,) in store.conn.execute("SELECT mention_id FROM case_mentions")}
        assert set(routed) <= in_cases
        assert len(routed) < store.count("mentions") / 3  # praise and questions open nothing
    spanish = [c for c in cases if c["language"] == "es" and c["rule"] == "churn-es"]
    assert spanish and {c["team"] for c in spanish} == {"care-es"}
    opener = json.loads(cli("case", "show", str(spanish[0]["id"]), "--json"))["mention_id"]
    explained = cli("route", "explain", opener)
    assert "← decides" in explained and "care-es" in explained
    # Lucía speaks Spanish and is in care-es: she claims it, a second claim fails.
    cli("case", "claim", str(spanish[0]["id"]), "--as", "Lucía")
    again = CliRunner().invoke(main, ["--config", str(ROOT / "config.toml"), "--db",
                                      str(tmp_path / "e.db"), "case", "claim",
                                      str(spanish[0]["id"]), "--as", "Maya"])
    assert again.exit_code == 1 and "already assigned" in again.output
    shown = json.loads(cli("case", "show", str(spanish[0]["id"]), "--json"))
    assert shown["assignee"] == "Lucía"
    actions = [(e["actor"], e["action"]) for e in shown["events"]]
    assert actions[0] == ("earful", "opened") and actions[-1] == ("Lucía", "claimed")


def test_the_queue_shows_sla_in_the_teams_business_time_paused_while_waiting(settings,
                                                                             store) -> None:
    from responders.queue import QueueFilters, queue

    # Monday 2026-11-02, 15:30 UTC = 16:30 in Madrid (care-es works 09:00–17:00 there, the
    # default calendar). p1: first response within 1 h, warning at 80%.
    stored(settings, store, make_post("1", "Cancelo Kestrel, me voy a Trovia", lang="es",
                                      handle="lola", when="2026-11-02T15:30:00"))
    case = case_of(store, "x:1")["id"]

    def sla(at: str) -> dict:
        now = datetime.fromisoformat(at).replace(tzinfo=UTC)
        (row,) = queue(store, settings, QueueFilters(), now)
        return row["sla"]

    # 30 min of Monday are left after 16:30 Madrid: at 16:55 UTC (17:55 Madrid) 30 min used.
    assert sla("2026-11-02T16:55:00") | {"deadline": None} == {
        "clock": "first response", "status": "ok", "remaining": 1800.0, "elapsed": 1800.0,
        "fraction": 0.5, "deadline": None}
    # The deadline is Tuesday 09:30 Madrid = 08:30 UTC; at 08:20 UTC, 50 of 60 min are used.
    assert sla("2026-11-03T08:20:00")["status"] == "warning"
    assert sla("2026-11-03T08:20:00")["deadline"] == "2026-11-03T08:30:00Z"
    assert sla("2026-11-03T08:31:00")["status"] == "breached"
    # Waiting on the customer from Tuesday 08:00 UTC: the clock stops with 30 min used…
    clock = [datetime(2026, 11, 3, 8, 0, tzinfo=UTC)]
    cases = Cases(store, settings, clock=lambda: clock[0])
    cases.claim(case, "Ana")
    cases.wait(case, "Ana")
    assert sla("2026-11-03T12:00:00")["status"] == "paused"
    # …until the customer writes again at 12:00 UTC: 30 min left, due 12:30 UTC.
    stored(settings, store, make_post("2", "@KestrelHelp ¿hola? Sigo esperando", lang="es",
                                      handle="lola",
                                      when="2026-11-03T12:00:00"))
    clock[0] = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
    assert sla("2026-11-03T12:10:00")["deadline"] == "2026-11-03T12:30:00Z"
    # A response switches to the resolution clock (8 h).
    cases.respond(case, "Ana", "¡Hola Lola! Lo revisamos ahora.")
    after = sla("2026-11-03T12:10:00")
    assert after["clock"] == "resolution" and after["status"] == "ok"


def test_assignment_goes_to_who_is_on_shift_speaks_the_language_and_has_room() -> None:
    roster = {
        **ROSTER,
        "responders": [
            {"name": "Ana", "languages": ["es", "en"], "timezone": "Europe/Madrid",
             "hours": ["09:00", "18:00"], "capacity": 2},
            {"name": "Bo", "languages": ["en"], "timezone": "America/New_York"},
            {"name": "Cy", "languages": ["en", "es"], "timezone": "America/New_York"},
        ],
        "teams": [{"name": "care", "members": ["Ana", "Bo", "Cy"]},
                  {"name": "care-es", "members": ["Ana", "Cy"]},
                  {"name": "retention", "members": ["Bo", "Cy"],
                   "assignment": "round_robin"}],
    }
    settings = parse_config(roster)

    def spanish(n: int) -> object:
        return make_post(str(n), f"Cancelo Kestrel, me voy a Trovia ({n})", lang="es",
                         handle=f"cliente{n}", when="2026-11-02T08:00:00")

    with Store(":memory:") as store:
        # Monday 10:00 UTC: 11:00 in Madrid (Ana works), 05:00 in New York (Bo, Cy do not).
        monday = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
        intake = stored(settings, store, spanish(1), spanish(2), spanish(3), now=monday)
        owners = [case_of(store, f"x:{n}")["assignee"] for n in (1, 2, 3)]
        assert owners == ["Ana", "Ana", None]  # capacity 2: the third waits in the queue
        assert intake.counts["assigned"] == 2
        # 14:00 UTC = 09:00 in New York: Cy (speaks Spanish) takes the waiting case.
        later = Intake(settings, store, clock=lambda: datetime(2026, 11, 2, 14, 0, tzinfo=UTC))
        assert later.assigner.sweep() == 1
        assert case_of(store, "x:3")["assignee"] == "Cy"
        # Round robin in retention, English churn threats: Bo, Cy, Bo…
        english = [make_post(str(n), f"Cancelling my Kestrel membership, switching to Trovia "
                                     f"({n})", handle=f"customer{n}") for n in (4, 5, 6)]
        stored(settings, store, *english, now=datetime(2026, 11, 2, 15, 0, tzinfo=UTC))
        assert [case_of(store, f"x:{n}")["assignee"] for n in (4, 5, 6)] == ["Bo", "Cy", "Bo"]


def test_a_long_queue_is_swept_by_who_has_room_and_left_unread_when_nobody_has() -> None:
    roster = {**ROSTER, "responders": [
        {"name": "Ana", "languages": ["es", "en"], "timezone": "Europe/Madrid",
         "hours": ["09:00", "18:00"], "capacity": 2},
        {"name": "Bo", "languages": ["en"], "timezone": "America/New_York"}]}
    settings = parse_config(roster)
    posts = [make_post(str(n), f"Cancelo Kestrel, me voy a Trovia ({n})", lang="es",
                       handle=f"cliente{n}", when=f"2026-11-0{1 + n % 2}T08:{n:02d}:00")
             for n in range(40)]
    with Store(":memory:") as store:
        stored(settings, store, *posts)  # on a Sunday: all forty wait
        assert store.conn.execute("SELECT count(*) FROM cases WHERE assignee IS NULL"
                                  ).fetchone() == (40,)
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        assert Intake(settings, store, clock=lambda: SUNDAY).assigner.sweep() == 0
        store.conn.set_trace_callback(None)
        assert not [s for s in statements if "assignee IS NULL" in s]  # the queue is not read
        # Monday 10:00 UTC, 11:00 in Madrid: Ana takes two, the oldest of the same priority.
        monday = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
        assert Intake(settings, store, clock=lambda: monday).assigner.sweep() == 2
        taken = [row[0] for row in store.conn.execute(
            "SELECT m.native_id FROM cases c JOIN mentions m ON m.id = c.mention_id "
            "WHERE c.assignee = 'Ana' ORDER BY 1")]
        assert taken == ["0", "2"]  # posted on 1 November, at 08:00 and 08:02
        assert Intake(settings, store, clock=lambda: monday).assigner.sweep() == 0


def test_sla_warnings_and_breaches_are_recorded_once_each(settings, store) -> None:
    from responders.queue import record_sla_events

    # As above: care-es in Madrid, p1, due Tuesday 08:30 UTC, warning from 08:18 (80%).
    stored(settings, store, make_post("1", "Cancelo Kestrel, me voy a Trovia", lang="es",
                                      handle="lola", when="2026-11-02T15:30:00"))

    def events(at: str) -> list[tuple[str, str]]:
        now = datetime.fromisoformat(at).replace(tzinfo=UTC)
        return [(e["clock"], e["kind"]) for e in record_sla_events(store, settings, now)]

    assert events("2026-11-03T08:10:00") == []
    assert events("2026-11-03T08:20:00") == [("first_response", "warning")]
    assert events("2026-11-03T08:25:00") == []  # once
    assert events("2026-11-03T08:40:00") == [("first_response", "breached")]
    assert events("2026-11-03T09:40:00") == []
    rows = store.conn.execute("SELECT kind, deadline, team, priority FROM sla_events "
                              "ORDER BY id").fetchall()
    assert rows == [("warning", "2026-11-03T08:30:00Z", "care-es", "p1"),
                    ("breached", "2026-11-03T08:30:00Z", "care-es", "p1")]


def test_sla_report_in_business_time(settings, store) -> None:
    from responders.report import sla_report

    # retention: UTC, Mon–Fri 09:00–17:00; p1 = first response within 1 h.
    stored(settings, store,
           make_post("1", "Cancelling my Kestrel membership, switching to Trovia", handle="a",
                     when="2026-11-02T10:00:00"),
           make_post("2", "Cancelling my Kestrel membership, going to Trovia", handle="b",
                     when="2026-11-02T16:30:00"))
    one, two = case_of(store, "x:1")["id"], case_of(store, "x:2")["id"]
    clock = [datetime(2026, 11, 2, 10, 30, tzinfo=UTC)]
    cases = Cases(store, settings, clock=lambda: clock[0])
    cases.claim(one, "Bo")
    cases.respond(one, "Bo")  # 30 min after opening
    clock[0] = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    cases.resolve(one, "Bo")  # 2 h after opening, one response: first-contact resolution
    clock[0] = datetime(2026, 11, 3, 9, 45, tzinfo=UTC)
    cases.claim(two, "Bo")
    cases.respond(two, "Bo")  # 30 min on Monday + 45 min on Tuesday = 75 min: over 1 h
    report = sla_report(store, settings, clock[0])
    (team,) = report["teams"]
    assert team == {
        "name": "retention", "cases": 2, "responded": 2,
        "first_response_within_target": 0.5,
        "first_response_median": (1800 + 4500) / 2,
        "first_response_p90": 1800 + 0.9 * (4500 - 1800),
        "resolved": 1, "resolution_median": 7200.0, "resolution_p90": 7200.0,
        "breaches": 0, "first_contact_resolution": 1.0,
    }
    assert [r["name"] for r in report["responders"]] == ["Bo"]


def test_reply_templates_fill_in_the_case_in_its_language(settings) -> None:
    from responders.replies import order_number, render

    texts = {"en": "Hi {name}, order {order} is late. – {responder}, {brand}",
             "es": "Hola {name}, tu pedido {order} va tarde. – {responder}"}
    config = parse_config({**ROSTER, "templates": [{"name": "late", "text": texts}]})
    case = {"id": 3, "language": "es", "brand": "Kestrel", "author_handle": "lola",
            "platform": "x"}
    posts = [{"text": "¿Dónde está mi pedido #48213?"}, {"text": "sigo esperando"}]
    assert render(config, "late", case, posts, "Ana") == (
        "Hola @lola, tu pedido #48213 va tarde. – Ana", "es")
    # No template in German: English; no order number: the placeholder disappears cleanly.
    german = {**case, "language": "de", "platform": "reddit"}
    assert render(config, "late", german, [{"text": "wo bleibt das Paket"}], "Ana") == (
        "Hi lola, order is late. – Ana, Kestrel", "en")
    assert order_number(["order 5523311 never came"]) == "#5523311"
    from earful.errors import ConfigError

    with pytest.raises(ConfigError, match=r"templates\[0\]\.text: text\.en: unknown placeholder "
                                          r"\{customer\}"):
        parse_config({**ROSTER, "templates": [{"name": "x", "text": {"en": "Hi {customer}"}}]})


def test_case_reply_is_a_dry_run_unless_sent_and_sending_records_the_response(
        cli, monkeypatch) -> None:
    import json

    import responses
    from freezegun import freeze_time

    from tests.test_send import ENV, answer

    for name, value in ENV.items():
        monkeypatch.setenv(name, value)

    with freeze_time("2026-11-22 12:00:00"):
        cli("listen", "--once")
    rows = [json.loads(line) for line in cli("queue", "--json", "--limit", "1000").splitlines()]
    case = next(row for row in rows if row["platform"] == "x" and row["posts"] == 1)
    tweet = json.loads(cli("case", "show", str(case["id"]), "--json"))["posts"][0]
    dry = json.loads(cli("case", "reply", str(case["id"]), "--template", "cancellation-save",
                         "--as", "Maya", "--json"))
    assert dry["sent"] is False and dry["in_reply_to"] == tweet["id"]
    assert json.loads(cli("case", "show", str(case["id"]), "--json"))["responses"] == 0
    with responses.RequestsMock() as api:
        api.add(answer("x_reply_created.json"))
        sent = json.loads(cli("case", "reply", str(case["id"]), "--template",
                              "cancellation-save", "--as", "Maya", "--send", "--json"))
        body = json.loads(api.calls[0].request.body)
    assert body == {"text": dry["text"], "reply": {"in_reply_to_tweet_id": tweet["native_id"]}}
    assert sent["sent"] is True and sent["reply_url"].startswith("https://x.com/i/web/status/")
    shown = json.loads(cli("case", "show", str(case["id"]), "--json"))
    assert shown["responses"] == 1 and shown["first_response_at"] is not None
    assert (shown["events"][-1]["actor"], shown["events"][-1]["action"]) == ("Maya", "responded")


def test_on_the_sample_spanish_churn_goes_to_a_spanish_speaker_on_shift(cli) -> None:
    import json

    from freezegun import freeze_time

    from tests.conftest import ROOT

    # Monday 10:00 UTC: 11:00 in Madrid, where Lucía (es, en, pt) works 09:00–18:00.
    with freeze_time("2026-11-23 10:00:00"):
        cli("listen", "--once")
    rows = [json.loads(line) for line in cli("queue", "--team", "care-es", "--json",
                                             "--limit", "1000").splitlines()]
    spanish = [row for row in rows if row["language"] == "es"]
    assert spanish and "Lucía" in {row["assignee"] for row in spanish}
    assert {row["assignee"] for row in rows} <= {"Lucía", None}  # nobody else speaks es/pt
    # What waits does so because she is at capacity (she also takes care-team cases).
    mine = [json.loads(line) for line in cli("queue", "--assignee", "Lucía", "--json",
                                             "--limit", "1000").splitlines()]
    capacity = next(r.capacity for r in load_config(ROOT / "config.toml").responders
                    if r.name == "Lucía")
    if any(row["assignee"] is None for row in rows):
        assert len(mine) == capacity

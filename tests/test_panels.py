"""Audience panels: membership, tags, rule panels, retention, forgetting a person, the CLI."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from earful.cli import main
from earful.config import PanelRule, parse_config
from earful.errors import ConfigError, EarfulError
from earful.store import Store
from listener.pipeline import Pipeline
from panels.membership import Memberships
from panels.privacy import EXPIRED, REDACTED, apply_retention, forget
from panels.registry import Panels
from responders.intake import Intake
from tests.conftest import ROOT, make_post
from tests.test_cases import ROSTER, SUNDAY, case_of

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

CONFIG = {
    **ROSTER,
    "brands": [{"name": "Kestrel", "handles": ["@KestrelHelp"]},
               {"name": "Trovia", "role": "competitor", "handles": ["@TroviaShop"]}],
    "panels": [
        {"name": "runners", "members": ["x:@jo_runs", "reddit:u/TrailMix"],
         "retention_days": 30},
        {"name": "trovia-fans", "rule": {"kind": "mentions", "brand": "Trovia", "min": 2,
                                         "days": 30}},
    ],
    "routing": {**ROSTER["routing"],
                "rules": [*ROSTER["routing"]["rules"],
                          {"name": "runners-unhappy", "when": {"panel": ["runners"],
                                                               "risk": ["high"]},
                           "team": "care", "priority": "p2"}]},
}


@pytest.fixture
def settings():
    return parse_config(CONFIG)


def save(settings, store, *posts) -> None:
    with Pipeline(settings, store, workers=1) as pipeline:
        pipeline.process(list(posts), source="test")


def ids(store: Store, sql: str, *params) -> set[str]:
    return {row[0] for row in store.conn.execute(sql, params)}


def tags(store: Store, panel: str) -> set[str]:
    return ids(store, "SELECT mention_id FROM mention_panels WHERE panel = ?", panel)


# -- membership and tags ---------------------------------------------------------------------------
def test_members_posts_are_kept_and_tagged_whether_or_not_they_name_a_brand(settings, store):
    save(settings, store,
         make_post("1", "Tempo run done, legs are toast", handle="jo_runs"),
         make_post("2", "Kestrel shipped my vest in two days", handle="jo_runs"),
         make_post("3", "Tempo run done, legs are toast", handle="stranger"),
         make_post("4", "Kestrel shipped my vest in two days", handle="stranger"))
    stored = dict(store.conn.execute("SELECT id, panel_only FROM mentions"))
    # The stranger's post that names no brand is not stored; the member's is, as panel data.
    assert stored == {"x:1": 1, "x:2": 0, "x:4": 0}
    assert tags(store, "runners") == {"x:1", "x:2"}
    assert store.mention("x:1")["brands"] == []


def test_adding_and_removing_members_retags_what_is_stored(settings, store):
    save(settings, store, make_post("1", "Kestrel tent review", handle="ana_hikes"),
         make_post("2", "Kestrel socks again", handle="ana_hikes", when="2026-11-03T09:00"))
    panels = Panels(store, settings)
    panels.create("hikers")
    change = panels.add("hikers", ["x:@Ana_Hikes", "not-an-account", "mastodon:@x"])
    assert (change.added, change.tagged) == (1, 2)
    assert len(change.problems) == 2 and "platform:handle" in change.problems[0]
    assert tags(store, "hikers") == {"x:1", "x:2"}
    # Her next post is tagged when stored.
    save(settings, store, make_post("3", "just a walk today", handle="ana_hikes"))
    assert tags(store, "hikers") == {"x:1", "x:2", "x:3"}
    change = panels.remove("hikers", ["x:ana_hikes"])
    assert (change.removed, change.untagged) == (1, 3)
    assert tags(store, "hikers") == set()


def test_an_x_member_listed_by_user_id_keeps_membership_after_a_change_of_handle(settings,
                                                                                  store):
    panels = Panels(store, settings)
    panels.create("ids")
    panels.add("ids", ["x:u-oldname"])  # make_post's author id is "u-<handle>"
    save(settings, store, make_post("1", "Kestrel order arrived", handle="oldname"))
    assert tags(store, "ids") == {"x:1"}


def test_config_panels_are_read_only_from_the_cli_and_follow_the_config(settings, store):
    panels = Panels(store, settings)
    with pytest.raises(EarfulError, match="defined in the config"):
        panels.add("runners", ["x:@someone"])
    with pytest.raises(EarfulError, match="defined in the config"):
        panels.delete("runners")
    panels.create("churners", rule=PanelRule(kind="churn"))
    with pytest.raises(EarfulError, match=r"rule panel .* members come from the rule"):
        panels.add("churners", ["x:@a"])
    save(settings, store, make_post("1", "Kestrel long run sunday", handle="new_member"))
    assert tags(store, "runners") == set()
    # A member added in the config: the next use of the config retags stored posts.
    edited = parse_config({**CONFIG, "panels": [
        {**CONFIG["panels"][0], "members": [*CONFIG["panels"][0]["members"], "x:new_member"]}]})
    save(edited, store, make_post("2", "easy run monday", handle="new_member"))
    assert tags(store, "runners") == {"x:1", "x:2"}
    # trovia-fans is gone from the config, so from the store; churners came from the CLI.
    assert {p.name for p in Panels(store, edited).all()} == {"runners", "churners"}


def test_panel_names_and_errors_are_clear(settings, store):
    panels = Panels(store, settings)
    with pytest.raises(EarfulError, match="name"):
        panels.create("two words")
    panels.create("ok")
    with pytest.raises(EarfulError, match="already exists"):
        panels.create("ok")
    with pytest.raises(EarfulError, match="no panel named 'nope'; panels: ok, runners"):
        panels.get("nope")
    with pytest.raises(EarfulError, match="no brand named 'Acme'"):
        panels.create("fans", rule=PanelRule(kind="mentions", brand="Acme"))


@pytest.mark.parametrize(("panel", "message"), [
    ({"name": "a", "members": ["x:@a"], "rule": {"kind": "churn"}}, "rule panel's members"),
    ({"name": "a", "rule": {"kind": "mentions"}}, "needs brand"),
    ({"name": "a", "rule": {"kind": "churn", "brand": "Kestrel"}}, "belong to 'mentions'"),
    ({"name": "a", "rule": {"kind": "mentions", "brand": "Acme"}}, "panels[0].rule.brand"),
    ({"name": "a", "retention_days": 0}, "panels[0].retention_days"),
    ({"name": "a", "members": ["myspace:@a"]}, "platform:handle"),
])
def test_bad_panel_config_names_the_key(panel, message) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_config({**CONFIG, "panels": [panel]})


def test_a_replay_source_cannot_follow_panels() -> None:
    with pytest.raises(ConfigError, match=r"panels = \[\.\.\.\] is for live sources"):
        parse_config({**CONFIG, "sources": {"s": {"type": "replay", "platform": "x",
                                                  "paths": ["a.ndjson"], "panels": ["*"]}}})


# -- rule panels -----------------------------------------------------------------------------------
def test_rule_panels_find_competitor_fans_churners_and_members(settings, store):
    save(settings, store,
         # fan: two posts naming Trovia within 30 days → in
         make_post("1", "Trovia boots are great", handle="fan", when="2026-11-10T10:00"),
         make_post("2", "Trovia Club sale today", handle="fan", when="2026-11-18T10:00"),
         # once only → out; twice but one is 40 days old → out
         make_post("3", "Trovia boots are great", handle="once", when="2026-11-10T10:00"),
         make_post("4", "Trovia boots are great", handle="old", when="2026-10-11T10:00"),
         make_post("5", "Trovia Club sale today", handle="old", when="2026-11-18T10:00"),
         # Trovia's own account is never its own fan
         make_post("6", "Trovia drops today", handle="TroviaShop", when="2026-11-10T10:00"),
         make_post("7", "Trovia drops today", handle="TroviaShop", when="2026-11-11T10:00"),
         # churners
         make_post("8", "Cancelling my Kestrel membership, switching to Trovia",
                   handle="leaver", when="2026-11-15T10:00"),
         make_post("9", "I'm not cancelling Kestrel, they fixed it", handle="stayer",
                   when="2026-11-15T10:00"))
    store.conn.execute("INSERT INTO loyalty_accounts VALUES ('x:gold', 'LY-1', '2026-11-01', "
                       "'discord'), ('reddit:silver', 'LY-2', '2026-11-01', 'import')")
    panels = Panels(store, settings)
    done = panels.refresh(now=NOW)
    assert set(panels_members(store, "trovia-fans")) == {"x:u-fan"}
    assert done["trovia-fans"].tagged == 2
    panels.create("churners", rule=PanelRule(kind="churn", days=14))
    panels.create("discord-members", rule=PanelRule(kind="loyalty", origin="discord"))
    panels.refresh(now=NOW)
    assert set(panels_members(store, "churners")) == {"x:u-leaver"}
    assert set(panels_members(store, "discord-members")) == {"x:gold"}
    # Not due again within the hour; once due, a member who stopped posting leaves.
    assert panels.refresh(now=NOW.replace(minute=30)) == {}
    later = datetime(2026, 12, 15, tzinfo=UTC)
    assert panels.refresh(now=later)["trovia-fans"].removed == 1
    assert panels_members(store, "trovia-fans") == []
    assert tags(store, "trovia-fans") == set()


def panels_members(store: Store, panel: str) -> list[str]:
    return sorted(ids(store, "SELECT account FROM panel_members WHERE panel = ?", panel))


# -- routing ---------------------------------------------------------------------------------------
def test_a_members_post_naming_no_brand_opens_a_case_only_through_a_panel_rule(settings, store):
    unhappy = "I am cancelling my membership today, done with this garbage service"
    with Pipeline(settings, store, workers=1) as pipeline:
        intake = Intake(settings, store, clock=lambda: SUNDAY)
        pipeline.after_store.append(intake)
        pipeline.process([make_post("1", unhappy, handle="jo_runs")], source="t")
    row = store.conn.execute("SELECT risk FROM scores WHERE mention_id = 'x:1'").fetchone()
    assert row == ("high",)
    assert case_of(store, "x:1")["rule"] == "runners-unhappy"
    # Without the panel rule, the default queue does not take brand-less posts.
    plain = parse_config({**CONFIG, "routing": ROSTER["routing"]})
    with Pipeline(plain, store, workers=1) as pipeline:
        intake = Intake(plain, store, clock=lambda: SUNDAY)
        pipeline.after_store.append(intake)
        pipeline.process([make_post("2", unhappy, platform="reddit", handle="TrailMix")],
                         source="t")
    assert store.mention("reddit:2")["risk"] == "high"
    assert case_of(store, "reddit:2") == {}


# -- retention and forgetting ----------------------------------------------------------------------
def test_retention_deletes_panel_only_posts_past_the_longest_retention(settings, store):
    panels = Panels(store, settings)
    panels.create("forever")  # no retention: keeps what it tags
    panels.create("long", retention_days=90)
    panels.add("long", ["x:both"])
    panels.add("forever", ["x:keeper"])
    save(settings, store,
         make_post("old", "easy miles", handle="jo_runs", when="2026-10-01T10:00"),
         make_post("new", "easy miles", handle="jo_runs", when="2026-11-15T10:00"),
         make_post("brand", "Kestrel socks rock", handle="jo_runs", when="2026-10-01T10:00"),
         make_post("b-old", "hill repeats", handle="both", when="2026-09-01T10:00"),
         make_post("b-mid", "hill repeats", handle="both", when="2026-10-01T10:00"),
         make_post("k-old", "hill repeats", handle="keeper", when="2026-01-01T10:00"))
    panels.add("long", ["x:jo_runs"])  # jo's posts: runners (30 d) and long (90 d)
    # "old" (50 days) is past runners' 30 days but inside long's 90: the longest counts.
    assert apply_retention(store, NOW) == {"expired": 0, "orphaned": 0}
    remaining = ids(store, "SELECT native_id FROM mentions")
    assert remaining == {"old", "new", "brand", "b-old", "b-mid", "k-old"}
    panels.remove("long", ["x:jo_runs", "x:both"])
    done = apply_retention(store, NOW)
    remaining = ids(store, "SELECT native_id FROM mentions")
    # jo's "old" is past runners' 30 days; "both" is in no panel any more; the brand
    # mention and the keeper's post (a panel without retention) stay.
    assert remaining == {"new", "brand", "k-old"}
    assert done == {"expired": 1, "orphaned": 2}
    assert store.conn.execute("SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH "
                              "'hill'").fetchone() == (1,)


def test_forget_removes_every_row_of_a_person_and_cases_keep_a_redacted_stub(settings, store):
    Memberships(store, settings).link("LY-7", "x", "@jo_runs")
    save(settings, store, make_post("2", "zebrafinch tempo run", handle="jo_runs"))
    with Pipeline(settings, store, workers=1) as pipeline:
        pipeline.after_store.append(Intake(settings, store, clock=lambda: SUNDAY))
        pipeline.process([
            make_post("1", "Cancelling my Kestrel membership, switching to Trovia zebrafinch",
                      handle="jo_runs"),
            make_post("3", "@jo_runs Kestrel sorted mine zebrafinch", handle="friend"),
        ], source="t")
    case = case_of(store, "x:1")
    assert case
    store.conn.execute("INSERT INTO case_events (case_id, at, actor, action, detail) VALUES "
                       "(?, '2026-11-20', 'Bo', 'note', 'called @jo_runs back')", (case["id"],))
    store.conn.execute("INSERT INTO alerts (key, kind, severity, title, body, case_id, status, "
                       "raised_at, last_event_at) VALUES ('case_new:1', 'case_new', 'high', "
                       "'New case', 'jo_runs (en): Cancelling my Kestrel membership', ?, "
                       "'open', '2026-11-20', '2026-11-20')", (case["id"],))
    store.conn.execute("INSERT INTO checkpoints VALUES ('x:live:member:u-jo_runs', '{}', "
                       "'2026-11-20')")

    done = forget(store, "x", "@Jo_Runs")

    assert (done.posts.deleted, done.posts.redacted, done.authors) == (1, 1, 1)
    stub = store.mention("x:1")
    assert stub["text"] == REDACTED and stub["raw"] is None and stub["author_id"] is None
    assert stub["author_handle"] is None and stub["sentiment"] is None  # score deleted
    assert store.mention("x:2") is None
    assert store.mention("x:3")["text"].startswith("@jo_runs")  # someone else's post stays
    fts = ids(store, "SELECT m.native_id FROM mentions_fts f JOIN mentions m ON "
                     "m.rowid = f.rowid WHERE mentions_fts MATCH 'zebrafinch'")
    assert fts == {"3"}
    assert store.conn.execute("SELECT count(*) FROM authors WHERE handle = 'jo_runs'"
                              ).fetchone() == (0,)
    assert store.conn.execute("SELECT count(*) FROM loyalty_accounts").fetchone() == (0,)
    assert store.conn.execute("SELECT count(*) FROM checkpoints WHERE key LIKE '%jo_runs%'"
                              ).fetchone() == (0,)
    case_row = store.conn.execute("SELECT author_handle, author_id, status FROM cases "
                                  "WHERE id = ?", (case["id"],)).fetchone()
    assert case_row[:2] == ("[forgotten]", None)
    detail = store.conn.execute("SELECT detail FROM case_events WHERE actor = 'Bo'").fetchone()
    assert detail == ("called [forgotten] back",)
    assert store.conn.execute("SELECT body FROM alerts").fetchone() == (REDACTED,)
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert EXPIRED != REDACTED


# -- the CLI ---------------------------------------------------------------------------------------
def test_the_panel_commands_work_end_to_end(tmp_path, settings):
    config = tmp_path / "config.toml"
    config.write_text((ROOT / "config.toml").read_text())
    db = tmp_path / "e.db"
    members = tmp_path / "runners.csv"
    members.write_text("platform,handle\nx,@chloechen64\nreddit,u/trail_mix_88\nmyspace,tom\n")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(main, ["--config", str(config), "--db", str(db), *args])
        assert result.exit_code == 0, result.output
        return result.output

    run("listen", "--once")
    assert "created" in run("panel", "create", "uk-runners", "--description", "runners",
                            "--retention", "60")
    out = run("panel", "import", "uk-runners", str(members))
    assert "2 member(s) added" in out and "myspace" in out
    listing = run("panel", "list", "--json")
    rows = {row["name"]: row for row in json.loads(listing)}
    assert rows["uk-runners"]["members"] == 2 and rows["uk-runners"]["retention_days"] == 60
    with Store(db) as store:
        (posts,) = store.conn.execute(
            "SELECT count(*) FROM mentions WHERE author_handle IN ('chloechen64', "
            "'trail_mix_88')").fetchone()
    assert posts > 0 and rows["uk-runners"]["posts"] == posts
    shown = json.loads(run("panel", "show", "uk-runners", "--json"))
    assert {m["account"] for m in shown["members"]} == {"x:chloechen64", "reddit:trail_mix_88"}
    out = run("panel", "create", "trovia-regulars", "--rule", "mentions", "--brand", "Trovia",
              "--min", "2", "--days", "365")
    assert "member(s) found by the rule" in out
    report = json.loads(run("report", "panel", "uk-runners", "--since",
                                          "2026-10-19", "--until", "2026-11-16", "--json"))
    assert report["now"]["posts"] == rows["uk-runners"]["posts"]
    both = json.loads(run("report", "panel", "uk-runners", "--compare", "all",
                                        "--since", "2026-11-01", "--until", "2026-11-16",
                                        "--json"))
    assert both["compare"]["audience"] == "all"
    assert both["compare"]["now"]["posts"] > both["panel"]["now"]["posts"]
    out = run("panel", "forget", "x", "@chloechen64", "--yes")
    assert "forgot x:chloechen64" in out
    assert json.loads(run("panel", "show", "uk-runners", "--json"))[
        "member_count"] == 1
    run("panel", "delete", "uk-runners", "--yes")
    failed = runner.invoke(main, ["--config", str(config), "--db", str(db), "panel", "add",
                                  "vip", "x:@someone"])
    assert failed.exit_code == 1 and "defined in the config" in failed.output
    assert tomllib.loads(config.read_text())["panels"][0]["name"] == "vip"


def test_the_panel_report_shows_the_samples_shift_from_road_to_trail(tmp_path):
    """The bundled trail-runners panel talks road running until 2026-11-02, trail and
    backpacking from then on (listener/sample/README.md); the report must say so."""
    runner = CliRunner()
    db = str(tmp_path / "e.db")
    base = ["--config", str(ROOT / "config.toml"), "--db", db]
    assert runner.invoke(main, [*base, "listen", "--once"]).exit_code == 0
    result = runner.invoke(main, [*base, "report", "panel", "trail-runners", "--since",
                                  "2026-11-02", "--until", "2026-11-16", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    topics = data["topics"]

    def terms(kind: str, section: str) -> set[str]:
        return {change["term"] for change in topics[kind][section]}

    assert "trail" in terms("words", "rising")
    assert {"race", "taper"} & terms("words", "falling")
    assert {"#ultralight", "#trailrunning"} <= terms("hashtags", "rising")
    assert "#marathon" in terms("hashtags", "falling")
    assert {"r/trailrunning", "r/ultralight"} <= terms("communities", "rising")
    assert "r/running" in terms("communities", "falling")
    steady = {"legs", "weekend", "coffee"}
    assert not steady & (terms("words", "rising") | terms("words", "falling"))
    # Theo leaving Kestrel for Trovia is among the churn signals; Trovia gains voice.
    assert "tempo_theo" in {post["author"] for post in data["churn"]["posts"]}
    share = {row["brand"]: row for row in data["brands"]}
    assert share["Trovia"]["share"] > share["Trovia"]["share_before"]
    assert data["members"] == 8 and data["now"]["authors"] == 8

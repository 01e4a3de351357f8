"""Routing on who the author is: panel membership and loyalty membership."""

from __future__ import annotations

import pytest

from earful.config import parse_config
from earful.errors import ConfigError
from earful.store import Store
from panels.membership import Memberships
from responders.routing import Candidate, Router
from tests.conftest import make_post
from tests.test_cases import ROSTER, case_of, stored

AUDIENCE = {
    **ROSTER,
    "panels": [{"name": "vip", "description": "customers we know by name",
                "members": ["x:@Big_Spender", "reddit:u/TentFan", "x:u-byid"]}],
    "routing": {
        **ROSTER["routing"],
        "rules": [
            # Before the churn rules: a member leaving goes to the member team, first.
            {"name": "member-churn", "when": {"member": True, "churn_min": 0.5},
             "team": "retention", "priority": "p1"},
            *ROSTER["routing"]["rules"],
            {"name": "vip", "when": {"panel": ["vip", "press"]}, "team": "care",
             "priority": "p2"},
            {"name": "non-member-praise", "when": {"member": False, "risk": ["low"],
                                                   "brand": ["Kestrel"]},
             "team": "care", "priority": "p3"},
        ],
    },
}

CHURN = "Cancelling my Kestrel membership, switching to Trovia"


@pytest.fixture
def settings():
    return parse_config(AUDIENCE)


def test_panel_members_from_config_and_store_route_by_their_rule(settings, store) -> None:
    # "press" is a panel managed in the store (from the CLI or an import), not in the config.
    store.conn.execute("INSERT INTO panels (name, description, created_at) "
                       "VALUES ('press', 'journalists', '2026-11-01')")
    store.conn.execute("INSERT INTO panel_members VALUES "
                       "('press', 'reddit:scoopwriter', '2026-11-01', 'cli')")
    stored(settings, store,
           make_post("1", "Kestrel tent zipper question", handle="big_spender"),  # case-blind
           make_post("2", "Kestrel tent zipper question", handle="TentFan", platform="reddit"),
           make_post("3", "Kestrel tent zipper question", handle="scoopwriter",
                     platform="reddit"),
           make_post("4", "Kestrel tent zipper question", handle="renamed"),  # id u-byid
           make_post("5", "Kestrel tent zipper question", handle="stranger"))
    for mention in ("x:1", "reddit:2", "reddit:3"):
        assert case_of(store, mention)["rule"] == "vip", mention
    assert case_of(store, "x:5")["rule"] == "non-member-praise"
    # Listed by user id ("x:u-byid"): found whatever handle the author posts under now.
    candidate = Candidate.load(store, "x:4", Memberships(store, settings))
    assert candidate.panels == []  # make_post's id for "renamed" is u-renamed, not u-byid
    by_id = make_post("6", "Kestrel tent zipper question", handle="renamed")
    by_id.author.native_id = "u-byid"
    stored(settings, store, by_id)
    assert case_of(store, "x:6")["rule"] == "vip"


def test_panels_of_reads_few_members_whole_and_many_by_author(settings, store,
                                                             monkeypatch) -> None:
    import panels.membership

    store.conn.execute("INSERT INTO panels (name, description, created_at) "
                       "VALUES ('press', 'journalists', '2026-11-01')")
    store.conn.execute("INSERT INTO panel_members VALUES "
                       "('press', 'x:big_spender', '2026-11-01', 'cli')")
    memberships = Memberships(store, settings)
    posts = [make_post("1", "hi", handle="Big_Spender"),  # vip and press, case-blind
             make_post("2", "hi", handle="TentFan", platform="reddit"),
             make_post("3", "hi", handle="renamed"), make_post("4", "hi", handle="stranger")]
    posts[2].author.native_id = "u-byid"  # listed by user id
    posts.append(make_post("5", "hi"))
    posts[4].author = None
    expected = [["press", "vip"], ["vip"], ["vip"], [], []]
    assert [found.panels for found in memberships.of_many(
        [(p.platform, p.author.handle, p.author.id) if p.author else (p.platform, None, None)
         for p in posts])] == expected
    assert memberships.panels_of(posts) == expected  # members read whole
    monkeypatch.setattr(panels.membership, "_READ_WHOLE", 1)
    assert memberships.panels_of(posts) == expected  # too many: looked up by author
    store.conn.execute("DELETE FROM panel_members")
    assert memberships.panels_of(posts) == [[]] * 5


def test_loyalty_members_imported_from_csv_route_first(settings, store, tmp_path) -> None:
    export = tmp_path / "members.csv"
    export.write_text("loyalty_id,platform,handle\n"
                      "LY-1,x,@Sam\n"
                      "LY-2,reddit,u/lola\n"
                      "LY-3,myspace,tom\n"  # not a platform we know
                      "LY-4,x,\n")  # no handle
    memberships = Memberships(store, settings)
    report = memberships.import_loyalty(export)
    assert (report.linked, report.unchanged) == (2, 0)
    assert [p.split(": ", 1)[0] for p in report.problems] == [f"{export}:4", f"{export}:5"]
    assert "platform: expected one of reddit, x, discord, found 'myspace'" in report.problems[0]
    assert memberships.import_loyalty(export).unchanged == 2  # idempotent

    stored(settings, store,
           make_post("1", CHURN, handle="sam"),
           make_post("2", CHURN, handle="lola", platform="reddit"),
           make_post("3", CHURN, handle="kim"))
    member = case_of(store, "x:1")
    assert (member["rule"], member["team"], member["priority"]) == ("member-churn",
                                                                    "retention", "p1")
    assert case_of(store, "reddit:2")["rule"] == "member-churn"
    assert case_of(store, "x:3")["rule"] == "churn"  # the same words from a non-member

    verdict = Router(settings).explain(_loaded(store, settings, "x:1"))[0]
    assert {c.condition: (c.met, c.why) for c in verdict.checks}["member"] == (
        True, "author is loyalty member LY-1")
    verdict = Router(settings).explain(_loaded(store, settings, "x:3"))[0]
    assert {c.condition: (c.met, c.why) for c in verdict.checks}["member"] == (
        False, "author is not a loyalty member")


def test_relinking_an_account_moves_it_to_the_new_member(settings, store) -> None:
    memberships = Memberships(store, settings)
    assert memberships.link("LY-1", "x", "@sam") is True
    assert memberships.link("LY-1", "x", "SAM") is False  # same account, same member
    assert memberships.link("LY-9", "x", "sam") is True
    assert memberships.of("x", "Sam", "x:u-sam").loyalty_id == "LY-9"
    assert [row[:2] for row in memberships.members()] == [("LY-9", "x:sam")]


def test_panel_conditions_explain_themselves(settings, store) -> None:
    stored(settings, store, make_post("1", "Kestrel tent zipper question", handle="stranger"))
    verdicts = Router(settings).explain(_loaded(store, settings, "x:1"))
    vip = next(v for v in verdicts if v.rule == "vip")
    assert [(c.met, c.why) for c in vip.checks] == [
        (False, "author in none of the panels vip, press")]


def test_bad_panel_config_names_the_key() -> None:
    bad = {**ROSTER, "panels": [{"name": "vip", "members": ["x:@ok", "facebook:@nope"]}]}
    with pytest.raises(ConfigError, match=r"panels\[0\]\.members\[1\].*platform:handle.*"
                                          r"'facebook:@nope'"):
        parse_config(bad)
    bad = {**ROSTER, "panels": [{"name": "vip"}, {"name": "vip"}]}
    with pytest.raises(ConfigError, match=r"panel\(s\) defined twice: \['vip'\]"):
        parse_config(bad)


def test_loyalty_cli_imports_and_lists(tmp_path) -> None:
    from click.testing import CliRunner

    from earful.cli import main
    from tests.conftest import ROOT

    export = tmp_path / "members.csv"
    export.write_text("loyalty_id,platform,handle\nLY-7,discord,481516234\nLY-8,x,\n")
    base = ["--config", str(ROOT / "config.toml"), "--db", str(tmp_path / "e.db")]
    result = CliRunner().invoke(main, [*base, "loyalty", "import", str(export)])
    assert result.exit_code == 0, result.output
    assert "1 account(s) linked, 0 already linked, 1 line(s) skipped" in result.output
    result = CliRunner().invoke(main, [*base, "loyalty", "list", "--json"])
    assert '"loyalty_id":"LY-7"' in result.output and '"account":"discord:481516234"' in (
        result.output)
    missing = tmp_path / "cols.csv"
    missing.write_text("id,handle\n1,x\n")
    result = CliRunner().invoke(main, [*base, "loyalty", "import", str(missing)])
    assert result.exit_code == 1 and "missing loyalty_id, platform" in result.output


def _loaded(store: Store, settings, mention_id: str) -> Candidate:
    return Candidate.load(store, mention_id, Memberships(store, settings))

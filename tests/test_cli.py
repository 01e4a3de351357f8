from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from earful.cli import main
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "formats"


@pytest.fixture
def run(tmp_path: Path):
    def invoke(*args: str, input: str | None = None, expect: int | None = None):
        runner = CliRunner()
        result = runner.invoke(
            main, ["--config", str(ROOT / "config.toml"), "--db", str(tmp_path / "e.db"), *args],
            input=input, catch_exceptions=False)
        if expect is not None:
            assert result.exit_code == expect, result.output
        return result
    return invoke


def test_every_command_has_help() -> None:
    def walk(command, path):
        assert command.help, f"{' '.join(path)} has no help"
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])
    walk(main, ["earful"])


def test_config_check_summarises(run) -> None:
    result = run("config", "check")
    assert result.exit_code == 0
    assert "is valid" in result.output and "Kestrel" in result.output
    assert "X_BEARER_TOKEN" in result.output
    # The database the other commands would open: here --db's, not the config's.
    assert "e.db (--db)" in result.output.replace("\n", "")


def test_config_error_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[brands]]\nname = "Kestrel"\naliases = "Kestrel Goods"\n')
    result = CliRunner().invoke(main, ["--config", str(bad), "config", "check"])
    assert result.exit_code == 1
    assert "brands[0].aliases" in result.output
    assert "Traceback" not in result.output


def test_score_one_text(run) -> None:
    result = run("score", "--json",
                 "I'm cancelling my Kestrel Plus membership, switching to Trovia")
    data = json.loads(result.output)
    assert data["churn_target"] == "Kestrel" and data["churn_destination"] == "Trovia"
    assert data["risk"] == "high"


def test_score_file_writes_one_result_per_line_and_skips_bad_lines(run, tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": "@KestrelHelp thanks so much, the jacket fits perfectly!"}),
        "{not json",
        json.dumps({"id": "b", "text": "Mi pedido todavía no ha llegado, voy a cancelar mi "
                                       "suscripción de Kestrel Plus"}),
        json.dumps({"id": "c"}),
    ]
    result = run("score", "--file", "-", input="\n".join(lines) + "\n")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a", "b"]
    happy, spanish = records
    assert happy["sentiment"] > 0.05 and happy["risk"] == "low" and happy["complaint"] < 0.5
    assert spanish["language"] == "es" and spanish["sentiment"] is None
    assert spanish["churn_intent"] >= 0.8 and spanish["risk"] == "high"
    for key in ("id", "sentiment", "language", "complaint", "churn_intent", "churn_target",
                "risk", "reasons"):
        assert key in happy
    assert "line 2" in result.stderr and "line 4" in result.stderr


def test_import_reports_bad_records_and_keeps_the_rest(run) -> None:
    result = run("import", "--platform", "x", str(FIXTURES / "x_malformed.ndjson"), "--json")
    data = json.loads(result.stdout)
    [source] = data["sources"]
    assert source["problems"], "malformed records are reported"
    assert all(p["line"] >= 1 and "x_malformed.ndjson" in p["path"] for p in source["problems"])
    assert source["received"] >= 1


def test_mentions_and_overview_on_the_sample(run) -> None:
    assert run("listen", "--once").exit_code == 0
    rows = [json.loads(line) for line in
            run("mentions", "--brand", "Kestrel", "--risk", "high", "--json",
                "--limit", "1000").stdout.splitlines()]
    assert rows and all("Kestrel" in r["brands"] and r["risk"] == "high" for r in rows)
    searched = [json.loads(line) for line in
                run("mentions", "-q", "refund", "--json", "--limit", "1000").stdout.splitlines()]
    assert searched and all("refund" in r["text"].lower() for r in searched)
    spanish = [json.loads(line) for line in
               run("mentions", "--lang", "es", "--json", "--limit", "1000").stdout.splitlines()]
    assert spanish and all(r["language"] == "es" for r in spanish)
    overview = json.loads(run("report", "overview", "--json").stdout)
    assert overview["brands"][0]["brand"] == "Kestrel"  # ours first
    assert sum(b["share_of_voice"] for b in overview["brands"]) == pytest.approx(1, abs=0.01)
    assert overview["top_risk"][0]["risk"] == "high"
    text = run("report", "overview").stdout
    assert "share of voice" in text and "Top risk posts" in text
    assert run("mentions", "-q", '"unbalanced').exit_code == 2  # bad search syntax: usage error


def test_post_text_is_shown_literally_not_as_markup(settings, tmp_path: Path) -> None:
    import io

    from rich.console import Console

    from earful.reports.mentions import render_mentions
    from earful.reports.scoring import render_score
    from listener.scoring import Scorer

    text = "[bold]urgent[/bold] [red] @KestrelHelp refund please"
    console = Console(file=io.StringIO(), width=200)
    console.print(render_score(text, Scorer(settings).score_text(text)))
    row = {"created_at": "2026-11-02T10:00:00Z", "platform": "x", "community": None,
           "author_handle": "[dim]eve", "brands": ["Kestrel"], "language": "en",
           "sentiment": 0.0, "sentiment_label": "neutral", "risk": "low", "text": text,
           "id": "x:1"}
    console.print(render_mentions([row]))
    shown = console.file.getvalue()
    assert "[bold]urgent[/bold]" in shown and "[dim]eve" in shown


def test_backfill_walks_a_live_source_back_and_resumes(run, monkeypatch) -> None:
    from datetime import timedelta

    import responses
    from freezegun import freeze_time
    from responses.registries import OrderedRegistry

    from tests.x_kill_helper import NOW, recorded_response, recording

    monkeypatch.setenv("X_BEARER_TOKEN", "test-token-not-real")
    import tenacity

    import listener.sources.x
    monkeypatch.setattr(listener.sources.x, "wait_exponential",
                        lambda **_: tenacity.wait_none())  # retry at once, not in 2 s, 4 s
    recorded = {tweet["edit_history_tweet_ids"][0]
                for name in ("recent_kestrel_p1.json", "recent_kestrel_p2.json")
                for tweet in recording(name)["body"]["data"] if "text" in tweet}
    args = ["backfill", "--source", "x", "--stream", "search:0", "--since", "3d", "--json"]
    with freeze_time(NOW), responses.RequestsMock(registry=OrderedRegistry) as api:
        api.add(responses.Response("GET", recording("recent_kestrel_p2.json")["request"]["url"],
                                   status=503))
        api.add(responses.Response("GET", recording("recent_kestrel_p2.json")["request"]["url"],
                                   status=503))
        api.add(responses.Response("GET", recording("recent_kestrel_p2.json")["request"]["url"],
                                   status=503))
        api.add(recorded_response("recent_kestrel_p1.json"))
        api.add(recorded_response("recent_kestrel_p2.json"))
        # X is down: a clear error, nothing lost, nothing stored.
        failed = run(*args, expect=1)
        assert "503" in failed.output and "run the same command again" in failed.output
        done = run(*args)
        since = api.calls[3].request.params["start_time"]
        assert since == f"{NOW - timedelta(days=3):%Y-%m-%dT%H:%M:%SZ}"
    report = json.loads(done.output.strip().splitlines()[-1])
    assert report["sources"][0]["new"] == len(recorded) - report["sources"][0]["unmatched"]
    ids = run("mentions", "--platform", "x", "--limit", "1000", "--json").output.splitlines()
    assert {json.loads(line)["id"].removeprefix("x:") for line in ids} <= recorded
    assert len(ids) == report["sources"][0]["new"] > 0
    assert "replays files" in run("backfill", "--source", "sample-x", "--since", "3d",
                                  expect=2).output
    assert "no stream 'search:9'" in run("backfill", "--source", "x", "--stream", "search:9",
                                         "--since", "3d", expect=2).output


def test_a_live_source_without_credentials_is_skipped_and_the_rest_runs(
        tmp_path: Path, monkeypatch, caplog) -> None:
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)
    text = (ROOT / "config.toml").read_text()
    enabled = text.replace('[sources.x]\ntype = "x"\nenabled = false',
                           '[sources.x]\ntype = "x"\nenabled = true')
    assert enabled != text
    config = tmp_path / "config.toml"
    config.write_text(enabled)
    result = CliRunner().invoke(main, ["--config", str(config), "--db", str(tmp_path / "e.db"),
                                       "listen", "--once", "--json"])
    assert result.exit_code == 0, result.output
    line = "source 'x': skipped, set X_BEARER_TOKEN (credentials.bearer_token)"
    assert [record.getMessage() for record in caplog.records] == [line]
    report = {s["source"]: s for s in json.loads(result.output)["sources"]}
    assert report["x"]["error"] == line and report["x"]["new"] == 0
    assert report["sample-x"]["new"] > 0 and report["sample-reddit"]["new"] > 0
    # Every case action is there, those that did not happen as 0.
    cases = json.loads(result.output)["cases"]
    assert cases["reopened"] == 0 and cases["opened"] > 0

"""Alerts end to end against real local receivers: an HTTP server on 127.0.0.1 taking webhook
JSON (through apprise's json://) and an aiosmtpd SMTP server taking mail (apprise's mailto://).
Time is a hand-moved clock; the receivers are real."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from alerts.channels import Channels
from alerts.events import AlertEvent
from alerts.outbox import Alerts
from alerts.runner import AlertRunner
from earful.config import parse_config
from earful.store import Store
from listener.pipeline import Pipeline
from responders.intake import Intake
from tests.conftest import make_post
from tests.test_cases import ROSTER

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # a Monday
SECRET = "s3cr3t-pa55"


class Hook:
    """A webhook receiver; ``down`` makes it answer 503 (as a proxy does for a dead app)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.down = False
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if hook.down:
                    self.send_response(503)
                else:
                    hook.received.append({**json.loads(body),
                                          "header": self.headers.get("Idempotency-Key"),
                                          "path": self.path})
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def keys(self) -> list[str]:
        return [r["idempotency_key"] for r in self.received]


class Mailbox:
    def __init__(self) -> None:
        self.mail: list[tuple[list[str], str]] = []
        box = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                box.mail.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
                return "250 OK"

        with socket.socket() as probe:  # aiosmtpd needs a fixed port
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        def authenticator(server, session, envelope, mechanism, auth_data):
            return AuthResult(success=auth_data.password.decode() == SECRET)

        # Plain AUTH without TLS: a local test server, as a relay on localhost would be.
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port,
                                     authenticator=authenticator, auth_require_tls=False)
        self.controller.start()

    def to(self, address: str) -> list[str]:
        return [content for rcpts, content in self.mail if address in rcpts]


@pytest.fixture
def hook():
    receiver = Hook()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture
def mailbox():
    box = Mailbox()
    yield box
    box.controller.stop()


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def alert_config(hook_port: int, **alerts: object) -> dict:
    responders = [{**r, "contact": f"email:{r['name'].lower()}@kestrel.example"}
                  for r in ROSTER["responders"]]
    config = {
        **ROSTER,
        "responders": responders,
        "alerts": {
            "channels": {
                "console": {"kind": "console"},
                "email": {"url_env": "TEST_MAIL_URL"},
                "hook": {"url_env": "TEST_HOOK_URL"},
                "team": {"url_env": "TEST_TEAM_URL"},
            },
            "schedules": [
                {"name": "primary", "layers": [{"name": "all", "people": ["Ana"],
                                                "start": "2026-10-01T00:00:00"}]},
                {"name": "secondary", "layers": [{"name": "all", "people": ["Bo"],
                                                  "start": "2026-10-01T00:00:00"}]},
            ],
            "policies": [{"name": "page", "steps": [
                {"after": 0, "notify": ["oncall:primary", "channel:hook"]},
                {"after": "15m", "notify": ["oncall:secondary"]},
                {"after": "30m", "notify": ["channel:team"]},
            ]}],
            **alerts,
        },
    }
    return config


@pytest.fixture
def env(monkeypatch, hook, mailbox):
    monkeypatch.setenv("TEST_HOOK_URL", f"json://127.0.0.1:{hook.port}/alerts")
    monkeypatch.setenv("TEST_TEAM_URL", f"json://127.0.0.1:{hook.port}/team")
    monkeypatch.setenv("TEST_MAIL_URL", f"mailto://alerts:{SECRET}@127.0.0.1:{mailbox.port}"
                       "?from=alerts@kestrel.example&to=nobody@kestrel.example&mode=insecure")


def runner_for(settings, store, clock) -> AlertRunner:
    from rich.console import Console

    return AlertRunner(settings, store, clock=clock, console=Console(file=open("/dev/null", "w")))


def breach(case_id: int, at: datetime) -> AlertEvent:
    return AlertEvent("sla_breach", f"sla:{case_id}:first_response:breached",
                      f"SLA breached: case #{case_id}", "team care", at,
                      link=f"earful case show {case_id}", case_id=case_id)


def test_a_churn_case_pages_on_call_by_mail_and_webhook_once(env, hook, mailbox, store,
                                                              caplog) -> None:
    settings = parse_config(alert_config(hook.port))
    clock = Clock(T0)
    with Pipeline(settings, store, workers=1) as pipeline:
        pipeline.after_store.append(Intake(settings, store, clock=clock))
        pipeline.process([make_post("1", "Cancelling my Kestrel membership, switching to "
                                         "Trovia", when="2026-11-02T09:58:00", handle="sam")],
                         source="test")
    runner = runner_for(settings, store, clock)
    report = runner.run_pass()
    assert report.raised == 1 and report.delivery.sent == 2
    [mail] = mailbox.to("ana@kestrel.example")  # Ana is on call for "primary"
    assert "New p1 case #1 for team retention" in mail and "earful case show 1" in mail
    [posted] = hook.received
    assert posted["title"].startswith("New p1 case #1") and posted["path"] == "/alerts"
    assert posted["header"] == posted["idempotency_key"] == "earful-alert-1-hook-"
    assert posted["facts"]["kind"] == "case_new"
    # Again, and again later: the same alert is not sent twice.
    runner.run_pass()
    clock.advance(minutes=5)
    runner.run_pass()
    assert len(hook.received) == 1 and len(mailbox.mail) == 1
    # The channel URL's password reaches neither the database nor the logs.
    dump = "\n".join(store.conn.iterdump())
    assert SECRET not in dump and SECRET not in caplog.text


def test_escalation_reaches_step_two_at_the_minute_and_ack_stops_it(env, hook, mailbox,
                                                                   store) -> None:
    settings = parse_config(alert_config(hook.port))
    clock = Clock(T0)
    runner = runner_for(settings, store, clock)
    alerts = Alerts(store, settings, clock)
    acked, _ = alerts.raise_event(breach(1, T0))
    alerts.raise_event(breach(2, T0))
    runner.run_pass()
    assert len(mailbox.to("ana@kestrel.example")) == 2
    clock.advance(minutes=14, seconds=59)
    runner.run_pass()
    assert mailbox.to("bo@kestrel.example") == []
    alerts.ack(acked, "Ana")
    clock.advance(seconds=1)  # 15 minutes: step 2 for the unacknowledged one only
    runner.run_pass()
    [to_bo] = mailbox.to("bo@kestrel.example")
    assert "case #2" in to_bo
    clock.advance(minutes=15)  # 30 minutes: the team channel, again only for it
    runner.run_pass()
    team = [r for r in hook.received if r["path"] == "/team"]
    assert [r["title"] for r in team] == ["SLA breached: case #2"]
    assert Alerts(store, settings, clock).get(acked)["acked_by"] == "Ana"


def test_receiver_down_for_minutes_gets_every_alert_once_after_it_recovers(env, hook,
                                                                           store) -> None:
    settings = parse_config(alert_config(hook.port, retry_max="2m"))
    clock = Clock(T0)
    runner = runner_for(settings, store, clock)
    alerts = Alerts(store, settings, clock)
    hook.down = True
    for case in range(1, 6):
        alerts.raise_event(breach(case, clock()))
    for _ in range(10):  # ten minutes down, a pass every 30 s
        runner.run_pass()
        clock.advance(seconds=30)
    assert hook.received == []
    attempts = [row[0] for row in store.conn.execute(
        "SELECT attempts FROM alert_deliveries WHERE channel = 'hook'")]
    assert all(2 <= n <= 10 for n in attempts)  # backed off: fewer tries than passes
    hook.down = False
    for _ in range(6):  # at most retry_max after it is back, every alert arrives
        runner.run_pass()
        clock.advance(seconds=30)
    assert sorted(hook.keys()) == [f"earful-alert-{n}-hook-" for n in range(1, 6)]


def test_killed_between_outbox_write_and_send_delivers_once_after_restart(
        env, hook, tmp_path) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps(alert_config(hook.port)))
    db = tmp_path / "e.db"
    # The child writes the alert and its outbox rows, then dies before sending anything.
    child = subprocess.run([sys.executable, "-c", f"""
import json, os, signal
from datetime import datetime, UTC
from earful.config import parse_config
from earful.store import Store
from alerts.outbox import Alerts
from tests.test_alerts import breach
settings = parse_config(json.load(open({str(config)!r})))
store = Store({str(db)!r})
Alerts(store, settings).raise_event(breach(7, datetime.now(UTC)))
os.kill(os.getpid(), signal.SIGKILL)
"""], cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True)
    assert child.returncode == -9, child.stderr
    assert hook.received == []
    settings = parse_config(json.loads(config.read_text()))
    with Store(db) as store:
        runner = runner_for(settings, store, lambda: datetime.now(UTC))
        runner.run_pass()
        runner.run_pass()
    assert hook.keys() == ["earful-alert-1-hook-"]


def test_the_same_breach_twice_is_one_alert(env, hook, store) -> None:
    settings = parse_config(alert_config(hook.port))
    clock = Clock(T0)
    alerts = Alerts(store, settings, clock)
    first, new = alerts.raise_event(breach(3, T0))
    clock.advance(minutes=10)
    second, again = alerts.raise_event(breach(3, clock()))
    assert (first, new, again) == (second, True, False)
    runner_for(settings, store, clock).run_pass()
    assert len(hook.received) == 1
    assert alerts.get(first)["count"] == 2
    alerts.resolve(first, "Ana")
    third, new = alerts.raise_event(breach(3, clock()))  # after resolving: a new alert
    assert new and third != first


def test_low_severity_alerts_go_out_as_one_digest(env, hook, store) -> None:
    settings = parse_config(alert_config(hook.port, severity={"sla_breach": "low"},
                                         digest_every="1h"))
    clock = Clock(T0 + timedelta(minutes=5))
    runner = runner_for(settings, store, clock)
    alerts = Alerts(store, settings, clock)
    for case in (1, 2, 3):
        alerts.raise_event(breach(case, clock()))
    runner.run_pass()
    assert hook.received == []  # waiting for the hour
    clock.at = T0 + timedelta(hours=1)
    runner.run_pass()
    [digest] = [r for r in hook.received if r["path"] == "/alerts"]
    assert digest["title"] == "Earful digest: 3 low-priority alert(s)"
    assert all(f"case #{n}" in digest["message"] for n in (1, 2, 3))


def test_quiet_hours_hold_non_critical_alerts_until_morning(env, hook, store) -> None:
    config = alert_config(hook.port, severity={"sla_warning": "high"})
    config["alerts"]["channels"]["hook"] |= {"quiet_hours": ["22:00", "07:00"],
                                              "timezone": "Europe/Madrid"}
    settings = parse_config(config)
    clock = Clock(datetime(2026, 11, 2, 22, 30, tzinfo=UTC))  # 23:30 in Madrid
    runner = runner_for(settings, store, clock)
    alerts = Alerts(store, settings, clock)
    alerts.raise_event(AlertEvent("sla_warning", "w1", "SLA warning: case #1", "", clock()))
    alerts.raise_event(breach(2, clock()))  # critical: now
    runner.run_pass()

    def paged() -> list[str]:
        return [r["title"] for r in hook.received if r["path"] == "/alerts"]

    assert paged() == ["SLA breached: case #2"]
    clock.at = datetime(2026, 11, 3, 5, 59, tzinfo=UTC)  # 06:59 Madrid
    runner.run_pass()
    assert paged() == ["SLA breached: case #2"]
    clock.at = datetime(2026, 11, 3, 6, 0, tzinfo=UTC)  # 07:00 Madrid
    runner.run_pass()
    assert paged() == ["SLA breached: case #2", "SLA warning: case #1"]


def test_a_channel_rate_limit_defers_the_rest(env, hook, store) -> None:
    config = alert_config(hook.port)
    config["alerts"]["channels"]["hook"] |= {"rate": "2/m"}
    settings = parse_config(config)
    clock = Clock(T0)
    runner = runner_for(settings, store, clock)
    alerts = Alerts(store, settings, clock)
    for case in (1, 2, 3):
        alerts.raise_event(breach(case, clock()))
    runner.run_pass()
    assert len(hook.received) == 2
    clock.advance(seconds=61)
    runner.run_pass()
    assert len(hook.received) == 3


def test_churn_threats_page_for_loyalty_members_and_high_reach_authors(env, hook,
                                                                      store) -> None:
    from panels.membership import Memberships

    settings = parse_config(alert_config(hook.port, high_reach=50000))
    Memberships(store, settings).link("LY-7", "x", "@member")
    clock = Clock(T0)
    churn = "I'm cancelling my Kestrel membership, switching to Trovia"
    with Pipeline(settings, store, workers=1) as pipeline:
        pipeline.process([make_post("1", churn, handle="member", when="2026-11-02T09:00:00"),
                          make_post("2", churn, handle="famous", followers=120000,
                                    when="2026-11-02T09:00:00"),
                          make_post("3", churn, handle="nobody", when="2026-11-02T09:00:00"),
                          make_post("4", "Loving Kestrel", handle="member",
                                    when="2026-11-02T09:00:00")], source="test")
    runner_for(settings, store, clock).run_pass()
    titles = sorted(r["title"] for r in hook.received)
    assert titles == ["Churn threat from famous (120,000 followers) on x: leaving Kestrel",
                      "Churn threat from member (loyalty member LY-7) on x: leaving Kestrel"]


def test_a_collector_failing_repeatedly_pages_once(env, hook, store) -> None:
    settings = parse_config(alert_config(hook.port, collector_failures=3))
    clock = Clock(T0)
    runner = runner_for(settings, store, clock)

    def run(status: str) -> None:
        store.record_run({"job": "x:brand", "source": "x", "started_at": "2026-11-02T09:59:00Z",
                          "finished_at": "2026-11-02T09:59:01Z", "status": status,
                          "error": "ConnectionError: boom" if status == "error" else None})

    run("error")
    run("error")
    runner.run_pass()
    assert hook.received == []
    run("error")
    runner.run_pass()
    run("error")
    runner.run_pass()
    assert [r["title"] for r in hook.received] == ["Collector x:brand failed 3 times in a row"]


def test_a_channel_without_its_variable_is_skipped_and_said_once(monkeypatch, hook, store,
                                                                 caplog) -> None:
    settings = parse_config(alert_config(hook.port))
    monkeypatch.delenv("TEST_HOOK_URL", raising=False)
    clock = Clock(T0)
    alerts = Alerts(store, settings, clock)
    runner = runner_for(settings, store, clock)
    alerts.raise_event(breach(1, T0))
    alerts.raise_event(breach(2, T0))
    runner.run_pass()
    statuses = {row for row in store.conn.execute(
        "SELECT status, last_error FROM alert_deliveries WHERE channel = 'hook'")}
    assert statuses == {("skipped", "TEST_HOOK_URL is not set")}
    assert caplog.text.count("TEST_HOOK_URL is not set") == 1


def test_secrets_file_holds_urls_not_in_the_environment(monkeypatch, hook, tmp_path,
                                                        store) -> None:
    secrets = tmp_path / "secrets.env"
    secrets.write_text(f"# alert channels\nTEST_HOOK_URL='json://127.0.0.1:{hook.port}/alerts'\n")
    monkeypatch.delenv("TEST_HOOK_URL", raising=False)
    settings = parse_config(alert_config(hook.port, secrets_file=str(secrets)))
    assert Channels(settings).url("hook") == f"json://127.0.0.1:{hook.port}/alerts"


def test_alert_config_errors_name_the_key(hook) -> None:
    from earful.errors import ConfigError

    bad = alert_config(hook.port)
    bad["alerts"]["policies"][0]["steps"][1]["notify"] = ["oncall:nobody"]
    with pytest.raises(ConfigError, match=r"alerts\.policies\[0\]\.steps\[1\]\.notify: no "
                                          r"oncall named 'nobody'"):
        parse_config(bad)
    bad = alert_config(hook.port)
    bad["alerts"]["channels"]["hook"] = {"url_env": "json://secret@host"}
    with pytest.raises(ConfigError, match=r"alerts\.channels\.hook\.url_env"):
        parse_config(bad)
    bad = alert_config(hook.port)
    bad["responders"][0]["contact"] = "pager:ana"
    with pytest.raises(ConfigError, match=r"responders\[0\]\.contact: expected 'CHANNEL'"):
        parse_config(bad)


def test_alert_cli_lists_shows_acks_and_resolves(tmp_path) -> None:
    from click.testing import CliRunner

    from earful.cli import main
    from earful.config import load_config
    from tests.conftest import ROOT

    base = ["--config", str(ROOT / "config.toml"), "--db", str(tmp_path / "e.db")]

    def cli(*args: str, code: int = 0) -> str:
        result = CliRunner().invoke(main, [*base, *args])
        assert result.exit_code == code, result.output
        return result.output

    with Store(tmp_path / "e.db") as store:
        Alerts(store, load_config(ROOT / "config.toml")).raise_event(breach(4, T0))
    listed = [json.loads(line) for line in cli("alert", "list", "--json").splitlines()]
    assert [(a["id"], a["status"], a["kind"]) for a in listed] == [(1, "open", "sla_breach")]
    shown = cli("alert", "show", "1")
    assert "SLA breached: case #4" in shown and "earful case show 4" in shown
    assert "console" in shown  # step 1 of the example's policy prints on the console
    assert "alert 1 acknowledged by Maya" in cli("alert", "ack", "1", "--as", "Maya")
    assert "alert 1 is acknowledged" in cli("alert", "ack", "1", code=1)
    assert "resolved by Maya" in cli("alerts", "resolve", "1", "--as", "Maya")
    assert "No alerts." in cli("alert", "list", "--status", "open")
    assert "0 new alert(s)" in cli("alerts", "run", "--once")
    assert "no alert 9" in cli("alert", "show", "9", code=1)

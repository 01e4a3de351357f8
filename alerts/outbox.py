"""Alerts and their outbox: raise (grouping repeats), escalate, acknowledge, resolve.

Every delivery is a row of ``alert_deliveries`` written in the same transaction that raises or
escalates its alert, before anything is sent (:mod:`alerts.delivery` sends them). Its
idempotency key (alert, channel, address) is unique, so an alert reaches each channel and
address once however often it escalates or the process restarts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from alerts.events import AlertEvent
from alerts.oncall import OnCall
from earful.config import EscalationPolicy, Settings
from earful.errors import EarfulError
from earful.models import utc_iso, utcnow
from earful.store import Store


class AlertError(EarfulError):
    """An alert command that cannot be done (unknown id, already resolved)."""


@dataclass(slots=True)
class Target:
    """Where one step of a policy sends: ``channel`` and ``address``, for ``recipient``."""

    recipient: str
    channel: str | None  # None: nobody to send to (``reason`` says why)
    address: str = ""
    reason: str = ""


class Alerts:
    """The alert book.

    Example::

        alerts = Alerts(store, settings)
        alert_id, new = alerts.raise_event(event)
        alerts.ack(alert_id, "Maya")  # no further escalation
    """

    def __init__(self, store: Store, settings: Settings,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.settings = settings
        self.config = settings.alerts
        self.clock = clock
        self.oncall = OnCall(settings)
        self._contacts = {r.name: r.contact for r in settings.responders}

    def policy_for(self, kind: str) -> EscalationPolicy | None:
        return next((p for p in self.config.policies if not p.kinds or kind in p.kinds), None)

    # -- raising ------------------------------------------------------------------------------
    def raise_event(self, event: AlertEvent) -> tuple[int, bool]:
        """The alert for ``event`` and whether it is new. The same key again within
        ``group_window`` of the alert's last event, while it is not resolved, joins it."""
        now = self.clock()
        since = utc_iso(now - timedelta(seconds=self.config.group_window))
        with self.store.transaction() as conn:
            row = conn.execute(
                "SELECT id FROM alerts WHERE key = ? AND status != 'resolved' "
                "AND last_event_at >= ? ORDER BY id DESC LIMIT 1", (event.key, since)).fetchone()
            if row is not None:
                conn.execute("UPDATE alerts SET count = count + 1, last_event_at = ? "
                             "WHERE id = ?", (utc_iso(now), row[0]))
                return row[0], False
            policy = self.policy_for(event.kind)
            alert_id = conn.execute(
                "INSERT INTO alerts (key, kind, severity, title, body, link, facts, case_id, "
                "brand, team, assignee, policy, status, raised_at, last_event_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)",
                (event.key, event.kind, event.severity(self.settings), event.title, event.body,
                 event.link, orjson.dumps(event.facts, default=str).decode(), event.case_id,
                 event.brand, event.team, event.assignee, policy.name if policy else None,
                 utc_iso(now), utc_iso(now))).lastrowid
            assert alert_id is not None
            self._escalate(conn, alert_id, now)
        return alert_id, True

    # -- escalation ---------------------------------------------------------------------------
    def escalate(self) -> int:
        """Queue the deliveries of every step now due of every open (unacknowledged) alert;
        how many steps were taken."""
        now = self.clock()
        taken = 0
        with self.store.transaction() as conn:
            for (alert_id,) in conn.execute(
                    "SELECT id FROM alerts WHERE status = 'open' AND policy IS NOT NULL "
                    "ORDER BY id").fetchall():
                taken += self._escalate(conn, alert_id, now)
        return taken

    def _escalate(self, conn: sqlite3.Connection, alert_id: int, now: datetime) -> int:
        alert = self._row(conn, alert_id)
        policy = self.policy_for(alert["kind"]) if alert["policy"] else None
        if policy is None:
            if alert["steps_done"] == 0 and "console" in self.config.channels:
                self._enqueue(conn, alert, 0, [Target("console", "console")], now)
                conn.execute("UPDATE alerts SET steps_done = 1 WHERE id = ?", (alert_id,))
                return 1
            return 0
        raised = datetime.fromisoformat(alert["raised_at"])
        done = alert["steps_done"]
        taken = 0
        for index in range(done, len(policy.steps)):
            step = policy.steps[index]
            if raised + timedelta(seconds=float(step.after)) > now:
                break
            targets = [self.resolve_target(target, alert, now) for target in step.notify]
            self._enqueue(conn, alert, index, targets, now)
            taken += 1
        if taken:
            conn.execute("UPDATE alerts SET steps_done = ? WHERE id = ?",
                         (done + taken, alert_id))
        return taken

    def resolve_target(self, target: str, alert: dict[str, Any], now: datetime) -> Target:
        """A policy target as the channel and address to send to, now."""
        kind, _, name = target.partition(":")
        if kind == "channel":
            return Target(name, name)
        if kind == "assignee":
            if not alert.get("assignee"):
                return Target("assignee", None, reason="the case has no assignee")
            return self._person(alert["assignee"])
        if kind == "oncall":
            shift = self.oncall.who(name, now)
            if shift is None:
                return Target(target, None, reason=f"nobody is on call for {name}")
            return self._person(shift.person)
        return self._person(name)

    def _person(self, name: str) -> Target:
        contact = self._contacts.get(name)
        if not contact:
            return Target(name, None, reason=f"{name} has no contact")
        channel, _, address = contact.partition(":")
        return Target(name, channel, address)

    def _enqueue(self, conn: sqlite3.Connection, alert: dict[str, Any], step: int,
                 targets: list[Target], now: datetime) -> None:
        digest = alert["severity"] == "low"
        due = self._digest_due(now) if digest else now
        for target in targets:
            channel = target.channel or ""
            key = f"earful-alert-{alert['id']}-{channel or target.recipient}-{target.address}"
            conn.execute(
                "INSERT OR IGNORE INTO alert_deliveries (alert_id, channel, address, recipient, "
                "step, idempotency_key, digest, status, due_at, last_error, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (alert["id"], channel, target.address, target.recipient, step, key,
                 int(digest), "pending" if target.channel else "skipped", utc_iso(due),
                 target.reason or None, utc_iso(now)))

    def _digest_due(self, now: datetime) -> datetime:
        every = self.config.digest_every
        stamp = (now.timestamp() // every + 1) * every
        return datetime.fromtimestamp(stamp, UTC)

    # -- acknowledging ------------------------------------------------------------------------
    def ack(self, alert_id: int, actor: str) -> dict[str, Any]:
        """Acknowledge: someone owns it, escalation stops (sent deliveries stay sent)."""
        return self._set(alert_id, "acknowledged", actor, ("open",))

    def resolve(self, alert_id: int, actor: str) -> dict[str, Any]:
        """Resolve: the next event with the same key raises a new alert."""
        return self._set(alert_id, "resolved", actor, ("open", "acknowledged"))

    def _set(self, alert_id: int, status: str, actor: str,
             allowed: tuple[str, ...]) -> dict[str, Any]:
        now = utc_iso(self.clock())
        with self.store.transaction() as conn:
            alert = self._row(conn, alert_id)
            if alert["status"] not in allowed:
                raise AlertError(f"alert {alert_id} is {alert['status']}")
            column = "acked" if status == "acknowledged" else "resolved"
            conn.execute(f"UPDATE alerts SET status = ?, {column}_at = ?, {column}_by = ? "
                         "WHERE id = ?", (status, now, actor, alert_id))
            # Resolving an alert nobody acknowledged acknowledges it too (stops escalation).
            conn.execute("UPDATE alerts SET acked_at = coalesce(acked_at, ?), "
                         "acked_by = coalesce(acked_by, ?) WHERE id = ?", (now, actor, alert_id))
            return self._row(conn, alert_id)

    # -- reading ------------------------------------------------------------------------------
    def get(self, alert_id: int) -> dict[str, Any]:
        alert = self._row(self.store.conn, alert_id)
        alert["deliveries"] = [dict(zip(_DELIVERY_COLUMNS, row, strict=True))
                               for row in self.store.conn.execute(
                                   f"SELECT {', '.join(_DELIVERY_COLUMNS)} FROM alert_deliveries "
                                   "WHERE alert_id = ? ORDER BY id", (alert_id,))]
        return alert

    def list(self, status: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Newest first; ``status`` open, acknowledged, resolved or None for all."""
        where, args = ("WHERE status = ?", [status]) if status else ("", [])
        rows = self.store.conn.execute(
            f"SELECT {', '.join(_ALERT_COLUMNS)}, (SELECT count(*) FROM alert_deliveries d "
            "WHERE d.alert_id = a.id AND d.status = 'sent'), (SELECT count(*) FROM "
            "alert_deliveries d WHERE d.alert_id = a.id AND d.status = 'pending') "
            f"FROM alerts a {where} ORDER BY id DESC LIMIT ?", [*args, limit]).fetchall()
        return [dict(zip((*_ALERT_COLUMNS, "sent", "pending"), row, strict=True))
                for row in rows]

    @staticmethod
    def _row(conn: sqlite3.Connection, alert_id: int) -> dict[str, Any]:
        row = conn.execute(f"SELECT {', '.join(_ALERT_COLUMNS)} FROM alerts WHERE id = ?",
                           (alert_id,)).fetchone()
        if row is None:
            raise AlertError(f"no alert {alert_id} (see `earful alert list`)")
        alert = dict(zip(_ALERT_COLUMNS, row, strict=True))
        alert["facts"] = orjson.loads(alert["facts"]) if alert["facts"] else {}
        return alert


_ALERT_COLUMNS = ("id", "key", "kind", "severity", "title", "body", "link", "facts", "case_id",
                  "brand", "team", "assignee", "policy", "steps_done", "status", "count",
                  "raised_at", "last_event_at", "acked_at", "acked_by", "resolved_at",
                  "resolved_by")
_DELIVERY_COLUMNS = ("id", "channel", "address", "recipient", "step", "idempotency_key",
                     "digest", "status", "attempts", "due_at", "last_error", "created_at",
                     "sent_at")

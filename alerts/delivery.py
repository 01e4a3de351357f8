"""Send what the outbox holds: due deliveries, with retries, rate limits, quiet hours and
digests.

A delivery is marked sent only after its channel accepted it, so a crash before that sends it
again after the restart, with the same idempotency key (receivers that read it drop the
repeat). A failed send waits ``30 s × 2^(attempts-1)``, at most ``alerts.retry_max``.
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from alerts.channels import Channels, DeliveryFailed, Message, NotConfigured
from earful.config import ChannelConfig, Settings
from earful.models import utc_iso, utcnow
from earful.store import Store

log = logging.getLogger(__name__)

RETRY_FIRST = 30.0  # seconds before the first retry


class _Due(NamedTuple):
    """A pending delivery whose time has come, with what it says."""

    id: int
    alert_id: int
    channel: str
    address: str
    idempotency_key: str
    digest: int
    attempts: int
    severity: str
    title: str
    body: str
    link: str | None
    kind: str
    count: int


_DUE_COLUMNS = ("d.id, d.alert_id, d.channel, d.address, d.idempotency_key, d.digest, "
                "d.attempts, a.severity, a.title, a.body, a.link, a.kind, a.count")


@dataclass(slots=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0  # will be retried
    deferred: int = 0  # quiet hours or rate limit
    skipped: int = 0  # channel not configured
    errors: list[str] = field(default_factory=list)


def quiet_until(channel: ChannelConfig, now: datetime) -> datetime | None:
    """When the channel's quiet hours end, if ``now`` is inside them."""
    if channel.quiet_hours is None:
        return None
    zone = ZoneInfo(channel.timezone)
    local = now.astimezone(zone)
    start, end = (time.fromisoformat(value) for value in channel.quiet_hours)
    clock = local.time()
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, zone).astimezone(UTC)


class Deliverer:
    """Sends due deliveries.

    Example::

        Deliverer(store, settings, Channels(settings)).deliver_due()
    """

    def __init__(self, store: Store, settings: Settings, channels: Channels,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.config = settings.alerts
        self.channels = channels
        self.clock = clock

    def deliver_due(self) -> DeliveryReport:
        now = self.clock()
        report = DeliveryReport()
        rows = [_Due(*row) for row in self.store.conn.execute(
            f"SELECT {_DUE_COLUMNS} FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id "
            "WHERE d.status = 'pending' AND d.due_at <= ? ORDER BY d.id", (utc_iso(now),))]
        digests: dict[tuple[str, str], list[_Due]] = defaultdict(list)
        for row in rows:
            if row.digest:
                digests[(row.channel, row.address)].append(row)
                continue
            message = Message(row.title, _body(row.body, row.link, row.count), row.severity,
                              row.idempotency_key,
                              {"alert": row.alert_id, "kind": row.kind, "link": row.link})
            self._send([row], row.channel, row.address, message, row.severity == "critical",
                       now, report)
        for (channel, address), group in digests.items():
            lines = [f"• [{row.kind}] {row.title}" + (f"  ({row.link})" if row.link else "")
                     for row in group]
            message = Message(f"Earful digest: {len(group)} low-priority alert(s)",
                              "\n".join(lines), "low",
                              "earful-digest-" + "-".join(str(row.id) for row in group),
                              {"alerts": [row.alert_id for row in group]})
            self._send(group, channel, address, message, False, now, report)
        return report

    def _send(self, rows: list[_Due], channel: str, address: str, message: Message,
              critical: bool, now: datetime, report: DeliveryReport) -> None:
        ids = [row.id for row in rows]
        config = self.config.channels.get(channel)
        wait = None if critical or config is None else quiet_until(config, now)
        wait = wait or self._rate_wait(channel, config, now)
        if wait is not None:
            self._update(ids, "UPDATE alert_deliveries SET due_at = ? WHERE id = ?",
                         utc_iso(wait))
            report.deferred += len(ids)
            return
        try:
            self.channels.send(channel, address, message)
        except NotConfigured as error:
            self._update(ids, "UPDATE alert_deliveries SET status = 'skipped', last_error = ? "
                         "WHERE id = ?", str(error))
            report.skipped += len(ids)
        except DeliveryFailed as error:
            attempts = max(row.attempts for row in rows) + 1
            delay = min(self.config.retry_max, RETRY_FIRST * 2 ** (attempts - 1))
            delay *= random.uniform(0.8, 1.0)  # jitter: retries of many alerts spread out
            due = utc_iso(now + timedelta(seconds=delay))
            with self.store.transaction() as conn:
                conn.executemany(
                    "UPDATE alert_deliveries SET attempts = attempts + 1, due_at = ?, "
                    "last_error = ? WHERE id = ?", [(due, str(error), i) for i in ids])
            report.failed += len(ids)
            report.errors.append(f"{channel}: {error}")
            log.warning("alert delivery to %s failed (attempt %d), retrying at %s: %s",
                        channel, attempts, due, error)
        else:
            self._update(ids, "UPDATE alert_deliveries SET status = 'sent', sent_at = ?, "
                         "attempts = attempts + 1, last_error = NULL WHERE id = ?",
                         utc_iso(self.clock()))
            report.sent += len(ids)

    def _rate_wait(self, channel: str, config: ChannelConfig | None,
                   now: datetime) -> datetime | None:
        limit = config.per_second if config else None
        if limit is None:
            return None
        count, window = limit
        sent = [row[0] for row in self.store.conn.execute(
            "SELECT sent_at FROM alert_deliveries WHERE channel = ? AND status = 'sent' "
            "AND sent_at > ? ORDER BY sent_at DESC LIMIT ?",
            (channel, utc_iso(now - timedelta(seconds=window)), count))]
        if len(sent) < count:
            return None
        oldest = datetime.fromisoformat(sent[-1])
        return oldest + timedelta(seconds=window)

    def _update(self, ids: list[int], sql: str, value: str) -> None:
        with self.store.transaction() as conn:
            conn.executemany(sql, [(value, i) for i in ids])


def _body(body: str, link: str | None, count: int) -> str:
    extra = [f"(seen {count} times)"] if count > 1 else []
    if link:
        extra.append(f"→ {link}")
    return "\n".join([body, *extra])

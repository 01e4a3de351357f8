"""Sending one message to one channel: apprise for everything with a URL, or the console.

Channel URLs are secrets (webhook tokens, SMTP passwords): they come from the environment
variable the channel names, else from ``alerts.secrets_file``; they are never logged or stored.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import apprise
from rich.console import Console

from earful.config import Settings

log = logging.getLogger(__name__)

# What receivers that can read headers use to drop a repeat (after a crash between a send and
# its bookkeeping, the outbox sends again with the same key).
IDEMPOTENCY_HEADER = "Idempotency-Key"
_NOTIFY_TYPE = {"critical": apprise.NotifyType.FAILURE, "high": apprise.NotifyType.WARNING,
                "low": apprise.NotifyType.INFO}
_MAIL = ("mailto", "mailtos")


class DeliveryFailed(Exception):
    """The channel did not accept the message; the outbox retries later."""


class NotConfigured(Exception):
    """The channel has no URL (its variable is unset): nothing to retry."""


@dataclass(slots=True)
class Message:
    title: str
    body: str
    severity: str
    idempotency_key: str
    facts: dict[str, object] = field(default_factory=dict)  # JSON receivers get them


def read_secrets(path: Path | None) -> dict[str, str]:
    """``NAME=value`` lines (``#`` comments, optional quotes), as a dict; none if no file."""
    if path is None:
        return {}
    path = path.expanduser()
    if not path.is_file():
        return {}
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and name and not name.startswith("#"):
            found[name.strip()] = value.strip().strip("'\"")
    return found


def with_address(url: str, address: str) -> str:
    """A mail URL sent to ``address`` instead of its own ``to``."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "to"] + [("to", address)]
    return urlunsplit(parts._replace(query=urlencode(query)))


class Channels:
    """The configured channels.

    Example::

        channels = Channels(settings)
        channels.send("discord", "@maya", Message("Churn threat", "…", "critical", "alert-3"))
    """

    def __init__(self, settings: Settings, console: Console | None = None,
                 environ: Mapping[str, str] | None = None) -> None:
        self.config = settings.alerts.channels
        self.console = console or Console(highlight=False)
        self._environ = os.environ if environ is None else environ
        self._secrets = read_secrets(settings.alerts.secrets_file)
        self._warned: set[str] = set()

    def url(self, name: str) -> str | None:
        channel = self.config[name]
        if channel.url_env is None:
            return None
        return self._environ.get(channel.url_env) or self._secrets.get(channel.url_env)

    def send(self, name: str, address: str, message: Message) -> None:
        """Deliver or raise :class:`DeliveryFailed` (retry) / :class:`NotConfigured` (skip)."""
        channel = self.config.get(name)
        if channel is None:
            raise NotConfigured(f"no channel named {name!r} in alerts.channels")
        if channel.kind == "console":
            self._print(address, message)
            return
        url = self.url(name)
        if not url:
            if name not in self._warned:
                self._warned.add(name)
                log.warning("alert channel %s: %s is not set; its deliveries are skipped",
                            name, channel.url_env)
            raise NotConfigured(f"{channel.url_env} is not set")
        body = message.body or message.title  # apprise refuses an empty body
        if address and url.split(":", 1)[0].lower() in _MAIL:
            url = with_address(url, address)
        elif address:
            body = f"{address} {body}"  # a mention where the channel has no addressing
        plugin = apprise.Apprise.instantiate(url)
        if plugin is None:
            # Not echoed: the URL carries the secret.
            raise NotConfigured(f"{channel.url_env} does not hold a URL apprise understands")
        headers = getattr(plugin, "headers", None)
        if isinstance(headers, dict):  # json://, form://, xml://
            headers[IDEMPOTENCY_HEADER] = message.idempotency_key
        extras = getattr(plugin, "payload_extras", None)
        if isinstance(extras, dict) and url.split(":", 1)[0].lower() in ("json", "jsons"):
            extras.update({"idempotency_key": message.idempotency_key,
                           "severity": message.severity, "facts": message.facts})
        with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
            ok = plugin.notify(body=body, title=message.title,
                               notify_type=_NOTIFY_TYPE.get(message.severity,
                                                            apprise.NotifyType.INFO))
        if not ok:
            reason = " ".join(captured.getvalue().split())[:300] or "refused"
            raise DeliveryFailed(reason)

    def _print(self, address: str, message: Message) -> None:
        style = {"critical": "bold red", "high": "yellow"}.get(message.severity, "dim")
        who = f" → {address}" if address else ""
        self.console.print(f"[{style}]ALERT {message.severity}[/]{who}: {message.title}",
                           highlight=False)
        for line in message.body.splitlines():
            self.console.print(f"    {line}", highlight=False, markup=False)

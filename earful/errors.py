"""Earful's own exceptions. Library code raises these; the CLI and the bot translate them."""

from __future__ import annotations

from datetime import datetime


class EarfulError(Exception):
    """Base class for every error Earful expects and explains to the user."""


class ConfigError(EarfulError):
    """The configuration is missing, unreadable or invalid. The message names the key."""


class StoreError(EarfulError):
    """The database cannot be opened or is not an Earful store."""


class SourceError(EarfulError):
    """A source cannot run (bad path, missing credentials, unsupported platform)."""


class MissingCredentials(SourceError):
    """A live source's credentials are not in the environment; the source is skipped."""


class RateLimited(SourceError):
    """The platform asked us to wait: the source pauses until ``reset_at`` (UTC)."""

    def __init__(self, message: str, reset_at: datetime) -> None:
        super().__init__(message)
        self.reset_at = reset_at

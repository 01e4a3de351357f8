"""Earful's own exceptions. Library code raises these; the CLI and the bot translate them."""

from __future__ import annotations


class EarfulError(Exception):
    """Base class for every error Earful expects and explains to the user."""


class ConfigError(EarfulError):
    """The configuration is missing, unreadable or invalid. The message names the key."""


class StoreError(EarfulError):
    """The database cannot be opened or is not an Earful store."""


class SourceError(EarfulError):
    """A source cannot run (bad path, missing credentials, unsupported platform)."""

"""Lenient readers for optional fields: a wrong type becomes None rather than a lost record."""

from __future__ import annotations

from typing import Any


def as_str(value: Any) -> str | None:
    """A non-empty string, or None."""
    return value if type(value) is str and value else None


def as_int(value: Any) -> int | None:
    """An int (not a bool), or None."""
    return value if type(value) is int else None


def type_name(value: Any) -> str:
    """How a JSON value's type is named in error messages."""
    return "null" if value is None else type(value).__name__

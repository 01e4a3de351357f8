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


def unescape_entities(text: str) -> str:
    """``text`` with the three characters X, and Reddit without ``raw_json=1``, send as HTML
    entities (``&amp;``, ``&lt;``, ``&gt;``) back as typed: "AT&amp;T" names AT&T.

    Only these three: the platforms escape nothing else, so anything else that looks like an
    entity ("&copy;" in a post) was typed so (and arrives as "&amp;copy;").
    """
    if "&" not in text:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

"""One boolean query syntax for brands, topics and sources, compiled two ways.

A :class:`Query` runs locally on every collected post (:meth:`Query.matches`) and compiles to
the platforms' own search syntax (:meth:`Query.to_x`, :meth:`Query.to_reddit`), which may return
more than the query means, never less. Syntax: ``AND``, ``OR``, ``NOT`` or ``-term``,
parentheses, ``"exact phrases"``, trailing wildcards ``refund*``, ``a NEAR/3 b``, and fields
``lang:es``, ``author:name``, ``platform:x|reddit``, ``subreddit:name``, ``has:link``.

Example::

    query = Query("(refund* OR return) NEAR/4 late -\\"thank you\\"")
    query.matches(Document("Refunds are two weeks late"))  # True
    query.to_x()  # '(refund OR return) late -"thank you"'... see native.py for the widening
"""

from __future__ import annotations

from collections.abc import Callable

from earful.query.local import Document, Verdict, compiled, explain
from earful.query.native import to_reddit, to_x
from earful.query.syntax import Node, QueryError, parse

__all__ = ["Document", "Query", "QueryError", "Verdict"]


class Query:
    """A parsed query. Raises :class:`QueryError` (with the position) when it cannot be read."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tree: Node = parse(text)
        self._test = compiled(self.tree)

    def __repr__(self) -> str:
        return f"Query({self.text!r})"

    def __str__(self) -> str:
        return str(self.tree)

    def matches(self, doc: Document) -> bool:
        return self._test(doc)

    def explain(self, doc: Document) -> Verdict:
        return explain(self.tree, doc)

    def to_x(self) -> str | None:
        """X API v2 query syntax, or None when the query cannot match on X."""
        return self._native(to_x)

    def to_reddit(self) -> str | None:
        """Reddit search syntax, or None when the query cannot match on Reddit."""
        return self._native(to_reddit)

    def _native(self, compile_to: Callable[[Node], str | None]) -> str | None:
        try:
            return compile_to(self.tree)
        except QueryError as error:
            raise QueryError(error.message, None, self.text) from None

"""Compile a query to a platform's own search syntax: a superset of what it matches.

What the platform cannot express is widened, never narrowed (a wildcard becomes its stem on
Reddit and is dropped on X, ``NEAR/n`` becomes AND, ``lang:`` is dropped on Reddit), so the
platform returns at least every true match and the local matcher removes the rest. A query that
can never match on a platform (``platform:reddit`` on X) compiles to None: skip it there.
"""

from __future__ import annotations

import re

from earful.query.syntax import And, Field, Near, Node, Not, Or, Phrase, QueryError, Term

X_MAX_LENGTH = 512  # characters, for pay-per-use access

_ANY = "<any>"  # the platform cannot narrow this part: it matches everything
_NONE = "<none>"  # this part cannot match on the platform
_PLAIN_X = re.compile(r"[@#$]?[\w']+$")


def to_x(node: Node) -> str | None:
    """The X API v2 query (``search_recent_tweets``), or None if it cannot match on X."""
    pushed = _push_not(node)
    compiled = _compile(pushed, _X)
    if compiled == _NONE:
        return None
    if compiled == _ANY or not _x_standalone(pushed):
        raise QueryError("X needs at least one word, phrase, #hashtag, @mention or author: "
                         "that is searched for (lang:, has:link, wildcards and negations "
                         "cannot stand alone there)")
    if len(compiled) > X_MAX_LENGTH:
        raise QueryError(f"the X query is {len(compiled)} characters; X accepts at most "
                         f"{X_MAX_LENGTH}: split it into several queries")
    return compiled


def to_reddit(node: Node) -> str | None:
    """The Reddit search query (lucene syntax), or None if it cannot match on Reddit."""
    compiled = _compile(_push_not(node), _REDDIT)
    if compiled == _NONE:
        return None
    if compiled == _ANY:
        raise QueryError("Reddit needs at least one word, phrase, author: or subreddit: that is "
                         "searched for")
    return compiled


def _push_not(node: Node, negate: bool = False) -> Node:
    """Negation moved down to the leaves (De Morgan), which both platforms express plainly;
    NEAR widened to AND (proximity is checked locally)."""
    if isinstance(node, Near):
        node = And((node.left, node.right))
    if isinstance(node, Not):
        return _push_not(node.child, not negate)
    if isinstance(node, And | Or):
        kind = (Or if isinstance(node, And) else And) if negate else type(node)
        children: list[Node] = []
        for child in (_push_not(child, negate) for child in node.children):
            # (a b) c is a b c: flat groups compile to fewer brackets.
            children.extend(child.children if isinstance(child, kind) else (child,))
        return kind(tuple(children))
    return Not(node) if negate else node


class _Dialect:
    def __init__(self, and_: str, not_: str) -> None:
        self.and_, self.not_ = and_, not_

    def term(self, term: Term) -> str:
        raise NotImplementedError

    def phrase(self, phrase: Phrase) -> str:
        return '"' + " ".join(phrase.words) + '"'

    def field(self, node: Field) -> str:
        raise NotImplementedError


class _XDialect(_Dialect):
    def term(self, term: Term) -> str:
        if term.prefix:
            return _ANY  # X has no wildcards
        return term.word if _PLAIN_X.match(term.word) else f'"{term.word}"'

    def field(self, node: Field) -> str:
        return {
            "lang": lambda: f"lang:{node.value}",
            "author": lambda: f"from:{node.value}",
            "platform": lambda: _ANY if node.value == "x" else _NONE,
            "subreddit": lambda: _NONE,
            "has": lambda: "has:links",
        }[node.name]()


class _RedditDialect(_Dialect):
    def term(self, term: Term) -> str:
        # Reddit's search stems words itself; the stem is the widest term it can take.
        word = term.word.lstrip("#@")
        return word if re.fullmatch(r"[\w']+", word) else f'"{word}"'

    def field(self, node: Field) -> str:
        return {
            "lang": lambda: _ANY,
            "author": lambda: f"author:{node.value}",
            "platform": lambda: _ANY if node.value == "reddit" else _NONE,
            "subreddit": lambda: f"subreddit:{node.value}",
            "has": lambda: _ANY,  # self posts may hold links too: checked locally
        }[node.name]()


_X = _XDialect(" ", "-")
_REDDIT = _RedditDialect(" AND ", "NOT ")


def _compile(node: Node, dialect: _Dialect) -> str:
    if isinstance(node, Term):
        return dialect.term(node)
    if isinstance(node, Phrase):
        return dialect.phrase(node)
    if isinstance(node, Field):
        return dialect.field(node)
    if isinstance(node, Not):
        inner = _compile(node.child, dialect)
        if inner == _NONE:
            return _ANY
        if inner == _ANY:
            return _ANY  # excluding what cannot be named would drop true matches
        return dialect.not_ + inner
    assert isinstance(node, And | Or)
    parts = [_compile(child, dialect) for child in node.children]
    if isinstance(node, And):
        if _NONE in parts:
            return _NONE
        parts = [p for p in parts if p != _ANY]
        if not parts:
            return _ANY
        joined = dialect.and_.join(_group(p) for p in parts)
    else:
        if _ANY in parts:
            return _ANY
        parts = [p for p in parts if p != _NONE]
        if not parts:
            return _NONE
        joined = " OR ".join(_group(p) for p in parts)
    return joined if len(parts) > 1 else parts[0]


_ATOM = re.compile(r'(?:-|NOT )?(?:"[^"]*"|\S+)')


def _group(part: str) -> str:
    # Always bracket a compound part: X applies AND before OR; brackets leave nothing to the
    # platforms' precedence rules.
    return part if _ATOM.fullmatch(part) else f"({part})"


def _x_standalone(node: Node) -> bool:
    """Whether some positive, standalone operand survives on X in every branch that can match."""
    if isinstance(node, Term):
        return not node.prefix
    if isinstance(node, Phrase | Near):
        return True
    if isinstance(node, Field):
        return node.name == "author"
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_x_standalone(child) for child in node.children)
    assert isinstance(node, Or)
    return all(_x_standalone(child) for child in node.children
               if _compile(child, _X) != _NONE)

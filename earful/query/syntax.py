"""The query syntax: tokens, the tree, and a parser whose errors name a position.

    refund* AND (late OR "never arrived") -"thank you" NEAR/3 lang:en has:link

Operators are upper case (``AND``, ``OR``, ``NOT``, ``NEAR/n``); lower-case "and" is a word.
Juxtaposition means AND. ``-x`` is ``NOT x``. Binding, tightest first: ``NEAR/n``, then
``NOT``/``-``, then AND, then OR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FIELDS = ("lang", "author", "platform", "subreddit", "has")
PLATFORMS = ("x", "reddit")
_NEAR = re.compile(r"NEAR/(\d+)$")
_FIELD = re.compile(r"([A-Za-z]+):(.*)$", re.DOTALL)
_SPECIAL = '()"'


class QueryError(ValueError):
    """A query that cannot be read (or compiled): the message says where and what was expected."""

    def __init__(self, message: str, position: int | None = None, query: str = "") -> None:
        self.message = message
        self.position = position
        self.query = query
        where = f"position {position + 1}: " if position is not None else ""
        super().__init__(where + message)

    def pointer(self) -> str:
        """The query with a caret under the position, for terminals."""
        if self.position is None or not self.query:
            return str(self)
        return f"{self.query}\n{' ' * self.position}^ {self}"


# -- the tree ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Term:
    word: str  # lower case; may start with @ or #
    prefix: bool = False  # "refund*"

    def __str__(self) -> str:
        return self.word + ("*" if self.prefix else "")


@dataclass(frozen=True, slots=True)
class Phrase:
    words: tuple[str, ...]

    def __str__(self) -> str:
        return '"' + " ".join(self.words) + '"'


@dataclass(frozen=True, slots=True)
class Near:
    left: Node  # a word, a phrase, or an OR of them (see `proximal`)
    right: Node
    distance: int  # at most this many words between them, in either order

    def __str__(self) -> str:
        return f"{_wrap(self.left)} NEAR/{self.distance} {_wrap(self.right)}"


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # one of FIELDS
    value: str

    def __str__(self) -> str:
        return f"{self.name}:{self.value}"


@dataclass(frozen=True, slots=True)
class Not:
    child: Node

    def __str__(self) -> str:
        return f"NOT {_wrap(self.child)}"


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]

    def __str__(self) -> str:
        return " AND ".join(_wrap(child) for child in self.children)


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]

    def __str__(self) -> str:
        return " OR ".join(_wrap(child) for child in self.children)


Node = Term | Phrase | Near | Field | Not | And | Or


def _wrap(node: Node) -> str:
    return f"({node})" if isinstance(node, And | Or) else str(node)


# -- tokens ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # ( ) AND OR NOT NEG NEAR TERM PHRASE FIELD END
    text: str
    position: int
    value: object = None

    def describe(self) -> str:
        return "the end of the query" if self.kind == "END" else repr(self.text)


def _tokens(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, char, i))
            i += 1
        elif char == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise QueryError("unterminated phrase: expected a closing '\"'", i, query)
            words = tuple(query[i + 1 : end].lower().split())
            if not words:
                raise QueryError("empty phrase: expected words between the quotes", i, query)
            tokens.append(_Token("PHRASE", query[i : end + 1], i, words))
            i = end + 1
        elif char == "-" and (i + 1 >= n or query[i + 1].isspace()):
            raise QueryError("expected a term, phrase or '(' right after '-'", i, query)
        elif char == "-" and (not tokens or tokens[-1].kind in ("(", "AND", "OR", "NOT", "NEG")
                              or query[i - 1].isspace()):
            tokens.append(_Token("NEG", "-", i))
            i += 1
        else:
            start = i
            while i < n and not query[i].isspace() and query[i] not in _SPECIAL:
                i += 1
            tokens.append(_word(query[start:i], start, query))
    tokens.append(_Token("END", "", n))
    return tokens


def _word(text: str, position: int, query: str) -> _Token:
    if text in ("AND", "OR", "NOT"):
        return _Token(text, text, position)
    near = _NEAR.match(text)
    if near:
        return _Token("NEAR", text, position, int(near.group(1)))
    if text.startswith("NEAR"):
        raise QueryError(f"expected NEAR/n with a number of words (NEAR/3), found {text!r}",
                         position, query)
    field = _FIELD.match(text)
    if field and field.group(1).lower() not in ("http", "https"):
        name, value = field.group(1).lower(), field.group(2)
        if name not in FIELDS:
            raise QueryError(f"unknown field {name + ':'!r}; expected one of "
                             f"{', '.join(f + ':' for f in FIELDS)}", position, query)
        return _Token("FIELD", text, position, _field(name, value, position, query))
    star = text.find("*")
    if star >= 0 and (star != len(text) - 1 or star == 0):
        raise QueryError("a wildcard '*' may only end a word (refund*)", position + star, query)
    word = text.rstrip("*").lower()
    return _Token("TERM", text, position, Term(word, prefix=text.endswith("*")))


def _field(name: str, value: str, position: int, query: str) -> Field:
    value = value.strip().lower()
    if not value:
        raise QueryError(f"expected a value after '{name}:'", position, query)
    if name == "platform" and value not in PLATFORMS:
        raise QueryError(f"platform: expected one of {', '.join(PLATFORMS)}, found {value!r}",
                         position, query)
    if name == "has" and value not in ("link", "links"):
        raise QueryError(f"has: expected 'link', found {value!r}", position, query)
    if name == "lang" and not re.fullmatch(r"[a-z]{2}", value):
        raise QueryError(f"lang: expected a two-letter language code (es), found {value!r}",
                         position, query)
    if name == "has":
        value = "link"
    elif name in ("author", "subreddit"):
        value = value.removeprefix("@").removeprefix("u/").removeprefix("r/")
    return Field(name, value)


# -- parser ------------------------------------------------------------------------------------
_STARTS = ("(", "NOT", "NEG", "TERM", "PHRASE", "FIELD")


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.at = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.at]

    def advance(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def error(self, expected: str, token: _Token | None = None) -> QueryError:
        token = token or self.token
        return QueryError(f"expected {expected}, found {token.describe()}", token.position,
                          self.query)

    def parse(self) -> Node:
        if self.token.kind == "END":
            raise QueryError("empty query: expected a term, phrase or field", 0, self.query)
        node = self.parse_or()
        if self.token.kind != "END":
            raise self.error("AND, OR or the end of the query")
        return node

    def parse_or(self) -> Node:
        parts = [self.parse_and()]
        while self.token.kind == "OR":
            self.advance()
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def parse_and(self) -> Node:
        parts = [self.parse_unary()]
        while self.token.kind == "AND" or self.token.kind in _STARTS:
            if self.token.kind == "AND":
                self.advance()
            parts.append(self.parse_unary())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def parse_unary(self) -> Node:
        if self.token.kind in ("NOT", "NEG"):
            self.advance()
            return Not(self.parse_unary())
        return self.parse_near()

    def parse_near(self) -> Node:
        start = self.token
        left = self.parse_primary()
        while self.token.kind == "NEAR":
            near = self.advance()
            right_token = self.token
            right = self.parse_primary()
            if not proximal(left):
                raise self.error("words, phrases or an OR of them before NEAR", start)
            if not proximal(right):
                raise self.error(f"words, phrases or an OR of them after {near.text}",
                                 right_token)
            left = Near(left, right, int(near.value))  # type: ignore[arg-type]
        return left

    def parse_primary(self) -> Node:
        token = self.token
        if token.kind == "(":
            self.advance()
            if self.token.kind == ")":
                raise self.error("a term inside the parentheses")
            node = self.parse_or()
            if self.token.kind != ")":
                raise QueryError(f"expected ')' to close the '(' at position {token.position + 1}"
                                 f", found {self.token.describe()}", self.token.position,
                                 self.query)
            self.advance()
            return node
        if token.kind in ("TERM", "PHRASE", "FIELD"):
            self.advance()
            if token.kind == "PHRASE":
                return Phrase(token.value)  # type: ignore[arg-type]
            return token.value  # type: ignore[return-value]
        if token.kind == ")":
            raise self.error("a term, phrase, field or '(' (this ')' closes nothing)")
        raise self.error("a term, phrase, field or '('")


def parse(query: str) -> Node:
    """The tree of ``query``; raises :class:`QueryError` naming the position of a mistake."""
    node = _Parser(query).parse()
    if not _has_positive(node):
        raise QueryError("a query needs at least one term that is not negated "
                         "(NOT alone would match nearly everything)", 0, query)
    return node


def proximal(node: Node) -> bool:
    """Whether ``node`` names places in a text (what NEAR can measure between)."""
    if isinstance(node, Or):
        return all(proximal(child) for child in node.children)
    return isinstance(node, Term | Phrase)


def _has_positive(node: Node) -> bool:
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_has_positive(child) for child in node.children)
    if isinstance(node, Or):
        return all(_has_positive(child) for child in node.children)
    return True

"""Parsers for the platforms' own formats: API responses and archive dumps in, Posts out.

``read_posts`` streams a file (``.json``, ``.ndjson``/``.jsonl``, optionally ``.zst`` or
``.gz`` compressed) and yields a ``Post`` per good record and a ``Problem`` per bad one.
The per-platform mapping lives in ``listener.formats.reddit`` and ``listener.formats.x``.
"""

from __future__ import annotations

import codecs
import errno
import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson
import zstandard

from earful.errors import EarfulError
from earful.models import Post

__all__ = ["ParseError", "PostStream", "Problem", "platforms", "posts_from_document", "read_posts"]

platforms = ("reddit", "x")

_Parser = Callable[[Any], Iterator["Post | ParseError"]]

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_GZIP_MAGIC = b"\x1f\x8b"
# Errors a truncated or corrupt compressed stream raises part-way through a file.
_STREAM_ERRORS = (zstandard.ZstdError, EOFError, gzip.BadGzipFile, zlib.error)
_LAYOUTS = {".ndjson": "ndjson", ".jsonl": "ndjson", ".json": "json"}


class ParseError(EarfulError):
    """One record cannot be read; the message says what is wrong with it."""


@dataclass(slots=True)
class Problem:
    """A record that was skipped: the file, the 1-based line it starts on, and why."""

    path: str
    line: int
    message: str


def posts_from_document(doc: Any, platform: str) -> Iterator[Post | ParseError]:
    """Map one already-decoded JSON value (an API response, a listing, a dump record) to posts.

    Yields a ``Post`` per readable record and a ``ParseError`` per unreadable one, never raises
    for bad data. Raises ``ValueError`` for a platform not in ``platforms``.
    """
    return _parser(platform)(doc)


class PostStream:
    """The posts of one file, read as they are iterated; ``bytes_read`` (of the file as stored,
    compressed or not) against ``size`` says how far along the reading is."""

    def __init__(self, path: Path, parse: _Parser) -> None:
        self.path = path
        self.size = path.stat().st_size
        self._parse = parse
        self._raw: BinaryIO | None = None
        self._done = False

    @property
    def bytes_read(self) -> int:
        if self._done:
            return self.size
        return self._raw.tell() if self._raw is not None and not self._raw.closed else 0

    def __iter__(self) -> Iterator[Post | Problem]:
        try:
            yield from _read(self.path, self._parse, self)
        finally:
            self._done = True


def read_posts(path: str | Path, platform: str) -> PostStream:
    """Stream the posts in a file of ``platform``'s own format, in bounded memory.

    Yields a ``Post`` for each good record and a ``Problem`` for each malformed one (bad JSON,
    missing required field, wrong type, truncated compressed stream) and carries on. NDJSON is
    read line by line; a single JSON document is loaded whole. Raises ``ValueError`` for an
    unknown platform and ``FileNotFoundError`` for a missing file, both before the first yield.
    """
    parse = _parser(platform)
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(errno.ENOENT, "no such file", str(path))
    return PostStream(path, parse)


def _parser(platform: str) -> _Parser:
    # Imported here, not at the top: both modules import ParseError from this package.
    from listener.formats import reddit, x

    parsers: dict[str, _Parser] = {
        "reddit": reddit.posts_from_listing,
        "x": x.posts_from_response,
    }
    try:
        return parsers[platform]
    except KeyError:
        known = ", ".join(platforms)
        raise ValueError(f"unknown platform {platform!r}; expected one of: {known}") from None


def _read(path: Path, parse: _Parser, owner: PostStream) -> Iterator[Post | Problem]:
    name = str(path)
    line = 0
    try:
        with _open_binary(path, owner) as stream:
            for line, value in _values(stream, _layout(path)):
                if isinstance(value, ParseError):
                    yield Problem(name, line, str(value))
                    continue
                for item in parse(value):
                    if isinstance(item, ParseError):
                        yield Problem(name, line, str(item))
                    else:
                        yield item
    except _STREAM_ERRORS as exc:
        yield Problem(name, line + 1, f"file is truncated or corrupt: {exc}")


@contextmanager
def _open_binary(path: Path, owner: PostStream) -> Iterator[BinaryIO]:
    # Sniff the magic bytes rather than trust the name: Pushshift dumps are plain ``RC_*.zst``.
    with open(path, "rb", buffering=1 << 20) as raw:
        owner._raw = raw
        magic = raw.read(4)
        raw.seek(0)
        if magic == _ZSTD_MAGIC:
            with io.BufferedReader(_ZstdReader(raw), buffer_size=1 << 20) as unpacked:
                yield unpacked
        elif magic[:2] == _GZIP_MAGIC:
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield unzipped  # type: ignore[misc]
        else:
            yield raw


class _ZstdReader(io.RawIOBase):
    """Decompresses frame after frame and raises ``ZstdError`` if the file ends mid-frame.

    zstandard's own ``stream_reader`` just stops at a truncated frame, which would silently
    drop the tail of an interrupted dump download. Input goes in small slices because
    ``decompressobj`` returns everything a slice expands to.
    """

    def __init__(self, source: BinaryIO) -> None:
        super().__init__()
        self._source = source
        # Reddit dumps are compressed with a 2 GiB window (``zstd --long=31``).
        self._decompressor = zstandard.ZstdDecompressor(max_window_size=2**31)
        self._frame = self._decompressor.decompressobj()
        self._in_frame = False
        self._out = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._out:
            chunk = self._source.read(1 << 16)
            if not chunk:
                if self._in_frame:
                    raise zstandard.ZstdError("the file ends in the middle of a zstd frame")
                return 0
            self._out = memoryview(self._decompress(chunk))
        size = min(len(buffer), len(self._out))
        buffer[:size] = self._out[:size]
        self._out = self._out[size:]
        return size

    def _decompress(self, chunk: bytes) -> bytes:
        out = []
        while chunk:
            self._in_frame = True
            out.append(self._frame.decompress(chunk))
            if not self._frame.eof:
                break
            chunk = self._frame.unused_data
            self._frame = self._decompressor.decompressobj()
            self._in_frame = False
        return b"".join(out)


def _layout(path: Path) -> str:
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] in (".zst", ".zstd", ".gz"):
        suffixes.pop()
    return _LAYOUTS.get(suffixes[-1], "auto") if suffixes else "auto"


def _loads(data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        return _bad_line(exc)


def _bad_line(exc: orjson.JSONDecodeError) -> ParseError:
    return ParseError(f"invalid JSON: {exc.msg} (column {exc.pos + 1})")


def _values(stream: BinaryIO, layout: str) -> Iterator[tuple[int, Any]]:
    """Yield (start line, decoded value or ParseError) for each JSON value in the stream."""
    lineno = 0
    head = b""
    for head in stream:
        lineno += 1
        if not head.isspace():
            break
    else:
        return
    if head.startswith(codecs.BOM_UTF8):  # Windows tools write one; orjson rejects it
        head = head[len(codecs.BOM_UTF8) :]
    value = _loads(head)
    ndjson = (
        layout == "ndjson"
        or not isinstance(value, ParseError)
        or head.lstrip()[:1] not in (b"{", b"[")
    )
    head_line = lineno
    peek = None
    if not ndjson and layout == "auto":
        # A broken first line of an NDJSON file looks like the start of a pretty-printed
        # document; a second line that is a whole object or array tells them apart.
        for peek in stream:
            lineno += 1
            if not peek.isspace():
                break
        else:
            peek = None
        ndjson = peek is not None and isinstance(_loads(peek), dict | list)
    if ndjson:
        yield head_line, value
        if peek is not None:
            yield lineno, _loads(peek)
        # The hot loop: inlined rather than calling _loads, for throughput.
        loads, decode_error = orjson.loads, orjson.JSONDecodeError
        for line in stream:
            lineno += 1
            if line.isspace():
                continue
            try:
                value = loads(line)
            except decode_error as exc:
                value = _bad_line(exc)
            yield lineno, value
        return
    # One document, possibly pretty-printed over many lines: load it whole. The blank lines
    # before the peeked line are put back so orjson's error line numbers stay right.
    parts = [head]
    if peek is not None:
        parts.append(b"\n" * (lineno - head_line - 1) + peek)
    parts.append(stream.read())
    try:
        doc = orjson.loads(b"".join(parts))
    except orjson.JSONDecodeError as exc:
        message = f"invalid JSON: {exc.msg} (column {exc.colno})"
        yield head_line + exc.lineno - 1, ParseError(message)
        return
    yield head_line, doc

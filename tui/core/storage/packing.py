"""An article's texts in one compressed value: its HTML, its index words, its Markdown.

Schema 4 keeps the three in one compressed ``articles.body``.  They are
read one article at a time (opening, converting, exporting) and never
searched by SQL, so storing them compressed costs microseconds per article
and saves three quarters of their bytes; compressed together they cost
little more than the HTML alone, as the words and most of the Markdown
repeat its text, which the compressor then stores as back-references.

The words are kept because the search index (``articles_fts``) is
contentless: it holds no copy of the text, so removing an article from it
needs the very words it was given.  Working them out again from the HTML
would give other words as soon as the extraction changes between versions,
and a removal with wrong words corrupts the index.

The layout is a version byte, then each text as a 4-byte length (``NONE``
for a missing text) and its UTF-8 bytes; the whole is compressed with
Zstandard.  Values written before that are zlib streams: :func:`unpack`
tells them apart by their first bytes (a Zstandard frame starts with its
magic number, ``28 b5 2f fd``; a zlib stream with ``78``), so databases
need no migration and an old value is rewritten as Zstandard only when its
article changes.
"""

from __future__ import annotations

import sqlite3
import struct
import threading
import zlib
from collections.abc import Sequence
from typing import NamedTuple

import zstandard

from tui.core.text import html_text

#: Zstandard level, chosen by measurement on the benchmark's articles (HTML
#: and words, ~7.2 KB): level 1 packs them into 1,838 bytes in ~19 us, level
#: 2 into 1,866 in ~25 us, level 3 into 1,808 in ~45 us; negative levels are
#: no faster and a third bigger.  zlib level 1, used before, took ~60-78 us
#: for 1,915 bytes, and decompresses in ~21 us against ~9 us.  Every new
#: article pays it once, in the writer thread of a refresh, which is
#: CPU-bound.
LEVEL = 1
_FORMAT = 1
_LENGTH = struct.Struct("<I")
_NONE = 0xFFFFFFFF
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class _Codecs(threading.local):
    """One compressor and one decompressor per thread: zstandard's objects are
    not thread-safe (the UI's body thread and a refresh's writer thread both
    pack), and the module's one-shot functions make new ones each call, which
    costs ~14 us of the ~19 it takes to pack an article."""

    def __init__(self) -> None:
        self.compressor = zstandard.ZstdCompressor(level=LEVEL)
        self.decompressor = zstandard.ZstdDecompressor()


_codecs = _Codecs()


class Texts(NamedTuple):
    """The texts of one article: HTML body (None: the summary is the body),
    the words given to the search index, and converted Markdown (None: not yet)."""

    html: str | None
    words: str
    markdown: str | None


def pack(html: str | None, words: str | None, markdown: str | None = None) -> bytes:
    """The compressed value of ``articles.body`` for these texts."""
    parts = [bytes((_FORMAT,))]
    for text in (html, words or "", markdown):
        if text is None:
            parts.append(_LENGTH.pack(_NONE))
        else:
            raw = text.encode("utf-8")
            parts += (_LENGTH.pack(len(raw)), raw)
    return _codecs.compressor.compress(b"".join(parts))


def words_and_packs(bodies: Sequence[str | None]) -> list[tuple[str, bytes]]:
    """For each new article's HTML body, its words for the search index (as
    :func:`tui.core.entries.prepared` makes them) and its packed value (as
    ``Store.store_entries`` makes it of the body and the words).

    For doing elsewhere what the store would do: a large sync runs this in a
    worker process (see ``tui.core.sync.engine._fetch_items``), so that only
    strings go and only strings and bytes come back.
    """
    out: list[tuple[str, bytes]] = []
    for body in bodies:
        words = html_text(body)
        out.append((words, pack(body, words)))
    return out


def unpack(body: bytes) -> Texts:
    """The texts of a value made by :func:`pack` (or by the zlib packing of
    earlier versions); ValueError if it is not one."""
    try:
        if body[:4] == _ZSTD_MAGIC:
            raw = _codecs.decompressor.decompress(body)
        else:
            raw = zlib.decompress(body)
    except (zstandard.ZstdError, zlib.error, TypeError) as exc:
        raise ValueError(f"not a packed article body ({exc})") from exc
    if not raw or raw[0] != _FORMAT:
        raise ValueError("not a packed article body (unknown format)")
    texts: list[str | None] = []
    pos = 1
    for _ in range(3):
        if pos + _LENGTH.size > len(raw):
            raise ValueError("not a packed article body (truncated)")
        (size,) = _LENGTH.unpack_from(raw, pos)
        pos += _LENGTH.size
        if size == _NONE:
            texts.append(None)
            continue
        if pos + size > len(raw):
            raise ValueError("not a packed article body (truncated)")
        texts.append(raw[pos : pos + size].decode("utf-8"))
        pos += size
    html, words, markdown = texts
    return Texts(html, words or "", markdown)


def with_markdown(body: bytes, markdown: str | None) -> bytes:
    """The same texts with their Markdown replaced (None clears it)."""
    html, words, _ = unpack(body)
    return pack(html, words, markdown)


def _sql_words(body: bytes | None) -> str | None:
    return None if body is None else unpack(body).words


def index_words(words: str | None, full_words: str | None) -> str | None:
    """The words of an article's search-index row: its own, then its full
    text's (schema 6).  One rule for the triggers (``gazette_index_words``)
    and the refresh, which must hand the index the very words it was given."""
    return f"{words or ''}\n{full_words}" if full_words else words


def _sql_index_words(body: bytes | None, full_body: bytes | None) -> str | None:
    if body is None:
        return None
    return index_words(unpack(body).words, None if full_body is None else unpack(full_body).words)


def _sql_pack(html: str | None, words: str | None, markdown: str | None) -> bytes:
    return pack(html, words, markdown)


def register(conn: sqlite3.Connection) -> None:
    """Add the SQL functions that read and write packed bodies.

    ``gazette_words(body)`` reads an article's words, and
    ``gazette_index_words(body, full_body)`` what its index row holds (the
    triggers hand it to the search index); ``gazette_pack(html, words, markdown)`` is for the
    migration that packs existing rows.  A connection without them (the
    ``sqlite3`` shell) can read everything but cannot delete an article: it
    fails rather than corrupting the index.
    """
    conn.create_function("gazette_words", 1, _sql_words, deterministic=True)
    conn.create_function("gazette_index_words", 2, _sql_index_words, deterministic=True)
    conn.create_function("gazette_pack", 3, _sql_pack, deterministic=True)

"""Bodies inflated under a cap: what keeps a gzip bomb from costing memory.

httpx's own decoder turns a 66 KB read of a gzip bomb into one 67 MB chunk,
so the fetcher streams the raw bytes and inflates them here, with a bounded
``zlib`` object, never producing more than the size cap.  That is also why
it advertises only ``gzip, deflate``: what it can inflate itself.

Pure: bytes in, bytes out, no network.
"""

from __future__ import annotations

import zlib

from tui.core.errors import FetchError
from tui.core.parse import sniff

__all__ = ["BoundedDecoder", "TooLarge", "content_encoding", "inflate_gzip", "size_label"]

_CHUNK = 64 * 1024  # most bytes one inflate step may produce


class TooLarge(Exception):
    """The body crossed its cap; the fetcher turns this into a FetchError."""


class BoundedDecoder:
    """Inflate gzip/deflate without ever producing more than ``limit`` bytes in total.

    Each ``decompress`` call is capped at ``_CHUNK`` bytes of output and the
    rest of the input is kept in ``unconsumed_tail``, so a bomb costs at most
    ``limit + _CHUNK`` bytes of memory before we give up.  ``deflate`` is
    supposed to be zlib-wrapped, but many servers send raw deflate; the first
    two bytes tell which (RFC 1950 header check), hence the tiny pre-buffer.
    """

    def __init__(self, encoding: str, limit: int) -> None:
        self.encoding = encoding
        self.limit = limit
        self._pending = b""
        self._started = False
        self._d = zlib.decompressobj(47)  # 32 + 15: auto-detect gzip or zlib header

    def feed(self, data: bytes, out: bytearray) -> None:
        """Inflate ``data`` onto ``out``; raises :class:`TooLarge` past the limit."""
        if not self._started:
            self._pending += data
            if len(self._pending) < 2:
                return
            data, self._pending = self._pending, b""
            self._started = True
            if self.encoding == "deflate" and not _is_zlib_header(data[:2]):
                self._d = zlib.decompressobj(-15)
        self._inflate(data, out)

    def _inflate(self, buf: bytes, out: bytearray) -> None:
        while True:
            if self._d.eof:
                rest = self._d.unused_data + buf
                if self.encoding == "gzip" and sniff.is_gzip(rest):
                    self._d = zlib.decompressobj(47)  # next member of a multi-member gzip
                    buf = rest
                    continue
                return  # trailing junk after the stream: ignored, as browsers do
            chunk = self._d.decompress(buf, _CHUNK)
            if len(out) + len(chunk) > self.limit:
                raise TooLarge
            out += chunk
            buf = self._d.unconsumed_tail
            if not buf and len(chunk) < _CHUNK and not self._d.eof:
                return

    def finish(self) -> None:
        """Reject a stream cut short: a truncated feed is a broken download."""
        if self._pending:
            raise zlib.error("truncated stream")
        if self._started and not self._d.eof:
            raise zlib.error("truncated stream")


def _is_zlib_header(two: bytes) -> bool:
    return len(two) == 2 and two[0] & 0x0F == 8 and (two[0] << 8 | two[1]) % 31 == 0


def inflate_gzip(body: bytes, limit: int) -> bytes:
    """All of the gzip data ``body``, inflated; raises :class:`TooLarge` past
    ``limit`` and ``zlib.error`` on corrupt or truncated data."""
    out = bytearray()
    decoder = BoundedDecoder("gzip", limit)
    decoder.feed(body, out)
    decoder.finish()
    return bytes(out)


def content_encoding(url: str, header: str | None) -> str | None:
    """The one compression we must undo, or None; unknown codings are an error."""
    codings = [c.strip().lower() for c in (header or "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return None
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return "deflate" if codings[0] == "deflate" else "gzip"
    raise FetchError(url, f"unsupported content encoding {', '.join(codings)!r}")


def size_label(n: int) -> str:
    """``n`` bytes in words a user reads in an error ("20 MB")."""
    mib, kib = 1024 * 1024, 1024
    if n >= mib:
        return f"{n / mib:.1f}".removesuffix(".0") + " MB"
    if n >= kib:
        return f"{n / kib:.1f}".removesuffix(".0") + " KB"
    return f"{n} bytes"

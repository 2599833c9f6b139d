"""What a document is, judged from its bytes: the one sniffing rule.

Adding a feed, discovering one behind a page and refreshing must agree on
what a feed is: ``gazette add`` once refused a UTF-16 feed without a byte
order mark that a refresh read fine, because discovery had its own, simpler
sniff.  Now :func:`tui.core.parse.parse_feed` decides, and everything it
decides from the raw bytes before the feed parser runs lives here:

* the encoding the bytes prove (byte order mark, UTF-16 without one, valid
  UTF-8 under a legacy HTTP charset): :func:`settle_encoding`;
* JSON or XML: :func:`looks_like_json`;
* the XML prolog (declaration, processing instructions, comments,
  DOCTYPEs) and the root element after it: :func:`scan_prolog`, which skips
  comments and processing instructions whole, so a ``<!DOCTYPE`` written
  inside a comment is not taken for one; and the DOCTYPEs taken out:
  :func:`strip_doctypes`;
* compressed data: :func:`is_gzip`.

Pure functions on bytes, no I/O and no feedparser, so the fetcher can use
them too.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from tui.core.errors import ParseError

__all__ = [
    "Prolog",
    "content_start",
    "is_gzip",
    "is_html_page",
    "looks_like_json",
    "media_type",
    "scan_prolog",
    "settle_encoding",
    "strip_doctypes",
]

#: Most comments, processing instructions and DOCTYPEs read before the root.
MAX_PROLOG_ITEMS = 100

_NOT_BLANK = re.compile(rb"[^ \t\r\n\x00]")
_JSON_TYPES = frozenset({"application/feed+json", "application/json", "text/json"})
UTF8_NAMES = frozenset({"utf-8", "utf8", "utf_8"})
GZIP_MAGIC = b"\x1f\x8b"

# Byte-order marks, longest first (the UTF-32 LE mark starts with UTF-16 LE's).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)

# A DOCTYPE with an optional internal subset, matched only where one starts.
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", re.S | re.I)
_NAME = re.compile(rb"<([A-Za-z_][\w:.-]{0,40})")
_PROLOG_MARKUP = re.compile(rb"<[!?A-Za-z_]")
_HTML_DOCTYPE = re.compile(rb"<!DOCTYPE\s+html\b", re.I)
# What makes feedparser see a feed (see its _start_rss, _start_feed and
# track_namespace): a root element's name, with any prefix, or a namespace.
_FEED_MARK = re.compile(
    rb"<(?:[\w.-]+:)?(?:rss|feed)\b|purl\.org/rss/1\.0|w3\.org/2005/atom"
    rb"|my\.netscape\.com/rdf/simple/0\.9",
    re.I,
)


def content_start(data: bytes, size: int = 4096) -> bytes:
    """The first ``size`` bytes after any BOM, whitespace and NUL padding."""
    offset = next((len(bom) for bom, _ in BOMS if data.startswith(bom)), 0)
    found = _NOT_BLANK.search(data, offset)
    return b"" if found is None else data[found.start() : found.start() + size]


def media_type(content_type: str | None) -> tuple[str, str | None]:
    """(media type, charset) from a Content-Type header, both lowercase."""
    if not content_type:
        return "", None
    mime, *params = content_type.split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower() or None
    return mime.strip().lower(), charset


def is_gzip(data: bytes) -> bool:
    """gzip's magic number: servers send ``feed.xml.gz`` without Content-Encoding."""
    return data.startswith(GZIP_MAGIC)


def looks_like_json(start: bytes, content_type: str | None) -> bool:
    """JSON by its first byte, else by its type or a JSON Feed version URL.

    ``start`` is :func:`content_start` of the document.
    """
    if start.startswith(b"<"):
        return False
    if start.startswith((b"{", b"[")):
        return True
    mime, _ = media_type(content_type)
    return mime in _JSON_TYPES or mime.endswith("+json") or b"jsonfeed.org/version" in start


# --------------------------------------------------------------------------- encoding


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 with no BOM: an XML prolog is ASCII, so every other byte is NUL."""
    head = data[:64]
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if even.count(0) == len(even) and odd.count(0) == 0:
        return "utf-16-be"
    if odd.count(0) == len(odd) and even.count(0) == 0:
        return "utf-16-le"
    return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def settle_encoding(data: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """Return (bytes, charset to announce to the XML decoder).

    feedparser follows RFC 3023: the HTTP charset wins even over a BOM, and
    text/* without a charset means US-ASCII.  Both garble real feeds, so the
    cases the bytes prove are settled here (a BOM or BOM-less UTF-16 gives
    UTF-8 bytes); the rest is left to the XML declaration and feedparser's
    own fallbacks.
    """
    _, charset = media_type(content_type)
    codec = None
    for bom, name in BOMS:
        if data.startswith(bom):
            codec, data = name, data[len(bom) :]
            break
    else:
        codec = _sniff_utf16(data)
    if codec is not None:
        if codec != "utf-8" or not _is_utf8(data):
            data = data.decode(codec, errors="replace").encode("utf-8")
        return data, "utf-8"
    if charset and charset not in UTF8_NAMES and not data.isascii() and _is_utf8(data):
        # Valid multi-byte UTF-8 is next to impossible in a legacy charset:
        # the header is wrong (a server default), the document is right.
        charset = None
    return data, charset


# --------------------------------------------------------------------------- prolog


@dataclass(frozen=True, slots=True)
class Prolog:
    """What comes before the root element of an XML document.

    ``doctypes`` are the (start, end) spans of every DOCTYPE declaration and
    ``root`` the root element's name (None when no element starts).
    """

    doctypes: tuple[tuple[int, int], ...]
    root: str | None

    @property
    def root_local(self) -> str:
        """The root's name without a namespace prefix, lowercase."""
        return (self.root or "").rpartition(":")[2].lower()


def _markup_end(data: bytes, pos: int) -> int | None:
    """End of the comment, processing instruction or DOCTYPE at ``pos``.

    None for one that never ends: it is then read as text, so that a DOCTYPE
    after an unclosed ``<!--`` is still found (and stripped).
    """
    if data.startswith(b"<!--", pos):
        end = data.find(b"-->", pos + 4)
        return None if end < 0 else end + 3
    if data.startswith(b"<?", pos):
        end = data.find(b"?>", pos + 2)
        return None if end < 0 else end + 2
    whole = _DOCTYPE.match(data, pos)
    if whole is not None:
        return whole.end()
    end = data.find(b">", pos)  # an unterminated internal subset, or "<!junk>"
    return None if end < 0 else end + 1


def scan_prolog(data: bytes) -> Prolog:
    """Walk the prolog of decoded XML (ASCII-compatible bytes) up to the root.

    Comments and processing instructions are skipped whole; text between
    them (not valid XML, but PHP warnings put it there) is skipped too, so a
    DOCTYPE after junk is still found.  Each construct may scan to the end
    of the document for its end, so there may be at most
    :data:`MAX_PROLOG_ITEMS` of them (real prologs hold a handful): raises
    :class:`ParseError` beyond, rather than going quadratic on thousands of
    unclosed ``<!--``.
    """
    doctypes: list[tuple[int, int]] = []
    pos = 0
    for _ in range(MAX_PROLOG_ITEMS):
        found = _PROLOG_MARKUP.search(data, pos)
        if found is None:
            return Prolog(tuple(doctypes), None)
        start = found.start()
        if data[start + 1 : start + 2] not in (b"!", b"?"):
            name = _NAME.match(data, start)
            root = name.group(1).decode("ascii", "replace") if name else None
            return Prolog(tuple(doctypes), root)
        end = _markup_end(data, start)
        if end is None:
            pos = start + 2
            continue
        if data[start : start + 9].upper() == b"<!DOCTYPE":
            doctypes.append((start, end))
        pos = end
    raise ParseError(f"not a feed: more than {MAX_PROLOG_ITEMS} declarations before the root")


def is_html_page(data: bytes, prolog: Prolog) -> bool:
    """Whether the decoded document is an HTML page with no feed inside.

    feedparser finds a feed wherever an ``<rss>`` or ``<feed>`` element or a
    feed namespace appears, even inside XHTML (such feeds exist), so a page
    that mentions one is left to it; the rest can be turned away without
    reading the tag soup (half a second for a 500 KB page).
    """
    html = prolog.root_local == "html" or any(
        _HTML_DOCTYPE.match(data, start) for start, _ in prolog.doctypes
    )
    return html and _FEED_MARK.search(data) is None


def strip_doctypes(data: bytes, prolog: Prolog) -> tuple[bytes, bool]:
    """Remove the prolog's DOCTYPE declarations; say if one was Netscape's.

    An internal entity referenced many times is expanded by feedparser's
    loose parser into gigabytes (STACK-NOTES pitfall 2).  Each DOCTYPE is
    replaced by as many newlines as it held, so line numbers in warnings
    still point at the right place.  A DOCTYPE whose internal subset never
    closes is cut at its first ``>``: feedparser only keeps entities when
    exactly one DOCTYPE remains, so none survive either way.
    """
    if not prolog.doctypes:
        return data, False
    netscape = False
    pieces: list[bytes] = []
    pos = 0
    for start, stop in prolog.doctypes:
        removed = data[start:stop]
        netscape = netscape or b"netscape" in removed.lower()
        pieces += (data[pos:start], b"\n" * removed.count(b"\n"))
        pos = stop
    pieces.append(data[pos:])
    return b"".join(pieces), netscape

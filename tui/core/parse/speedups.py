"""Speed-ups for feedparser, each giving exactly what feedparser gave.

feedparser runs in Python for every element of every document, and parsing
is most of a refresh's CPU time.  The hot spots found by profiling the
benchmark farm are replaced here, in feedparser's own namespaces, when
:mod:`tui.core.parse.xmlfeed` imports this module (in every process that
parses).  ``tests/core/test_feedparser_patches.py`` checks each one against
feedparser as shipped, on the fixture corpus and on its own inputs.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import feedparser.api
import feedparser.encodings
import feedparser.mixin
import feedparser.urls
from feedparser.util import FeedParserDict

from tui.core.parse import sniff

__all__ = ["convert_to_utf8"]


def _deepcopy_detail(self: FeedParserDict, memo: dict[int, Any]) -> FeedParserDict:
    """The same copy as the generic one, built directly.

    feedparser deep-copies its small ``*_detail`` dict for every title,
    summary and content element; the generic route through ``__reduce_ex__``
    was 8% of all parsing time.  Its values are nearly always strings, which
    deepcopy returns as they are (and does not memoize): they skip the call.
    """
    return FeedParserDict(
        (key, value if type(value) is str else copy.deepcopy(value, memo))
        for key, value in self.items()
    )


FeedParserDict.__deepcopy__ = _deepcopy_detail

# Keys FeedParserDict.__getitem__ computes or maps to others; every other key
# it looks up as it is.
_SPECIAL_KEYS = frozenset(
    {"category", "enclosures", "license", "updated", "updated_parsed", *FeedParserDict.keymap}
)
_feedparser_get = FeedParserDict.get


def _get(self: FeedParserDict, key: Any, default: Any = None) -> Any:
    """FeedParserDict.get without raising and catching a KeyError for a
    missing key, which feedparser asks for several times per element
    (``contentparams.get("base64", 0)``): a plain key is a plain lookup."""
    if key in _SPECIAL_KEYS:
        return _feedparser_get(self, key, default)
    return dict.get(self, key, default)


FeedParserDict.get = _get

_feedparser_contains = FeedParserDict.__contains__
_feedparser_setdefault = FeedParserDict.setdefault


def _contains(self: FeedParserDict, key: Any) -> bool:
    """``key in d`` without raising and catching a KeyError when it is not
    (FeedParserDict asks its own ``__getitem__``): 6.5 times per entry."""
    if key in _SPECIAL_KEYS:
        return bool(_feedparser_contains(self, key))
    return dict.__contains__(self, key)


def _setdefault(self: FeedParserDict, key: Any, default: Any) -> Any:
    """FeedParserDict.setdefault, which is ``in``, then ``[]=`` or ``[]``:
    for a plain key, the dict's own."""
    if key in _SPECIAL_KEYS:
        return _feedparser_setdefault(self, key, default)
    return dict.setdefault(self, key, default)


FeedParserDict.__contains__ = _contains
FeedParserDict.setdefault = _setdefault

# feedparser deletes these from its content parameters after every element's
# text, in try/except KeyError, and they are rarely there: 11 KeyErrors per
# entry.  Nothing else deletes them from a FeedParserDict.
_TEMPORARY_PARAMS = frozenset({"mode", "base64"})


def _delitem(self: FeedParserDict, key: Any) -> None:
    """``del d[key]``, silent when ``key`` is a missing temporary parameter."""
    if key in _TEMPORARY_PARAMS:
        dict.pop(self, key, None)
    else:
        dict.__delitem__(self, key)


FeedParserDict.__delitem__ = _delitem

# The values feedparser's content parameters hold, which copying shares.
_IMMUTABLE = frozenset({str, int, bool, float, type(None)})


class _Copy:
    """What feedparser.mixin uses of the copy module: ``deepcopy``, of its
    content parameters (three times per entry), which hold only strings and
    numbers.  A copy of the dict is then a deep copy, without deepcopy's
    memo (and the KeyError it raises to start it)."""

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if type(value) is FeedParserDict and all(type(v) in _IMMUTABLE for v in value.values()):
            return FeedParserDict(value)
        return copy.deepcopy(value, memo)


feedparser.mixin.copy = _Copy

_feedparser_urljoin = feedparser.mixin._urljoin


def _urljoin(base: str | None, uri: str) -> str:
    """feedparser's URL join, fast when there is no base (no xml:base, as
    feedparser is not given the document URL): then it only drops the extra
    slashes after ``scheme://``, for every link, id and href it reads, with a
    regex substitution whose template is expanded in Python."""
    if base:
        return str(_feedparser_urljoin(base, uri))
    m = feedparser.urls._urifixer.match(uri)
    return uri if m is None else m.group(1) + uri[m.end() :]


feedparser.mixin._urljoin = _urljoin

# feedparser maps the C1 controls of every element's text to their cp1252
# characters with str.translate; on Python 3.11 each character the table
# lacks raises a KeyError inside translate (once per distinct ASCII
# character, and for every other character past the first non-ASCII one).
# Mapping the common ones to themselves gives the same text without the
# exceptions: 5.4 -> 3.7 us for an ASCII article body, 162 -> 71 us for one
# with accents and curly quotes.  (feedparser.html keeps its own table.)
feedparser.mixin._cp1252 = {
    **{c: c for r in (range(0x80), range(0xA0, 0x250), range(0x2000, 0x2070)) for c in r},
    **feedparser.mixin._cp1252,
}

_feedparser_convert_to_utf8 = feedparser.encodings.convert_to_utf8
# The declaration convert_to_utf8 gives the UTF-8 it returns, and the one it replaces.
_UTF8_DECLARATION = b"<?xml version='1.0' encoding='utf-8'?>"
_DECLARATION_BYTES = re.compile(rb"<\?xml[^>]*?>")


def convert_to_utf8(http_headers: dict[str, str], data: bytes, result: dict[str, Any]) -> bytes:
    """feedparser's ``convert_to_utf8``, without its two copies of the whole
    document when the document is UTF-8 and the header says so.

    It decodes the document, replaces or adds the XML declaration, and encodes
    the text again: byte for byte the document with a new declaration, which
    is what this returns, once decoding has proved it is UTF-8.  Each parse
    runs it twice (``xmlfeed._to_utf8``, then feedparser), 0.7 of the 14 ms a farm
    document takes.  Anything else (a byte-order mark, another charset, bytes
    that are not UTF-8) takes feedparser's own route.
    """
    mime, charset = feedparser.encodings.parse_content_type(http_headers.get("content-type", ""))
    encoding = charset or _declared_encoding(data)
    if (
        mime != "application/xml"
        or encoding is None
        or encoding.lower() not in sniff.UTF8_NAMES
        or data[:1] != b"<"
        or data[1:2] == b"\x00"  # UTF-16/32 LE without a byte-order mark
        or data[:4] == feedparser.encodings.EBCDIC_MARKER
    ):
        return bytes(_feedparser_convert_to_utf8(http_headers, data, result))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return bytes(_feedparser_convert_to_utf8(http_headers, data, result))
    result["encoding"] = encoding
    # In UTF-8 no byte of a multi-byte character is ">": the declaration ends
    # at the same place in the bytes as in the text.
    found = _DECLARATION_BYTES.match(data)
    if found is None:
        return _UTF8_DECLARATION + b"\n" + data
    return _UTF8_DECLARATION + data[found.end() :]


def _declared_encoding(data: bytes) -> str | None:
    """The encoding convert_to_utf8 settles on for ``application/xml`` without
    a charset: the XML declaration's, else UTF-8 (None: one it cannot read)."""
    found = feedparser.encodings.RE_XML_PI_ENCODING.match(data)
    if found is None:
        return "utf-8"
    try:
        return str(found.group(1).decode("utf-8").lower()) or "utf-8"
    except UnicodeDecodeError:
        return None


feedparser.api.convert_to_utf8 = convert_to_utf8

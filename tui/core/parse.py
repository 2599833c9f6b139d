"""Feed documents (RSS 0.9x/1.0/2.0, Atom, JSON Feed) -> :class:`ParsedFeed`.

Pure and I/O free: the refresh runs :func:`parse_feed` in a process pool, so it
takes bytes and returns picklable frozen records, and the only exception that
leaves it is :class:`ParseError`, whatever the bytes.

Decisions worth knowing (see ../shared/STACK-NOTES.md, section 2):

* XML goes through feedparser with ``sanitize_html=False`` and
  ``resolve_relative_uris=False``.  Sanitising and link resolution happen once,
  in ``convert.py``, against :attr:`ParsedEntry.base`; feedparser's own pass
  makes parsing 1.7-5x slower (measured on the corpus) and would be redone.
* feedparser is NOT given the document URL (``content-location``): with it,
  it "resolves" every permalink guid and Atom id as a relative URL
  (``<id>entry-1</id>`` becomes ``https://host/entry-1``), so keys would
  change whenever a feed moves (http -> https, new host).  Without it,
  feedparser applies only the document's own xml:base, and links,
  enclosures and bases are made absolute here with :func:`urljoin`.
* The encoding is settled before feedparser when the bytes say more than the
  HTTP header (:func:`tui.core.sniff.settle_encoding`): a byte-order mark
  wins over any charset (RFC 7303), UTF-16 without a BOM is recognised, and
  a legacy HTTP charset on a body that is valid UTF-8 is ignored (servers
  default to ISO-8859-1).  The rest is feedparser's own detection (charset,
  XML declaration, first bytes, fallbacks), run here so that the document
  is *decoded* before the next step; a ``text/*`` type does not mean
  US-ASCII.  Discovery (``gazette add``) judges documents with
  :func:`parse_feed` too, so it accepts exactly what a refresh reads.
* The DOCTYPE is stripped from the decoded document (re-encoded as UTF-8)
  before feedparser parses it (found by :func:`tui.core.sniff.scan_prolog`,
  which skips comments and processing instructions whole): an internal
  entity referenced many times is expanded by feedparser's loose fallback
  parser into gigabytes (STACK-NOTES pitfall 2).  Stripping the raw bytes is
  not enough: in UTF-7 (``+ADwAIQ-DOCTYPE``) or EBCDIC the bytes never spell
  ``<!DOCTYPE``, and feedparser decodes them before it looks.  feedparser then gets UTF-8 and
  ``application/xml; charset=utf-8``, so it decodes nothing new.
* JSON Feed (which feedparser 6 does not read) is parsed with :mod:`json`,
  trusting no field's type.
"""

from __future__ import annotations

import calendar
import copy
import hashlib
import html
import io
import json
import math
import re
import xml.sax
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import feedparser.api
from feedparser.encodings import convert_to_utf8
from feedparser.util import FeedParserDict

from tui.core import dates, sniff
from tui.core.entries import prepared
from tui.core.errors import ParseError
from tui.core.models import Enclosure, ParsedEntry, ParsedFeed
from tui.core.text import clean_line, clean_url, html_line, shorten

# Parse with expat buffering character data (see saxdriver), and do not try
# feedparser's default first choice, libxml2's driver, which is never
# installed: a failed import on every document.
feedparser.api.PREFERRED_XML_PARSERS[:] = ["tui.core.saxdriver"]
# Localized RFC 822 dates ("Seg, 24 Set 2018").  At import, so that every
# process that parses (the refresh's pool workers import this module first:
# see workers.start_parser) has the handler.
feedparser.registerDateHandler(dates.parse_localized)


def _deepcopy_detail(self: FeedParserDict, memo: dict[int, Any]) -> FeedParserDict:
    """The same copy as the generic one, built directly.

    feedparser deep-copies its small ``*_detail`` dict for every title,
    summary and content element; the generic route through ``__reduce_ex__``
    was 8% of all parsing time.
    """
    return FeedParserDict((key, copy.deepcopy(value, memo)) for key, value in self.items())


FeedParserDict.__deepcopy__ = _deepcopy_detail  # type: ignore[attr-defined]

__all__ = ["parse_feed"]

#: Longest title or feed title kept; longer ones are cut with an ellipsis.
#: Real titles stay far below; a hostile feed can send megabytes.
_MAX_TITLE = 1000
#: Longest author line kept.
_MAX_AUTHOR = 300
#: Longest warning kept (it is shown on one line).
_MAX_WARNING = 160
#: URLs longer than this are dropped: nothing real is that long, ``data:`` is.
_MAX_URL = 8192

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
_WS = b" \t\r\n"
# Root elements feedparser reads as feeds (with no namespace prefix, or any).
_FEED_ROOTS = frozenset({"rss", "feed", "rdf"})

# NUL and lone surrogates: valid in a Python str, refused by SQLite/UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")

# feedparser's RE_XML_DECLARATION, on decoded text.
_XML_DECLARATION = re.compile(r"<\?xml[^>]*?>")
# RSS <author>: "joe@example.com (Joe Bloggs)" or "Joe Bloggs <joe@example.com>".
_EMAIL_NAME = re.compile(r"\s*[^\s()<>@]+@[^\s()<>]+\s*\((?P<name>[^()]*)\)\s*\Z")
_NAME_EMAIL = re.compile(r"\s*(?P<name>[^<>@]*?)\s*<[^\s<>@]+@[^\s<>]+>\s*\Z")
_JSONFEED_VERSION = re.compile(r"jsonfeed\.org/version/(\d+)(?:\.(\d+))?")

# Bozo exceptions that say nothing a reader needs to hear: the text was
# decoded fine (we pick the encoding), or the HTTP type was odd.
_HARMLESS_BOZO: tuple[type[BaseException], ...] = (
    feedparser.CharacterEncodingOverride,
    feedparser.NonXMLContentType,
)


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Read one feed document.

    ``url`` is the final URL the body came from: relative links resolve
    against it.  ``content_type`` is the HTTP Content-Type, if any; it only
    helps to tell JSON from XML and to pick a charset.

    Raises :class:`ParseError` (and nothing else) when the bytes are not a
    feed: empty, an HTML page, plain text, JSON that is not a JSON Feed, or
    something the parser could not survive.  A feed that is merely broken
    (bad XML, truncated) is returned with what could be read and
    :attr:`ParsedFeed.warning` set.
    """
    try:
        feed = _parse(bytes(body), url or "", content_type)
        entries = tuple(prepared(e) for e in feed.entries)
        return ParsedFeed(feed.kind, feed.title, feed.link, entries, feed.warning)
    except ParseError:
        raise
    except (MemoryError, RecursionError) as exc:
        # "from None": the traceback of a MemoryError can pin the huge objects.
        raise ParseError(
            f"feed too large or too deeply nested to parse ({type(exc).__name__})"
        ) from None
    except Exception as exc:  # whatever feedparser or a hostile body throws
        raise ParseError(f"unreadable feed: {_exception_line(exc)}") from exc


def _parse(body: bytes, url: str, content_type: str | None) -> ParsedFeed:
    start = sniff.content_start(body)
    if not start:
        raise ParseError("not a feed: empty document")
    if sniff.is_gzip(start):
        raise ParseError("not a feed: gzip-compressed data")
    if sniff.looks_like_json(start, content_type):
        return _parse_json(body, url)
    return _parse_xml(body, url, content_type)


# --------------------------------------------------------------------------- text


def _plain(value: object, *, markup: bool = True, limit: int = _MAX_TITLE) -> str:
    """Untrusted one-line text (titles, authors) by the one rule, :func:`html_line`.

    ``markup=False`` is for text the document itself declares plain (Atom
    ``type="text"``), where ``<template>`` is a literal word, not a tag.  The
    input is cut first so the parser never sees megabytes.
    """
    if not isinstance(value, str) or not value:
        return ""
    return shorten(html_line(_storable(value[: limit * 8]), markup=markup), limit)


def _storable(value: str) -> str:
    """``value`` without NUL and lone surrogates.

    Nearly every string has neither, and two checks in C prove it about ten
    times faster than the regex scan (a 4 KB body: 12 -> 1 us), which ran
    several times per entry.
    """
    if "\x00" in value:
        return _UNSTORABLE.sub("", value)
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return _UNSTORABLE.sub("", value)
    return value


def _scrub(value: object) -> str | None:
    """A stored string with NUL and lone surrogates removed; blank -> None."""
    if not isinstance(value, str):
        return None
    value = _storable(value)
    return value if value.strip() else None


def _text_to_html(text: object) -> str | None:
    """Plain text as HTML paragraphs, so every body the store sees is HTML."""
    clean = _scrub(text)
    if clean is None:
        return None
    paragraphs = _PARAGRAPH_BREAK.split(clean.strip().replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(
        "<p>" + html.escape(p.strip()).replace("\n", "<br>\n") + "</p>"
        for p in paragraphs
        if p.strip()
    )


def _exception_line(exc: BaseException) -> str:
    """``Type: message`` for a one-line warning or error, or ``Type`` alone
    when the message (foreign, possibly quoting the document) is too long to
    show whole: messages are never cut mid-sentence."""
    text = clean_line(f"{type(exc).__name__}: {exc}")
    return text if len(text) <= _MAX_WARNING else type(exc).__name__


# --------------------------------------------------------------------------- urls


def _absolute(base: str | None, href: object) -> str | None:
    """``href`` made absolute against ``base``; None when missing or unusable.

    Tabs, newlines, control characters (C0, C1, bidi, zero width) and the
    escape sequences they introduce are removed (:func:`clean_url`) and inner
    spaces percent-encoded (as browsers do): feeds wrap long URLs across lines.
    """
    if not isinstance(href, str):
        return None
    href = clean_url(_storable(href)).replace(" ", "%20")
    if not href or len(href) > _MAX_URL:
        return None
    try:
        return urljoin(base, href) if base else href
    except ValueError:  # e.g. "http://[::1" (bad IPv6 literal)
        return None


def _is_web_url(url: str) -> bool:
    try:
        return urlsplit(url).scheme.lower() in ("http", "https")
    except ValueError:
        return False


def _web_url(url: str | None) -> str | None:
    """Only http(s) links are kept as article and site links.

    Nothing else can be opened from the reader, and ``javascript:`` or
    ``data:`` links have no business in the store.
    """
    return url if url is not None and _is_web_url(url) else None


def _length(value: object) -> int | None:
    """An enclosure size in bytes; 0, negative and junk mean "unknown"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = int(value) if math.isfinite(value) else None
    elif isinstance(value, str):
        value = value.strip()
        if not value.isdigit() or len(value) > 18:
            return None
        value = int(value)
    return value if isinstance(value, int) and value > 0 else None


def _enclosure(url: str | None, mime: object, length: object) -> Enclosure | None:
    """Only http(s): an enclosure is something to download or play."""
    if url is None or not _is_web_url(url):
        return None
    kind = _plain(mime, markup=False, limit=100) or None
    return Enclosure(url=url, type=kind, length=_length(length))


def _dedupe(enclosures: Iterable[Enclosure | None]) -> tuple[Enclosure, ...]:
    seen: dict[str, Enclosure] = {}
    for enc in enclosures:
        if enc is not None and enc.url not in seen:
            seen[enc.url] = enc
    return tuple(seen.values())


# --------------------------------------------------------------------------- keys


def _entry_key(
    guid: str | None,
    link: str | None,
    title: str,
    date: int | None,
    body: str | None,
    enclosures: tuple[Enclosure, ...],
) -> str:
    """Identity inside the feed: guid/id, else link, else a content hash.

    The hash only uses what the document says, so two parses of the same
    bytes give the same key.  It includes the first enclosure URL: podcast
    items without guid or link often share a boilerplate description.
    """
    if guid:
        return guid
    if link:
        return link
    media = enclosures[0].url if enclosures else ""
    raw = "\x1f".join((title, "" if date is None else str(date), body or "", media))
    return hashlib.sha1(raw.encode("utf-8", "replace")).hexdigest()


def _is_empty(
    guid: str | None,
    link: str | None,
    title: str,
    body: str | None,
    enclosures: tuple[Enclosure, ...],
) -> bool:
    """An item with no id, link, title, body or enclosure is not an article.

    FeedBurner feeds carry empty ``<item />`` elements; read as articles they
    became "(untitled)" ones dated at fetch time, on top of every list
    (newsboat skips them too).
    """
    return not (guid or link or title or body or enclosures)


def _dated(entry: ParsedEntry, feed_date: int | None) -> ParsedEntry:
    """The entry with the feed's own date when it has none of its own.

    Undated items are otherwise dated when fetched, which puts old ones on
    top of "newest first".  The key (a hash over the entry's own date, for
    items without id or link) is already made, so it does not move with the
    feed's date.
    """
    if entry.published is not None or feed_date is None:
        return entry
    return ParsedEntry(
        key=entry.key,
        guid=entry.guid,
        url=entry.url,
        title=entry.title,
        author=entry.author,
        published=feed_date,
        updated=entry.updated,
        summary=entry.summary,
        content=entry.content,
        base=entry.base,
        enclosures=entry.enclosures,
    )


def _collapse(entries: Iterable[ParsedEntry]) -> tuple[ParsedEntry, ...]:
    """Drop later entries whose key was already seen (the first one wins)."""
    seen: dict[str, ParsedEntry] = {}
    for entry in entries:
        seen.setdefault(entry.key, entry)
    return tuple(seen.values())


# --------------------------------------------------------------------------- XML


def _to_utf8(data: bytes, charset: str | None) -> tuple[bytes, int]:
    """The document decoded and re-encoded as UTF-8, with a declaration saying so.

    Returns the bytes and how many lines were added before the original
    first line (negative when a multi-line declaration became one line).
    feedparser's own ``convert_to_utf8`` does the work, so the text is what
    feedparser would have decoded: ``charset`` (already settled by
    :func:`~tui.core.sniff.settle_encoding`), else the XML declaration
    (UTF-7, EBCDIC...), else the first bytes, else UTF-8, windows-1252,
    ISO-8859-2.
    """
    result: dict[str, Any] = {}
    headers = {"content-type": "application/xml" + (f"; charset={charset}" if charset else "")}
    out = convert_to_utf8(headers, data, result)
    encoding = result.get("encoding")
    if not encoding:  # cannot happen: ISO-8859-2, tried last, decodes any bytes
        raise ParseError("not a feed: unknown character encoding")
    # convert_to_utf8 replaces the declaration with a one-line one, or adds
    # one on a line of its own; the start of the text tells which.
    try:
        head = data[:1024].decode(encoding, "ignore")
    except LookupError:
        head = ""
    return out, 1 - _declaration_lines(head)


def _declaration_lines(text: str) -> int:
    """1 + the line breaks inside the XML declaration ``text`` starts with, else 0."""
    found = _XML_DECLARATION.match(text)
    return 0 if found is None else 1 + found.group().count("\n")


def _strip_doctype(data: bytes, prolog: sniff.Prolog) -> tuple[bytes, bool]:
    """Remove the prolog's DOCTYPE declarations; say if one was Netscape's.

    Each is replaced by as many newlines as it held, so line numbers in
    warnings still point at the right place.  A DOCTYPE whose internal subset
    never closes is cut at its first ``>``: feedparser only keeps entities
    when exactly one DOCTYPE remains, so none survive either way.
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


def _not_a_feed_reason(data: bytes, prolog: sniff.Prolog, parsed: Mapping[str, Any]) -> str:
    """Why feedparser found no feed in ``data`` (the document as received)."""
    head = sniff.content_start(data)
    lower = head.lower()
    if not head:
        return "empty document"
    if lower.startswith(b"<!doctype html") or b"<html" in lower:
        return "an HTML page"
    if not head.startswith(b"<"):
        return "plain text (neither XML nor JSON)"
    if prolog.root is None:
        return "XML document without a root element"
    name = clean_line(prolog.root)
    if prolog.root_local not in _FEED_ROOTS:
        return f"XML document with root <{name}>, not RSS, RDF or Atom"
    # A feed's root that feedparser did not take for one (an unknown
    # namespace prefix, say): never "root <rss>, not RSS".
    problem = _bozo_warning(parsed, 0)
    return f"the <{name}> document could not be read" + (f" ({problem})" if problem else "")


def _parse_xml(body: bytes, url: str, content_type: str | None) -> ParsedFeed:
    data, charset = sniff.settle_encoding(body, content_type)
    # A blank line before "<?xml" makes expat give up and feedparser fall
    # back to its slow loose parser; it is harmless to drop.
    stripped = data.lstrip(_WS)
    lines_dropped = 0
    if len(stripped) != len(data) and stripped.startswith(b"<?xml"):
        lines_dropped = data[: len(data) - len(stripped)].count(b"\n")
        data = stripped
    # Decode first, then strip the DOCTYPE: only the decoded text shows it.
    data, lines_added = _to_utf8(data, charset)
    prolog = sniff.scan_prolog(data)
    if sniff.is_html_page(data, prolog):
        # Before feedparser, which reads tag soup slowly: discovery judges
        # home pages, and a feed URL that now answers with one is common.
        raise ParseError("not a feed: an HTML page")
    data, netscape = _strip_doctype(data, prolog)
    # No "content-location" on purpose (see the module docstring): guids stay
    # as written and URLs are resolved below.
    headers = {"content-type": "application/xml; charset=utf-8"}
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers=headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    version = parsed.get("version")
    if not version:
        # Judge the document as received: without the declaration _to_utf8 added.
        received = data.partition(b"\n")[2] if lines_added == 1 else data
        raise ParseError("not a feed: " + _not_a_feed_reason(received, prolog, parsed))
    kind = "rss091n" if netscape and version.startswith("rss091") else str(version)
    atom = kind.startswith("atom")

    feed = parsed.get("feed") or {}
    title_detail = feed.get("title_detail") or {}
    feed_title = _plain(feed.get("title"), markup=not (atom and _is_plain(title_detail)))
    feed_link = _web_url(_absolute(url, feed.get("link")))
    # Atom says entries inherit the feed's authors; RSS's managingEditor is not
    # an author of each item, so the inheritance is Atom-only.
    feed_author = _xml_author(feed) if atom else None
    feed_date = _epoch(dict.get(feed, "published_parsed")) or _epoch(
        dict.get(feed, "updated_parsed")
    )

    entries: list[ParsedEntry] = []
    skipped = 0
    for raw in parsed.get("entries") or []:
        try:
            entry = _xml_entry(raw, url, feed_link, feed_author, atom)
        except (MemoryError, RecursionError):
            raise
        except Exception:
            skipped += 1
            continue
        if entry is not None:
            entries.append(_dated(entry, feed_date))
    warning = _bozo_warning(parsed, lines_dropped - lines_added)
    if skipped:
        warning = warning or f"skipped {skipped} unreadable entr{'y' if skipped == 1 else 'ies'}"
    return ParsedFeed(
        kind=kind,
        title=feed_title or None,
        link=feed_link,
        entries=_collapse(entries),
        warning=warning,
    )


def _is_plain(detail: Mapping[str, Any]) -> bool:
    return detail.get("type") == "text/plain"


def _xml_author(node: Mapping[str, Any]) -> str | None:
    """All author names, joined; feedparser's ``author`` alone keeps the last.

    RSS ``<author>`` is "email (Name)", which feedparser splits with an email
    regex that only knows TLDs of 2-4 letters ("jonas@insanity.industries
    (Jonas)" gives the name "ries (Jonas"), so that form is split here.
    """
    raw = node.get("author")
    if isinstance(raw, str) and "@" in raw:
        raw = raw[: _MAX_AUTHOR * 4]  # bounds the regexes on hostile input
        match = _EMAIL_NAME.match(raw) or _NAME_EMAIL.match(raw)
        if match is not None:
            return _plain(match.group("name"), limit=_MAX_AUTHOR) or None
    names: list[str] = []
    for person in node.get("authors") or []:
        if isinstance(person, Mapping):
            name = _plain(person.get("name"), limit=_MAX_AUTHOR)
            if name and name not in names:
                names.append(name)
    if not names:
        name = _plain(node.get("author"), limit=_MAX_AUTHOR)
        if name:
            names.append(name)
    return _plain(", ".join(names), markup=False, limit=_MAX_AUTHOR) or None


def _epoch(value: object) -> int | None:
    """feedparser's UTC struct_time -> epoch seconds (never mktime: local time)."""
    if value is None:
        return None
    try:
        return int(calendar.timegm(value))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None


def _detail_html(detail: object) -> str | None:
    """A content/summary value as HTML (plain text gets escaped)."""
    if not isinstance(detail, Mapping):
        return None
    value = _scrub(detail.get("value"))
    if value is None:
        return None
    if detail.get("type") == "text/plain":
        return _text_to_html(value)
    return value


def _explicit_base(entry: Mapping[str, Any], url: str) -> str | None:
    """The xml:base in force for the entry's body, if the document set one.

    feedparser records the base on every content and summary; as it is not
    told the document URL, that is "" unless the document has an xml:base
    (possibly relative, so it is resolved against ``url``).  A base that is
    not http(s) (``xml:base="javascript:..."``) is ignored.
    """
    details = [*(entry.get("content") or []), entry.get("summary_detail")]
    for detail in details:
        if isinstance(detail, Mapping):
            base = detail.get("base")
            if isinstance(base, str) and base.strip():
                return _web_url(_absolute(url, base))
    return None


def _xml_entry(
    entry: Mapping[str, Any],
    url: str,
    feed_link: str | None,
    feed_author: str | None,
    atom: bool,
) -> ParsedEntry | None:
    """The entry, or None for an empty one (see :func:`_is_empty`)."""
    # dict.get, not FeedParserDict.get: the latter maps "updated_parsed" to
    # "published_parsed" (with a DeprecationWarning) when the first is absent.
    guid = _scrub(dict.get(entry, "id"))
    guid = guid.strip() if guid else None
    xml_base = _explicit_base(entry, url)
    # feedparser has already applied xml:base to <link>; only the document
    # URL is left to apply.  The key keeps the link as the document wrote it,
    # so it does not change when the feed moves.
    raw_link = _absolute(None, entry.get("link"))
    link = _web_url(_absolute(url, raw_link))

    title_detail = entry.get("title_detail") or {}
    title = _plain(entry.get("title"), markup=not (atom and _is_plain(title_detail)))
    author = _xml_author(entry) or feed_author

    updated = _epoch(dict.get(entry, "updated_parsed"))
    published = _epoch(dict.get(entry, "published_parsed"))
    if published is None:
        published = updated

    contents = [
        c for c in entry.get("content") or [] if isinstance(c, Mapping) and _scrub(c.get("value"))
    ]
    best = next(
        (c for c in contents if c.get("type") in _HTML_TYPES), contents[0] if contents else None
    )
    content = _detail_html(best)
    summary = _detail_html(entry.get("summary_detail"))
    key_body = summary or content
    if content is None:
        content, summary = summary, None
    elif summary == content:
        summary = None

    enclosure_base = xml_base or url
    found: list[Enclosure | None] = []
    for enc in entry.get("enclosures") or []:
        if isinstance(enc, Mapping):
            found.append(
                _enclosure(
                    _absolute(enclosure_base, enc.get("href")), enc.get("type"), enc.get("length")
                )
            )
    for media in dict.get(entry, "media_content") or []:
        if isinstance(media, Mapping) and _is_playable(media):
            found.append(
                _enclosure(
                    _absolute(enclosure_base, media.get("url")),
                    media.get("type"),
                    media.get("filesize"),
                )
            )

    enclosures = _dedupe(found)
    if _is_empty(guid, raw_link, title, content, enclosures):
        return None
    return ParsedEntry(
        key=_entry_key(guid, raw_link, title, published, key_body, enclosures),
        guid=guid,
        url=link,
        title=title,
        author=author,
        published=published,
        updated=updated,
        summary=summary,
        content=content,
        base=xml_base or link or feed_link or url or None,
        enclosures=enclosures,
    )


def _is_playable(media: Mapping[str, Any]) -> bool:
    """media:content is often just the article's picture; keep audio and video."""
    medium = media.get("medium")
    mime = media.get("type")
    return medium in ("audio", "video") or (
        isinstance(mime, str) and mime.startswith(("audio/", "video/"))
    )


def _bozo_warning(parsed: Mapping[str, Any], line_offset: int) -> str | None:
    """One line about what was wrong with the document, or None if nothing mattered.

    ``line_offset`` turns a line number in what feedparser parsed into one in
    the document as received.
    """
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    if exc is None or isinstance(exc, _HARMLESS_BOZO):
        return None
    if isinstance(exc, xml.sax.SAXParseException):
        line = exc.getLineNumber()
        if isinstance(line, int) and line > 0:
            line += line_offset
            # expat's messages are a short fixed set ("mismatched tag").
            return clean_line(f"malformed XML at line {max(line, 1)}: {exc.getMessage()}")
        return clean_line(f"malformed XML: {exc.getMessage()}")
    if isinstance(exc, feedparser.CharacterEncodingUnknown):
        return "unknown character encoding: some text may be garbled"
    return _exception_line(exc)


# --------------------------------------------------------------------------- JSON Feed


def _parse_json(body: bytes, url: str) -> ParsedFeed:
    try:
        text = body.decode(json.detect_encoding(body), errors="replace")
        doc = json.loads(text)
    except RecursionError:
        raise ParseError("not a feed: JSON nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise ParseError(f"not a feed: {_json_problem(exc)}") from None
    except ValueError:  # the only other: an integer with more than 4300 digits
        raise ParseError("not a feed: invalid JSON (a number too long to read)") from None
    if not isinstance(doc, dict):
        raise ParseError("not a feed: JSON document is not a JSON Feed")
    version = doc.get("version")
    items = doc.get("items")
    match = _JSONFEED_VERSION.search(version) if isinstance(version, str) else None
    if match is None and not (version is None and isinstance(items, list)):
        raise ParseError("not a feed: JSON document is not a JSON Feed")
    kind = f"json{match.group(1)}{match.group(2) or 0}" if match else "json10"

    feed_link = _web_url(_absolute(url, doc.get("home_page_url")))
    feed_author = _json_author(doc)
    entries: list[ParsedEntry] = []
    skipped = 0
    problems: list[str] = []
    if not isinstance(items, list):
        problems.append("no items list")
        items = []
    for item in items:
        if not isinstance(item, dict):
            skipped += 1
            continue
        try:
            entry = _json_entry(item, url, feed_link, feed_author)
        except (MemoryError, RecursionError):
            raise
        except Exception:
            skipped += 1
            continue
        if entry is not None:
            entries.append(entry)
    if skipped:
        problems.append(f"skipped {skipped} invalid item{'' if skipped == 1 else 's'}")
    return ParsedFeed(
        kind=kind,
        title=_plain(doc.get("title")) or None,
        link=feed_link,
        entries=_collapse(entries),
        warning="; ".join(problems) or None,
    )


def _json_problem(exc: json.JSONDecodeError) -> str:
    """Where and what, whole: "invalid JSON at line 1, column 57: invalid
    control character".  The decoder's messages end in " at" (its own text
    goes on with the position), which is dropped rather than cut."""
    what = exc.msg.removesuffix(" at").removesuffix(" starting")
    what = what[:1].lower() + what[1:]
    return f"invalid JSON at line {exc.lineno}, column {exc.colno}: {what}"


def _json_id(value: object) -> str | None:
    """The spec says string; 1.1 says a number should be read as one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return str(value)
    value = _scrub(value)
    return value.strip() if value else None


def _json_author(node: Mapping[str, Any]) -> str | None:
    """``authors`` (1.1) first, then ``author`` (1.0); nameless ones skipped."""
    names: list[str] = []
    people = node.get("authors")
    if isinstance(people, list):
        for person in people:
            if isinstance(person, dict):
                name = _plain(person.get("name"), limit=_MAX_AUTHOR)
                if name and name not in names:
                    names.append(name)
    if not names:
        person = node.get("author")
        if isinstance(person, dict):
            name = _plain(person.get("name"), limit=_MAX_AUTHOR)
            if name:
                names.append(name)
    return _plain(", ".join(names), markup=False, limit=_MAX_AUTHOR) or None


def _rfc3339(value: object) -> int | None:
    """RFC 3339 (as the spec says), else RFC 822 (as some feeds do), in English
    or another language (:mod:`tui.core.dates`); naive = UTC."""
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        return None
    text = value.strip()
    try:
        when = datetime.fromisoformat(text.upper())
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return _epoch(dates.parse_localized(text))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return int(when.timestamp())
    except (OverflowError, ValueError, OSError):
        return None


def _json_entry(
    item: Mapping[str, Any], url: str, feed_link: str | None, feed_author: str | None
) -> ParsedEntry | None:
    """The item, or None for an empty one (see :func:`_is_empty`)."""
    guid = _json_id(item.get("id"))
    link = _web_url(_absolute(url, item.get("url"))) or _web_url(
        _absolute(url, item.get("external_url"))
    )
    title = _plain(item.get("title"))
    content_html = _scrub(item.get("content_html"))
    content = content_html or _text_to_html(item.get("content_text"))
    summary = _text_to_html(item.get("summary"))  # plain text in JSON Feed
    published_at = _rfc3339(item.get("date_published"))
    updated = _rfc3339(item.get("date_modified"))
    published = published_at if published_at is not None else updated
    key_body = summary or content
    if content is None:
        content, summary = summary, None
    elif summary == content:
        summary = None

    found: list[Enclosure | None] = []
    attachments = item.get("attachments")
    if isinstance(attachments, list):
        for att in attachments:
            if isinstance(att, dict):
                found.append(
                    _enclosure(
                        _absolute(url, att.get("url")),
                        att.get("mime_type"),
                        att.get("size_in_bytes"),
                    )
                )

    enclosures = _dedupe(found)
    if _is_empty(guid, link, title, content, enclosures):
        return None
    return ParsedEntry(
        key=_entry_key(guid, link, title, published, key_body, enclosures),
        guid=guid,
        url=link,
        title=title,
        author=_json_author(item) or feed_author,
        published=published,
        updated=updated,
        summary=summary,
        content=content,
        base=link or feed_link or url or None,
        enclosures=enclosures,
    )

"""RSS 0.9x/1.0/2.0, RDF and Atom -> :class:`ParsedFeed`, through feedparser.

Decisions worth knowing (see ../shared/STACK-NOTES.md, section 2):

* feedparser runs with ``sanitize_html=False`` and
  ``resolve_relative_uris=False``.  Sanitising and link resolution happen once,
  in :mod:`tui.core.convert`, against :attr:`ParsedEntry.base`; feedparser's own pass
  makes parsing 1.7-5x slower (measured on the corpus) and would be redone.
* feedparser is NOT given the document URL (``content-location``): with it,
  it "resolves" every permalink guid and Atom id as a relative URL
  (``<id>entry-1</id>`` becomes ``https://host/entry-1``), so keys would
  change whenever a feed moves (http -> https, new host).  Without it,
  feedparser applies only the document's own xml:base, and links,
  enclosures and bases are made absolute here with :func:`urljoin`.
* The encoding is settled before feedparser when the bytes say more than the
  HTTP header (:func:`~tui.core.parse.sniff.settle_encoding`).  The rest is
  feedparser's own detection (charset, XML declaration, first bytes,
  fallbacks), run here so that the document is *decoded* before the next
  step; a ``text/*`` type does not mean US-ASCII.
* The DOCTYPE is stripped from the decoded document (re-encoded as UTF-8)
  before feedparser parses it (:func:`~tui.core.parse.sniff.strip_doctypes`).
  Stripping the raw bytes is not enough: in UTF-7 (``+ADwAIQ-DOCTYPE``) or
  EBCDIC the bytes never spell ``<!DOCTYPE``, and feedparser decodes them
  before it looks.  feedparser then gets UTF-8 and
  ``application/xml; charset=utf-8``, so it decodes nothing new.

Importing this module sets feedparser up for the whole process (the refresh's
pool workers import it first: see ``refresh.parseworker.start_parser``).
"""

from __future__ import annotations

import io
import re
import xml.sax
from collections.abc import Mapping
from typing import Any

import feedparser
import feedparser.api

from tui.core.errors import ParseError
from tui.core.models import Enclosure, ParsedEntry, ParsedFeed
from tui.core.parse import dates, fields, sniff, speedups
from tui.core.text import clean_line

__all__ = ["parse_xml"]

# Parse with expat buffering character data (see saxdriver), and do not try
# feedparser's default first choice, libxml2's driver, which is never
# installed: a failed import on every document.
feedparser.api.PREFERRED_XML_PARSERS[:] = ["tui.core.parse.saxdriver"]
# Localized RFC 822 dates ("Seg, 24 Set 2018"), in every process that parses.
feedparser.registerDateHandler(dates.parse_localized)


_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
_WS = b" \t\r\n"
# Root elements feedparser reads as feeds (with no namespace prefix, or any).
_FEED_ROOTS = frozenset({"rss", "feed", "rdf"})

# feedparser's RE_XML_DECLARATION, on decoded text.
_XML_DECLARATION = re.compile(r"<\?xml[^>]*?>")
# RSS <author>: "joe@example.com (Joe Bloggs)" or "Joe Bloggs <joe@example.com>".
_EMAIL_NAME = re.compile(r"\s*[^\s()<>@]+@[^\s()<>]+\s*\((?P<name>[^()]*)\)\s*\Z")
_NAME_EMAIL = re.compile(r"\s*(?P<name>[^<>@]*?)\s*<[^\s<>@]+@[^\s<>]+>\s*\Z")

# Bozo exceptions that say nothing a reader needs to hear: the text was
# decoded fine (we pick the encoding), or the HTTP type was odd.
_HARMLESS_BOZO: tuple[type[BaseException], ...] = (
    feedparser.CharacterEncodingOverride,
    feedparser.NonXMLContentType,
)


def parse_xml(body: bytes, url: str, content_type: str | None) -> ParsedFeed:
    """Read an XML feed; :class:`ParseError` when the document is not one."""
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
    data, netscape = sniff.strip_doctypes(data, prolog)
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
    feed_title = fields.plain(feed.get("title"), markup=not (atom and _is_plain(title_detail)))
    feed_link = fields.web_url(fields.absolute(url, feed.get("link")))
    # Atom says entries inherit the feed's authors; RSS's managingEditor is not
    # an author of each item, so the inheritance is Atom-only.
    feed_author = _xml_author(feed) if atom else None
    feed_date = dates.epoch(dict.get(feed, "published_parsed")) or dates.epoch(
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
            entries.append(fields.dated(entry, feed_date))
    warning = _bozo_warning(parsed, lines_dropped - lines_added)
    if skipped:
        warning = warning or f"skipped {skipped} unreadable entr{'y' if skipped == 1 else 'ies'}"
    return ParsedFeed(
        kind=kind,
        title=feed_title or None,
        link=feed_link,
        entries=fields.collapse(entries),
        warning=warning,
    )


# --------------------------------------------------------------------------- decoding


def _to_utf8(data: bytes, charset: str | None) -> tuple[bytes, int]:
    """The document decoded and re-encoded as UTF-8, with a declaration saying so.

    Returns the bytes and how many lines were added before the original
    first line (negative when a multi-line declaration became one line).
    feedparser's own ``convert_to_utf8`` does the work (through
    :func:`~tui.core.parse.speedups.convert_to_utf8`), so the text is what
    feedparser would have decoded: ``charset`` (already settled by
    :func:`~tui.core.parse.sniff.settle_encoding`), else the XML declaration
    (UTF-7, EBCDIC...), else the first bytes, else UTF-8, windows-1252,
    ISO-8859-2.
    """
    result: dict[str, Any] = {}
    headers = {"content-type": "application/xml" + (f"; charset={charset}" if charset else "")}
    out = speedups.convert_to_utf8(headers, data, result)
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


# --------------------------------------------------------------------------- problems


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
    return fields.exception_line(exc)


# --------------------------------------------------------------------------- entries


def _is_plain(detail: Mapping[str, Any]) -> bool:
    return detail.get("type") == "text/plain"


def _xml_author(node: Mapping[str, Any]) -> str | None:
    """All author names, joined; feedparser's ``author`` alone keeps the last.

    RSS ``<author>`` is "email (Name)", which feedparser splits with an email
    regex that only knows TLDs of 2-4 letters ("jonas@insanity.industries
    (Jonas)" gives the name "ries (Jonas"), so that form is split here.
    """
    limit = fields.MAX_AUTHOR
    raw = node.get("author")
    if isinstance(raw, str) and "@" in raw:
        raw = raw[: limit * 4]  # bounds the regexes on hostile input
        match = _EMAIL_NAME.match(raw) or _NAME_EMAIL.match(raw)
        if match is not None:
            return fields.plain(match.group("name"), limit=limit) or None
    names = [
        fields.plain(person.get("name"), limit=limit)
        for person in node.get("authors") or []
        if isinstance(person, Mapping)
    ]
    if not any(names):
        names = [fields.plain(node.get("author"), limit=limit)]
    return fields.author_line(names)


def _detail_html(detail: object) -> str | None:
    """A content/summary value as HTML (plain text gets escaped)."""
    if not isinstance(detail, Mapping):
        return None
    value = fields.scrub(detail.get("value"))
    if value is None:
        return None
    if detail.get("type") == "text/plain":
        return fields.text_to_html(value)
    return value


def _explicit_base(entry: Mapping[str, Any], url: str) -> str | None:
    """The xml:base in force for the entry's body, if the document set one.

    feedparser records the base on every content and summary; as it is not
    told the document URL, that is "" unless the document has an xml:base
    (possibly relative, so it is resolved against ``url``).  A base that is
    not a web URL (``xml:base="javascript:..."``) is ignored.
    """
    details = [*(entry.get("content") or []), entry.get("summary_detail")]
    for detail in details:
        if isinstance(detail, Mapping):
            base = detail.get("base")
            if isinstance(base, str) and base.strip():
                return fields.web_url(fields.absolute(url, base))
    return None


def _xml_entry(
    entry: dict[str, Any],
    url: str,
    feed_link: str | None,
    feed_author: str | None,
    atom: bool,
) -> ParsedEntry | None:
    """The entry, or None for an empty one (see :func:`fields.build_entry`)."""
    # dict.get, not FeedParserDict.get: the latter maps "updated_parsed" to
    # "published_parsed" (with a DeprecationWarning) when the first is absent.
    guid = fields.scrub(dict.get(entry, "id"))
    xml_base = _explicit_base(entry, url)
    # feedparser has already applied xml:base to <link>; only the document
    # URL is left to apply.  The key keeps the link as the document wrote it,
    # so it does not change when the feed moves.
    raw_link = fields.absolute(None, entry.get("link"))
    link = fields.web_url(fields.absolute(url, raw_link))
    title_detail = entry.get("title_detail") or {}
    updated = dates.epoch(dict.get(entry, "updated_parsed"))
    published = dates.epoch(dict.get(entry, "published_parsed"))
    contents = [
        c
        for c in entry.get("content") or []
        if isinstance(c, Mapping) and fields.scrub(c.get("value"))
    ]
    best = next(
        (c for c in contents if c.get("type") in _HTML_TYPES), contents[0] if contents else None
    )
    return fields.build_entry(
        guid=guid.strip() if guid else None,
        key_link=raw_link,
        url=link,
        title=fields.plain(entry.get("title"), markup=not (atom and _is_plain(title_detail))),
        author=_xml_author(entry) or feed_author,
        published=updated if published is None else published,
        updated=updated,
        summary=_detail_html(entry.get("summary_detail")),
        content=_detail_html(best),
        base=xml_base or link or feed_link or url or None,
        enclosures=_enclosures(entry, xml_base or url),
    )


def _enclosures(entry: dict[str, Any], base: str) -> list[Enclosure | None]:
    """RSS enclosures and Atom enclosure links, then playable media:content."""
    found = [
        fields.enclosure(fields.absolute(base, enc.get("href")), enc.get("type"), enc.get("length"))
        for enc in entry.get("enclosures") or []
        if isinstance(enc, Mapping)
    ]
    found.extend(
        fields.enclosure(
            fields.absolute(base, media.get("url")), media.get("type"), media.get("filesize")
        )
        for media in dict.get(entry, "media_content") or []
        if isinstance(media, Mapping) and _is_playable(media)
    )
    return found


def _is_playable(media: Mapping[str, Any]) -> bool:
    """media:content is often just the article's picture; keep audio and video."""
    medium = media.get("medium")
    mime = media.get("type")
    return medium in ("audio", "video") or (
        isinstance(mime, str) and mime.startswith(("audio/", "video/"))
    )

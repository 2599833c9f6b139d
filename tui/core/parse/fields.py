"""Field rules shared by every feed format: text, URLs, enclosures, keys, entries.

RSS, Atom and JSON Feed name things differently but an article is an article:
the same limits on untrusted text, the same URL policy
(:mod:`tui.core.urls`), the same identity rule and the same assembly
(:func:`build_entry`), so a feed that moves from one format to another keeps
its articles.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from collections.abc import Iterable
from urllib.parse import urljoin

from tui.core import urls
from tui.core.models import Enclosure, ParsedEntry
from tui.core.text import clean_line, clean_url, html_line, shorten

#: Longest title or feed title kept; longer ones are cut with an ellipsis.
#: Real titles stay far below; a hostile feed can send megabytes.
MAX_TITLE = 1000
#: Longest author line kept.
MAX_AUTHOR = 300
#: Longest warning kept (it is shown on one line).
MAX_WARNING = 160
#: URLs longer than this are dropped: nothing real is that long, ``data:`` is.
MAX_URL = 8192

# NUL and lone surrogates: valid in a Python str, refused by SQLite/UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


# --------------------------------------------------------------------------- text


def plain(value: object, *, markup: bool = True, limit: int = MAX_TITLE) -> str:
    """Untrusted one-line text (titles, authors) by the one rule, :func:`html_line`.

    ``markup=False`` is for text the document itself declares plain (Atom
    ``type="text"``), where ``<template>`` is a literal word, not a tag.  The
    input is cut first so the parser never sees megabytes.
    """
    if not isinstance(value, str) or not value:
        return ""
    return shorten(html_line(storable(value[: limit * 8]), markup=markup), limit)


def storable(value: str) -> str:
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


def scrub(value: object) -> str | None:
    """A stored string with NUL and lone surrogates removed; blank -> None."""
    if not isinstance(value, str):
        return None
    value = storable(value)
    return value if value.strip() else None


def text_to_html(text: object) -> str | None:
    """Plain text as HTML paragraphs, so every body the store sees is HTML."""
    clean = scrub(text)
    if clean is None:
        return None
    paragraphs = _PARAGRAPH_BREAK.split(clean.strip().replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(
        "<p>" + html.escape(p.strip()).replace("\n", "<br>\n") + "</p>"
        for p in paragraphs
        if p.strip()
    )


def author_line(names: Iterable[str]) -> str | None:
    """Authors' names (already :func:`plain`), each once, as one line."""
    unique = list(dict.fromkeys(name for name in names if name))
    return plain(", ".join(unique), markup=False, limit=MAX_AUTHOR) or None


def exception_line(exc: BaseException) -> str:
    """``Type: message`` for a one-line warning or error, or ``Type`` alone
    when the message (foreign, possibly quoting the document) is too long to
    show whole: messages are never cut mid-sentence."""
    text = clean_line(f"{type(exc).__name__}: {exc}")
    return text if len(text) <= MAX_WARNING else type(exc).__name__


# --------------------------------------------------------------------------- urls


def absolute(base: str | None, href: object) -> str | None:
    """``href`` made absolute against ``base``; None when missing or unusable.

    Tabs, newlines, control characters (C0, C1, bidi, zero width) and the
    escape sequences they introduce are removed (:func:`clean_url`) and inner
    spaces percent-encoded (as browsers do): feeds wrap long URLs across lines.
    """
    if not isinstance(href, str):
        return None
    href = clean_url(storable(href)).replace(" ", "%20")
    if not href or len(href) > MAX_URL:
        return None
    try:
        return urljoin(base, href) if base else href
    except ValueError:  # e.g. "http://[::1" (bad IPv6 literal)
        return None


def web_url(url: str | None) -> str | None:
    """Only web links (:func:`tui.core.urls.is_web_url`) are kept as article
    and site links: nothing else can be opened from the reader, and
    ``javascript:`` or ``data:`` links have no business in the store."""
    return url if url is not None and urls.is_web_url(url) else None


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


def enclosure(url: str | None, mime: object, length: object) -> Enclosure | None:
    """Only web URLs: an enclosure is something to download or play."""
    if url is None or not urls.is_web_url(url):
        return None
    kind = plain(mime, markup=False, limit=100) or None
    return Enclosure(url=url, type=kind, length=_length(length))


def _dedupe(enclosures: Iterable[Enclosure | None]) -> tuple[Enclosure, ...]:
    seen: dict[str, Enclosure] = {}
    for enc in enclosures:
        if enc is not None and enc.url not in seen:
            seen[enc.url] = enc
    return tuple(seen.values())


# --------------------------------------------------------------------------- entries


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


def build_entry(
    *,
    guid: str | None,
    key_link: str | None,
    url: str | None,
    title: str,
    author: str | None,
    published: int | None,
    updated: int | None,
    summary: str | None,
    content: str | None,
    base: str | None,
    enclosures: Iterable[Enclosure | None],
) -> ParsedEntry | None:
    """The entry as stored, or None for one with no id, link, title, body or
    enclosure, which is not an article.

    FeedBurner feeds carry empty ``<item />`` elements; read as articles they
    became "(untitled)" ones dated at fetch time, on top of every list
    (newsboat skips them too).  ``key_link`` is the link as the document
    wrote it (the key must not move with the feed), ``url`` the one to open.
    A summary alone becomes the content; one equal to the content goes.
    """
    key_body = summary or content
    if content is None:
        content, summary = summary, None
    elif summary == content:
        summary = None
    found = _dedupe(enclosures)
    if not (guid or key_link or title or content or found):
        return None
    return ParsedEntry(
        key=_entry_key(guid, key_link, title, published, key_body, found),
        guid=guid,
        url=url,
        title=title,
        author=author,
        published=published,
        updated=updated,
        summary=summary,
        content=content,
        base=base,
        enclosures=found,
    )


def dated(entry: ParsedEntry, feed_date: int | None) -> ParsedEntry:
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


def collapse(entries: Iterable[ParsedEntry]) -> tuple[ParsedEntry, ...]:
    """Drop later entries whose key was already seen (the first one wins)."""
    seen: dict[str, ParsedEntry] = {}
    for entry in entries:
        seen.setdefault(entry.key, entry)
    return tuple(seen.values())

"""OPML subscription lists: read them from other readers, write them for other readers.

Pure functions over bytes and strings, with no database and no I/O, so the
Library can import a file in a worker thread and the tests can feed them hostile
input directly.

Why it is built this way:

* **Safety without defusedxml.** An OPML file comes from the user but was made
  by some other program, or downloaded. A DOCTYPE can declare entities that
  expand to gigabytes ("billion laughs") or point at local files (XXE). The
  DOCTYPE block is cut out of the bytes before parsing (its newlines are kept so
  that error line numbers stay true), so any entity reference left over is an
  undefined entity and the parse fails. A DOCTYPE the regex cannot see (a
  UTF-16 file, odd spacing) still reaches the parser's ``doctype`` callback,
  which fires *before* the internal subset is read and aborts the parse.
* **Streaming, no recursion.** The parser drives a small target object with
  ``start``/``end`` events and keeps its own stack of folder names, so ten
  thousand outlines cost one pass and no tree, and a file nested thousands of
  levels deep cannot raise ``RecursionError``.
* **Lenient where real exports are sloppy, strict where it matters.** Attribute
  names are matched case-insensitively (``xmlUrl``, ``xmlurl``), titles fall
  back to ``text``, raw control bytes that make some exports ill-formed XML are
  dropped, duplicate feeds collapse to the first. A file that is not XML, or
  not OPML, is an :class:`InputError` with one line that says where.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from tui.core.errors import InputError
from tui.core.text import clean_line, strip_sequences_7bit

__all__ = ["OpmlFeed", "parse_opml", "write_opml"]


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One subscription as an OPML file describes it.

    ``folder`` is the path of the enclosing folder outlines joined with ``/``
    (``"Tech/Python"``), or ``None`` at the top level. ``tags`` come from the
    outline's ``category`` attribute. Titles are already cleaned of control
    characters, so they are safe to store, though still not safe to show as markup.
    """

    url: str
    title: str | None
    site_url: str | None
    folder: str | None
    tags: tuple[str, ...]


# The DOCTYPE with its optional internal subset (where entities are declared).
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", re.S)

# Raw bytes XML 1.0 forbids everywhere. Some exporters copy them from feed
# titles verbatim; dropping them lets the rest of the file import.
_BAD_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])

# Numeric character references; the ones naming a forbidden character are dropped.
_CHARREF = re.compile(rb"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")

_BOM_UTF8 = b"\xef\xbb\xbf"

# Deepest folder nesting write_opml emits. ElementTree's indent() and tostring()
# recurse once per level, so a pathological path must not reach them whole.
_MAX_WRITE_DEPTH = 64


class _Reject(Exception):
    """Raised inside the parser callbacks to stop at the first structural problem."""


def _clean(value: str | None) -> str | None:
    """Text fit to store: control characters gone, whitespace collapsed, ``None`` if empty."""
    return clean_line(value) or None


def _clean_folder(path: str | None) -> str | None:
    """A folder path in canonical form: cleaned segments joined by ``/``, no empty ones.

    The writer nests one outline per segment and the parser joins them back
    with ``/``, so both sides must agree on this one form for a round trip.
    """
    if not path:
        return None
    parts = [_clean(part) for part in path.split("/")]
    return "/".join(part for part in parts if part) or None


def _parse_tags(category: str | None) -> tuple[str, ...]:
    """Tags from an OPML ``category`` value: comma-separated, outer ``/`` dropped.

    OPML 2.0 writes categories as slash-paths (``/Tech/Python``); the leading
    slash (and a trailing one) is noise for a tag, inner ones are kept.
    Duplicates that differ only by case keep the first spelling, because tags
    are matched case-insensitively elsewhere.
    """
    if not category:
        return ()
    seen: set[str] = set()
    tags: list[str] = []
    for raw in category.split(","):
        tag = _clean(raw.strip().strip("/"))
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tuple(tags)


def _local(name: str) -> str:
    """An element or attribute name without its ``{namespace}``, lower-cased."""
    return name.rpartition("}")[2].lower()


def _raw_bad_charref(match: re.Match[bytes]) -> bytes:
    """A reference to a character XML 1.0 forbids as that (raw) byte; others kept.

    The byte is dropped with the raw ones, after any escape sequence it starts
    (``&#x1b;]0;title&#7;``) has gone whole.
    """
    ref = match.group(1)
    code = int(ref[1:], 16) if ref[:1] in b"xX" else int(ref)
    if code in (0x9, 0xA, 0xD) or code >= 0x20:
        return match.group(0)
    return bytes([code])


def _prepare(data: bytes) -> bytes:
    """Bytes ready for expat: DOCTYPE removed, forbidden control characters dropped.

    Byte-level cleaning is only safe for ASCII-compatible encodings; a UTF-16
    or UTF-32 file (a BOM or NUL bytes up front) is passed through and relies on
    the parser's ``doctype`` callback instead.
    """
    if data.startswith(_BOM_UTF8):
        data = data[len(_BOM_UTF8) :]
    head = data[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        return data
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        data = _DOCTYPE.sub(lambda m: b"\n" * m.group(0).count(b"\n"), data, count=1)
    if b"&#" in data:
        data = _CHARREF.sub(_raw_bad_charref, data)
    # Whole escape sequences first, so "ESC [31m" does not leave "[31m" behind.
    data = strip_sequences_7bit(data)
    return data.translate(None, _BAD_BYTES).lstrip()


class _Collector:
    """An ``XMLParser`` target that turns outline events into :class:`OpmlFeed` records.

    It keeps one stack entry per open outline: the folder name it contributes
    (``None`` for feed outlines and nameless ones), so a feed's folder path is
    the names on the stack. The joined path is cached until the stack changes,
    because feeds come in runs inside the same folder.
    """

    def __init__(self) -> None:
        self.feeds: list[OpmlFeed] = []
        self._seen: set[str] = set()
        self._path: list[str | None] = []  # one entry per open <outline>
        self._folder_cache: str | None = None
        self._folder_dirty = False
        self._depth = 0  # element depth: 1 is <opml>, 2 its children
        self._in_body = False
        self._saw_root = False
        self._saw_body = False

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        """Refuse any DOCTYPE that survived stripping; it fires before entities are read."""
        raise _Reject("DOCTYPE declarations are not allowed")

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        """Track structure; on an outline inside <body>, record a feed or open a folder."""
        self._depth += 1
        name = _local(tag)
        if self._depth == 1:
            if name != "opml":
                raise _Reject(f"root element is <{name}>, not <opml>")
            self._saw_root = True
            return
        if self._depth == 2 and name == "body":
            self._in_body = self._saw_body = True
            return
        if not self._in_body or name != "outline":
            return
        attrs: dict[str, str] = {}
        for key, value in attrib.items():
            if value and value.strip():
                attrs.setdefault(_local(key), value)
        url = _clean(attrs.get("xmlurl"))
        if url:
            self._path.append(None)
            self._add_feed(url, attrs)
        else:
            folder = _clean_folder(attrs.get("title") or attrs.get("text"))
            self._path.append(folder)
            if folder:
                self._folder_dirty = True

    def end(self, tag: str) -> None:
        """Close an outline (pop its folder name) or leave <body>."""
        self._depth -= 1
        name = _local(tag)
        if self._depth == 1 and name == "body":
            self._in_body = False
        elif self._in_body and name == "outline" and self._path and self._path.pop():
            self._folder_dirty = True

    def close(self) -> list[OpmlFeed]:
        """Finish: a well-formed file that is not OPML is still an error."""
        if not self._saw_root:
            raise _Reject("no <opml> element")
        if not self._saw_body:
            raise _Reject("no <body> element in <opml>")
        return self.feeds

    def _add_feed(self, url: str, attrs: dict[str, str]) -> None:
        """Record one feed outline; a URL seen before keeps its first entry."""
        if url in self._seen:
            return
        self._seen.add(url)
        title = _clean(attrs.get("title")) or _clean(attrs.get("text"))
        if title == url:
            # Writers (this one included) fill the required ``text`` with the URL
            # when they know no title; that is not a title.
            title = None
        site_url = _clean(attrs.get("htmlurl"))
        self.feeds.append(
            OpmlFeed(
                url=url,
                title=title,
                site_url=site_url,
                folder=self._folder(),
                tags=_parse_tags(attrs.get("category")),
            )
        )

    def _folder(self) -> str | None:
        """The current folder path, joined only when the stack has changed."""
        if self._folder_dirty:
            self._folder_cache = "/".join(p for p in self._path if p) or None
            self._folder_dirty = False
        return self._folder_cache


def parse_opml(data: bytes, source: str = "OPML") -> list[OpmlFeed]:
    """The feeds of an OPML document, in document order, duplicates dropped.

    ``source`` names the file in error messages (a path, or "OPML" when the
    bytes came from elsewhere). Raises :class:`InputError` with a one-line
    message when the bytes are not well-formed XML or not an OPML document.
    """
    collector = _Collector()
    # The parser hands back whatever its target's close() returns.
    parser: ET.XMLParser[list[OpmlFeed]] = ET.XMLParser(target=collector)
    try:
        parser.feed(_prepare(data))
        return parser.close()
    except _Reject as exc:
        raise InputError(f"{source}: not a valid OPML file ({exc})") from None
    except ET.ParseError as exc:
        reason = " ".join(str(exc).split())
        raise InputError(f"{source}: not a valid OPML file ({reason})") from None
    except (LookupError, ValueError) as exc:  # unknown or broken encoding declaration
        reason = " ".join(str(exc).split())
        raise InputError(f"{source}: not a valid OPML file ({reason})") from None


class _Folder:
    """A folder while writing: its element and subfolders by name, in first-seen order."""

    __slots__ = ("element", "subfolders")

    def __init__(self, element: ET.Element) -> None:
        self.element = element
        self.subfolders: dict[str, _Folder] = {}


def write_opml(
    feeds: Iterable[OpmlFeed],
    title: str = "Gazette subscriptions",
    *,
    created: datetime | None = None,
) -> str:
    """An OPML 2.0 document listing ``feeds``, grouped in nested folder outlines.

    Feeds keep their order inside each folder; folders appear where their first
    feed did. ``text`` (required by OPML) falls back to the URL when a feed has
    no title, and the parser reads that back as no title. Tags go in
    ``category``, comma-separated, so a tag containing a comma does not survive.
    Duplicate and empty URLs are skipped, as :func:`parse_opml` would.
    ``created`` pins ``dateCreated`` (tests); it defaults to now, in UTC.

    The document is built with ElementTree so that every title, URL and tag is
    escaped, whatever it contains; control characters, which ElementTree would
    write raw into an ill-formed file, are cleaned out first as the parser
    would. Encode the returned text as UTF-8.
    """
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _clean(title) or "Gazette subscriptions"
    stamp = created or datetime.now(UTC)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    ET.SubElement(head, "dateCreated").text = format_datetime(stamp.astimezone(UTC), usegmt=True)
    top = _Folder(ET.SubElement(root, "body"))

    seen: set[str] = set()
    for feed in feeds:
        url = _clean(feed.url)
        if not url or url in seen:
            continue
        seen.add(url)
        parent = top
        folder = _clean_folder(feed.folder)
        names = folder.split("/") if folder else []
        if len(names) > _MAX_WRITE_DEPTH:
            # ElementTree serialises recursively; fold the deep tail into one
            # outline named "x/y/z", which the parser splits back the same way.
            names[_MAX_WRITE_DEPTH - 1 :] = ["/".join(names[_MAX_WRITE_DEPTH - 1 :])]
        for name in names:
            child = parent.subfolders.get(name)
            if child is None:
                element = ET.SubElement(parent.element, "outline", text=name, title=name)
                child = parent.subfolders[name] = _Folder(element)
            parent = child
        attrs = {"type": "rss"}
        feed_title = _clean(feed.title)
        attrs["text"] = feed_title or url
        if feed_title:
            attrs["title"] = feed_title
        attrs["xmlUrl"] = url
        site_url = _clean(feed.site_url)
        if site_url:
            attrs["htmlUrl"] = site_url
        tags = [t for t in (_clean(tag) for tag in feed.tags) if t]
        if tags:
            attrs["category"] = ",".join(tags)
        ET.SubElement(parent.element, "outline", attrs)

    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'

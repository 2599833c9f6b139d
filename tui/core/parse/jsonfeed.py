"""JSON Feed 1.0 and 1.1 -> :class:`ParsedFeed`.

feedparser 6 does not read JSON Feed, so it is parsed here with :mod:`json`,
trusting no field's type: every value is checked before it is used, and an
item that still fails is skipped and counted in the warning.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from tui.core.errors import ParseError
from tui.core.models import Enclosure, ParsedEntry, ParsedFeed
from tui.core.parse import fields
from tui.core.parse.dates import rfc3339

__all__ = ["parse_json"]

_JSONFEED_VERSION = re.compile(r"jsonfeed\.org/version/(\d+)(?:\.(\d+))?")


def parse_json(body: bytes, url: str) -> ParsedFeed:
    """Read a JSON Feed; :class:`ParseError` for JSON that is not one."""
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

    feed_link = fields.web_url(fields.absolute(url, doc.get("home_page_url")))
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
        title=fields.plain(doc.get("title")) or None,
        link=feed_link,
        entries=fields.collapse(entries),
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
    text = fields.scrub(value)
    return text.strip() if text else None


def _json_author(node: Mapping[str, Any]) -> str | None:
    """``authors`` (1.1) first, then ``author`` (1.0); nameless ones skipped."""
    names: list[str] = []
    people = node.get("authors")
    if isinstance(people, list):
        names = [
            fields.plain(person.get("name"), limit=fields.MAX_AUTHOR)
            for person in people
            if isinstance(person, dict)
        ]
    if not any(names):
        person = node.get("author")
        if isinstance(person, dict):
            names = [fields.plain(person.get("name"), limit=fields.MAX_AUTHOR)]
    return fields.author_line(names)


def _json_entry(
    item: Mapping[str, Any], url: str, feed_link: str | None, feed_author: str | None
) -> ParsedEntry | None:
    """The item, or None for an empty one (see :func:`fields.build_entry`)."""
    link = fields.web_url(fields.absolute(url, item.get("url"))) or fields.web_url(
        fields.absolute(url, item.get("external_url"))
    )
    html = fields.scrub(item.get("content_html"))
    published = rfc3339(item.get("date_published"))
    updated = rfc3339(item.get("date_modified"))
    found: list[Enclosure | None] = []
    attachments = item.get("attachments")
    if isinstance(attachments, list):
        found.extend(
            fields.enclosure(
                fields.absolute(url, att.get("url")),
                att.get("mime_type"),
                att.get("size_in_bytes"),
            )
            for att in attachments
            if isinstance(att, dict)
        )
    return fields.build_entry(
        guid=_json_id(item.get("id")),
        key_link=link,
        url=link,
        title=fields.plain(item.get("title")),
        author=_json_author(item) or feed_author,
        published=published if published is not None else updated,
        updated=updated,
        summary=fields.text_to_html(item.get("summary")),  # plain text in JSON Feed
        content=html or fields.text_to_html(item.get("content_text")),
        base=link or feed_link or url or None,
        enclosures=found,
    )

"""How the command line prints: terminal-safe text, listing rows, JSON shapes, dates.

Every piece of feed text that reaches the terminal goes through :func:`line`,
so a hostile title cannot retitle or recolour the user's terminal.  JSON is
written raw (its consumers are programs; ``json`` escapes control characters).
The JSON shapes are a public interface for scripts: keys are only ever added.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tui.core.text import clean_line

if TYPE_CHECKING:
    from tui.core.models import Article, Feed, Note, TagCount

#: The header over `feeds` and `tags` counts; :func:`counts` puts the slash under its slash.
COUNTS_HEADER = "UNREAD/TOTAL"


def line(s: str | None) -> str:
    """Untrusted text for one line of terminal output: escape sequences,
    control and bidi characters gone (a feed title must not retitle or
    recolour the user's terminal)."""
    return clean_line(s)


def iso(ts: int | None) -> str | None:
    """A timestamp for JSON: ISO 8601 in UTC, so scripts need not guess the zone."""
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat()


def date(ts: int | None) -> str:
    """A timestamp for a listing column: fixed width, UTC (as ``show`` says)."""
    return "-" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M")


def counts(unread: int, total: int) -> str:
    return f"{unread:>6}/{total:<5}"


def title_and_feed(a: Article) -> str:
    return f"{line(a.title) or '(untitled)'}  [{line(a.feed_title)}]"


def listing(a: Article) -> str:
    """One row of `articles` and `search`: id, unread (N) and starred (*) marks, date, title."""
    mark = ("N" if not a.read else " ") + ("*" if a.starred else " ")
    return f"{a.id:>7} {mark} {date(a.published)}  {title_and_feed(a)}"


def print_json(value: Any) -> None:
    """``value`` as indented JSON on stdout; non-ASCII kept readable."""
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False)
    print()


def feed_json(f: Feed) -> dict[str, Any]:
    return {
        "id": f.id,
        "url": f.url,
        "title": f.title,
        "site_url": f.site_url,
        "folder": f.folder,
        "tags": list(f.tags),
        "total": f.total,
        "unread": f.unread,
        "last_status": f.last_status,
        "last_fetched": iso(f.last_fetched),
        "error": f.error,
        "gone": f.gone,
    }


def article_json(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "feed_id": a.feed_id,
        "feed_url": a.feed_url,
        "feed_title": a.feed_title,
        "title": a.title,
        "url": a.url,
        "author": a.author,
        "published": iso(a.published),
        "read": a.read,
        "starred": a.starred,
        "tags": list(a.tags),
        "noted": a.has_note,
        "enclosures": [{"url": e.url, "type": e.type, "length": e.length} for e in a.enclosures],
        "highlight": a.highlight,
        "also_in": list(a.also_in),
    }


def noted_json(a: Article, note: Note) -> dict[str, Any]:
    """An article of `notes --json`: the article's shape plus its note."""
    return {**article_json(a), "note": note.body, "note_updated": iso(note.updated)}


def tag_json(t: TagCount) -> dict[str, Any]:
    return {"name": t.name, "articles": t.articles, "unread": t.unread, "feeds": t.feeds}

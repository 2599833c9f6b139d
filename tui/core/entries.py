"""What the store derives from a parsed entry, computed where it is cheapest.

The search index wants an entry's words, not its HTML, and the store wants a
fingerprint to tell a changed entry from an unchanged one.  Both cost as much
as a good part of parsing, so ``parse_feed`` computes them in its worker
process; ``Store.store_entries`` calls :func:`prepared` again, which is free
for entries that already carry them and covers entries built elsewhere.
"""

from __future__ import annotations

import hashlib

from tui.core.models import ParsedEntry
from tui.core.text import html_text


def fingerprint(entry: ParsedEntry) -> str:
    """A fingerprint of the feed-owned fields: a change means a new article version."""
    h = hashlib.sha1(usedforsecurity=False)
    for part in (entry.title, entry.url, entry.author, entry.summary, entry.content):
        h.update((part or "").encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    for enc in entry.enclosures:
        h.update(enc.url.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:20]


def prepared(entry: ParsedEntry) -> ParsedEntry:
    """The entry with ``words`` and ``version`` filled in (unchanged if they are)."""
    if entry.words is not None and entry.version is not None:
        return entry
    # Built field by field: dataclasses.replace() costs three times as much,
    # and this runs for every entry a refresh parses.
    return ParsedEntry(
        key=entry.key,
        guid=entry.guid,
        url=entry.url,
        title=entry.title,
        author=entry.author,
        published=entry.published,
        updated=entry.updated,
        summary=entry.summary,
        content=entry.content,
        base=entry.base,
        enclosures=entry.enclosures,
        words=html_text(entry.content or entry.summary),
        version=fingerprint(entry),
    )

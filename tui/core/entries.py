"""What the store derives from parsed entries, and which of them are new or changed.

The search index wants an entry's words, not its HTML, and the store wants a
fingerprint to tell a changed entry from an unchanged one.  The words cost as
much as a good part of parsing, so ``parse_feed`` extracts them in its worker
process.  The fingerprint is left to :func:`entry_changes`, in the process
that stores: a SHA-1 over the whole entry, which the worker would compute with
Python's own slow SHA-1 (it keeps OpenSSL out, see
``refresh.parseworker.BLOCKED``), about five times the time OpenSSL takes.
:func:`prepared` fills in whichever of the two is missing.

:func:`entry_changes` is the decision a refresh (and, later, a sync
account) makes for each document: which entries to insert, which stored
articles to update, which tombstones to forget.  It is pure, so it is
tested with plain values; ``Store.store_entries`` reads the facts it needs
and writes what it returns, in one transaction.  It lives here, below the
store, rather than in :mod:`tui.core.refresh.decide`, because the store
applies it and the store imports nothing of the refresh pipeline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

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


def prepared(entry: ParsedEntry, *, version: bool = True) -> ParsedEntry:
    """The entry with ``words`` and ``version`` filled in (unchanged if they are).

    ``version=False`` leaves the version as it is (see the module docstring).
    """
    words = entry.words
    if words is None:
        words = html_text(entry.content or entry.summary)
    elif entry.version is not None or not version:
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
        words=words,
        version=entry.version if entry.version is not None or not version else fingerprint(entry),
    )


@dataclass(frozen=True, slots=True)
class EntryChanges:
    """What one document changes among its feed's stored articles.

    ``new``: entries to insert (prepared), each with the publication time to
    store; ``changed``: (article id, prepared entry) for stored articles whose
    feed-owned fields changed; ``forgotten``: tombstones of removed articles
    the document no longer lists.
    """

    new: list[tuple[ParsedEntry, int]]
    changed: list[tuple[int, ParsedEntry]]
    forgotten: Set[str]


def entry_changes(
    entries: Sequence[ParsedEntry],
    known: Mapping[str, tuple[int, str | None]],
    removed: Set[str],
    now: int,
) -> EntryChanges:
    """Decide what a document changes, given what its feed has stored.

    ``known`` maps each stored article's key to (id, version); ``removed``
    holds the keys of articles the user removed, which never come back
    while the feed lists them.  An entry is new when its key is unknown,
    changed when its fingerprint differs from the stored version; a key the
    document repeats counts once, its first entry winning (as the parser
    keeps it).  A publication time missing or in the future is ``now``: a
    wrong zone or a broken server clock would pin the article to the top of
    every list.
    """
    new: list[tuple[ParsedEntry, int]] = []
    changed: list[tuple[int, ParsedEntry]] = []
    seen: set[str] = set()
    for raw in entries:
        key = raw.key
        if key in removed or key in seen:
            continue
        seen.add(key)
        entry = prepared(raw)
        old = known.get(key)
        if old is None:
            published = entry.published or entry.updated
            if published is None or published > now:
                published = now
            new.append((entry, published))
        elif old[1] != entry.version:
            changed.append((old[0], entry))
    # A removed key the feed no longer lists can never come back.
    forgotten = removed - {e.key for e in entries} if removed else frozenset()
    return EntryChanges(new, changed, forgotten)

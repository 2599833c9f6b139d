"""Ingest: writing one fetched document's entries, and their search index rows.

Refresh writes go through ``store_entries``, which touches only feed-owned
columns: read, starred, tags and notes are user state and no refresh ever
rewrites them.  It runs once per feed per refresh, so it reads what it needs
in three queries, asks :func:`tui.core.entries.entry_changes` (pure) what
is new, changed or forgotten, and writes that with ``executemany``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Mapping
from typing import Any

from tui.core.entries import entry_changes
from tui.core.errors import NotFound
from tui.core.models import USER_TITLE, ParsedEntry, ParsedFeed
from tui.core.storage.base import StoreBase, in_chunks, write_index, written_rows
from tui.core.storage.packing import index_words, pack, unpack
from tui.core.storage.schema_held_ids import first_free_id
from tui.core.storage.stories import group_copies
from tui.core.stories import story_keys


def _uid(feed_url: str, key: str) -> str:
    """A portable article identity (used by exported notes), fixed at first sight."""
    return hashlib.sha1(f"{feed_url}\0{key}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _enclosures_json(entry: ParsedEntry) -> str | None:
    if not entry.enclosures:
        return None
    return json.dumps([[e.url, e.type, e.length] for e in entry.enclosures])


class IngestMixin(StoreBase):
    """Feed documents into article rows: new ones inserted, changed ones updated."""

    def store_entries(
        self,
        feed_id: int,
        parsed: ParsedFeed,
        *,
        status: int = 200,
        etag: str | None = None,
        last_modified: str | None = None,
        now: int | None = None,
        packed: Mapping[str, bytes] | None = None,
    ) -> tuple[int, int]:
        """Write one fetched document in one transaction; returns (new, updated).

        New entries are inserted; known entries whose feed-owned fields changed
        are updated in place (their Markdown is dropped, to be made again);
        user state is never written here.  ``packed``: by key, new entries'
        ``body`` values made already (``packing.words_and_packs``).
        """
        now = int(time.time()) if now is None else now
        with self.transaction() as conn:
            feed_url = conn.execute("SELECT url FROM feeds WHERE id = ?", (feed_id,)).fetchone()
            if feed_url is None:
                raise NotFound(f"no feed with id {feed_id}")
            known = {
                key: (aid, version)
                for aid, key, version in conn.execute(
                    "SELECT id, key, version FROM articles WHERE feed_id = ?", (feed_id,)
                )
            }
            removed = {
                r[0]
                for r in conn.execute("SELECT key FROM removed_keys WHERE feed_id = ?", (feed_id,))
            }
            changes = entry_changes(parsed.entries, known, removed, now)
            given = packed or {}
            inserts = [
                (
                    _uid(feed_url[0], entry.key),
                    feed_id,
                    entry.key,
                    entry.guid,
                    entry.url,
                    entry.title,
                    entry.author,
                    published,
                    entry.updated,
                    entry.summary,
                    given.get(entry.key) or pack(entry.content, entry.words),
                    entry.base,
                    _enclosures_json(entry),
                    entry.version,
                    now,
                    *story_keys(entry.url, entry.title),
                )
                for entry, published in changes.new
            ]
            updates = [
                (
                    entry.guid,
                    entry.url,
                    entry.title,
                    entry.author,
                    entry.updated,
                    entry.summary,
                    pack(entry.content, entry.words),
                    entry.base,
                    _enclosures_json(entry),
                    entry.version,
                    *story_keys(entry.url, entry.title),
                    aid,
                )
                for aid, entry in changes.changed
            ]
            fts_changed = self._indexed_before(conn, changes.changed)
            index_new: list[tuple[Any, ...]] = []
            if inserts:
                self._unique_uids(conn, inserts, feed_id)
                # Above ids an undo will put back, when they are the highest.
                start = first_free_id(conn, "articles")
                conn.executemany(
                    "INSERT INTO articles(id, uid, feed_id, key, guid, url, title, author, "
                    "published, updated, summary, body, base_url, enclosures, version, "
                    "first_seen, link_key, title_key) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    ((None if start is None else start + i, *row) for i, row in enumerate(inserts)),
                )
                ids = dict(
                    conn.execute(
                        "SELECT key, id FROM articles WHERE feed_id = ? AND first_seen = ?",
                        (feed_id, now),
                    ).fetchall()
                )
                index_new = [(ids[e.key], e.title, e.author, e.words) for e, _ in changes.new]
                # Copies of stories other feeds brought (a story's id is fixed at first sight).
                group_copies(conn, [(ids[r[2]], feed_id, r[7], r[-2], r[-1]) for r in inserts])
            if updates:
                conn.executemany(
                    "UPDATE articles SET guid = ?, url = ?, title = ?, author = ?, updated = ?, "
                    "summary = ?, body = ?, converted = 0, base_url = ?, "
                    "enclosures = ?, version = ?, link_key = ?, title_key = ? WHERE id = ?",
                    updates,
                )
            if self._pending_index is None:  # else at commit_batch, with the rules
                write_index(conn, index_new, fts_changed)
                self.rules_on_written(written_rows(index_new, fts_changed))
            if changes.forgotten:
                conn.executemany(
                    "DELETE FROM removed_keys WHERE feed_id = ? AND key = ?",
                    [(feed_id, k) for k in changes.forgotten],
                )
            changed = bool(inserts or updates)
            conn.execute(
                # A title the user chose (settings.user_title) outlives refreshes.
                "UPDATE feeds SET title = CASE WHEN ? != '' AND "
                "json_extract(CASE WHEN json_valid(settings) THEN settings ELSE '{}' END, "
                f"'$.{USER_TITLE}') IS NULL THEN ? ELSE title END, "
                "site_url = coalesce(?, site_url), kind = ?, warning = ?, etag = ?, "
                "last_modified = ?, last_fetched = ?, last_status = ?, error = NULL, gone = 0, "
                "last_changed = CASE WHEN ? THEN ? ELSE last_changed END WHERE id = ?",
                (
                    parsed.title or "",
                    parsed.title or "",
                    parsed.link,
                    parsed.kind,
                    parsed.warning,
                    etag,
                    last_modified,
                    now,
                    status,
                    int(changed),
                    now,
                    feed_id,
                ),
            )
        if self._pending_index is not None:
            # Only now that this feed's savepoint is released (see begin_batch).
            self._pending_index.append((index_new, fts_changed))
        return len(inserts), len(updates)

    @staticmethod
    def _indexed_before(
        conn: sqlite3.Connection, changed: list[tuple[int, ParsedEntry]]
    ) -> list[tuple[Any, ...]]:
        """Index rows for changed articles, read before their update: (id, old
        title, old author, old words, title, author, words), as
        :func:`~tui.core.storage.base.write_index` takes them (the contentless
        index is told what to remove)."""
        old: dict[int, tuple[str, str | None, bytes, bytes | None]] = {}
        for marks, chunk in in_chunks([aid for aid, _ in changed]):
            old.update(
                (r[0], (r[1], r[2], r[3], r[4]))
                for r in conn.execute(
                    "SELECT a.id, a.title, a.author, a.body, f.body FROM articles a "
                    f"LEFT JOIN full_texts f ON f.article_id = a.id WHERE a.id IN ({marks})",
                    chunk,
                )
            )
        rows: list[tuple[Any, ...]] = []
        for aid, e in changed:
            title, author, body, full_body = old[aid]
            # The full text outlives the feed's new version, and so do its words.
            full = None if full_body is None else unpack(full_body).words
            was, now = index_words(unpack(body).words, full), index_words(e.words, full)
            rows.append((aid, title, author, was, e.title, e.author, now))
        return rows

    @staticmethod
    def _unique_uids(
        conn: sqlite3.Connection, inserts: list[tuple[Any, ...]], feed_id: int
    ) -> None:
        """Give rows whose portable uid is taken (a feed re-added under a URL it
        was redirected from) a uid salted with the feed id, in place."""
        taken: set[str] = set()
        for marks, chunk in in_chunks([row[0] for row in inserts]):
            taken.update(
                r[0]
                for r in conn.execute(f"SELECT uid FROM articles WHERE uid IN ({marks})", chunk)
            )
        if taken:
            for i, row in enumerate(inserts):
                if row[0] in taken:
                    inserts[i] = (_uid(f"{feed_id}\0{row[0]}", row[2]), *row[1:])

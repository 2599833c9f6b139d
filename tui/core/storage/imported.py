"""Articles brought in from another reader's cache, with the state it kept.

They go through :meth:`store_entries`, as a refreshed feed's entries do, so
they are cleaned, indexed and keyed the same way (the next refresh finds
them rather than adding them again).  Three things differ from a refresh,
and this module owns them: nothing was fetched, so the feed's fetch state
(title, validators, last fetch, status) is put back as it was and the feed
stays due; an article the feed already has (same key, or same link) is left
alone, never overwritten with the other reader's copy; and the new ones take
the read, starred and tag state the other reader kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tui.core.models import ParsedEntry, ParsedFeed
from tui.core.storage.base import in_chunks
from tui.core.storage.ingest import IngestMixin
from tui.core.storage.tags import ensure_tag, tag_index

#: The feed columns a store_entries writes that an import must not change.
_FETCH_STATE = (
    "title",
    "site_url",
    "kind",
    "warning",
    "etag",
    "last_modified",
    "last_fetched",
    "last_status",
    "error",
    "gone",
    "last_changed",
)

#: (entry, read, starred, tag names already clean)
ImportedArticle = tuple[ParsedEntry, bool, bool, Sequence[str]]


class ImportedMixin(IngestMixin):
    """Writing another reader's articles into a feed."""

    def store_imported(
        self,
        feed_id: int,
        articles: Sequence[ImportedArticle],
        *,
        removed: Sequence[str] = (),
        now: int,
    ) -> list[ImportedArticle]:
        """Store the articles the feed does not have, in one transaction; returns
        those stored.  Their state is set on the new rows only.  ``removed`` are
        keys of articles the other reader deleted: tombstones keep a refresh
        from bringing them back (unless the feed has that article already)."""
        self.begin_batch()
        try:
            conn = self.conn
            fetch_state = conn.execute(
                f"SELECT {', '.join(_FETCH_STATE)} FROM feeds WHERE id = ?", (feed_id,)
            ).fetchone()
            fresh = self.not_stored(feed_id, articles)
            tombs = conn.execute(
                "SELECT key, removed FROM removed_keys WHERE feed_id = ?", (feed_id,)
            ).fetchall()
            if fresh:
                entries = tuple(a[0] for a in fresh)
                self.store_entries(feed_id, ParsedFeed("import", None, None, entries), now=now)
                assignments = ", ".join(f"{c} = ?" for c in _FETCH_STATE)
                conn.execute(
                    f"UPDATE feeds SET {assignments} WHERE id = ?", (*fetch_state, feed_id)
                )
                # The import is not the feed's whole document: removed articles stay removed.
                conn.executemany(
                    "INSERT OR IGNORE INTO removed_keys(feed_id, key, removed) VALUES (?, ?, ?)",
                    [(feed_id, key, when) for key, when in tombs],
                )
                self._set_state(feed_id, fresh)
            conn.executemany(
                "INSERT OR IGNORE INTO removed_keys(feed_id, key, removed) SELECT ?, ?, ? "
                "WHERE NOT EXISTS (SELECT 1 FROM articles WHERE feed_id = ? AND key = ?)",
                [(feed_id, key, now, feed_id, key) for key in removed],
            )
            self.commit_batch()
        except BaseException:
            self.abort_batch()
            raise
        return fresh

    def not_stored(
        self, feed_id: int, articles: Sequence[ImportedArticle]
    ) -> list[ImportedArticle]:
        """The articles whose key and link the feed has not stored, each key once
        (a tombstoned key counts as stored: the user removed that article)."""
        conn = self.conn
        keys = [a[0].key for a in articles]
        links = [a[0].url for a in articles if a[0].url]
        taken: set[Any] = set()
        for marks, chunk in in_chunks(keys):
            taken.update(
                r[0]
                for r in conn.execute(
                    f"SELECT key FROM articles WHERE feed_id = ? AND key IN ({marks}) UNION "
                    f"SELECT key FROM removed_keys WHERE feed_id = ? AND key IN ({marks})",
                    (feed_id, *chunk, feed_id, *chunk),
                )
            )
        for marks, chunk in in_chunks(links):
            taken.update(
                r[0]
                for r in conn.execute(
                    f"SELECT url FROM articles WHERE feed_id = ? AND url IN ({marks})",
                    (feed_id, *chunk),
                )
            )
        fresh: list[ImportedArticle] = []
        for article in articles:
            entry = article[0]
            if entry.key in taken or (entry.url and entry.url in taken):
                continue
            taken.add(entry.key)
            if entry.url:
                taken.add(entry.url)
            fresh.append(article)
        return fresh

    def _set_state(self, feed_id: int, fresh: Sequence[ImportedArticle]) -> None:
        conn = self.conn
        ids: dict[str, int] = {}
        for marks, chunk in in_chunks([a[0].key for a in fresh]):
            ids.update(
                conn.execute(
                    f"SELECT key, id FROM articles WHERE feed_id = ? AND key IN ({marks})",
                    (feed_id, *chunk),
                ).fetchall()
            )
        conn.executemany(
            "UPDATE articles SET read = ?, starred = ? WHERE id = ?",
            [
                (int(read), int(starred), ids[e.key])
                for e, read, starred, _tags in fresh
                if e.key in ids and (read or starred)
            ],
        )
        index = tag_index(conn)
        pairs = [
            (ids[e.key], ensure_tag(conn, index, name))
            for e, _read, _starred, tags in fresh
            if e.key in ids
            for name in tags
        ]
        conn.executemany(
            "INSERT OR IGNORE INTO article_tags(article_id, tag_id) VALUES (?, ?)", pairs
        )

"""Retention: which articles cleanup may remove, and removing them for good.

Protected articles are never candidates: starred, tagged or noted ones, and
unread ones.  The rules (an age and a per-feed maximum) are written once,
for every feed or for one feed with its own settings.  Removed articles
leave their key in ``removed_keys`` so that a feed still listing them does
not bring them back as unread on the next refresh.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui.core.storage.base import StoreBase

_UNPROTECTED = (
    "a.read = 1 AND a.starred = 0 "
    "AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.article_id = a.id) "
    "AND NOT EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id)"
)


class RetentionMixin(StoreBase):
    """Cleanup candidates and their removal."""

    def cleanup_candidates(
        self, *, older_than: int | None, max_per_feed: int, feed_id: int | None = None
    ) -> list[int]:
        """Ids retention may remove: read, unstarred, untagged, unnoted articles
        first seen before ``older_than`` or beyond the newest ``max_per_feed`` of
        their feed; of one feed only when ``feed_id`` is given (a feed with its
        own rules)."""
        one = "" if feed_id is None else " AND a.feed_id = ?"
        only = () if feed_id is None else (feed_id,)
        ids: set[int] = set()
        if older_than is not None:
            ids.update(
                r[0]
                for r in self.conn.execute(
                    f"SELECT a.id FROM articles a WHERE {_UNPROTECTED}{one} "
                    "AND a.first_seen < ? AND a.published < ?",
                    (*only, older_than, older_than),
                )
            )
        if max_per_feed > 0:
            # Ranked within each feed; for one feed, only its rows are ranked.
            inner = "" if feed_id is None else " WHERE feed_id = ?"
            ids.update(
                r[0]
                for r in self.conn.execute(
                    "SELECT a.id FROM articles a JOIN (SELECT id, row_number() OVER ("
                    "PARTITION BY feed_id ORDER BY published DESC, id DESC) AS pos "
                    f"FROM articles{inner}) r ON r.id = a.id WHERE r.pos > ? AND {_UNPROTECTED}",
                    (*only, max_per_feed),
                )
            )
        return sorted(ids)

    def remove_articles(self, ids: Sequence[int], now: int) -> int:
        """Delete articles, remembering their keys so refreshes do not revive them."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO removed_keys(feed_id, key, removed) "
                "SELECT feed_id, key, ? FROM articles WHERE id = ?",
                [(now, i) for i in ids],
            )
            conn.executemany("DELETE FROM articles WHERE id = ?", [(i,) for i in ids])
        return len(ids)

"""Tag tables: tags on articles and on feeds, their counts, renames and merges.

Tags are matched ignoring case (Unicode ``casefold``, so ``Über`` and ``über``
are one tag, which SQLite's ASCII-only ``NOCASE`` alone would not give) while
the name keeps the spelling the user typed first.  The tag table is small
(hundreds of rows), so names are matched in Python, not in SQL.  A tag exists
only while something carries it: removing its last article or feed link
deletes the row, so completions never offer dead names.  Removing a tag never
removes articles.  Every write is one transaction, so a bulk edit of a whole
view is all or nothing.  The name rules themselves are :mod:`tui.core.tags`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from tui.core.errors import InputError, NotFound
from tui.core.models import TagCount
from tui.core.storage.base import StoreBase, in_chunks
from tui.core.storage.schema_rules import HIDDEN_IDS, hidden_per_feed
from tui.core.storage.stories import story_members
from tui.core.tags import clean_tag, tag_key, unique_tags


def tag_index(conn: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """Every tag by key -> (id, name); the oldest wins if keys collide."""
    out: dict[str, tuple[int, str]] = {}
    for tag_id, name in conn.execute("SELECT id, name FROM tags ORDER BY id"):
        out.setdefault(name.casefold(), (tag_id, name))
    return out


def ensure_tag(conn: sqlite3.Connection, index: dict[str, tuple[int, str]], name: str) -> int:
    """The id of the tag named ``name`` (already clean), creating it if needed."""
    key = name.casefold()
    found = index.get(key)
    if found is not None:
        return found[0]
    cur = conn.execute("INSERT INTO tags(name) VALUES (?)", (name,))
    tag_id = int(cur.lastrowid or 0)
    index[key] = (tag_id, name)
    return tag_id


def drop_orphan_tags(conn: sqlite3.Connection, tag_ids: Iterable[int]) -> None:
    """Delete the given tags if no article or feed carries them any more."""
    conn.executemany(
        "DELETE FROM tags WHERE id = ? "
        "AND NOT EXISTS (SELECT 1 FROM article_tags WHERE tag_id = tags.id) "
        "AND NOT EXISTS (SELECT 1 FROM feed_tags WHERE tag_id = tags.id)",
        [(i,) for i in set(tag_ids)],
    )


def _existing_ids(conn: sqlite3.Connection, ids: Sequence[int]) -> list[int]:
    """The ids among ``ids`` that are articles."""
    found: list[int] = []
    for marks, chunk in in_chunks(ids):
        found.extend(
            r[0] for r in conn.execute(f"SELECT id FROM articles WHERE id IN ({marks})", chunk)
        )
    return found


def _find(conn: sqlite3.Connection, name: str) -> tuple[int, str]:
    found = tag_index(conn).get(tag_key(name))
    if found is None:
        raise NotFound(f"{clean_tag(name) or name!r}: no such tag")
    return found


def _sorted_names(rows: Iterable[Sequence[Any]]) -> list[str]:
    return sorted((r[0] for r in rows), key=str.casefold)


class TagsMixin(StoreBase):
    """Tags on articles and feeds."""

    def set_tags(
        self,
        article_ids: Iterable[int | str],
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
    ) -> int:
        """Add and remove tags on many articles in one transaction.

        Removals are applied first, then additions, so naming a tag in both keeps
        it.  Adding a tag that exists under another case links the existing one
        (its first spelling stays).  Ids of articles that no longer exist (a
        retention run may race with a bulk edit) are skipped; the return value is
        how many of the given articles exist, so a caller can report a bad id.
        """
        ids = sorted({int(i) for i in article_ids})
        to_add = unique_tags(add)
        to_remove = unique_tags(remove)
        with self.transaction() as conn:
            ids = _existing_ids(conn, ids)
            if not ids:
                return 0
            given = len(ids)
            if self.group_stories:
                # A story's copies are tagged with it (in this write).
                ids = story_members(conn, ids)
            index = tag_index(conn)
            removed: list[int] = []
            for name in to_remove:
                found = index.get(name.casefold())
                if found is None:
                    continue
                removed.append(found[0])
                conn.executemany(
                    "DELETE FROM article_tags WHERE article_id = ? AND tag_id = ?",
                    [(aid, found[0]) for aid in ids],
                )
            for name in to_add:
                tag_id = ensure_tag(conn, index, name)
                conn.executemany(
                    "INSERT OR IGNORE INTO article_tags(article_id, tag_id) VALUES (?, ?)",
                    [(aid, tag_id) for aid in ids],
                )
            drop_orphan_tags(conn, removed)
        return given

    def article_tags(self, article_id: int) -> list[str]:
        """The tags set directly on one article, sorted ignoring case."""
        return _sorted_names(
            self.conn.execute(
                "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id "
                "WHERE at.article_id = ?",
                (int(article_id),),
            )
        )

    def tags_on(self, article_ids: Sequence[int]) -> list[tuple[str, int]]:
        """Tags set directly on any of these articles, with how many carry each.

        The bulk tag editor shows these as the view's current tags; feed
        (folder) tags are left out because removing them there would not work.
        """
        counts: dict[int, list[Any]] = {}
        for marks, chunk in in_chunks([int(i) for i in article_ids]):
            for tag_id, name, n in self.conn.execute(
                "SELECT t.id, t.name, count(*) FROM article_tags at JOIN tags t "
                f"ON t.id = at.tag_id WHERE at.article_id IN ({marks}) GROUP BY t.id",
                chunk,
            ):
                counts.setdefault(tag_id, [name, 0])[1] += n
        return sorted(((name, n) for name, n in counts.values()), key=lambda x: x[0].casefold())

    def all_tags(self) -> list[TagCount]:
        """Every tag in use with article and unread counts, sorted ignoring case.

        An article counts once per tag whether it carries the tag itself, through
        its feed, or both; this is exactly what a ``tag:x`` search lists.  Counts
        are built from per-feed totals plus the (small) article_tags table rather
        than a join over all articles, so this stays fast at 100k articles.
        """
        conn = self.conn
        totals = dict(conn.execute("SELECT feed_id, count(*) FROM articles GROUP BY feed_id"))
        unread = dict(
            conn.execute("SELECT feed_id, count(*) FROM articles WHERE read = 0 GROUP BY feed_id")
        )
        for feed_id, (n, n_unread) in hidden_per_feed(conn).items():  # rules hide these
            totals[feed_id] = totals.get(feed_id, 0) - n
            unread[feed_id] = unread.get(feed_id, 0) - n_unread
        counts: dict[int, list[int]] = {}  # tag id -> [articles, unread, feeds]
        for tag_id, feed_id in conn.execute("SELECT tag_id, feed_id FROM feed_tags"):
            c = counts.setdefault(tag_id, [0, 0, 0])
            c[0] += totals.get(feed_id, 0)
            c[1] += unread.get(feed_id, 0)
            c[2] += 1
        # Direct links, minus those already counted through the article's feed.
        for tag_id, n, n_unread in conn.execute(
            "SELECT at.tag_id, count(*), coalesce(sum(a.read = 0), 0) "
            "FROM article_tags at JOIN articles a ON a.id = at.article_id "
            f"WHERE a.id NOT IN ({HIDDEN_IDS}) AND NOT EXISTS (SELECT 1 FROM feed_tags ft "
            "WHERE ft.feed_id = a.feed_id AND ft.tag_id = at.tag_id) "
            "GROUP BY at.tag_id"
        ):
            c = counts.setdefault(tag_id, [0, 0, 0])
            c[0] += n
            c[1] += n_unread
        out = [
            TagCount(name, *counts[tag_id])
            for tag_id, name in conn.execute("SELECT id, name FROM tags")
            if tag_id in counts
        ]
        return sorted(out, key=lambda t: t.name.casefold())

    def rename_tag(self, old: str, new: str) -> str:
        """Rename a tag; renaming onto another existing tag merges the two.

        The result takes the new spelling exactly as typed (renaming is how a
        user fixes the case of a tag).  Returns the final name.
        """
        name = clean_tag(new)
        if not name:
            raise InputError(f"{new!r}: a tag name needs letters, digits or symbols")
        with self.transaction() as conn:
            old_id, _ = _find(conn, old)
            target = tag_index(conn).get(name.casefold())
            if target is not None and target[0] != old_id:
                new_id = target[0]
                conn.execute(
                    "INSERT OR IGNORE INTO article_tags(article_id, tag_id) "
                    "SELECT article_id, ? FROM article_tags WHERE tag_id = ?",
                    (new_id, old_id),
                )
                conn.execute(
                    "INSERT OR IGNORE INTO feed_tags(feed_id, tag_id) "
                    "SELECT feed_id, ? FROM feed_tags WHERE tag_id = ?",
                    (new_id, old_id),
                )
                # Unlinked before the tag goes, so that synced articles queue
                # the old label's removal (a cascade would leave no name).
                conn.execute("DELETE FROM article_tags WHERE tag_id = ?", (old_id,))
                conn.execute("DELETE FROM tags WHERE id = ?", (old_id,))
            else:
                new_id = old_id
            conn.execute("UPDATE tags SET name = ? WHERE id = ?", (name, new_id))
        return name

    def delete_tag(self, name: str) -> int:
        """Delete a tag from every article and feed; returns how many articles lost it.

        Articles themselves are never touched.  The links are deleted explicitly
        rather than through ``ON DELETE CASCADE``, which silently does nothing on
        a connection without ``PRAGMA foreign_keys``.
        """
        with self.transaction() as conn:
            tag_id, _ = _find(conn, name)
            n = conn.execute("SELECT count(*) FROM article_tags WHERE tag_id = ?", (tag_id,))
            untagged = int(n.fetchone()[0])
            conn.execute("DELETE FROM article_tags WHERE tag_id = ?", (tag_id,))
            conn.execute("DELETE FROM feed_tags WHERE tag_id = ?", (tag_id,))
            conn.execute("DELETE FROM tags WHERE id = ?", (tag_id,))
        return untagged

    def feed_tags(self, feed_id: int) -> list[str]:
        """The tags of one feed (its folder tags), sorted ignoring case."""
        return _sorted_names(
            self.conn.execute(
                "SELECT t.name FROM feed_tags ft JOIN tags t ON t.id = ft.tag_id "
                "WHERE ft.feed_id = ?",
                (int(feed_id),),
            )
        )

    def set_feed_tags(self, feed_id: int, tags: Iterable[str]) -> list[str]:
        """Replace a feed's tags with ``tags``; returns the names now on the feed."""
        feed_id = int(feed_id)
        wanted = unique_tags(tags)
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM feeds WHERE id = ?", (feed_id,)).fetchone() is None:
                raise NotFound(f"no feed with id {feed_id}")
            index = tag_index(conn)
            keep = {ensure_tag(conn, index, name) for name in wanted}
            current = {
                r[0]
                for r in conn.execute("SELECT tag_id FROM feed_tags WHERE feed_id = ?", (feed_id,))
            }
            gone = current - keep
            conn.executemany(
                "DELETE FROM feed_tags WHERE feed_id = ? AND tag_id = ?",
                [(feed_id, t) for t in gone],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO feed_tags(feed_id, tag_id) VALUES (?, ?)",
                [(feed_id, t) for t in keep - current],
            )
            drop_orphan_tags(conn, gone)
        return self.feed_tags(feed_id)

    def tag_completions(
        self, prefix: str, *, exclude: Iterable[str] = (), limit: int = 20
    ) -> list[str]:
        """Existing tag names for the tag editor's completion, best first.

        Names starting with ``prefix`` come first, then names containing it, each
        group sorted ignoring case; names in ``exclude`` (the tags the article
        already has) are left out.  An empty prefix lists every tag.
        """
        key = tag_key(prefix)
        skip = {tag_key(x) for x in exclude}
        starts: list[str] = []
        contains: list[str] = []
        for (name,) in self.conn.execute("SELECT name FROM tags"):
            folded = name.casefold()
            if folded in skip:
                continue
            if folded.startswith(key):
                starts.append(name)
            elif key in folded:
                contains.append(name)
        starts.sort(key=str.casefold)
        contains.sort(key=str.casefold)
        return (starts + contains)[: max(0, limit)]

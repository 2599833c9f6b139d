"""Feeds: subscriptions, folders, fetch state and the per-feed settings JSON.

The settings column is one JSON object (keys in :mod:`tui.core.refresh.schedule`)
rather than a column per setting, so a new per-feed option needs no schema
version; anything in it that is not a JSON object reads as ``{}``.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from typing import Any

from tui.core import folders
from tui.core.errors import NotFound, StoreError
from tui.core.models import FEED_TITLE, NOT_BEFORE, USER_TITLE, Feed
from tui.core.storage.base import StoreBase
from tui.core.storage.schema_held_ids import first_free_id
from tui.core.storage.schema_rules import HIDING, hidden_per_feed
from tui.core.storage.stories import folder_unread_copies


class FeedsMixin(StoreBase):
    """Feed rows: add, find, move, remove; what the last fetch said; settings."""

    def add_feed(
        self,
        url: str,
        *,
        title: str | None = None,
        site_url: str | None = None,
        folder: str | None = None,
    ) -> int:
        """Subscribe; returns the new feed id.  Raises StoreError if the URL is known.

        Folder tags are set afterwards through ``set_feed_tags`` (:mod:`.tags`), which
        matches tag names with full Unicode case folding.  The folder is
        stored in the path form of :func:`tui.core.folders.normalise`.
        """
        with self.transaction() as conn:
            try:
                cur = conn.execute(
                    "INSERT INTO feeds(id, url, title, site_url, folder, added) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        first_free_id(conn, "feeds"),  # not an id an undo will put back
                        url,
                        title or "",
                        site_url,
                        folders.normalise(folder) or None,
                        int(time.time()),
                    ),
                )
            except sqlite3.IntegrityError as exc:
                raise StoreError(f"{url}: already subscribed") from exc
        return int(cur.lastrowid or 0)

    def set_feed_folder(self, feed_id: int, folder: str | None) -> None:
        """File a feed under ``folder`` (path form; empty or None: in no folder)."""
        with self.transaction() as conn:
            cur = conn.execute(
                "UPDATE feeds SET folder = ? WHERE id = ?",
                (folders.normalise(folder) or None, feed_id),
            )
            if cur.rowcount == 0:
                raise NotFound(f"no feed with id {feed_id}")

    def feed_folders(self) -> list[tuple[int, str | None]]:
        """(id, folder) of every feed, oldest first: all that folder names need.

        Cheap (no article counts), for dialogs that offer existing folders.
        """
        return [(r[0], r[1]) for r in self.conn.execute("SELECT id, folder FROM feeds ORDER BY id")]

    def rename_folder(self, old: str, new: str) -> int:
        """Move every feed in folder ``old`` (or below) under ``new``; returns how many.

        One transaction, with the feeds read inside it, so a feed added or
        moved meanwhile cannot be left behind.  The path arithmetic is
        :func:`tui.core.folders.renamed`; NotFound when no feed is in ``old``.
        """
        with self.transaction() as conn:
            rows = conn.execute("SELECT id, folder FROM feeds").fetchall()
            moved = sum(1 for _id, folder in rows if folders.contains(old, folder))
            if not moved:
                raise NotFound(f"{old}: no such folder")
            changes = [
                (new_folder, feed_id)
                for feed_id, folder in rows
                if (new_folder := folders.renamed(folder, old, new)) is not None
            ]
            conn.executemany("UPDATE feeds SET folder = ? WHERE id = ?", changes)
        return moved

    def feed_id_for_url(self, url: str) -> int | None:
        row = self.conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
        return int(row[0]) if row else None

    def feeds(self) -> list[Feed]:
        """Every feed with its article and unread counts, ordered by folder then title."""
        return self._feeds("", ())

    def _feeds(self, where: str, params: Sequence[Any]) -> list[Feed]:
        """Feeds matching ``where`` (on ``feeds``), with their counts and tags."""
        rows = self.conn.execute(
            "SELECT id, url, title, site_url, folder, etag, last_modified, last_fetched, "
            "last_changed, last_status, error, gone, "
            "(SELECT name FROM accounts a WHERE a.id = feeds.account_id) "
            f"FROM feeds{where} "
            "ORDER BY coalesce(folder, '') COLLATE NOCASE, "
            "coalesce(nullif(title, ''), url) COLLATE NOCASE",
            params,
        ).fetchall()
        if not rows:
            return []
        # One feed: count its rows alone; many: one pass over the (partial) indexes.
        only: tuple[int, ...] = (rows[0][0],) if len(rows) == 1 else ()
        cond = " AND feed_id = ?" if only else ""
        totals = dict(
            self.conn.execute(
                f"SELECT feed_id, count(*) FROM articles WHERE 1 = 1{cond} GROUP BY feed_id", only
            ).fetchall()
        )
        unread = dict(
            self.conn.execute(
                f"SELECT feed_id, count(*) FROM articles WHERE read = 0{cond} GROUP BY feed_id",
                only,
            ).fetchall()
        )
        # Hidden articles (rules) are in no count: counted apart and taken off.
        for feed_id, (n, n_unread) in hidden_per_feed(self.conn).items():
            totals[feed_id] = totals.get(feed_id, 0) - n
            unread[feed_id] = unread.get(feed_id, 0) - n_unread
        tags: dict[int, list[str]] = {}
        for feed_id, name in self.conn.execute(
            "SELECT ft.feed_id, t.name FROM feed_tags ft JOIN tags t ON t.id = ft.tag_id "
            f"WHERE 1 = 1{cond.replace('feed_id', 'ft.feed_id')} ORDER BY t.name",
            only,
        ):
            tags.setdefault(feed_id, []).append(name)
        return [
            Feed(
                id=r[0],
                url=r[1],
                title=r[2] or r[1],
                site_url=r[3],
                folder=r[4],
                tags=tuple(tags.get(r[0], ())),
                etag=r[5],
                last_modified=r[6],
                last_fetched=r[7],
                last_changed=r[8],
                last_status=r[9],
                error=r[10],
                gone=bool(r[11]),
                total=totals.get(r[0], 0),
                unread=unread.get(r[0], 0),
                account=r[12],
            )
            for r in rows
        ]

    def folder_unread_copies(self) -> dict[str, int]:
        """Per folder key: the unread copies its view lists once (none when
        stories are not grouped); a folder's unread count is its feeds'
        sum less this (see :func:`.stories.folder_unread_copies`)."""
        if not self.group_stories:
            return {}
        hiding = bool(self.conn.execute(HIDING).fetchone()[0])
        return folder_unread_copies(self.conn, hiding=hiding)

    def feed(self, feed_id: int) -> Feed:
        found = self._feeds(" WHERE id = ?", (feed_id,))
        if not found:
            raise NotFound(f"no feed with id {feed_id}")
        return found[0]

    def find_feed(self, ref: str) -> Feed:
        """A feed by id, exact URL, or unambiguous title (case-insensitive)."""
        if ref.isdigit():
            found = self._feeds(" WHERE id = ?", (int(ref),))
            if found:
                return found[0]
        found = self._feeds(" WHERE url = ?", (ref,))
        if found:
            return found[0]
        by_title = [f for f in self.feeds() if f.title.casefold() == ref.casefold()]
        if len(by_title) == 1:
            return by_title[0]
        if len(by_title) > 1:
            raise NotFound(f"{ref}: several feeds have this title; use the id or URL")
        raise NotFound(f"{ref}: no such feed (give an id, URL or title from `gazette feeds`)")

    def remove_feed(self, feed_id: int) -> tuple[int, int]:
        """Unsubscribe; returns how many articles and notes went with the feed."""
        with self.transaction() as conn:
            articles = conn.execute(
                "SELECT count(*) FROM articles WHERE feed_id = ?", (feed_id,)
            ).fetchone()[0]
            notes = conn.execute(
                "SELECT count(*) FROM notes n JOIN articles a ON a.id = n.article_id "
                "WHERE a.feed_id = ?",
                (feed_id,),
            ).fetchone()[0]
            cur = conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
            if cur.rowcount == 0:
                raise NotFound(f"no feed with id {feed_id}")
        return int(articles), int(notes)

    def feed_fetch_state(self, feed_id: int) -> tuple[str, str | None, str | None]:
        """(url, etag, last-modified) for a conditional GET."""
        row = self.conn.execute(
            "SELECT url, etag, last_modified FROM feeds WHERE id = ?", (feed_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no feed with id {feed_id}")
        return row[0], row[1], row[2]

    def record_fetch(
        self,
        feed_id: int,
        *,
        status: int | None,
        error: str | None,
        etag: str | None = None,
        last_modified: str | None = None,
        keep_validators: bool = True,
        gone: bool = False,
        now: int | None = None,
    ) -> None:
        """Remember how the last fetch went (status, error, validators)."""
        now = int(time.time()) if now is None else now
        with self.transaction() as conn:
            if keep_validators:
                conn.execute(
                    "UPDATE feeds SET last_fetched = ?, last_status = ?, error = ?, "
                    "gone = ? WHERE id = ?",
                    (now, status, error, int(gone), feed_id),
                )
            else:
                conn.execute(
                    "UPDATE feeds SET last_fetched = ?, last_status = ?, error = ?, gone = ?, "
                    "etag = ?, last_modified = ? WHERE id = ?",
                    (now, status, error, int(gone), etag, last_modified, feed_id),
                )

    def move_feed(self, feed_id: int, new_url: str) -> bool:
        """Follow a permanent redirect; False when another feed already has that URL."""
        try:
            with self.transaction() as conn:
                conn.execute("UPDATE feeds SET url = ? WHERE id = ?", (new_url, feed_id))
        except sqlite3.IntegrityError:
            return False
        return True

    # -- per-feed settings ---------------------------------------------------

    def feed_settings(self, feed_id: int) -> dict[str, Any]:
        """A feed's settings JSON as a dict ({} when empty or unreadable)."""
        row = self.conn.execute("SELECT settings FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        if row is None:
            raise NotFound(f"no feed with id {feed_id}")
        return _settings_dict(row[0])

    def all_feed_settings(self) -> list[tuple[int, int | None, bool, dict[str, Any]]]:
        """(id, last_fetched, gone, settings) of every feed fetched over HTTP:
        what the scheduler needs (a sync account's feeds come with its sync).

        One cheap query, without the article counts ``feeds()`` computes,
        because the app asks every minute.
        """
        rows = self.conn.execute(
            "SELECT id, last_fetched, gone, settings FROM feeds WHERE account_id IS NULL "
            "ORDER BY id"
        )
        return [(r[0], r[1], bool(r[2]), _settings_dict(r[3])) for r in rows]

    def update_feed_settings(
        self, feed_id: int, changes: dict[str, Any], *, title: str | bool | None = False
    ) -> None:
        """Merge ``changes`` into a feed's settings (a None value removes the key).

        ``title``: a string sets the user's title, which replaces the feed's
        own in the ``title`` column (so every list, the OPML export and the
        CLI show it) while the feed's own is kept under ``feed_title``;
        None drops the user's title and puts the feed's own back; False (the
        default) leaves titles alone.  One transaction: all or nothing.
        """
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT settings, title FROM feeds WHERE id = ?", (feed_id,)
            ).fetchone()
            if row is None:
                raise NotFound(f"no feed with id {feed_id}")
            data = _settings_dict(row[0])
            current_title = row[1] or ""
            for key, value in changes.items():
                if value is None:
                    data.pop(key, None)
                else:
                    data[key] = value
            new_title = current_title
            if isinstance(title, str) and title:
                if USER_TITLE not in data:
                    data[FEED_TITLE] = current_title
                data[USER_TITLE] = new_title = title
            elif title is None and USER_TITLE in data:
                new_title = data.pop(FEED_TITLE, None) or current_title
                data.pop(USER_TITLE, None)
            conn.execute(
                "UPDATE feeds SET settings = ?, title = ? WHERE id = ?",
                (json.dumps(data, sort_keys=True), new_title, feed_id),
            )

    def record_cache_headers(self, feed_id: int, next_allowed: int | None) -> None:
        """Remember the earliest time the server allows the next fetch (None: any time).

        Kept in the settings JSON (``not_before``), not a new column, so the
        schema version does not move for one number.
        """
        if self.feed_settings(feed_id).get(NOT_BEFORE) != next_allowed:
            self.update_feed_settings(feed_id, {NOT_BEFORE: next_allowed})


def _settings_dict(raw: str | None) -> dict[str, Any]:
    """The settings column as a dict; anything that is not a JSON object reads as {}."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}

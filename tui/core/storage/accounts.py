"""Sync accounts: their rows, the queue of changes to send, and what a pull writes.

A change the user makes to a synced article or feed is queued by the
triggers of schema 5 (see :mod:`.schema`), in the transaction that makes it.
What a pull writes (the server's feeds, items and state) is written with
``sync_flags.pulling`` set, inside the same transaction, so it is not queued
back.  A change still queued wins over what a pull says: the pull leaves
those articles and feeds alone, and the next push sends the change.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tui.core import folders
from tui.core.errors import NotFound, StoreError
from tui.core.models import Account, ParsedFeed
from tui.core.storage.base import in_chunks
from tui.core.storage.ingest import IngestMixin
from tui.core.storage.schema_held_ids import first_free_id
from tui.core.storage.stories import story_members
from tui.core.storage.tags import drop_orphan_tags, ensure_tag, tag_index

_ACCOUNT_COLUMNS = (
    "a.id, a.name, a.kind, a.dialect, a.url, a.username, a.added, a.last_sync, "
    "a.last_attempt, a.last_error, a.retry_at, a.failures, "
    "(SELECT count(*) FROM sync_queue q WHERE q.account_id = a.id), "
    "(SELECT count(*) FROM feeds f WHERE f.account_id = a.id)"
)


@dataclass(frozen=True, slots=True)
class QueuedChange:
    """One row of the queue: ``kind`` read | star | label | subscribe |
    unsubscribe | rename | folder | rename_label; ``target`` an item id, a
    feed's stream id, a URL or a label; ``arg`` a label, title or folder;
    ``value`` 1 to set, 0 to clear."""

    id: int
    kind: str
    target: str
    arg: str
    value: int


@dataclass(frozen=True, slots=True)
class RemoteFeed:
    """A subscription as the server lists it, cleaned for storing."""

    remote_id: str
    url: str
    title: str
    site_url: str | None
    folder: str | None


class AccountsMixin(IngestMixin):
    """Accounts, their queue, and the writes of a pull."""

    # -- accounts -----------------------------------------------------------

    def add_account(self, name: str, *, kind: str, dialect: str, url: str, username: str) -> int:
        """A new account row; StoreError if the name is taken."""
        with self.transaction() as conn:
            try:
                cur = conn.execute(
                    "INSERT INTO accounts(name, kind, dialect, url, username, added) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (name, kind, dialect, url, username, int(time.time())),
                )
            except sqlite3.IntegrityError as exc:
                raise StoreError(f"an account named {name!r} exists already") from exc
        return int(cur.lastrowid or 0)

    def accounts(self) -> list[Account]:
        rows = self.conn.execute(f"SELECT {_ACCOUNT_COLUMNS} FROM accounts a ORDER BY a.name")
        return [Account(*row) for row in rows]

    def find_account(self, ref: str) -> Account:
        """The account named ``ref`` (any case), or its id; NotFound otherwise."""
        row = self.conn.execute(
            f"SELECT {_ACCOUNT_COLUMNS} FROM accounts a WHERE a.name = ? OR "
            "CAST(a.id AS TEXT) = ? ORDER BY a.name != ? LIMIT 1",
            (ref, ref, ref),
        ).fetchone()
        if row is None:
            raise NotFound(f"no account named {ref!r}")
        return Account(*row)

    def remove_account(self, account_id: int) -> tuple[int, int]:
        """Remove an account; (feeds let go, articles removed).

        Its feeds are let go as when the server drops them (:meth:`_let_go`):
        what the user starred, tagged or noted stays, in feeds of their own.
        Nothing is queued: the server keeps its subscriptions.
        """
        with self.transaction() as conn, self._pulling(conn):
            before = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            feeds = [
                r[0]
                for r in conn.execute("SELECT id FROM feeds WHERE account_id = ?", (account_id,))
            ]
            for feed_id in feeds:
                self._let_go(conn, account_id, feed_id)
            cur = conn.execute("DELETE FROM accounts WHERE id = ?", (account_id,))
            if cur.rowcount == 0:
                raise NotFound(f"no account with id {account_id}")
            after = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        return len(feeds), int(before - after)

    def account_state(self, account_id: int) -> dict[str, Any]:
        """The account's own notes between syncs (a JSON object; anything else: {})."""
        row = self.conn.execute("SELECT state FROM accounts WHERE id = ?", (account_id,)).fetchone()
        try:
            data = json.loads(row[0]) if row else {}
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def record_sync(
        self,
        account_id: int,
        *,
        now: int,
        error: str | None,
        retry_at: int | None = None,
        state: Mapping[str, Any] | None = None,
    ) -> None:
        """How the last attempt went; a success also moves ``last_sync``."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE accounts SET last_attempt = ?, last_error = ?, retry_at = ?, "
                "last_sync = CASE WHEN ? IS NULL THEN ? ELSE last_sync END, "
                "failures = CASE WHEN ? IS NULL THEN 0 ELSE failures + 1 END, "
                "state = coalesce(?, state) WHERE id = ?",
                (
                    now,
                    error,
                    retry_at,
                    error,
                    now,
                    error,
                    None if state is None else json.dumps(dict(state)),
                    account_id,
                ),
            )

    # -- the queue ------------------------------------------------------------

    def queued(self, account_id: int) -> list[QueuedChange]:
        """The account's waiting changes, oldest first."""
        rows = self.conn.execute(
            "SELECT id, kind, target, arg, value FROM sync_queue WHERE account_id = ? ORDER BY id",
            (account_id,),
        )
        return [QueuedChange(*row) for row in rows]

    def queue(self, account_id: int, kind: str, target: str, arg: str = "", value: int = 1) -> None:
        """Queue a change no trigger sees (a subscription asked for on an account)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO sync_queue(account_id, kind, target, arg, value, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (account_id, kind, target, arg, value, int(time.time())),
            )

    def confirm(self, change_ids: Collection[int]) -> None:
        """The server took these changes: they leave the queue.  A row replaced
        since it was read (a newer change of the same thing) has a new id and stays."""
        with self.transaction() as conn:
            for marks, chunk in in_chunks(list(change_ids)):
                conn.execute(f"DELETE FROM sync_queue WHERE id IN ({marks})", chunk)

    # -- what a pull writes -------------------------------------------------------

    @contextmanager
    def _pulling(self, conn: sqlite3.Connection) -> Iterator[None]:
        """Inside a transaction: what is written now is the server's, not queued."""
        conn.execute("UPDATE sync_flags SET pulling = 1")
        try:
            yield
        finally:
            if conn.in_transaction:
                conn.execute("UPDATE sync_flags SET pulling = 0")

    def remote_feeds(self, account_id: int) -> dict[str, int]:
        """The account's feeds: stream id -> feed id."""
        rows = self.conn.execute(
            "SELECT remote_id, id FROM feeds WHERE account_id = ? AND remote_id IS NOT NULL",
            (account_id,),
        )
        return {r[0]: r[1] for r in rows}

    def sync_feeds(self, account_id: int, listed: Iterable[RemoteFeed]) -> tuple[int, int]:
        """Make the account's feeds what the server lists; (added, removed).

        A feed whose rename, move or removal is still queued keeps the local
        version.  A local feed with the same URL joins the account (no second
        copy of it); a feed the server lists again under a new id keeps its
        articles.  A feed the server no longer lists is let go as
        :meth:`_let_go` says: nothing of the user's goes with it.
        """
        added = removed = 0
        with self.transaction() as conn, self._pulling(conn):
            queued = {
                (r[0], r[1])
                for r in conn.execute(
                    "SELECT target, kind FROM sync_queue WHERE account_id = ?", (account_id,)
                )
            }
            mine = self.remote_feeds(account_id)
            seen: set[str] = set()
            for feed in listed:
                seen.add(feed.remote_id)
                folder = folders.normalise(feed.folder) or None
                feed_id = mine.get(feed.remote_id)
                if feed_id is None:
                    row = conn.execute(
                        "SELECT id, account_id, remote_id FROM feeds WHERE url = ?", (feed.url,)
                    ).fetchone()
                    if row is not None and row[1] not in (None, account_id):
                        continue  # the same URL in another account: the first keeps it
                    if row is not None and row[1] == account_id and row[2] in seen:
                        continue  # listed twice by this server: the first listing holds
                    if row is None:
                        conn.execute(
                            "INSERT INTO feeds(id, url, title, site_url, folder, added, "
                            "account_id, remote_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            (
                                first_free_id(conn, "feeds"),
                                feed.url,
                                feed.title,
                                feed.site_url,
                                folder,
                                int(time.time()),
                                account_id,
                                feed.remote_id,
                            ),
                        )
                        added += 1
                        continue
                    feed_id = row[0]
                    mine.pop(row[2], None)  # re-created under a new id: the same feed
                    conn.execute(
                        "UPDATE feeds SET account_id = ?, remote_id = ?, gone = 0 WHERE id = ?",
                        (account_id, feed.remote_id, feed_id),
                    )
                if (feed.remote_id, "rename") not in queued and feed.title:
                    conn.execute(
                        "UPDATE feeds SET title = ? WHERE id = ? AND title != ?",
                        (feed.title, feed_id, feed.title),
                    )
                if (feed.remote_id, "folder") not in queued:
                    conn.execute(
                        "UPDATE feeds SET folder = ? WHERE id = ? AND folder IS NOT ?",
                        (folder, feed_id, folder),
                    )
                conn.execute(
                    "UPDATE feeds SET site_url = coalesce(?, site_url) WHERE id = ?",
                    (feed.site_url, feed_id),
                )
            for remote_id, feed_id in mine.items():
                if remote_id in seen or (remote_id, "unsubscribe") in queued:
                    continue
                self._let_go(conn, account_id, feed_id)
                removed += 1
        return added, removed

    @staticmethod
    def _let_go(conn: sqlite3.Connection, account_id: int, feed_id: int) -> None:
        """A feed leaves its account (dropped by the server, or the account removed).

        The articles the server brought go, unless the user starred, tagged
        or noted them; what is left (those, and any article the feed had
        before it joined the account) stays in the feed, now a local one.
        It is fetched over HTTP again only if it was the user's own feed
        before; otherwise it stays as it is (``gone``), holding what is kept.
        """
        conn.execute(
            "DELETE FROM articles WHERE feed_id = ? AND starred = 0 "
            "AND id IN (SELECT article_id FROM remote_items WHERE account_id = ?) "
            "AND id NOT IN (SELECT article_id FROM article_tags) "
            "AND id NOT IN (SELECT article_id FROM notes)",
            (feed_id, account_id),
        )
        own, kept = conn.execute(
            "SELECT count(*) FILTER (WHERE r.article_id IS NULL), count(a.id) FROM articles a "
            "LEFT JOIN remote_items r ON r.article_id = a.id WHERE a.feed_id = ?",
            (feed_id,),
        ).fetchone()
        if not kept:
            conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
            return
        conn.execute(
            "DELETE FROM remote_items WHERE article_id IN "
            "(SELECT id FROM articles WHERE feed_id = ?)",
            (feed_id,),
        )
        conn.execute(
            "UPDATE feeds SET account_id = NULL, remote_id = NULL, gone = ? WHERE id = ?",
            (int(not own), feed_id),
        )

    def known_items(self, account_id: int) -> set[str]:
        """The item ids of the account that are stored."""
        rows = self.conn.execute(
            "SELECT remote_id FROM remote_items WHERE account_id = ?", (account_id,)
        )
        return {r[0] for r in rows}

    def store_items(
        self,
        account_id: int,
        feed_id: int,
        parsed: ParsedFeed,
        states: Mapping[str, tuple[bool, bool]],
        *,
        now: int,
        packed: Mapping[str, bytes] | None = None,
    ) -> int:
        """Store one feed's items from the server, in one transaction (or in the
        caller's open batch: see :meth:`begin_batch`); the number of new articles.
        ``packed``: as :meth:`store_entries` takes it.

        Items go through :meth:`store_entries`, as a refreshed feed's entries
        do (their key is the item id).  An item whose link is an article of
        the feed that came before the feed joined the account becomes that
        article, not a second copy.  New items take the read and starred state
        the server gave with them.
        """
        keys = {e.key for e in parsed.entries}
        own = self._pending_index is None  # else: part of the caller's batch (one commit)
        if own:
            self.begin_batch()
        try:
            with self._pulling(self.conn):
                conn = self.conn
                matched = self._adopt_by_link(conn, account_id, feed_id, parsed)
                fresh = ParsedFeed(
                    parsed.kind,
                    parsed.title,
                    parsed.link,
                    tuple(e for e in parsed.entries if e.key not in matched),
                    parsed.warning,
                )
                # A batch is not the feed's whole document: the tombstones of
                # articles cleanup removed stay, whatever this batch lists.
                tombs = conn.execute(
                    "SELECT key, removed FROM removed_keys WHERE feed_id = ?", (feed_id,)
                ).fetchall()
                new, _ = self.store_entries(feed_id, fresh, now=now, packed=packed)
                conn.executemany(
                    "INSERT OR IGNORE INTO removed_keys(feed_id, key, removed) VALUES (?, ?, ?)",
                    [(feed_id, key, when) for key, when in tombs if key not in keys],
                )
                ids: dict[str, int] = dict(matched)
                for marks, chunk in in_chunks(sorted(keys - matched.keys())):
                    ids.update(
                        conn.execute(
                            f"SELECT key, id FROM articles WHERE feed_id = ? AND key IN ({marks})",
                            (feed_id, *chunk),
                        ).fetchall()
                    )
                conn.executemany(
                    "INSERT OR IGNORE INTO remote_items(account_id, remote_id, article_id) "
                    "VALUES (?, ?, ?)",
                    [(account_id, key, aid) for key, aid in ids.items()],
                )
                conn.executemany(
                    "UPDATE articles SET read = ?, starred = ? WHERE id = ? AND "
                    "first_seen = ? AND (read != ? OR starred != ?)",
                    [
                        (int(read), int(star), ids[key], now, int(read), int(star))
                        for key, (read, star) in states.items()
                        if key in ids
                    ],
                )
            if own:
                self.commit_batch()
        except BaseException:
            if own:
                self.abort_batch()
            raise
        return int(new)

    @staticmethod
    def _adopt_by_link(
        conn: sqlite3.Connection, account_id: int, feed_id: int, parsed: ParsedFeed
    ) -> dict[str, int]:
        """Item id -> article id for items whose link is an unsynced article of the feed."""
        by_url = {e.url: e.key for e in parsed.entries if e.url}
        found: dict[str, int] = {}
        for marks, chunk in in_chunks(list(by_url)):
            for aid, url in conn.execute(
                f"SELECT a.id, a.url FROM articles a WHERE a.feed_id = ? AND a.url IN ({marks}) "
                "AND NOT EXISTS (SELECT 1 FROM remote_items r WHERE r.article_id = a.id)",
                (feed_id, *chunk),
            ):
                found.setdefault(by_url[url], aid)
        return found

    def apply_remote_state(
        self, account_id: int, unread: Collection[str], starred: Collection[str]
    ) -> int:
        """Make the account's articles read and starred as the server says; the
        number of articles changed.  Articles with a queued read (or star)
        change keep theirs: the change is sent first."""
        changed = 0
        moved: dict[str, dict[int, int]] = {"read": {}, "starred": {}}
        with self.transaction() as conn:
            with self._pulling(conn):
                for name, ids in (("sync_unread", unread), ("sync_starred", starred)):
                    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name}(id TEXT PRIMARY KEY)")
                    conn.execute(f"DELETE FROM temp.{name}")
                    conn.executemany(
                        f"INSERT OR IGNORE INTO temp.{name}(id) VALUES (?)", ((i,) for i in ids)
                    )
                for column, kind, table in (
                    ("read", "read", "sync_unread"),
                    ("starred", "star", "sync_starred"),
                ):
                    # read flips where it equals "listed as unread"; starred where it
                    # differs from "listed as starred".
                    test = "=" if column == "read" else "!="
                    rows = conn.execute(
                        f"UPDATE articles SET {column} = 1 - {column} WHERE id IN ("
                        "SELECT r.article_id FROM remote_items r "
                        "JOIN articles a ON a.id = r.article_id "
                        f"WHERE r.account_id = ? AND a.{column} {test} "
                        f"(r.remote_id IN (SELECT id FROM temp.{table})) "
                        "AND NOT EXISTS (SELECT 1 FROM sync_queue q "
                        "WHERE q.article_id = r.article_id AND q.kind = ?)) "
                        f"RETURNING id, {column}",
                        (account_id, kind),
                    ).fetchall()
                    moved[column].update((r[0], r[1]) for r in rows)
                    changed += len(rows)
                conn.execute("DELETE FROM temp.sync_unread")
                conn.execute("DELETE FROM temp.sync_starred")
            if self.group_stories:
                changed += self._follow_story(conn, moved)
        return changed

    @staticmethod
    def _follow_story(conn: sqlite3.Connection, moved: Mapping[str, Mapping[int, int]]) -> int:
        """The other copies of the stories a pull read or starred follow them.

        Why: reading and starring act on a story (duplicate stories), and a
        copy left unread in another feed would list the story as unread
        again.  Written after the pull's own writes, with ``pulling`` off, so
        a copy that is synced (through another feed or account) is queued
        like the user's change.  Only what this pull changed moves its
        copies, so state never goes back and forth; a copy with its own
        queued change keeps it.
        """
        changed = 0
        for column, values in moved.items():
            kind = "read" if column == "read" else "star"
            for value in (0, 1):
                ids = [aid for aid, v in values.items() if v == value]
                copies = [c for c in story_members(conn, ids)[len(ids) :] if c not in values]
                for marks, chunk in in_chunks(copies):
                    cur = conn.execute(
                        f"UPDATE articles SET {column} = ? WHERE id IN ({marks}) "
                        f"AND {column} != ? AND NOT EXISTS (SELECT 1 FROM sync_queue q "
                        "WHERE q.article_id = articles.id AND q.kind = ?)",
                        [value, *chunk, value, kind],
                    )
                    changed += cur.rowcount
        return changed

    def apply_remote_labels(
        self, account_id: int, labels: Mapping[str, Collection[str]], dropped: Iterable[str]
    ) -> int:
        """Make the tags of the account's articles what the server's labels say;
        the number of tags set or cleared.

        ``labels`` maps each label (as a tag name) to its item ids; ``dropped``
        are labels the server had at the last sync and has no more: their
        tags leave the account's articles.  A queued change of a label on an
        article keeps the local version.  Tags are matched as the tag editor
        matches them (case-folded), and a tag the pull leaves on no article
        goes, as when the user removes it.  One pass over the wanted pairs,
        whatever the number of labels.
        """
        not_queued = (
            "NOT EXISTS (SELECT 1 FROM sync_queue q WHERE q.article_id = {0}.article_id "
            "AND q.kind = 'label' AND q.arg = (SELECT name FROM tags WHERE id = {0}.tag_id) "
            "COLLATE NOCASE)"
        )
        changed = 0
        with self.transaction() as conn, self._pulling(conn):
            index = tag_index(conn)
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS sync_label_items(id TEXT NOT NULL, tag_id INTEGER)"
            )
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS sync_want(article_id INTEGER, tag_id INTEGER, "
                "PRIMARY KEY (article_id, tag_id)) WITHOUT ROWID"
            )
            conn.execute("DELETE FROM temp.sync_label_items")
            conn.execute("DELETE FROM temp.sync_want")
            tag_ids: list[int] = []
            for name, ids in labels.items():
                tag_id = ensure_tag(conn, index, name)
                tag_ids.append(tag_id)
                conn.executemany(
                    "INSERT INTO temp.sync_label_items(id, tag_id) VALUES (?, ?)",
                    ((i, tag_id) for i in ids),
                )
            tag_ids.extend(
                index[name.casefold()][0] for name in dropped if name.casefold() in index
            )
            conn.execute(
                "INSERT OR IGNORE INTO temp.sync_want(article_id, tag_id) "
                "SELECT r.article_id, l.tag_id FROM temp.sync_label_items l "
                "JOIN remote_items r ON r.account_id = ? AND r.remote_id = l.id",
                (account_id,),
            )
            wanted = not_queued.format("w")
            changed += conn.execute(
                "INSERT OR IGNORE INTO article_tags(article_id, tag_id) "
                f"SELECT w.article_id, w.tag_id FROM temp.sync_want w WHERE {wanted}"
            ).rowcount
            for marks, chunk in in_chunks(sorted(set(tag_ids))):
                changed += conn.execute(
                    f"DELETE FROM article_tags WHERE tag_id IN ({marks}) AND article_id IN "
                    "(SELECT article_id FROM remote_items WHERE account_id = ?) "
                    "AND NOT EXISTS (SELECT 1 FROM temp.sync_want w WHERE w.article_id = "
                    "article_tags.article_id AND w.tag_id = article_tags.tag_id) "
                    f"AND {not_queued.format('article_tags')}",
                    (*chunk, account_id),
                ).rowcount
            drop_orphan_tags(conn, tag_ids)
            conn.execute("DELETE FROM temp.sync_label_items")
            conn.execute("DELETE FROM temp.sync_want")
        return changed

"""The SQLite cache: schema, migrations and every query.

One ``Store`` wraps one connection and must stay on the thread that opened it
(``Library`` keeps one per thread).  Refresh writes go through
``store_entries``, which touches only feed-owned columns: read, starred, tags
and notes are user state and no refresh ever rewrites them.  Hot paths use
plain SQL with ``executemany``; sqlite-utils builds and migrates the schema.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.core import folders
from tui.core.entries import prepared
from tui.core.errors import NotFound, StoreError

if TYPE_CHECKING:
    import sqlite_utils
from tui.core.models import Article, Enclosure, Feed, Note, ParsedEntry, ParsedFeed, View

SCHEMA_VERSION = 3
BUSY_TIMEOUT_MS = 10_000
# Article bodies are several KB and the search index writes long segments:
# with 16 KB pages rather than 4 KB, fewer overflow pages and page splits
# took about a fifth off the refreshing process's CPU time (1,000 feeds x 50).
PAGE_SIZE = 16_384


def _schema_v1(db: sqlite_utils.Database) -> None:
    """The first schema: feeds, articles, tags, notes, saved searches and the index."""
    db.execute(
        """
        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            site_url TEXT,
            folder TEXT,
            kind TEXT,
            etag TEXT,
            last_modified TEXT,
            last_fetched INTEGER,
            last_changed INTEGER,
            last_status INTEGER,
            error TEXT,
            warning TEXT,
            gone INTEGER NOT NULL DEFAULT 0,
            settings TEXT NOT NULL DEFAULT '{}',
            added INTEGER NOT NULL
        )"""
    )
    # Small, often-filtered columns come first and the bodies last, so that
    # checking read/starred never walks a row's overflow pages.
    db.execute(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            read INTEGER NOT NULL DEFAULT 0,
            starred INTEGER NOT NULL DEFAULT 0,
            published INTEGER NOT NULL,
            first_seen INTEGER NOT NULL,
            updated INTEGER,
            version TEXT NOT NULL,
            guid TEXT,
            url TEXT,
            title TEXT NOT NULL DEFAULT '',
            author TEXT,
            enclosures TEXT,
            base_url TEXT,
            summary TEXT,
            content_html TEXT,
            content_md TEXT,
            UNIQUE (feed_id, key)
        )"""
    )
    db.execute("CREATE INDEX articles_published ON articles(published DESC, id DESC)")
    db.execute("CREATE INDEX articles_feed_published ON articles(feed_id, published DESC, id DESC)")
    db.execute("CREATE INDEX articles_unread ON articles(feed_id) WHERE read = 0")
    db.execute("CREATE INDEX articles_starred ON articles(published DESC) WHERE starred = 1")
    db.execute("CREATE INDEX articles_unconverted ON articles(id) WHERE content_md IS NULL")
    db.execute(
        "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE)"
    )
    db.execute(
        """
        CREATE TABLE article_tags (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
            PRIMARY KEY (article_id, tag_id)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX article_tags_tag ON article_tags(tag_id)")
    db.execute(
        """
        CREATE TABLE feed_tags (
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
            PRIMARY KEY (feed_id, tag_id)
        ) WITHOUT ROWID"""
    )
    db.execute(
        """
        CREATE TABLE notes (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            body TEXT NOT NULL,
            created INTEGER NOT NULL,
            updated INTEGER NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE saved_searches (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            query TEXT NOT NULL
        )"""
    )
    # Keys of articles that cleanup removed, so a feed that still lists them
    # does not bring them back as unread on the next refresh.
    db.execute(
        """
        CREATE TABLE removed_keys (
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            removed INTEGER NOT NULL,
            PRIMARY KEY (feed_id, key)
        ) WITHOUT ROWID"""
    )
    # A normal (not external-content) FTS5 table keyed by article id: its body
    # is the article's words, not its HTML, which a trigger could not compute.
    db.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5("
        "title, author, body, note, tokenize = 'unicode61 remove_diacritics 2', "
        "prefix = '2 3')"
    )
    db.execute(_FTS_DELETE_TRIGGER)


_FTS_DELETE_TRIGGER = (
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
    "DELETE FROM articles_fts WHERE rowid = old.id; END"
)


def _schema_v2(db: sqlite_utils.Database) -> None:
    """A cheaper search index, and list indexes that answer deep pages alone.

    The search index is rebuilt without its 2- and 3-letter prefix indexes:
    they tripled the entries written per word, about half of a cold
    refresh's database time, yet ranked prefix queries ran no faster with
    them (at 100,000 articles ORDER BY rank dominates).  FTS5 cannot drop
    them in place, so the rows are copied.

    The (published, id) list indexes gain feed_id, and unread articles get
    their own: a page deep in a folder or the Unread view skips index
    entries instead of reading article rows (last page of 50,000 unread:
    134 ms before, under 3 ms after).
    """
    db.execute("DROP INDEX articles_published")
    db.execute("CREATE INDEX articles_published ON articles(published DESC, id DESC, feed_id)")
    db.execute(
        "CREATE INDEX articles_unread_published ON articles(published DESC, id DESC, feed_id) "
        "WHERE read = 0"
    )
    db.execute("DROP TRIGGER articles_fts_delete")
    db.execute("ALTER TABLE articles_fts RENAME TO articles_fts_v1")
    db.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5("
        "title, author, body, note, tokenize = 'unicode61 remove_diacritics 2')"
    )
    db.execute(
        "INSERT INTO articles_fts(rowid, title, author, body, note) "
        "SELECT rowid, title, author, body, note FROM articles_fts_v1"
    )
    db.execute("DROP TABLE articles_fts_v1")
    db.execute(_FTS_DELETE_TRIGGER)
    # Merge index segments in larger steps: about a fifth less indexing work
    # per refresh, for searches that read a few more (small) segments.
    db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 16)")


def _schema_v3(db: sqlite_utils.Database) -> None:
    """Convert again the bodies the converter now writes better (no schema change).

    Two kinds, found in one pass of SQL: plain text with line breaks (no markup: no
    "<" before a letter, "/", "!" or "?"), which was run into one paragraph, and
    Markdown with an image glued to the one before it, whose alt texts ran together.
    Their Markdown is cleared, so they are converted again when opened or by the
    background conversion after the next refresh: few articles, and plain text
    converts without an HTML parse.  Other bodies keep their Markdown, and the
    search index keeps its words: converting or indexing every article again would
    cost minutes of CPU at 100,000 for words that were rarely joined.
    """
    db.execute(
        "UPDATE articles SET content_md = NULL WHERE content_md IS NOT NULL AND ("
        "(instr(coalesce(content_html, summary), char(10)) > 0 "
        "AND NOT coalesce(content_html, summary) GLOB '*<[A-Za-z/!?]*') "
        "OR instr(content_md, ')![') > 0 OR instr(content_md, ')[![') > 0)"
    )


# Forward migrations: MIGRATIONS[n] upgrades a database at version n to n + 1.
MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (
    _schema_v1,
    _schema_v2,
    _schema_v3,
)
assert len(MIGRATIONS) == SCHEMA_VERSION

_ARTICLE_COLUMNS = (
    "a.id, a.feed_id, f.title, f.url, a.guid, a.url, a.title, a.author, a.published, "
    "a.updated, a.summary, a.read, a.starred, a.first_seen, a.enclosures, "
    "EXISTS (SELECT 1 FROM notes n WHERE n.article_id = a.id)"
)


def _uid(feed_url: str, key: str) -> str:
    """A portable article identity (used by exported notes), fixed at first sight."""
    return hashlib.sha1(f"{feed_url}\0{key}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _enclosures_json(entry: ParsedEntry) -> str | None:
    if not entry.enclosures:
        return None
    return json.dumps([[e.url, e.type, e.length] for e in entry.enclosures])


def _enclosures(raw: str | None) -> tuple[Enclosure, ...]:
    if not raw:
        return ()
    try:
        return tuple(Enclosure(u, t, n) for u, t, n in json.loads(raw))
    except (ValueError, TypeError):
        return ()


def _write_index(
    conn: sqlite3.Connection, new: list[tuple[Any, ...]], changed: list[tuple[Any, ...]]
) -> None:
    """Index new articles (rowid, title, author, words) and re-index changed
    ones (title, author, words, rowid), keeping the note text of the latter."""
    if new:
        conn.executemany(
            "INSERT INTO articles_fts(rowid, title, author, body) VALUES (?, ?, ?, ?)", new
        )
    if changed:
        conn.executemany("DELETE FROM articles_fts WHERE rowid = ?", [(r[3],) for r in changed])
        conn.executemany(
            "INSERT INTO articles_fts(title, author, body, rowid, note) "
            "VALUES (?, ?, ?, ?, (SELECT body FROM notes WHERE article_id = ?))",
            [(*r, r[3]) for r in changed],
        )


#: A noted article as ``Store.export_rows`` gives it (the ``NoteExport`` fields, in order).
NotedRow = tuple[
    str, str | None, str | None, str | None, str | None, int | None, tuple[str, ...], int, str, int
]


class Store:
    """One connection to the cache, opened (and migrated) on construction."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            # check_same_thread=False only so that Library.close() can close
            # every thread's connection at exit; each is still used by one thread.
            conn = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            self.conn = conn
            # Index rows of an open batch, written at commit (see begin_batch).
            self._pending_index: list[tuple[list[Any], list[Any]]] | None = None
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            # Takes effect only on a new file (before WAL mode, which fixes it).
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            if self.path != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            folders.register(conn)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the database ({exc})") from exc
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open the database ({exc.strerror})") from exc

    def close(self) -> None:
        self.conn.close()

    def data_version(self) -> int:
        """SQLite's ``PRAGMA data_version`` on this connection.

        It changes when another connection commits (the CLI, cron, another
        thread), never for this connection's own writes; reading it touches
        no table, so a running reader can poll it to see outside changes.
        """
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over this connection, imported only when needed
        (migrations), which keeps it off the reader's startup path."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # -- plumbing ---------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction taken up front (IMMEDIATE) so it cannot deadlock later.

        Failures the user can cause (a read-only file, a full disk, a lock held
        too long) become one-line StoreErrors; constraint errors stay as they
        are, because callers turn those into their own messages.

        Inside an open transaction (see :meth:`begin_batch`) this is a
        savepoint: a failure undoes this unit of work alone, and nothing is
        durable until the outer transaction commits.
        """
        nested = self._pending_index is not None
        queued = len(self._pending_index or ())
        if nested and not self.conn.in_transaction:
            # SQLite rolled the batch back (a full disk): nothing may be added to it.
            raise StoreError(f"{self.path}: cannot write (the transaction was rolled back)")
        try:
            self.conn.execute("SAVEPOINT unit" if nested else "BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot write ({exc})") from exc
        try:
            yield self.conn
            self.conn.execute("RELEASE unit" if nested else "COMMIT")
        except BaseException as exc:
            # SQLite may already have rolled the whole transaction back (a full disk).
            if self.conn.in_transaction:
                if nested:
                    self.conn.execute("ROLLBACK TO unit")
                    self.conn.execute("RELEASE unit")
                    if self._pending_index is not None:  # their articles are gone
                        del self._pending_index[queued:]
                else:
                    self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError) and not isinstance(
                exc, sqlite3.IntegrityError
            ):
                raise StoreError(f"{self.path}: cannot write ({exc})") from exc
            raise

    def begin_batch(self) -> None:
        """Open a write transaction that later :meth:`transaction` calls join.

        Refresh writes many feeds this way and commits every so often: FTS5
        flushes its pending index data on every commit and on every savepoint
        release, so per-feed commits cost more than the writing itself.  While
        a batch is open, ``store_entries`` therefore queues its index rows and
        :meth:`commit_batch` writes them all at once, outside any savepoint.
        """
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot write ({exc})") from exc
        self._pending_index = []

    def commit_batch(self) -> None:
        """Commit what :meth:`begin_batch` opened; on failure nothing of it is kept."""
        pending, self._pending_index = self._pending_index or [], None
        if not self.conn.in_transaction:  # rolled back by SQLite under a unit
            raise StoreError(f"{self.path}: cannot write (the transaction was rolled back)")
        try:
            for new, changed in pending:
                _write_index(self.conn, new, changed)
            self.conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise StoreError(f"{self.path}: cannot write ({exc})") from exc
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def abort_batch(self) -> None:
        """Give up what :meth:`begin_batch` opened (a no-op when nothing is open)."""
        self._pending_index = None
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    @property
    def batch_intact(self) -> bool:
        """Whether the open batch still has its transaction (SQLite rolls the
        whole of it back on some errors, such as a full disk)."""
        return self._pending_index is not None and self.conn.in_transaction

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: database schema {version} is newer than this Gazette "
                f"understands ({SCHEMA_VERSION}); upgrade Gazette"
            )
        while version < SCHEMA_VERSION:
            with self.transaction():
                # Another process may have migrated while we waited for the lock.
                version = self.conn.execute("PRAGMA user_version").fetchone()[0]
                if version >= SCHEMA_VERSION:
                    break
                MIGRATIONS[version](self.db)
                version += 1
                self.conn.execute(f"PRAGMA user_version = {version}")

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    # -- feeds ------------------------------------------------------------

    def add_feed(
        self,
        url: str,
        *,
        title: str | None = None,
        site_url: str | None = None,
        folder: str | None = None,
    ) -> int:
        """Subscribe; returns the new feed id.  Raises StoreError if the URL is known.

        Folder tags are set afterwards through ``tags.set_feed_tags``, which
        matches tag names with full Unicode case folding.  The folder is
        stored in the path form of :func:`tui.core.folders.normalise`.
        """
        with self.transaction() as conn:
            try:
                cur = conn.execute(
                    "INSERT INTO feeds(url, title, site_url, folder, added) VALUES (?, ?, ?, ?, ?)",
                    (
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
            f"last_changed, last_status, error, gone FROM feeds{where} "
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
            )
            for r in rows
        ]

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

    # -- ingest -----------------------------------------------------------

    def store_entries(
        self,
        feed_id: int,
        parsed: ParsedFeed,
        *,
        status: int = 200,
        etag: str | None = None,
        last_modified: str | None = None,
        now: int | None = None,
    ) -> tuple[int, int]:
        """Write one fetched document in one transaction; returns (new, updated).

        New entries are inserted; known entries whose feed-owned fields changed
        are updated in place (their Markdown is dropped, to be made again);
        user state is never written here.
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
            inserts: list[tuple[Any, ...]] = []
            updates: list[tuple[Any, ...]] = []
            fts_new: list[tuple[Any, ...]] = []
            fts_changed: list[tuple[Any, ...]] = []
            index_new: list[tuple[Any, ...]] = []
            for raw in parsed.entries:
                if raw.key in removed:
                    continue
                entry = prepared(raw)
                version = entry.version
                published = entry.published or entry.updated
                # Never in the future: a wrong zone or a broken server clock
                # would pin the article to the top of every list.
                if published is None or published > now:
                    published = now
                old = known.get(entry.key)
                if old is None:
                    inserts.append(
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
                            entry.content,
                            entry.base,
                            _enclosures_json(entry),
                            version,
                            now,
                        )
                    )
                    fts_new.append((entry.key, entry.title, entry.author, entry.words))
                    known[entry.key] = (-1, version)
                elif old[1] != version:
                    updates.append(
                        (
                            entry.guid,
                            entry.url,
                            entry.title,
                            entry.author,
                            entry.updated,
                            entry.summary,
                            entry.content,
                            entry.base,
                            _enclosures_json(entry),
                            version,
                            old[0],
                        )
                    )
                    fts_changed.append((entry.title, entry.author, entry.words, old[0]))
                    known[entry.key] = (old[0], version)
            if inserts:
                self._unique_uids(conn, inserts, feed_id)
                conn.executemany(
                    "INSERT INTO articles(uid, feed_id, key, guid, url, title, author, "
                    "published, updated, summary, content_html, base_url, enclosures, version, "
                    "first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    inserts,
                )
                ids = dict(
                    conn.execute(
                        "SELECT key, id FROM articles WHERE feed_id = ? AND first_seen = ?",
                        (feed_id, now),
                    ).fetchall()
                )
                index_new = [(ids[k], t, a, b) for k, t, a, b in fts_new]
            if updates:
                conn.executemany(
                    "UPDATE articles SET guid = ?, url = ?, title = ?, author = ?, updated = ?, "
                    "summary = ?, content_html = ?, content_md = NULL, base_url = ?, "
                    "enclosures = ?, version = ? WHERE id = ?",
                    updates,
                )
            if self._pending_index is None:
                _write_index(conn, index_new, fts_changed)
            if removed:
                # A removed key the feed no longer lists can never come back.
                listed = {e.key for e in parsed.entries}
                conn.executemany(
                    "DELETE FROM removed_keys WHERE feed_id = ? AND key = ?",
                    [(feed_id, k) for k in removed - listed],
                )
            changed = bool(inserts or updates)
            conn.execute(
                # A title the user chose (settings.user_title) outlives refreshes.
                "UPDATE feeds SET title = CASE WHEN ? != '' AND "
                "json_extract(CASE WHEN json_valid(settings) THEN settings ELSE '{}' END, "
                "'$.user_title') IS NULL THEN ? ELSE title END, "
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
    def _unique_uids(
        conn: sqlite3.Connection, inserts: list[tuple[Any, ...]], feed_id: int
    ) -> None:
        """Give rows whose portable uid is taken (a feed re-added under a URL it
        was redirected from) a uid salted with the feed id, in place."""
        taken: set[str] = set()
        for start in range(0, len(inserts), 500):
            chunk = [row[0] for row in inserts[start : start + 500]]
            marks = ",".join("?" * len(chunk))
            taken.update(
                r[0]
                for r in conn.execute(f"SELECT uid FROM articles WHERE uid IN ({marks})", chunk)
            )
        if taken:
            for i, row in enumerate(inserts):
                if row[0] in taken:
                    inserts[i] = (_uid(f"{feed_id}\0{row[0]}", row[2]), *row[1:])

    # -- articles ---------------------------------------------------------

    def _article(self, r: Sequence[Any], tags: Iterable[str] = ()) -> Article:
        return Article(
            id=r[0],
            feed_id=r[1],
            feed_title=r[2] or r[3],
            feed_url=r[3],
            guid=r[4],
            url=r[5],
            title=r[6],
            author=r[7],
            published=r[8],
            updated=r[9],
            summary=r[10],
            read=bool(r[11]),
            starred=bool(r[12]),
            first_seen=r[13],
            enclosures=_enclosures(r[14]),
            has_note=bool(r[15]),
            tags=tuple(tags),
        )

    def _tags_for(self, ids: Sequence[int]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        if not ids:
            return out
        marks = ",".join("?" * len(ids))
        for aid, name in self.conn.execute(
            f"SELECT at.article_id, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id "
            f"WHERE at.article_id IN ({marks}) ORDER BY t.name COLLATE NOCASE",
            list(ids),
        ):
            out.setdefault(aid, []).append(name)
        return out

    @staticmethod
    def _where(view: View) -> tuple[str, list[Any]]:
        """SQL conditions on ``articles a`` alone selecting a view.

        No join to ``feeds``: with the folder as a set of feed ids, list pages,
        counts and positions are answered from the article indexes.
        """
        clauses: list[str] = []
        params: list[Any] = []
        if view.feed_id is not None:
            clauses.append("a.feed_id = ?")
            params.append(view.feed_id)
        if view.folder is not None:
            # The folder rule of tui.core.folders, called from SQL (see Store()).
            clauses.append(f"a.feed_id IN (SELECT id FROM feeds WHERE {folders.SQL_MEMBER})")
            params.append(view.folder)
        if view.unread:
            clauses.append("a.read = 0")
        if view.starred:
            clauses.append("a.starred = 1")
        if view.noted:
            clauses.append("a.id IN (SELECT article_id FROM notes)")
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def articles(
        self,
        view: View = View(),
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = True,
    ) -> list[Article]:
        """A page of a view's articles, newest first by default (ties broken by id).

        The page's ids come first, from the (published, id) indexes alone, and
        only then their rows: a deep OFFSET skips index entries, not whole
        article rows (the last page of 50,000 went from 177 ms to a few).
        """
        where, params = self._where(view)
        order = "DESC" if newest_first else "ASC"
        ids = [
            r[0]
            for r in self.conn.execute(
                f"SELECT a.id FROM articles a{where} "
                f"ORDER BY a.published {order}, a.id {order} LIMIT ? OFFSET ?",
                [*params, -1 if limit is None else limit, offset],
            )
        ]
        rows: list[Sequence[Any]] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows.extend(
                self.conn.execute(
                    f"SELECT {_ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
                    f"WHERE a.id IN ({marks}) ORDER BY a.published {order}, a.id {order}",
                    chunk,
                )
            )
        tags = self._tags_for(ids)
        return [self._article(r, tags.get(r[0], ())) for r in rows]

    def count_articles(self, view: View = View()) -> int:
        where, params = self._where(view)
        sql = f"SELECT count(*) FROM articles a{where}"
        return int(self.conn.execute(sql, params).fetchone()[0])

    def mark_view_read(self, view: View) -> list[int]:
        """Mark every unread article of a view read; returns their ids (for undo)."""
        where, params = self._where(replace(view, unread=True))
        with self.transaction() as conn:
            ids = [r[0] for r in conn.execute(f"SELECT a.id FROM articles a{where}", params)]
            conn.executemany("UPDATE articles SET read = 1 WHERE id = ?", [(i,) for i in ids])
        return ids

    def smart_counts(self) -> dict[str, int]:
        """Counts for the smart views: all, unread, starred, noted."""
        # Separate counts so each uses its (partial) index instead of a table scan.
        row = self.conn.execute(
            "SELECT (SELECT count(*) FROM articles), "
            "(SELECT count(*) FROM articles WHERE read = 0), "
            "(SELECT count(*) FROM articles WHERE starred = 1), "
            "(SELECT count(*) FROM notes)"
        ).fetchone()
        return {"all": row[0], "unread": row[1], "starred": row[2], "noted": row[3]}

    # -- notes ------------------------------------------------------------

    def note(self, article_id: int) -> Note | None:
        row = self.conn.execute(
            "SELECT body, created, updated FROM notes WHERE article_id = ?", (article_id,)
        ).fetchone()
        return None if row is None else Note(article_id, row[0], row[1], row[2])

    def noted_articles(self) -> list[tuple[Article, Note]]:
        """Every noted article with its note, newest first (the order of the Noted view).

        One query for articles and notes together and one for their tags,
        however many notes there are: listing them article by article and
        then each note on its own cost a query per note.  The tags are joined
        through ``notes`` rather than passed as ids, so no id list can reach
        the bound-parameter limit.
        """
        rows = self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS}, n.body, n.created, n.updated FROM notes n "
            "JOIN articles a ON a.id = n.article_id JOIN feeds f ON f.id = a.feed_id "
            "ORDER BY a.published DESC, a.id DESC"
        ).fetchall()
        tags: dict[int, list[str]] = {}
        for aid, name in self.conn.execute(
            "SELECT at.article_id, t.name FROM notes n "
            "JOIN article_tags at ON at.article_id = n.article_id "
            "JOIN tags t ON t.id = at.tag_id ORDER BY t.name COLLATE NOCASE"
        ):
            tags.setdefault(aid, []).append(name)
        return [
            (self._article(r, tags.get(r[0], ())), Note(r[0], r[-3], r[-2], r[-1])) for r in rows
        ]

    def save_note(self, article_id: int, body: str, now: int) -> None:
        """Write a note in one transaction; a blank note is deleted, not stored."""
        with self.transaction() as conn:
            note = body if body.strip() else None
            conn.execute("UPDATE articles_fts SET note = ? WHERE rowid = ?", (note, article_id))
            if note is None:
                conn.execute("DELETE FROM notes WHERE article_id = ?", (article_id,))
                return
            conn.execute(
                "INSERT INTO notes(article_id, body, created, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(article_id) DO UPDATE SET body = excluded.body, "
                "updated = excluded.updated WHERE body != excluded.body",
                (article_id, body, now, now),
            )

    def article(self, article_id: int) -> Article:
        row = self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
            "WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no article with id {article_id}")
        return self._article(row, self._tags_for([article_id]).get(article_id, ()))

    def article_body(self, article_id: int) -> tuple[str | None, str | None, str | None]:
        """(stored Markdown or None, HTML, base URL) of one article."""
        row = self.conn.execute(
            "SELECT content_md, coalesce(content_html, summary), base_url FROM articles "
            "WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no article with id {article_id}")
        return row[0], row[1], row[2]

    def save_markdown(self, items: Iterable[tuple[int, str]]) -> None:
        """Store converted Markdown (article id, markdown) in one transaction."""
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE articles SET content_md = ? WHERE id = ?", [(md, aid) for aid, md in items]
            )

    def unconverted(self, limit: int) -> list[tuple[int, str | None, str | None]]:
        """Articles whose current version has no Markdown yet: (id, HTML, base URL)."""
        return self.conn.execute(
            "SELECT id, coalesce(content_html, summary), base_url FROM articles "
            "WHERE content_md IS NULL ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()

    def set_read(self, ids: Sequence[int], read: bool) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE articles SET read = ? WHERE id = ?", [(int(read), i) for i in ids]
            )

    def set_starred(self, ids: Sequence[int], starred: bool) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE articles SET starred = ? WHERE id = ?", [(int(starred), i) for i in ids]
            )

    def set_flag(
        self, ids: Sequence[int], column: str, value: bool
    ) -> tuple[list[int], list[int], list[int]]:
        """Set ``read`` or ``starred`` on articles in one transaction.

        Returns the ids (each once, in the order given) that changed, that
        already had that state, and that name no article: the command line
        reports all three, and only the first is worth an undo.
        """
        if column not in ("read", "starred"):
            raise ValueError(f"not an article flag: {column!r}")
        wanted = list(dict.fromkeys(int(i) for i in ids))
        current: dict[int, bool] = {}
        with self.transaction() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                current.update(
                    (aid, bool(flag))
                    for aid, flag in conn.execute(
                        f"SELECT id, {column} FROM articles WHERE id IN ({marks})", chunk
                    )
                )
            changed = [i for i in wanted if i in current and current[i] != value]
            conn.executemany(
                f"UPDATE articles SET {column} = ? WHERE id = ?", [(int(value), i) for i in changed]
            )
        unchanged = [i for i in wanted if current.get(i) == value]
        missing = [i for i in wanted if i not in current]
        return changed, unchanged, missing

    # -- retention ----------------------------------------------------------

    _UNPROTECTED = (
        "a.read = 1 AND a.starred = 0 "
        "AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.article_id = a.id) "
        "AND NOT EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id)"
    )

    def cleanup_candidates(self, *, older_than: int | None, max_per_feed: int) -> list[int]:
        """Ids retention may remove: read, unstarred, untagged, unnoted articles
        first seen before ``older_than`` or beyond the newest ``max_per_feed`` of
        their feed."""
        ids: set[int] = set()
        if older_than is not None:
            ids.update(
                r[0]
                for r in self.conn.execute(
                    f"SELECT a.id FROM articles a WHERE {self._UNPROTECTED} "
                    "AND a.first_seen < ? AND a.published < ?",
                    (older_than, older_than),
                )
            )
        if max_per_feed > 0:
            ids.update(
                r[0]
                for r in self.conn.execute(
                    "SELECT a.id FROM articles a JOIN (SELECT id, row_number() OVER ("
                    "PARTITION BY feed_id ORDER BY published DESC, id DESC) AS pos "
                    f"FROM articles) r ON r.id = a.id WHERE r.pos > ? AND {self._UNPROTECTED}",
                    (max_per_feed,),
                )
            )
        return sorted(ids)

    def articles_by_id(self, ids: Sequence[int]) -> list[Article]:
        """These articles (unknown ids skipped), newest first as lists show them.

        For listings of a set of ids that no view describes, such as what
        retention would remove; read in chunks under SQLite's parameter limit.
        """
        ids = list(dict.fromkeys(int(i) for i in ids))
        articles: list[Article] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            tags = self._tags_for(chunk)
            articles.extend(
                self._article(r, tags.get(r[0], ()))
                for r in self.conn.execute(
                    f"SELECT {_ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
                    f"WHERE a.id IN ({marks})",
                    chunk,
                )
            )
        articles.sort(key=lambda a: (a.published or 0, a.id), reverse=True)
        return articles

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

    # -- views for the UI --

    def _after(self, article_id: int, older: bool) -> tuple[str, list[Any]] | None:
        """A keyset condition for rows after an article in list order (None if it is gone)."""
        row = self.conn.execute(
            "SELECT published FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        op = "<" if older else ">"
        return f"(a.published, a.id) {op} (?, ?)", [row[0], article_id]

    def article_position(
        self, view: View, article_id: int, *, newest_first: bool = True
    ) -> int | None:
        """Where an article sits (or would sit) in a view's list: the rows before it."""
        before = self._after(article_id, older=not newest_first)
        if before is None:
            return None
        where, params = self._where(view)
        glue = " AND " if where else " WHERE "
        sql = f"SELECT count(*) FROM articles a{where}{glue}{before[0]}"
        return int(self.conn.execute(sql, [*params, *before[1]]).fetchone()[0])

    def next_unread(
        self,
        view: View,
        after_id: int | None,
        *,
        newest_first: bool = True,
        forward: bool = True,
    ) -> Article | None:
        """The nearest unread article of a view after (or before) one, in list order."""
        older = newest_first == forward
        where, params = self._where(replace(view, unread=True))
        if after_id is not None:
            cond = self._after(after_id, older=older)
            if cond is not None:
                where += f" AND {cond[0]}"
                params += cond[1]
        order = "DESC" if older else "ASC"
        row = self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id{where} "
            f"ORDER BY a.published {order}, a.id {order} LIMIT 1",
            params,
        ).fetchone()
        if row is None:
            return None
        return self._article(row, self._tags_for([row[0]]).get(row[0], ()))

    # -- scheduling and per-feed settings --

    def feed_settings(self, feed_id: int) -> dict[str, Any]:
        """A feed's settings JSON as a dict ({} when empty or unreadable)."""
        row = self.conn.execute("SELECT settings FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        if row is None:
            raise NotFound(f"no feed with id {feed_id}")
        return _settings_dict(row[0])

    def all_feed_settings(self) -> list[tuple[int, int | None, bool, dict[str, Any]]]:
        """(id, last_fetched, gone, settings) of every feed: what the scheduler needs.

        One cheap query, without the article counts ``feeds()`` computes,
        because the app asks every minute.
        """
        rows = self.conn.execute("SELECT id, last_fetched, gone, settings FROM feeds ORDER BY id")
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
                if "user_title" not in data:
                    data["feed_title"] = current_title
                data["user_title"] = new_title = title
            elif title is None and "user_title" in data:
                new_title = data.pop("feed_title", None) or current_title
                data.pop("user_title", None)
            conn.execute(
                "UPDATE feeds SET settings = ?, title = ? WHERE id = ?",
                (json.dumps(data, sort_keys=True), new_title, feed_id),
            )

    def record_cache_headers(self, feed_id: int, next_allowed: int | None) -> None:
        """Remember the earliest time the server allows the next fetch (None: any time).

        Kept in the settings JSON (``not_before``), not a new column, so the
        schema version does not move for one number.
        """
        if self.feed_settings(feed_id).get("not_before") != next_allowed:
            self.update_feed_settings(feed_id, {"not_before": next_allowed})

    def cleanup_candidates_for_feed(
        self, feed_id: int, *, older_than: int | None, max_per_feed: int
    ) -> list[int]:
        """``cleanup_candidates`` for one feed, with that feed's own rules."""
        ids: set[int] = set()
        if older_than is not None:
            ids.update(
                r[0]
                for r in self.conn.execute(
                    f"SELECT a.id FROM articles a WHERE a.feed_id = ? AND {self._UNPROTECTED} "
                    "AND a.first_seen < ? AND a.published < ?",
                    (feed_id, older_than, older_than),
                )
            )
        if max_per_feed > 0:
            ids.update(
                r[0]
                for r in self.conn.execute(
                    "SELECT a.id FROM articles a JOIN (SELECT id, row_number() OVER ("
                    "ORDER BY published DESC, id DESC) AS pos FROM articles WHERE feed_id = ?"
                    f") r ON r.id = a.id WHERE r.pos > ? AND {self._UNPROTECTED}",
                    (feed_id, max_per_feed),
                )
            )
        return sorted(ids)

    def article_feed_ids(self, ids: Sequence[int]) -> dict[int, int]:
        """article id -> feed id for the given articles (gone ones left out)."""
        out: dict[int, int] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            out.update(
                self.conn.execute(
                    f"SELECT id, feed_id FROM articles WHERE id IN ({marks})", chunk
                ).fetchall()
            )
        return out

    def export_rows(self, article_ids: Iterable[int] | None = None) -> list[NotedRow]:
        """Every noted article (or those of ``article_ids`` with a note), oldest first.

        Rows are (uid, title, url, feed title or URL, author, published, tags,
        starred, note, note updated); tags sorted case-blind.  The ids go to
        SQLite as one JSON array (``json_each``), so a ``--query`` matching
        thousands of articles does not hit the bound-parameter limit.
        """
        where = ""
        params: list[str] = []
        if article_ids is not None:
            ids = sorted({int(i) for i in article_ids})
            if not ids:
                return []
            where = " WHERE n.article_id IN (SELECT value FROM json_each(?))"
            params = [json.dumps(ids)]
        try:
            rows = self.conn.execute(
                "SELECT a.id, a.uid, a.title, a.url, coalesce(nullif(f.title, ''), f.url), "
                "a.author, a.published, a.starred, n.body, n.updated FROM notes n "
                "JOIN articles a ON a.id = n.article_id JOIN feeds f ON f.id = a.feed_id"
                f"{where} ORDER BY a.published, a.id",
                params,
            ).fetchall()
            tags: dict[int, list[str]] = {}
            for aid, name in self.conn.execute(
                "SELECT at.article_id, t.name FROM notes n "
                "JOIN article_tags at ON at.article_id = n.article_id "
                f"JOIN tags t ON t.id = at.tag_id{where} ORDER BY t.name COLLATE NOCASE",
                params,
            ):
                tags.setdefault(aid, []).append(name)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot read notes ({exc})") from exc
        return [(*r[1:7], tuple(tags.get(r[0], ())), r[7], r[8], r[9]) for r in rows]


def _settings_dict(raw: str | None) -> dict[str, Any]:
    """The settings column as a dict; anything that is not a JSON object reads as {}."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}

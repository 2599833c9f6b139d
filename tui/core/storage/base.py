"""The connection under every part of the store: pragmas, transactions, batches.

One ``Store`` wraps one connection and must stay on the thread that opened it
(``Library`` keeps one per thread).  The domain parts (feeds, ingest, articles
and so on) are mixins over :class:`StoreBase`, so each reaches the same
connection and transaction rules and ``Store`` keeps one flat API.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tui.core import folders
from tui.core.errors import StoreError
from tui.core.query.sql import register_functions
from tui.core.storage import packing, schema

if TYPE_CHECKING:
    import sqlite_utils

T = TypeVar("T")

BUSY_TIMEOUT_MS = 10_000
# Article bodies are several KB and the search index writes long segments:
# with 16 KB pages rather than 4 KB, fewer overflow pages and page splits
# took about a fifth off the refreshing process's CPU time (1,000 feeds x 50).
PAGE_SIZE = 16_384
# Ids bound per statement: far below SQLite's parameter limit (32,766 since
# 3.32, 999 before), and large enough that a list page is one statement.
CHUNK = 500


def in_chunks(ids: Sequence[T], size: int = CHUNK) -> Iterator[tuple[str, list[T]]]:
    """``(placeholders, values)`` for each slice of ``ids``, for ``IN (...)`` lists.

    The one way the store reads a large set of ids: a bulk edit of a whole
    view or a retention run can name 100,000 articles, more than SQLite binds
    in one statement.  Use as ``for marks, chunk in in_chunks(ids):
    conn.execute(f"... IN ({marks})", chunk)``.
    """
    for start in range(0, len(ids), size):
        chunk = list(ids[start : start + size])
        yield ",".join("?" * len(chunk)), chunk


def write_index(
    conn: sqlite3.Connection, new: list[tuple[Any, ...]], changed: list[tuple[Any, ...]]
) -> None:
    """Index new articles (rowid, title, author, words) and re-index changed
    ones (rowid, old title, old author, old words, title, author, words),
    keeping the note text of the latter.

    The index is contentless (schema 4): a row is removed by handing it the
    values it was given, so the caller reads the old ones before it updates
    the article.  Here rather than in ingest because an open batch defers
    these rows to :meth:`StoreBase.commit_batch` (see :meth:`StoreBase.begin_batch`);
    they are written in the order they were queued, so an article changed
    twice in one batch is removed with the values of the first change.
    """
    if new:
        conn.executemany(
            "INSERT INTO articles_fts(rowid, title, author, body) VALUES (?, ?, ?, ?)", new
        )
    if changed:
        conn.executemany(
            "INSERT INTO articles_fts(articles_fts, rowid, title, author, body, note) "
            "VALUES ('delete', ?, ?, ?, ?, (SELECT body FROM notes WHERE article_id = ?))",
            [(r[0], r[1], r[2], r[3], r[0]) for r in changed],
        )
        conn.executemany(
            "INSERT INTO articles_fts(rowid, title, author, body, note) "
            "VALUES (?, ?, ?, ?, (SELECT body FROM notes WHERE article_id = ?))",
            [(r[0], r[4], r[5], r[6], r[0]) for r in changed],
        )


def written_rows(
    new: list[tuple[Any, ...]], changed: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """The (id, title, author, words) index rows of articles just written,
    from :func:`write_index`'s arguments (a changed one with its new values)."""
    return [r[:4] for r in new] + [(r[0], r[4], r[5], r[6]) for r in changed]


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, retrying while another process is doing the same.

    Changing the journal mode needs an exclusive lock, and SQLite answers
    "database is locked" at once, without the busy handler, when another
    connection is in the middle of the same switch (two processes opening a
    new database together: the reader and a cron refresh).  So retry, with a
    short growing pause, until the busy timeout has passed.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)


class StoreBase:
    """One connection to the cache, opened (and migrated) on construction."""

    #: Duplicate stories listed once and acted on together (``[reading] group_duplicates``).
    group_stories = True

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
                _enable_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            folders.register(conn)
            packing.register(conn)
            # Rules run compiled queries inside writes, where a statement may be
            # active and SQLite refuses to add a function.
            register_functions(conn)
            schema.migrate(self)
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
        """sqlite-utils over this connection, imported only when asked for:
        migrations use the plain connection, as sqlite-utils and what it
        imports (click, dateutil, pluggy) are ~11 MB of a process's memory."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    # -- transactions -------------------------------------------------------

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

    # -- batches ------------------------------------------------------------

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
                write_index(self.conn, new, changed)
            self.rules_on_written(
                [row for new, changed in pending for row in written_rows(new, changed)]
            )
            self.conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise StoreError(f"{self.path}: cannot write ({exc})") from exc
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def rules_on_written(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Where rules act on the articles a refresh or sync pull just wrote
        (new or changed; their index rows, see :func:`written_rows`), inside
        its transaction: :class:`~tui.core.storage.rules.RulesMixin` does the work."""

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

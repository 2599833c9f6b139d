"""The schema: DDL for each version and the forward migrations between them.

``migrate`` runs on every open (see :class:`~tui.core.storage.base.StoreBase`):
a new file is built from version 0, an old one is brought up to
``SCHEMA_VERSION`` one step at a time, each step in its own transaction.
sqlite-utils runs the DDL; hot paths use plain SQL elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.core.errors import StoreError

if TYPE_CHECKING:
    import sqlite_utils

    from tui.core.storage.base import StoreBase

SCHEMA_VERSION = 3


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


def migrate(store: StoreBase) -> None:
    """Bring the store's database up to ``SCHEMA_VERSION``; StoreError if it is newer."""
    conn = store.conn
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{store.path}: database schema {version} is newer than this Gazette "
            f"understands ({SCHEMA_VERSION}); upgrade Gazette"
        )
    while version < SCHEMA_VERSION:
        with store.transaction():
            # Another process may have migrated while we waited for the lock.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= SCHEMA_VERSION:
                break
            MIGRATIONS[version](store.db)
            version += 1
            conn.execute(f"PRAGMA user_version = {version}")

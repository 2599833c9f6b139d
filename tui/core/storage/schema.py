"""The schema: DDL for each version and the forward migrations between them.

``migrate`` runs on every open (see :class:`~tui.core.storage.base.StoreBase`):
a new file is built from version 0, an old one is brought up to
``SCHEMA_VERSION`` one step at a time, each step in its own transaction.
sqlite-utils runs the DDL; hot paths use plain SQL elsewhere.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.errors import StoreError
from tui.core.storage.schema_held_ids import migrate_held_ids
from tui.core.storage.schema_history import migrate_history
from tui.core.storage.schema_rules import migrate_rules
from tui.core.storage.schema_stories import migrate_stories

if TYPE_CHECKING:
    from tui.core.storage.base import StoreBase

SCHEMA_VERSION = 10


def _schema_v1(db: sqlite3.Connection) -> None:
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


def _schema_v2(db: sqlite3.Connection) -> None:
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


def _schema_v3(db: sqlite3.Connection) -> None:
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


# Small, often-filtered columns first and the packed texts last (see schema 1).
_ARTICLES_V4 = """
    CREATE TABLE articles_v4 (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        converted INTEGER NOT NULL DEFAULT 0,
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
        body BLOB NOT NULL,
        UNIQUE (feed_id, key)
    )"""
_COLUMNS_V4 = (
    "id, uid, feed_id, key, read, starred, converted, published, first_seen, updated, "
    "version, guid, url, title, author, enclosures, base_url, summary, body"
)
# The index is contentless (it keeps no copy of the text), so a row is removed
# by handing it the values it was given: the article's title and author, the
# words packed in its body and its note.  Triggers keep the note column right
# whoever writes ``notes`` (the app, a test, the sqlite3 shell); deleting an
# article first deletes its note that way, then removes the row with no note.
_FTS_ARTICLE_DELETE = (
    "CREATE TRIGGER articles_fts_delete BEFORE DELETE ON articles BEGIN "
    "DELETE FROM notes WHERE article_id = old.id; "
    "INSERT INTO articles_fts(articles_fts, rowid, title, author, body, note) "
    "VALUES ('delete', old.id, old.title, old.author, gazette_words(old.body), NULL); END"
)


def _note_trigger(event: str, article: str, old_note: str, new_note: str) -> str:
    """A trigger on ``notes`` that gives the article's index row its new note:
    the row is removed with the old note and added with the new one."""
    name = event.split()[0].lower()
    row = "SELECT id, title, author, gazette_words(body), {} FROM articles WHERE id = " + article
    return (
        f"CREATE TRIGGER notes_fts_{name} AFTER {event} ON notes BEGIN "
        "INSERT INTO articles_fts(articles_fts, rowid, title, author, body, note) "
        f"SELECT 'delete', * FROM ({row.format(old_note)}); "
        f"INSERT INTO articles_fts(rowid, title, author, body, note) {row.format(new_note)}; END"
    )


_FTS_TRIGGERS_V4 = (
    _FTS_ARTICLE_DELETE,
    _note_trigger("INSERT", "new.article_id", "NULL", "new.body"),
    _note_trigger("UPDATE OF body", "new.article_id", "old.body", "new.body"),
    _note_trigger("DELETE", "old.article_id", "old.body", "NULL"),
)


def _schema_v4(db: sqlite3.Connection) -> None:
    """One compressed copy of each text: packed bodies and a contentless index.

    At 100,000 articles the database held 10.6 MB per 1,000 articles (newsboat:
    4.9): the HTML (~3.9 KB an article), the search index's own copy of the
    words (~3.9 KB), the index itself (~1.5 KB) and, once converted, the
    Markdown (~3.5 KB).  Now HTML, words and Markdown are one compressed
    value (:mod:`.packing`, ~1.8 KB; zlib then, Zstandard since) and the
    index keeps no copy (``content=''``); ``converted`` says whether the
    Markdown is there, for the background conversion's partial index.

    The table is rebuilt (a column cannot be given its place otherwise), with
    foreign keys off for this step (see :func:`migrate`), so that dropping the
    old table does not cascade to notes and tags; they are checked before the
    commit.  The index is built again from the same values the delete trigger
    will hand it: the row's title and author, the words the old index held,
    the note.
    """
    from tui.core.text import html_text

    db.create_function("gazette_html_text", 1, html_text, deterministic=True)
    db.execute("DROP TRIGGER articles_fts_delete")
    db.execute(_ARTICLES_V4)
    db.execute(
        f"INSERT INTO articles_v4 ({_COLUMNS_V4}) SELECT a.id, a.uid, a.feed_id, a.key, a.read, "
        "a.starred, a.content_md IS NOT NULL, a.published, a.first_seen, a.updated, a.version, "
        "a.guid, a.url, a.title, a.author, a.enclosures, a.base_url, a.summary, "
        "gazette_pack(a.content_html, coalesce(f.body, "
        "gazette_html_text(coalesce(a.content_html, a.summary))), a.content_md) "
        "FROM articles a LEFT JOIN articles_fts f ON f.rowid = a.id"
    )
    db.execute("DROP TABLE articles")
    db.execute("ALTER TABLE articles_v4 RENAME TO articles")
    db.execute("CREATE INDEX articles_published ON articles(published DESC, id DESC, feed_id)")
    db.execute("CREATE INDEX articles_feed_published ON articles(feed_id, published DESC, id DESC)")
    db.execute(
        "CREATE INDEX articles_unread_published ON articles(published DESC, id DESC, feed_id) "
        "WHERE read = 0"
    )
    db.execute("CREATE INDEX articles_unread ON articles(feed_id) WHERE read = 0")
    db.execute("CREATE INDEX articles_starred ON articles(published DESC) WHERE starred = 1")
    db.execute("CREATE INDEX articles_unconverted ON articles(id) WHERE converted = 0")
    db.execute("DROP TABLE articles_fts")
    db.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5("
        "title, author, body, note, content = '', tokenize = 'unicode61 remove_diacritics 2')"
    )
    db.execute(
        "INSERT INTO articles_fts(rowid, title, author, body, note) "
        "SELECT a.id, a.title, a.author, gazette_words(a.body), n.body "
        "FROM articles a LEFT JOIN notes n ON n.article_id = a.id"
    )
    db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 16)")
    for trigger in _FTS_TRIGGERS_V4:
        db.execute(trigger)
    broken = db.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise StoreError(f"schema 4: {len(broken)} rows lost their article or feed: {broken[:3]}")


# Sync (issue 16).  Every local change to a synced article or feed is queued
# by a trigger, in the same transaction as the change, whoever makes it (the
# app, the command line, a future rule or undo): nothing can change state and
# forget to tell the server.  A pull writes the server's state with
# ``sync_flags.pulling`` set inside its own transaction, so what it writes is
# not queued back; other connections never see the flag set.
_SYNC_TABLES = (
    """
    CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        kind TEXT NOT NULL,
        dialect TEXT NOT NULL,
        url TEXT NOT NULL,
        username TEXT NOT NULL,
        added INTEGER NOT NULL,
        last_sync INTEGER,
        last_attempt INTEGER,
        last_error TEXT,
        retry_at INTEGER,
        failures INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT '{}'
    )""",
    "ALTER TABLE feeds ADD COLUMN account_id INTEGER REFERENCES accounts(id)",
    "ALTER TABLE feeds ADD COLUMN remote_id TEXT",
    "CREATE UNIQUE INDEX feeds_remote ON feeds(account_id, remote_id) WHERE account_id IS NOT NULL",
    """
    CREATE TABLE remote_items (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        remote_id TEXT NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (account_id, remote_id)
    ) WITHOUT ROWID""",
    "CREATE UNIQUE INDEX remote_items_article ON remote_items(article_id)",
    # One row per thing to tell the server; a later change of the same thing
    # replaces the row (UNIQUE ... REPLACE), so the queue never says both.  Ids
    # are never reused (AUTOINCREMENT): a change replaced while the older one
    # was being sent keeps a new id, so confirming the older leaves it queued.
    """
    CREATE TABLE sync_queue (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        arg TEXT NOT NULL DEFAULT '',
        value INTEGER NOT NULL DEFAULT 1,
        article_id INTEGER,
        created INTEGER NOT NULL,
        UNIQUE (account_id, kind, target, arg) ON CONFLICT REPLACE
    )""",
    "CREATE INDEX sync_queue_article ON sync_queue(article_id) WHERE article_id IS NOT NULL",
    "CREATE TABLE sync_flags (pulling INTEGER NOT NULL)",
    "INSERT INTO sync_flags(pulling) VALUES (0)",
)

_NOT_PULLING = "(SELECT pulling FROM sync_flags) = 0"
_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"


def _item_trigger(name: str, event: str, when: str, kind: str, arg: str, value: str) -> str:
    """A trigger queueing a change of a synced article (one with a remote id)."""
    article = "new.article_id" if "article_tags" in event else "new.id"
    if event.startswith("DELETE"):
        article = "old.article_id"
    # The older row of the same change goes first, explicitly: an outer
    # INSERT OR IGNORE (set_tags) would otherwise turn the queue's REPLACE
    # into IGNORE inside the trigger and keep the older change.
    return (
        f"CREATE TRIGGER {name} AFTER {event} WHEN {when} BEGIN "
        "DELETE FROM sync_queue WHERE article_id = "
        f"{article} AND kind = '{kind}' AND arg = {arg}; "
        "INSERT INTO sync_queue(account_id, kind, target, arg, value, article_id, created) "
        f"SELECT r.account_id, '{kind}', r.remote_id, {arg}, {value}, r.article_id, {_NOW} "
        f"FROM remote_items r WHERE r.article_id = {article}; END"
    )


_TAG_NAME = "(SELECT name FROM tags WHERE id = {}.tag_id)"
_FEED_WHEN = "{}.account_id IS NOT NULL AND {}.remote_id IS NOT NULL AND " + _NOT_PULLING

_SYNC_TRIGGERS = (
    _item_trigger(
        "sync_read",
        "UPDATE OF read ON articles",
        f"old.read != new.read AND {_NOT_PULLING}",
        "read",
        "''",
        "new.read",
    ),
    _item_trigger(
        "sync_star",
        "UPDATE OF starred ON articles",
        f"old.starred != new.starred AND {_NOT_PULLING}",
        "star",
        "''",
        "new.starred",
    ),
    _item_trigger(
        "sync_label_add",
        "INSERT ON article_tags",
        f"{_NOT_PULLING} AND EXISTS (SELECT 1 FROM tags WHERE id = new.tag_id)",
        "label",
        _TAG_NAME.format("new"),
        "1",
    ),
    _item_trigger(
        "sync_label_remove",
        "DELETE ON article_tags",
        # A tag deleted under its links (a cascade) has no name left to send.
        f"{_NOT_PULLING} AND EXISTS (SELECT 1 FROM tags WHERE id = old.tag_id)",
        "label",
        _TAG_NAME.format("old"),
        "0",
    ),
    "CREATE TRIGGER sync_feed_rename AFTER UPDATE OF title ON feeds "
    f"WHEN old.title != new.title AND {_FEED_WHEN.format('new', 'new')} BEGIN "
    "INSERT INTO sync_queue(account_id, kind, target, arg, created) "
    f"VALUES (new.account_id, 'rename', new.remote_id, new.title, {_NOW}); END",
    "CREATE TRIGGER sync_feed_move AFTER UPDATE OF folder ON feeds "
    f"WHEN old.folder IS NOT new.folder AND {_FEED_WHEN.format('new', 'new')} BEGIN "
    "INSERT INTO sync_queue(account_id, kind, target, arg, created) "
    f"VALUES (new.account_id, 'folder', new.remote_id, coalesce(new.folder, ''), {_NOW}); END",
    "CREATE TRIGGER sync_feed_remove AFTER DELETE ON feeds "
    f"WHEN {_FEED_WHEN.format('old', 'old')} BEGIN "
    "DELETE FROM sync_queue WHERE account_id = old.account_id AND target = old.remote_id; "
    "INSERT INTO sync_queue(account_id, kind, target, arg, created) "
    f"VALUES (old.account_id, 'unsubscribe', old.remote_id, '', {_NOW}); END",
    # Only for the accounts whose articles carry the tag: a tag of local
    # articles alone is no label of theirs.
    "CREATE TRIGGER sync_tag_rename AFTER UPDATE OF name ON tags "
    f"WHEN old.name != new.name AND {_NOT_PULLING} BEGIN "
    "INSERT INTO sync_queue(account_id, kind, target, arg, created) "
    f"SELECT DISTINCT r.account_id, 'rename_label', old.name, new.name, {_NOW} "
    "FROM article_tags t JOIN remote_items r ON r.article_id = t.article_id "
    "WHERE t.tag_id = new.id; END",
)


def _schema_v5(db: sqlite3.Connection) -> None:
    """Sync accounts, the articles and feeds they own, and the queue of changes
    waiting to be sent (see _SYNC_TABLES)."""
    for statement in (*_SYNC_TABLES, *_SYNC_TRIGGERS):
        db.execute(statement)


# Reader mode (issue 17).  An article's full text, extracted from its page,
# is kept beside the feed's own version (a refresh rewrites ``articles.body``
# and never this table); ``shown`` says which of the two the reader shows.
# ``body`` is packed like an article's (no HTML, the index words, the
# Markdown); a failed fetch keeps its reason in ``error`` and no body, so
# "always" does not fetch the same page after every refresh.
#
# The index row of an article holds its words and, when there is one, its
# full text's words (``gazette_index_words`` joins them): search finds words
# of either version.  Triggers on ``full_texts`` rewrite the row whoever
# stores or drops a full text, and the article and note triggers remove the
# row with the same joined words (the index is contentless: a row is removed
# by handing it the very values it was given).
_FULL_TEXT = "(SELECT body FROM full_texts WHERE article_id = {})"
_ROW_V6 = (
    "SELECT a.id, a.title, a.author, gazette_index_words(a.body, {full}), {note} "
    "FROM articles a WHERE a.id = {article}"
)
_NOTE = "(SELECT body FROM notes WHERE article_id = a.id)"


def _reindex_trigger(name: str, event: str, old_full: str, new_full: str, article: str) -> str:
    """A trigger on ``full_texts`` moving its article's index row from the
    words with ``old_full`` to the words with ``new_full``."""
    old = _ROW_V6.format(full=old_full, note=_NOTE, article=article)
    new = _ROW_V6.format(full=new_full, note=_NOTE, article=article)
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON full_texts BEGIN "
        "INSERT INTO articles_fts(articles_fts, rowid, title, author, body, note) "
        f"SELECT 'delete', * FROM ({old}); "
        f"INSERT INTO articles_fts(rowid, title, author, body, note) {new}; END"
    )


def _note_trigger_v6(event: str, article: str, old_note: str, new_note: str) -> str:
    """Schema 4's note triggers, with the full text's words in the row."""
    name = event.split()[0].lower()
    full = _FULL_TEXT.format("a.id")
    return (
        f"CREATE TRIGGER notes_fts_{name} AFTER {event} ON notes BEGIN "
        "INSERT INTO articles_fts(articles_fts, rowid, title, author, body, note) "
        f"SELECT 'delete', * FROM ({_ROW_V6.format(full=full, note=old_note, article=article)}); "
        "INSERT INTO articles_fts(rowid, title, author, body, note) "
        f"{_ROW_V6.format(full=full, note=new_note, article=article)}; END"
    )


_FULL_TEXT_TRIGGERS = (
    "DROP TRIGGER articles_fts_delete",
    "DROP TRIGGER notes_fts_insert",
    "DROP TRIGGER notes_fts_update",
    "DROP TRIGGER notes_fts_delete",
    "CREATE TRIGGER articles_fts_delete BEFORE DELETE ON articles BEGIN "
    "DELETE FROM notes WHERE article_id = old.id; "
    "INSERT INTO articles_fts(articles_fts, rowid, title, author, body, note) "
    "VALUES ('delete', old.id, old.title, old.author, "
    f"gazette_index_words(old.body, {_FULL_TEXT.format('old.id')}), NULL); END",
    _note_trigger_v6("INSERT", "new.article_id", "NULL", "new.body"),
    _note_trigger_v6("UPDATE OF body", "new.article_id", "old.body", "new.body"),
    _note_trigger_v6("DELETE", "old.article_id", "old.body", "NULL"),
    # After the article's own row is gone (a cascade), the SELECTs find no
    # article and these change nothing.
    _reindex_trigger("full_texts_fts_insert", "INSERT", "NULL", "new.body", "new.article_id"),
    _reindex_trigger(
        "full_texts_fts_update", "UPDATE OF body", "old.body", "new.body", "new.article_id"
    ),
    _reindex_trigger("full_texts_fts_delete", "DELETE", "old.body", "NULL", "old.article_id"),
)


def _schema_v6(db: sqlite3.Connection) -> None:
    """Full texts of articles, kept beside the feed's version and indexed with
    it (see _FULL_TEXT_TRIGGERS).  No data changes: no article has one yet,
    and the joined words of an article without one are its own words."""
    db.execute(
        """
        CREATE TABLE full_texts (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            fetched INTEGER NOT NULL,
            shown INTEGER NOT NULL DEFAULT 1,
            error TEXT,
            body BLOB
        )"""
    )
    for statement in _FULL_TEXT_TRIGGERS:
        db.execute(statement)


# Forward migrations: MIGRATIONS[n] upgrades a database at version n to n + 1.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _schema_v1,
    _schema_v2,
    _schema_v3,
    _schema_v4,
    _schema_v5,
    _schema_v6,
    migrate_history,
    migrate_rules,
    migrate_stories,
    migrate_held_ids,
)
assert len(MIGRATIONS) == SCHEMA_VERSION


def upgrade_pending(path: str | Path) -> bool:
    """Whether opening ``path`` will upgrade an older database first.

    Read without opening a Store (read-only, no migration), so that a front
    end can say so before the wait: rebuilding a large cache takes a while
    (schema 4 repacks every article).  A missing, new or unreadable file is
    not pending: opening it reports its own error.
    """
    if str(path) == ":memory:" or not Path(path).is_file():
        return False
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return 0 < version < SCHEMA_VERSION


def migrate(store: StoreBase) -> None:
    """Bring the store's database up to ``SCHEMA_VERSION``; StoreError if it is newer.

    Foreign keys are off while migrating (SQLite ignores the pragma inside a
    transaction, so it is set around the steps): schema 4 rebuilds the
    articles table, and dropping the old one must not cascade to notes and
    tags.  A database that had articles before schema 4 is vacuumed after:
    the rebuild leaves the old pages free, and only VACUUM gives them back
    to the file system.
    """
    conn = store.conn
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{store.path}: database schema {version} is newer than this Gazette "
            f"understands ({SCHEMA_VERSION}); upgrade Gazette"
        )
    if version == SCHEMA_VERSION:
        return
    repacked = False
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        while version < SCHEMA_VERSION:
            with store.transaction():
                # Another process may have migrated while we waited for the lock.
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version >= SCHEMA_VERSION:
                    break
                MIGRATIONS[version](conn)
                repacked = repacked or version == _PACKED - 1
                version += 1
                conn.execute(f"PRAGMA user_version = {version}")
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    if repacked and conn.execute("SELECT count(*) FROM articles").fetchone()[0]:
        _vacuum(store)


# The schema that packed the article texts (see _schema_v4).
_PACKED = 4


def _vacuum(store: StoreBase) -> None:
    """Give free pages back after a rebuild; a busy database just stays larger."""
    try:
        store.conn.execute("VACUUM")
    except sqlite3.OperationalError:
        return

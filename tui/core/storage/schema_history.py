"""Undo history (issue 18): an undo log written by triggers.

A user action runs with ``history_flags.recording`` set (inside its own
transaction, as ``sync_flags.pulling`` is for a pull: other connections never
see it set), and triggers on the user-state tables write, for each row
changed, the SQL that puts the row back, under the action's id in
``history_log``.  Undoing an action runs its statements newest first with
the flag set again, so the same triggers write the statements that redo it;
an action's log rows are always the way back from where the data now is.
Refresh and sync writes never set the flag and are never recorded; undo is
ordinary writes, so the sync triggers (schema 5) queue what it changes.

Values are written with ``quote()`` (texts, numbers, NULL and BLOBs alike).
The order matters and follows SQLite's: a delete's ``ON DELETE CASCADE``
children and its BEFORE triggers are recorded before the row's own AFTER
trigger, so replaying newest first puts a feed back before its articles and
an article before its tags, notes and full text.  A deleted article's search
index row is put back right after the article (the index is contentless, so
the note and full-text triggers that then run must find the row they
remove); the statement reads the note and full text as they then are.

The triggers copy every column a table has when they are made: a later
migration that adds a column to a recorded table calls
:func:`install_history_triggers` again.
"""

from __future__ import annotations

import sqlite3

_TABLES = (
    """
    CREATE TABLE history_actions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        label TEXT NOT NULL DEFAULT '',
        created INTEGER NOT NULL,
        undone INTEGER NOT NULL DEFAULT 0
    )""",
    """
    CREATE TABLE history_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        action_id INTEGER NOT NULL REFERENCES history_actions(id) ON DELETE CASCADE,
        statement TEXT NOT NULL
    )""",
    "CREATE INDEX history_log_action ON history_log(action_id, id)",
    "CREATE TABLE history_flags (recording INTEGER NOT NULL, action_id INTEGER)",
    "INSERT INTO history_flags(recording, action_id) VALUES (0, NULL)",
)

_RECORDING = "(SELECT recording FROM history_flags) = 1"

# The rows a user action may delete (directly or by a cascade) and their keys.
_KEYS = {
    "feeds": ("id",),
    "articles": ("id",),
    "notes": ("article_id",),
    "tags": ("id",),
    "article_tags": ("article_id", "tag_id"),
    "feed_tags": ("feed_id", "tag_id"),
    "saved_searches": ("id",),
    "full_texts": ("article_id",),
    "remote_items": ("account_id", "remote_id"),
    "removed_keys": ("feed_id", "key"),
    "rules": ("id",),
    "rule_hits": ("article_id", "rule_id"),
}
# Tables whose inserted rows a user action (or an undo) makes: the way back deletes them.
_INSERTED = (
    "feeds",
    "notes",
    "tags",
    "article_tags",
    "feed_tags",
    "saved_searches",
    "rules",
    "rule_hits",
)
# Columns a user action updates (story_id: by the stories' trigger when a first copy goes).
_UPDATED = {
    "articles": ("read", "starred", "story_id"),
    "feeds": ("folder", "title", "settings"),
    "notes": ("body", "created", "updated"),
    "tags": ("name",),
    "saved_searches": ("name", "query"),
    "rules": (
        "name",
        "query",
        "feed_id",
        "hide",
        "mark_read",
        "star",
        "tags",
        "highlight",
        "enabled",
    ),
}

# A rule's hit put back only while its rule is there, and never twice (a
# refresh may have made the same hit since): a hit is a derived record, and a
# failed insert would drop the whole action from the history.
_HIT_BACK = (
    "'INSERT OR IGNORE INTO rule_hits(article_id, rule_id) SELECT ' || old.article_id || "
    "', ' || old.rule_id || ' WHERE EXISTS (SELECT 1 FROM rules WHERE id = ' || old.rule_id || ')'"
)

# A restored article's index row, read from the tables as they are when it runs.
_INDEX_ROW = (
    "INSERT INTO articles_fts(rowid, title, author, body, note) "
    "SELECT a.id, a.title, a.author, gazette_index_words(a.body, "
    "(SELECT body FROM full_texts WHERE article_id = a.id)), "
    "(SELECT body FROM notes WHERE article_id = a.id) FROM articles a WHERE a.id = "
)


def _log(expr: str) -> str:
    """A trigger step writing one statement (an SQL text expression) to the log."""
    return (
        f"INSERT INTO history_log(action_id, statement) SELECT action_id, {expr} "
        "FROM history_flags;"
    )


def _where(table: str, row: str) -> str:
    """``' WHERE k = ' || quote(row.k) ...`` for the table's key."""
    parts = [f"'{key} = ' || quote({row}.{key})" for key in _KEYS[table]]
    return "' WHERE ' || " + " || ' AND ' || ".join(parts)


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in db.execute(f"PRAGMA table_info({table})")]


def _insert(db: sqlite3.Connection, table: str) -> str:
    """The statement putting back a deleted row of ``table``, every column quoted."""
    cols = _columns(db, table)
    values = " || ', ' || ".join(f"quote(old.{c})" for c in cols)
    return f"'INSERT INTO {table}({', '.join(cols)}) VALUES (' || {values} || ')'"


def _triggers(db: sqlite3.Connection) -> list[str]:
    """The recording triggers of the tables the database has so far.

    Why "so far": a table made by a later migration (the rules') is not
    there when the history's own migration runs; that migration calls
    :func:`install_history_triggers` again.
    """
    have = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    out: list[str] = []
    for table in (t for t in _KEYS if t in have):
        steps = _log(_HIT_BACK if table == "rule_hits" else _insert(db, table))
        if table == "articles":
            steps = _log(f"'{_INDEX_ROW}' || old.id") + " " + steps
        out.append(
            f"CREATE TRIGGER history_{table}_delete AFTER DELETE ON {table} "
            f"WHEN {_RECORDING} BEGIN {steps} END"
        )
    for table in (t for t in _INSERTED if t in have):
        back = f"'DELETE FROM {table}' || {_where(table, 'new')}"
        out.append(
            f"CREATE TRIGGER history_{table}_insert AFTER INSERT ON {table} "
            f"WHEN {_RECORDING} BEGIN {_log(back)} END"
        )
    for table, columns in ((t, cs) for t, cs in _UPDATED.items() if t in have):
        for column in (c for c in columns if c in _columns(db, table)):
            back = (
                f"'UPDATE {table} SET {column} = ' || quote(old.{column}) || {_where(table, 'old')}"
            )
            out.append(
                f"CREATE TRIGGER history_{table}_{column} AFTER UPDATE OF {column} ON {table} "
                f"WHEN old.{column} IS NOT new.{column} AND {_RECORDING} BEGIN {_log(back)} END"
            )
    # A synced feed put back by an undo: if its unsubscribe has not been sent,
    # it is dropped from the queue; if it has, the feed is subscribed again.
    out.append(
        "CREATE TRIGGER history_feeds_resubscribe AFTER INSERT ON feeds "
        f"WHEN new.account_id IS NOT NULL AND new.remote_id IS NOT NULL AND {_RECORDING} BEGIN "
        "INSERT INTO sync_queue(account_id, kind, target, arg, created) "
        "SELECT new.account_id, 'subscribe', new.url, coalesce(new.folder, ''), "
        "CAST(strftime('%s', 'now') AS INTEGER) WHERE NOT EXISTS (SELECT 1 FROM sync_queue "
        "WHERE account_id = new.account_id AND kind = 'unsubscribe' AND target = new.remote_id); "
        "DELETE FROM sync_queue WHERE account_id = new.account_id AND kind = 'unsubscribe' "
        "AND target = new.remote_id; END"
    )
    return out


def install_history_triggers(db: sqlite3.Connection) -> None:
    """(Re)make the recording triggers from the tables' current columns."""
    names = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'history\\_%' "
        "ESCAPE '\\'"
    ).fetchall()
    for (name,) in names:
        db.execute(f"DROP TRIGGER {name}")
    for trigger in _triggers(db):
        db.execute(trigger)


def migrate_history(db: sqlite3.Connection) -> None:
    """The undo history's tables and triggers (see the module's docstring)."""
    for statement in _TABLES:
        db.execute(statement)
    install_history_triggers(db)

"""Ids an undo will put back (issue 18): never given to new feeds or articles.

``feeds`` and ``articles`` have no AUTOINCREMENT, so SQLite gives a new row
max(id) + 1.  Undoing a deleted feed puts its rows back under their own
ids; if they were the highest, the next refresh's articles or the next
subscription took them meanwhile and the undo failed ("later changes
conflict").  So while the history records (``history_flags.recording``: a
user action, an undo or a redo, see :mod:`.schema_history`), a trigger
raises ``held_ids``, the high-water of the ids deleted, per table; whatever
inserts feeds or articles asks :func:`first_free_id` where to start, and
gives its rows explicit ids only when the high-water is above the table's
max(id): one index seek per insert batch, and ids run on as before
otherwise.  Deletes that are not recorded (retention, a store call) hold
nothing: no undo brings those rows back.

The high-water is never lowered when the action leaves the history: the
ids it skips are only numbers, and it needs no bookkeeping per action.

Why not AUTOINCREMENT: SQLite adds it only by rebuilding the table, which
for articles means copying every packed body and rebuilding its eleven
indexes (at a million articles, about what the schema-4 repack took), and
it then writes ``sqlite_sequence`` at the end of every insert statement,
which for a refresh's ``executemany`` is every row.
"""

from __future__ import annotations

import sqlite3
from typing import Literal

#: The tables whose deleted ids are held.
Held = Literal["feeds", "articles"]
_TABLES: tuple[Held, ...] = ("feeds", "articles")


def first_free_id(conn: sqlite3.Connection, table: Held) -> int | None:
    """The id a new row of ``table`` must take, when an undo holds the next one.

    None (let SQLite choose) unless a deleted id an undo may put back is
    above every id the table has; then the first id above it, the rows of
    the same batch numbered on from there.
    """
    row = conn.execute(
        f"SELECT {table} + 1 FROM held_ids WHERE {table} > "
        f"coalesce((SELECT max(id) FROM {table}), 0)"
    ).fetchone()
    return None if row is None else int(row[0])


def _trigger(table: Held) -> str:
    return (
        f"CREATE TRIGGER held_ids_{table} AFTER DELETE ON {table} "
        f"WHEN old.id > (SELECT {table} FROM held_ids) "
        "AND (SELECT recording FROM history_flags) = 1 "
        f"BEGIN UPDATE held_ids SET {table} = old.id; END"
    )


def _in_history(db: sqlite3.Connection, table: Held) -> int:
    """The highest id of ``table`` that a recorded statement puts back.

    The history's triggers write a deleted row as ``INSERT INTO
    table(id, ...) VALUES (id, ...)``, the id first (it is the first
    column); CAST reads the number that leads the values.
    """
    (high,) = db.execute(
        "SELECT coalesce(max(CAST(substr(statement, instr(statement, ') VALUES (') + 10) "
        "AS INTEGER)), 0) FROM history_log WHERE statement LIKE ?",
        (f"INSERT INTO {table}(id,%",),
    ).fetchone()
    return int(high)


def migrate_held_ids(db: sqlite3.Connection) -> None:
    """The high-water table, from the history already recorded, and its triggers."""
    db.execute("CREATE TABLE held_ids (feeds INTEGER NOT NULL, articles INTEGER NOT NULL)")
    db.execute(
        "INSERT INTO held_ids(feeds, articles) VALUES (?, ?)",
        tuple(_in_history(db, table) for table in _TABLES),
    )
    for table in _TABLES:
        db.execute(_trigger(table))

"""The undo history: recording a user action, undoing and redoing it.

The triggers of :mod:`.schema_history` write the way back of every row a
recorded action changes; this part opens the action (one transaction, the
recording flag set inside it), labels it, clears the redo stack and keeps
the newest :data:`HISTORY_LIMIT` actions; undo and redo replay an action's
statements newest first, recording the way back again.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tui.core.errors import StoreError
from tui.core.models import HistoryEntry
from tui.core.storage.base import StoreBase

#: Actions kept (undone ones waiting for a redo included); older ones are pruned.
HISTORY_LIMIT = 100

# A whole-number literal (not part of a name: "articles_fts" has none).
_NUMBER = re.compile(r"-?\b\d+\b")


@dataclass(slots=True)
class Recording:
    """The action being recorded; its label is set once the action knows what it did."""

    label: str = ""


class HistoryMixin(StoreBase):
    """Recorded actions and their undo and redo."""

    _recording: Recording | None = None

    @contextmanager
    def recording(self) -> Iterator[Recording]:
        """Run the body as one undoable action, in one transaction.

        Store calls inside join it (see :meth:`begin_batch`).  Inside an
        action already being recorded the body joins that action; inside a
        batch that is not one (a refresh) nothing is recorded.  An action
        that changed nothing leaves no entry, and any other clears the redo
        stack.
        """
        if self._recording is not None or self._pending_index is not None:
            yield self._recording or Recording()
            return
        action = Recording()
        self.begin_batch()
        self._recording = action
        try:
            conn = self.conn
            cur = conn.execute(
                "INSERT INTO history_actions(created) VALUES (?)", (int(time.time()),)
            )
            action_id = int(cur.lastrowid or 0)
            conn.execute("UPDATE history_flags SET recording = 1, action_id = ?", (action_id,))
            yield action
            conn.execute("UPDATE history_flags SET recording = 0, action_id = NULL")
            self._close_action(action_id, action.label)
        except BaseException:
            self._recording = None
            self.abort_batch()
            raise
        self._recording = None
        self.commit_batch()

    def _close_action(self, action_id: int, label: str) -> None:
        conn = self.conn
        logged = conn.execute(
            "SELECT 1 FROM history_log WHERE action_id = ? LIMIT 1", (action_id,)
        ).fetchone()
        if logged is None:
            conn.execute("DELETE FROM history_actions WHERE id = ?", (action_id,))
            return
        conn.execute("UPDATE history_actions SET label = ? WHERE id = ?", (label, action_id))
        old = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM history_actions WHERE undone = 1 OR id <= coalesce("
                "(SELECT id FROM history_actions ORDER BY id DESC LIMIT 1 OFFSET ?), 0)",
                (HISTORY_LIMIT,),
            )
        ]
        self._forget(old)

    def _forget(self, action_ids: list[int]) -> None:
        """Drop actions and their logs (explicitly: no reliance on foreign keys)."""
        for action_id in action_ids:
            self.conn.execute("DELETE FROM history_log WHERE action_id = ?", (action_id,))
            self.conn.execute("DELETE FROM history_actions WHERE id = ?", (action_id,))

    def history(self, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
        """Recorded actions, newest first; undone ones (the redo stack) included."""
        rows = self.conn.execute(
            "SELECT id, label, created, undone FROM history_actions ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [HistoryEntry(r[0], r[1], r[2], bool(r[3])) for r in rows]

    def undo_last(self) -> HistoryEntry | None:
        """Undo the newest action not undone; None when there is none."""
        return self._replay(
            "SELECT id, label, created FROM history_actions WHERE undone = 0 "
            "ORDER BY id DESC LIMIT 1",
            undone=True,
        )

    def redo_next(self) -> HistoryEntry | None:
        """Redo the action undone last; None when there is none."""
        return self._replay(
            "SELECT id, label, created FROM history_actions WHERE undone = 1 ORDER BY id LIMIT 1",
            undone=False,
        )

    def _replay(self, pick: str, *, undone: bool) -> HistoryEntry | None:
        """Run the picked action's statements newest first, recording the way back.

        A statement that no longer fits the data (the feed's address was
        subscribed again meanwhile, say) rolls everything back; the action is
        then dropped, so the one before it can still be undone, and a
        StoreError says why.
        """
        failed: tuple[HistoryEntry, sqlite3.Error] | None = None
        with self.transaction() as conn:
            row = conn.execute(pick).fetchone()
            if row is None:
                return None
            entry = HistoryEntry(row[0], row[1], row[2], undone)
            statements = [
                r[0]
                for r in conn.execute(
                    "SELECT statement FROM history_log WHERE action_id = ? ORDER BY id DESC",
                    (entry.id,),
                )
            ]
            conn.execute("DELETE FROM history_log WHERE action_id = ?", (entry.id,))
            conn.execute("SAVEPOINT replay")
            conn.execute("UPDATE history_flags SET recording = 1, action_id = ?", (entry.id,))
            try:
                _run(conn, statements)
                _flatten_stories(conn)
            except sqlite3.Error as exc:
                conn.execute("ROLLBACK TO replay")
                failed = (entry, exc)
            conn.execute("UPDATE history_flags SET recording = 0, action_id = NULL")
            conn.execute("RELEASE replay")
            if failed is None:
                conn.execute(
                    "UPDATE history_actions SET undone = ? WHERE id = ?", (int(undone), entry.id)
                )
            else:
                self._forget([entry.id])
        if failed is not None:
            verb = "undo" if undone else "redo"
            raise StoreError(
                f"cannot {verb} {failed[0].label!r}: later changes conflict with it "
                f"({failed[1]}); dropped from the history"
            )
        return entry


def _run(conn: sqlite3.Connection, statements: list[str]) -> None:
    """Run logged statements in order, each run of one shape as one prepared statement.

    Undoing a mark-all-read of 20,000 articles is 20,000 ``UPDATE articles
    SET read = 0 WHERE id = N``: compiled one by one (with the triggers each
    fires) they took ~4 s; with their numbers bound to one statement, about
    what marking them took.  Statements with a text or BLOB literal (a
    quote) or a dot (a real number, a qualified name) run as they are.
    """
    shape: str | None = None
    rows: list[list[int]] = []
    for statement in statements:
        if "'" in statement or "." in statement:
            key, params = statement, None
        else:
            key = _NUMBER.sub("?", statement)
            params = [int(n) for n in _NUMBER.findall(statement)]
        if key != shape and rows:
            conn.executemany(str(shape), rows)
            rows = []
        if params is None:
            conn.execute(key)
            shape = None
        else:
            shape = key
            rows.append(params)
    if rows:
        conn.executemany(str(shape), rows)


def _flatten_stories(conn: sqlite3.Connection) -> None:
    """Point every copy at its story's first copy again after a replay.

    Why: deleting a story's first copy hands the story on to the next copy,
    and copies stored later point at that one; putting the first copy back
    makes the next one a copy again, and the later ones would point at a
    copy (a chain the views and ``story_members`` do not follow).  Recorded
    like the replay, so a redo puts the chain back as it was.
    """
    while conn.execute(
        "UPDATE articles SET story_id = (SELECT p.story_id FROM articles p "
        "WHERE p.id = articles.story_id) WHERE story_id IN "
        "(SELECT id FROM articles WHERE story_id IS NOT NULL)"
    ).rowcount:
        pass

"""Notes: one per article, kept beside it and in its search index row.

A note's text is also the ``note`` column of ``articles_fts``, so that a
search finds articles by what the reader wrote about them; both are written
in one transaction.
"""

from __future__ import annotations

from tui.core.models import Note
from tui.core.storage.base import StoreBase


class NotesMixin(StoreBase):
    """Reading and writing the note of an article."""

    def note(self, article_id: int) -> Note | None:
        row = self.conn.execute(
            "SELECT body, created, updated FROM notes WHERE article_id = ?", (article_id,)
        ).fetchone()
        return None if row is None else Note(article_id, row[0], row[1], row[2])

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

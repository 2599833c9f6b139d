"""Notes: one per article, kept beside it and in its search index row.

A note's text is also the ``note`` column of ``articles_fts``, so that a
search finds articles by what the reader wrote about them; triggers on
``notes`` write it there in the same transaction (see schema 4).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from tui.core.errors import StoreError
from tui.core.models import Article, Note
from tui.core.storage.articles import ARTICLE_COLUMNS, ArticlesMixin

#: A noted article as ``Store.export_rows`` gives it (the ``NoteExport`` fields, in order).
NotedRow = tuple[
    str, str | None, str | None, str | None, str | None, int | None, tuple[str, ...], int, str, int
]


class NotesMixin(ArticlesMixin):
    """Reading and writing the note of an article; noted articles for listing and export."""

    def note(self, article_id: int) -> Note | None:
        row = self.conn.execute(
            "SELECT body, created, updated FROM notes WHERE article_id = ?", (article_id,)
        ).fetchone()
        return None if row is None else Note(article_id, row[0], row[1], row[2])

    def save_note(self, article_id: int, body: str, now: int) -> None:
        """Write a note in one transaction; a blank note is deleted, not stored.

        Triggers on ``notes`` (schema 4) put the note into the article's row
        of the search index, in the same transaction.
        """
        with self.transaction() as conn:
            if not body.strip():
                conn.execute("DELETE FROM notes WHERE article_id = ?", (article_id,))
                return
            conn.execute(
                "INSERT INTO notes(article_id, body, created, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(article_id) DO UPDATE SET body = excluded.body, "
                "updated = excluded.updated WHERE body != excluded.body",
                (article_id, body, now, now),
            )

    def noted_articles(self) -> list[tuple[Article, Note]]:
        """Every noted article with its note, newest first (the order of the Noted view).

        One query for articles and notes together and one for their tags,
        however many notes there are: listing them article by article and
        then each note on its own cost a query per note.  The tags are joined
        through ``notes`` rather than passed as ids, so no id list can reach
        the bound-parameter limit.
        """
        rows = self.conn.execute(
            f"SELECT {ARTICLE_COLUMNS}, n.body, n.created, n.updated FROM notes n "
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

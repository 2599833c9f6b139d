"""Running compiled searches, and the saved-searches table.

The query language and its compiler are :mod:`tui.core.search`; what reaches
this module is a plan: a boolean SQL condition with its parameters, and an
FTS5 MATCH string (or None when the query has no words).  With a MATCH the
candidates come from ``articles_fts`` and their ids are tested against the
condition (``+rowid``); without one, from ``articles`` newest first.  Only the
page's own rows are read, once its ids are known.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from tui.core.errors import InputError, NotFound
from tui.core.models import Article
from tui.core.search import register_functions
from tui.core.storage.articles import ARTICLE_COLUMNS, ArticlesMixin
from tui.core.text import clean_line, shorten

BM25 = "bm25(articles_fts, 10.0, 3.0, 1.0, 2.0)"
# 1 when a word of the query is in the title: bm25 with only the title weighed
# is 0 exactly when no phrase has a hit there (FTS5 keeps every idf above 0).
TITLED = "(bm25(articles_fts, 1.0, 0.0, 0.0, 0.0) < 0)"
_PAGE_JOIN = "JOIN articles a ON a.id = page.id JOIN feeds f ON f.id = a.feed_id"

SavedRow = tuple[int, str, str]


class SearchMixin(ArticlesMixin):
    """Pages, counts and ids of compiled queries; saved searches."""

    def search_page(
        self,
        where: str,
        params: Sequence[Any],
        match: str | None,
        *,
        limit: int,
        offset: int,
        window: int,
    ) -> list[Article]:
        """One page of a query's articles: with words, titles hits first, then by
        bm25 among the newest ``window`` matches; without, newest first.

        The window bounds ranking work (scoring every hit of a common word costs
        ~2.5 us a row); filters apply inside it, so a narrow filter loses nothing.
        sqlite3.Error propagates: the caller turns it into the result's message.
        """
        if match is None:
            sql = (
                f"WITH page AS MATERIALIZED (SELECT id FROM articles WHERE {where} "
                "ORDER BY published DESC, id DESC LIMIT ? OFFSET ?) "
                f"SELECT {ARTICLE_COLUMNS} FROM page {_PAGE_JOIN} "
                "ORDER BY a.published DESC, a.id DESC"
            )
            args: list[Any] = [*params, limit, offset]
        else:
            sql = (
                f"WITH page AS MATERIALIZED (SELECT id, titled, score FROM (SELECT rowid AS id, "
                f"{TITLED} AS titled, {BM25} AS score FROM articles_fts "
                f"WHERE articles_fts MATCH ? AND {where} ORDER BY rowid DESC LIMIT ?) "
                "ORDER BY titled DESC, score, id DESC LIMIT ? OFFSET ?) "
                f"SELECT {ARTICLE_COLUMNS} FROM page {_PAGE_JOIN} "
                "ORDER BY page.titled DESC, page.score, page.id DESC"
            )
            args = [match, *params, window, limit, offset]
        register_functions(self.conn)
        rows = self.conn.execute(sql, args).fetchall()
        tags = self._tags_for([r[0] for r in rows])
        return [self._article(r, tags.get(r[0], ())) for r in rows]

    def count_matching(self, where: str, params: Sequence[Any], match: str | None) -> int:
        """How many articles a plan matches (every match, not only a ranking window)."""
        if match is None:
            sql = f"SELECT count(*) FROM articles WHERE {where}"
            args: list[Any] = list(params)
        else:
            sql = f"SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ? AND {where}"
            args = [match, *params]
        register_functions(self.conn)
        return int(self.conn.execute(sql, args).fetchone()[0])

    def matching_ids(self, where: str, params: Sequence[Any], match: str | None) -> list[int]:
        """Ids of every article a plan matches, newest first, in one query.

        No ranking and no paging, so acting on 100k matches (export, mark
        read) costs one index walk.
        """
        if match is None:
            sql = f"SELECT id FROM articles WHERE {where} ORDER BY published DESC, id DESC"
            args: list[Any] = list(params)
        else:
            sql = (
                "SELECT a.id FROM articles a WHERE a.id IN (SELECT rowid FROM articles_fts "
                f"WHERE articles_fts MATCH ? AND {where}) ORDER BY a.published DESC, a.id DESC"
            )
            args = [match, *params]
        register_functions(self.conn)
        return [r[0] for r in self.conn.execute(sql, args)]

    # -- saved searches -----------------------------------------------------

    def saved_search_rows(self) -> list[SavedRow]:
        """(id, name, query) of every saved search, sorted by name ignoring case."""
        rows = self.conn.execute("SELECT id, name, query FROM saved_searches").fetchall()
        return sorted(rows, key=lambda r: r[1].casefold())

    def saved_search_row(self, search_id: int) -> SavedRow:
        """(id, name, query) of one saved search; NotFound if there is none."""
        row = self.conn.execute(
            "SELECT id, name, query FROM saved_searches WHERE id = ?", (int(search_id),)
        ).fetchone()
        if row is None:
            raise NotFound(f"no saved search with id {search_id}")
        return (row[0], row[1], row[2])

    def add_saved_search(self, name: str, query: str) -> int:
        """Store a (checked) name and query; returns the id.  InputError on a name clash."""
        with self.transaction() as conn:
            _check_name_free(conn, name, None)
            cur = conn.execute(
                "INSERT INTO saved_searches(name, query) VALUES (?, ?)", (name, query)
            )
            return int(cur.lastrowid or 0)

    def set_saved_search(
        self, search_id: int, *, name: str | None = None, query: str | None = None
    ) -> None:
        """Change a saved search's (checked) name or query; NotFound if it is gone."""
        column, value = ("name", name) if name is not None else ("query", query)
        with self.transaction() as conn:
            if name is not None:
                _check_name_free(conn, name, search_id)
            cur = conn.execute(
                f"UPDATE saved_searches SET {column} = ? WHERE id = ?", (value, int(search_id))
            )
            if cur.rowcount == 0:
                raise NotFound(f"no saved search with id {search_id}")

    def delete_saved_search(self, search_id: int) -> None:
        """Delete a saved search (never any article)."""
        with self.transaction() as conn:
            cur = conn.execute("DELETE FROM saved_searches WHERE id = ?", (int(search_id),))
            if cur.rowcount == 0:
                raise NotFound(f"no saved search with id {search_id}")


def _check_name_free(conn: sqlite3.Connection, name: str, search_id: int | None) -> None:
    """Names are unique ignoring case (all of Unicode, not just SQLite's ASCII NOCASE)."""
    key = name.casefold()
    for other_id, other in conn.execute("SELECT id, name FROM saved_searches"):
        if other_id != search_id and other.casefold() == key:
            shown = shorten(clean_line(name), 40)
            raise InputError(f"{shown}: a saved search with this name exists")

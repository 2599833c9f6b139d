"""Running searches, and the saved-searches table.

The language is :mod:`tui.core.query`: text is parsed, then compiled once by
:func:`~tui.core.query.sql.compile_query`, and the :class:`Compiled` plan it
returns is what runs here.  With a MATCH the candidates come from
``articles_fts`` and their ids are tested against the condition (``+rowid``);
without one, from ``articles`` newest first.  Only the page's own rows are
read, once its ids are known.

Ranking: articles with a query word in the title come first, then the rest;
within each group bm25 orders them, with column weights title 10, author 3,
body 1, note 2.  The weights alone cannot promise that a title hit counts
more: FTS5's bm25 saturates term frequency and divides it by the length of
the whole row, so a short body repeating the word outscored a long article
named after it.
Scoring every match of a very common word costs ~2.5 us per row (250 ms for
100k rows on the dev machine), so relevance is computed over the newest
``RANK_WINDOW`` matches (FTS5 walks its doclists newest-id first and stops):
a word found in all 100k articles answers in ~10 ms, and a news reader loses
little by ranking the newest 5,000 hits rather than older ones.  Filters
are applied *inside* the window, so a narrow filter never loses matches.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import tzinfo
from typing import Any

from tui.core.errors import InputError, NotFound
from tui.core.models import Article, SavedSearch, SearchResult, View
from tui.core.query.parse import parse_query, show_value
from tui.core.query.sql import Compiled, compile_query, register_functions
from tui.core.storage.articles import ARTICLE_COLUMNS, ArticlesMixin
from tui.core.storage.schema_rules import HIDDEN_IDS
from tui.core.text import clean_line

RANK_WINDOW = 5000
MAX_SEARCH_NAME = 100
BM25 = "bm25(articles_fts, 10.0, 3.0, 1.0, 2.0)"
# 1 when a word of the query is in the title: bm25 with only the title weighed
# is 0 exactly when no phrase has a hit there (FTS5 keeps every idf above 0).
TITLED = "(bm25(articles_fts, 1.0, 0.0, 0.0, 0.0) < 0)"
_PAGE_JOIN = "JOIN articles a ON a.id = page.id JOIN feeds f ON f.id = a.feed_id"
# What compiling can raise on a query that parsed: dates out of range, mostly.
_COMPILE_ERRORS = (InputError, ValueError, OverflowError, OSError)

SavedRow = tuple[int, str, str]


class SearchMixin(ArticlesMixin):
    """Search pages, counts and ids of query text; saved searches."""

    def search(
        self,
        text: str,
        *,
        now: int,
        limit: int = 50,
        offset: int = 0,
        tz: tzinfo | None = None,
    ) -> SearchResult:
        """One page of articles matching ``text``: best first with words, else newest first.

        Never raises for any input: an unusable query (or a database error) comes
        back as ``SearchResult.error`` with no articles.
        """
        q = parse_query(text)
        if q.error:
            return SearchResult([], q.error)
        try:
            plan = self._visible(compile_query(q, now, tz=tz), View())
        except _COMPILE_ERRORS as exc:
            return SearchResult([], f"cannot search: {show_value(str(exc), 80)}")
        limit, offset = max(0, int(limit)), max(0, int(offset))
        try:
            articles = self.search_page(
                plan, limit=limit, offset=offset, window=max(RANK_WINDOW, offset + limit)
            )
        except sqlite3.Error as exc:
            return SearchResult([], f"search failed: {show_value(str(exc), 80)}")
        return SearchResult(articles, None, q.highlight_terms, q.in_title)

    def count_search(
        self, text: str, now: int, *, within: View = View(), tz: tzinfo | None = None
    ) -> int:
        """How many articles match ``text`` (only those in the view ``within``).

        Counts every match, not just the ranking window.  An unusable query
        counts 0, so a broken saved search shows an empty badge, not a crash.
        """
        q = parse_query(text)
        if q.error:
            return 0
        try:
            plan = compile_query(q, now, tz=tz, within=within, counting=True)
            return self.count_matching(self._visible(plan, within))
        except (*_COMPILE_ERRORS, sqlite3.Error):
            return 0

    def search_ids(
        self, text: str, now: int, *, within: View = View(), tz: tzinfo | None = None
    ) -> list[int]:
        """Ids of every article matching ``text`` (in the view ``within``), newest first.

        For acting on a whole result (export, mark all read).  Raises
        InputError for an unusable query, since acting on "nothing" silently
        would mislead.
        """
        q = parse_query(text)
        if q.error:
            raise InputError(q.error)
        try:
            plan = compile_query(q, now, tz=tz, within=within, counting=True)
        except (ValueError, OverflowError, OSError) as exc:
            raise InputError(f"cannot search: {show_value(str(exc), 80)}") from exc
        return self.matching_ids(self._visible(plan, within))

    def _visible(self, plan: Compiled, within: View) -> Compiled:
        """The plan without the articles rules hide (only them, ``within.hidden``).

        Added here, not by the compiler, because rules run compiled queries
        too and act on hidden articles as on any other.
        """
        if not (within.hidden or self._hiding()):
            return plan
        ident = "+id" if plan.match is None else "+rowid"
        test = "IN" if within.hidden else "NOT IN"
        return replace(plan, where=f"({plan.where}) AND {ident} {test} ({HIDDEN_IDS})")

    def search_page(self, plan: Compiled, *, limit: int, offset: int, window: int) -> list[Article]:
        """One page of a plan's articles: with words, titles hits first, then by
        bm25 among the newest ``window`` matches; without, newest first.

        The window bounds ranking work (scoring every hit of a common word costs
        ~2.5 us a row); filters apply inside it, so a narrow filter loses nothing.
        sqlite3.Error propagates: :meth:`search` turns it into the result's message.
        """
        plan = self._per_story(plan)
        if plan.match is None:
            sql = (
                f"WITH page AS MATERIALIZED (SELECT id FROM articles WHERE {plan.where} "
                "ORDER BY published DESC, id DESC LIMIT ? OFFSET ?) "
                f"SELECT {ARTICLE_COLUMNS} FROM page {_PAGE_JOIN} "
                "ORDER BY a.published DESC, a.id DESC"
            )
            args: list[Any] = [*plan.params, limit, offset]
        else:
            sql = (
                f"WITH page AS MATERIALIZED (SELECT id, titled, score FROM (SELECT rowid AS id, "
                f"{TITLED} AS titled, {BM25} AS score FROM articles_fts "
                f"WHERE articles_fts MATCH ? AND {plan.where} ORDER BY rowid DESC LIMIT ?) "
                "ORDER BY titled DESC, score, id DESC LIMIT ? OFFSET ?) "
                f"SELECT {ARTICLE_COLUMNS} FROM page {_PAGE_JOIN} "
                "ORDER BY page.titled DESC, page.score, page.id DESC"
            )
            args = [plan.match, *plan.params, window, limit, offset]
        register_functions(self.conn)
        rows = self.conn.execute(sql, args).fetchall()
        ids = [r[0] for r in rows]
        tags, also = self._tags_for(ids), self._also_in(ids)
        return [self._article(r, tags.get(r[0], ()), also.get(r[0], ())) for r in rows]

    def count_matching(self, plan: Compiled) -> int:
        """How many articles a plan matches (every match, not only a ranking window)."""
        plan = self._per_story(plan)
        if plan.match is None:
            sql = f"SELECT count(*) FROM articles WHERE {plan.where}"
            args: list[Any] = list(plan.params)
        else:
            sql = f"SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ? AND {plan.where}"
            args = [plan.match, *plan.params]
        register_functions(self.conn)
        return int(self.conn.execute(sql, args).fetchone()[0])

    def matching_ids(self, plan: Compiled) -> list[int]:
        """Ids of every article a plan matches, newest first, in one query.

        No ranking and no paging, so acting on 100k matches (export, mark
        read) costs one index walk.
        """
        plan = self._per_story(plan)
        if plan.match is None:
            sql = f"SELECT id FROM articles WHERE {plan.where} ORDER BY published DESC, id DESC"
            args: list[Any] = list(plan.params)
        else:
            sql = (
                "SELECT a.id FROM articles a WHERE a.id IN (SELECT rowid FROM articles_fts "
                f"WHERE articles_fts MATCH ? AND {plan.where}) "
                "ORDER BY a.published DESC, a.id DESC"
            )
            args = [plan.match, *plan.params]
        register_functions(self.conn)
        return [r[0] for r in self.conn.execute(sql, args)]

    def _per_story(self, plan: Compiled) -> Compiled:
        """The plan with each duplicate story matched once (stories grouped).

        A copy is left out when its story's first copy matches too, so the
        first copy is the one found; a copy matching alone still shows.  The
        copies are few (the partial index ``articles_story``), and only those
        are tested against the query a second time.
        """
        if not self.group_stories:
            return plan
        if plan.match is None:
            ident, found, args = "+id", f"SELECT id FROM articles WHERE {plan.where}", []
        else:
            ident = "+rowid"
            found = f"SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND {plan.where}"
            args = [plan.match]
        hidden = (
            f"{ident} NOT IN (SELECT c.id FROM articles c WHERE c.story_id IS NOT NULL "
            f"AND c.story_id IN ({found}))"
        )
        return replace(
            plan, where=f"({plan.where}) AND {hidden}", params=[*plan.params, *args, *plan.params]
        )

    # -- saved searches -----------------------------------------------------

    def saved_searches(self, *, now: int, tz: tzinfo | None = None) -> list[SavedSearch]:
        """Every saved search, sorted by name ignoring case, each with a live unread count."""
        rows = self.conn.execute("SELECT id, name, query FROM saved_searches").fetchall()
        rows.sort(key=lambda r: r[1].casefold())
        return [self._saved(r, now, tz) for r in rows]

    def saved_search(self, search_id: int, *, now: int, tz: tzinfo | None = None) -> SavedSearch:
        """One saved search with its unread count; NotFound if there is none."""
        row = self.conn.execute(
            "SELECT id, name, query FROM saved_searches WHERE id = ?", (int(search_id),)
        ).fetchone()
        if row is None:
            raise NotFound(f"no saved search with id {search_id}")
        return self._saved(row, now, tz)

    def _saved(self, row: SavedRow, now: int, tz: tzinfo | None) -> SavedSearch:
        error = parse_query(row[2]).error
        unread = 0 if error else self.count_search(row[2], now, within=View(unread=True), tz=tz)
        return SavedSearch(row[0], row[1], row[2], unread, error)

    def save_search(self, name: str, query: str) -> int:
        """Save a query under a name; returns its id.  InputError on a clash or bad query."""
        name, query = _search_name(name), _search_query(query)
        with self.transaction() as conn:
            _check_name_free(conn, name, None)
            cur = conn.execute(
                "INSERT INTO saved_searches(name, query) VALUES (?, ?)", (name, query)
            )
            return int(cur.lastrowid or 0)

    def rename_search(self, search_id: int, name: str) -> None:
        """Rename a saved search (changing only its case is allowed)."""
        self._set_saved_search(search_id, "name", _search_name(name))

    def update_search(self, search_id: int, query: str) -> None:
        """Replace a saved search's query; InputError if the new query is unusable."""
        self._set_saved_search(search_id, "query", _search_query(query))

    def _set_saved_search(self, search_id: int, column: str, value: str) -> None:
        with self.transaction() as conn:
            if column == "name":
                _check_name_free(conn, value, search_id)
            cur = conn.execute(
                f"UPDATE saved_searches SET {column} = ? WHERE id = ?", (value, int(search_id))
            )
            if cur.rowcount == 0:
                raise NotFound(f"no saved search with id {search_id}")

    def delete_search(self, search_id: int) -> str:
        """Delete a saved search (never any article); returns its name."""
        with self.transaction() as conn:
            rows = conn.execute(
                "DELETE FROM saved_searches WHERE id = ? RETURNING name", (int(search_id),)
            ).fetchall()
            if not rows:
                raise NotFound(f"no saved search with id {search_id}")
        return str(rows[0][0])


def _search_name(name: str) -> str:
    cleaned = clean_line(str(name))[:MAX_SEARCH_NAME].strip()
    if not cleaned:
        raise InputError("a saved search needs a name")
    return cleaned


def _search_query(query: str) -> str:
    cleaned = clean_line(str(query))
    if not cleaned:
        raise InputError("a saved search needs a query")
    q = parse_query(cleaned)
    if q.error:
        raise InputError(q.error)
    return cleaned


def _check_name_free(conn: sqlite3.Connection, name: str, search_id: int | None) -> None:
    """Names are unique ignoring case (all of Unicode, not just SQLite's ASCII NOCASE)."""
    key = name.casefold()
    for other_id, other in conn.execute("SELECT id, name FROM saved_searches"):
        if other_id != search_id and other.casefold() == key:
            shown = show_value(name)
            raise InputError(f"{shown}: a saved search with this name exists")

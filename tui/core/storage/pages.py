"""List pages and positions: a view's rows in list order, from any place in it.

Lists are ordered by (published, id), newest or oldest first, and every
query here reads that order from the (published, id) indexes.  A page can
start at an offset, or by keyset: after (or before) a place in the order,
an index seek that costs the same however deep the page is (issue 15; an
``OFFSET`` walks every row above the page: 0.6 s for the last page of a
500,000-article folder).  Positions (how many rows come before an
article) and "the next unread" are keyset conditions too.  Which rows a
view holds is :func:`.articles.view_where` (``_where``), as for counts and actions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from tui.core.models import Article, View
from tui.core.storage.articles import ARTICLE_COLUMNS, ArticlesMixin, story_where, view_where
from tui.core.storage.base import in_chunks

#: A place in list order: (published, id).  Lists sort by it, so a page can
#: start at a key (keyset paging) instead of at an offset; an id with a half
#: (``(p, 7.5)``) is a place between two articles, whatever their keys.
ArticleKey = tuple[int, float]

#: How many index entries a folder's page may walk, per row wanted, before
#: gathering the folder's rows instead (see ``ArticlesMixin._page_ids``); and
#: the most rows (offset and limit) a walk is tried for.
WALK_BUDGET = 20
WALK_ROWS = 1000


def _with(
    where: tuple[str, list[Any]], extra: tuple[str, list[Any]] | None
) -> tuple[str, list[Any]]:
    """A ``view_where`` result with one more condition (None: unchanged)."""
    if extra is None:
        return where
    sql, params = where
    return f"{sql}{' AND ' if sql else ' WHERE '}{extra[0]}", [*params, *extra[1]]


class PagesMixin(ArticlesMixin):
    """Pages of a view's articles, positions in it, and its next unread article."""

    def articles(
        self,
        view: View = View(),
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = True,
        after: ArticleKey | None = None,
        before: ArticleKey | None = None,
        from_end: bool = False,
    ) -> list[Article]:
        """A page of a view's articles, newest first by default (ties broken by id).

        Where the page starts: ``offset`` rows from the top, or (keyset
        paging) ``offset`` rows past the article key ``after``, so a page far
        down costs an index seek instead of a walk over every row above it.
        ``before`` and ``from_end`` read upwards: the ``limit`` rows just above
        the key ``before`` (or the bottom of the list), ``offset`` rows
        skipped, still returned in list order.  Keys need not be in the view:
        rows that left it still mark a place.  The page's ids come first, from
        the indexes alone, and only then their rows.
        """
        if (after is not None) + (before is not None) + from_end > 1:
            raise ValueError("a page starts after a key, before one, or from the end")
        upward = before is not None or from_end
        descending = newest_first != upward
        key = after if after is not None else before
        seek: tuple[str, list[Any]] | None = None
        if key is not None:
            seek = (f"(a.published, a.id) {'<' if descending else '>'} (?, ?)", [*key])
        ids = self._page_ids(view, seek, "DESC" if descending else "ASC", limit, offset)
        if upward:
            ids.reverse()
        rows: list[Sequence[Any]] = []
        shown = "DESC" if newest_first else "ASC"
        for marks, chunk in in_chunks(ids):
            rows.extend(
                self.conn.execute(
                    f"SELECT {ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
                    f"WHERE a.id IN ({marks}) ORDER BY a.published {shown}, a.id {shown}",
                    chunk,
                )
            )
        tags, also = self._tags_for(ids), self._also_in(ids)
        return [self._article(r, tags.get(r[0], ()), also.get(r[0], ())) for r in rows]

    def _page_ids(
        self,
        view: View,
        seek: tuple[str, list[Any]] | None,
        order: str,
        limit: int | None,
        offset: int,
    ) -> list[int]:
        """The ids of a page in ``order`` of (published, id), past ``seek`` if given.

        A folder (or a sync account) is many feeds: left to itself SQLite gathers the folder's
        rows feed by feed and sorts them all for each page (25 ms for 50,000
        rows, 0.6 s for 500,000).  A folder holding a good share of the
        articles is read faster by walking the (published, id) index in
        order and keeping its feeds' rows, which stops once the page is full;
        so that walk is tried first for a page (at most ``WALK_ROWS`` rows
        from where it starts), over at most ``WALK_BUDGET`` index entries per
        row wanted; a small folder (or the end of a big one) falls back to
        gathering, whose cost is then bounded by the folder's size.
        """
        sort = f" ORDER BY a.published {order}, a.id {order}"
        wanted = offset + (limit or 0)
        spellings = self._spellings(view.folder)
        hiding = self._hiding()
        many = view.folder is not None or view.account_id is not None  # an account's too
        if many and view.feed_id is None and limit and wanted <= WALK_ROWS:
            outside = replace(view, folder=None, account_id=None)
            where, params = _with(view_where(outside, hiding=hiding), seek)
            if self.group_stories:
                story = story_where(view, spellings, hiding=hiding)
                where, params = _with((where, params), story)
            inside, folder = view_where(
                View(folder=view.folder, account_id=view.account_id), spellings
            )
            ids = [
                r[0]
                for r in self.conn.execute(
                    f"SELECT a.id FROM (SELECT a.id AS id, a.feed_id AS feed_id FROM articles a"
                    f"{where}{sort} LIMIT ?) a{inside} LIMIT ? OFFSET ?",
                    [*params, WALK_BUDGET * wanted, *folder, limit, offset],
                )
            ]
            if len(ids) == limit:
                return ids
        where, params = _with(
            view_where(view, spellings, hiding=hiding, stories=self.group_stories), seek
        )
        return [
            r[0]
            for r in self.conn.execute(
                f"SELECT a.id FROM articles a{where}{sort} LIMIT ? OFFSET ?",
                [*params, -1 if limit is None else limit, offset],
            )
        ]

    # -- positions in a list -------------------------------------------------------

    def _after(self, article_id: int, older: bool) -> tuple[str, list[Any]] | None:
        """A keyset condition for rows after an article in list order (None if it is gone)."""
        row = self.conn.execute(
            "SELECT published FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        op = "<" if older else ">"
        return f"(a.published, a.id) {op} (?, ?)", [row[0], article_id]

    def article_position(
        self, view: View, article_id: int, *, newest_first: bool = True
    ) -> int | None:
        """Where an article sits (or would sit) in a view's list: the rows before it."""
        before = self._after(article_id, older=not newest_first)
        if before is None:
            return None
        where, params = self._where(view)
        glue = " AND " if where else " WHERE "
        sql = f"SELECT count(*) FROM articles a{where}{glue}{before[0]}"
        return int(self.conn.execute(sql, [*params, *before[1]]).fetchone()[0])

    def next_unread(
        self,
        view: View,
        after_id: int | None,
        *,
        newest_first: bool = True,
        forward: bool = True,
    ) -> Article | None:
        """The nearest unread article of a view after (or before) one, in list order."""
        older = newest_first == forward
        where, params = self._where(replace(view, unread=True))
        if after_id is not None:
            cond = self._after(after_id, older=older)
            if cond is not None:
                where += f" AND {cond[0]}"
                params += cond[1]
        order = "DESC" if older else "ASC"
        row = self.conn.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id{where} "
            f"ORDER BY a.published {order}, a.id {order} LIMIT 1",
            params,
        ).fetchone()
        if row is None:
            return None
        tags, also = self._tags_for([row[0]]), self._also_in([row[0]])
        return self._article(row, tags.get(row[0], ()), also.get(row[0], ()))

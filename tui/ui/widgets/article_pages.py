"""The article list's rows, paged from SQLite: what row N is, without holding them all.

``ListPages`` is the bottom layer of ``ArticleList`` (``widgets/article_list.py``
says how the layers stack): it holds the list's state and reads its rows.
The list knows only the row count; rows come in pages of ``PAGE`` fetched
with ``Library.articles(limit, offset)`` (or ``Library.search`` for a
query), and at most ``MAX_PAGES`` of them are kept, so opening a view is one
COUNT and one page, and memory does not grow with the number of articles.

Rows that leave the view while it is shown (an article read in "Unread")
stay where they are until the view is reloaded: their positions are kept in
``_gone`` so pages fetched later are offset correctly and nothing shifts
under the cursor.  Search results keep their rows until the next search
(nothing "leaves" a result list).
"""

from __future__ import annotations

import bisect
import time
from collections import OrderedDict
from collections.abc import Callable

from textual.geometry import Size
from textual.scroll_view import ScrollView

from tui.core import Article, Library, View

__all__ = ["MAX_PAGES", "PAGE", "ListPages", "in_view"]

PAGE = 200
MAX_PAGES = 6


def in_view(view: View, article: Article) -> bool:
    """Whether an article still matches the state conditions of a view."""
    return not (
        (view.unread and article.read)
        or (view.starred and not article.starred)
        or (view.noted and not article.has_note)
    )


class ListPages(ScrollView):
    """The list's state: the view or query shown, its cached pages, the rows gone from it."""

    def __init__(
        self,
        library: Library,
        *,
        clock: Callable[[], float] = time.time,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.library = library
        self.clock = clock
        self.view = View()
        self.newest_first = True
        self.cursor = 0
        self._db_count = 0
        self._pages: OrderedDict[int, list[Article]] = OrderedDict()
        self._gone: dict[int, Article] = {}
        self._gone_keys: list[int] = []  # sorted positions of _gone
        #: What an empty list says (the screen sets it: no feeds vs an empty view).
        self.empty_text = "No articles here."
        #: The search shown instead of ``view`` (None: the list shows ``view``).
        self.search_query: str | None = None
        #: Words to highlight in titles (folded, as ``SearchResult.terms``).
        self.terms: tuple[str, ...] = ()
        #: A one-line message shown in place of rows (an unusable query).
        self.notice: str | None = None
        #: Row index -> (published, date label) as last painted, for ``tick_dates``.
        self._painted_dates: dict[int, tuple[int, str]] = {}

    # -- data ---------------------------------------------------------------

    @property
    def count(self) -> int:
        """Rows in the list (articles in the view plus rows that left it since loading)."""
        return self._db_count + len(self._gone)

    def show(self, view: View, *, newest_first: bool | None = None) -> None:
        """Show another view from its first row."""
        self.view = view
        self.search_query, self.terms, self.notice = None, (), None
        if newest_first is not None:
            self.newest_first = newest_first
        self._load()
        self._top()

    def show_query(
        self,
        text: str,
        *,
        first: list[Article] | None = None,
        count: int | None = None,
        terms: tuple[str, ...] = (),
        notice: str | None = None,
    ) -> None:
        """Show the results of a search from their first row.

        ``first`` and ``count`` are the first page and the size when a worker
        already ran the search (as you type); otherwise they are read now.
        ``notice`` (an unusable query) replaces the rows with one line.
        """
        self.search_query, self.terms, self.notice = text, tuple(terms), notice
        self._load(0 if notice else count)
        if first is not None and not notice:
            self._pages[0] = list(first[:PAGE])
        self._top()

    @property
    def searching(self) -> bool:
        """Whether the rows are search results rather than a view."""
        return self.search_query is not None

    def _top(self) -> None:
        self.cursor = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def source_count(self) -> int:
        """How many articles the view or query holds in the database right now."""
        if self.search_query is not None:
            return 0 if self.notice else self.library.count_articles(View(query=self.search_query))
        return self.library.count_articles(self.view)

    def _keeps(self, article: Article) -> bool:
        """Whether a changed article still belongs in the rows (results always do)."""
        return self.search_query is not None or in_view(self.view, article)

    def _position(self, article: Article) -> int | None:
        """Where an article is (or would be) in the database's order of the rows."""
        if self.search_query is None:
            return self.library.article_position(
                self.view, article.id, newest_first=self.newest_first
            )
        for page, rows in self._pages.items():
            for i, row in enumerate(rows):
                if row.id == article.id:
                    return page * PAGE + i
        return None

    def _load(self, count: int | None = None) -> None:
        if count is None:
            count = self.source_count()
        self._db_count = count
        self._pages.clear()
        self._gone.clear()
        self._gone_keys.clear()
        self.virtual_size = Size(1, self.count)

    def _set_gone(self, index: int, article: Article) -> None:
        if index not in self._gone:
            bisect.insort(self._gone_keys, index)
            self._db_count -= 1
        self._gone[index] = article
        self.virtual_size = Size(1, self.count)

    def _page(self, page: int) -> list[Article]:
        """Rows [page*PAGE, (page+1)*PAGE) of the list, fetched on first use."""
        rows = self._pages.get(page)
        if rows is not None:
            self._pages.move_to_end(page)
            return rows
        start, end = page * PAGE, min((page + 1) * PAGE, self.count)
        gone_before = bisect.bisect_left(self._gone_keys, start)
        gone_in = self._gone_keys[gone_before : bisect.bisect_left(self._gone_keys, end)]
        limit, offset = max(0, end - start - len(gone_in)), start - gone_before
        if self.search_query is not None:
            fetched = self.library.search(self.search_query, limit=limit, offset=offset).articles
        else:
            fetched = self.library.articles(
                self.view, limit=limit, offset=offset, newest_first=self.newest_first
            )
        rows, it = [], iter(fetched)
        for index in range(start, end):
            row = self._gone.get(index) if index in self._gone else next(it, None)
            if row is None:
                break  # the view shrank under us (a refresh); the next reload fixes it
            rows.append(row)
        self._pages[page] = rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return rows

    def article_at(self, index: int) -> Article | None:
        if not 0 <= index < self.count:
            return None
        rows = self._page(index // PAGE)
        offset = index % PAGE
        return rows[offset] if offset < len(rows) else None

    @property
    def current(self) -> Article | None:
        """The article under the cursor."""
        return self.article_at(self.cursor)

    def replace_article(self, article: Article) -> None:
        """Show an article's new state (read, starred, noted) wherever it is cached."""
        index = None
        for page, rows in self._pages.items():
            for i, row in enumerate(rows):
                if row.id == article.id:
                    rows[i] = article
                    index = page * PAGE + i
        if index is None:
            return
        if not self._keeps(article):
            self._set_gone(index, article)
        elif index in self._gone:
            # Back in the view (e.g. marked unread again): the database holds it again.
            del self._gone[index]
            self._gone_keys.remove(index)
            self._db_count += 1
        self.refresh()

    def locate(self, article: Article) -> int | None:
        """The row of an article that is in the view, counting rows that left it."""
        pos = self._position(article)
        if pos is None or self.search_query is not None:
            return None
        for gone in self._gone_keys:
            if gone > pos:
                break
            pos += 1
        return pos

    @property
    def gone_rows(self) -> dict[int, Article]:
        """Rows shown that have left the view since it was loaded (by position)."""
        return self._gone

    def pages_cached(self) -> int:
        """How many pages are held in memory (for tests of the memory bound)."""
        return len(self._pages)

    def next_unread_row(self, start: int, forward: bool = True) -> int | None:
        """The nearest unread row after (or before) ``start``, for search results.

        Views ask the database by keyset; results are ranked, so this walks
        the rows page by page, after a cheap count rules out "none at all".
        """
        if self.search_query is None or self.notice:
            return None
        if self.library.count_articles(View(unread=True, query=self.search_query)) == 0:
            return None
        step = 1 if forward else -1
        index = start + step
        while 0 <= index < self.count:
            article = self.article_at(index)
            if article is None:
                return None
            if not article.read:
                return index
            index += step
        return None

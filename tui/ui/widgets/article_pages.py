"""The article list's rows, paged from SQLite: what row N is, without holding them all.

``ListPages`` is the bottom layer of ``ArticleList`` (``widgets/article_list.py``
says how the layers stack): it holds the list's state and reads its rows.
The list knows only the row count; rows come in pages of ``PAGE`` fetched
with ``Library.articles`` (or ``Library.search`` for a query), and at most
``MAX_PAGES`` of them are kept, so opening a view is one page and one COUNT,
and memory does not grow with the number of articles.

A view's pages are read by keyset from the nearest known place (the top,
the bottom, or an edge of a page read before: ``article_edges``), so a page
far down, ``G`` and a page read again cost what the first page does; an
``OFFSET`` walked every row above (28 ms deep in a 50,000-article folder,
0.6 s at 500,000).  Search results are ranked, not keyed: read by offset.

What runs where (issue 14): the COUNT, an article's position (to keep the
cursor on it after a reload, or to select it) and "is anything unread in
these results" are one-off calls, run in the lane (the reader's, so they
keep their place among its writes) and answered by messages; an answer
for a view no longer shown is dropped (``_generation``).  Until the COUNT
answers, the first page says how big the view is: exact when it is not
full, else ``PAGE`` rows for now (``counting``).  Page reads stay on the
UI thread when a row must be drawn and its page is not held, because the
list cannot draw rows it does not have; the pages on either side of the
one drawn are read ahead in the lane, so scrolling finds them held.
``docs/ARCHITECTURE.md`` gives the numbers.

Rows that leave the view while it is shown (an article read in "Unread")
stay where they are until the view is reloaded: their positions are kept in
``_gone`` so pages fetched later are placed correctly and nothing shifts
under the cursor (and every edge holds until the reload).  Search results
keep their rows until the next search (nothing "leaves" a result list).
"""

from __future__ import annotations

import bisect
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from rich.style import Style
from textual import on
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView

from tui.core import Article, Library, View
from tui.ui.widgets.article_edges import Edges, Seek
from tui.ui.widgets.article_lines import DrawnLines
from tui.ui.workers import Lane, Outcome, unless_gone

__all__ = ["MAX_PAGES", "PAGE", "ListPages", "in_view"]

T = TypeVar("T")

PAGE = 200
MAX_PAGES = 6


def in_view(view: View, article: Article) -> bool:
    """Whether an article still matches the state conditions of a view."""
    return not (
        (view.unread and article.read)
        or (view.starred and not article.starred)
        or (view.noted and not article.has_note)
    )


class Answered(Message):
    """A one-off call of the list answered; ``then`` takes the outcome if still current."""

    def __init__(self, generation: int, outcome: Outcome[Any], then: Callable[[Any], None]) -> None:
        super().__init__()
        self.generation = generation
        self.outcome = outcome
        self.then = then


class ListPages(ScrollView):
    """The list's state: the view or query shown, its cached pages, the rows gone from it."""

    class Sized(Message):
        """The view's size arrived from the lane (the header and "N here" follow)."""

    def __init__(
        self,
        library: Library,
        *,
        lane: Lane | None = None,
        clock: Callable[[], float] = time.time,
        id: str | None = None,
    ) -> None:
        """``lane``: where the list's one-off calls run (None: a lane of its own)."""
        super().__init__(id=id)
        self.library = library
        self._lane = lane if lane is not None else Lane(self, library, name="article-list")
        self.clock = clock
        #: Bumped by every load: answers asked for an older one are dropped.
        self._generation = 0
        #: Bumped whenever rows leave or come back: a page read ahead for another
        #: layout of the rows would sit at the wrong offset, so it is dropped.
        self._layout = 0
        #: Pages asked of the lane and not answered yet.
        self._asked: set[int] = set()
        #: Rows that left (-1) or came back (+1) since the load (the COUNT does not know).
        self._delta = 0
        #: Whether the size is the first page's until the COUNT answers.
        self.counting = False
        self.view = View()
        self.newest_first = True
        self.cursor = 0
        self._db_count = 0
        self._pages: OrderedDict[int, list[Article]] = OrderedDict()
        self._gone: dict[int, Article] = {}
        self._gone_keys: list[int] = []  # sorted positions of _gone
        #: Places between rows known from the pages read (``article_edges``).
        self._edges = Edges()
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
        #: The lines drawn, per look and width (``article_lines``, ``article_rows``).
        self._drawn = DrawnLines()
        #: The list's own style, kept until the styles change (``article_rows``).
        self._base_style: Style | None = None

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

    def _ask(self, call: Callable[[], T | None], then: Callable[[T], None]) -> None:
        """Run ``call`` in the lane; ``then(value)`` if the list still shows that load."""
        generation = self._generation
        self._lane.put(call, lambda outcome: Answered(generation, outcome, then), to=self)

    @on(Answered)
    @unless_gone
    def _answered(self, message: Answered) -> None:
        message.stop()
        if message.generation == self._generation and message.outcome.value is not None:
            message.then(message.outcome.value)

    def _count_call(self) -> Callable[[], int]:
        """The COUNT of what is shown, as a call for the lane (its arguments taken now)."""
        query, view = self.search_query, self.view
        if query is not None:
            return lambda: self.library.count_articles(View(query=query))
        return lambda: self.library.count_articles(view)

    def _keeps(self, article: Article) -> bool:
        """Whether a changed article still belongs in the rows (results always do)."""
        return self.search_query is not None or in_view(self.view, article)

    def _place(self, article: Article, then: Callable[[int, int], None]) -> None:
        """Where an article is (or would be) in the view's order, asked of the lane.

        ``then(row, published)``: its row and its date as stored now (its key
        in the view's order, which a refresh may have changed).
        """
        view, newest_first = self.view, self.newest_first

        def position() -> tuple[int, int] | None:
            pos = self.library.article_position(view, article.id, newest_first=newest_first)
            if pos is None:
                return None
            return pos, self.library.article(article.id).published

        self._ask(position, lambda place: then(*place))

    def _cached_position(self, article: Article) -> int | None:
        """Where an article is among the result rows held (results have no SQL order)."""
        return self.held_row_of(article.id)

    def held_row_of(self, article_id: int) -> int | None:
        """The row of an article among the rows held, else None (never reads)."""
        for page, rows in self._pages.items():
            for i, row in enumerate(rows):
                if row.id == article_id:
                    return page * PAGE + i
        return None

    def _load(self, count: int | None = None) -> None:
        """Forget the rows held; the size is ``count``, else the first page's, then the COUNT's."""
        self._generation += 1
        self._layout += 1
        self._asked.clear()
        self._delta = 0
        self._pages.clear()
        self._gone.clear()
        self._gone_keys.clear()
        self._edges.clear()
        self._drawn.clear()
        first: list[Article] | None = None
        if count is None and self.notice:
            count = 0
        if count is None:
            first = self._reader(PAGE, Seek(0))()
            count = len(first)
        self._db_count = count
        self.counting = first is not None and len(first) == PAGE
        if first is not None:
            self._keep_page(0, first)
        if self.counting:
            self._ask(self._count_call(), self._counted)
        self.virtual_size = Size(1, self.count)

    def _counted(self, count: int) -> None:
        """The COUNT answered: the list's size, and the screen told (header, "N here")."""
        self.counting = False
        self._db_count = count + self._delta
        self.virtual_size = Size(1, self.count)
        self.refresh()
        self.post_message(self.Sized())

    def _set_gone(self, index: int, article: Article) -> None:
        if index not in self._gone:
            bisect.insort(self._gone_keys, index)
            self._db_count -= 1
            self._delta -= 1
            self._layout += 1
            self._asked.clear()
        self._gone[index] = article
        self.virtual_size = Size(1, self.count)

    def _reader(self, limit: int, seek: Seek) -> Callable[[], list[Article]]:
        """A page read as a call, its view, query and order taken now (for the lane)."""
        query, view, newest_first = self.search_query, self.view, self.newest_first
        if query is not None:
            offset = seek.offset
            return lambda: self.library.search(query, limit=limit, offset=offset).articles
        return lambda: self.library.articles(
            view,
            limit=limit,
            offset=seek.offset,
            after=seek.after,
            before=seek.before,
            from_end=seek.from_end,
            newest_first=newest_first,
        )

    def _page_reader(self, page: int) -> Callable[[], list[Article]]:
        """The read of a page's rows from the database (the rows gone from it skipped).

        A view's page is read by keyset from the nearest known place
        (``article_edges``); one with a known edge inside it (the row a
        reload kept the cursor on) in two halves, upwards and downwards from
        there.  Search results have no keys: they are read by offset.
        """
        start, end = page * PAGE, min((page + 1) * PAGE, self.count)
        gone_in = self._gone_in
        if self.search_query is not None:
            return self._reader(end - start - gone_in(start, end), Seek(start - gone_in(0, start)))
        seek = self._edges.seek(start, end, None if self.counting else self.count, gone_in)
        inside = self._edges.inside(start, end) if seek.offset else None
        if inside is None:
            return self._reader(end - start - gone_in(start, end), seek)
        edge, place = inside
        above = self._reader(edge - start - gone_in(start, edge), Seek(0, before=place))
        below = self._reader(end - edge - gone_in(edge, end), Seek(0, after=place))
        return lambda: above() + below()

    def _gone_in(self, start: int, end: int) -> int:
        """How many rows in [start, end) left the view (the database no longer has them)."""
        keys = self._gone_keys
        return bisect.bisect_left(keys, end) - bisect.bisect_left(keys, start)

    def _rows(self, page: int, fetched: list[Article]) -> list[Article]:
        """A page's rows: the fetched ones with the rows gone from the view in their places."""
        start, end = page * PAGE, min((page + 1) * PAGE, self.count)
        rows, it = [], iter(fetched)
        for index in range(start, end):
            row = self._gone.get(index) if index in self._gone else next(it, None)
            if row is None:
                break  # the view shrank under us (a refresh); the next reload fixes it
            rows.append(row)
        return rows

    def _keep_page(self, page: int, rows: list[Article]) -> None:
        if self.search_query is None:
            self._edges.mark(page * PAGE, rows, self.newest_first)
        self._pages[page] = rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)

    def _read_ahead(self, page: int) -> None:
        """Ask the lane for the pages beside ``page`` that are not held, before they are drawn."""
        layout = self._layout
        for near in (page + 1, page - 1):
            if near < 0 or near * PAGE >= self.count or near in self._pages or near in self._asked:
                continue
            self._asked.add(near)

            def keep(fetched: list[Article], near: int = near) -> None:
                self._asked.discard(near)
                if self._layout == layout and near not in self._pages:
                    self._keep_page(near, self._rows(near, fetched))

            self._ask(self._page_reader(near), keep)

    def _page(self, page: int) -> list[Article]:
        """Rows [page*PAGE, (page+1)*PAGE) of the list, read now if not held (see above)."""
        rows = self._pages.get(page)
        if rows is None:
            rows = self._rows(page, self._page_reader(page)())
            self._keep_page(page, rows)
        else:
            self._pages.move_to_end(page)
        self._read_ahead(page)
        return rows

    def article_at(self, index: int) -> Article | None:
        if not 0 <= index < self.count:
            return None
        rows = self._page(index // PAGE)
        offset = index % PAGE
        return rows[offset] if offset < len(rows) else None

    def held_article_at(self, index: int) -> Article | None:
        """The article at ``index`` if its page is held, else None (never reads)."""
        if not 0 <= index < self.count:
            return None
        rows = self._pages.get(index // PAGE)
        offset = index % PAGE
        return rows[offset] if rows is not None and offset < len(rows) else None

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
            self._delta += 1
            self._layout += 1
            self._asked.clear()
        self.refresh()

    def _row_of(self, pos: int) -> int:
        """The row of the article at ``pos`` in the database's order, counting rows gone."""
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

"""The article list: a virtual list paged from SQLite.

Why not DataTable/ListView: a view may hold 50,000 articles, and those widgets
keep every row (ListView collapses at 10k, DataTable takes seconds and tens of
MB at 100k).  This list knows only the row count; it draws the visible lines
from pages of ``PAGE`` rows fetched with ``Library.articles(limit, offset)``
and keeps at most ``MAX_PAGES`` of them, so opening a view is one COUNT and
one page, and memory does not grow with the number of articles.

Rows that leave the view while it is shown (an article read in "Unread")
stay where they are until the view is reloaded: their positions are kept in
``_gone`` so pages fetched later are offset correctly and nothing shifts
under the cursor.

The list also shows search results (a query typed in the search box, a
saved search or a tag): ``show_query`` pages them from ``Library.search``
the same way, with the matched words highlighted in the titles.  Results
keep their rows until the next search (nothing "leaves" a result list).

Dates are relative ("5m", "3h") and so go stale while the app stays open.
``render_line`` notes the date it painted on each visible row (the
article's timestamp and the label); every ``DATES_EVERY`` seconds
``tick_dates`` recomputes those labels and repaints just the rows whose
label changed.  It reads no pages and runs no SQL: when nothing on screen
would change it does a few dozen string comparisons and nothing else.
Textual keeps a widget's painted lines until they are marked dirty, so a
row whose label changed must be refreshed; the list itself keeps no
rendered text (only ``Article`` pages), so ``refresh_line`` redraws the
row from the cached page.
"""

from __future__ import annotations

import bisect
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core import Article, Library, View, highlight_spans
from tui.ui import safe

PAGE = 200
MAX_PAGES = 6
DATE_WIDTH = 8
#: Seconds between checks that the painted relative dates are still right.
DATES_EVERY = 30.0


def relative_date(ts: int, now: float) -> str:
    """Short age when recent ("5m", "3h", "2d"), else "21 Mar" or "Mar 2023" (local time)."""
    age = now - ts
    if 0 <= age < 3600:
        return f"{max(1, int(age // 60))}m"
    if 0 <= age < 86400:
        return f"{int(age // 3600)}h"
    if 0 <= age < 7 * 86400:
        return f"{int(age // 86400)}d"
    when = datetime.fromtimestamp(ts)
    if when.year == datetime.fromtimestamp(now).year:
        return when.strftime("%d %b")
    return when.strftime("%b %Y")


def in_view(view: View, article: Article) -> bool:
    """Whether an article still matches the state conditions of a view."""
    return not (
        (view.unread and article.read)
        or (view.starred and not article.starred)
        or (view.noted and not article.has_note)
    )


class ArticleList(ScrollView, can_focus=True):
    """Titles, feeds, dates and markers (unread, starred, noted, tagged) of one view."""

    #: Rows are drawn, not text: a double click opens an article, it selects no text.
    ALLOW_SELECT = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor(1)", "Down", show=False, id="list.down", tooltip="Next article"),
        Binding("k,up", "cursor(-1)", "Up", show=False, id="list.up", tooltip="Previous article"),
        Binding(
            "pagedown", "page(1)", "Page down", show=False, id="list.page_down", tooltip="Page down"
        ),
        Binding("pageup", "page(-1)", "Page up", show=False, id="list.page_up", tooltip="Page up"),
        Binding("home", "jump(0)", "First", show=False, id="list.home", tooltip="First article"),
        Binding("end", "jump(-1)", "Last", show=False, id="list.end", tooltip="Last article"),
    ]

    DEFAULT_CSS = """
    ArticleList {
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    ArticleList > .article-list--unread { text-style: bold; }
    ArticleList > .article-list--read { color: $text-muted; }
    ArticleList > .article-list--marker { color: $text-accent; }
    ArticleList > .article-list--star { color: $warning; text-style: bold; }
    ArticleList > .article-list--gutter { background: $foreground 10%; }
    ArticleList > .article-list--meta { color: $text-muted; }
    ArticleList > .article-list--cursor {
        background: $block-cursor-blurred-background;
    }
    ArticleList:focus > .article-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    ArticleList > .article-list--empty { color: $text-muted; text-style: italic; }
    ArticleList > .article-list--notice { color: $text-error; }
    ArticleList > .article-list--match {
        color: $text-warning;
        background: $warning-muted;
        text-style: bold;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--unread",
        "article-list--read",
        "article-list--marker",
        "article-list--star",
        "article-list--gutter",
        "article-list--meta",
        "article-list--cursor",
        "article-list--empty",
        "article-list--notice",
        "article-list--match",
    }

    class Open(Message):
        """The user chose an article (enter, "l" or a double click)."""

        def __init__(self, article: Article) -> None:
            super().__init__()
            self.article = article

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

    def on_mount(self) -> None:
        self.set_interval(DATES_EVERY, self.tick_dates, name="article-list-dates")

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

    def reload(self, keep: Article | None = None) -> None:
        """Re-read the view (new articles, flipped order), keeping ``keep`` under the cursor."""
        if self.search_query is not None and keep is not None:
            pos = self._position(keep)  # read from the old pages, before they go
            self._load()
            self.move_to(self.cursor if pos is None else pos, force=True)
            self.refresh()
            return
        self._load()
        index = self.cursor
        if keep is not None:
            pos = self._position(keep)
            if pos is not None:
                index = pos
                if not self._keeps(keep):
                    # Keep it visible where it was rather than let the cursor skip.
                    self._set_gone(pos, keep)
        self.move_to(index, force=True)
        self.refresh()

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

    def select(self, article: Article) -> None:
        """Put the cursor on an article of the view."""
        index = self.locate(article)
        if index is not None:
            self.move_to(index)

    @property
    def gone_rows(self) -> dict[int, Article]:
        """Rows shown that have left the view since it was loaded (by position)."""
        return self._gone

    def pages_cached(self) -> int:
        """How many pages are held in memory (for tests of the memory bound)."""
        return len(self._pages)

    # -- cursor -------------------------------------------------------------

    def move_to(self, index: int, *, force: bool = False) -> None:
        """Put the cursor on a row (clamped) and scroll it into view."""
        index = max(0, min(index, self.count - 1)) if self.count else 0
        if index == self.cursor and not force:
            return
        previous, self.cursor = self.cursor, index
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        if height <= 0:  # hidden (narrow layout while reading): scroll when shown
            self.refresh()
        elif index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
            self.refresh()
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)
            self.refresh()
        elif force:
            self.refresh()
        else:  # only the two rows whose highlight changed
            self.refresh_line(previous)
            self.refresh_line(index)

    def on_resize(self) -> None:
        """Shown again (or resized): bring the cursor's row into view."""
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        if height > 0 and not top <= self.cursor < top + height:
            self.scroll_to(y=max(0, self.cursor - height // 2), animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        self.move_to(self.cursor + direction * height)

    def action_jump(self, index: int) -> None:
        self.move_to(self.count - 1 if index < 0 else index)

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

    # -- ticking dates ------------------------------------------------------

    def tick_dates(self) -> int:
        """Repaint the visible rows whose relative date would now read differently.

        Works from what ``render_line`` last painted (no pages, no SQL), so
        when nothing on screen would change it repaints nothing.  Rows that
        scrolled out of view are forgotten.  Returns how many rows it
        repainted (for tests).
        """
        height = self.scrollable_content_region.height
        if not self._painted_dates or height <= 0:
            return 0  # hidden (narrow layout): it is repainted when shown again
        top = round(self.scroll_y)
        now = self.clock()
        stale: list[int] = []
        for index, (published, label) in list(self._painted_dates.items()):
            if not top <= index < top + height:
                del self._painted_dates[index]
            elif relative_date(published, now) != label:
                stale.append(index)
        for index in stale:
            self.refresh_line(index)
        return len(stale)

    def on_click(self, event: events.Click) -> None:
        """A click selects the row; a double click (or enter) opens it."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + round(self.scroll_y)
        if index < self.count:
            self.focus()
            self.move_to(index)
            article = self.current
            if article is not None and event.chain >= 2:
                self.post_message(self.Open(article))

    # -- drawing ------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_y) + y
        if self.count == 0:
            self._painted_dates.pop(index, None)
            lines = self._empty_lines(width)
            if y < len(lines):
                strip = Strip(list(lines[y].render(self.app.console)), lines[y].cell_len)
                return strip.extend_cell_length(width, self.rich_style).crop(0, width)
            return Strip.blank(width, self.rich_style)
        article = self.article_at(index)
        if article is None:
            self._painted_dates.pop(index, None)
            return Strip.blank(width, self.rich_style)
        date = relative_date(article.published, self.clock())
        self._painted_dates[index] = (article.published, date)
        text = self._row(article, width, cursor=index == self.cursor, date=date)
        strip = Strip(list(text.render(self.app.console)), text.cell_len)
        return strip.extend_cell_length(width, self.rich_style).crop(0, width)

    def _empty_lines(self, width: int) -> list[Text]:
        """What an empty list says, wrapped to the width (a search error may be long).

        Styled with a span: ``Text.render`` drops a ``Text``'s own base style.
        """
        if self.notice:
            style = self.get_component_rich_style("article-list--notice")
            message = self.notice
        else:
            style = self.get_component_rich_style("article-list--empty")
            message = "No matches." if self.search_query is not None else self.empty_text
        lines: list[Text] = []
        for line in Text(safe.clean(message)).wrap(self.app.console, max(8, width - 3)):
            line = Text("  ") + line
            line.stylize(style)
            line.end = ""
            lines.append(line)
        return lines

    def row_text(self, index: int) -> Text | None:
        """The styled text of a row as drawn (for tests of highlighting)."""
        article = self.article_at(index)
        if article is None:
            return None
        width = self.scrollable_content_region.width or 80
        return self._row(article, width, cursor=index == self.cursor)

    def _row(
        self, article: Article, width: int, *, cursor: bool = False, date: str | None = None
    ) -> Text:
        """One row: markers, title, feed (when wide enough) and date, fitted to ``width``.

        ``date`` is the relative date label when the caller already has it.
        Matched words are styled last, so they stay visible under the cursor.
        """
        style = self.get_component_rich_style
        mark = style("article-list--marker")
        base = style("article-list--read" if article.read else "article-list--unread")
        meta = style("article-list--meta")
        markers = Text.assemble(
            ("●" if not article.read else " ", mark),
            ("★" if article.starred else " ", style("article-list--star")),
            ("✎" if article.has_note else " ", mark),
            ("#" if article.tags else " ", mark),
        )
        markers.stylize(Style(bgcolor=style("article-list--gutter").bgcolor))
        markers.append(" ", base)
        if date is None:
            date = relative_date(article.published, self.clock())
        date = date.rjust(DATE_WIDTH)
        feed_width = min(18, width // 5) if width >= 60 else 0
        title_width = width - markers.cell_len - feed_width - DATE_WIDTH - (2 if feed_width else 1)
        full = safe.clean(article.title) or "(untitled)"
        title = safe.truncate(full, title_width)
        row = markers
        title_at = len(row.plain)
        row.append(title + " " * max(0, title_width - Text(title).cell_len), base)
        if feed_width:
            feed = safe.truncate(safe.clean(article.feed_title), feed_width)
            row.append(" " + feed + " " * (feed_width - Text(feed).cell_len), meta)
        row.append(" " + date, meta)
        row.no_wrap = True
        row.end = ""
        if cursor:
            row.stylize(style("article-list--cursor"))
        if self.terms:
            # ``title`` is a prefix of ``full`` plus "…" when cut: clip to it.
            shown = len(title) - (0 if title == full else 1)
            match = style("article-list--match")
            for start, end in highlight_spans(full, self.terms):
                if start >= shown:
                    break
                row.stylize(match, title_at + start, title_at + min(end, shown))
        return row

"""Moving through the article list: the cursor, its keys, and keeping its row in view.

``ListCursor`` is the top layer of ``ArticleList`` under the widget itself
(``widgets/article_list.py`` says how the layers stack).  Moving the cursor
repaints only the two rows whose highlight changed, unless the list has to
scroll; a reload keeps the article the user was on under the cursor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import ClassVar

from textual.binding import Binding, BindingType

from tui.core import Article, View
from tui.ui.widgets.article_rows import ListRows

__all__ = ["ListCursor"]


class ListCursor(ListRows):
    """j/k, page up/down, home/end; ``move_to``, ``select``, ``reload``; unread rows of results."""

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

    def reload(self, keep: Article | None = None) -> None:
        """Re-read the view (new articles, flipped order), keeping ``keep`` under the cursor.

        A view asks the lane where ``keep`` is now; the cursor stays on its row
        number until the answer moves it there, or as many rows from there as
        keys moved it meanwhile (a key is never undone by a late answer).
        """
        if self.search_query is not None and keep is not None:
            pos = self._cached_position(keep)  # read from the old pages, before they go
            self._load()
            self.move_to(self.cursor if pos is None else pos, force=True)
            self.refresh()
            return
        self._load()
        self.move_to(self.cursor, force=True)
        self.refresh()
        if keep is not None and self.search_query is None:
            at = self.cursor
            self._place(keep, lambda pos, published: self._keep_at(keep, pos, published, at))

    def recount(self, grown: Callable[[], None]) -> None:
        """Count the view again in the lane; if it holds other articles than shown
        (a refresh added some), reload it keeping the cursor's article, then ``grown()``."""
        if self.notice:
            return

        def compare(count: int) -> None:
            if count != self.count - len(self.gone_rows):
                self.reload(keep=self.current)
                grown()

        self._ask(self._count_call(), compare)

    def _keep_at(self, keep: Article, pos: int, published: int, at: int) -> None:
        """The kept article is at ``pos``: the cursor goes there, its row kept if it left.

        Its key (``published`` as stored now) marks the edges around its row,
        so the page there is read by keyset, however deep.  ``at`` is where
        the cursor was when the reload began: keys pressed since moved it,
        and it keeps that move from the kept article.
        """
        moved = self.cursor - at
        if not self._keeps(keep):
            # Keep it visible where it was rather than let the cursor skip.
            self._set_gone(pos, keep)
            self._pages.clear()  # held pages were read without it: read them again
            self._edges.drop_from(pos)  # the rows below moved down one
        self._edges.mark(pos, [replace(keep, published=published)], self.newest_first)
        self.move_to(pos + moved, force=True)
        self.refresh()

    def select(self, article: Article) -> None:
        """Put the cursor on an article of the view (once the lane says where it is)."""
        if self.search_query is None:
            self._place(article, lambda pos, _published: self.move_to(self._row_of(pos)))

    def find_unread_row(
        self, start: int, forward: bool, then: Callable[[int | None], None]
    ) -> None:
        """``then`` the nearest unread row after (or before) ``start``, for search results.

        Views ask the database by keyset; results are ranked, so this walks
        the rows page by page, once a count in the lane rules out "none at all".
        """
        query = self.search_query
        if query is None or self.notice:
            then(None)
            return

        def walk(unread: int) -> None:
            then(self._walk_unread(start, forward) if unread else None)

        self._ask(lambda: self.library.count_articles(View(unread=True, query=query)), walk)

    def _walk_unread(self, start: int, forward: bool) -> int | None:
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

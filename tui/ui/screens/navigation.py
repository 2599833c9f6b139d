"""Moving around the reader: panes, the top and bottom, pages, the next unread, the order.

``Navigation`` is a layer of ``MainScreen`` on ``ReadingBase`` (n, N and
space open articles).  Tab order follows what is on screen: hidden panes
are skipped, so focus never lands where the user cannot see it.  The next
unread article of a view is looked up in the lane (``NextUnread``).
"""

from __future__ import annotations

from textual.widget import Widget

from tui.core import Article
from tui.ui import safe
from tui.ui.screens.answers import NextUnread
from tui.ui.screens.reading import ReadingBase
from tui.ui.workers import unless_gone

__all__ = ["Navigation"]


class Navigation(ReadingBase):
    """The moving-around keys: tab, enter, escape, g, G, space, n, N, O."""

    # -- panes --------------------------------------------------------------------

    def _visible_panes(self) -> list[Widget]:
        """The panes on screen, in tab order: every ancestor displayed, not just the parent."""
        panes: list[Widget] = [self.feed_list, self.article_list]
        if self.reader_shown:
            panes.append(self.pane)
        if self.notes_shown:
            panes.append(self.notes.query_one("TextArea"))
        return [p for p in panes if all(n.display for n in p.ancestors_with_self if n is not self)]

    def action_cycle(self, step: int) -> None:
        """Tab and shift+tab: move between the panes on screen."""
        panes = [p for p in self._visible_panes() if p.focusable]
        if not panes:
            return
        focused = self.focused
        if focused is not None and self.search_bar in focused.ancestors:
            focused = self.article_list if step > 0 else self.feed_list  # the box sits between
            if focused in panes:
                focused.focus()
                return
        index = next((i for i, p in enumerate(panes) if p is focused), -1)
        panes[(index + step) % len(panes)].focus()

    def action_open(self) -> None:
        focused = self.focused
        if focused is self.feed_list:
            self.article_list.focus()
        elif focused is self.article_list:
            article = self.article_list.current
            if article is not None:
                self.open_article(article)

    def action_back(self) -> None:
        """Escape: from the note to the article, from the article to the list.

        Leaving the article hides it below three panes; its note is then
        saved and takes no keys (``_sync_panes``) until it shows again.
        """
        focused = self.focused
        if focused is not None and self.notes in focused.ancestors:
            self.pane.focus()
        elif focused is self.pane or self.reading:
            self._set_reading(False)
            self.article_list.focus()
        elif focused is self.article_list and self.search_bar.is_open:
            self.search_bar.open()  # back into the box; escape there ends the search
        elif focused is self.article_list:
            self.feed_list.focus()

    # -- within a pane ------------------------------------------------------------

    def action_top(self) -> None:
        focused = self.focused
        if focused is self.feed_list:
            self.feed_list.move_cursor_to_line(0)
        elif focused is self.pane:
            self.pane.scroll_home(animate=False)
        else:
            self.article_list.action_jump(0)

    def action_bottom(self) -> None:
        focused = self.focused
        if focused is self.feed_list:
            self.feed_list.move_cursor_to_line(self.feed_list.last_line)
        elif focused is self.pane:
            self.pane.scroll_end(animate=False)
        else:
            self.article_list.action_jump(-1)

    def action_page(self) -> None:
        """Space: page through the article, and at its end go to the next unread."""
        if self.pane.article is not None and (self.reading or self.focused is self.pane):
            if self.pane.at_end and not self.pane.loading_body:
                self.action_next_unread(1)
            else:
                self.pane.scroll_page_down(animate=False)
        elif self.article_list.current is not None:
            self.open_article(self.article_list.current)

    def action_next_unread(self, step: int) -> None:
        """n/N: the next (previous) unread article in this view, in the list's order.

        It never leaves the view (the list shows what the user chose to
        read); at either end the status line says so, and nothing wraps.
        """
        forward = step > 0
        lst = self.article_list
        current = self.target()
        if current is not None and current is lst.current and not current.read:
            self.open_article(current)  # the cursor is already on an unread one
            return
        if lst.searching:
            lst.find_unread_row(lst.cursor, forward, lambda index: self._open_row(index, forward))
            return
        after = current.id if current is not None else None
        view, newest_first = lst.view, lst.newest_first

        def find() -> Article | None:
            return self.library.next_unread(view, after, newest_first=newest_first, forward=forward)

        self.lane.put(find, lambda outcome: NextUnread(view, forward, outcome))

    @unless_gone
    def on_next_unread(self, message: NextUnread) -> None:
        """Open the article found, unless the list shows another view by now."""
        lst = self.article_list
        if lst.searching or lst.view != message.view:
            return
        if message.outcome.error:
            self.status.flash(f"Not found: {message.outcome.error}")
            return
        article = message.outcome.value
        if article is None:
            self._no_more_unread(message.forward)
            return
        lst.select(article)
        self.open_article(article)

    def _open_row(self, index: int | None, forward: bool) -> None:
        """Open the unread result found (None: there is none that way)."""
        lst = self.article_list
        if index is None:
            self._no_more_unread(forward)
            return
        lst.move_to(index)
        if lst.current is not None:
            self.open_article(lst.current)

    def _no_more_unread(self, forward: bool) -> None:
        """Say it on the status line: no pop-up for reaching the end of a list."""
        where = "below" if forward else "above"
        self.status.flash(f"No more unread {where} in this view.")

    def action_flip_order(self) -> None:
        """O: flip this view's order; each view keeps its own for the session."""
        lst = self.article_list
        if lst.searching:
            self.app.notify("Search results keep their order.", markup=False)
            return
        lst.newest_first = not lst.newest_first
        if self.source is not None:
            self._order[self.source.key] = lst.newest_first
        lst.reload(keep=lst.current)
        self._show_source_header()
        first = "Newest" if lst.newest_first else "Oldest"
        name = safe.clean(self.source.title) if self.source is not None else "this view"
        self.status.flash(f"{first} first in {name or '(untitled)'}.")

"""The header above the article list and the banner of a feed whose refresh failed.

Both show the reader screen's ``ListHeader`` (a reactive bound with
``data_bind``): the screen says what the list shows, and these two, like
the status line's "N here", follow.  Titles and errors come from feeds, so
they are drawn as ``Content`` (never markup) after ``safe.clean``.
"""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from tui.ui import safe
from tui.ui.state import ListHeader

__all__ = ["FeedErrorBanner", "ListTitle"]


class ListTitle(Static):
    """ "Title · 12 · newest first" above the article list."""

    header: reactive[ListHeader] = reactive(ListHeader(), init=False)
    """What the list shows (bound to the screen's)."""

    def watch_header(self, header: ListHeader) -> None:
        self.update(Content(header.text))


class FeedErrorBanner(Static):
    """ "! Last refresh failed: ..." under the header, shown only for a failing feed
    (or "! Last sync failed: ..." for a sync account)."""

    header: reactive[ListHeader] = reactive(ListHeader(), init=False)
    """What the list shows (bound to the screen's)."""

    def on_mount(self) -> None:
        self.display = False

    def watch_header(self, header: ListHeader) -> None:
        self.display = bool(header.error)
        if header.error:
            what = "sync" if header.sync else "refresh"
            self.update(Content(f"! Last {what} failed: {safe.clean(header.error)}"))

"""The article list: a virtual list paged from SQLite.

Why not DataTable/ListView: a view may hold 50,000 articles, and those widgets
keep every row (ListView collapses at 10k, DataTable takes seconds and tens of
MB at 100k).  This list knows only the row count and draws the visible lines
from pages it reads as they come into view.

The list also shows search results (a query typed in the search box, a
saved search or a tag): ``show_query`` pages them from ``Library.search``
the same way, with the matched words highlighted in the titles.

How the list is built: ``ArticleList`` is a stack of layers, each a module
of one concern, as ``screens/main.py`` builds the reader screen:

* ``article_pages.ListPages``: the list's state, and its rows paged from
  SQLite (the view or query shown, rows that left it, ``reload`` aside);
* ``article_rows.ListRows``: drawing a row, and the relative dates that
  are repainted as they age;
* ``article_cursor.ListCursor``: the cursor, its keys, scrolling it into
  view, and reloading with the cursor kept on its article;
* this module: the list's looks, the mouse, and the ``Open`` message.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.message import Message

from tui.core import Article
from tui.ui.widgets.article_cursor import ListCursor
from tui.ui.widgets.article_pages import MAX_PAGES, PAGE
from tui.ui.widgets.article_rows import relative_date

#: ``MAX_PAGES``, ``PAGE`` and ``relative_date`` moved with their layers; importable here still.
__all__ = ["MAX_PAGES", "PAGE", "ArticleList", "relative_date"]


class ArticleList(ListCursor, can_focus=True):
    """Titles, feeds, dates and markers (unread, starred, noted, tagged) of one view."""

    #: Rows are drawn, not text: a double click opens an article, it selects no text.
    ALLOW_SELECT = False

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

"""``ArticleText``: a chunk of the article body, drawn as lines already wrapped.

One widget shows many blocks (``article_blocks``), laid out for its width by
``article_layout``: the body worker lays them out for the width the pane
had, and the widget lays them out again only if its width differs (a
resize, a scrollbar).  A widget per chunk rather than per block is what
makes opening an article cheap: mounting, styling and arranging cost per
widget, not per line.

The styles the blocks name (``.article-body--h1`` and so on) are component
classes of the article pane (``BODY_STYLES``, found by Textual up the
widget's ancestors), so the theme's Markdown colours apply and a theme
change restyles the body.  Why the pane's and not this widget's: Textual
restyles every component class of every widget under a node whose classes
change, and opening an article changes the screen's; 17 classes on each
chunk cost more than the chunks themselves.  A link's click runs ``action_link``, which
posts ``LinkClicked`` for the pane to decide (only web and mail links
open).  A mouse selection copies the words without bullets or quote bars,
and a wrapped paragraph comes back as one line.

"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.geometry import Offset
from textual.message import Message
from textual.selection import Selection
from textual.widgets import Static

from tui.ui.widgets.article_blocks import Block
from tui.ui.widgets.article_layout import Laid, lay_out

__all__ = ["BODY_CSS", "BODY_STYLES", "ArticleText"]

#: The body's styles, component classes of the article pane (see the module doc).
BODY_STYLES = frozenset(
    {
        "article-body--h1",
        "article-body--h2",
        "article-body--h3",
        "article-body--h4",
        "article-body--h5",
        "article-body--h6",
        "article-body--em",
        "article-body--strong",
        "article-body--strike",
        "article-body--code-inline",
        "article-body--code",
        "article-body--quote",
        "article-body--bar",
        "article-body--bullet",
        "article-body--rule",
        "article-body--th",
        "article-body--match",
    }
)

#: Their looks, after Textual's Markdown.  Backgrounds have an alpha (``$warning
#: 30%`` for a match, which is how ``$warning-muted`` is made): Textual drops an
#: opaque background from a component style laid over content.
BODY_CSS = """
ArticlePane {
    & > .article-body--h1 {
        color: $markdown-h1-color;
        background: $markdown-h1-background;
        text-style: $markdown-h1-text-style;
    }
    & > .article-body--h2 {
        color: $markdown-h2-color;
        background: $markdown-h2-background;
        text-style: $markdown-h2-text-style;
    }
    & > .article-body--h3 {
        color: $markdown-h3-color;
        background: $markdown-h3-background;
        text-style: $markdown-h3-text-style;
    }
    & > .article-body--h4 {
        color: $markdown-h4-color;
        background: $markdown-h4-background;
        text-style: $markdown-h4-text-style;
    }
    & > .article-body--h5 {
        color: $markdown-h5-color;
        background: $markdown-h5-background;
        text-style: $markdown-h5-text-style;
    }
    & > .article-body--h6 {
        color: $markdown-h6-color;
        background: $markdown-h6-background;
        text-style: $markdown-h6-text-style;
    }
    & > .article-body--em { text-style: italic; }
    & > .article-body--strong { text-style: bold; }
    & > .article-body--strike { text-style: strike; }
    & > .article-body--code-inline { background: $warning 10%; color: $text-warning 95%; }
    &:light > .article-body--code-inline { background: $error 5%; color: $text-error 95%; }
    & > .article-body--code { background: black 10%; color: rgb(210,210,210); }
    &:light > .article-body--code { background: white 30%; color: $foreground; }
    & > .article-body--quote { background: $boost; }
    & > .article-body--bar { color: $text-primary 50%; }
    &:light > .article-body--bar { color: $text-secondary; }
    & > .article-body--bullet { color: $text-primary; }
    &:light > .article-body--bullet { color: $text-secondary; }
    & > .article-body--rule { color: $secondary; }
    & > .article-body--th { color: $primary; text-style: bold; }
    & > .article-body--match { color: $text-warning; background: $warning 30%; text-style: bold; }
}
"""


class ArticleText(Static):
    """Blocks of the article as wrapped lines (see the module doc)."""

    DEFAULT_CSS = """
    ArticleText {
        height: auto;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    class LinkClicked(Message):
        """A link in the body was clicked (the pane opens it, or says why not)."""

        def __init__(self, href: str) -> None:
            super().__init__()
            self.href = href

    def __init__(
        self,
        blocks: Sequence[Block],
        laid: Laid | None = None,
        on_width: Callable[[int], None] | None = None,
    ) -> None:
        """``on_width`` hears the width the widget is given (the next body is
        laid out for it in the worker, rather than again here)."""
        self.blocks = tuple(blocks)
        self.laid = laid if laid is not None else lay_out(self.blocks, 80)
        self._on_width = on_width
        super().__init__(self.laid.content)

    def on_resize(self) -> None:
        """Lay the blocks out again when the width is not the one they were laid out for."""
        width = self.content_size.width
        if width and self._on_width is not None:
            self._on_width(width)
        if width and width != self.laid.width:
            self.laid = lay_out(self.blocks, width)
            self.update(self.laid.content)

    def action_link(self, href: str) -> None:
        self.post_message(self.LinkClicked(href))

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected words, without bullets or quote bars, wrapped lines rejoined."""
        laid = self.laid
        if not laid.height:
            return None
        start = selection.start or Offset(0, 0)
        end = selection.end or Offset(-1, laid.height - 1)
        return laid.plain(start.y, end.y, start.x, end.x), "\n"

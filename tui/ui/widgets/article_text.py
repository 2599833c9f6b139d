"""``ArticleText``: a chunk of the article body, drawn as lines already wrapped.

One widget shows many blocks (``article_blocks``), laid out for its width by
``article_layout``: the body worker lays them out for the width the pane
had, and the widget lays them out again only if its width differs (a
resize, a scrollbar).  A widget per chunk rather than per block is what
makes opening an article cheap: mounting, styling and arranging cost per
widget, not per line.

The styles the blocks name (``.article-text--h1`` and so on) are this
widget's component classes, so the theme's Markdown colours apply and a
theme change restyles the body.  A link's click runs ``action_link``, which
posts ``LinkClicked`` for the pane to decide (only web and mail links
open).  A mouse selection copies the words without bullets or quote bars,
and a wrapped paragraph comes back as one line.

Backgrounds here have an alpha (``$warning 30%`` for a match, which is how
``$warning-muted`` is made): Textual drops an opaque background from a
component style laid over content.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.geometry import Offset
from textual.message import Message
from textual.selection import Selection
from textual.widgets import Static

from tui.ui.widgets.article_blocks import Block
from tui.ui.widgets.article_layout import Laid, lay_out

__all__ = ["ArticleText"]


class ArticleText(Static):
    """Blocks of the article as wrapped lines (see the module doc)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-text--h1",
        "article-text--h2",
        "article-text--h3",
        "article-text--h4",
        "article-text--h5",
        "article-text--h6",
        "article-text--em",
        "article-text--strong",
        "article-text--strike",
        "article-text--code-inline",
        "article-text--code",
        "article-text--quote",
        "article-text--bar",
        "article-text--bullet",
        "article-text--rule",
        "article-text--th",
        "article-text--match",
    }

    DEFAULT_CSS = """
    ArticleText {
        height: auto;
        text-wrap: nowrap;
        text-overflow: clip;
        & > .article-text--h1 {
            color: $markdown-h1-color;
            background: $markdown-h1-background;
            text-style: $markdown-h1-text-style;
        }
        & > .article-text--h2 {
            color: $markdown-h2-color;
            background: $markdown-h2-background;
            text-style: $markdown-h2-text-style;
        }
        & > .article-text--h3 {
            color: $markdown-h3-color;
            background: $markdown-h3-background;
            text-style: $markdown-h3-text-style;
        }
        & > .article-text--h4 {
            color: $markdown-h4-color;
            background: $markdown-h4-background;
            text-style: $markdown-h4-text-style;
        }
        & > .article-text--h5 {
            color: $markdown-h5-color;
            background: $markdown-h5-background;
            text-style: $markdown-h5-text-style;
        }
        & > .article-text--h6 {
            color: $markdown-h6-color;
            background: $markdown-h6-background;
            text-style: $markdown-h6-text-style;
        }
        & > .article-text--em { text-style: italic; }
        & > .article-text--strong { text-style: bold; }
        & > .article-text--strike { text-style: strike; }
        & > .article-text--code-inline { background: $warning 10%; color: $text-warning 95%; }
        &:light > .article-text--code-inline { background: $error 5%; color: $text-error 95%; }
        & > .article-text--code { background: black 10%; color: rgb(210,210,210); }
        &:light > .article-text--code { background: white 30%; color: $foreground; }
        & > .article-text--quote { background: $boost; }
        & > .article-text--bar { color: $text-primary 50%; }
        &:light > .article-text--bar { color: $text-secondary; }
        & > .article-text--bullet { color: $text-primary; }
        &:light > .article-text--bullet { color: $text-secondary; }
        & > .article-text--rule { color: $secondary; }
        & > .article-text--th { color: $primary; text-style: bold; }
        & > .article-text--match {
            color: $text-warning;
            background: $warning 30%;
            text-style: bold;
        }
    }
    """

    class LinkClicked(Message):
        """A link in the body was clicked (the pane opens it, or says why not)."""

        def __init__(self, href: str) -> None:
            super().__init__()
            self.href = href

    def __init__(self, blocks: Sequence[Block], laid: Laid | None = None) -> None:
        self.blocks = tuple(blocks)
        self.laid = laid if laid is not None else lay_out(self.blocks, 80)
        super().__init__(self.laid.content)

    def on_resize(self) -> None:
        """Lay the blocks out again when the width is not the one they were laid out for."""
        width = self.content_size.width
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

"""The article pane: a header and the article's Markdown.

Why chunks: Textual's ``Markdown`` costs ~7 ms per block on the UI loop, so a
dense article of 600 blocks would freeze the app for seconds.  The worker
splits the Markdown at top-level block boundaries (in its thread,
``article_markdown.prepare_body``) and the pane mounts one small
``Markdown`` per chunk, yielding to the event loop between them: the first
screenful shows at once and keys keep working.

Why ``Markdown(open_links=False)``: ``MarkdownViewer`` treats hrefs as local
files and plain ``Markdown`` opens any scheme (``file:///etc/passwd``), so
the pane opens only http, https and mailto links itself.

Search highlights in the body: the Markdown source itself is left untouched
(wrapping words in ``**``, or any other markup, could break links, code
spans and tables).  Instead, once a chunk is mounted, each block's built
``Content`` is restyled over the matched spans of its plain text
(``_highlight_blocks``).

How the pane is built: ``ArticlePane`` is a stack of layers, each a module
of one concern, as ``screens/main.py`` builds the reader screen:

* ``article_header.PaneHeader``: what the pane shows (article, searched
  words, numbered links) and the header, match snippet and links list;
* ``article_quoting.PaneQuoting``: the selection or current paragraph that
  quote to note takes;
* this module: the pane's looks and keys, showing and clearing an article,
  mounting the body in chunks, and the links clicked in it.

The Markdown work that needs no widget (chunks, links, plain text) is in
``article_markdown``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.style import Style as TextualStyle
from textual.widgets import Static

from tui.core import Article, highlight_spans, urls
from tui.ui import safe
from tui.ui.widgets.article_header import BodyMatch, Fitted
from tui.ui.widgets.article_links import Link, numbered_parser
from tui.ui.widgets.article_markdown import plain_text, prepare_body, split_markdown
from tui.ui.widgets.article_quoting import PaneQuoting

if TYPE_CHECKING:
    from textual.widgets import Markdown

#: The Markdown helpers and ``BodyMatch`` moved with their layers; importable here still.
__all__ = ["ArticlePane", "BodyMatch", "plain_text", "prepare_body", "split_markdown"]


class ArticlePane(PaneQuoting):
    """Header (title, feed, author, date, link, tags) above the Markdown body."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "j,down", "scroll_down", "Down", show=False, id="article.down", tooltip="Scroll down"
        ),
        Binding("k,up", "scroll_up", "Up", show=False, id="article.up", tooltip="Scroll up"),
    ]

    DEFAULT_CSS = """
    ArticlePane { padding: 0 1; scrollbar-size-vertical: 1; }
    ArticlePane > #article-header { margin: 0 0 1 0; }
    ArticlePane > #article-match {
        margin: 0 0 1 0;
        padding: 0 1;
        border-left: outer $warning;
        color: $text-muted;
    }
    ArticlePane > .article-pane--match {
        color: $text-warning;
        background: $warning-muted;
        text-style: bold;
    }
    ArticlePane > #article-body { height: auto; }
    ArticlePane > #article-body > Markdown { margin: 0; padding: 0; }
    ArticlePane > #article-empty { color: $text-muted; margin: 1 1; }
    ArticlePane > #article-links { margin: 1 0 0 0; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"article-pane--match"}

    def compose(self) -> ComposeResult:
        yield Static(Content("Open an article to read it here."), id="article-empty")
        yield Fitted(id="article-header")
        yield Static(id="article-match")
        yield Vertical(id="article-body")
        yield Fitted(id="article-links")

    def on_mount(self) -> None:
        self.query_one("#article-header").display = False
        self.query_one("#article-match").display = False
        self.query_one("#article-links").display = False

    # -- showing ------------------------------------------------------------

    def show_article(self, article: Article, terms: Sequence[str] = ()) -> None:
        """Show the header now; the body follows when the worker has it.

        ``terms`` (from a search) are highlighted in the title, and in the
        body snippet when ``show_match`` brings it.
        """
        self.article = article
        self.terms = tuple(terms)
        self.loading_body = True
        self.links = ()
        self.query_one("#article-match").display = False
        self.query_one("#article-empty").display = False
        self.query_one("#article-links").display = False
        header = self.query_one("#article-header", Fitted)
        header.display = True
        header.fit(partial(self._header, article))
        body = self.query_one("#article-body", Vertical)
        if not body.is_attached:  # the app is closing
            return
        body.remove_children()
        body.mount(Static(Content("Loading…"), classes="article-loading"))
        self.scroll_home(animate=False)

    def _highlight_blocks(self, markdown: Markdown) -> None:
        """Style the searched words in a mounted chunk's blocks (never raises).

        The Markdown source is not touched: each block's built ``Content`` is
        restyled over the matched spans of its plain text and set back.
        """
        from textual.widgets._markdown import MarkdownBlock

        try:
            style = TextualStyle.from_rich_style(
                self.get_component_rich_style("article-pane--match")
            )
            blocks = list(markdown.query(MarkdownBlock))
        except Exception:
            return
        for block in blocks:
            try:
                content = block._content
                spans = highlight_spans(content.plain, self.terms)
                if not spans:
                    continue
                for start, end in spans:
                    content = content.stylize(style, start, end)
                block.set_content(content)
            except Exception:
                continue

    def clear(self) -> None:
        """Nothing open (the article's feed was deleted)."""
        self.article = None
        self.terms = ()
        self.loading_body = False
        self.links = ()
        self.query_one("#article-header").display = False
        self.query_one("#article-match").display = False
        self.query_one("#article-links").display = False
        self.query_one("#article-body", Vertical).remove_children()
        self.query_one("#article-empty").display = True

    def show_body(
        self,
        article_id: int,
        chunks: list[str],
        error: str | None = None,
        links: tuple[Link, ...] = (),
    ) -> None:
        """Mount the body chunks (ignored if another article was opened since).

        ``links`` are the body's links in reading order: each is shown with
        its number in the text, and listed at the end.
        """
        if self.article is None or self.article.id != article_id:
            return
        if error:
            chunks = [f"*Could not show this article: {error}*"]
        elif not chunks:
            chunks = ["*This article has no text. Press o to open it in the browser.*"]
        self.links = () if error else links
        self._mount_chunks(article_id, chunks)

    @work(exclusive=True, group="article-render")
    async def _mount_chunks(self, article_id: int, chunks: list[str]) -> None:
        from textual.widgets import Markdown  # first use: see ``article_markdown._markdown_parser``

        numbers = {link.url: n for n, link in enumerate(self.links, 1)}
        parser = partial(numbered_parser, numbers)
        body = self.query_one("#article-body", Vertical)
        await body.remove_children()
        for chunk in chunks:
            if self.article is None or self.article.id != article_id:
                return
            if not body.is_attached:
                return
            markdown = Markdown(chunk, open_links=False, parser_factory=parser)
            await body.mount(markdown)
            if self.terms:
                self._highlight_blocks(markdown)
            await asyncio.sleep(0)  # let keys in between chunks
        if self.links:
            listing = self.query_one("#article-links", Fitted)
            listing.fit(partial(self._links_text, self.links))
            listing.display = True
        self.loading_body = False

    @property
    def at_end(self) -> bool:
        """True when the last line of the article is on screen."""
        return self.scroll_y >= self.max_scroll_y

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        """Open web and mail links in the browser; refuse the rest, saying so."""
        event.stop()
        href = event.href
        if urls.is_link(href):
            self.app.open_url(href)
        else:
            self.app.notify(
                f"Not opening {safe.clean(href)[:80]}: only http, https and mailto links open.",
                severity="warning",
                markup=False,
            )

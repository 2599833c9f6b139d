"""The article pane: a header and the article's body.

Why the body is a few ``ArticleText`` widgets, not Textual's ``Markdown``:
that widget mounts one widget per block, ~7 ms each on the UI thread, and
opening an article (which switches the layout) restyled every one of them:
half a second to open an article.  The body worker now turns the Markdown
into styled, wrapped lines (``article_markdown.prepare_body``) and the pane
mounts them all at once, a widget per chunk of paragraphs; only the chunks
on screen are drawn.

Links: a click posts ``ArticleText.LinkClicked`` and the pane opens only
http, https and mailto links itself (``file:///etc/passwd`` is refused,
saying so).  Search highlights are styled into the blocks by the worker.

How the pane is built: ``ArticlePane`` is a stack of layers, each a module
of one concern, as ``screens/main.py`` builds the reader screen:

* ``article_header.PaneHeader``: what the pane shows (article, searched
  words, numbered links) and the header, match snippet and links list;
* ``article_quoting.PaneQuoting``: the selection or current paragraph that
  quote to note takes;
* this module: the pane's looks and keys, showing and clearing an article,
  mounting the body, and the links clicked in it.

The work that needs no widget (blocks, layout, links, plain text) is in
``article_blocks``, ``article_layout``, ``article_links`` and ``article_markdown``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import ClassVar

from textual import errors
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widget import AwaitMount, Widget
from textual.widgets import Static

from tui.core import Article, urls
from tui.ui import safe
from tui.ui.widgets.article_header import BodyMatch, Fitted
from tui.ui.widgets.article_image import ArticleImage, Pictures
from tui.ui.widgets.article_links import Link
from tui.ui.widgets.article_markdown import BodyChunk, plain_text, prepare_body
from tui.ui.widgets.article_quoting import PaneQuoting
from tui.ui.widgets.article_text import BODY_CSS, BODY_STYLES, ArticleText

#: The Markdown helpers and ``BodyMatch`` moved with their layers; importable here still.
__all__ = ["ArticlePane", "BodyMatch", "plain_text", "prepare_body"]

#: The body's width before the pane was ever laid out (a guess; corrected on first draw).
GUESSED_WIDTH = 76


class ArticlePane(PaneQuoting):
    """Header (title, feed, author, date, link, tags) above the article's body."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "j,down", "scroll_down", "Down", show=False, id="article.down", tooltip="Scroll down"
        ),
        Binding("k,up", "scroll_up", "Up", show=False, id="article.up", tooltip="Scroll up"),
    ]

    DEFAULT_CSS = (
        """
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
    ArticlePane > #article-body > ArticleText { margin: 0; padding: 0; }
    ArticlePane > #article-empty { color: $text-muted; margin: 1 1; }
    ArticlePane > #article-links { margin: 1 0 0 0; }
    """
        + BODY_CSS
    )

    COMPONENT_CLASSES: ClassVar[set[str]] = {"article-pane--match", *BODY_STYLES}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._body_width = GUESSED_WIDTH
        #: How block images are drawn (None: as alt lines among the text).
        self.pictures: Pictures | None = None
        #: Whether a block image of the open article waits to come into view.
        self._images_waiting = False

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
        self.full_text = False
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
        self._sources = []
        body.mount(Static(Content("Loading…"), classes="article-loading"))
        self.scroll_home(animate=False)

    def clear(self) -> None:
        """Nothing open (the article's feed was deleted)."""
        self.article = None
        self.terms = ()
        self.loading_body = False
        self.links = ()
        self.full_text = False
        self.query_one("#article-header").display = False
        self.query_one("#article-match").display = False
        self.query_one("#article-links").display = False
        self.query_one("#article-body", Vertical).remove_children()
        self._sources = []
        self.query_one("#article-empty").display = True

    @property
    def body_width(self) -> int:
        """The width to lay the next body out for: the last one the body was given.

        Read when an article opens, often while the pane is hidden (two
        panes show the list until then), so it is remembered, not measured.
        """
        return self._body_width

    def _note_width(self, width: int) -> None:
        self._body_width = width

    def show_body(
        self,
        article_id: int,
        chunks: list[BodyChunk],
        error: str | None = None,
        links: tuple[Link, ...] = (),
        *,
        full: bool = False,
    ) -> AwaitMount | None:
        """Show the body (ignored if another article was opened since).

        ``full``: it is the article's full text, which the header says.

        ``links`` are the body's links in reading order: each is shown with
        its number in the text, and listed at the end.  All chunks mount at
        once: only those on screen are drawn.  Returns the mount, to await
        before painting (None if nothing was mounted).
        """
        if self.article is None or self.article.id != article_id:
            return None
        if error:
            chunks, _ = prepare_body(f"*Could not show this article: {error}*")
        elif not chunks:
            chunks, _ = prepare_body(
                "*This article has no text. Press o to open it in the browser.*"
            )
        self.links = () if error else links
        if full != self.full_text:
            self.full_text = full
            self.update_header(self.article)
        body = self.query_one("#article-body", Vertical)
        if not body.is_attached:  # the app is closing
            return None
        with self.app.batch_update():
            body.remove_children()
            mounted = body.mount_all(self._chunk_widgets(chunks))
            self._sources = [chunk.sources for chunk in chunks if chunk.picture is None]
            if self.links:
                listing = self.query_one("#article-links", Fitted)
                listing.fit(partial(self._links_text, self.links))
                listing.display = True
        self.loading_body = False
        self._images_waiting = any(chunk.picture is not None for chunk in chunks)
        if self._images_waiting:
            self.call_after_refresh(self.look_for_images)
        return mounted

    def _chunk_widgets(self, chunks: list[BodyChunk]) -> list[Widget]:
        """A widget per chunk: the text's ``ArticleText``, an image's ``ArticleImage``."""
        widgets: list[Widget] = []
        for k, chunk in enumerate(chunks):
            if chunk.picture is None:
                widgets.append(ArticleText(chunk.blocks, chunk.laid, self._note_width))
            else:
                top, bottom = k > 0, k + 1 < len(chunks)
                widgets.append(ArticleImage(chunk.blocks[0], chunk.laid, top=top, bottom=bottom))
        return widgets

    # -- images ---------------------------------------------------------------

    def look_for_images(self) -> None:
        """Start fetching the block images now in view (only those: lazily)."""
        pictures = self.pictures
        if not self._images_waiting or pictures is None or not self.is_attached:
            return
        view = self.scrollable_content_region
        if not view.height:
            return
        waiting = False
        body = self.query_one("#article-body", Vertical)
        for image in body.query_children(ArticleImage):
            if image.state != "waiting":
                continue
            try:
                region = self.screen.find_widget(image).region
            except errors.NoWidget:  # not laid out yet
                waiting = True
                continue
            if region.y < view.bottom and region.bottom > view.y:
                image.start(pictures, view.width, max(4, view.height - 1))
            else:
                waiting = True
        self._images_waiting = waiting

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._images_waiting:
            self.call_after_refresh(self.look_for_images)

    def on_resize(self) -> None:
        if self._images_waiting:
            self.call_after_refresh(self.look_for_images)

    def on_article_image_placed(self, event: ArticleImage.Placed) -> None:
        event.stop()
        if self._images_waiting:
            self.call_after_refresh(self.look_for_images)

    @property
    def at_end(self) -> bool:
        """True when the last line of the article is on screen."""
        return self.scroll_y >= self.max_scroll_y

    def on_article_text_link_clicked(self, event: ArticleText.LinkClicked) -> None:
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

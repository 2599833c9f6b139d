"""The article pane: a header and the article's Markdown.

Why chunks: Textual's ``Markdown`` costs ~7 ms per block on the UI loop, so a
dense article of 600 blocks would freeze the app for seconds.  The worker
splits the Markdown at top-level block boundaries (in its thread) and the pane
mounts one small ``Markdown`` per chunk, yielding to the event loop between
them: the first screenful shows at once and keys keep working.

Why ``Markdown(open_links=False)``: ``MarkdownViewer`` treats hrefs as local
files and plain ``Markdown`` opens any scheme (``file:///etc/passwd``), so
the pane opens only http, https and mailto links itself.

Links are numbered as newsboat numbers them (``public demo[1]``) and listed
at the end of the article; ``article_links`` says how.  The header's link
and the list's URLs are fitted to the pane's width by ``Fitted``: the header
link stays on one line, cut in the middle ("https://host/pa…/end"), and the
full link is one ``y`` away.

Search highlights: the matched words are styled in the header's title and
in a one-line snippet of the body under it ("where the words are"), and
in the body.  The Markdown source itself is left untouched: wrapping words in
``**`` (or any other markup) could break links, code spans and tables.
Instead, once a chunk is mounted, each block's built ``Content`` is restyled
over the matched spans of its plain text (``_highlight_blocks``).

Quote to note asks the pane for text: the selection if the user selected
text in the article (mouse drag), else the *current paragraph*: the block at
the top of the view.  That is the block under the top line while more than
half of it is still on screen (the one being read), else the first block
that starts on screen (the top one has mostly scrolled away); a list counts
item by item, and a heading is taken only when no other text is on screen.
It depends only on the scroll position (never on where the mouse is), so
scrolling a paragraph to the top and pressing Q always quotes it.  The text
is the block's plain text, rebuilt from its Markdown source (links keep
their words, emphasis and link targets go).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import errors, events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import NoScreen
from textual.message import Message
from textual.style import Style as TextualStyle
from textual.widget import Widget
from textual.widgets import Static

from tui.core import Article, highlight_spans, urls
from tui.ui import safe
from tui.ui.widgets.article_links import (
    Link,
    collect_links,
    ellipsize_middle,
    fold_url,
    numbered_parser,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
    from textual.widgets import Markdown

BLOCKS_PER_CHUNK = 30


def _markdown_parser() -> MarkdownIt:
    """A GFM-like Markdown parser (markdown-it is imported on first use).

    Why so late: markdown-it and Textual's ``Markdown`` widget are a good part
    of the app's import time, and the first screen (the lists) needs neither;
    they load when the first article is opened.
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like")


def split_markdown(md: str, blocks: int = BLOCKS_PER_CHUNK) -> list[str]:
    """Split Markdown into pieces of about ``blocks`` top-level blocks each.

    Cuts fall only between top-level blocks (never inside a list, quote or
    code fence), so each piece renders the same on its own.  Runs in a worker
    thread: parsing a long article takes tens of milliseconds.
    """
    if not md.strip():
        return []
    return _split(md, _markdown_parser().parse(md), blocks)


def _split(md: str, tokens: Sequence[Token], blocks: int) -> list[str]:
    lines = md.splitlines(keepends=True)
    starts = [
        tok.map[0] for tok in tokens if tok.level == 0 and tok.map is not None and tok.nesting >= 0
    ]
    starts = sorted(set(starts))
    cuts = [starts[i] for i in range(blocks, len(starts), blocks)]
    pieces, prev = [], 0
    for cut in [*cuts, len(lines)]:
        piece = "".join(lines[prev:cut])
        if piece.strip():
            pieces.append(piece)
        prev = cut
    return pieces


def prepare_body(md: str) -> tuple[list[str], tuple[Link, ...]]:
    """The chunks to mount and the numbered links, from one parse (in the body worker)."""
    if not md.strip():
        return [], ()
    tokens = _markdown_parser().parse(md)
    return _split(md, tokens, BLOCKS_PER_CHUNK), collect_links(tokens)


def _inline_plain(token: Token) -> str:
    """The words of an inline token: text and code, link words, image alt text."""
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)  # the alt text
    return "\n".join(safe.clean(line) for line in "".join(parts).split("\n"))


def plain_text(md: str) -> str:
    """Markdown as plain text, one paragraph per line, blank lines between blocks.

    No Markdown or Textual markup is left: emphasis marks, link targets and
    heading hashes go; a table row becomes its cells joined by " | " (one row
    a line); a code block keeps its lines.  Control characters are removed.
    """
    blocks: list[str] = []
    rows: list[str] | None = None
    cells: list[str] = []
    for token in _markdown_parser().parse(md):
        if token.type == "table_open":
            rows = []
        elif token.type == "table_close" and rows is not None:
            blocks.append("\n".join(rows))
            rows = None
        elif token.type == "tr_open":
            cells = []
        elif token.type == "tr_close" and rows is not None:
            rows.append(" | ".join(c for c in cells if c))
        elif token.type == "inline":
            text = _inline_plain(token).strip()
            if rows is not None:
                cells.append(text.replace("\n", " "))
            elif text:
                blocks.append(text)
        elif token.type in ("fence", "code_block"):
            code = safe.clean_block(token.content).rstrip("\n")
            if code.strip():
                blocks.append("\n".join(line.rstrip() for line in code.split("\n")))
    return "\n\n".join(blocks)


class BodyMatch(Message):
    """The body worker found where the searched words are (``snippet``)."""

    def __init__(self, article_id: int, snippet: str) -> None:
        super().__init__()
        self.article_id = article_id
        self.snippet = snippet


class Fitted(Static):
    """A Static whose text is built for its width, and built again when the width changes.

    Why: a long URL is fitted to the pane (cut in the middle in the header,
    folded at ``/`` in the links list), and only the widget itself knows its
    width after layout (a scrollbar appearing takes a column).
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._build: Callable[[int], Text] | None = None
        self._built_for = -1

    def fit(self, build: Callable[[int], Text]) -> None:
        """Show what ``build(width)`` makes, now and on every width change."""
        self._build = build
        self._built_for = self.content_size.width
        self.update(build(self._built_for))

    def on_resize(self, _event: events.Resize) -> None:
        width = self.content_size.width
        if self._build is not None and width != self._built_for:
            self._built_for = width
            self.update(self._build(width))


class ArticlePane(VerticalScroll):
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

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.loading_body = False
        #: Searched words to highlight (empty when the article was not found by a search).
        self.terms: tuple[str, ...] = ()
        #: The body's numbered links (link N is ``links[N - 1]``), known once the body is.
        self.links: tuple[Link, ...] = ()

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

    def link_number(self, url: str) -> int | None:
        """The number shown after ``url`` in the article, if it has one."""
        for number, link in enumerate(self.links, 1):
            if link.url == url:
                return number
        return None

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

    def update_header(self, article: Article) -> None:
        """Refresh the header (tags, star) without touching the body."""
        if self.article is not None and self.article.id == article.id:
            self.article = article
            self.query_one("#article-header", Fitted).fit(partial(self._header, article))

    def show_match(self, article_id: int, snippet: str) -> None:
        """Show where the searched words are in the body, highlighted (one line)."""
        if self.article is None or self.article.id != article_id or not snippet:
            return
        line = Text(snippet, no_wrap=False, end="")
        self._highlight(line, snippet)
        box = self.query_one("#article-match", Static)
        box.update(line)
        box.display = True

    def _highlight(self, text: Text, plain: str, offset: int = 0) -> None:
        if not self.terms:
            return
        style = self.get_component_rich_style("article-pane--match")
        for start, end in highlight_spans(plain, self.terms):
            text.stylize(style, offset + start, offset + end)

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
        from textual.widgets import Markdown  # first use: see ``_markdown_parser``

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

    # -- quoting ----------------------------------------------------------------

    def selected_text(self) -> str:
        """Text the user selected inside the article (header or body), else ""."""
        try:
            selections = self.screen.selections
        except NoScreen:
            return ""
        parts: list[str] = []
        for widget, selection in selections.items():
            if not widget.is_attached or self not in widget.ancestors_with_self:
                continue
            got = widget.get_selection(selection)
            if got is not None:
                parts.append(got[0] + got[1])
        return safe.clean_block("".join(parts)).strip()

    def _quote_units(self) -> list[Widget]:
        """The quotable blocks in reading order: top-level blocks, lists item by item."""
        from textual.widgets import Markdown
        from textual.widgets._markdown import MarkdownList

        units: list[Widget] = []
        for md in self.query_one("#article-body", Vertical).query_children(Markdown):
            for block in md.children:
                if isinstance(block, MarkdownList):
                    units.extend(block.children)  # one row (bullet + item) per item
                else:
                    units.append(block)
        return units

    def current_block_text(self) -> str:
        """The plain text of the current paragraph (see the module doc), else ""."""
        from textual.widgets._markdown import MarkdownHeader

        units = self._quote_units()
        if not units:
            return ""
        try:
            view = self.scrollable_content_region
            regions = [self.screen.find_widget(u).region for u in units]
        except errors.NoWidget:  # not laid out (the reader is hidden)
            regions = []
        if not regions or not view.height:
            # Not on screen (the reader is hidden): the article's first block.
            order = units
        else:
            top, bottom = view.y, view.bottom
            placed = list(zip(units, regions, strict=True))
            starts = [u for u, r in placed if top <= r.y < bottom]
            texts = [u for u in starts if not isinstance(u, MarkdownHeader)]
            covering = [(u, r) for u, r in placed if r.y < top < r.bottom]
            above = [u for u, _r in covering]
            if covering:
                unit, region = covering[0]
                shown = min(region.bottom, bottom) - top
                if 2 * shown > region.height:  # mostly still on screen: being read
                    texts.insert(0, unit)
            order = [*texts, *above, *starts]
        for unit in order:
            text = self._unit_text(unit)
            if text:
                return text
        return ""

    @staticmethod
    def _unit_text(unit: Widget) -> str:
        """Plain text of a block, or of a list row (its item's blocks, in order)."""
        from textual.widgets._markdown import MarkdownBlock

        if isinstance(unit, MarkdownBlock):
            return plain_text(unit.source or "")
        blocks = [
            block
            for column in unit.children
            if isinstance(column, Vertical)
            for block in column.children
            if isinstance(block, MarkdownBlock)
        ]
        return plain_text("".join(block.source or "" for block in blocks))

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

    # -- header -------------------------------------------------------------

    def _header(self, a: Article, width: int) -> Text:
        """The header for ``width`` cells: links are cut in the middle to fit one line."""
        when = datetime.fromtimestamp(a.published).strftime("%a %d %b %Y %H:%M")
        text = Text(no_wrap=False, end="")
        title = safe.clean(a.title) or "(untitled)"
        text.append(title, "bold")
        self._highlight(text, title)
        text.append("\n")
        text.append(safe.clean(a.feed_title), "italic")
        if a.author:
            text.append(" · " + safe.clean(a.author))
        text.append(" · " + when, "dim")
        if a.url:
            text.append("\n")
            text.append(ellipsize_middle(safe.clean(a.url), width), "underline dim")
        for enc in a.enclosures[:1]:
            label = f"Attachment ({safe.clean(enc.type) or 'file'}): "
            text.append("\n")
            text.append(label, "dim")
            room = width - len(label) if width > len(label) + 10 else 0
            text.append(ellipsize_middle(safe.clean(enc.url), room), "dim")
        if a.tags:
            text.append("\n")
            text.append(" ".join("#" + safe.clean(t) for t in a.tags), "bold")
        return text

    @staticmethod
    def _links_text(links: Sequence[Link], width: int) -> Text:
        """The "Links" list for ``width`` cells: number, then the URL folded at ``/``."""
        text = Text(no_wrap=False, end="")
        text.append("Links", "bold")
        numbers = [f"[{n}]" for n in range(1, len(links) + 1)]
        indent = max(len(n) for n in numbers) + 1
        for number, link in zip(numbers, links, strict=True):
            lines = fold_url(safe.clean(link.url), width - indent if width > indent + 10 else 0)
            text.append("\n" + number.rjust(indent - 1) + " ", "dim")
            text.append(("\n" + " " * indent).join(lines))
            if link.image:
                text.append(" (image)", "dim italic")
        return text

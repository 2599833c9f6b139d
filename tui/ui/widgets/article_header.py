"""The article pane's state and the lines around the body: header, match snippet, links list.

``PaneHeader`` is the bottom layer of ``ArticlePane`` (``widgets/article_pane.py``
says how the layers stack): it holds what the pane shows (the article, the
searched words, the body's numbered links) and builds the text above and
below the body.

The header's link and the list's URLs are fitted to the pane's width by
``Fitted``: the header link stays on one line, cut in the middle
("https://host/pa…/end"), and the full link is one ``y`` away; the links
list folds each URL at ``/``.  Links are numbered as newsboat numbers them
(``public demo[1]``); ``article_links`` says how.

Search highlights: the matched words are styled in the header's title and
in a one-line snippet of the body under it ("where the words are",
``show_match``); the body's own highlights are the pane's (``_highlight_blocks``).
The styles are the pane's ``article-pane--match`` component class.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

from rich.text import Text
from textual import events
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from tui.core import Article, highlight_spans
from tui.ui import safe
from tui.ui.widgets.article_links import Link, ellipsize_middle, fold_url

__all__ = ["BodyMatch", "Fitted", "PaneHeader"]


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
            # A height set by this resize's layout is not measured again
            # for new text (first built for width 0, a long link wrapped):
            # ask for a layout once this refresh is done.
            self.call_after_refresh(self.refresh, layout=True)


class PaneHeader(VerticalScroll):
    """What the pane shows, and the header, snippet and links list that say so."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.loading_body = False
        #: Searched words to highlight (empty when the article was not found by a search).
        self.terms: tuple[str, ...] = ()
        #: The body's numbered links (link N is ``links[N - 1]``), known once the body is.
        self.links: tuple[Link, ...] = ()
        #: The body shown is the article's full text (reader mode), not the feed's.
        self.full_text = False
        #: (article id, the rules hiding it), said in that article's header (the Hidden view).
        self.hidden_by: tuple[int, str] | None = None

    def link_number(self, url: str) -> int | None:
        """The number shown after ``url`` in the article, if it has one."""
        for number, link in enumerate(self.links, 1):
            if link.url == url:
                return number
        return None

    # -- header, snippet and links list --------------------------------------

    def update_header(self, article: Article) -> None:
        """Refresh the header (tags, star) without touching the body."""
        if self.article is not None and self.article.id == article.id:
            self.article = article
            self.query_one("#article-header", Fitted).fit(partial(self._header, article))

    def show_hidden_by(self, article_id: int, rules: str) -> None:
        """Say which rules hide the open article (read in the lane after it opened)."""
        self.hidden_by = (article_id, rules)
        if self.article is not None and self.article.id == article_id:
            self.update_header(self.article)

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
        if self.full_text:
            text.append(" · ")
            text.append("Full article", "bold")
        if a.also_in:
            # The same story from other feeds (duplicate stories grouped).
            text.append("\n")
            text.append("also in: ", "dim")
            text.append(", ".join(safe.clean(name) for name in a.also_in), "italic")
        if self.hidden_by is not None and self.hidden_by[0] == a.id:
            text.append("\n")
            text.append("hidden by: ", "dim")
            text.append(safe.clean(self.hidden_by[1]), "italic")
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

"""``ArticleImage``: one block image of the article, its alt line until the picture is in.

The body's text is drawn as pre-wrapped lines (``ArticleText``); a block
image (a paragraph that is only an image, as a ``<figure>`` becomes) is a
chunk of its own, shown by this widget.  It starts as the line an image
always was (``🖼  alt[N]``, the same ``ArticleText``, so it looks and
clicks the same) and fetches nothing until the pane says it has come into
view (``start``): then a thread worker asks ``Library.image`` for it (the
disk cache or the network, decoded and shrunk off the UI thread), and the
answer, posted back, swaps the line for textual-image's widget, sized here
in cells: the picture's own size, never wider than the pane nor taller
than its view.  Anything that goes wrong (a 404, bad data, too many pixels
or bytes, a slow server) leaves the alt line, with the reason as its
tooltip: never a traceback.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget

from tui.core import Library
from tui.ui import image_support
from tui.ui.image_support import ImageMode
from tui.ui.widgets.article_blocks import Block, Picture
from tui.ui.widgets.article_layout import Laid
from tui.ui.widgets.article_text import ArticleText
from tui.ui.workers import Outcome, gone, library_call, unless_gone

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["ArticleImage", "Pictures", "cells_for"]


@dataclass(frozen=True, slots=True)
class Pictures:
    """What the pane needs to draw pictures: the library to ask, and how to draw."""

    library: Library
    mode: ImageMode


def cells_for(pixels: tuple[int, int], cell: tuple[int, int], width: int) -> tuple[int, int]:
    """Cells (columns, rows) an image of ``pixels`` takes at its own size, at most ``width`` wide.

    Its own size is its pixels over the cell's; a narrower pane shrinks it,
    the ratio kept.  At least one cell each way.
    """
    (w, h), (cw, ch) = pixels, cell
    cols = max(1, min(width, math.ceil(w / cw)))
    rows = max(1, round(cols * cw * h / (w * ch)))
    return cols, rows


class ArticleImage(Widget):
    """A block image: its alt line, then its picture once fetched (see the module doc)."""

    DEFAULT_CSS = """
    ArticleImage { height: auto; }
    ArticleImage > .article-image--picture { width: auto; height: auto; }
    """

    class Placed(Message):
        """A waiting image was laid out (sized or moved): the pane looks whether it is in view."""

    class Loaded(Message):
        """The worker's answer: the decoded image, or why there is none."""

        def __init__(self, outcome: Outcome[Image]) -> None:
            super().__init__()
            self.outcome = outcome

    def __init__(self, block: Block, laid: Laid, *, top: bool, bottom: bool) -> None:
        """``top``, ``bottom``: a blank line above or below (the gaps of the text around)."""
        super().__init__()
        assert block.picture is not None
        self.picture: Picture = block.picture
        self._block = block
        self._laid = laid
        #: "waiting" (not in view yet), "loading", "shown" or "failed".
        self.state = "waiting"
        #: Why the picture is not shown ("" unless failed).
        self.failure = ""
        self._image: Image | None = None
        self._mode: ImageMode = "off"
        self.styles.margin = (1 if top else 0, 0, 1 if bottom else 0, 0)

    def compose(self) -> ComposeResult:
        yield ArticleText((self._block,), self._laid)

    def start(self, pictures: Pictures, width: int, rows: int) -> None:
        """Fetch and decode the picture in a worker (the pane saw it come into view).

        ``width`` and ``rows`` are the room in cells: the image is shrunk to
        that many pixels in the worker, not at every paint.
        """
        if self.state != "waiting":
            return
        self.state = "loading"
        self._mode = pictures.mode
        cw, ch = image_support.cell_size()
        box = (max(1, width) * cw, max(1, rows) * ch)
        library, src = pictures.library, self.picture.src

        def load() -> None:
            outcome = library_call(library, lambda: library.image(src, box))
            if not gone(self):
                self.post_message(self.Loaded(outcome))

        self.run_worker(load, thread=True, group="article-images", exit_on_error=False)

    @unless_gone
    def on_article_image_loaded(self, message: Loaded) -> None:
        message.stop()
        image = message.outcome.value
        if image is None:
            self.state = "failed"
            self.failure = message.outcome.error or "no image"
            self.tooltip = self.failure
            return
        self._image = image
        try:
            picture = image_support.picture_widget(self._mode, image)
        except Exception as exc:  # textual-image refused it: the alt line stays
            self.state = "failed"
            self.failure = str(exc) or type(exc).__name__
            return
        self.state = "shown"
        self._fit(picture)
        self.query_one(ArticleText).display = False
        self.mount(picture)

    def on_resize(self) -> None:
        """Fit the picture to a new width (never above its own size); a waiting
        image tells the pane it has a place now (it may be in view)."""
        if self.state == "waiting":
            self.post_message(self.Placed())
        if self.state == "shown":
            for picture in self.query_children(".article-image--picture"):
                self._fit(picture)

    def _fit(self, picture: Widget) -> None:
        width = self.content_size.width or self._laid.width
        if self._image is None or not width:
            return
        cols, rows = cells_for(self._image.size, image_support.cell_size(), width)
        picture.styles.width = cols
        picture.styles.height = rows

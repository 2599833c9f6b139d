"""Quote to note, the pane's side: the text the user means to quote.

``PaneQuoting`` is the middle layer of ``ArticlePane`` (``widgets/article_pane.py``
says how the layers stack).  Quote to note asks the pane for text: the
selection if the user selected text in the article (mouse drag), else the
*current paragraph*: the block at the top of the view.  That is the block
under the top line while more than half of it is still on screen (the one
being read), else the first block that starts on screen (the top one has
mostly scrolled away); a list counts item by item, and a heading is taken
only when no other text is on screen.  It depends only on the scroll
position (never on where the mouse is), so scrolling a paragraph to the top
and pressing Q always quotes it.  The text is the block's plain text,
rebuilt from its Markdown source (links keep their words, emphasis and link
targets go: ``article_markdown.plain_text``).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import errors
from textual.containers import Vertical
from textual.dom import NoScreen

from tui.ui import safe
from tui.ui.widgets.article_header import PaneHeader
from tui.ui.widgets.article_markdown import plain_text
from tui.ui.widgets.article_text import ArticleText

__all__ = ["PaneQuoting"]


@dataclass(frozen=True, slots=True)
class _Unit:
    """A quotable paragraph on screen: its first line and end (screen rows), its Markdown."""

    top: int
    bottom: int
    heading: bool
    source: str

    @property
    def height(self) -> int:
        return self.bottom - self.top


class PaneQuoting(PaneHeader):
    """The selection, or the current paragraph, as plain text."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: Each body chunk's quote units (unit number -> its Markdown), as shown.
        self._sources: list[dict[int, str]] = []

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

    def _units(self) -> list[_Unit] | None:
        """The quotable units in reading order, placed on screen (None: not laid out).

        A unit is a top-level block, or one item of a top-level list; its
        rows come from the chunk's layout under the chunk's place on screen.
        """
        units: list[_Unit] = []
        chunks = list(self.query_one("#article-body", Vertical).query_children(ArticleText))
        for chunk, sources in zip(chunks, self._sources, strict=False):
            try:
                top = self.screen.find_widget(chunk).region.y
            except errors.NoWidget:  # not laid out (the reader is hidden)
                return None
            placed: dict[int, list[int]] = {}
            headings: dict[int, bool] = {}
            for block, (start, end) in zip(chunk.blocks, chunk.laid.spans, strict=True):
                span = placed.setdefault(block.unit, [start, end])
                span[1] = end
                headings[block.unit] = headings.get(block.unit, True) and block.kind[0] == "h"
            for unit, (start, end) in placed.items():
                if end > start:
                    units.append(_Unit(top + start, top + end, headings[unit], sources[unit]))
        return units

    def current_block_text(self) -> str:
        """The plain text of the current paragraph (see the module doc), else ""."""
        units = self._units()
        view = self.scrollable_content_region
        if units is None or not view.height:
            # Not on screen (the reader is hidden): the article's first block.
            order = [_Unit(0, 0, False, s) for chunk in self._sources for s in chunk.values()]
        else:
            top, bottom = view.y, view.bottom
            starts = [u for u in units if top <= u.top < bottom]
            texts = [u for u in starts if not u.heading]
            covering = [u for u in units if u.top < top < u.bottom]
            if covering:
                unit = covering[0]
                shown = min(unit.bottom, bottom) - top
                if 2 * shown > unit.height:  # mostly still on screen: being read
                    texts.insert(0, unit)
            order = [*texts, *covering, *starts]
        for unit in order:
            text = plain_text(unit.source)
            if text:
                return text
        return ""

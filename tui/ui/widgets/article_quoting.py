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

from textual import errors
from textual.containers import Vertical
from textual.dom import NoScreen
from textual.widget import Widget

from tui.ui import safe
from tui.ui.widgets.article_header import PaneHeader
from tui.ui.widgets.article_markdown import plain_text

__all__ = ["PaneQuoting"]


class PaneQuoting(PaneHeader):
    """The selection, or the current paragraph, as plain text."""

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

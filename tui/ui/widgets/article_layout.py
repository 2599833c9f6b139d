"""Article blocks wrapped to a width: the lines one ``ArticleText`` widget shows.

``lay_out`` is pure and fast (about a millisecond for a typical article), so
it runs in the body worker for the pane's width and again on the UI thread
only when the width changes.  Each line knows how many cells of it are
prefix (bullets, quote bars) and whether it continues the line before it (a
wrapped paragraph), so a mouse selection copies the words without the
decorations, and each block knows its lines, so quote to note can find the
paragraph at the top of the view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content

from tui.ui.widgets.article_blocks import Block, Table

__all__ = ["Laid", "lay_out"]

#: The narrowest text column a block is wrapped to, whatever its nesting.
MIN_TEXT = 8

#: Cells between a code block's edge and its text.
CODE_INDENT = 2


@dataclass(frozen=True, slots=True)
class Laid:
    """Blocks as lines at one width.

    ``spans[k]`` are the first and end line of ``blocks[k]``; ``prefix[y]``
    the cells of decoration starting line ``y``; ``joined[y]`` whether line
    ``y`` continues line ``y - 1`` (the same paragraph, wrapped).
    """

    width: int
    content: Content
    spans: tuple[tuple[int, int], ...]
    prefix: tuple[int, ...]
    joined: tuple[bool, ...]

    @property
    def height(self) -> int:
        return len(self.prefix)

    def plain(self, start: int, end: int, first_from: int = 0, last_to: int = -1) -> str:
        """The words of lines ``start..end`` (``end`` included), decorations left out.

        ``first_from`` and ``last_to`` cut the first and last line (offsets
        into the line as drawn, ``-1`` for its end), as a selection does.
        """
        lines = self.content.plain.split("\n")
        out: list[str] = []
        for y in range(max(0, start), min(end, len(lines) - 1) + 1):
            line = lines[y]
            cut_end = last_to if y == end and last_to >= 0 else len(line)
            cut_start = max(first_from if y == start else 0, _chars(line, self.prefix[y]))
            piece = line[cut_start:cut_end].rstrip()
            if out and self.joined[y]:
                out[-1] = f"{out[-1]} {piece.lstrip()}"
            else:
                out.append(piece)
        return "\n".join(out)


def _chars(line: str, cells: int) -> int:
    """How many characters of ``line`` make its first ``cells`` cells (prefixes are narrow)."""
    return min(len(line), cells)


def _shade(line: Content, width: int, style: str) -> Content:
    """A line padded to ``width`` with ``style`` under all of it (quote and code backgrounds)."""
    if not style:
        return line
    pad = width - line.cell_length
    if pad > 0:
        line = line.pad_right(pad)
    return line.stylize_before(style)


def _wrap(block: Block, avail: int) -> list[tuple[Content, bool]]:
    """A block's own lines (no prefix) at ``avail`` cells, each with whether it
    continues the line before (a paragraph wrapped, not a line break)."""
    if block.kind == "rule":
        return [(Content.styled("─" * avail, ".article-body--rule"), False)]
    if block.table is not None:
        return [(line, False) for line in _table(block.table, avail)]
    lines: list[tuple[Content, bool]] = []
    if block.kind == "code":
        return _code(block.text, avail)
    for piece in block.text.split("\n", allow_blank=True):
        wrapped = piece.wrap(avail) or [Content("")]
        if block.kind == "h1":
            wrapped = [line.center(avail) for line in wrapped]
        lines.extend((line, k > 0) for k, line in enumerate(wrapped))
    if not block.text.plain.strip():
        return []
    return lines


def _code(code: Content, avail: int) -> list[tuple[Content, bool]]:
    """A code block as Textual draws one: a blank line above and below, two
    cells in, never re-flowed (a line too long folds where it reaches the edge)."""
    inner = max(1, avail - CODE_INDENT)
    lines = [(Content(""), False)]
    for piece in code.split("\n", allow_blank=True):
        cuts = list(range(inner, piece.cell_length, inner))
        lines.extend((part.pad_left(CODE_INDENT), False) for part in piece.divide(cuts))
    lines.append((Content(""), False))
    return lines


def _columns(table: Table, avail: int) -> list[int]:
    """Column widths: each column's widest cell, the widest cut first until the row fits."""
    count = max((len(row) for row in table.rows), default=0)
    widths = [1] * count
    for row in table.rows:
        for k, cell in enumerate(row):
            widths[k] = max(widths[k], cell.cell_length)
    room = max(count, avail - 3 * (count - 1))
    while sum(widths) > room:
        widest = max(range(count), key=widths.__getitem__)
        if widths[widest] <= 4:
            break
        widths[widest] -= max(1, (sum(widths) - room) // count)
    return widths


def _table(table: Table, avail: int) -> list[Content]:
    """A table as text lines: cells wrapped in their columns, a rule under the header."""
    widths = _columns(table, avail)
    if not widths:
        return []
    sep = Content.styled(" │ ", ".article-body--rule")
    lines: list[Content] = []
    for r, row in enumerate(table.rows):
        cells = [row[k] if k < len(row) else Content("") for k in range(len(widths))]
        wrapped = [cell.wrap(widths[k]) or [Content("")] for k, cell in enumerate(cells)]
        for y in range(max(len(w) for w in wrapped)):
            parts = []
            for k, w in enumerate(wrapped):
                part = w[y] if y < len(w) else Content("")
                if r == 0:
                    part = part.stylize_before(".article-body--th")
                parts.append(part.pad_right(max(0, widths[k] - part.cell_length)))
            lines.append(sep.join(parts).rstrip())
        if r == 0:
            rule = "─┼─".join("─" * width for width in widths)
            lines.append(Content.styled(rule, ".article-body--rule"))
    return lines


def lay_out(blocks: Sequence[Block], width: int) -> Laid:
    """Wrap ``blocks`` to ``width`` cells (prefixes included)."""
    width = max(width, MIN_TEXT)
    lines: list[Content] = []
    prefix: list[int] = []
    joined: list[bool] = []
    spans: list[tuple[int, int]] = []
    for block in blocks:
        if block.gap is not None and lines:
            lines.append(_shade(block.gap.rstrip(), width, block.gap_shade))
            prefix.append(block.gap.cell_length)
            joined.append(False)
        start = len(lines)
        avail = max(MIN_TEXT, width - block.rest.cell_length)
        for k, (line, cont) in enumerate(_wrap(block, avail)):
            lead = block.first if k == 0 else block.rest
            lines.append(_shade(lead + line, width, block.shade))
            prefix.append(lead.cell_length)
            joined.append(cont)
        spans.append((start, len(lines)))
    content = Content("\n").join(lines) if lines else Content("")
    return Laid(width, content, tuple(spans), tuple(prefix), tuple(joined))

"""Article Markdown, read without a widget: the body's chunks, its links, its plain text.

``prepare_body`` is what the body worker does with an article's Markdown:
one parse for the numbered links, one for the styled blocks
(``article_blocks``), laid out for the pane's width (``article_layout``) and
cut into chunks of whole paragraphs, one ``ArticleText`` widget each.  The
first chunk is small so that the first screen is drawn before the rest is
styled; later ones are larger (fewer widgets to arrange).

``plain_text`` is what "quote to note" takes from a block: its words, with
no Markdown or markup left (``article_quoting``).  Nothing here touches a
widget, so it runs in worker threads and is tested without an app.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.ui import safe
from tui.ui.widgets.article_blocks import Block, Picture, build_blocks
from tui.ui.widgets.article_layout import Laid, lay_out
from tui.ui.widgets.article_links import Link, collect_links

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = ["BLOCKS_PER_CHUNK", "FIRST_CHUNK", "BodyChunk", "plain_text", "prepare_body"]

#: Blocks in the first chunk (about a screenful), then in each later one.
FIRST_CHUNK = 12
BLOCKS_PER_CHUNK = 40


@dataclass(frozen=True, slots=True)
class BodyChunk:
    """Blocks shown by one ``ArticleText``, laid out, and each quote unit's Markdown.

    A chunk with a ``picture`` is one block image on its own: the pane shows
    it with an ``ArticleImage`` (its laid-out alt line until the picture is
    drawn, or instead of it).
    """

    blocks: tuple[Block, ...]
    laid: Laid
    sources: dict[int, str]
    picture: Picture | None = None


def _markdown_parser() -> MarkdownIt:
    """A GFM-like Markdown parser (markdown-it is imported on first use).

    Why so late: markdown-it is a good part of the app's import time, and
    the first screen (the lists) does not need it; it loads when the first
    article is opened, in the body worker.
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like")


def _cut(blocks: Sequence[Block]) -> list[list[Block]]:
    """Blocks in chunks: ``FIRST_CHUNK`` then ``BLOCKS_PER_CHUNK``, cut only between
    units; an image block is a chunk of its own (the text after it starts a new one)."""
    chunks: list[list[Block]] = [[]]
    for block in blocks:
        size = FIRST_CHUNK if len(chunks) == 1 else BLOCKS_PER_CHUNK
        current = chunks[-1]
        after_image = bool(current) and current[-1].picture is not None
        if (
            (len(current) >= size and block.unit != current[-1].unit)
            or block.picture is not None
            or after_image
        ):
            chunks.append([])
        chunks[-1].append(block)
    return [chunk for chunk in chunks if chunk]


def prepare_body(
    md: str, terms: Sequence[str] = (), width: int = 80, *, images: bool = False
) -> tuple[list[BodyChunk], tuple[Link, ...]]:
    """The chunks to show and the numbered links (in the body worker).

    ``width`` is the pane's text width as last seen (the chunks lay
    themselves out again if it changed); ``terms`` are highlighted.  With
    ``images`` (the reader draws pictures), each block image is a chunk of
    its own; without, images stay alt lines among the text, as they always were.
    """
    if not md.strip():
        return [], ()
    links = collect_links(_markdown_parser().parse(md))
    numbers = {link.url: n for n, link in enumerate(links, 1)}
    lines = md.splitlines(keepends=True)
    chunks = []
    for blocks in _cut(build_blocks(md, numbers, terms, images=images)):
        sources = {b.unit: "".join(lines[b.source[0] : b.source[1]]) for b in blocks}
        picture = blocks[0].picture
        chunks.append(BodyChunk(tuple(blocks), lay_out(blocks, width), sources, picture))
    return chunks, links


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

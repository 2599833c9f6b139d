"""Article Markdown, read without a widget: the body's chunks, its links, its plain text.

Why chunks: Textual's ``Markdown`` costs ~7 ms per block on the UI loop, so a
dense article of 600 blocks would freeze the app for seconds.  The body
worker splits the Markdown at top-level block boundaries (in its thread) and
the pane mounts one small ``Markdown`` per chunk (``article_pane``).

``plain_text`` is what "quote to note" takes from a block: its words, with
no Markdown or markup left (``article_quoting``).  Nothing here touches a
widget, so it runs in worker threads and is tested without an app.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tui.ui import safe
from tui.ui.widgets.article_links import Link, collect_links

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = ["BLOCKS_PER_CHUNK", "plain_text", "prepare_body", "split_markdown"]

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

"""An article's Markdown as styled blocks, built in the body worker without a widget.

Why not Textual's ``Markdown`` widget: it mounts one widget per block (and
more per list item and table cell), ~7 ms each on the UI thread, and every
style change of the screen (opening an article switches the layout) restyles
all of them.  Opening an article took half a second.  Here the body worker
turns the Markdown into a flat list of :class:`Block` s, each a Textual
``Content`` plus the prefixes its nesting gives it (list bullets, quote
bars); ``article_layout`` wraps them to the pane's width and the pane shows
the lines in one ``ArticleText`` widget per chunk of blocks.

The look follows Textual's Markdown: headings in the theme's Markdown heading
colours, bullets ``• ▪ ‣ ⭑ ◦`` by depth, quotes with a bar on a boosted
background, code blocks highlighted on their own background, links
underlined and clickable, images as ``🖼  alt`` with their number.  Styles
are named by the article pane's component classes (``.article-body--h1``
and so on, ``article_text.BODY_STYLES``), resolved when drawn, so a theme
change restyles the body.

Text from a feed is never markup: it goes into ``Content`` as plain text and
styles are spans laid over it.  Link numbers and images kept apart come from
the same markdown-it rule as before (``article_links.numbered_parser``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.content import Content, Span
from textual.style import Style

from tui.core import highlight_spans
from tui.ui.widgets.article_links import ADDED, numbered_parser

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = ["BULLETS", "Block", "Picture", "Table", "build_blocks"]

BULLETS = ("• ", "▪ ", "‣ ", "⭑ ", "◦ ")
"""List bullets by depth (as Textual's Markdown draws them)."""

QUOTE_BAR = "▌ "

_LISTS = ("bullet_list_open", "ordered_list_open")

_SPACE = re.compile(r"\s+")

#: Inline styles by markdown-it token, as component classes of ``ArticleText``.
_INLINE = {
    "em_open": ".article-body--em",
    "strong_open": ".article-body--strong",
    "s_open": ".article-body--strike",
}


@dataclass(frozen=True, slots=True)
class Table:
    """A table's cells, the header row first (each cell one line of styled text)."""

    rows: tuple[tuple[Content, ...], ...]


@dataclass(frozen=True, slots=True)
class Picture:
    """A block image: where it is and its alt text (shown until it is drawn, or instead)."""

    src: str
    alt: str


@dataclass(frozen=True, slots=True)
class Block:
    """One block of the article as drawn: its text and where it sits.

    ``first`` and ``rest`` are the prefixes of its first and following lines
    (a list item's bullet then its indent; a quote's bar on every line);
    ``gap`` is the prefix of the blank line before it, or None when it
    follows the previous block directly (items of a tight list).
    ``unit`` numbers what quote to note takes as one paragraph (a top-level
    block, or one item of a top-level list), and ``source`` is the unit's
    lines of Markdown (``start``, ``end``).
    """

    kind: str  # "p", "h1".."h6", "code", "rule", "table", "image"
    text: Content
    first: Content
    rest: Content
    gap: Content | None
    unit: int
    source: tuple[int, int]
    table: Table | None = None
    shade: str = ""  # a style for whole lines (quotes, code), padded to the width
    gap_shade: str = ""  # the same for the blank line before it (inside a quote)
    picture: Picture | None = None  # a block image ("image" blocks), drawn by the pane


@dataclass
class _Frame:
    """An open container (list item or quote): its prefixes, and whether its first line is out."""

    first: Content
    rest: Content
    shade: str = ""
    started: bool = False


@dataclass
class _Walk:
    """What the token walk carries: open containers, lists, and the unit being built."""

    terms: Sequence[str]
    images: bool = False  # whether block images become "image" blocks
    frames: list[_Frame] = field(default_factory=list)
    lists: list[list[int]] = field(default_factory=list)  # [next number or -1 (bullets), tight]
    unit: int = -1
    source: tuple[int, int] = (0, 0)
    blocks: list[Block] = field(default_factory=list)
    last_frames: list[_Frame] = field(default_factory=list)
    fresh_list: bool = False


def _link_style(href: str) -> Style:
    """An underlined span whose click runs the widget's ``link`` action (the pane decides)."""
    return Style(underline=True) + Style.from_meta({"@click": f"link({href!r})"})


def inline_content(token: Token, terms: Sequence[str] = ()) -> Content:
    """An inline token's text with its emphasis, code, links and images as spans.

    ``terms`` (searched words) are highlighted over the result.
    """
    parts: list[str] = []
    spans: list[Span] = []
    stack: list[tuple[Style | str, int]] = []
    position = 0

    def add(text: str) -> None:
        nonlocal position
        parts.append(text)
        position += len(text)

    for child in token.children or ():
        kind = child.type
        if kind == "text":
            add(_SPACE.sub(" ", child.content))
        elif kind == "hardbreak":
            add("\n")
        elif kind == "softbreak":
            add(" ")
        elif kind == "code_inline":
            start = position
            add(child.content)
            spans.append(Span(start, position, ".article-body--code-inline"))
        elif kind in _INLINE:
            stack.append((_INLINE[kind], position))
        elif kind == "link_open":
            href = str(child.attrGet("href") or "")
            stack.append((_link_style(href) if href else "", position))
        elif kind == "image":
            start = position
            src = str(child.attrGet("src") or "")
            add("🖼  ")
            add("".join(grandchild.content for grandchild in child.children or ()))
            if src:
                spans.append(Span(start, position, _link_style(src)))
        elif kind.endswith("_close") and stack:
            style, start = stack.pop()
            if style and position > start:
                spans.append(Span(start, position, style))
    content = Content("".join(parts), spans)
    return highlight(content, terms)


def highlight(content: Content, terms: Sequence[str]) -> Content:
    """``content`` with the searched words styled as matches."""
    for start, end in highlight_spans(content.plain, terms) if terms else ():
        content = content.stylize(".article-body--match", start, end)
    return content


def _prefix(frames: Sequence[_Frame], first: bool) -> Content:
    """The prefix of a line: each open container's, outermost first."""
    parts = [f.first if first and not f.started else f.rest for f in frames]
    return Content("").join(parts) if parts else Content("")


def _emit(
    walk: _Walk,
    kind: str,
    text: Content,
    table: Table | None = None,
    picture: Picture | None = None,
) -> None:
    """Add a block under the open containers, with its gap and prefixes."""
    frames = walk.frames
    common = 0
    for mine, theirs in zip(frames, walk.last_frames, strict=False):
        if mine is not theirs:
            break
        common += 1
    tight = bool(walk.lists) and walk.lists[-1][1] == 1 and not walk.fresh_list
    gap: Content | None
    if not walk.blocks or (tight and kind != "code"):
        gap = None
    else:
        gap = _prefix(frames[:common], first=False)
    first = _prefix(frames, first=True)
    rest = _prefix(frames, first=False)
    for frame in frames:
        frame.started = True
    shade = next((f.shade for f in reversed(frames) if f.shade), "")
    gap_shade = next((f.shade for f in reversed(frames[:common]) if f.shade), "")
    if kind == "code":
        shade = ".article-body--code"
    walk.blocks.append(
        Block(
            kind,
            text,
            first,
            rest,
            gap,
            walk.unit,
            walk.source,
            table=table,
            shade=shade,
            gap_shade=gap_shade,
            picture=picture,
        )
    )
    walk.last_frames = list(frames)
    walk.fresh_list = False


def _new_unit(walk: _Walk, token: Token) -> None:
    walk.unit += 1
    if token.map is not None:
        walk.source = (token.map[0], token.map[1])


def _table(tokens: Sequence[Token], start: int, terms: Sequence[str]) -> tuple[Table, int]:
    """The table opening at ``tokens[start]``, and the index of its ``table_close``."""
    rows: list[tuple[Content, ...]] = []
    cells: list[Content] = []
    i = start
    while i < len(tokens) and tokens[i].type != "table_close":
        token = tokens[i]
        if token.type == "tr_open":
            cells = []
        elif token.type == "tr_close":
            rows.append(tuple(cells))
        elif token.type == "inline":
            cell = inline_content(token, terms)
            cells.append(Content(cell.plain.replace("\n", " "), list(cell.spans)))
        i += 1
    return Table(tuple(rows)), i


def _walk(tokens: Sequence[Token], walk: _Walk) -> None:
    """Turn the token stream into blocks, in ``walk.blocks``."""
    kind = "p"
    i = 0
    while i < len(tokens):
        token = tokens[i]
        t = token.type
        if token.level == 0 and token.nesting >= 0 and t not in _LISTS:
            _new_unit(walk, token)
        if t in _LISTS:
            number = int(token.attrGet("start") or 1) if t == "ordered_list_open" else -1
            tight = 1 if i + 2 < len(tokens) and tokens[i + 2].hidden else 0
            if not walk.lists:
                walk.fresh_list = True
            walk.lists.append([number, tight])
        elif t in ("bullet_list_close", "ordered_list_close"):
            walk.lists.pop()
        elif t == "list_item_open":
            if token.level == 1:
                _new_unit(walk, token)
            entry = walk.lists[-1] if walk.lists else [-1, 0]
            if entry[0] < 0:
                depth = sum(1 for e in walk.lists if e[0] < 0) - 1
                marker = BULLETS[depth % len(BULLETS)]
            else:
                marker = f"{entry[0]}. "
                entry[0] += 1
            bullet = Content.styled(marker, ".article-body--bullet")
            walk.frames.append(_Frame(bullet, Content(" " * bullet.cell_length)))
        elif t == "blockquote_open":
            bar = Content.styled(QUOTE_BAR, ".article-body--bar")
            walk.frames.append(_Frame(bar, bar, shade=".article-body--quote"))
        elif t in ("list_item_close", "blockquote_close"):
            if walk.frames:
                walk.frames.pop()
        elif t == "heading_open":
            kind = token.tag if token.tag in ("h1", "h2", "h3", "h4", "h5", "h6") else "h6"
        elif t == "paragraph_open":
            kind = "p"
        elif t == "inline" and kind == "p" and walk.images and not walk.frames:
            groups = _picture_groups(token)
            if groups is None:
                _emit(walk, kind, inline_content(token, walk.terms))
            for group, picture in groups or ():
                _emit(walk, "image", inline_content(group, walk.terms), picture=picture)
        elif t == "inline":
            text = inline_content(token, walk.terms)
            if kind != "p":
                text = text.stylize_before(f".article-body--{kind}")
            _emit(walk, kind, text)
            kind = "p"
        elif t in ("fence", "code_block"):
            code = token.content.rstrip("\n").expandtabs(4)
            _emit(walk, "code", highlight(_code(code, token.info), walk.terms))
        elif t == "hr":
            _emit(walk, "rule", Content(""))
        elif t == "table_open":
            table, i = _table(tokens, i, walk.terms)
            _emit(walk, "table", Content(""), table=table)
        elif t == "html_block":
            text = Content(_SPACE.sub(" ", token.content).strip())
            if text:
                _emit(walk, "p", highlight(text, walk.terms))
        i += 1


def _picture_groups(token: Token) -> list[tuple[Token, Picture]] | None:
    """A paragraph of only images (each maybe in a link) as one inline token per
    image, with its picture; None when the paragraph has anything else.

    The link numbers and spaces ``article_links`` added are part of an image's
    group; breaks between images go.
    """
    groups: list[list[Token]] = []
    pictures: list[Picture] = []
    for child in token.children or ():
        kind = child.type
        if kind in ("softbreak", "hardbreak") or (kind == "text" and not child.content.strip()):
            continue
        if kind == "image":
            src = str(child.attrGet("src") or "")
            if not src:
                return None
            alt = "".join(grandchild.content for grandchild in child.children or ())
            if not groups or any(t.type == "image" for t in groups[-1]):
                groups.append([])
            groups[-1].append(child)
            pictures.append(Picture(src, alt))
        elif kind == "link_open":
            groups.append([child])
        elif kind == "link_close" or (kind == "text" and child.meta.get(ADDED)):
            if not groups:
                return None
            groups[-1].append(child)
        else:
            return None
    if not pictures or len(groups) != len(pictures):
        return None
    out = []
    for group, picture in zip(groups, pictures, strict=True):
        inline = type(token)("inline", "", 0)
        inline.children = group
        out.append((inline, picture))
    return out


def _code(code: str, language: str) -> Content:
    """A code block, syntax-highlighted when it names its language (as Textual does)."""
    lang = language.strip().split(maxsplit=1)[0] if language.strip() else ""
    if not lang:
        return Content(code)
    from textual.highlight import highlight as highlight_code

    try:
        return highlight_code(code, language=lang)
    except Exception:  # an unknown or broken lexer: the code as it is
        return Content(code)


def build_blocks(
    md: str, numbers: Mapping[str, int], terms: Sequence[str] = (), *, images: bool = False
) -> list[Block]:
    """The blocks of an article's Markdown, links numbered by ``numbers`` (URL -> N).

    Runs in the body worker: parsing and styling a long article takes tens
    of milliseconds.  ``terms`` are the searched words, highlighted.  With
    ``images``, a top-level paragraph of only images becomes one "image"
    block per image (its text is what a paragraph would show: the alt line).
    """
    if not md.strip():
        return []
    tokens = numbered_parser(numbers).parse(md)
    walk = _Walk(terms, images)
    _walk(tokens, walk)
    return walk.blocks

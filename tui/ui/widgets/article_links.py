"""Numbered links in the article pane, and URLs that fit the pane's width.

As in newsboat, every web or mail link of the article's text is followed by
its number (``public demo[1]``), and a "Links" list at the end of the
article gives each number's URL; ``L`` and ``Y`` then open or copy link N
from the keyboard.  The stored Markdown is never rewritten: the numbers are
added while Textual's ``Markdown`` widget parses each chunk, by a core rule
of its markdown-it parser (``numbered_parser``) that inserts a text token
after each link.  Text tokens are never markup, so nothing in a feed can
style or script the numbers.

One number per URL (a link repeated in the text keeps its first number),
counted in reading order over the whole article (``collect_links``, in the
body worker) so chunks mounted one by one agree.  Only links that may open
(:func:`tui.core.urls.is_link`: web and mail links) are numbered; an image with a web
address counts as a link too, since its picture cannot be shown here.

Images are also kept apart, here and only here: Textual draws an image as
``🖼  alt`` with no space around it, so two images in a row, or an image and
the next word, ran together.  The rule puts adjacent images on their own
lines and a space between an image and the text touching it; a link around
only an image (a linked thumbnail) is set apart from what comes before it
the same way.  The converter leaves images where the markup has them: the
gluing is a matter of showing images as words, and doing it at render time
also covers Markdown that older versions stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len, get_character_cell_size

from tui.core import urls

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

#: Characters after which a long URL breaks onto the next line (best first).
URL_BREAKS = ("/?&=#", "-._~+,;")


@dataclass(frozen=True, slots=True)
class Link:
    """A numbered link of an article: its URL, and whether it is an image's."""

    url: str
    image: bool = False


def _href(token: Token) -> str | None:
    """The URL a link or image token points to, when it is one that may open."""
    if token.type == "link_open":
        url = str(token.attrGet("href") or "")
    elif token.type == "image":
        url = str(token.attrGet("src") or "")
    else:
        return None
    return url if url and urls.is_link(url) else None


def collect_links(tokens: Iterable[Token]) -> tuple[Link, ...]:
    """The article's numbered links in reading order, each URL once."""
    seen: dict[str, Link] = {}
    for token in tokens:
        for child in token.children or ():
            url = _href(child)
            if url is not None and url not in seen:
                seen[url] = Link(url, image=child.type == "image")
    return tuple(seen.values())


#: The ``meta`` key of the text tokens this rule adds (a link's number, a space).
ADDED = "gazette_added"


def _text(token_cls: type[Token], content: str) -> Token:
    """A text token of ours, marked so that a paragraph of only images is still one."""
    return token_cls("text", "", 0, content=content, meta={ADDED: True})


def _ends_open(token: Token) -> bool:
    """Nothing needs to be put between ``token`` and an image after it."""
    if token.type == "text":
        return not token.content or token.content[-1].isspace()
    return token.type in ("softbreak", "hardbreak") or token.type.endswith("_open")


def _starts_word(token: Token) -> bool:
    """Whether ``token`` would run into an image before it (a word, a link, emphasis)."""
    if token.type == "text":
        return token.content[:1].isalnum()
    return token.type not in ("softbreak", "hardbreak") and not token.type.endswith("_close")


def _opens_picture(children: list[Token], i: int) -> bool:
    """Whether ``children[i]`` is an image, or opens a link that holds only an image."""
    kind = children[i].type
    if kind == "image":
        return True
    return (
        kind == "link_open"
        and i + 2 < len(children)
        and children[i + 1].type == "image"
        and children[i + 2].type == "link_close"
    )


def _glued(out: list[Token], token: Token, picture: bool, after_image: bool) -> bool:
    """Whether ``token`` would touch an image: a picture after a word, a word after one."""
    if picture:
        return bool(out) and not _ends_open(out[-1])
    return after_image and _starts_word(token)


def _number_inline(children: list[Token], numbers: Mapping[str, int]) -> list[Token]:
    """``children`` with ``[N]`` after each numbered link, and images set apart."""
    token_cls = type(children[0])
    out: list[Token] = []
    pending: list[str] = []  # the numbers of the links open around this point
    after_image = False  # the last thing written was an image (and its number)
    for i, child in enumerate(children):
        kind = child.type
        blank = kind == "softbreak" or (kind == "text" and not child.content.strip())
        if kind == "image" and after_image:  # one image a line
            while out and out[-1].type in ("text", "softbreak") and not out[-1].content.strip():
                out.pop()
            out.append(token_cls("hardbreak", "br", 0))
        elif _glued(out, child, _opens_picture(children, i), after_image):
            out.append(_text(token_cls, " "))
        out.append(child)
        url = _href(child)
        if kind == "link_open":
            pending.append(f"[{numbers[url]}]" if url is not None and url in numbers else "")
        elif kind == "link_close" and pending:
            marker = pending.pop()
            if marker:
                out.append(_text(token_cls, marker))
        elif kind == "image" and url is not None and url in numbers:
            out.append(_text(token_cls, f"[{numbers[url]}]"))
        if not blank:
            after_image = kind == "image"
    return out


def numbered_parser(numbers: Mapping[str, int]) -> MarkdownIt:
    """The pane's Markdown parser: GFM-like, with link numbers (``numbers``: URL -> N)."""
    from markdown_it import MarkdownIt

    def number_links(state: StateCore) -> None:
        for token in state.tokens:
            if token.type == "inline" and token.children:
                token.children = _number_inline(token.children, numbers)

    parser = MarkdownIt("gfm-like")
    parser.core.ruler.push("gazette_link_numbers", number_links)
    return parser


# -- fitting URLs to a width ---------------------------------------------------


def _fit(text: str, width: int) -> int:
    """How many characters of ``text`` fit in ``width`` cells."""
    used = 0
    for i, char in enumerate(text):
        used += get_character_cell_size(char)
        if used > width:
            return i
    return len(text)


def _fit_end(text: str, width: int) -> int:
    """How many characters at the end of ``text`` fit in ``width`` cells."""
    return _fit(text[::-1], width)


def ellipsize_middle(url: str, width: int) -> str:
    """``url`` in at most ``width`` cells on one line, cut in the middle with "…".

    The start (scheme and host, where the link goes) is kept whole when it
    takes no more than two thirds of the room; the end (the page) fills the
    rest.  A width of 0 or less means "not known yet": the URL is returned whole.
    """
    if width <= 0 or cell_len(url) <= width:
        return url
    room = width - 1
    if room <= 0:
        return "…"
    slash = url.find("/", url.find("://") + 3 if "://" in url else 0)
    origin = cell_len(url[: slash + 1]) if slash >= 0 else room
    head = origin if room // 2 < origin <= room * 2 // 3 else room // 2
    head_text = url[: _fit(url, head)]
    tail = room - cell_len(head_text)
    tail_text = url[len(url) - _fit_end(url, tail) :] if tail > 0 else ""
    return head_text + "…" + tail_text


def fold_url(url: str, width: int) -> list[str]:
    """``url`` as lines of at most ``width`` cells, broken after ``/ ? & = #`` where possible.

    Else after ``- . _`` and the like, else at the width; a break is taken
    only when it keeps at least half of the line, and a line never starts
    with a separator: never a lone "/" or a few characters on a line.
    """
    if width <= 0:
        return [url]
    lines: list[str] = []
    rest = url
    while cell_len(rest) > width:
        cut = max(1, _fit(rest, width))
        for breaks in URL_BREAKS:
            brk = max(rest.rfind(c, 0, cut) for c in breaks) + 1
            if brk * 2 >= cut:
                cut = brk
                break
        else:
            if cut > 1 and rest[cut] in "".join(URL_BREAKS):
                cut -= 1
        lines.append(rest[:cut])
        rest = rest[cut:]
    lines.append(rest)
    return lines

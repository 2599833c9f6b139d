"""Bodies converted as plain text: text with no markup, and the fallbacks.

A body with no markup at all is plain text, whatever the feed called it (YouTube's
descriptions): its line breaks are kept as Markdown hard breaks and blank lines as
paragraphs, where HTML would run it into one paragraph (``plain_markdown``).  When
markdownify cannot convert a tree (nesting that runs out of stack), or the parser
rejects a document, the text still reads as escaped paragraphs.

Every function here takes the converter's ``escape`` so that text never becomes
formatting, a list or a link.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Callable

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from tui.core.convert.tree import BLOCK_TAGS, DROP_TAGS, NOT_TEXT
from tui.core.text import clean_block, unescape

__all__ = ["Escape", "has_markup", "plain_markdown", "stripped_markdown", "tree_markdown"]

#: The converter's Markdown escaping: ``escape(text, parent_tags)``.
Escape = Callable[[str, set[str]], str]

# Where markup starts: a "<" before a letter, "/", "!" or "?" ("1 < 2" is text).
_MARKUP_RE = re.compile(r"<[A-Za-z/!?]")
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")
_BLANKS_RE = re.compile(r"[ \t]+")
_PARAGRAPH_BREAK_RE = re.compile(r"\n\s*\n")
# Only used when BeautifulSoup itself fails (it is not expected to): a crude tag stripper.
# "[^<>]", not "[^>]": the latter is quadratic on "<a <a <a ..." with no ">".
_TAG_RE = re.compile(r"<[^<>]*>")


def has_markup(html: str) -> bool:
    """Whether a body holds any markup at all (else it is plain text)."""
    return _MARKUP_RE.search(html) is not None


def plain_markdown(text: str, escape: Escape) -> str:
    """Text with no markup at all, laid out as its author wrote it, escaped.

    Feeds often put plain text where HTML is expected (a YouTube video's
    ``media:description``: timestamps and links one a line), and feedparser calls
    it HTML.  As HTML its line breaks are mere spaces and it read as one wall of
    text, so here a blank line starts a paragraph and a line break is a Markdown
    hard break.  Entities are still decoded (the feed called it HTML), and every
    line is escaped, so the text never becomes formatting, a list or a link.
    """
    text = clean_block(unescape(text).replace("\r\n", "\n").replace("\r", "\n"))
    paras: list[str] = []
    for para in _BLANK_LINE_RE.split(text):
        # Spaces and tabs only: a no-break space (French « », "10 km") stays.
        lines = (_BLANKS_RE.sub(" ", line).strip(" ") for line in para.split("\n"))
        escaped = [escape(line, set()) for line in lines if line]
        if escaped:
            paras.append("  \n".join(escaped))
    return "\n\n".join(paras)


def _paragraphs_markdown(text: str, escape: Escape) -> str:
    """Blank-line separated text -> escaped Markdown paragraphs, one line each."""
    text = clean_block(text)
    paras = (" ".join(p.split()) for p in _PARAGRAPH_BREAK_RE.split(text))
    return "\n\n".join(escape(p, set()) for p in paras if p)


def tree_markdown(soup: BeautifulSoup, escape: Escape) -> str:
    """Escaped paragraphs of text, for trees markdownify cannot recurse through.

    Everything here is iterative (``descendants`` follows ``next_element``), so it
    copes with nesting depths that blow the recursion limit.
    """
    for tag in soup.find_all(
        lambda t: t.name in DROP_TAGS or t.name in ("video", "audio") or t.has_attr("hidden")
    ):
        if not tag.decomposed:
            tag.decompose()
    parts: list[str] = []
    for node in soup.descendants:
        if isinstance(node, Tag):
            if node.name in BLOCK_TAGS:
                parts.append("\n\n")
        elif isinstance(node, NavigableString) and not isinstance(node, NOT_TEXT):
            parts.append(str(node))
    return _paragraphs_markdown("".join(parts), escape)


def stripped_markdown(html: str, escape: Escape) -> str:
    """A document the parser rejected, as the escaped paragraphs of its tag-stripped text."""
    return _paragraphs_markdown(_html.unescape(_TAG_RE.sub(" ", html)), escape)

"""Article HTML -> a bs4 tree, in linear time whatever the markup.

Owns which elements hold no readable text (``DROP_TAGS``), which are blocks
(``BLOCK_TAGS``), and the parser that gives up gracefully on hostile markup:

* ``html.parser`` is quadratic on unfinished tags (``"<p " * 16000`` took 14 s), so the
  markup goes through ``text.tame_html`` and a parser that gives up linearly at the end of
  the input (``text.EofSafeParser``).
* Building and converting a tree costs its size times its depth, and ``html.parser`` nests
  every unclosed tag (``"<x>a<br>b" * 22000`` took 12 s), so the parser flattens anything
  nested deeper than ``MAX_DEPTH`` into plain text (``_Parser``).
"""

from __future__ import annotations

import warnings
from collections import Counter
from typing import Any

from bs4 import (
    BeautifulSoup,
    Comment,
    Declaration,
    Doctype,
    MarkupResemblesLocatorWarning,
    ProcessingInstruction,
    Tag,
    XMLParsedAsHTMLWarning,
)
from bs4.builder._htmlparser import BeautifulSoupHTMLParser, HTMLParserTreeBuilder

from tui.core.text import EofSafeParser, tame_html

__all__ = [
    "BLOCK_TAGS",
    "DROP_TAGS",
    "MAX_DEPTH",
    "NOT_TEXT",
    "attr",
    "int_attr",
    "parse_html",
]

# bs4 warns (through the global ``warnings`` machinery) when a fragment "looks like" XML or a
# file name/URL.  Feed content does both routinely and the warning would land on stderr,
# i.e. on top of the TUI, so silence exactly these two categories.
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)

# Subtrees whose text is never meant to be read: scripts, styles, metadata, embedded
# documents and widgets, and form controls (their text is option labels, button captions).
DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "param",
        "canvas",
        "svg",
        "head",
        "title",
        "meta",
        "link",
        "base",
        "select",
        "option",
        "optgroup",
        "datalist",
        "button",
        "input",
        "textarea",
    }
)

# Strings the parser keeps that are not text a reader should see.
NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)

# Elements that start a paragraph of their own in the plain-text fallback.
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "main",
        "nav",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "hr",
        "pre",
        "blockquote",
        "table",
        "tr",
        "figure",
        "figcaption",
    }
)
# Tags that leave a space (a newline in <pre>) in text flattened past MAX_DEPTH:
# the blocks above, and the table cells and other blocks that join words.
_BREAK_TAGS = BLOCK_TAGS | {"address", "caption", "details", "summary", "td", "th"}

# How deep the parse tree may nest (see _Parser).  Articles stay far below it (the deepest
# item in tests/fixtures/corpus nests 26 levels), and so does markdownify's recursion (four
# frames a level: it runs out of stack at about 245 levels).
MAX_DEPTH = 128


class _ClosedVoidTags(Counter[str]):
    """The list bs4 keeps of void tags already closed, as a multiset.

    bs4 appends a name for every ``<br>`` and looks every end tag up in the list (to
    ignore a later ``</br>``), so many ``<br>`` followed by many end tags were quadratic:
    ``"<br>" * 40000 + "</x>" * 40000`` took 10 s.  Same answers, in O(1).
    """

    def append(self, tag: str) -> None:
        self[tag] += 1

    def remove(self, tag: str) -> None:  # bs4 only removes a name it found
        if self[tag] > 1:
            self[tag] -= 1
        else:
            del self[tag]


class _Parser(EofSafeParser, BeautifulSoupHTMLParser):
    """bs4's ``html.parser`` glue, linear on unfinished markup and on deep nesting.

    Unfinished markup (``"<p " * n``) is :class:`~tui.core.text.EofSafeParser`'s job.

    Nesting is capped at ``MAX_DEPTH`` open elements.  ``html.parser`` never closes a tag
    implicitly, so every unclosed tag nests, and each time bs4 adds a child to an element
    that already has one it walks from there up to the root (``_linkage_fixer``);
    markdownify then looks for a ``<pre>`` among the ancestors of every element.  Both
    cost size x depth: ``"<x>a<br>b" * n`` (n deep, three children a level) took 12 s
    at 200 KB, only for markdownify to give up on the depth.  So past the cap, tags
    build nothing: their text joins the deepest open element as plain text, a block tag
    or ``<br>`` leaves a space so words stay apart, and an end tag is ignored unless it
    closes an element that is really open.  Structure that deep is flattened; no word
    is lost, and the cost is that of tokenising.  An element the converter drops
    (``DROP_TAGS`` or ``hidden``) met at the cap still opens, one level past it, so
    that what it holds stays hidden.  Documents within the cap parse exactly as before.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.already_closed_empty_element = _ClosedVoidTags()  # type: ignore[assignment]
        # Depth -> names of the start tags ignored there that have not ended yet.
        self._ignored: dict[int, Counter[str]] = {}

    def handle_starttag(
        self, tag: str, attrs: list[tuple[str, str | None]], handle_empty_element: bool = True
    ) -> None:
        depth = len(self.soup.tagStack) - 1  # tagStack[0] is the document itself
        if depth < MAX_DEPTH or (depth == MAX_DEPTH and _dropped(tag, attrs)):
            super().handle_starttag(tag, attrs, handle_empty_element)
            return
        if not self.soup.builder.can_be_empty_element(tag):
            ignored = self._ignored.get(depth)
            if ignored is None:
                ignored = self._ignored[depth] = Counter()
            ignored[tag] += 1
        if tag in _BREAK_TAGS:
            self._separate()

    def handle_endtag(self, tag: str, check_already_closed: bool = True) -> None:
        depth = len(self.soup.tagStack) - 1
        if depth < MAX_DEPTH:
            super().handle_endtag(tag, check_already_closed)
            return
        ignored = self._ignored.get(depth)
        if ignored and ignored[tag] > 0:
            ignored[tag] -= 1
        elif self.soup.open_tag_counter.get(tag):
            super().handle_endtag(tag, check_already_closed)
            # Tags ignored inside the elements that just ended end with them.
            depth = len(self.soup.tagStack) - 1
            for level in [level for level in self._ignored if level > depth]:
                del self._ignored[level]
            return
        if tag in _BREAK_TAGS:
            self._separate()

    def _separate(self) -> None:
        """Keep words apart where a block tag was flattened.

        A space, not a newline (outside ``<pre>``): the reader shows a lone newline as a
        space anyway, and each list or quote around the text would indent every line.
        """
        self.handle_data("\n" if self.soup.open_tag_counter.get("pre") else " ")


def _dropped(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """Whether the converter drops this element whole (see ``SafeConverter.process_tag``)."""
    return tag in DROP_TAGS or (bool(attrs) and any(name == "hidden" for name, _ in attrs))


class _TreeBuilder(HTMLParserTreeBuilder):
    """The stock ``html.parser`` tree builder, driving :class:`_Parser`."""

    def feed(self, markup: Any, _parser_class: Any = _Parser) -> None:
        super().feed(markup, _parser_class=_Parser)


def parse_html(html: str) -> BeautifulSoup:
    """Parse article HTML in linear time, whatever the markup."""
    return BeautifulSoup(tame_html(html), builder=_TreeBuilder())


def attr(el: Tag, name: str) -> str:
    """An attribute as one string (bs4 returns lists for class-like attributes)."""
    value = el.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(value)
    return str(value)


def int_attr(value: Any, default: int) -> int:
    """Small non-negative int from an attribute, else ``default``.

    ``str.isdigit`` accepts "²", which ``int()`` then rejects: markdownify's own
    ``<ol start>`` and ``colspan`` handling raises on that, so check ASCII digits.
    """
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    return default

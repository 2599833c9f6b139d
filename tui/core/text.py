"""Untrusted text made safe: the one home of Gazette's cleaning rules.

Everything a feed, a web page or an OPML file says can carry terminal escape
sequences (they recolour the terminal, set its title, or worse), bidi
overrides (they reorder what is shown) and invisible characters.  The rules
for removing them live here and nowhere else:

* :data:`CTRL` is the set of characters no displayed or stored one-line text
  may keep; :func:`strip_sequences` removes whole escape sequences first, so
  ``"\\x1b[31mRED"`` leaves ``"RED"``, not ``"[31mRED"``.
* :func:`clean_line` (titles, names, messages), :func:`clean_block` (text
  that keeps its lines and tabs), :func:`clean_url` and :func:`html_text`
  (the words of an HTML fragment) build on them.
* :func:`html_line` is the one rule that turns what a feed sends as a title,
  an author or a feed title (HTML, entities, or plain text) into one line.
* :func:`tame_html` and :class:`EofSafeParser` keep the stdlib
  ``html.parser`` linear on hostile markup.

The text helpers are regex-based on purpose: BeautifulSoup costs milliseconds
per article, and the search index only needs the words, not faithful
structure.  Every regex here is linear in its input.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

__all__ = [
    "BLOCK_CTRL",
    "CTRL",
    "EofSafeParser",
    "clean_block",
    "clean_line",
    "clean_url",
    "html_line",
    "html_text",
    "shorten",
    "strip_sequences",
    "strip_sequences_7bit",
    "tame_html",
    "unescape",
]

# --------------------------------------------------------------------------- controls

#: Characters that never belong in a URL: C0 controls, DEL,
#: C1 controls (U+0080-U+009F: 8-bit CSI/OSC introducers among them), zero
#: width characters and LRM/RLM (U+200B-U+200F), the bidi embeddings,
#: overrides and isolates (U+202A-U+202E, U+2066-U+2069; "Trojan Source"
#: reordering) and the BOM / zero width no-break space (U+FEFF).  Displayed
#: text (:func:`clean_line`, :func:`clean_block`) keeps the zero width
#: (non-)joiners U+200C/U+200D: see :data:`BLOCK_CTRL`.
CTRL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

#: :data:`CTRL` for multi-line text: tab and newline are kept, and so are the
#: zero width (non-)joiners U+200C/U+200D, which are part of correct spelling
#: in Persian and Indic scripts and of emoji sequences in article bodies.  They
#: cannot move the cursor or reorder text.
BLOCK_CTRL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)

# The members of BLOCK_CTRL that str.split() does not already treat as
# whitespace; clean_line deletes these and lets split() turn the others (tab
# and newline among them) into separators.
_LINE_DROP = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
# Controls that are really whitespace: in blocks they become a space rather
# than gluing two words together.
_BLOCK_SPACE = re.compile("[\x0b\x0c\x1c-\x1f\x85]")

# Whole ECMA-48 sequences, in both the 7-bit (ESC ...) and the 8-bit C1 form:
#   CSI  ESC [ / U+009B, parameters, intermediates, final byte;
#   OSC, DCS, SOS, PM, APC  (ESC ] P X ^ _ / U+009D U+0090 U+0098 U+009E U+009F)
#        up to BEL or ST (ESC \ / U+009C): only when terminated, and a body
#        stops at the next ESC or string introducer, so the scan stays linear;
#   any other ESC sequence: ESC, intermediates, final byte (ESC ( B, ESC c,
#        and the introducer of an unterminated string above).
# Possessive quantifiers: the classes are disjoint, so backtracking is useless.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*+[ -/]*+[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x90\x98\x9c-\x9f]*+(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*+[0-~]"
)
_SEQUENCE_START = re.compile(r"[\x1b\x90\x98\x9b\x9d\x9e\x9f]")
# The 7-bit forms only, for bytes not yet decoded: there a C1 byte cannot be
# told from a UTF-8 continuation byte (U+011B is C4 9B).
_SEQUENCE_7BIT = re.compile(
    rb"\x1b\[[0-?]*+[ -/]*+[@-~]"
    rb"|\x1b[\]PX^_][^\x07\x1b]*+(?:\x07|\x1b\\)"
    rb"|\x1b[ -/]*+[0-~]"
)


def strip_sequences(s: str) -> str:
    """``s`` without terminal escape sequences (CSI, OSC, DCS/SOS/PM/APC, ESC x).

    Only whole sequences go; a lone ESC or C1 character is left for
    :data:`CTRL` to remove.
    """
    if not _SEQUENCE_START.search(s):
        return s
    return _SEQUENCE.sub("", s)


def strip_sequences_7bit(data: bytes) -> bytes:
    """ASCII-compatible bytes without 7-bit (ESC ...) escape sequences.

    For documents whose raw control bytes are dropped before decoding (XML
    refuses them), so that a sequence goes whole instead of leaving its tail.
    """
    return _SEQUENCE_7BIT.sub(b"", data) if b"\x1b" in data else data


# The whitespace str.split() splits ASCII text on, as spaces (see _collapse_spaces).
_ASCII_SPACES = {c: " " for c in (*range(0x09, 0x0E), *range(0x1C, 0x20))}
_SPACE_RUN = re.compile("  +")


def _collapse_spaces(s: str) -> str:
    """``" ".join(s.split())``: whitespace runs as one space, none at the ends.

    ASCII text (nearly every article's words) takes three passes in C that
    make no list of words: 30% faster on the benchmark's 3.8 KB articles.
    """
    if s.isascii():
        return _SPACE_RUN.sub(" ", s.translate(_ASCII_SPACES)).strip(" ")
    return " ".join(s.split())


def clean_line(s: str | None) -> str:
    """One line of untrusted text: escape sequences, controls, bidi and
    zero width characters gone (the joiners of :data:`BLOCK_CTRL` stay),
    whitespace (tabs and newlines too) collapsed to single spaces, no leading
    or trailing space."""
    if not s:
        return ""
    # Only _LINE_DROP's characters need a regex pass (escape sequences start
    # with one of them); _collapse_spaces takes care of newlines and the other
    # whitespace controls, which are in nearly every HTML text.  They are all
    # unprintable and none is whitespace, so a joined line that is printable
    # had none of them: that test costs a tenth of the regex search (the
    # words of every article a refresh stores go through here).
    line = _collapse_spaces(s)
    if line.isprintable() or not _LINE_DROP.search(line):
        return line
    return " ".join(_LINE_DROP.sub("", strip_sequences(s)).split())


def clean_block(s: str | None) -> str:
    """Multi-line untrusted text (bodies, code): lines and tabs are kept.

    CRLF and CR become LF; escape sequences are removed whole; vertical tab,
    form feed and the other whitespace controls become spaces; everything
    else in :data:`BLOCK_CTRL` is removed.  Spaces are not collapsed.
    """
    if not s:
        return ""
    if not BLOCK_CTRL.search(s):
        return s
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _BLOCK_SPACE.sub(" ", strip_sequences(s))
    return BLOCK_CTRL.sub("", s)


def clean_url(s: str | None) -> str:
    """A URL from untrusted input, before it is parsed or judged.

    Browsers delete tab, CR and LF anywhere in a URL (so ``"java\\nscript:"``
    is ``javascript:``); every other control, bidi and zero width character
    goes too, with any escape sequence it introduces, and outer whitespace is
    trimmed.  Inner spaces are left to the caller.
    """
    if not s:
        return ""
    if CTRL.search(s):
        s = CTRL.sub("", strip_sequences(s))
    return s.strip()


def shorten(s: str, limit: int) -> str:
    """``s`` cut to at most ``limit`` characters, ending in "…" when cut."""
    if len(s) <= limit:
        return s
    return s[: max(limit - 1, 0)].rstrip() + "…"


# --------------------------------------------------------------------------- HTML text

# A numeric reference to ESC (``&#27;``, ``&#x1b;``).
_ESC_REF = re.compile(r"&#(?:0*27|[xX]0*1[bB]);?")


def unescape(s: str) -> str:
    """:func:`html.unescape`, except that a reference to ESC gives a real ESC.

    ``html.unescape`` turns ``&#27;`` into nothing, which would leave the rest of
    the escape sequence it starts (``[31m``) as text that no cleaning can tell
    from words; cleaned afterwards, the sequence goes whole.
    """
    if "&" not in s:
        return s
    return html.unescape(_ESC_REF.sub("\x1b", s) if "&#" in s else s)


# Elements whose text is not content (see _drop_blocks).
_DROPPED = (
    *("script", "style", "noscript", "template", "svg", "head", "title"),
    *("iframe", "object", "select", "button", "textarea"),
)
_DROP_OPEN = re.compile(rf"<({'|'.join(_DROPPED)})\b", re.I)
# Searched in the fragment itself: offsets in fragment.lower() can differ
# ("İ" lowers to two characters), which cut words out of the text.
_DROP_CLOSE = {name: re.compile(f"</{name}", re.I) for name in _DROPPED}
# A tag starts with a letter, "/", "!" or "?": "1 < 2 and 3 > 2" is text.
_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
# "[^<>]" rather than "[^>]": on "<p <p <p ..." (no ">") the latter scans to
# the end of the text from every "<", which is quadratic.
# Block boundaries, line breaks and images become a space, so that the words on either
# side stay apart in the index ("<td>a</td><td>b</td>" is "a b", not "ab").
_BLOCK_BREAK = re.compile(
    r"<(?:br|hr|img|/?(?:p|div|li|h[1-6]|tr|td|th|blockquote|section|article|header|footer"
    r"|aside|nav|main|figure|figcaption|caption|dl|dt|dd|ul|ol|table|pre|address|details"
    r"|summary))\b[^<>]*>",
    re.I,
)


def _drop_blocks(fragment: str) -> str:
    """Cut elements whose text is not content, in one linear scan.

    A regex with a lazy ``.*?`` to the closing tag goes quadratic on hostile
    input such as thousands of unclosed ``<script>`` tags.
    """
    m = _DROP_OPEN.search(fragment)
    if m is None:
        return fragment
    out: list[str] = []
    pos = 0
    while m is not None:
        out.append(fragment[pos : m.start()])
        end = _DROP_CLOSE[m.group(1).lower()].search(fragment, m.end())
        if end is None:
            return "".join(out)  # unclosed: the rest is inside it
        close = fragment.find(">", end.end())
        pos = len(fragment) if close < 0 else close + 1
        out.append(" ")
        m = _DROP_OPEN.search(fragment, pos)
    out.append(fragment[pos:])
    return "".join(out)


def html_text(fragment: str | None) -> str:
    """The words of an HTML fragment, for the full-text index and previews."""
    if not fragment:
        return ""
    if "<" not in fragment and "&" not in fragment:
        return clean_line(fragment)
    text = _drop_blocks(fragment)
    text = _BLOCK_BREAK.sub(" ", text)
    text = _TAG.sub("", text)
    return clean_line(unescape(text))


# --------------------------------------------------------------------------- html.parser

# A "<" with no ">" before the next "<" (or the end) cannot start a tag.  One
# with a quote on the way is left alone: it may start a tag whose quoted
# attribute value holds a "<" (alt="a<b"), and EofSafeParser copes with it.
_LONE_LT = re.compile(r"<(?=[^<>\"']*(?:<|\Z))")


def tame_html(markup: str) -> str:
    """``markup`` made safe to hand to ``html.parser``.

    * Every ``<`` that cannot start a tag is escaped as ``&lt;``.  Python's
      ``html.parser`` (before 3.11.13 / 3.12.11 / 3.13.4, gh-135462) rescans
      to the end of the input from each unfinished tag, so 48 KB of ``"<p "``
      took 14 s to convert and 300 KB of ``"<a "`` hung discovery.  Escaping
      them is what the parser would show anyway (the text), in one linear
      pass.  Constructs that do have a ``>`` but still never finish (an
      unclosed quote, comment or CDATA section) are handled by
      :class:`EofSafeParser`.
    * A numeric reference to ESC becomes a real ESC: the parser decodes
      attribute values with :func:`html.unescape`, which drops it and leaves
      the rest of its escape sequence for the cleaners to miss.
    """
    if "&#" in markup:
        markup = _ESC_REF.sub("\x1b", markup)
    if "<" not in markup:
        return markup
    return _LONE_LT.sub("&lt;", markup)


if TYPE_CHECKING:
    # The mixin only ever sits before HTMLParser in the bases; the checker needs
    # to see that base to know what super() reaches.  At run time it stays a
    # plain object, so the real bases set the method order.
    _MixinBase = HTMLParser
else:
    _MixinBase = object


class EofSafeParser(_MixinBase):
    """Mixin for ``html.parser.HTMLParser`` subclasses: linear on unfinished markup.

    Put it first in the bases.  At :meth:`close`, a tag, comment,
    declaration or processing instruction that never finishes takes the rest
    of the input with it (as in browsers and in the fixed Python versions),
    instead of being shown as text up to the next ``>`` with the parser
    rescanning to the end of the input from the next ``<``.  Such
    constructs survive :func:`tame_html`: ``'<a x="'`` repeated, unclosed
    ``<!--`` or ``<![CDATA[`` before plenty of ``>``.
    """

    _eof_safe_closing = False

    def close(self) -> None:
        self._eof_safe_closing = True
        super().close()

    def _eof_safe(self, k: int) -> int:
        return len(self.rawdata) if k < 0 and self._eof_safe_closing else k

    def parse_starttag(self, i: int) -> int:
        return self._eof_safe(super().parse_starttag(i))

    def parse_endtag(self, i: int) -> int:
        return self._eof_safe(super().parse_endtag(i))

    def parse_comment(self, i: int, report: bool = True) -> int:
        return self._eof_safe(super().parse_comment(i, report))

    def parse_pi(self, i: int) -> int:
        return self._eof_safe(super().parse_pi(i))

    def parse_html_declaration(self, i: int) -> int:
        return self._eof_safe(super().parse_html_declaration(i))


# --------------------------------------------------------------------------- one-line fields

# Tags that end a line of text in HTML: in a one-line field they become a space.
_LINE_BREAKS = frozenset(
    {"br", "p", "div", "li", "tr", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}
)
_DROPPED_SET = frozenset(_DROPPED)


class _LineText(EofSafeParser, HTMLParser):
    """The text of an HTML one-liner: what a browser shows, plus ``alt`` of images.

    An element whose text is not content (``<script>``, ``<style>``...) is
    dropped when it is closed.  Left open, it is taken for words that were
    never meant as markup ("Why <script> blocks rendering"): its tag goes and
    its text stays.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropping: str | None = None
        self._depth = 0
        self._held: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._dropping is not None:
            self._depth += tag == self._dropping
            return
        if tag in _DROPPED_SET:
            self._dropping, self._depth = tag, 1
        elif tag in _LINE_BREAKS:
            self.parts.append(" ")
        elif tag == "img":
            self.parts.append(next((v or "" for k, v in attrs if k == "alt"), ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _DROPPED_SET:  # <svg/>: nothing to drop
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._dropping is None:
            if tag in _LINE_BREAKS:
                self.parts.append(" ")
        elif tag == self._dropping:
            self._depth -= 1
            if not self._depth:
                self._dropping = None
                self._held.clear()

    def handle_data(self, data: str) -> None:
        (self.parts if self._dropping is None else self._held).append(data)

    def text(self) -> str:
        """Everything read, the text of an unclosed dropped element included."""
        if self._dropping is not None and getattr(self, "cdata_elem", None):
            self._held.append(self.rawdata)  # html.parser keeps unclosed <script> text back
        held = _TAG.sub("", "".join(self._held))  # raw text of <script>: tags and all
        return "".join(self.parts) + " " + held if held else "".join(self.parts)


def html_line(value: str | None, *, markup: bool = True) -> str:
    """A title, author or feed title as one clean line of plain text.

    ``value`` is what the feed sent: HTML (tags and entities resolved as a
    browser would, with the quoted attributes that regexes get wrong:
    ``<a title="a > b">``), or, with ``markup=False``, text the document
    declares plain (Atom ``type="text"``), where ``<template>`` is a word.
    Then :func:`clean_line`.  Text without ``<`` or ``&`` (most titles)
    takes the fast path straight to :func:`clean_line`.
    """
    if not value:
        return ""
    if markup and "<" in value:
        parser = _LineText()
        try:
            parser.feed(tame_html(value))
            parser.close()
        except Exception:  # html.parser's own asserts on odd declarations
            return clean_line(unescape(_TAG.sub("", value)))
        value = parser.text()
    elif markup and "&" in value:
        value = unescape(value)
    return clean_line(value)

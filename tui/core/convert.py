"""Article HTML -> sanitised Markdown.

Everything that comes out of a feed is hostile until it has been through this module.
``html_to_markdown`` runs once per article version (see DESIGN.md: nothing is converted
twice), so it parses exactly once with ``html.parser`` and does all sanitising inside a
single markdownify pass plus one cheap line-oriented tidy.  One-line strings (titles,
authors, feed names) are cleaned by :mod:`tui.core.text`, which also owns the control
character rules used here.

Why each rule exists (STACK-NOTES pitfalls 1, 4 and 5):

* markdownify leaks the text of ``<noscript>``, ``<template>``, ``<title>``, ``<svg>``, form
  controls and iframe fallbacks, so those subtrees are skipped whole.
* markdownify keeps ``javascript:``/``data:`` URLs and never resolves relative ones, and the
  Textual ``Markdown`` widget will hand any href to ``open_url``: only absolute http(s) and
  mailto links survive as links; everything else becomes its text.
* A line of backticks inside ``<pre>`` ends markdownify's fixed ``````` fence early and the
  rest of the article renders as code, so fences are sized to the code they hold.
* Terminal escape sequences reach the terminal through Textual, so whole escape sequences,
  C0/C1 controls and bidi overrides are removed from everything returned
  (``text.clean_block``/``clean_line``/``clean_url``).
* ``html.parser`` is quadratic on unfinished tags (``"<p " * 16000`` took 14 s), so the
  markup goes through ``text.tame_html`` and a parser that gives up linearly at the end of
  the input (``text.EofSafeParser``).
* A body with no markup at all is plain text, whatever the feed called it (YouTube's
  descriptions): its line breaks are kept as Markdown hard breaks and blank lines as
  paragraphs, where HTML would run it into one paragraph (``_plain_markdown``).
* HTML5 blocks markdownify writes inline (``<figure>``, ``<header>``...) are blocks, so
  their words do not run into the next block's.  Images stay where the markup puts
  them, glued or not: the article pane, which shows an image as its alt text, sets
  images apart from each other and from words when it renders
  (``tui.ui.widgets.article_links``), whatever converter version wrote the Markdown.
* Building and converting a tree costs its size times its depth, and ``html.parser`` nests
  every unclosed tag (``"<x>a<br>b" * 22000`` took 12 s), so the parser flattens anything
  nested deeper than ``_MAX_DEPTH`` into plain text (``_Parser``).

This module must not import Textual or Rich (``tui.core`` is UI-free, enforced by
import-linter).
"""

from __future__ import annotations

import html as _html
import logging
import re
import threading
import warnings
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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
from bs4.element import NavigableString
from markdownify import MarkdownConverter

from tui.core import urls
from tui.core.text import (
    BLOCK_CTRL,
    EofSafeParser,
    clean_block,
    clean_line,
    clean_url,
    tame_html,
    unescape,
)

__all__ = ["html_to_markdown"]

if TYPE_CHECKING:
    # markdownify's stub (1.2.3, pinned) declares only its public calls, and this module
    # builds on the converter's internals: spelled out here, typed as markdownify defines
    # them, so the checker sees what an upgrade could break.  At run time they are
    # markdownify's own.
    def chomp(text: str) -> tuple[str, str, str]: ...

    re_escape_misc_chars: re.Pattern[str]
    re_escape_misc_dash_sequences: re.Pattern[str]
    re_escape_misc_hashes: re.Pattern[str]
    re_escape_misc_list_items: re.Pattern[str]

    class _Markdownify(MarkdownConverter):
        def process_tag(self, node: Tag, parent_tags: set[str] | None = None) -> str: ...
        def process_text(self, el: NavigableString, parent_tags: set[str] | None = None) -> str: ...
        def escape(self, text: str, parent_tags: set[str]) -> str: ...
        def convert_b(self, el: Tag, text: str, parent_tags: set[str]) -> str: ...
        def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str: ...
        def convert_code(self, el: Tag, text: str, parent_tags: set[str]) -> str: ...
        def convert_del(self, el: Tag, text: str, parent_tags: set[str]) -> str: ...
        def convert_div(self, el: Tag, text: str, parent_tags: set[str]) -> str: ...
        def convert_em(self, el: Tag, text: str, parent_tags: set[str]) -> str: ...
        def convert_i(self, el: Tag, text: str, parent_tags: set[str]) -> str: ...
        def convert_p(self, el: Tag, text: str, parent_tags: set[str]) -> str: ...
        def convert_q(self, el: Tag, text: str, parent_tags: set[str]) -> str: ...
        def convert_s(self, el: Tag, text: str, parent_tags: set[str]) -> str: ...
        def convert_strong(self, el: Tag, text: str, parent_tags: set[str]) -> str: ...
        def convert_td(self, el: Tag, text: str, parent_tags: set[str]) -> str: ...
        def convert_th(self, el: Tag, text: str, parent_tags: set[str]) -> str: ...
else:
    from markdownify import (
        chomp,
        re_escape_misc_chars,
        re_escape_misc_dash_sequences,
        re_escape_misc_hashes,
        re_escape_misc_list_items,
    )

    _Markdownify = MarkdownConverter

log = logging.getLogger(__name__)

# bs4 warns (through the global ``warnings`` machinery) when a fragment "looks like" XML or a
# file name/URL.  Feed content does both routinely and the warning would land on stderr,
# i.e. on top of the TUI, so silence exactly these two categories.
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)

# ------------------------------------------------------------------------------ parsing

# Subtrees whose text is never meant to be read: scripts, styles, metadata, embedded
# documents and widgets, and form controls (their text is option labels, button captions).
_DROP_TAGS = frozenset(
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
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)

# Only used when BeautifulSoup itself fails (it is not expected to): a crude tag stripper.
# "[^<>]", not "[^>]": the latter is quadratic on "<a <a <a ..." with no ">".
_TAG_RE = re.compile(r"<[^<>]*>")


# How deep the parse tree may nest (see _Parser).  Articles stay far below it (the deepest
# item in tests/fixtures/corpus nests 26 levels), and so does markdownify's recursion (four
# frames a level: it runs out of stack at about 245 levels).
_MAX_DEPTH = 128


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

    Nesting is capped at ``_MAX_DEPTH`` open elements.  ``html.parser`` never closes a tag
    implicitly, so every unclosed tag nests, and each time bs4 adds a child to an element
    that already has one it walks from there up to the root (``_linkage_fixer``);
    markdownify then looks for a ``<pre>`` among the ancestors of every element.  Both
    cost size x depth: ``"<x>a<br>b" * n`` (n deep, three children a level) took 12 s
    at 200 KB, only for markdownify to give up on the depth.  So past the cap, tags
    build nothing: their text joins the deepest open element as plain text, a block tag
    or ``<br>`` leaves a space so words stay apart, and an end tag is ignored unless it
    closes an element that is really open.  Structure that deep is flattened; no word
    is lost, and the cost is that of tokenising.  An element the converter drops
    (``_DROP_TAGS`` or ``hidden``) met at the cap still opens, one level past it, so
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
        if depth < _MAX_DEPTH or (depth == _MAX_DEPTH and _dropped(tag, attrs)):
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
        if depth < _MAX_DEPTH:
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
    """Whether the converter drops this element whole (see ``_SafeConverter.process_tag``)."""
    return tag in _DROP_TAGS or (bool(attrs) and any(name == "hidden" for name, _ in attrs))


class _TreeBuilder(HTMLParserTreeBuilder):
    """The stock ``html.parser`` tree builder, driving :class:`_Parser`."""

    def feed(self, markup: Any, _parser_class: Any = _Parser) -> None:
        super().feed(markup, _parser_class=_Parser)


def _soup(html: str) -> BeautifulSoup:
    """Parse article HTML in linear time, whatever the markup."""
    return BeautifulSoup(tame_html(html), builder=_TreeBuilder())


# ------------------------------------------------------------------------------ URL policy

# Characters that would end or confuse a Markdown link destination; percent-encoding them
# keeps the URL equivalent.
_DEST_ESCAPES = str.maketrans(
    {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C", "`": "%60"}
)


def _safe_url(raw: Any, base_url: str | None, schemes: frozenset[str]) -> str | None:
    """Absolute, allowed URL ready to sit inside ``(...)``, or None if it must not be live.

    In-page anchors (``#frag``) and empty hrefs return None: joined with the base they
    would point at the article's web page rather than at anything in the reader.
    """
    if not raw or not isinstance(raw, str):
        return None
    # Browsers delete tab/CR/LF anywhere in a URL (so "java\nscript:" is javascript:); do
    # the same before judging the scheme, along with every other control.
    url = clean_url(raw)
    if not url or url.startswith("#"):
        return None
    resolved = urls.resolve(url, base_url, schemes)
    return None if resolved is None else resolved.translate(_DEST_ESCAPES)


# ------------------------------------------------------------------------------ converter

_BACKTICK_RUN_RE = re.compile(r"`+")
_LANG_CLASS_RE = re.compile(r"^(?:language|lang)-(.+)$", re.IGNORECASE)
_LANG_OK_RE = re.compile(r"[^A-Za-z0-9_+#.\-]")
_NEWLINE_RUN_RE = re.compile(r"\s*\n\s*")
_SPACE_RUN_RE = re.compile(r"[\t ]{2,}")
_MAYBE_LIST_ITEM_RE = re.compile(r"[0-9][.)]")
_TEX_ENCODINGS = ("application/x-tex", "tex", "latex")
_BLOCK_TAGS_FOR_FALLBACK = frozenset(
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
# Tags that leave a space (a newline in <pre>) in text flattened past _MAX_DEPTH:
# the blocks above, and the table cells and other blocks that join words.
_BREAK_TAGS = _BLOCK_TAGS_FOR_FALLBACK | {"address", "caption", "details", "summary", "td", "th"}


def _attr(el: Tag, name: str) -> str:
    """An attribute as one string (bs4 returns lists for class-like attributes)."""
    value = el.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(value)
    return str(value)


def _max_backtick_run(text: str) -> int:
    return max((len(m) for m in _BACKTICK_RUN_RE.findall(text)), default=0)


def _inline_code(text: str) -> str:
    """``text`` as one code span whose delimiter no backtick run inside can close."""
    text = " ".join(text.split())
    if not text:
        return ""
    delimiter = "`" * (_max_backtick_run(text) + 1)
    if text.startswith("`") or text.endswith("`"):
        text = f" {text} "
    return f"{delimiter}{text}{delimiter}"


def _code_language(pre: Tag) -> str:
    """Fence info string from ``language-xxx``/``lang-xxx`` on ``<pre>`` or its ``<code>``.

    Restricted to a safe charset: a backtick in the info string would make markdown-it
    refuse the fence, and spaces would add junk after the language.
    """
    candidates: list[Tag] = [pre]
    code = pre.find("code")
    if isinstance(code, Tag):
        candidates.append(code)
    for el in candidates:
        classes: str | list[str] = el.get("class") or []
        if isinstance(classes, str):
            classes = classes.split()
        for cls in classes:
            m = _LANG_CLASS_RE.match(cls)
            if m:
                return _LANG_OK_RE.sub("", m.group(1))[:32]
        for name in ("data-lang", "data-language"):
            value = _attr(el, name)
            if value:
                return _LANG_OK_RE.sub("", value)[:32]
    return ""


def _strip_pre(text: str) -> str:
    """markdownify's ``strip_pre`` (blank lines around code go, indentation stays), linear.

    Its ``[ \\n]*$`` regex rescans a long run of spaces inside the code from every
    position in it (50 KB: 3 s).
    """
    lead = len(text) - len(text.lstrip(" \n"))
    newline = text.rfind("\n", 0, lead)
    if newline >= 0:
        text = text[newline + 1 :]
    return text.rstrip(" \n")


def _int_attr(value: Any, default: int) -> int:
    """Small non-negative int from an attribute, else ``default``.

    ``str.isdigit`` accepts "²", which ``int()`` then rejects: markdownify's own
    ``<ol start>`` and ``colspan`` handling raises on that, so check ASCII digits.
    """
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    return default


class _SafeConverter(_Markdownify):
    """markdownify with the sanitising rules of this module baked into the single pass."""

    def __init__(self, base_url: str | None) -> None:
        super().__init__(
            heading_style="ATX",
            bullets="-",
            escape_misc=True,
            table_infer_header=True,
            bs4_options="html.parser",
        )
        self.base_url = base_url
        # <ol> item numbers, counted as items are converted (in document order).
        # markdownify uses find_previous_siblings per <li>: quadratic, 2.5 s for 8,000 items.
        self._ol_counts: dict[int, int] = {}
        self._special: dict[str, Callable[[Tag, set[str]], str]] = {
            "math": self._convert_math,
            "video": self._convert_media,
            "audio": self._convert_media,
        }

    def reset(self, base_url: str | None) -> None:
        """Prepare a (thread-local, reused) converter for the next document.

        Reuse keeps markdownify's per-instance option building and converter-method
        cache out of the per-article cost.
        """
        self.base_url = base_url
        self._ol_counts.clear()

    def escape(self, text: str, parent_tags: set[str]) -> str:
        """markdownify's ``escape_misc`` escaping, with cheap pre-checks.

        The stock version runs four regexes over every text node and made the whole
        conversion ~35% slower; the dash/hash/list-item ones rarely have anything to do.
        (The output is identical: same regexes, same order.)
        """
        if not text:
            return ""
        text = re_escape_misc_chars.sub(r"\\\1", text)
        if "-" in text:
            text = re_escape_misc_dash_sequences.sub(r"\1\\\2", text)
        if "#" in text:
            text = re_escape_misc_hashes.sub(r"\1\\\2", text)
        if _MAYBE_LIST_ITEM_RE.search(text):
            text = re_escape_misc_list_items.sub(r"\1\\\2", text)
        if "*" in text:
            text = text.replace("*", r"\*")
        if "_" in text:
            text = text.replace("_", r"\_")
        return text

    # -- traversal ---------------------------------------------------------------------

    def process_tag(self, node: Tag, parent_tags: set[str] | None = None) -> str:
        """Skip dropped subtrees before their children are converted (no leak, no work)."""
        name = node.name
        if name in _DROP_TAGS or (name != "[document]" and node.has_attr("hidden")):
            return ""
        special = self._special.get(name)
        if special is not None:
            return special(node, parent_tags or set())
        return super().process_tag(node, parent_tags)

    def process_text(self, el: NavigableString, parent_tags: set[str] | None = None) -> str:
        """Clean controls out of text nodes; ignore processing instructions/declarations.

        Cleaning happens here, after the parser decoded ``&#27;`` and before markdownify
        escapes ``[`` (which would split ``ESC [`` and hide the sequence from the regex).
        """
        if isinstance(el, _NOT_TEXT):
            return ""  # <?xml ...?>, <!ENTITY ...>: markdownify would print their insides
        text = str(el)
        if BLOCK_CTRL.search(text):
            text = clean_block(text)
        if "pre" not in (parent_tags or ()) and _SPACE_RUN_RE.search(text):
            # markdownify's newline-whitespace regex backtracks over a run of spaces
            # with no newline from every position in it: 80 KB of spaces took 24 s.
            # It collapses such a run to one space anyway.
            text = _SPACE_RUN_RE.sub(" ", text)
        if text != el:
            clean = NavigableString(text)
            el.replace_with(clean)
            el = clean
        return super().process_text(el, parent_tags)

    # -- links and images --------------------------------------------------------------

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags:
            return text
        prefix, suffix, text = chomp(text)
        if not text:
            return ""
        url = _safe_url(el.get("href"), self.base_url, urls.LINK_SCHEMES)
        if url is None:
            return f"{prefix}{text}{suffix}"
        # A blank line inside [...] would split the link into two paragraphs of debris.
        text = _NEWLINE_RUN_RE.sub(" ", text)
        return f"{prefix}[{text}]({url}){suffix}"

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        alt = self.escape(clean_line(_attr(el, "alt")), parent_tags)
        if "_inline" in parent_tags:
            return alt
        url = self._image_url(el)
        if url is None:
            return ""
        return f"![{alt}]({url})"

    def _image_url(self, el: Tag) -> str | None:
        """First usable image URL, including the usual lazy-loading attributes.

        Lazy-loaded images often carry a ``data:`` placeholder in ``src`` and the real
        picture in ``data-src`` or ``srcset``.
        """
        for name in ("src", "data-src", "data-original", "data-lazy-src"):
            url = _safe_url(el.get(name), self.base_url, urls.WEB_SCHEMES)
            if url is not None:
                return url
        srcset = _attr(el, "srcset").strip()
        if srcset:
            first = srcset.split(",")[0].split()
            if first:
                return _safe_url(first[0], self.base_url, urls.WEB_SCHEMES)
        return None

    def _convert_media(self, el: Tag, parent_tags: set[str]) -> str:
        """``<video>``/``<audio>`` as a link to the media; their fallback text is dropped."""
        if "_inline" in parent_tags:
            return ""
        src = _safe_url(el.get("src"), self.base_url, urls.WEB_SCHEMES)
        if src is None:
            for source in el.find_all("source"):
                src = _safe_url(source.get("src"), self.base_url, urls.WEB_SCHEMES)
                if src is not None:
                    break
        label = "Video" if el.name == "video" else "Audio"
        poster = _safe_url(el.get("poster"), self.base_url, urls.WEB_SCHEMES)
        if src and poster:
            return f"\n\n[![{label}]({poster})]({src})\n\n"
        if src:
            return f"\n\n[{label}]({src})\n\n"
        if poster:
            return f"\n\n![{label}]({poster})\n\n"
        return ""

    def _convert_math(self, el: Tag, parent_tags: set[str]) -> str:
        """MathML as a code span of its TeX source or alttext, else of its flat text.

        Rendering ``<msup><mi>x</mi><mn>2</mn></msup>`` as prose would read "x2".
        """
        source = _attr(el, "alttext")
        if not source:
            for ann in el.find_all("annotation"):
                if _attr(ann, "encoding").lower() in _TEX_ENCODINGS:
                    source = ann.get_text()
                    break
        if not source:
            source = el.get_text(" ")
        return _inline_code(clean_line(source))

    # -- code --------------------------------------------------------------------------

    def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """Fence one backtick longer than any run inside, so the code cannot close it."""
        if "_inline" in parent_tags:  # table cell, heading: a block cannot live there
            return _inline_code(text)
        text = _strip_pre(text.replace("\r\n", "\n").replace("\r", "\n"))
        if not text.strip():
            return ""
        fence = "`" * max(3, _max_backtick_run(text) + 1)
        return f"\n\n{fence}{_code_language(el)}\n{text}\n{fence}\n\n"

    def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "pre" in parent_tags:
            return "\n"  # markdownify would add a Markdown hard break ("  ") inside code
        return super().convert_br(el, text, parent_tags)

    # -- inline wrappers that must not wrap a fenced block --------------------------------

    def _wrap_inline(
        self, base: Callable[..., str], el: Tag, text: str, parent_tags: set[str]
    ) -> str:
        """Emphasis around a code block glues ``**`` to the fence (``**```py``) and the
        closing line ``````**`` then *opens* a fence that swallows the rest of the
        article.  Emphasis cannot span blocks anyway, so drop it in that case."""
        if "```" in text and "\n" in text.strip():
            return text
        return base(self, el, text, parent_tags)

    def convert_b(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self._wrap_inline(_Markdownify.convert_b, el, text, parent_tags)

    def convert_strong(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self._wrap_inline(_Markdownify.convert_strong, el, text, parent_tags)

    def convert_em(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self._wrap_inline(_Markdownify.convert_em, el, text, parent_tags)

    def convert_i(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self._wrap_inline(_Markdownify.convert_i, el, text, parent_tags)

    def convert_del(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self._wrap_inline(_Markdownify.convert_del, el, text, parent_tags)

    def convert_s(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self._wrap_inline(_Markdownify.convert_s, el, text, parent_tags)

    def convert_code(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self._wrap_inline(_Markdownify.convert_code, el, text, parent_tags)

    def convert_q(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self._wrap_inline(_Markdownify.convert_q, el, text, parent_tags)

    # -- lists and tables --------------------------------------------------------------

    def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """markdownify's list item, with O(1) numbering and a crash-proof ``start``."""
        parent = el.parent
        if parent is not None and parent.name == "ol":
            index = self._ol_counts.get(id(parent), 0)
            self._ol_counts[id(parent)] = index + 1
            bullet = f"{_int_attr(parent.get('start'), 1) + index}. "
        else:
            bullet = "- "
        text = (text or "").strip()
        if not text:
            return "\n"
        indent = " " * len(bullet)
        lines = text.split("\n")
        body = "\n".join([lines[0]] + [indent + line if line else "" for line in lines[1:]])
        return f"{bullet}{body}\n"

    def _fix_colspan(self, el: Tag) -> None:
        """Drop a colspan markdownify would crash on (``"²".isdigit()`` is True)."""
        value = el.get("colspan")
        if value is not None and _int_attr(value, -1) < 0:
            del el["colspan"]

    def convert_td(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        self._fix_colspan(el)  # runs before the row's convert_tr reads it again
        return super().convert_td(el, text, parent_tags)

    def convert_th(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        self._fix_colspan(el)
        return super().convert_th(el, text, parent_tags)

    # -- misc blocks -------------------------------------------------------------------

    def convert_details(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self.convert_div(el, text, parent_tags)

    # HTML5 blocks markdownify writes inline, gluing their words to the next block's.
    convert_figure = convert_details
    convert_header = convert_details
    convert_footer = convert_details
    convert_aside = convert_details
    convert_nav = convert_details
    convert_main = convert_details
    convert_address = convert_details

    def convert_summary(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self.convert_p(el, text, parent_tags)

    # -- fallback ----------------------------------------------------------------------

    def plain_fallback(self, soup: BeautifulSoup) -> str:
        """Escaped paragraphs of text, for trees markdownify cannot recurse through.

        Everything here is iterative (``descendants`` follows ``next_element``), so it
        copes with nesting depths that blow the recursion limit.
        """
        for tag in soup.find_all(
            lambda t: t.name in _DROP_TAGS or t.name in ("video", "audio") or t.has_attr("hidden")
        ):
            if not tag.decomposed:
                tag.decompose()
        parts: list[str] = []
        for node in soup.descendants:
            if isinstance(node, Tag):
                if node.name in _BLOCK_TAGS_FOR_FALLBACK:
                    parts.append("\n\n")
            elif isinstance(node, NavigableString) and not isinstance(node, _NOT_TEXT):
                parts.append(str(node))
        return _paragraphs_markdown("".join(parts), self)


# Where markup starts: a "<" before a letter, "/", "!" or "?" ("1 < 2" is text).
_MARKUP_RE = re.compile(r"<[A-Za-z/!?]")
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")
_BLANKS_RE = re.compile(r"[ \t]+")


def _plain_markdown(text: str, conv: _SafeConverter) -> str:
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
        escaped = [conv.escape(line, set()) for line in lines if line]
        if escaped:
            paras.append("  \n".join(escaped))
    return "\n\n".join(paras)


def _paragraphs_markdown(text: str, conv: _SafeConverter) -> str:
    """Blank-line separated text -> escaped Markdown paragraphs, one line each."""
    text = clean_block(text)
    paras = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(conv.escape(p, set()) for p in paras if p)


# ------------------------------------------------------------------------------ tidy

_FENCE_OPEN_RE = re.compile(r"(`{3,})[^`]*$")


def _tidy(md: str) -> str:
    """Collapse blank-line runs and drop trailing spaces, leaving fenced code alone.

    Blank lines and trailing spaces inside a fence are content.  Fences are recognised
    after list indentation and ``>`` markers; since this module sizes every fence above
    the longest backtick run it contains, no code line can look like its closing fence,
    and escaped text cannot look like an opening one.  A trailing double space is kept
    only where it is a Markdown hard break (``<br>``) followed by more text.
    """
    md = clean_block(md)  # belt and braces: attributes, fallback text, anything missed
    lines = md.split("\n")
    out: list[str] = []
    fence = 0
    last = len(lines) - 1
    for i, line in enumerate(lines):
        if fence:
            out.append(line)
            body = line.lstrip(" >").rstrip()
            if len(body) >= fence and body == "`" * len(body):
                fence = 0
            continue
        stripped = line.rstrip()
        if not stripped.strip():
            if out and out[-1] == "":
                continue
            out.append("")
            continue
        m = _FENCE_OPEN_RE.match(stripped.lstrip(" >"))
        if m:
            fence = len(m.group(1))
            out.append(stripped)
            continue
        if line.endswith("  ") and i < last and lines[i + 1].strip():
            stripped += "  "
        out.append(stripped)
    return "\n".join(out).strip()


# ------------------------------------------------------------------------------ public

_local = threading.local()


def _converter(base_url: str | None) -> _SafeConverter:
    """This thread's converter, reset for a new document (conversion runs in workers)."""
    conv: _SafeConverter | None = getattr(_local, "converter", None)
    if conv is None:
        conv = _local.converter = _SafeConverter(base_url)
    else:
        conv.reset(base_url)
    return conv


def html_to_markdown(html: str | None, base_url: str | None = None) -> str:
    """Sanitised Markdown for an article body, with links made absolute.

    ``base_url`` is the URL relative links are resolved against (the entry's xml:base,
    article link or feed link; the caller chooses).  The result is safe to hand to
    Textual's ``Markdown``: no raw HTML, no live non-http(s)/mailto links, no terminal
    controls, and code blocks that cannot swallow the text after them.

    Never raises: a converter failure (such as running out of stack, which the parser's
    nesting cap leaves to callers already deep in their own) degrades to escaped plain
    paragraphs, and an unparseable document to its tag-stripped text.
    """
    if not html:
        return ""
    try:
        conv = _converter(base_url)
        if not _MARKUP_RE.search(html):
            return _tidy(_plain_markdown(html, conv))
        try:
            soup = _soup(html)
        except Exception:
            log.debug("html.parser rejected an article; using a regex strip", exc_info=True)
            text = _html.unescape(_TAG_RE.sub(" ", str(html)))
            return _tidy(_paragraphs_markdown(text, conv))
        try:
            md = conv.convert_soup(soup)
        except RecursionError:
            log.debug("article nested too deeply for markdownify; plain text fallback")
            md = conv.plain_fallback(soup)
        except Exception:
            log.debug("markdownify failed on an article; plain text fallback", exc_info=True)
            md = conv.plain_fallback(soup)
        return _tidy(md)
    except Exception:  # last resort: the UI must get a string
        log.debug("html_to_markdown gave up on an article", exc_info=True)
        return ""

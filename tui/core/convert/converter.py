"""``SafeConverter``: markdownify with the sanitising rules built into its single pass.

Why each rule here exists (STACK-NOTES pitfalls 1, 4 and 5):

* markdownify leaks the text of ``<noscript>``, ``<template>``, ``<title>``, ``<svg>``, form
  controls and iframe fallbacks, so those subtrees (``tree.DROP_TAGS``, ``hidden``) are
  skipped whole, before their children are converted.
* Terminal escape sequences reach the terminal through Textual, so controls are cleaned
  out of every text node before markdownify escapes it (``text.clean_block``).
* Links, images and media go through the URL policy (:mod:`.links`); code and math are
  fenced or spanned so that nothing inside can close them (:mod:`.code`).
* Emphasis around a code block would glue ``**`` to its fence, and markdownify's list
  numbering, whitespace regexes and ``colspan``/``start`` parsing are quadratic or crash
  on feed markup: each is replaced by a linear, crash-proof version.
* HTML5 blocks markdownify writes inline (``<figure>``, ``<header>``...) are blocks, so
  their words do not run into the next block's.

The helpers live in their own modules; what stays is what must override markdownify's
methods, so the class is the list of elements whose conversion Gazette changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from bs4 import Tag
from bs4.element import NavigableString
from markdownify import MarkdownConverter

from tui.core import urls
from tui.core.convert.code import fenced_code, inline_code, math_code
from tui.core.convert.links import image_url, media_markdown, safe_url
from tui.core.convert.tree import DROP_TAGS, NOT_TEXT, attr, int_attr
from tui.core.text import BLOCK_CTRL, clean_block, clean_line

__all__ = ["SafeConverter"]

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

_NEWLINE_RUN_RE = re.compile(r"\s*\n\s*")
_SPACE_RUN_RE = re.compile(r"[\t ]{2,}")
_MAYBE_LIST_ITEM_RE = re.compile(r"[0-9][.)]")


class SafeConverter(_Markdownify):
    """markdownify with the sanitising rules of this package baked into the single pass."""

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
        if name in DROP_TAGS or (name != "[document]" and node.has_attr("hidden")):
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
        if isinstance(el, NOT_TEXT):
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

    # -- links, images, media, math ----------------------------------------------------

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags:
            return text
        prefix, suffix, text = chomp(text)
        if not text:
            return ""
        url = safe_url(el.get("href"), self.base_url, urls.LINK_SCHEMES)
        if url is None:
            return f"{prefix}{text}{suffix}"
        # A blank line inside [...] would split the link into two paragraphs of debris.
        text = _NEWLINE_RUN_RE.sub(" ", text)
        return f"{prefix}[{text}]({url}){suffix}"

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        alt = self.escape(clean_line(attr(el, "alt")), parent_tags)
        if "_inline" in parent_tags:
            return alt
        url = image_url(el, self.base_url)
        if url is None:
            return ""
        return f"![{alt}]({url})"

    def _convert_media(self, el: Tag, parent_tags: set[str]) -> str:
        """``<video>``/``<audio>``: a block, so nothing in a table cell or heading."""
        if "_inline" in parent_tags:
            return ""
        return media_markdown(el, self.base_url)

    def _convert_math(self, el: Tag, parent_tags: set[str]) -> str:
        return math_code(el)

    # -- code --------------------------------------------------------------------------

    def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "_inline" in parent_tags:  # table cell, heading: a block cannot live there
            return inline_code(text)
        return fenced_code(el, text)

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
            bullet = f"{int_attr(parent.get('start'), 1) + index}. "
        else:
            bullet = "- "
        text = (text or "").strip()
        if not text:
            return "\n"
        indent = " " * len(bullet)
        lines = text.split("\n")
        body = "\n".join([lines[0]] + [indent + line if line else "" for line in lines[1:]])
        return f"{bullet}{body}\n"

    def convert_td(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        _drop_bad_colspan(el)  # runs before the row's convert_tr reads it again
        return super().convert_td(el, text, parent_tags)

    def convert_th(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        _drop_bad_colspan(el)
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


def _drop_bad_colspan(cell: Tag) -> None:
    """Drop a colspan markdownify would crash on (``"²".isdigit()`` is True)."""
    value = cell.get("colspan")
    if value is not None and int_attr(value, -1) < 0:
        del cell["colspan"]

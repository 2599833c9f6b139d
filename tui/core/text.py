"""Cheap text helpers used on hot paths (ingest, indexing).

These are regex-based on purpose: BeautifulSoup costs milliseconds per
article, and the search index only needs the words, not faithful structure.
"""

from __future__ import annotations

import html
import re

_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_DROP_OPEN = re.compile(
    r"<(script|style|noscript|template|svg|head|title|iframe|object|select|button|textarea)\b",
    re.I,
)
_TAG = re.compile(r"<[^<>]*>")
_BLOCK_BREAK = re.compile(r"<(?:/?p|br|/?div|/?li|/?h[1-6]|/?tr|/?blockquote)\b[^>]*>", re.I)


def clean_line(s: str | None) -> str:
    """One line of untrusted text: control and bidi characters gone, whitespace collapsed."""
    if not s:
        return ""
    return " ".join(_CTRL.sub("", s).split())


def _drop_blocks(fragment: str) -> str:
    """Cut elements whose text is not content, in one linear scan.

    A regex with a lazy ``.*?`` to the closing tag goes quadratic on hostile
    input such as thousands of unclosed ``<script>`` tags.
    """
    lower = fragment.lower()
    out: list[str] = []
    pos = 0
    while (m := _DROP_OPEN.search(fragment, pos)) is not None:
        out.append(fragment[pos : m.start()])
        end = lower.find(f"</{m.group(1).lower()}", m.end())
        if end < 0:
            return "".join(out)  # unclosed: the rest is inside it
        close = lower.find(">", end)
        pos = len(fragment) if close < 0 else close + 1
        out.append(" ")
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
    return clean_line(html.unescape(text))

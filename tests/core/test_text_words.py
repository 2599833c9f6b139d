"""html_text gives the very words it gave before it was made faster.

The search index is contentless: an article is removed from it with the words
it was given, kept in its packed body, so the words of stored articles never
need to match a new extraction.  Still, a refresh that extracts other words
than the last version did would index the same article differently from its
neighbours.  ``reference_html_text`` is the extraction as it was (regex passes
one after the other); the fast one must agree with it on every fragment of the
corpus and on generated hostile markup.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.core.errors import ParseError
from tui.core.parse import parse_feed
from tui.core.text import clean_line, html_text

CORPUS = Path(__file__).parent.parent / "fixtures" / "corpus"
FEEDS = Path(__file__).parent.parent / "fixtures" / "feeds"

# ----------------------------------------------------------------- the reference (as it was)

_LINE_DROP = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*+[ -/]*+[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x90\x98\x9c-\x9f]*+(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*+[0-~]"
)
_ESC_REF = re.compile(r"&#(?:0*27|[xX]0*1[bB]);?")
_DROPPED = (
    *("script", "style", "noscript", "template", "svg", "head", "title"),
    *("iframe", "object", "select", "button", "textarea"),
)
_DROP_OPEN = re.compile(rf"<({'|'.join(_DROPPED)})\b", re.I)
_DROP_CLOSE = {name: re.compile(f"</{name}", re.I) for name in _DROPPED}
_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
_BLOCK_BREAK = re.compile(
    r"<(?:br|hr|img|/?(?:p|div|li|h[1-6]|tr|td|th|blockquote|section|article|header|footer"
    r"|aside|nav|main|figure|figcaption|caption|dl|dt|dd|ul|ol|table|pre|address|details"
    r"|summary))\b[^<>]*>",
    re.I,
)


def _clean_line(s: str) -> str:
    return " ".join(_LINE_DROP.sub("", _SEQUENCE.sub("", s)).split())


def _drop_blocks(fragment: str) -> str:
    out: list[str] = []
    pos = 0
    m = _DROP_OPEN.search(fragment)
    while m is not None:
        out.append(fragment[pos : m.start()])
        end = _DROP_CLOSE[m.group(1).lower()].search(fragment, m.end())
        if end is None:
            return "".join(out)
        close = fragment.find(">", end.end())
        pos = len(fragment) if close < 0 else close + 1
        out.append(" ")
        m = _DROP_OPEN.search(fragment, pos)
    out.append(fragment[pos:])
    return "".join(out)


def reference_html_text(fragment: str | None) -> str:
    """html_text before it was made faster: each rule a pass of its own."""
    if not fragment:
        return ""
    text = _TAG.sub("", _BLOCK_BREAK.sub(" ", _drop_blocks(fragment)))
    text = html.unescape(_ESC_REF.sub("\x1b", text))
    return _clean_line(text)


# ----------------------------------------------------------------- the fragments


def corpus_fragments() -> Iterator[str]:
    """Every content and summary of the corpus and the test feeds."""
    for path in sorted([*CORPUS.glob("*.xml"), *CORPUS.glob("*.json"), *FEEDS.rglob("*.*")]):
        try:
            feed = parse_feed(path.read_bytes(), f"https://example.org/{path.name}")
        except ParseError:
            continue
        for entry in feed.entries:
            yield from (t for t in (entry.content, entry.summary, entry.title) if t)


PIECES = (
    *("<p>", "</p>", "<P class='x'>", "<br>", "<br/>", "<BR />", "<hr>", "<img src=a>"),
    *("<td>", "</td>", "<h1>", "</H6>", "<li>", "<ul>", "</ol>", "<pre>", "<summary>"),
    *("<b>", "</b>", "<a href='x'>", "</a>", "<span>", "<p", "<a", "<", ">", "</", "<!--"),
    *("-->", "<!DOCTYPE html>", "<?xml?>", "<script>", "</script>", "<SCRIPT>", "</Script >"),
    *("<style>", "</style>", "<svg>", "</svg>", "<title>", "</title>", "<textarea>"),
    *("<pa>", "<brx>", "<p-x>", "<div\n>", "< p>", "<1>", "1 < 2", "3 > 2"),
    *("&amp;", "&lt;", "&gt;", "&#27;", "&#x1B;", "&#0027", "&nbsp;", "&eacute;", "&#128512;"),
    *("&", "&#", "&#x;", "&amp", "&bogus;", "&lt;p&gt;", "&not", "&notit", "&#x27;", "&#39;"),
    *("&#39", "&#x27", "&quot;", "&quot", "&#34;", "&#034;", "&amp;#39;", "&#x2", "7;", "#x27;"),
    *("\x1b[31m", "\x1b]0;title\x07", "\x1b(B", "\x1b", "\x9b1m", "\x9d2;x\x9c", "\x85"),
    *("\x00", "\x07", "\t", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x1f", "\x7f", "\xa0"),
    *("\u200b", "\u200c", "\u200d", "\u202e", "\u2066", "\ufeff", "\u2028", "\u3000"),
    *("İ", "é", "ß", "ﬁ", "日本語", "😀", " ", "  ", "word", "Zebra", "lion", "x"),
)


def generated_fragments(n: int, seed: int) -> Iterator[str]:
    rng = random.Random(seed)
    for _ in range(n):
        yield "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40)))


# ----------------------------------------------------------------- the tests


def test_the_reference_is_what_html_text_was() -> None:
    """The reference agrees with the examples test_text.py pins."""
    raw = "<p>zebra &amp; <b>lion</b></p><script>var x</script><style>p{}</style><svg>t</svg>end"
    assert reference_html_text(raw) == "zebra & lion end"
    assert reference_html_text("<p>x &#27;[31mred&#27;[0m</p>") == "x red"
    assert reference_html_text("İİİİİ <script>x</script>visible text") == "İİİİİ visible text"


def test_html_text_gives_the_same_words_on_the_corpus() -> None:
    fragments = list(corpus_fragments())
    assert len(fragments) > 1000
    for fragment in fragments:
        assert html_text(fragment) == reference_html_text(fragment), fragment[:200]


@pytest.mark.parametrize("seed", range(4))
def test_html_text_gives_the_same_words_on_generated_markup(seed: int) -> None:
    for fragment in generated_fragments(3000, seed):
        assert html_text(fragment) == reference_html_text(fragment), repr(fragment)


# Every character str.isprintable() refuses (controls, format characters,
# separators, unassigned and private-use code points), one in 97 of them.
UNPRINTABLE = [chr(c) for c in range(0x110000) if not chr(c).isprintable()][::97]
LINE_PIECES = (*PIECES, *UNPRINTABLE, "\x1b[1;31m", "\x1b]8;;http://x\x1b\\", "\u200c", "\u200d")


def test_clean_line_gives_the_same_line_as_the_reference() -> None:
    """clean_line skips its regex pass when the joined line is printable."""
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(LINE_PIECES) for _ in range(rng.randint(1, 12)))
        assert clean_line(text) == _clean_line(text), repr(text)
    for c in map(chr, range(0x110000)):
        assert clean_line(f"a {c} b{c}") == _clean_line(f"a {c} b{c}"), repr(c)

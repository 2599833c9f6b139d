"""Tests for the nesting cap in tui.core.convert's parser (``_Parser``, ``_MAX_DEPTH``).

``html.parser`` never closes a tag implicitly, so unclosed tags nest, and building and
converting a tree costs its size times its depth.  Past ``_MAX_DEPTH`` the parser
flattens markup into plain text: the hostile cases below took seconds each before (the
sizes are chosen so that they would make the suite visibly slow again); they must keep
every word, in order, and hide what the converter hides.  Documents within the cap must
convert exactly as before.
"""

from __future__ import annotations

import re

import pytest

from tui.core.convert import html_to_markdown
from tui.core.convert.tree import MAX_DEPTH as _MAX_DEPTH

BASE = "https://example.com/blog/post/"


# ------------------------------------------------------------------------ normal documents

NESTED = (
    "<h2>Release notes</h2>"
    "<table><tr><th>Area</th><th>Change</th></tr>"
    "<tr><td>Core</td><td><blockquote><ul><li>faster <b>parsing</b><ul><li>nested <i>item</i>"
    "<ol start='3'><li>deep <code>code</code></li><li>deeper</li></ol></li></ul></li>"
    "<li>second</li></ul></blockquote></td></tr></table>"
    "<blockquote><p>Quoted intro</p><ul><li>one<blockquote><ol><li>inner "
    "<a href='/docs'>docs</a></li><li>two<ul><li>three</li></ul></li></ol>"
    "</blockquote></li><li>four</li></ul>"
    "<table><tr><td>cell <em>a</em></td><td><ul><li>x</li><li>y</li></ul></td></tr></table>"
    "</blockquote>"
    "<p>Unclosed paragraphs:<p>one<p>two"
    "<div><div><div><section><article><p>five levels <img src='/i.png' alt='pic'></p>"
    "</article></section></div></div></div>"
)

# What the converter produced for NESTED before the nesting cap existed.  A deliberate
# change to how lists, quotes or tables render should update it; the cap must not.
NESTED_MD = (
    "## Release notes\n"
    "\n"
    "| Area | Change |\n"
    "| --- | --- |\n"
    "| Core | - faster **parsing**   - nested *item*     3. deep `code`     4. deeper"
    " - second |\n"
    "\n"
    "> Quoted intro\n"
    ">\n"
    "> - one\n"
    ">   > 1. inner [docs](https://example.com/docs)\n"
    ">   > 2. two\n"
    ">   >    - three\n"
    "> - four\n"
    ">\n"
    "> | cell *a* | - x - y |\n"
    "> | --- | --- |\n"
    "\n"
    "Unclosed paragraphs:\n"
    "\n"
    "one\n"
    "\n"
    "two\n"
    "\n"
    "five levels ![pic](https://example.com/i.png)"
)


def test_nested_lists_quotes_and_tables_convert_exactly_as_before() -> None:
    assert html_to_markdown(NESTED, BASE) == NESTED_MD


def test_structure_just_within_the_cap_is_kept() -> None:
    html = "<div>" * (_MAX_DEPTH - 1) + "<p>alpha</p><p>beta</p>" + "</div>" * (_MAX_DEPTH - 1)
    assert html_to_markdown(html) == "alpha\n\nbeta"


def test_structure_past_the_cap_is_flattened_with_words_kept_apart() -> None:
    html = "<div>" * _MAX_DEPTH + "<p>alpha</p><p>beta</p>gamma" + "</div>" * _MAX_DEPTH
    assert html_to_markdown(html) == "alpha beta gamma"


def test_text_after_a_flattened_region_is_back_in_the_tree() -> None:
    html = "<blockquote>" + "<div>" * (2 * _MAX_DEPTH) + "deep" + "</div>" * (2 * _MAX_DEPTH)
    html += "</blockquote><h2>After</h2><p>tail <b>bold</b></p>"
    assert html_to_markdown(html) == "> deep\n\n## After\n\ntail **bold**"


def test_code_flattened_past_the_cap_keeps_its_lines() -> None:
    html = "<pre>" + "<span>" * (2 * _MAX_DEPTH) + "line one<br>line two\n  indented</pre>"
    assert html_to_markdown(html) == "```\nline one\nline two\n  indented\n```"


# ------------------------------------------------------------------------ hostile input


def words_in_order(md: str, alphabet: str) -> str:
    return re.sub(f"[^{alphabet}]", "", md)


@pytest.mark.hostile
def test_unclosed_tags_with_siblings_at_every_level_keep_every_word() -> None:
    # n deep, three children a level: 12 s at this size before the cap (bs4 walked to
    # the root for every second child).
    n = 22_000
    html = "<x>a<br>b" * n + "<x><p>deepestword</p>"
    md = html_to_markdown(html)
    assert words_in_order(md, "ab") == "ab" * n
    assert md.endswith("deepestword")


@pytest.mark.hostile
@pytest.mark.parametrize(
    "unit",
    [
        "<p>word",  # unclosed paragraphs
        "<ul><li>word",  # unclosed lists (every level re-indents its lines)
        "<table><tr><td>word",  # unclosed tables
        "<blockquote>word<br>",  # unclosed quotes (every level prefixes its lines)
        "<b>word</b> <x>",  # inline siblings
        "<div>word</y>",  # stray end tags between
    ],
)
def test_deep_unclosed_block_markup_keeps_every_word_apart(unit: str) -> None:
    n = 200_000 // len(unit)
    md = html_to_markdown(unit * n)
    found = re.findall(r"[A-Za-z]+", md)
    assert found == ["word"] * n


@pytest.mark.hostile
def test_deep_nesting_that_closes_again_keeps_every_word() -> None:
    n = 20_000
    html = "<div>w" * n + "</div>" * n + "<p>after</p>"
    md = html_to_markdown(html)
    assert words_in_order(md, "w") == "w" * n
    assert md.endswith("after")


@pytest.mark.hostile
@pytest.mark.parametrize("offset", [-2, -1, 0, 1, 2, 50])
def test_dropped_elements_stay_hidden_around_the_cap(offset: int) -> None:
    depth = _MAX_DEPTH + offset
    hidden = (
        "<noscript><p>LEAK</p>LEAK<b>LEAK</b><div>LEAK</div>LEAK</noscript>"
        "<script>LEAK</script><style>LEAK{}</style>"
        "<div hidden>LEAK<p>LEAK</p><span>LEAK</span>LEAK</div>"
        "<svg><text>LEAK</text><g><text>LEAK</text></g></svg>"
        "<template><p>LEAK</p></template><select><option>LEAK</select>"
    )
    html = (
        "<span>" * depth
        + "before "
        + hidden
        + " after "
        + hidden
        + "<a href='javascript:x'>click</a>"
    )
    md = html_to_markdown(html)
    assert "LEAK" not in md
    assert re.findall(r"[a-z]+", md) == ["before", "after", "click"]
    assert "](" not in md


@pytest.mark.hostile
def test_many_void_tags_then_many_end_tags_convert() -> None:
    # bs4 scanned a list of every <br> so far on each end tag: 2.8 s for 20,000 of each.
    n = 20_000
    md = html_to_markdown("a<br>" * n + "</x>" * n)
    assert md.count("a") == n

"""The converter's plain-text paths (tui.core.convert.plain) and when they are taken.

These run only when something fails (markdownify out of stack, the parser rejecting
a document), so they are tested here directly, and through ``html_to_markdown`` with
the failure forced.
"""

from __future__ import annotations

import pytest

import tui.core.convert as convert
from tui.core.convert import html_to_markdown
from tui.core.convert.converter import SafeConverter
from tui.core.convert.plain import has_markup, stripped_markdown, tree_markdown
from tui.core.convert.tree import parse_html

ESCAPE = SafeConverter(None).escape
HTML = (
    "<div><p>First *para*</p><script>LEAK</script><video>LEAK</video>"
    "<p hidden>LEAK</p><ul><li>one</li><li>two</li></ul><p>1. not a list&amp;c\x1b[31m</p></div>"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", False),
        ("1 < 2 and 3 > 2", False),
        ("a <b>bold</b>", True),
        ("</p>", True),
        ("<!-- c -->", True),
        ("<?xml ?>", True),
    ],
)
def test_markup_starts_with_a_tag_like_angle_bracket(text: str, expected: bool) -> None:
    assert has_markup(text) is expected


def test_tree_fallback_keeps_blocks_apart_drops_hidden_text_and_escapes() -> None:
    md = tree_markdown(parse_html(HTML), ESCAPE)
    assert md.split("\n\n") == ["First \\*para\\*", "one", "two", "1\\. not a list\\&c"]


def test_stripped_fallback_removes_tags_and_escapes() -> None:
    md = stripped_markdown("<p>A *b*</p>\n\n<p>c &amp; d<br>e</p>", ESCAPE)
    assert md == "A \\*b\\*\n\nc \\& d e"


def test_a_markdownify_failure_falls_back_to_the_tree_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(self: SafeConverter, soup: object) -> str:
        raise RecursionError

    assert html_to_markdown(HTML).startswith("First \\*para\\*\n\n- one\n- two")
    monkeypatch.setattr(SafeConverter, "convert_soup", fail)
    assert html_to_markdown(HTML) == "First \\*para\\*\n\none\n\ntwo\n\n1\\. not a list\\&c"


def test_a_parser_failure_falls_back_to_the_stripped_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(html: str) -> object:
        raise ValueError("rejected")

    html = "<p>A <em>b</em> *c*</p>\n\n<p>d</p>"
    assert html_to_markdown(html) == "A *b* \\*c\\*\n\nd"  # converted
    monkeypatch.setattr(convert, "parse_html", fail)
    assert html_to_markdown(html) == "A b \\*c\\*\n\nd"  # the tags stripped

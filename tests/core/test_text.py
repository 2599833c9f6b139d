"""Cheap text helpers used for the search index and one-line display."""

from __future__ import annotations

from tui.core.text import clean_line, html_text


def test_clean_line_strips_controls_bidi_and_collapses_whitespace() -> None:
    assert clean_line("a\x1b]0;PWNED\x07 b\tc\n\u202ed\x9b") == "a]0;PWNED b c d"
    assert clean_line(None) == ""


def test_html_text_keeps_words_and_drops_non_content() -> None:
    html = "<p>zebra &amp; <b>lion</b></p><script>var x</script><style>p{}</style><svg>t</svg>end"
    assert html_text(html) == "zebra & lion end"
    assert html_text("<p>a</p><p>b</p>") == "a b"


def test_html_text_unclosed_block_hides_the_rest() -> None:
    assert html_text("shown <script>hidden forever") == "shown"


def test_html_text_is_linear_on_hostile_markup() -> None:
    # Thousands of unclosed tags: a backtracking regex takes seconds here.
    assert html_text("<script>" * 50_000) == ""
    assert html_text("<a" * 50_000 + ">x").endswith("x")

"""The article body without a widget: Markdown to styled blocks, blocks to lines.

``article_blocks`` and ``article_layout`` replace Textual's ``Markdown``
widget in the article pane (issue 15); these tests pin what the pane shows
and what quoting and copying take, without an app.
"""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Offset
from textual.selection import Selection

from tui.ui.widgets.article_blocks import build_blocks
from tui.ui.widgets.article_layout import Laid, lay_out
from tui.ui.widgets.article_text import ArticleText


def lines(md: str, width: int = 40, numbers: dict[str, int] | None = None) -> list[str]:
    return laid(md, width, numbers).content.plain.split("\n")


def laid(md: str, width: int = 40, numbers: dict[str, int] | None = None) -> Laid:
    return lay_out(build_blocks(md, numbers or {}), width)


def styles_of(content: Content, word: str) -> set[object]:
    """The styles of the spans that cover ``word`` in ``content``."""
    start = content.plain.index(word)
    end = start + len(word)
    return {s.style for s in content.spans if s.start <= start and s.end >= end}


def test_paragraphs_wrap_with_a_blank_line_between() -> None:
    md = "One two three four five six seven eight nine ten.\n\nSecond paragraph."
    assert lines(md, width=20) == [
        "One two three four",
        "five six seven eight",
        "nine ten.",
        "",
        "Second paragraph.",
    ]


def test_inline_styles_are_component_classes_and_text_is_never_markup() -> None:
    md = "Some *soft* and **hard** and `code` and ~~gone~~ and [b]literal[/b] [@click=app.quit]x"
    (block,) = build_blocks(md, {})
    text = block.text
    assert ".article-body--em" in styles_of(text, "soft")
    assert ".article-body--strong" in styles_of(text, "hard")
    assert ".article-body--code-inline" in styles_of(text, "code")
    assert ".article-body--strike" in styles_of(text, "gone")
    assert "[b]literal[/b] [@click=app.quit]x" in text.plain  # shown as written
    assert not styles_of(text, "literal")


def test_links_are_numbered_underlined_and_click_to_the_link_action() -> None:
    md = "See [the docs](https://example.org/docs) and ![a chart](https://example.org/c.png)."
    numbers = {"https://example.org/docs": 1, "https://example.org/c.png": 2}
    (block,) = build_blocks(md, numbers)
    assert block.text.plain == "See the docs[1] and 🖼  a chart[2]."
    (link,) = [s.style for s in block.text.spans if block.text.plain[s.start : s.end] == "the docs"]
    assert getattr(link, "underline", False)
    assert link.meta["@click"] == "link('https://example.org/docs')"  # type: ignore[union-attr]


def test_headings_take_their_level_style_and_h1_is_centred() -> None:
    blocks = build_blocks("# Top\n\n## Second\n\ntext", {})
    assert [b.kind for b in blocks] == ["h1", "h2", "p"]
    assert ".article-body--h2" in styles_of(blocks[1].text, "Second")
    first = lines("# Top", width=11)[0]
    assert first.strip() == "Top" and first.index("Top") == 4


def test_lists_have_bullets_by_depth_numbers_and_hanging_indents() -> None:
    md = "- one\n- two is a longer item that wraps\n  - nested\n- three\n\n3. c\n4. d\n"
    assert lines(md, width=24) == [
        "• one",
        "• two is a longer item",
        "  that wraps",
        "  ▪ nested",
        "• three",
        "",
        "3. c",
        "4. d",
    ]


def test_a_loose_list_keeps_blank_lines_between_items() -> None:
    assert lines("- one\n\n- two\n") == ["• one", "", "• two"]


def test_quotes_have_a_bar_on_every_line_and_a_shaded_background() -> None:
    md = "> quoted text that is long enough to wrap\n>\n> second para\n\nafter"
    got = laid(md, width=24)
    assert got.content.plain.split("\n") == [
        "▌ quoted text that is   ",
        "▌ long enough to wrap   ",
        "▌                       ",
        "▌ second para           ",
        "",
        "after",
    ]
    first_line = got.content.split("\n")[0]
    assert any(s.style == ".article-body--quote" for s in first_line.spans)


def test_code_blocks_are_indented_padded_and_folded_never_reflowed() -> None:
    md = "```\nshort\nx = 'a very long line of code that does not fit'\n```\n"
    got = lines(md, width=24)
    assert got[0].strip() == "" and got[-1].strip() == ""  # a blank line above and below
    assert got[1] == "  short".ljust(24)
    assert got[2] == "  x = 'a very long line ".ljust(24)  # cut where the edge is
    assert got[3] == "  of code that does not ".ljust(24)
    assert all(len(line) == 24 for line in got)  # the background reaches the edge


def test_tables_align_columns_under_a_rule_and_shrink_to_fit() -> None:
    md = "| a | column b |\n|---|---|\n| 1 | two |\n"
    assert lines(md) == ["a │ column b", "──┼─────────", "1 │ two"]
    wide = "| h | words |\n|---|---|\n| x | " + "word " * 20 + "|\n"
    assert all(len(line) <= 30 for line in lines(wide, width=30))
    assert "word word" in "\n".join(lines(wide, width=30))


def test_a_rule_spans_the_width() -> None:
    assert lines("above\n\n---\n\nbelow", width=10) == ["above", "", "─" * 10, "", "below"]


def test_units_are_top_level_blocks_and_top_level_list_items() -> None:
    md = "Para\n\n- a\n  - a.1\n- b\n\n> q1\n>\n> q2\n"
    blocks = build_blocks(md, {})
    units = [(b.kind, b.unit) for b in blocks]
    assert units == [("p", 0), ("p", 1), ("p", 1), ("p", 2), ("p", 3), ("p", 3)]
    lines_of = md.splitlines(keepends=True)
    assert "".join(lines_of[slice(*blocks[1].source)]) == "- a\n  - a.1\n"


def test_searched_words_are_highlighted_in_every_kind_of_block() -> None:
    md = "# Zorb news\n\nThe zorb.\n\n- a zorb\n\n| zorb |\n|---|\n| x |\n"
    blocks = build_blocks(md, {}, terms=("zorb",))
    assert ".article-body--match" in styles_of(blocks[0].text, "Zorb")
    assert ".article-body--match" in styles_of(blocks[1].text, "zorb")
    assert ".article-body--match" in styles_of(blocks[2].text, "zorb")
    table = blocks[3].table
    assert table is not None and ".article-body--match" in styles_of(table.rows[0][0], "zorb")


def test_copying_leaves_decorations_out_and_joins_wrapped_lines() -> None:
    md = "- first item that wraps over\n- second\n\n> a quote line\n\nhard  \nbreak"
    got = laid(md, width=16)
    assert got.plain(0, got.height - 1) == (
        "first item that wraps over\nsecond\n\na quote line\n\nhard\nbreak"
    )
    assert got.content.plain.split("\n")[:2] == ["• first item", "  that wraps"]
    text = ArticleText(build_blocks(md, {}), got)
    selection = Selection(Offset(0, 0), Offset(12, 1))  # from the bullet to "wraps"
    assert text.get_selection(selection) == ("first item that wraps", "\n")


def test_narrow_widths_and_empty_bodies_do_not_break() -> None:
    md = "- > deeply\n  > - nested *quote* with `code`\n"
    for width in (0, 1, 5, 12):
        assert laid(md, width).height > 0
    assert build_blocks("", {}) == [] and lay_out([], 40).height == 0

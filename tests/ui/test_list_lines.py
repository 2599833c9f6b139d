"""The article list keeps the lines it drew: a key draws only the rows that changed (issue 15).

Counted, not timed: ``_row`` builds a row's text, so the calls to it are
the rows drawn again.  A line kept must never show stale state: the cursor,
a changed article, the focus (the cursor's colour) and the width each draw
it again.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from textual.strip import Strip

from tui.ui.widgets.article_lines import DrawnLines
from tui.ui.widgets.article_list import ArticleList

SIZE = (100, 16)


def count_rows(lst: ArticleList) -> list[int]:
    """Calls to ``lst._row`` from now on (one per row built)."""
    built: list[int] = []
    row = lst._row

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(1)
        return row(*args, **kwargs)

    lst._row = counting  # type: ignore[method-assign]
    return built


def styles(strip: Strip) -> set[str]:
    return {str(seg.style) for seg in strip if isinstance(seg, Segment) and seg.style}


async def test_scrolling_one_row_draws_only_the_rows_that_changed(make_app: Any, ui: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(pilot)
        lst = app.main.article_list
        lst.focus()
        height = lst.scrollable_content_region.height
        assert lst.count > height + 3
        for _ in range(height + 1):  # past the bottom: the list scrolls
            await pilot.press("j")
        await pilot.pause()
        assert round(lst.scroll_y) == 2
        built = count_rows(lst)
        await pilot.press("j")
        await pilot.pause()
        assert round(lst.scroll_y) == 3
        # The row that came into view (the cursor's) and the row it left.
        assert 1 <= len(built) <= 2


async def test_a_kept_line_is_drawn_again_when_what_it_shows_changes(
    make_app: Any, ui: Any
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(pilot)
        lst = app.main.article_list
        lst.focus()
        await pilot.pause()
        focused = lst.render_line(0)
        assert lst.render_line(0) is focused  # nothing changed: the same line
        app.main.query_one("#feeds").focus()  # the cursor's colour when blurred
        await pilot.pause()
        blurred = lst.render_line(0)
        assert styles(blurred) != styles(focused)
        lst.focus()
        await pilot.pause()
        await pilot.press("m")  # read: the row's record changes, its dot goes
        await pilot.pause()
        assert lst.current is not None and lst.current.read
        marked = lst.render_line(0)
        assert marked.text != focused.text and "●" not in marked.text[:2]
        await pilot.press("j")  # the cursor leaves the row
        await pilot.pause()
        assert styles(lst.render_line(0)) != styles(marked)
        await pilot.resize_terminal(120, 16)
        await pilot.pause()
        assert lst.render_line(0).cell_length == lst.scrollable_content_region.width


def as_drawn(lst: ArticleList, height: int) -> list[tuple[str, set[str]]]:
    """The rows on screen as the list draws them now: (text, styles) of each."""
    return [(line.text, styles(line)) for line in map(lst.render_line, range(height))]


def as_drawn_fresh(lst: ArticleList, height: int) -> list[tuple[str, set[str]]]:
    """The rows on screen drawn from nothing (the lines kept are put back after)."""
    kept, lst._drawn = lst._drawn, DrawnLines()
    try:
        return as_drawn(lst, height)
    finally:
        lst._drawn = kept


async def test_opening_and_going_back_redraw_only_the_rows_that_changed(
    make_app: Any, ui: Any
) -> None:
    """The list narrows and loses the focus when an article opens, and gets both
    back with Escape: the lines of both looks and widths are kept (issue 15)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:  # medium: reading narrows the list
        await ui.settle(pilot)
        lst = app.main.article_list
        lst.focus()
        await ui.read_down(pilot, 1)  # both looks drawn once
        browsing = lst.scrollable_content_region.width
        height = lst.scrollable_content_region.height
        built = count_rows(lst)
        await pilot.press("enter")
        await ui.settle(pilot)
        await ui.wait_for(pilot, lambda: not app.main.pane.loading_body)
        assert lst.scrollable_content_region.width < browsing and not lst.has_focus
        # The row opened (marked read) and the row the cursor came from, at most.
        assert len(built) <= 2 < height
        assert as_drawn(lst, height) == as_drawn_fresh(lst, height)
        del built[:]
        await pilot.press("escape")
        await ui.settle(pilot)
        assert lst.scrollable_content_region.width == browsing and lst.has_focus
        assert len(built) <= 2
        assert as_drawn(lst, height) == as_drawn_fresh(lst, height)
        del built[:]
        await pilot.press("enter")
        await ui.settle(pilot)
        await pilot.press("escape")
        await ui.settle(pilot)
        assert built == []  # the same article again: every line was kept
        assert as_drawn(lst, height) == as_drawn_fresh(lst, height)


async def test_a_new_theme_draws_every_line_again(make_app: Any, ui: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(pilot)
        lst = app.main.article_list
        lst.focus()
        await pilot.pause()
        before = lst.render_line(0)
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        after = lst.render_line(0)
        assert styles(after) != styles(before)
        assert as_drawn(lst, 1) == as_drawn_fresh(lst, 1)

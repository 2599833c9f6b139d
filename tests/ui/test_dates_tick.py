"""The article list's relative dates ("5m", "3h") stay right while the app is open.

The clock is injected and moved by hand; the list's date timer is either
driven directly (``ArticleList.tick_dates``) or given a short interval.
What is checked is the *painted* text: the lines the widget hands to the
compositor (``render_lines``, through Textual's line cache), not a fresh
call of the row builder, so a list that computes the right date but never
repaints it fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from textual.geometry import Region

from tui.core.library import Library
from tui.core.models import View
from tui.ui.app import GazetteApp
from tui.ui.widgets import article_rows
from tui.ui.widgets.article_list import ArticleList, relative_date

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

WIDE = (160, 45)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def painted(lst: ArticleList) -> list[str]:
    """The list's lines as painted (from the widget's line cache where it is clean)."""
    width, height = lst.size
    return [strip.text.rstrip() for strip in lst.render_lines(Region(0, 0, width, height))]


def newest_published(library: Library) -> int:
    return library.articles(View(), limit=1, offset=0, newest_first=True)[0].published


@pytest.fixture
def sql_log(library: Library) -> Iterator[list[str]]:
    """Every SQL statement the UI thread's connection runs while the test watches."""
    log: list[str] = []
    conn = library.store.conn
    conn.set_trace_callback(log.append)
    yield log
    conn.set_trace_callback(None)


def make(library: Library, clock: Clock) -> GazetteApp:
    return GazetteApp(library, clock=clock, auto_refresh_every=0)


async def test_date_repaints_when_the_timer_ticks(library: Library) -> None:
    clock = Clock(newest_published(library) + 5 * 60 + 1)
    app = make(library, clock)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        lst = app.main.article_list
        assert painted(lst)[0].endswith(" 5m")

        clock.now += 3600  # an hour later, no key pressed
        await pilot.pause()
        assert painted(lst)[0].endswith(" 5m")  # stale until the timer runs

        assert lst.tick_dates() >= 1  # what the interval timer calls
        await pilot.pause()
        assert painted(lst)[0].endswith(" 1h")
        # Every visible row shows the date for the new time, not just the first.
        rows = [lst.article_at(i) for i in range(len(painted(lst)))]
        for line, article in zip(painted(lst), rows, strict=True):
            if article is not None:
                assert line.endswith(" " + relative_date(article.published, clock.now))


async def test_the_interval_timer_repaints_by_itself(
    library: Library, monkeypatch: pytest.MonkeyPatch, ui: Helpers
) -> None:
    monkeypatch.setattr(article_rows, "DATES_EVERY", 0.02)
    clock = Clock(newest_published(library) + 5 * 60 + 1)
    app = make(library, clock)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        lst = app.main.article_list
        assert painted(lst)[0].endswith(" 5m")
        clock.now += 2 * 86400
        await ui.wait_for(pilot, lambda: painted(lst)[0].endswith(" 2d"), timeout=5)


async def test_nothing_to_change_means_no_sql_and_no_repaint(
    library: Library, sql_log: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(newest_published(library) + 3 * 3600 + 60)  # "3h", far from "4h"
    app = make(library, clock)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        lst = app.main.article_list
        before = painted(lst)
        visible = [lst.article_at(i) for i in range(len(before))]
        shown = [a.published for a in visible if a is not None]
        later = clock.now + 60
        # Precondition: a minute later no visible date reads differently.
        assert all(relative_date(p, clock.now) == relative_date(p, later) for p in shown)

        renders: list[int] = []
        real_render_line = lst.render_line

        def counting_render_line(y: int) -> Any:
            renders.append(y)
            return real_render_line(y)

        monkeypatch.setattr(lst, "render_line", counting_render_line)
        sql_log.clear()
        clock.now = later
        assert lst.tick_dates() == 0
        await pilot.pause()
        assert sql_log == []
        assert renders == []
        assert painted(lst) == before


async def test_only_rows_whose_date_changed_repaint_without_sql(
    library: Library, sql_log: list[str]
) -> None:
    clock = Clock(newest_published(library) + 5 * 60 + 1)
    app = make(library, clock)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        lst = app.main.article_list
        before = painted(lst)
        visible = [lst.article_at(i) for i in range(len(before))]
        later = clock.now + 60
        changed = [
            i
            for i, a in enumerate(visible)
            if a is not None
            and relative_date(a.published, clock.now) != relative_date(a.published, later)
        ]
        assert 0 in changed  # "5m" -> "6m"

        sql_log.clear()
        clock.now = later
        assert lst.tick_dates() == len(changed)
        await pilot.pause()
        after = painted(lst)
        assert sql_log == []  # the visible pages are cached: no query
        assert after[0].endswith(" 6m")
        assert [i for i in range(len(after)) if after[i] != before[i]] == changed


async def test_rows_scrolled_away_are_forgotten(library: Library) -> None:
    oldest = library.articles(View(), limit=1, offset=0, newest_first=False)[0].published
    clock = Clock(oldest + 5 * 60 + 1)  # the last row (the oldest article) reads "5m"
    app = make(library, clock)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        lst = app.main.article_list
        height = lst.scrollable_content_region.height
        assert lst.count > 2 * height  # enough rows to scroll a screen away
        await pilot.press("end")
        await pilot.pause()
        top = round(lst.scroll_y)
        assert painted(lst)[lst.count - 1 - top].endswith(" 5m")
        clock.now += 3600
        assert lst.tick_dates() >= 1
        # Only rows on screen are remembered (the first screen's were dropped).
        assert lst._painted_dates
        assert all(top <= i < top + height for i in lst._painted_dates)
        await pilot.pause()
        assert painted(lst)[lst.count - 1 - top].endswith(" 1h")


async def test_list_hidden_while_reading_shows_fresh_dates_when_back(library: Library) -> None:
    """The timer skips a hidden list; Textual repaints it when it is shown again."""
    clock = Clock(newest_published(library) + 5 * 60 + 1)
    app = make(library, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        m = app.main
        lst = m.article_list
        assert painted(lst)[0].endswith(" 5m")
        await pilot.press("l")  # narrow: the article takes the screen, the list hides
        await pilot.pause()
        assert m.reading
        clock.now += 3600
        lst.tick_dates()  # nothing visible: nothing to do
        await pilot.press("escape")
        await pilot.pause()
        assert not m.reading
        assert painted(lst)[0].endswith(" 1h")

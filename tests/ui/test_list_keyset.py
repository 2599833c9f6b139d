"""The article list reads its pages by keyset from the nearest known place (issue 15).

``PAGE`` is made 5 so that the fixture views span many pages and the list
holds only some of them (``MAX_PAGES``).  Every page read the list makes is
logged: moving through the list, ``G``, and coming back must read pages
after, before or from the end of a known place, never by skipping rows
(an ``OFFSET`` walks every row above), and the rows must be the same as the
view's full list, rows that left the view included, in their places.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from typing_extensions import override

from tui.core.library import Library
from tui.core.models import Article, View
from tui.ui.app import GazetteApp
from tui.ui.widgets import article_pages
from tui.ui.widgets.article_list import ArticleList

#: A few rows on screen: the pages drawn at once fit in MAX_PAGES, as they do with PAGE = 200.
SIZE = (100, 12)
MAIN_THREAD = threading.main_thread().name


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(article_pages, "PAGE", 5)


class PageLog(Library):
    """Logs how each page read starts; positions wait on a gate when armed."""

    def __init__(self, path: Path, **kwargs: Any) -> None:
        super().__init__(path, **kwargs)
        self.reads: list[dict[str, Any]] = []
        self.position_gate: threading.Event | None = None
        self.waiting = threading.Event()

    @override
    def articles(
        self,
        view: View = View(),
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = True,
        after: tuple[int, float] | None = None,
        before: tuple[int, float] | None = None,
        from_end: bool = False,
    ) -> list[Article]:
        self.reads.append(
            {
                "offset": offset,
                "after": after,
                "before": before,
                "end": from_end,
                "thread": threading.current_thread().name,
            }
        )
        return super().articles(
            view,
            limit=limit,
            offset=offset,
            newest_first=newest_first,
            after=after,
            before=before,
            from_end=from_end,
        )

    @override
    def article_position(
        self, view: View, article_id: int, *, newest_first: bool = True
    ) -> int | None:
        if self.position_gate is not None:
            self.waiting.set()
            assert self.position_gate.wait(20), "the test never opened the gate"
        return super().article_position(view, article_id, newest_first=newest_first)


def rows(lst: ArticleList) -> list[Article]:
    """Every row of the list as it reads them (pages read again as needed)."""
    out = []
    for i in range(lst.count):
        article = lst.article_at(i)
        assert article is not None
        out.append(article)
    return out


async def test_moving_through_the_list_reads_every_page_by_keyset(db_path: Path, ui: Any) -> None:
    lib = PageLog(db_path, clock=ui.clock)
    full = [a.id for a in lib.articles(View())]
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ui.settle(pilot)
            lst = app.main.article_list
            assert lst.count == len(full) > 8 * article_pages.PAGE
            lst.focus()
            lib.reads.clear()
            await pilot.press("G")
            await ui.settle(pilot)
            assert lst.current is not None and lst.current.id == full[-1]
            assert lib.reads[0]["end"]  # the last page, read from the end
            for _ in range(12):
                await pilot.press("pageup")
            await pilot.press("g")
            await ui.settle(pilot)
            assert lst.current is not None and lst.current.id == full[0]
            assert [a.id for a in rows(lst)] == full
            # Read by keyset, or a few rows from the end (the screen's top page after G).
            height = lst.scrollable_content_region.height
            assert lib.reads and all(read["offset"] < height for read in lib.reads)
            assert sum(
                read["after"] is not None or read["before"] is not None for read in lib.reads
            )
    finally:
        lib.close()


async def test_rows_that_left_the_view_keep_their_places_in_pages_read_again(
    db_path: Path, ui: Any
) -> None:
    lib = PageLog(db_path, clock=ui.clock)
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ui.settle(pilot)
            lst = app.main.article_list
            lst.show(View(unread=True))
            await ui.settle(pilot)
            shown = [a.id for a in rows(lst)]
            assert len(shown) > 8 * article_pages.PAGE
            lst.focus()
            for _ in range(4):  # read some rows: they stay where they are
                await pilot.press("m", "j", "j", "j", "j", "j", "j", "j")
                await ui.settle(pilot)
            assert lst.gone_rows
            lib.reads.clear()
            await pilot.press("G")  # far away: the held pages go
            await ui.settle(pilot)
            await pilot.press("g")
            await ui.settle(pilot)
            again = rows(lst)
            assert [a.id for a in again] == shown
            assert {i for i, a in enumerate(again) if a.read} == set(lst.gone_rows)
            height = lst.scrollable_content_region.height
            assert lib.reads and all(read["offset"] < height for read in lib.reads)
    finally:
        lib.close()


async def test_a_reload_deep_in_the_list_reads_the_kept_rows_page_by_keyset(
    db_path: Path, ui: Any
) -> None:
    lib = PageLog(db_path, clock=ui.clock)
    full = [a.id for a in lib.articles(View())]
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ui.settle(pilot)
            lst = app.main.article_list
            lst.move_to(len(full) - 12)  # deep, off the pages either end holds
            await ui.settle(pilot)
            kept = lst.current
            assert kept is not None
            lib.position_gate = threading.Event()
            lst.reload(keep=kept)
            await ui.wait_for(pilot, lib.waiting.is_set)
            lib.reads.clear()
            lib.position_gate.set()
            await ui.settle(pilot)
            assert lst.current is not None and lst.current.id == kept.id
            assert lst.cursor == len(full) - 12
            # The pages drawn at once, read from the kept row's edges: upwards and
            # downwards, the screen's top page a few rows above them.
            drawn = [read for read in lib.reads if read["thread"] == MAIN_THREAD]
            height = lst.scrollable_content_region.height
            assert drawn and all(read["offset"] < height for read in drawn)
            assert any(read["before"] is not None for read in drawn)
            assert [a.id for a in rows(lst)] == full
    finally:
        lib.close()


async def test_a_key_pressed_while_a_reload_finds_its_article_is_not_undone(
    db_path: Path, ui: Any
) -> None:
    """The reload's late answer keeps the rows the keys moved (it used to put the
    cursor back on the article it kept: Enter then opened the one before)."""
    lib = PageLog(db_path, clock=ui.clock)
    full = [a.id for a in lib.articles(View())]
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ui.settle(pilot)
            lst = app.main.article_list
            lst.focus()
            lst.move_to(3)
            await ui.settle(pilot)
            kept = lst.current
            assert kept is not None and kept.id == full[3]
            lib.position_gate = threading.Event()
            lst.reload(keep=kept)
            await ui.wait_for(pilot, lib.waiting.is_set)
            await pilot.press("down", "down")  # before the lane says where the article is
            lib.position_gate.set()
            await ui.settle(pilot)
            assert lst.current is not None and lst.current.id == full[5]
    finally:
        lib.close()

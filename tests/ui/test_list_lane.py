"""The article list's one-off Library calls run in the lane; page reads are read ahead.

The fixture views are small, so ``PAGE`` is made 5 here: a view of more
than five articles then needs the COUNT, and has pages beside the first to
read ahead.  Calls wait on a ``threading.Event`` where the test needs to
see the list before their answer.
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

SIZE = (160, 45)
MAIN_THREAD = threading.main_thread().name

# These tests hold the counts back themselves (see conftest.reader_ready).
pytestmark = pytest.mark.before_counts


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(article_pages, "PAGE", 5)


class ListLibrary(Library):
    """Counts of All and positions wait on their gates when armed; page reads are logged."""

    def __init__(self, path: Path, **kwargs: Any) -> None:
        super().__init__(path, **kwargs)
        self.count_gate: threading.Event | None = None
        self.position_gate: threading.Event | None = None
        self.waiting = threading.Event()
        self.count_threads: list[str] = []
        self.page_threads: list[str] = []

    @override
    def count_articles(self, view: View = View()) -> int:
        if view == View():
            self.count_threads.append(threading.current_thread().name)
            if self.count_gate is not None:
                self.waiting.set()
                assert self.count_gate.wait(20), "the test never opened the gate"
        return super().count_articles(view)

    @override
    def article_position(
        self, view: View, article_id: int, *, newest_first: bool = True
    ) -> int | None:
        if self.position_gate is not None:
            self.waiting.set()
            assert self.position_gate.wait(20), "the test never opened the gate"
        return super().article_position(view, article_id, newest_first=newest_first)

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
        self.page_threads.append(threading.current_thread().name)
        return super().articles(
            view,
            limit=limit,
            offset=offset,
            newest_first=newest_first,
            after=after,
            before=before,
            from_end=from_end,
        )


async def test_the_count_of_a_large_view_comes_from_the_lane(db_path: Path, ui: Any) -> None:
    lib = ListLibrary(db_path, clock=ui.clock)
    total = lib.count_articles(View())
    lib.count_threads.clear()
    assert total > 5
    lib.count_gate = threading.Event()
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            m = app.main
            await ui.wait_for(pilot, lib.waiting.is_set)
            lst = m.article_list
            assert lst.counting and lst.count == 5  # the first page, drawn at once
            assert m.list_header.text == "All · 5 · newest first"
            await pilot.press("j")  # the list takes keys while the COUNT waits
            assert lst.cursor == 1
            lib.count_gate.set()
            await ui.settle(pilot)
            assert not lst.counting and lst.count == total
            assert m.list_header.text == f"All · {total} · newest first"
            assert f"{total} here" in m.status.plain
            assert MAIN_THREAD not in lib.count_threads
    finally:
        lib.close()


async def test_a_count_for_a_view_no_longer_shown_is_dropped(db_path: Path, ui: Any) -> None:
    lib = ListLibrary(db_path, clock=ui.clock)
    lib.count_gate = threading.Event()
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            m = app.main
            await ui.wait_for(pilot, lib.waiting.is_set)
            await ui.wait_for(pilot, lambda: bool(m.feeds))  # counted before the list's COUNT
            feed = min(m.feeds.values(), key=lambda f: f.total)
            lst = m.article_list
            lst.show(View(feed_id=feed.id))
            lib.count_gate.set()  # All's COUNT answers now, for a view no longer shown
            await ui.settle(pilot)
            assert lst.view == View(feed_id=feed.id)
            assert lst.count == feed.total < lib.count_articles(View())
    finally:
        lib.close()


async def test_a_reload_keeps_the_cursors_article_once_the_lane_answers(
    db_path: Path, ui: Any
) -> None:
    lib = ListLibrary(db_path, clock=ui.clock)
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            m = app.main
            await ui.settle(pilot)
            lst = m.article_list
            await pilot.press("j", "j")
            kept = lst.current
            assert kept is not None and lst.cursor == 2
            lib.position_gate = threading.Event()
            await pilot.press("O")  # oldest first: the same article, elsewhere
            await ui.wait_for(pilot, lib.waiting.is_set)
            assert lst.cursor == 2  # stays on its row number until the answer
            lib.position_gate.set()
            await ui.settle(pilot)
            assert lst.current is not None and lst.current.id == kept.id
            assert lst.cursor == lst.count - 3
    finally:
        lib.close()


async def test_the_pages_beside_the_drawn_one_are_read_ahead_in_the_lane(
    db_path: Path, ui: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pages taller than the screen, as PAGE (200) is: a page down never skips a page.
    monkeypatch.setattr(article_pages, "PAGE", 12)
    lib = ListLibrary(db_path, clock=ui.clock)
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=(100, 12)) as pilot:  # a few rows on screen
            m = app.main
            await ui.settle(pilot)
            lst = m.article_list
            assert lst.count > 48 and lst.scrollable_content_region.height <= 10
            lib.page_threads.clear()
            for _ in range(5):  # scroll down page after page, as a reader does
                await pilot.press("pagedown")
                await ui.settle(pilot)
            assert lst.cursor > 30 and lst.current is not None
            assert MAIN_THREAD not in lib.page_threads  # no page read on the UI thread
            assert lib.page_threads  # but read (ahead), in the lane
    finally:
        lib.close()

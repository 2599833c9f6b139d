"""The reader's Library calls run off the UI thread, in order; counts are reactive state.

A Library whose write waits on a ``threading.Event`` shows that the UI keeps
taking keys while the write runs, that the row changes at once, and that
the database changes only when the write is let go; two quick presses land
in the order they were made.  A write that fails puts the row back and says
so on the status line.  Setting the screen's counts or header once redraws
every widget that shows them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from typing_extensions import override

from tui.core.library import Library
from tui.core.models import StateChange
from tui.ui.app import GazetteApp
from tui.ui.screens.main import MainScreen
from tui.ui.state import Counts, ListHeader

WIDE = (160, 45)


class GatedLibrary(Library):
    """A Library whose ``set_read`` waits until the test opens the gate."""

    def __init__(self, path: Path, **kwargs: Any) -> None:
        super().__init__(path, **kwargs)
        self.gate = threading.Event()
        self.writing = threading.Event()
        self.threads: list[str] = []

    @override
    def set_read(self, ids: Iterable[int], read: bool = True) -> StateChange:
        self.threads.append(threading.current_thread().name)
        self.writing.set()
        assert self.gate.wait(20), "the test never opened the gate"
        return super().set_read(ids, read)


class FailingLibrary(Library):
    """Starring fails as a full disk would (once the gate opens); marking read
    finds the article gone."""

    def __init__(self, path: Path, **kwargs: Any) -> None:
        super().__init__(path, **kwargs)
        self.gate = threading.Event()

    @override
    def set_starred(self, ids: Iterable[int], starred: bool = True) -> StateChange:
        assert self.gate.wait(20), "the test never opened the gate"
        raise OSError("database or disk is full")

    @override
    def set_read(self, ids: Iterable[int], read: bool = True) -> StateChange:
        return StateChange((), (), tuple(ids))  # removed by the CLI meanwhile


def read_flag(ui: Any, article_id: int) -> int:
    return int(ui.sql("SELECT read FROM articles WHERE id = ?", article_id)[0][0])


async def test_a_slow_write_leaves_the_ui_responsive_and_the_row_changed_at_once(
    db_path: Path, ui: Any
) -> None:
    lib = GatedLibrary(db_path, clock=ui.clock)
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=WIDE) as pilot:
            m: MainScreen = app.main
            await ui.settle(pilot)
            lst = m.article_list
            top = lst.current
            assert top is not None and not top.read
            unread = m.counts["unread"]
            await pilot.press("m")
            await ui.wait_for(pilot, lib.writing.is_set)
            assert lib.threads != [threading.main_thread().name]
            row = lst.article_at(0)
            assert row is not None and row.read  # shown before it is stored
            assert read_flag(ui, top.id) == 0
            await pilot.press("j")  # the UI still takes keys while the write waits
            assert lst.cursor == 1
            assert m.counts["unread"] == unread  # counts follow the write, not the key
            lib.gate.set()
            await ui.settle(pilot)
            assert read_flag(ui, top.id) == 1
            assert m.counts["unread"] == unread - 1
            assert f"{unread - 1} unread" in m.status.plain
            assert next(s for s in m.feed_list.sources() if s.key == "smart:unread").unread == (
                unread - 1
            )
            assert m.watch_database() is False  # the app's own write is no outside change
    finally:
        lib.close()


async def test_two_quick_presses_land_in_order(db_path: Path, ui: Any) -> None:
    lib = GatedLibrary(db_path, clock=ui.clock)
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=WIDE) as pilot:
            m: MainScreen = app.main
            await ui.settle(pilot)
            top = m.article_list.current
            assert top is not None and not top.read
            await pilot.press("m", "m")  # read, then unread again
            await ui.wait_for(pilot, lib.writing.is_set)
            row = m.article_list.article_at(0)
            assert row is not None and not row.read
            lib.gate.set()
            await ui.settle(pilot)
            assert len(lib.threads) == 2
            assert read_flag(ui, top.id) == 0
            row = m.article_list.article_at(0)
            assert row is not None and not row.read
    finally:
        lib.close()


async def test_a_failed_write_puts_the_row_back_with_one_status_line(
    db_path: Path, ui: Any
) -> None:
    lib = FailingLibrary(db_path, clock=ui.clock)
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=WIDE) as pilot:
            m: MainScreen = app.main
            await ui.settle(pilot)
            lst = m.article_list
            top = lst.current
            assert top is not None and not top.starred and not top.read
            await pilot.press("s")
            row = lst.article_at(0)
            assert row is not None and row.starred  # at once
            lib.gate.set()
            await ui.settle(pilot)
            row = lst.article_at(0)
            assert row is not None and not row.starred  # put back
            assert "Not saved: database or disk is full" in m.status.plain
            await pilot.press("m")
            await ui.settle(pilot)
            row = lst.article_at(0)
            assert row is not None and not row.read
            assert "Not saved: the article is gone" in m.status.plain
            assert not app.screen_stack[1:]  # a status line, not a dialog
    finally:
        lib.close()


async def test_counts_and_header_are_state_every_widget_follows(make_app: Any, ui: Any) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m: MainScreen = app.main
        await ui.settle(pilot)
        feed = next(iter(m.feeds.values()))
        smart = dict(m.counts, unread=777)
        m.tally = m.tally.with_feed(replace(feed, unread=55), smart)
        await pilot.pause()
        sources = {s.key: s for s in m.feed_list.sources()}
        assert sources["smart:unread"].unread == 777
        assert sources[f"feed:{feed.id}"].unread == 55
        assert "777 unread" in m.status.plain
        m.list_header = ListHeader("Elsewhere", 3, "oldest first", "HTTP 500")
        await pilot.pause()
        assert str(m.query_one("#list-title").render()) == "Elsewhere · 3 · oldest first"
        banner = m.query_one("#feed-error")
        assert banner.display and "HTTP 500" in str(banner.render())
        assert m.status.plain.startswith("3 here")


async def test_a_mark_read_moves_the_feed_list_header_and_status_together(
    make_app: Any, library: Library, ui: Any
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m: MainScreen = app.main
        await ui.settle(pilot)
        top = m.article_list.current
        assert top is not None and not top.read
        m.feed_list.select_key(f"feed:{top.feed_id}")
        await ui.settle(pilot)
        before = m.tally
        feed_unread = before.feeds[top.feed_id].unread
        await pilot.press("A")  # the whole feed read
        await ui.settle(pilot)
        assert m.tally is not before
        assert m.feeds[top.feed_id].unread == 0
        source = next(s for s in m.feed_list.sources() if s.key == f"feed:{top.feed_id}")
        assert source.unread == 0
        assert m.source is not None and m.source.unread == 0
        unread = before.smart["unread"] - feed_unread
        assert f"{unread} unread" in m.status.plain
        assert m.counts["unread"] == library.smart_counts()["unread"] == unread


def test_counts_are_empty_until_read() -> None:
    assert not Counts().loaded and Counts().smart == {}

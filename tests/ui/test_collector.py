"""The garbage collector's settings for the app (issue 15, ``tui/ui/collector.py``)."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

from tui.ui import collector
from tui.ui.collector import Collector

if TYPE_CHECKING:
    from ui.conftest import Helpers


def test_settle_freezes_and_widens_the_young_generation_until_restored() -> None:
    before = gc.get_threshold()
    c = Collector()
    try:
        c.settle()
        assert c.settled
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (max(before[0], collector.YOUNG), before[1], before[2])
        c.settle()  # twice is once
        assert gc.get_threshold()[0] == max(before[0], collector.YOUNG)
    finally:
        c.restore()
    assert not c.settled
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


async def test_the_app_settles_after_start_and_restores_on_exit(make_app: Any, ui: Helpers) -> None:
    before = gc.get_threshold()
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ui.wait_for(pilot, lambda: app.collector.settled, timeout=collector.SETTLE_AFTER + 10)
        assert gc.get_threshold()[0] == max(before[0], collector.YOUNG)
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_idle_collects_the_middle_generation_only_when_it_is_nearly_due() -> None:
    """``idle`` (after an opened article painted) does the middle generation's
    collection ahead of the interpreter, when it is at most ``MIDDLE_AHEAD``
    young collections away, and nothing otherwise (or before ``settle``)."""
    c = Collector()
    gc.collect()
    c.idle()  # not settled: nothing
    assert gc.get_count()[1] == 0
    try:
        c.settle()
        middle = gc.get_threshold()[1]
        gc.collect(0)  # one young collection: the middle generation is far from due
        assert gc.get_count()[1] == 1
        c.idle()
        assert gc.get_count()[1] == 1
        for _ in range(middle - collector.MIDDLE_AHEAD - 1):
            gc.collect(0)
        assert gc.get_count()[1] == middle - collector.MIDDLE_AHEAD
        old_count = gc.get_count()[2]
        c.idle()
        assert gc.get_count()[1] == 0 and gc.get_count()[2] == old_count + 1
    finally:
        c.restore()


def test_idle_collects_everything_when_a_full_collection_is_due() -> None:
    c = Collector()
    try:
        c.settle()
        _young, middle, old = gc.get_threshold()
        for _ in range(old):
            gc.collect(1)
        for _ in range(middle):
            gc.collect(0)
        assert gc.get_count()[2] >= old
        c.idle()
        assert gc.get_count()[1:] == (0, 0)
    finally:
        c.restore()


async def test_an_opened_article_that_painted_collects_when_idle(
    make_app: Any, ui: Helpers, monkeypatch: Any
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ui.settle(pilot)
        idle: list[bool] = []
        monkeypatch.setattr(app.collector, "idle", lambda: idle.append(True))
        await pilot.press("enter")
        await ui.settle(pilot)
        await ui.wait_for(pilot, lambda: bool(idle))
        assert app.main.pane.article is not None


def test_pause_stops_automatic_collection_until_resume_or_restore() -> None:
    """While an article opens the collector waits (``pause``); nothing is
    paused before ``settle``, and ``restore`` never leaves it off."""
    c = Collector()
    c.pause()  # not settled: nothing
    assert gc.isenabled()
    try:
        c.settle()
        c.pause()
        assert not gc.isenabled()
        c.pause()  # twice is once
        c.resume()
        assert gc.isenabled()
        c.resume()  # nothing paused: nothing happens
        assert gc.isenabled()
        c.pause()
    finally:
        c.restore()
    assert gc.isenabled()


async def test_an_open_pauses_the_collector_until_its_first_frame(
    make_app: Any, ui: Helpers
) -> None:
    app = make_app()
    paused: list[bool] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await ui.wait_for(pilot, lambda: app.collector.settled, timeout=collector.SETTLE_AFTER + 10)
        m = app.main
        original = m.pane.show_body

        def show_body(*args: Any, **kwargs: Any) -> Any:
            paused.append(not gc.isenabled())
            return original(*args, **kwargs)

        m.pane.show_body = show_body
        await pilot.press("enter")
        await ui.settle(pilot)
        await ui.wait_for(pilot, lambda: not m.pane.loading_body and not m.paint_hold.held)
        await ui.wait_for(pilot, gc.isenabled)
    assert paused == [True]
    assert gc.isenabled()

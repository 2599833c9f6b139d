"""The idle garbage collector (issue 15): full collections only while nobody types."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from tui.ui import collector
from tui.ui.collector import QuietCollector

if TYPE_CHECKING:
    from ui.conftest import Helpers


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def quiet() -> Iterator[tuple[QuietCollector, Clock]]:
    clock = Clock()
    quiet = QuietCollector(clock)
    before = gc.get_threshold()
    try:
        yield quiet, clock
    finally:
        quiet.restore()
        assert gc.get_threshold() == before


def test_settle_freezes_and_stops_automatic_full_collections(
    quiet: tuple[QuietCollector, Clock],
) -> None:
    q, _ = quiet
    young, middle, _old = gc.get_threshold()
    q.settle()
    assert q.settled
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (young, middle, collector.RARE)
    q.restore()
    assert not q.settled
    assert gc.get_freeze_count() == 0


def test_a_full_collection_runs_only_when_idle_and_due(
    quiet: tuple[QuietCollector, Clock], monkeypatch: pytest.MonkeyPatch
) -> None:
    q, clock = quiet
    runs: list[int] = []
    real_collect = gc.collect
    assert not q.tick()  # not settled yet: the interpreter's own rules apply
    q.settle()

    def counted(*args: int) -> int:
        runs.append(1)
        return real_collect(*args)

    monkeypatch.setattr(gc, "collect", counted)
    clock.now += collector.COLLECT_EVERY - 1
    assert not q.tick()  # idle, but one ran at settle too recently
    clock.now += 2
    q.input_seen()  # a key just now
    assert not q.tick()
    clock.now += collector.IDLE_FOR + 0.1
    assert q.tick()
    assert runs == [1] and q.collections == 1
    assert not q.tick()  # not due again yet


async def test_the_app_settles_notes_keys_and_restores(make_app: Any, ui: Helpers) -> None:
    before = gc.get_threshold()
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        q = app.collector
        await ui.wait_for(pilot, lambda: q.settled, timeout=collector.SETTLE_AFTER + 10)
        assert gc.get_threshold()[2] == collector.RARE
        seen = q._last_input
        await pilot.press("down")
        assert q._last_input > seen
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0

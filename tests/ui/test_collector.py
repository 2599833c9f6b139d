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

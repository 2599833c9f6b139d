"""Auto-refresh in the running app, against the loopback feed server.

The app's timer is made fast (``auto_refresh_every``) and time is a clock
the test moves, so "an hour later" takes milliseconds; the feeds are real
HTTP fetches through the ordinary refresh worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from builders import notifications, rss
from feedserver import FeedServer

from tui.config import Config, RefreshConfig
from tui.core.library import Library
from tui.ui.app import GazetteApp

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

START = 1_710_979_200
TICK = 0.05


class Clock:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def served(feed_server: FeedServer, tmp_path: Path) -> Iterator[tuple[Library, Clock, int, int]]:
    """Two feeds (Alpha, Beta) on the loopback server, fetched once at START."""
    clock = Clock(START)
    feed_server.page("/a.xml", rss("Alpha", 2))
    feed_server.page("/b.xml", rss("Beta", 2))
    lib = Library(tmp_path / "auto.db", clock=clock)
    alpha, _ = lib.add_feed(feed_server.url("/a.xml"))
    beta, _ = lib.add_feed(feed_server.url("/b.xml"))
    feed_server.reset_stats()
    yield lib, clock, alpha.id, beta.id
    lib.close()


def config(minutes: int) -> Config:
    return Config(refresh=RefreshConfig(interval_minutes=minutes))


async def test_due_feeds_refresh_in_the_background_and_the_status_says_so(
    served: Any, feed_server: FeedServer, ui: Helpers
) -> None:
    lib, clock, _alpha, _beta = served
    app = GazetteApp(lib, clock=clock, config=config(30), auto_refresh_every=TICK)
    async with app.run_test(size=(160, 45)) as pilot:
        await ui.settle(pilot)
        lst = app.main.article_list
        assert lst.count == 4
        await pilot.pause(TICK * 4)
        assert feed_server.hits("/a.xml") == 0, "nothing is due yet"
        feed_server.page("/a.xml", rss("Alpha", 5, prefix="new "))
        feed_server.page("/b.xml", rss("Beta", 2))
        clock.now += 40 * 60  # past 30 min + 10 % jitter
        await ui.wait_for(pilot, lambda: feed_server.hits("/b.xml") == 1 and not app.refreshing)
        await ui.settle(pilot)
        assert feed_server.hits("/a.xml") == 1
        assert "5 new articles (auto-refresh, 2 feeds)" in app.main.status.plain
        assert lst.count == 9
        # Fetched just now: the next ticks leave them alone.
        await pilot.pause(TICK * 6)
        assert feed_server.hits("/a.xml") == 1 and feed_server.hits("/b.xml") == 1


async def test_the_server_limit_and_zero_interval_are_honoured(
    served: Any, feed_server: FeedServer, ui: Helpers
) -> None:
    lib, clock, alpha, _beta = served
    # Alpha said "not before two hours from now" (Retry-After on a 503).
    feed_server.status("/a.xml", 503, headers={"Retry-After": "7200"})
    await asyncio.to_thread(lib.refresh, [alpha])  # it runs its own event loop
    feed_server.page("/a.xml", rss("Alpha", 3, prefix="late "))
    feed_server.reset_stats()
    app = GazetteApp(lib, clock=clock, config=config(30), auto_refresh_every=TICK)
    async with app.run_test(size=(160, 45)) as pilot:
        await ui.settle(pilot)
        clock.now += 40 * 60
        await ui.wait_for(pilot, lambda: feed_server.hits("/b.xml") == 1 and not app.refreshing)
        await pilot.pause(TICK * 4)
        assert feed_server.hits("/a.xml") == 0, "fetched before the server allowed"
        assert "No new articles (auto-refresh, 1 feed)" in app.main.status.plain
        clock.now = START + 7200
        await ui.wait_for(pilot, lambda: feed_server.hits("/a.xml") == 1 and not app.refreshing)
        await ui.settle(pilot)
        assert "3 new articles" in app.main.status.plain


async def test_interval_zero_turns_auto_refresh_off(
    served: Any, feed_server: FeedServer, ui: Helpers
) -> None:
    lib, clock, _alpha, _beta = served
    app = GazetteApp(lib, clock=clock, config=config(0), auto_refresh_every=TICK)
    async with app.run_test(size=(160, 45)) as pilot:
        await ui.settle(pilot)
        clock.now += 10 * 86400
        await pilot.pause(TICK * 6)
        assert feed_server.hits("/a.xml") == 0 and feed_server.hits("/b.xml") == 0


async def test_no_auto_refresh_starts_while_one_is_running(
    served: Any, feed_server: FeedServer, ui: Helpers
) -> None:
    lib, clock, _alpha, _beta = served
    feed_server.delay("/a.xml", 2.0)
    app = GazetteApp(lib, clock=clock, config=config(30), auto_refresh_every=TICK)
    seen = notifications(app)
    async with app.run_test(size=(160, 45)) as pilot:
        await ui.settle(pilot)
        await pilot.press("R")  # by hand; slow because of Alpha
        assert app.refreshing
        clock.now += 40 * 60  # everything is due while it runs
        await pilot.pause(TICK * 4)
        assert app.refreshing
        await ui.wait_for(pilot, lambda: not app.refreshing)
        assert feed_server.hits("/a.xml") == 1, "a second refresh ran alongside the first"
        assert "A refresh is already running." not in seen

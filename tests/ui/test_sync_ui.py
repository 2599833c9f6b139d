"""Sync accounts in the reader: the Accounts section, syncing with R and r,
the changes waiting, offline, and x stopping a sync.

The account's server is the Google Reader double of tests/reader_double.py,
served on loopback (the app's Library makes real connections to it).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from builders import notifications
from reader_double import ReaderDouble

from tui.core.library import Library
from tui.ui.app import GazetteApp
from tui.ui.widgets.list_header import FeedErrorBanner

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

WIDE = (160, 45)


@pytest.fixture
def server() -> Iterator[tuple[ReaderDouble, str]]:
    double = ReaderDouble()
    double.feed(1, 4, folder="Synced")
    with double.serve() as api:
        yield double, api


@pytest.fixture
def synced_library(library: Library, server: tuple[ReaderDouble, str]) -> Library:
    double, api = server
    library.add_account(api, "me", double.password, name="home")
    return library


def _account_title(app: GazetteApp) -> str:
    node = app.main.feed_list._by_key["account:1"]
    assert node.data is not None
    return node.data.title


async def _sync_all(pilot: Any, ui: Helpers) -> None:
    app = pilot.app
    await pilot.press("R")
    await ui.wait_for(pilot, lambda: not app.refreshing)
    await ui.settle(pilot)


async def test_R_syncs_the_account_after_the_feeds_and_lists_its_articles(
    synced_library: Library, ui: Helpers
) -> None:
    app = GazetteApp(synced_library, clock=ui.clock, auto_refresh_every=0)
    async with app.run_test(size=WIDE) as pilot:
        m = app.main
        await ui.settle(pilot)
        assert _account_title(app) == "home"
        await _sync_all(pilot, ui)
        assert "home: 4 new" in m.status.plain
        assert "folder:Synced" in m.feed_list._by_key
        m.feed_list.select_key("account:1")
        await pilot.pause()
        await ui.wait_for(pilot, lambda: m.article_list.count == 4)
        assert m.list_header.text == "home · 4 · newest first · synced just now"
        titles = {m.article_list.article_at(i).title for i in range(4)}  # type: ignore[union-attr]
        assert titles == {f"Feed 1 item {j}" for j in range(4)}
        assert m.feed_list._by_key["account:1"].data.unread == 4  # type: ignore[union-attr]


async def test_a_change_waits_then_goes_and_offline_is_said(
    synced_library: Library, server: tuple[ReaderDouble, str], ui: Helpers
) -> None:
    double, _ = server
    app = GazetteApp(synced_library, clock=ui.clock, auto_refresh_every=0)
    seen = notifications(app)
    async with app.run_test(size=WIDE) as pilot:
        m = app.main
        await ui.settle(pilot)
        await _sync_all(pilot, ui)
        m.feed_list.select_key("account:1")
        await ui.wait_for(pilot, lambda: m.article_list.count == 4)
        await pilot.press("s")  # star the first article: queued for the server
        await ui.wait_for(pilot, lambda: "1 change to send" in m.status.plain)
        assert _account_title(app) == "home ↑1"
        double.vanish_after = len(double.log)  # the server goes away
        await _sync_all(pilot, ui)
        assert "offline: 1 change waiting" in m.status.plain
        assert "home: offline, 1 change waiting" in m.status.plain
        assert m.list_header.text.endswith("synced just now, 1 change to send")
        banner = str(m.query_one(FeedErrorBanner).render())
        assert banner.startswith("! Last sync failed: FreshRSS at 127.0.0.1")
        assert m.feed_list._by_key["account:1"].data.error  # type: ignore[union-attr]
        assert seen and "127.0.0.1" in seen[-1]
        double.vanish_after = None
        await _sync_all(pilot, ui)
        assert "change" not in m.status.plain.split("   ")[0]
        assert _account_title(app) == "home"
        assert sum(e.starred for e in double.items.values()) == 1


async def test_x_stops_a_sync_and_the_next_one_completes(
    synced_library: Library, server: tuple[ReaderDouble, str], ui: Helpers
) -> None:
    double, _ = server
    release = threading.Event()
    double.hold = ("stream/items/contents", release)
    app = GazetteApp(synced_library, clock=ui.clock, auto_refresh_every=0)
    async with app.run_test(size=WIDE) as pilot:
        m = app.main
        await ui.settle(pilot)
        await pilot.press("R")
        await ui.wait_for(pilot, double.asked.is_set)
        await ui.wait_for(pilot, lambda: "Syncing home: fetching items" in m.status.plain)
        await pilot.press("x")
        await ui.wait_for(pilot, lambda: not app.refreshing)
        assert "home: sync stopped" in m.status.plain
        release.set()
        double.hold = None
        await _sync_all(pilot, ui)
        assert "home: 4 new" in m.status.plain


async def test_r_on_an_account_syncs_only_it(
    synced_library: Library, server: tuple[ReaderDouble, str], ui: Helpers
) -> None:
    double, _ = server
    app = GazetteApp(synced_library, clock=ui.clock, auto_refresh_every=0)
    async with app.run_test(size=WIDE) as pilot:
        m = app.main
        await ui.settle(pilot)
        m.feed_list.select_key("account:1")
        await pilot.pause()
        await pilot.press("r")
        await ui.wait_for(pilot, lambda: not app.refreshing)
        await ui.settle(pilot)
        assert m.status.plain.endswith("home: 4 new")
        assert "Refreshed" not in m.status.plain
        assert double.count("subscription/list") == 1


async def test_marking_an_account_read_keeps_it_listed_with_its_changes_to_send(
    synced_library: Library, ui: Helpers
) -> None:
    """A mark-all-read reads every count again: the accounts with them (they were
    dropped until the next full recount, and their section with them)."""
    app = GazetteApp(synced_library, clock=ui.clock, auto_refresh_every=0)
    seen = notifications(app)
    async with app.run_test(size=WIDE) as pilot:
        m = app.main
        await ui.settle(pilot)
        await _sync_all(pilot, ui)
        m.feed_list.select_key("account:1")
        await ui.wait_for(pilot, lambda: m.article_list.count == 4)
        await pilot.press("A")
        await ui.wait_for(pilot, lambda: any(n.startswith("Marked 4 read") for n in seen))
        await ui.settle(pilot)
        assert m.tally.pending == 4 and "account:1" in m.feed_list._by_key
        assert _account_title(app) == "home ↑4"

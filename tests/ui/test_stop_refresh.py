"""Stopping a refresh on purpose (x, or "Stop refresh" in the palette).

A refresh of many feeds over a slow link can be stopped: the feeds already
written stay, the status line and a notification say how far it got, and a
new refresh can start at once.  The feeds are on the loopback server; one of
them never answers until the test releases it, so the refresh is reliably
mid-download when it is stopped (no timing involved).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from builders import notifications, rss
from feedserver import FeedServer
from textual.command import CommandList, CommandPalette

from tui.core.library import FetchSettings, Library
from tui.ui.app import GazetteApp

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

WIDE = (160, 45)
NOW = 1_710_979_200 + 3 * 3600  # the fixed clock of conftest.py


@dataclass
class Farm:
    lib: Library
    release: threading.Event  # set: the silent feed answers (503) at last


@pytest.fixture
def farm(feed_server: FeedServer, tmp_path: Path) -> Iterator[Farm]:
    """Three feeds never fetched yet: Alpha and Beta answer at once, /silent.xml not at all."""
    feed_server.page("/a.xml", rss("Alpha", 2))
    feed_server.page("/b.xml", rss("Beta", 2))
    release = threading.Event()

    def silent(handler: Any) -> None:
        release.wait(60)
        handler.send_plain(503)

    feed_server.route("/silent.xml", silent)
    # A fetch timeout longer than any wait here: only stopping can end the refresh.
    lib = Library(tmp_path / "stop.db", clock=lambda: NOW, fetch=FetchSettings(total_timeout=60))
    for path in ("/a.xml", "/b.xml", "/silent.xml"):
        lib.store.add_feed(feed_server.url(path))
    try:
        yield Farm(lib, release)
    finally:
        release.set()
        lib.close()


def listed_titles(app: GazetteApp) -> list[str]:
    lst = app.main.article_list
    titles = []
    for i in range(lst.count):
        article = lst.article_at(i)
        assert article is not None
        titles.append(article.title)
    return titles


async def start_and_wait_for_the_silent_feed(
    pilot: Any, ui: Helpers, feed_server: FeedServer
) -> None:
    """R, then wait until Alpha and Beta are written and only the silent feed is left."""
    app = pilot.app
    await pilot.press("R")
    assert app.refreshing
    status = app.main.status
    await ui.wait_for(pilot, lambda: status.done == 2 and feed_server.hits("/silent.xml") == 1)
    assert app.refreshing


async def test_stopping_keeps_what_arrived_and_a_new_refresh_works(
    farm: Farm, feed_server: FeedServer, ui: Helpers
) -> None:
    app = GazetteApp(farm.lib, clock=ui.clock, auto_refresh_every=0)
    seen = notifications(app)
    async with app.run_test(size=WIDE) as pilot:
        m = app.main
        assert m.article_list.count == 0
        await start_and_wait_for_the_silent_feed(pilot, ui, feed_server)
        assert "Refreshing 2/3 (x to stop)" in m.status.plain

        await pilot.press("x")
        await ui.wait_for(pilot, lambda: not app.refreshing)
        await pilot.pause()

        stopped = "Refresh stopped: 2 of 3 feeds done, 4 new articles"
        assert m.status.plain.endswith(stopped)
        assert seen == [stopped]
        # The feeds written before the stop are listed and counted.
        assert sorted(listed_titles(app)) == [
            "Alpha item 0",
            "Alpha item 1",
            "Beta item 0",
            "Beta item 1",
        ]
        assert m.counts["unread"] == 4
        assert "4 here" in m.status.plain

        # A new refresh starts right away; the silent feed answers this time.
        feed_server.page("/silent.xml", rss("Gamma", 2))
        farm.release.set()
        await pilot.press("R")
        await ui.wait_for(pilot, lambda: "Refreshed" in m.status.plain)
        await pilot.pause()
        assert not app.refreshing
        assert "Refreshed 3: 2 new articles" in m.status.plain
        assert m.article_list.count == 6
        assert "Gamma item 0" in listed_titles(app)
        assert feed_server.hits("/silent.xml") == 2
        assert seen == [stopped]  # nothing refused the new refresh, no second "stopped"


async def test_stop_when_idle_says_so_and_does_nothing_else(make_app: Any, ui: Helpers) -> None:
    app = make_app()
    seen = notifications(app)
    async with app.run_test(size=WIDE) as pilot:
        m = app.main
        before = m.status.plain
        await pilot.press("x")
        await pilot.pause()
        assert seen == ["No refresh is running."]
        assert not app.refreshing
        assert m.status.plain == before
        assert not [w for w in app.workers if w.group == "refresh"]

        # The same action is in the palette under its name, with its key.
        await pilot.press("ctrl+p")
        await ui.wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        palette = app.screen
        await pilot.press(*"Stop refresh")
        commands = palette.query_one(CommandList)

        def first() -> str:
            if commands.option_count == 0:
                return ""
            return str(commands.get_option_at_index(0).prompt)

        await ui.wait_for(pilot, lambda: first().startswith("Stop refresh"))
        assert "(x)" in first()
        await pilot.press("enter")
        await ui.wait_for(pilot, lambda: len(seen) == 2)
        assert seen == ["No refresh is running."] * 2
        assert not app.refreshing

        # ... and in the key list of the help screen.
        assert ("x", "Stop the running refresh, keeping what arrived") in app.key_help()


async def test_the_palette_stops_a_running_refresh(
    farm: Farm, feed_server: FeedServer, ui: Helpers
) -> None:
    app = GazetteApp(farm.lib, clock=ui.clock, auto_refresh_every=0)
    seen = notifications(app)
    async with app.run_test(size=WIDE) as pilot:
        await start_and_wait_for_the_silent_feed(pilot, ui, feed_server)
        await pilot.press("ctrl+p")
        await ui.wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        commands = app.screen.query_one(CommandList)
        await pilot.press(*"Stop refresh")

        def first() -> str:
            if commands.option_count == 0:
                return ""
            return str(commands.get_option_at_index(0).prompt)

        await ui.wait_for(pilot, lambda: first().startswith("Stop refresh"))
        await pilot.press("enter")
        await ui.wait_for(pilot, lambda: not app.refreshing)
        assert seen == ["Refresh stopped: 2 of 3 feeds done, 4 new articles"]


async def test_refresh_while_refreshing_says_how_to_stop(
    farm: Farm, feed_server: FeedServer, ui: Helpers
) -> None:
    app = GazetteApp(farm.lib, clock=ui.clock, auto_refresh_every=0)
    seen = notifications(app)
    async with app.run_test(size=WIDE) as pilot:
        await start_and_wait_for_the_silent_feed(pilot, ui, feed_server)
        await pilot.press("r")
        await pilot.press("R")
        assert seen == ["A refresh is already running. Press x to stop it."] * 2
        await pilot.press("x")
        await ui.wait_for(pilot, lambda: not app.refreshing)


async def test_the_hint_names_a_remapped_key(
    farm: Farm, feed_server: FeedServer, ui: Helpers
) -> None:
    app = GazetteApp(
        farm.lib, clock=ui.clock, keymap={"stop_refresh": "ctrl+x"}, auto_refresh_every=0
    )
    seen = notifications(app)
    async with app.run_test(size=WIDE) as pilot:
        await start_and_wait_for_the_silent_feed(pilot, ui, feed_server)
        assert "(ctrl+x to stop)" in app.main.status.plain
        await pilot.press("R")
        assert seen == ["A refresh is already running. Press ctrl+x to stop it."]
        await pilot.press("ctrl+x")
        await ui.wait_for(pilot, lambda: not app.refreshing)
        assert seen[-1] == "Refresh stopped: 2 of 3 feeds done, 4 new articles"


async def test_a_key_the_keymap_gives_to_another_action_is_not_named(
    farm: Farm, feed_server: FeedServer, ui: Helpers
) -> None:
    """Found in review: with ``star = "x"`` (the README's own example then),
    x stars the article, so the hint must not send the user to it."""
    app = GazetteApp(farm.lib, clock=ui.clock, keymap={"star": "x"}, auto_refresh_every=0)
    seen = notifications(app)
    async with app.run_test(size=WIDE) as pilot:
        await start_and_wait_for_the_silent_feed(pilot, ui, feed_server)
        assert "to stop)" not in app.main.status.plain
        await pilot.press("R")
        assert seen == [
            "A refresh is already running. "
            "Run Stop refresh from the command palette (ctrl+p) to stop it."
        ]
        app.action_stop_refresh()
        await ui.wait_for(pilot, lambda: not app.refreshing)

"""Snapshot tests of the reader (pytest-textual-snapshot).

Deterministic by construction: the fixture database is built from fixed feed
files, the clock is fixed (relative dates), the time zone is UTC, workers are
waited for, and the note editor's cursor does not blink.  ``snap_compare``
only works in sync tests.  Update with ``uv run pytest tests/ui --snapshot-update``
and look at the SVGs before accepting them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widgets import TextArea

from tui.core.library import Library

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

NOW = 1_710_979_200 + 3 * 3600


def _feed_id(library: Library, title: str) -> int:
    return next(f.id for f in library.feeds() if f.title == title)


def test_main_screen_120x40(snap_compare: Any, make_app: Any, ui: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=ui.settle)


def test_main_screen_80x24(snap_compare: Any, make_app: Any, ui: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=ui.settle)


def test_main_screen_160x45(snap_compare: Any, make_app: Any, ui: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(160, 45), run_before=ui.settle)


def test_open_article(snap_compare: Any, make_app: Any, library: Library, ui: Helpers) -> None:
    feed_id = _feed_id(library, "DC Rainmaker")

    async def run_before(pilot: Any) -> None:
        await pilot.pause()  # run_before starts before the screen is mounted
        pilot.app.main.feed_list.select_key(f"feed:{feed_id}")
        await pilot.pause()
        await pilot.press("enter")
        await ui.settle(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=run_before)


def test_open_article_80x24(snap_compare: Any, make_app: Any, ui: Helpers) -> None:
    async def run_before(pilot: Any) -> None:
        await pilot.press("enter")
        await ui.settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_notes_panel(snap_compare: Any, make_app: Any, ui: Helpers) -> None:
    async def run_before(pilot: Any) -> None:
        await pilot.press("j", "e")
        await ui.settle(pilot)
        editor = pilot.app.main.query_one(TextArea)
        editor.cursor_blink = False
        await pilot.press(*"Ask Joe.")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(160, 45), run_before=run_before)


def test_help_screen(snap_compare: Any, make_app: Any, ui: Any) -> None:
    assert snap_compare(
        make_app(), terminal_size=(120, 40), press=["question_mark"], run_before=ui.settle
    )


def test_feed_error(snap_compare: Any, make_app: Any, library: Library, ui: Any) -> None:
    feed_id = _feed_id(library, "Macworld")
    library.store.record_fetch(feed_id, status=503, error="HTTP 503 Service Unavailable", now=NOW)

    async def run_before(pilot: Any) -> None:
        await pilot.pause()  # run_before starts before the screen is mounted
        pilot.app.main.refresh_counts()
        await ui.settle(pilot)  # counts are read in a worker
        pilot.app.main.feed_list.select_key(f"feed:{feed_id}")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=run_before)


def test_search_results_highlighted(
    snap_compare: Any, make_app: Any, library: Library, ui: Helpers
) -> None:
    """Issue 4: search results with the matched words highlighted in the list, the
    header and the body snippet; the feed list shows a saved search and a tag."""
    library.set_tags([a.id for a in library.articles(limit=3)], add=["Later"])
    library.save_search("Apple news", "apple is:unread")

    async def run_before(pilot: Any) -> None:
        await pilot.pause()  # run_before starts before the screen is mounted
        await pilot.press("slash", *"apple")
        await ui.wait_for(pilot, lambda: pilot.app.main.search_bar.shown == "apple")
        await pilot.press("enter", "enter")
        await ui.settle(pilot)

    assert snap_compare(make_app(), terminal_size=(160, 45), run_before=run_before)

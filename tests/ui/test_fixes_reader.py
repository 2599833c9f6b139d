"""Pilot tests for the reader fixes of issue 13 (items 1, 6, 14 and the UI parts of 17).

The notes tests use the demo database itself (``gazette --demo``), built
once per session and copied for each test, so the reproduction is the one
a new user met.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tui.core.library import Library
from tui.demo import build_demo
from tui.ui.app import GazetteApp
from tui.ui.screens.main import MainScreen

MEDIUM = (120, 40)
WIDE = (160, 45)
NARROW = (80, 24)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path, ui: Any) -> Any:
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    lib = Library(path, clock=ui.clock)
    yield lib
    lib.close()


def notes_by_article(lib: Library) -> dict[int, str]:
    """Every note in the store, read behind the app's back (as ``gazette notes`` would)."""
    conn = sqlite3.connect(lib.db_path)
    try:
        return dict(conn.execute("SELECT article_id, body FROM notes").fetchall())
    finally:
        conn.close()


async def test_typing_after_closing_the_article_never_goes_into_a_hidden_note(
    demo: Library, ui: Any
) -> None:
    """Issue 13.1: enter, e, hello, esc, esc, j, tab, TYPED-BLIND, esc at 120x40."""
    app = GazetteApp(demo, clock=ui.clock)
    async with app.run_test(size=MEDIUM) as pilot:
        m: MainScreen = app.main
        first = m.article_list.current
        assert first is not None
        await pilot.press("enter")
        await ui.settle(pilot)
        await pilot.press("e", *"hello", "escape", "escape")
        await ui.settle(pilot)
        assert not m.reading
        await pilot.press("j")
        second = m.article_list.current
        assert second is not None and second.id != first.id
        await pilot.press("tab")
        await pilot.pause()
        focused = app.focused
        assert focused is not None
        # whatever has the keys is on screen
        assert focused.region.area > 0
        assert all(node.display for node in focused.ancestors_with_self if node is not m)
        await pilot.press(*"TYPED-BLIND", "escape")
        await ui.settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    notes = notes_by_article(demo)
    assert notes == {first.id: "hello"}

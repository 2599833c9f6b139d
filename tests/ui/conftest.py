"""Fixtures for the reader's Pilot and snapshot tests.

The database is built once per session from real feed files in
``tests/fixtures/feeds`` through the real pipeline (``Library.add_feed`` on
local paths: fetch from disk, parse, store, convert), then copied for each
test, so tests are fast and cannot see each other's changes.  The clock is
fixed and the time zone is UTC so relative dates and headers never change.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ["TZ"] = "UTC"
time.tzset()
os.environ.pop("NO_COLOR", None)  # it breaks every snapshot
os.environ.pop("TEXTUAL_THEME", None)

from tui.core.library import Library  # noqa: E402
from tui.ui.app import GazetteApp  # noqa: E402

FEEDS_DIR = Path(__file__).parent.parent / "fixtures" / "feeds"


@pytest.fixture(autouse=True)
def reader_ready(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """``run_test`` hands over the pilot once the reader has its first counts.

    The reader reads the feed list, the counts and the list's size in the
    background after its first paint (a user sees them a moment later); a
    test that looks at them at once would race that read.  A test about that
    moment itself is marked ``before_counts`` and gets the pilot at once.
    """
    if request.node.get_closest_marker("before_counts"):
        return
    original = GazetteApp.run_test

    @contextlib.asynccontextmanager
    async def run_test(self: GazetteApp, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        async with original(self, *args, **kwargs) as pilot:
            await wait_for(pilot, lambda: _has_first_counts(self))
            yield pilot

    monkeypatch.setattr(GazetteApp, "run_test", run_test)


def _has_first_counts(app: GazetteApp) -> bool:
    """No reader (a first-run screen, or gone), or one whose counts and list size are in."""
    reader = app.reader
    if reader is None:
        return True
    return reader.tally.loaded and not reader.article_list.counting


#: (fixture file, folder): varied formats, a nested folder and a feed outside folders.
UI_FEEDS: tuple[tuple[str, str | None], ...] = (
    ("rss2-seed-article.xml", "News"),
    ("atom-heise-developer.xml", "News"),
    ("jsonfeed-inessential.json", "Blogs"),
    ("atom-intertwingly-xhtml.xml", "Blogs"),
    ("rss2-podcast-nightvale-feedburner.xml", "Podcasts"),
    ("rss2-wordpress-dcrainmaker-content-encoded.xml", "Tech/Reviews"),
    ("rss2-macworld-no-guid-enclosures.xml", None),
)

#: Three hours after the newest fixture article (2024-03-21 00:00 UTC).
NOW = 1_710_979_200 + 3 * 3600


def clock() -> float:
    return NOW


def build_library(path: Path, feeds: tuple[tuple[str, str | None], ...] = UI_FEEDS) -> None:
    """Subscribe to local fixture feeds and convert every article, like ``gazette --demo``."""
    lib = Library(path, clock=clock)
    try:
        for name, folder in feeds:
            lib.add_feed(str(FEEDS_DIR / name), folder=folder)
        while lib.convert_pending(500):
            pass
        lib.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        lib.close()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ui-template") / "gazette.db"
    build_library(path)
    return path


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "gazette.db"
    shutil.copyfile(template_db, path)
    return path


@pytest.fixture
def library(db_path: Path) -> Iterator[Library]:
    lib = Library(db_path, clock=clock)
    yield lib
    lib.close()


@pytest.fixture
def make_app(library: Library) -> Callable[..., GazetteApp]:
    """``make_app()`` -> a GazetteApp on the fixture library with the fixed clock."""

    def make(lib: Library | None = None) -> GazetteApp:
        return GazetteApp(lib or library, clock=clock)

    return make


def sql(db: Path, query: str, *params: Any) -> list[tuple[Any, ...]]:
    """Read the database behind the app's back, as a check (never through the UI)."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


async def settle(pilot: Any, timeout: float = 10.0) -> None:
    """Wait for workers (article bodies, refreshes) and the screen to go quiet."""
    deadline = time.monotonic() + timeout
    app = pilot.app
    await pilot.pause()
    while any(w.is_running for w in app.workers) and time.monotonic() < deadline:
        await pilot.pause(0.02)
    await pilot.pause()
    await pilot.pause()


async def wait_for(pilot: Any, cond: Callable[[], bool], timeout: float = 20.0) -> None:
    """Pause until ``cond()`` holds (worker threads need real time)."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.02)


async def open_search_hit(pilot: Any, query: str) -> None:
    """Search for ``query`` (pasted, no debounce) and open the best hit, waiting for its body."""
    m = pilot.app.main
    await pilot.press("slash")
    m.search_bar.input.value = query
    m.search_bar.search_now()
    await wait_for(pilot, lambda: m.search_bar.shown == m.search_bar.value)
    await pilot.pause()
    await pilot.press("enter", "enter")
    await settle(pilot)
    await wait_for(pilot, lambda: not m.pane.loading_body)


async def read_down(pilot: Any, times: int) -> None:
    """Open the article under the cursor, wait for its body, go back and down; ``times`` times."""
    m = pilot.app.main
    for _ in range(times):
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(pilot, lambda: not m.pane.loading_body)
        await pilot.press("escape", "down")
        await settle(pilot)


class Helpers:
    """Helpers handed to tests as the ``ui`` fixture (conftest modules are not importable)."""

    now = NOW
    clock = staticmethod(clock)
    settle = staticmethod(settle)
    wait_for = staticmethod(wait_for)
    open_search_hit = staticmethod(open_search_hit)
    read_down = staticmethod(read_down)
    build_library = staticmethod(build_library)

    def __init__(self, db: Path) -> None:
        self.db = db

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        return sql(self.db, query, *params)


@pytest.fixture
def ui(db_path: Path) -> Helpers:
    return Helpers(db_path)

"""The Library package: one flat API from parts per domain, and the rules it
borrows rather than writes again."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from builders import rss
from feedserver import FeedServer

from tui.core import FeedSettings
from tui.core.errors import InputError
from tui.core.library import FetchSettings, Library
from tui.core.library.base import LibraryBase
from tui.core.library.fetching import discover


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    library = Library(tmp_path / "g.db")
    yield library
    library.close()


def test_every_name_of_the_facade_has_one_home() -> None:
    """Two parts defining the same name would hide one of them behind the MRO."""
    homes: dict[str, list[str]] = {}
    for part in Library.__mro__:
        if part in (Library, object) or not issubclass(part, LibraryBase):
            continue
        for name in vars(part):
            if not name.startswith("__"):
                homes.setdefault(name, []).append(part.__name__)
    assert {name: parts for name, parts in homes.items() if len(parts) > 1} == {}
    assert "refresh" in homes and "release_thread" in homes  # the walk found the parts


@pytest.mark.parametrize("value", [-1, True, 1.5])
def test_a_feed_setting_the_store_would_not_read_back_is_refused(lib: Library, value: Any) -> None:
    """One rule for a count (``FeedSettings.from_json``): what would be
    dropped on reading is refused on writing, floats included."""
    feed_id = lib.store.add_feed("https://a.example/feed", title="A")
    with pytest.raises(InputError, match=r"^keep_read_days: must be a whole number"):
        lib.set_feed_settings(feed_id, FeedSettings(keep_read_days=cast(int, value)))
    assert lib.feed_settings(feed_id) == FeedSettings()


def test_feed_settings_that_read_back_are_saved(lib: Library) -> None:
    feed_id = lib.store.add_feed("https://a.example/feed", title="A")
    wanted = FeedSettings(refresh_minutes=0, keep_read_days=7, max_per_feed=50)
    lib.set_feed_settings(feed_id, wanted)
    assert lib.feed_settings(feed_id) == wanted


def test_discovery_keeps_the_document_only_when_the_url_is_a_feed(
    feed_server: FeedServer,
) -> None:
    feed_server.page("/f.xml", rss("F", 1))
    feed_server.page(
        "/page.html",
        '<html><head><link rel="alternate" type="application/rss+xml" href="/f.xml">',
        content_type="text/html",
    )
    settings = FetchSettings(total_timeout=2.0, connect_timeout=1.0)
    found, document = discover(settings, feed_server.url("/f.xml"))
    assert found == [feed_server.url("/f.xml")]
    assert document is not None and document.body is not None and b"<rss" in document.body
    found, document = discover(settings, feed_server.url("/page.html"))
    assert found == [feed_server.url("/f.xml")] and document is None


def test_close_leaves_a_running_threads_connection_to_that_thread(lib: Library) -> None:
    """Closing from the main thread never closes a connection another thread is
    using (a background conversion at quit): SQLite crashes on that.  The thread
    closes it itself when its call is done."""
    opened, closed_by_main, done = threading.Event(), threading.Event(), threading.Event()
    seen: list[int] = []

    def worker() -> None:
        store = lib.store
        opened.set()
        assert closed_by_main.wait(10)
        seen.append(store.conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        lib.release_thread()
        with pytest.raises(sqlite3.ProgrammingError):  # closed by release_thread
            store.conn.execute("SELECT 1")
        done.set()

    thread = threading.Thread(target=worker)
    thread.start()
    assert opened.wait(10)
    lib.close()
    closed_by_main.set()
    assert done.wait(10)
    thread.join()
    assert seen == [0]


def test_close_closes_the_connection_of_a_thread_that_has_ended(lib: Library) -> None:
    stores: list[Any] = []
    thread = threading.Thread(target=lambda: stores.append(lib.store))
    thread.start()
    thread.join()
    lib.close()
    with pytest.raises(sqlite3.ProgrammingError):
        stores[0].conn.execute("SELECT 1")

"""A full disk: a clear error per feed, nothing half-written, nothing lost."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from builders import rss_feed, rss_item
from feedserver import FeedServer

from tui.core.library import Library
from tui.core.models import View

pytestmark = pytest.mark.hostile


def filler(i: int) -> str:
    """~2.4 KB of hex words: bodies are stored compressed, so the filler must not compress."""
    return " ".join(hashlib.sha1(f"{i}-{j}".encode()).hexdigest() for j in range(60))


def big_feed(n: int) -> str:
    """A feed of ``n`` items of ~2.4 KB of words each that do not compress:
    what fills a small disk."""
    items = (rss_item(f"g{i}", f"Item {i}", body=f"<p>{filler(i)}</p>") for i in range(n))
    return rss_feed(*items, title="Big", link=None)


def test_database_full_fails_the_feed_cleanly_and_keeps_what_was_there(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    feed_server.page("/small.xml", big_feed(2))
    feed_server.page("/big.xml", big_feed(400))
    lib = Library(tmp_path / "full.db")
    small = lib.store.add_feed(feed_server.url("/small.xml"))
    lib.refresh([small])
    kept = lib.articles()
    lib.set_starred([kept[0].id])
    lib.set_note(kept[1].id, "still here")
    big = lib.store.add_feed(feed_server.url("/big.xml"))
    # SQLite reports "database or disk is full" once the file would grow past
    # this many pages: the same error a full disk gives, without needing one.
    pages = lib.store.conn.execute("PRAGMA page_count").fetchone()[0]
    lib.store.conn.execute(f"PRAGMA max_page_count = {pages + 20}")

    summary = lib.refresh([big])
    (result,) = summary.results
    assert result.error and "full" in result.error and "\n" not in result.error
    assert lib.count_articles(View(feed_id=big)) == 0  # all or nothing
    assert [a.id for a in lib.articles()] == [a.id for a in kept]
    assert lib.article(kept[0].id).starred
    assert (note := lib.note(kept[1].id)) is not None and note.body == "still here"
    lib.close()
    conn = sqlite3.connect(tmp_path / "full.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()

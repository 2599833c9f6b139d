"""Refresh writes grouped into shared transactions (WriteBatch over Store)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.core.errors import StoreError
from tui.core.models import ParsedEntry, ParsedFeed
from tui.core.store import Store
from tui.core.writebatch import WriteBatch

NOW = 1_790_000_000


def feed_doc(*keys: str, words: str = "zebra") -> ParsedFeed:
    entries = tuple(
        ParsedEntry(
            key=k,
            guid=k,
            url=f"https://example.org/{k}",
            title=f"title {k}",
            author=None,
            published=NOW,
            updated=None,
            summary=None,
            content=f"<p>{words} {k}</p>",
            base=None,
        )
        for k in keys
    )
    return ParsedFeed(kind="rss20", title="Feed", link=None, entries=entries)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "b.db"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    s = Store(db)
    yield s
    s.close()


def committed(db: Path, sql: str) -> list[tuple]:
    """What another connection (another process, the UI) sees."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def indexed(db: Path, word: str) -> list[int]:
    return [
        r[0]
        for r in committed(
            db, f"SELECT rowid FROM articles_fts WHERE articles_fts MATCH '\"{word}\"'"
        )
    ]


async def test_units_share_one_commit_and_return_only_after_it(store: Store, db: Path) -> None:
    batch = WriteBatch(store, max_units=3, max_age=60)
    first = asyncio.create_task(batch.run(lambda: store.add_feed("https://a.example/")))
    second = asyncio.create_task(batch.run(lambda: store.add_feed("https://b.example/")))
    await asyncio.sleep(0.05)
    # Both units have run, but nothing is committed, so neither has returned.
    assert not first.done() and not second.done()
    assert committed(db, "SELECT count(*) FROM feeds") == [(0,)]
    third = await batch.run(lambda: store.add_feed("https://c.example/"))
    assert {await first, await second, third} == {1, 2, 3}
    assert committed(db, "SELECT count(*) FROM feeds") == [(3,)]


async def test_a_partial_batch_commits_after_max_age(store: Store, db: Path) -> None:
    batch = WriteBatch(store, max_units=100, max_age=0.05)
    await asyncio.wait_for(batch.run(lambda: store.add_feed("https://a.example/")), 5)
    assert committed(db, "SELECT url FROM feeds") == [("https://a.example/",)]


async def test_a_failing_unit_undoes_only_its_own_writes(store: Store, db: Path) -> None:
    good = store.add_feed("https://good.example/")
    bad = store.add_feed("https://bad.example/")
    batch = WriteBatch(store, max_units=3, max_age=60)

    def store_then_fail() -> None:
        store.store_entries(bad, feed_doc("b1", "b2", words="yak"), now=NOW)
        raise RuntimeError("a bug halfway through a feed")

    ok = asyncio.create_task(
        batch.run(lambda: store.store_entries(good, feed_doc("g1", words="zebra"), now=NOW))
    )
    await asyncio.sleep(0)  # the good unit runs first and waits for the commit
    with pytest.raises(RuntimeError):
        await batch.run(store_then_fail)
    batch.close()
    assert await ok == (1, 0)
    assert committed(db, "SELECT key FROM articles") == [("g1",)]
    # The search index holds the good feed's article and nothing of the failed one.
    assert len(indexed(db, "zebra")) == 1
    assert indexed(db, "yak") == []
    assert committed(db, "PRAGMA integrity_check") == [("ok",)]


async def test_entries_written_in_a_batch_are_searchable_and_reindexed(
    store: Store, db: Path
) -> None:
    feed = store.add_feed("https://a.example/")
    batch = WriteBatch(store, max_units=1, max_age=60)
    await batch.run(lambda: store.store_entries(feed, feed_doc("k", words="walrus"), now=NOW))
    (aid,) = indexed(db, "walrus")
    store.save_note(aid, "my own remark", now=NOW)
    # A changed entry is re-indexed at commit, and keeps its note searchable.
    await batch.run(lambda: store.store_entries(feed, feed_doc("k", words="narwhal"), now=NOW))
    assert indexed(db, "walrus") == []
    assert indexed(db, "narwhal") == [aid]
    assert indexed(db, "remark") == [aid]


async def test_a_failed_commit_reaches_every_unit_and_keeps_nothing(store: Store, db: Path) -> None:
    feeds = [store.add_feed(f"https://{n}.example/") for n in "ab"]
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    # The index rows are written at commit; let them not fit, as on a full disk.
    store.conn.execute(f"PRAGMA max_page_count = {pages + 8}")
    batch = WriteBatch(store, max_units=2, max_age=60)
    big = " ".join(f"w{i}" for i in range(20_000))
    units = [
        asyncio.create_task(
            batch.run(lambda f=f: store.store_entries(f, feed_doc("x", words=big), now=NOW))
        )
        for f in feeds
    ]
    outcomes = await asyncio.gather(*units, return_exceptions=True)
    assert all(isinstance(o, StoreError) and "full" in str(o) for o in outcomes)
    assert committed(db, "SELECT count(*) FROM articles") == [(0,)]
    # The store is usable again once there is room.
    store.conn.execute(f"PRAGMA max_page_count = {pages * 100}")
    retry = WriteBatch(store, max_units=1, max_age=60)
    await retry.run(lambda: store.store_entries(feeds[0], feed_doc("y"), now=NOW))
    assert committed(db, "SELECT key FROM articles") == [("y",)]

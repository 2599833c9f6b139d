"""Refresh writes grouped into shared, short transactions (WriteBatch over Store)."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import builders
import pytest
from builders import entry

from tui.core.errors import StoreError
from tui.core.models import ParsedFeed
from tui.core.refresh.writebatch import WriteBatch
from tui.core.storage import Store

NOW = 1_790_000_000


# ~400 KB of hex words: bodies are stored compressed, so a full disk needs text
# that does not compress (it still takes ~200 KB, far over the 6 pages left).
INCOMPRESSIBLE = " ".join(hashlib.sha1(b"%d" % i).hexdigest() for i in range(10_000))


def feed_doc(*keys: str, words: str = "zebra") -> ParsedFeed:
    """A feed of entries ``keys`` whose bodies say ``words`` (what ``indexed`` looks for)."""
    return builders.parsed_feed(
        *(entry(k, f"title {k}", published=NOW, content=f"<p>{words} {k}</p>") for k in keys),
        title="Feed",
    )


@pytest.fixture
def db(store: Store) -> Path:
    """The shared store's database file, read behind its back to see what is committed."""
    return Path(store.path)


def committed(db: Path, sql: str) -> list[tuple[Any, ...]]:
    """What another connection (another process, the UI) sees."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def indexed(db: Path, word: str) -> list[int]:
    sql = f"SELECT rowid FROM articles_fts WHERE articles_fts MATCH '\"{word}\"'"
    return [r[0] for r in committed(db, sql)]


async def as_members(batch: WriteBatch, *units: object) -> list[object]:
    """Run units the way a refresh does: each from a task that is a member."""

    async def member(unit: object) -> object:
        async with batch.member():
            return await batch.run(unit)  # type: ignore[arg-type]

    return await asyncio.gather(*(member(u) for u in units), return_exceptions=True)


async def test_units_wait_in_a_queue_and_commit_together(store: Store, db: Path) -> None:
    batch = WriteBatch(store, max_units=3, max_age=60)
    first = asyncio.create_task(batch.run(lambda: store.add_feed("https://a.example/")))
    second = asyncio.create_task(batch.run(lambda: store.add_feed("https://b.example/")))
    async with batch.member(), batch.member(), batch.member():
        await asyncio.sleep(0.05)
        # Queued, not yet run: no write lock is held while the refresh waits.
        assert not first.done() and not second.done()
        assert not store.conn.in_transaction
        other = sqlite3.connect(db, timeout=0.1)
        other.execute("INSERT INTO feeds(url, added) VALUES ('https://ui-write.example/', 0)")
        other.commit()
        other.close()
        third = await batch.run(lambda: store.add_feed("https://c.example/"))
    assert {await first, await second, third} == {2, 3, 4}
    assert committed(db, "SELECT count(*) FROM feeds") == [(4,)]


async def test_the_last_member_does_not_wait_for_the_timer(store: Store, db: Path) -> None:
    batch = WriteBatch(store, max_units=100, max_age=60)
    # One feed refreshed alone: its unit commits at once, not after max_age.
    (feed_id,) = await asyncio.wait_for(
        as_members(batch, lambda: store.add_feed("https://a.example/")), 5
    )
    assert committed(db, "SELECT id FROM feeds") == [(feed_id,)]


async def test_a_partial_batch_commits_after_max_age(store: Store, db: Path) -> None:
    batch = WriteBatch(store, max_units=100, max_age=0.05)
    async with batch.member(), batch.member():  # another member is still busy
        await asyncio.wait_for(batch.run(lambda: store.add_feed("https://a.example/")), 5)
    assert committed(db, "SELECT url FROM feeds") == [("https://a.example/",)]


async def test_a_hurried_batch_does_not_wait_for_the_timer(store: Store, db: Path) -> None:
    """The refresh hurries the batch when it holds all the feeds it may: the
    queued units are written at once, not after max_age."""
    batch = WriteBatch(store, max_units=100, max_age=60)
    async with batch.member(), batch.member():  # another member is still busy
        unit = asyncio.create_task(batch.run(lambda: store.add_feed("https://a.example/")))
        await asyncio.sleep(0)  # queued
        assert not unit.done()
        batch.hurry()
        await asyncio.wait_for(unit, 5)
    assert committed(db, "SELECT url FROM feeds") == [("https://a.example/",)]


async def test_a_failing_unit_undoes_only_its_own_writes(store: Store, db: Path) -> None:
    good = store.add_feed("https://good.example/")
    bad = store.add_feed("https://bad.example/")

    def store_then_fail() -> None:
        store.store_entries(bad, feed_doc("b1", "b2", words="yak"), now=NOW)
        raise RuntimeError("a bug halfway through a feed")

    outcomes = await as_members(
        WriteBatch(store, max_age=60),
        lambda: store.store_entries(good, feed_doc("g1", words="zebra"), now=NOW),
        store_then_fail,
    )
    assert outcomes[0] == (1, 0)
    assert isinstance(outcomes[1], RuntimeError)
    assert committed(db, "SELECT key FROM articles") == [("g1",)]
    # The search index holds the good feed's article and nothing of the failed one.
    assert len(indexed(db, "zebra")) == 1
    assert indexed(db, "yak") == []
    assert committed(db, "PRAGMA integrity_check") == [("ok",)]


async def test_entries_written_in_a_batch_are_searchable_and_reindexed(
    store: Store, db: Path
) -> None:
    feed = store.add_feed("https://a.example/")
    batch = WriteBatch(store, max_age=60)
    await as_members(
        batch, lambda: store.store_entries(feed, feed_doc("k", words="walrus"), now=NOW)
    )
    (aid,) = indexed(db, "walrus")
    store.save_note(aid, "my own remark", now=NOW)
    # A changed entry is re-indexed at commit, and keeps its note searchable.
    await as_members(
        batch, lambda: store.store_entries(feed, feed_doc("k", words="narwhal"), now=NOW)
    )
    assert indexed(db, "walrus") == []
    assert indexed(db, "narwhal") == [aid]
    assert indexed(db, "remark") == [aid]


def big_words(n: int = 20_000) -> str:
    return " ".join(f"w{i}" for i in range(n))


async def test_a_failed_commit_reaches_every_unit_and_keeps_nothing(store: Store, db: Path) -> None:
    feeds = [store.add_feed(f"https://{n}.example/") for n in "ab"]
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    # The index rows are written at commit; let them not fit, as on a full disk.
    store.conn.execute(f"PRAGMA max_page_count = {pages + 3}")
    outcomes = await as_members(
        WriteBatch(store, max_age=60),
        *(
            lambda f=f: store.store_entries(f, feed_doc("x", words=big_words()), now=NOW)
            for f in feeds
        ),
    )
    assert all(isinstance(o, StoreError) and "full" in str(o) for o in outcomes)
    assert committed(db, "SELECT count(*) FROM articles") == [(0,)]
    assert not store.conn.in_transaction
    # The store is usable again once there is room.
    store.conn.execute(f"PRAGMA max_page_count = {pages * 100}")
    await as_members(
        WriteBatch(store), lambda: store.store_entries(feeds[0], feed_doc("y"), now=NOW)
    )
    assert committed(db, "SELECT key FROM articles") == [("y",)]


async def test_a_full_disk_inside_a_unit_leaves_no_orphan_index_rows(
    store: Store, db: Path
) -> None:
    """SQLite may roll the whole transaction back when the disk fills inside a
    unit; the index rows queued for earlier units must go with it."""
    small, big = (store.add_feed(f"https://{n}.example/") for n in ("small", "big"))
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + 6}")
    outcomes = await as_members(
        WriteBatch(store, max_age=60),
        lambda: store.store_entries(small, feed_doc("s1", words="otter"), now=NOW),
        lambda: store.store_entries(big, feed_doc("b1", words=INCOMPRESSIBLE), now=NOW),
    )
    assert isinstance(outcomes[1], StoreError) and "full" in str(outcomes[1])
    assert not store.conn.in_transaction

    def consistent() -> None:
        articles = committed(db, "SELECT id FROM articles ORDER BY id")
        assert committed(db, "SELECT rowid FROM articles_fts ORDER BY rowid") == articles
        assert committed(db, "PRAGMA integrity_check") == [("ok",)]

    consistent()
    # With room again, new articles (maybe reusing the lost ones' ids) index fine.
    store.conn.execute(f"PRAGMA max_page_count = {pages * 100}")
    outcome = await as_members(
        WriteBatch(store), lambda: store.store_entries(small, feed_doc("s2", "s3"), now=NOW)
    )
    assert outcome == [(2, 0)]
    consistent()


async def test_nothing_is_queued_once_the_batch_is_closed(store: Store, db: Path) -> None:
    batch = WriteBatch(store, max_age=60)
    async with batch.member(), batch.member():
        queued = asyncio.create_task(batch.run(lambda: store.add_feed("https://a.example/")))
        await asyncio.sleep(0)
        await batch.aclose()  # writes what was queued
        assert await queued == 1
        # A task outliving an abandoned refresh cannot start a new write.
        with pytest.raises(StoreError, match="ended"):
            await batch.run(lambda: store.add_feed("https://b.example/"))
    assert committed(db, "SELECT url FROM feeds") == [("https://a.example/",)]

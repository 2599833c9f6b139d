"""Retention: old read articles go; starred, tagged and noted ones never do."""

from __future__ import annotations

import builders
import pytest

from tui.core.library import Library
from tui.core.models import ParsedEntry, ParsedFeed, View

DAY = 86400
NOW = 1_790_000_000


def entry(key: str, age_days: int) -> ParsedEntry:
    """The shared entry, published ``age_days`` before NOW."""
    return builders.entry(key, published=NOW - age_days * DAY, content=f"<p>{key}</p>")


@pytest.fixture
def lib(lib: Library) -> Library:
    """The shared library on a fixed clock: ages are counted from NOW."""
    lib.clock = lambda: NOW
    return lib


def fill(lib: Library, n: int, age_days: int) -> tuple[int, ParsedFeed]:
    fid = lib.store.add_feed("https://example.org/feed")
    doc = ParsedFeed("rss20", "F", None, tuple(entry(f"k{i}", age_days + i) for i in range(n)))
    lib.store.store_entries(fid, doc, now=NOW - (age_days + n) * DAY)
    return fid, doc


def test_old_read_articles_go_protected_ones_stay(lib: Library) -> None:
    fill(lib, 6, age_days=40)
    ids = [a.id for a in lib.articles()]
    lib.set_read(ids)
    lib.set_starred([ids[0]])
    lib.set_note(ids[1], "mine")
    lib.store.conn.execute("INSERT INTO tags(name) VALUES ('t')")
    lib.store.conn.execute("INSERT INTO article_tags VALUES (?, 1)", (ids[2],))
    lib.set_read([ids[3]], False)  # unread stays too

    assert len(lib.cleanup(keep_read_days=30, max_per_feed=0, dry_run=True)) == 2
    assert lib.count_articles() == 6
    assert len(lib.cleanup(keep_read_days=30, max_per_feed=0)) == 2
    assert sorted(a.id for a in lib.articles()) == sorted(ids[:4])


def test_recent_read_articles_are_kept(lib: Library) -> None:
    fill(lib, 3, age_days=2)
    lib.set_read([a.id for a in lib.articles()])
    assert len(lib.cleanup(keep_read_days=30, max_per_feed=0)) == 0


def test_per_feed_maximum_counts_every_article_but_removes_only_unprotected(
    lib: Library,
) -> None:
    fill(lib, 5, age_days=1)
    ids = [a.id for a in lib.articles()]  # newest first
    lib.set_read(ids)
    lib.set_starred([ids[4]])  # the oldest, beyond the maximum, but starred
    assert len(lib.cleanup(keep_read_days=0, max_per_feed=2)) == 2
    assert [a.id for a in lib.articles()] == [ids[0], ids[1], ids[4]]


def test_removed_articles_do_not_come_back_on_refresh(lib: Library) -> None:
    fid, doc = fill(lib, 3, age_days=40)
    lib.set_read([a.id for a in lib.articles()])
    assert len(lib.cleanup(keep_read_days=30, max_per_feed=0)) == 3
    assert lib.store.store_entries(fid, doc, now=NOW) == (0, 0)
    assert lib.count_articles(View(feed_id=fid)) == 0
    # Once the feed stops listing a key, its tombstone goes.
    lib.store.store_entries(fid, ParsedFeed("rss20", "F", None, doc.entries[:1]), now=NOW)
    remaining = lib.store.conn.execute("SELECT key FROM removed_keys").fetchall()
    assert remaining == [("k0",)]


def test_cleanup_articles_lists_what_goes_and_removes_only_without_dry_run(
    lib: Library,
) -> None:
    fill(lib, 4, age_days=40)
    ids = [a.id for a in lib.articles()]  # newest first
    lib.set_read(ids)
    lib.set_starred([ids[1]])
    listed = lib.cleanup(keep_read_days=30, max_per_feed=0, dry_run=True)
    assert [a.id for a in listed] == [ids[0], ids[2], ids[3]]  # newest first, starred kept
    assert {a.feed_title for a in listed} == {"F"} and all(a.title for a in listed)
    assert lib.count_articles() == 4
    removed = lib.cleanup(keep_read_days=30, max_per_feed=0)
    assert [a.id for a in removed] == [a.id for a in listed]
    assert [a.id for a in lib.articles()] == [ids[1]]

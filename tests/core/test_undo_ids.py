"""Undo keeps the ids of what it puts back (issue 18): ids of rows a recorded
action removed are never given to new feeds or articles meanwhile.

``feeds`` and ``articles`` have no AUTOINCREMENT, so SQLite would give a new
row max(id) + 1: the ids of a deleted feed that held the highest ones, taken
by the next refresh or subscription, and the undo could no longer put it back.
"""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path

import pytest
from builders import entry as make_entry
from builders import parsed_feed

from tui.core import Library, StoreError, View
from tui.core.storage.accounts import RemoteFeed
from tui.core.storage.schema import SCHEMA_VERSION

entry = partial(make_entry, content="<p>zebra crossing words</p>")
NOW = 1_800_000_000


def _feed(lib: Library, url: str, *keys: str, title: str) -> int:
    feed_id = lib.store.add_feed(url, title=title)
    lib.store.store_entries(feed_id, parsed_feed(*(entry(k) for k in keys), title=title), now=NOW)
    return feed_id


def _ids(lib: Library, feed_id: int) -> list[int]:
    return sorted(lib.store.view_ids(View(feed_id=feed_id)))


def _rows(lib: Library, table: str) -> list[tuple[object, ...]]:
    return lib.store.conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


def _newest_deleted(lib: Library) -> tuple[int, int, list[int], list[tuple[object, ...]]]:
    """An older feed B and the newest feed A, holding the highest ids, deleted."""
    older = _feed(lib, "https://b.example/feed", "b1", "b2", title="B")
    newest = _feed(lib, "https://a.example/feed", "a1", "a2", "a3", title="A")
    lib.set_starred(_ids(lib, newest)[:1])
    lib.store.save_note(_ids(lib, newest)[1], "marmalade", NOW)
    kept = _ids(lib, newest)
    before = _rows(lib, "articles")
    lib.remove_feed("A")
    return older, newest, kept, before


def test_a_deleted_feed_comes_back_after_a_refresh_added_articles(lib: Library) -> None:
    older, newest, kept, before = _newest_deleted(lib)
    lib.store.store_entries(
        older, parsed_feed(entry("b3", "brand new"), entry("b4"), title="B"), now=NOW + 60
    )
    added = _ids(lib, older)[2:]
    assert len(added) == 2 and min(added) > max(kept)
    assert lib.undo() is not None
    assert _ids(lib, newest) == kept
    assert [r for r in _rows(lib, "articles") if r[0] not in added] == before
    assert {a.id for a in lib.search("zebra").articles} == {*kept, *_ids(lib, older)}
    assert [a.id for a in lib.search("marmalade").articles] == [kept[1]]
    assert {lib.article(aid).title for aid in added} == {"brand new", "b4"}
    assert lib.store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_deleted_feed_comes_back_after_another_feed_was_added(lib: Library) -> None:
    _older, newest, kept, before = _newest_deleted(lib)
    third = _feed(lib, "https://c.example/feed", "c1", title="C")
    assert third > newest and min(_ids(lib, third)) > max(kept)
    assert lib.undo() is not None
    assert lib.store.feed(newest).title == "A"
    assert _ids(lib, newest) == kept
    assert [r for r in _rows(lib, "articles") if r[0] not in _ids(lib, third)] == before
    assert {f.title for f in lib.store.feeds()} == {"A", "B", "C"}


def test_a_redone_delete_is_undone_again_after_a_refresh(lib: Library) -> None:
    older, newest, kept, _before = _newest_deleted(lib)
    lib.undo()
    lib.redo()  # the ids stay held through an undo and a redo
    lib.store.store_entries(older, parsed_feed(entry("b3"), title="B"), now=NOW + 60)
    _feed(lib, "https://c.example/feed", "c1", title="C")
    assert lib.undo() is not None
    assert _ids(lib, newest) == kept


def test_a_feed_a_sync_pull_adds_takes_no_deleted_id(lib: Library) -> None:
    _older, newest, kept, _before = _newest_deleted(lib)
    account = lib.store.add_account(
        "home", kind="greader", dialect="freshrss", url="http://x/api", username="me"
    )
    lib.store.sync_feeds(account, [RemoteFeed("feed/1", "https://s.example/feed", "S", None, None)])
    pulled = lib.store.remote_feeds(account)["feed/1"]
    lib.store.store_items(account, pulled, parsed_feed(entry("101")), {}, now=NOW)
    assert pulled > newest and min(_ids(lib, pulled)) > max(kept)
    assert lib.undo() is not None
    assert _ids(lib, newest) == kept


def test_a_feed_subscribed_again_meanwhile_still_conflicts(lib: Library) -> None:
    _newest_deleted(lib)
    lib.store.add_feed("https://a.example/feed")
    with pytest.raises(StoreError, match=r"^cannot undo 'Deleted feed A \(3 articles\)'"):
        lib.undo()


def test_a_refresh_asks_for_the_first_free_id_once_per_feed_with_new_articles(
    lib: Library,
) -> None:
    """The hot path: one look per batch of new articles, none when nothing is new."""
    older, *_ = _newest_deleted(lib)
    seen: list[str] = []
    lib.store.conn.set_trace_callback(seen.append)
    try:
        lib.store.store_entries(
            older, parsed_feed(entry("b3"), entry("b4"), entry("b5"), title="B"), now=NOW + 60
        )
        asked = sum("held_ids" in s for s in seen)
        seen.clear()
        lib.store.store_entries(older, parsed_feed(entry("b3"), title="B"), now=NOW + 120)
    finally:
        lib.store.conn.set_trace_callback(None)
    assert asked == 1
    assert not any("held_ids" in s for s in seen)


def test_ids_run_on_when_nothing_recorded_was_deleted(lib: Library) -> None:
    """Deletes no undo can bring back (a refresh's, a store call's) hold no id."""
    first = _feed(lib, "https://a.example/feed", "a1", "a2", title="A")
    gone = _ids(lib, first)
    lib.store.remove_feed(first)  # not a user action: not recorded
    second = _feed(lib, "https://b.example/feed", "b1", "b2", title="B")
    assert second == first and _ids(lib, second) == gone


def test_an_upgraded_database_keeps_the_ids_its_history_holds(tmp_path: Path) -> None:
    """A feed deleted before the upgrade: its ids, read from the history, stay free."""
    path = tmp_path / "g.db"
    lib = Library(path)
    try:
        _older, newest, kept, _before = _newest_deleted(lib)
    finally:
        lib.close()
    # The database as the schema before this one left it.
    with sqlite3.connect(path) as old:
        old.execute("DROP TABLE held_ids")
        for (name,) in old.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'held_ids_%'"
        ).fetchall():
            old.execute(f"DROP TRIGGER {name}")
        old.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    old.close()
    lib = Library(path)
    try:
        assert lib.store.schema_version == SCHEMA_VERSION
        third = _feed(lib, "https://c.example/feed", "c1", title="C")
        assert third > newest and min(_ids(lib, third)) > max(kept)
        assert lib.undo() is not None
        assert _ids(lib, newest) == kept
    finally:
        lib.close()

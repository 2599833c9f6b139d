"""The cache: schema, ingest that keeps user state, counts and migrations."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from functools import partial
from pathlib import Path

import builders
import pytest

from tui.core.errors import NotFound, StoreError
from tui.core.models import Enclosure, View
from tui.core.storage import CHUNK, PAGE_SIZE, SCHEMA_VERSION, Store, in_chunks

NOW = 1_790_000_000


entry = partial(
    builders.entry,
    title="T",
    author="Ann",
    published=NOW - 3600,
    content="<p>body words</p>",
    base="https://example.org/",
)
doc = partial(builders.parsed_feed, link="https://example.org/")


def fts(store: Store, match: str) -> list[int]:
    """Article ids whose index row matches an FTS5 expression."""
    sql = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid"
    return [r[0] for r in store.conn.execute(sql, (match,))]


def test_new_database_has_current_schema_wal_and_foreign_keys(store: Store) -> None:
    assert store.schema_version == SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert store.conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 16_384
    tables = set(store.db.table_names())
    assert {"feeds", "articles", "tags", "article_tags", "feed_tags", "notes"} <= tables
    assert "saved_searches" in tables and "articles_fts" in tables


def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    Store(tmp_path / "g.db").close()
    s = Store(tmp_path / "g.db")
    assert s.schema_version == SCHEMA_VERSION
    s.close()


def test_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "g.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this Gazette"):
        Store(tmp_path / "g.db")


def test_corrupt_file_gives_store_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 200)
    with pytest.raises(StoreError, match=str(bad)):
        Store(bad)


def test_ingest_counts_and_second_identical_ingest_changes_nothing(store: Store) -> None:
    fid = store.add_feed("https://example.org/feed")
    assert store.store_entries(fid, doc(entry("a"), entry("b")), now=NOW) == (2, 0)
    before = store.conn.execute("SELECT * FROM articles ORDER BY id").fetchall()
    assert store.store_entries(fid, doc(entry("a"), entry("b")), now=NOW + 60) == (0, 0)
    assert store.conn.execute("SELECT * FROM articles ORDER BY id").fetchall() == before
    f = store.feed(fid)
    assert (f.total, f.unread, f.title) == (2, 2, "Example")


def test_updated_article_keeps_user_state_and_drops_stale_markdown(store: Store) -> None:
    fid = store.add_feed("https://example.org/feed")
    store.store_entries(fid, doc(entry("a")), now=NOW)
    (aid,) = [a.id for a in store.articles()]
    store.set_read([aid], True)
    store.set_starred([aid], True)
    store.conn.execute("INSERT INTO tags(name) VALUES ('Keep')")
    store.conn.execute("INSERT INTO article_tags VALUES (?, 1)", (aid,))
    store.conn.execute("INSERT INTO notes VALUES (?, 'my note', 1, 1)", (aid,))
    store.save_markdown([(aid, "old markdown")])

    new, updated = store.store_entries(fid, doc(entry("a", title="New title")), now=NOW + 60)
    assert (new, updated) == (0, 1)
    a = store.article(aid)
    assert a.title == "New title"
    assert a.read and a.starred and a.has_note and a.tags == ("Keep",)
    assert store.article_body(aid)[0] is None  # converted again on next open


def test_future_and_missing_dates_fall_back_to_first_seen(store: Store) -> None:
    fid = store.add_feed("https://example.org/feed")
    store.store_entries(
        fid,
        doc(entry("future", published=NOW + 10 * 365 * 86400), entry("none", published=None)),
        now=NOW,
    )
    assert {a.published for a in store.articles()} == {NOW}


def test_articles_are_newest_first_paged_and_filtered(store: Store) -> None:
    fid = store.add_feed("https://example.org/feed")
    store.store_entries(
        fid, doc(*(entry(str(i), title=f"n{i}", published=NOW - i) for i in range(10))), now=NOW
    )
    page = store.articles(limit=3, offset=2)
    assert [a.title for a in page] == ["n2", "n3", "n4"]
    assert [a.title for a in store.articles(newest_first=False, limit=2)] == ["n9", "n8"]
    store.set_read([page[0].id], True)
    assert store.count_articles(View(unread=True)) == 9
    assert store.count_articles(View(feed_id=fid)) == 10


def test_deep_pages_match_the_full_list_in_every_view(store: Store) -> None:
    tech = store.add_feed("https://a.example/feed", folder="Tech")
    other = store.add_feed("https://b.example/feed")
    for fid, n in ((tech, 700), (other, 300)):
        # Equal dates in pairs: the id breaks ties, across the 500-id chunks too.
        entries = (entry(f"{fid}-{i}", published=NOW - i // 2 * 60) for i in range(n))
        store.store_entries(fid, doc(*entries), now=NOW)
    store.set_read([a.id for a in store.articles()[::3]], True)
    for view in (View(), View(unread=True), View(folder="tech"), View(folder="tech", unread=True)):
        full = [a.id for a in store.articles(view)]
        assert len(full) == store.count_articles(view)
        assert [a.id for a in store.articles(view, limit=600, offset=150)] == full[150:750]
        tail = [a.id for a in store.articles(view, limit=50, offset=len(full) - 20)]
        assert tail == full[-20:]
        oldest = [a.id for a in store.articles(view, newest_first=False, limit=30, offset=5)]
        assert oldest == full[::-1][5:35]


def test_list_pages_are_found_from_an_index_alone(store: Store) -> None:
    """A deep OFFSET is cheap only when skipping a row needs no article row read."""
    plans = {}
    for name, where in (("all", ""), ("unread", " WHERE a.read = 0")):
        rows = store.conn.execute(
            f"EXPLAIN QUERY PLAN SELECT a.id FROM articles a{where} "
            "ORDER BY a.published DESC, a.id DESC LIMIT 10 OFFSET 10"
        ).fetchall()
        plans[name] = " ".join(r[-1] for r in rows)
    assert plans["all"] == "SCAN a USING COVERING INDEX articles_published"
    # The partial index implies read = 0, so no article row is read to skip one.
    assert plans["unread"] == "SCAN a USING INDEX articles_unread_published"


def test_one_feed_looked_up_alone_matches_the_full_list(store: Store) -> None:
    a = store.add_feed("https://a.example/feed", folder="Tech")
    b = store.add_feed("https://b.example/feed")
    empty = store.add_feed("https://c.example/feed")
    store.store_entries(a, doc(entry("x"), entry("y"), entry("z")), now=NOW)
    store.store_entries(b, doc(entry("x")), now=NOW)
    store.set_read([store.articles(View(feed_id=a))[0].id], True)
    store.set_feed_tags(a, ["News", "Daily"])
    store.set_feed_tags(b, ["Other"])
    listed = {f.id: f for f in store.feeds()}
    for fid in (a, b, empty):
        assert store.feed(fid) == listed[fid]
        assert store.find_feed(str(fid)) == listed[fid]
        assert store.find_feed(listed[fid].url) == listed[fid]
    assert (listed[a].total, listed[a].unread, listed[a].tags) == (3, 2, ("Daily", "News"))
    with pytest.raises(NotFound):
        store.feed(9999)


def test_enclosures_round_trip(store: Store) -> None:
    fid = store.add_feed("https://example.org/feed")
    enc = (Enclosure("https://example.org/a.mp3", "audio/mpeg", 1234),)
    store.store_entries(fid, doc(entry("a", enclosures=enc)), now=NOW)
    assert store.articles()[0].enclosures == enc


def test_fts_index_follows_inserts_updates_and_deletes(store: Store) -> None:
    fid = store.add_feed("https://example.org/feed")
    store.store_entries(fid, doc(entry("a", content="<p>zebra <b>crossing</b></p>")), now=NOW)
    assert len(fts(store, '"zebra"')) == 1
    assert fts(store, '"b"') == []  # markup is not indexed
    store.store_entries(fid, doc(entry("a", content="<p>giraffe</p>")), now=NOW + 1)
    assert fts(store, '"zebra"') == []
    assert len(fts(store, '"giraffe"')) == 1
    store.remove_feed(fid)
    assert fts(store, '"giraffe"') == []
    # FTS5 raises SQLITE_CORRUPT here if the index disagrees with its rows.
    store.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")


def test_remove_feed_reports_what_went(store: Store) -> None:
    fid = store.add_feed("https://example.org/feed")
    store.store_entries(fid, doc(entry("a"), entry("b")), now=NOW)
    aid = store.articles()[0].id
    store.conn.execute("INSERT INTO notes VALUES (?, 'n', 1, 1)", (aid,))
    assert store.remove_feed(fid) == (2, 1)
    assert store.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    with pytest.raises(NotFound):
        store.remove_feed(fid)


def test_duplicate_subscription_and_find_feed(store: Store) -> None:
    fid = store.add_feed("https://example.org/feed", title="Example")
    with pytest.raises(StoreError, match="already subscribed"):
        store.add_feed("https://example.org/feed")
    assert store.find_feed(str(fid)).id == fid
    assert store.find_feed("example").id == fid
    assert store.find_feed("https://example.org/feed").id == fid
    with pytest.raises(NotFound):
        store.find_feed("nope")


def test_same_guid_in_two_feeds_is_two_articles(store: Store) -> None:
    a = store.add_feed("https://a.example/feed")
    b = store.add_feed("https://b.example/feed")
    store.store_entries(a, doc(entry("same")), now=NOW)
    store.store_entries(b, doc(entry("same")), now=NOW)
    assert store.conn.execute("SELECT count(*) FROM articles").fetchone() == (2,)
    # Two articles of one story (same link): views list it once (issue 18).
    assert store.count_articles() == 1
    store.group_stories = False
    assert store.count_articles() == 2


def test_library_gives_each_thread_its_own_connection_and_closes_them_all(
    tmp_path: Path,
) -> None:
    from tui.core.library import Library

    lib = Library(tmp_path / "t.db")
    seen: list[Store] = []
    t = threading.Thread(target=lambda: seen.append(lib.store))
    t.start()
    t.join()
    assert seen[0] is not lib.store
    lib.close()  # from another thread than the worker's: must not raise
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        seen[0].conn.execute("SELECT 1")


def test_failed_write_rolls_back(store: Store) -> None:
    fid = store.add_feed("https://example.org/feed")
    bad = replace(entry("a"), title=None)  # type: ignore[arg-type]  # NOT NULL violation mid-transaction
    with pytest.raises(sqlite3.IntegrityError):
        store.store_entries(fid, doc(entry("ok"), bad), now=NOW)
    assert store.count_articles() == 0
    assert store.conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 0


def test_views_by_folder_include_subfolders_and_smart_counts(store: Store) -> None:
    a = store.add_feed("https://a.example/feed", folder="Tech")
    b = store.add_feed("https://b.example/feed", folder="Tech/Python")
    c = store.add_feed("https://c.example/feed", folder="Technology")
    # The same entries in every feed: copies of two stories, each listed
    # alone here (folders are under test; tests/core/test_stories.py groups).
    store.group_stories = False
    for fid in (a, b, c):
        store.store_entries(fid, doc(entry("x"), entry("y")), now=NOW)
    assert store.count_articles(View(folder="tech")) == 4
    assert store.count_articles(View(folder="Tech/Python")) == 2
    first = store.articles(View(feed_id=c))[0]
    store.set_starred([first.id], True)
    store.save_note(first.id, "thoughts", NOW)
    assert store.smart_counts() == {"all": 6, "unread": 6, "starred": 1, "noted": 1, "hidden": 0}
    assert [x.id for x in store.articles(View(noted=True))] == [first.id]


def test_mark_view_read_returns_ids_for_undo(store: Store) -> None:
    a = store.add_feed("https://a.example/feed")
    b = store.add_feed("https://b.example/feed")
    store.store_entries(a, doc(entry("x"), entry("y")), now=NOW)
    store.store_entries(b, doc(entry("z")), now=NOW)
    already = store.articles(View(feed_id=a))[0].id
    store.set_read([already], True)
    ids = store.mark_view_read(View(feed_id=a))
    assert len(ids) == 1 and already not in ids
    assert store.count_articles(View(unread=True)) == 1
    store.set_read(ids, False)
    assert store.count_articles(View(unread=True)) == 2


def test_notes_save_update_and_blank_deletes(store: Store) -> None:
    fid = store.add_feed("https://a.example/feed")
    store.store_entries(fid, doc(entry("x")), now=NOW)
    aid = store.articles()[0].id
    assert store.note(aid) is None
    store.save_note(aid, "first", NOW)
    store.save_note(aid, "second", NOW + 5)
    note = store.note(aid)
    assert note is not None and (note.body, note.created, note.updated) == ("second", NOW, NOW + 5)
    assert store.article(aid).has_note
    store.save_note(aid, "   \n", NOW + 9)
    assert store.note(aid) is None


def test_note_text_is_searchable_and_survives_article_updates(store: Store) -> None:
    fid = store.add_feed("https://a.example/feed")
    store.store_entries(fid, doc(entry("x")), now=NOW)
    aid = store.articles()[0].id
    store.save_note(aid, "remember the okapi", NOW)
    assert fts(store, '"okapi"') == [aid]
    store.store_entries(fid, doc(entry("x", content="<p>changed</p>")), now=NOW + 1)
    assert fts(store, '"okapi"') == [aid]
    store.save_note(aid, "", NOW)
    assert fts(store, '"okapi"') == []


def test_read_only_database_gives_a_one_line_store_error(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    Store(path).close()
    store = Store(path)
    store.conn.close()
    # The same error a read-only file gives, without relying on file modes
    # (the suite may run as root, who can write anything).
    store.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    with pytest.raises(StoreError, match=r"ro\.db: cannot write \(attempt to write a readonly"):
        store.add_feed("https://example.org/feed")
    assert store.feeds() == []


def test_same_url_and_key_in_two_feeds_get_distinct_uids(store: Store) -> None:
    # A feed moved by a 301 keeps the uids it was given under its old URL; a
    # new subscription to that old URL must not collide with them.
    moved = store.add_feed("https://example.org/old.xml")
    store.store_entries(moved, doc(entry("a")), now=NOW)
    store.conn.execute(
        "UPDATE feeds SET url = 'https://example.org/new.xml' WHERE id = ?", (moved,)
    )
    again = store.add_feed("https://example.org/old.xml")
    assert store.store_entries(again, doc(entry("a")), now=NOW) == (1, 0)
    uids = [r[0] for r in store.conn.execute("SELECT uid FROM articles")]
    assert len(set(uids)) == 2


def test_two_processes_opening_a_new_database_at_once(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "race.db"
    code = f"from tui.core.storage import Store; Store({str(path)!r}).close()"
    for _ in range(3):
        path.unlink(missing_ok=True)
        procs = [
            subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE) for _ in range(4)
        ]
        errors = [p.communicate()[1].decode() for p in procs]
        assert all(p.returncode == 0 for p in procs), errors
    s = Store(path)
    assert s.schema_version == SCHEMA_VERSION
    s.close()


# -- large id lists and retention ------------------------------------------------


def test_in_chunks_covers_every_id_once_with_one_placeholder_each() -> None:
    ids = list(range(2 * CHUNK + 1))
    parts = list(in_chunks(ids))
    assert [len(chunk) for _marks, chunk in parts] == [CHUNK, CHUNK, 1]
    assert all(marks.count("?") == len(chunk) for marks, chunk in parts)
    assert [i for _marks, chunk in parts for i in chunk] == ids
    assert list(in_chunks([])) == []


def test_id_lists_longer_than_a_chunk_keep_every_row_and_the_order(store: Store) -> None:
    n = 2 * CHUNK + 1
    feed = store.add_feed("https://example.org/feed.xml")
    entries = [entry(f"k{i}", published=NOW - i * 60) for i in range(n)]
    store.store_entries(feed, doc(*entries), now=NOW)
    listed = store.articles()
    ids = [a.id for a in listed]
    assert len(ids) == n and [a.published for a in listed] == sorted(
        (a.published for a in listed), reverse=True
    )
    assert store.set_tags(ids, add=["Big"]) == n
    assert all(a.tags == ("Big",) for a in store.articles())
    assert store.tags_on(ids) == [("Big", n)]
    assert [a.id for a in store.articles_by_id(list(reversed(ids)))] == ids
    assert store.article_feed_ids(ids) == dict.fromkeys(ids, feed)
    changed, unchanged, missing = store.set_flag([*ids, 10**9], "read", True)
    assert (changed, unchanged, missing) == (ids, [], [10**9])
    store.set_read(ids[:3], False)
    assert store.unread_among(ids) == ids[:3]


def test_one_feeds_cleanup_candidates_are_the_global_rules_on_that_feed(store: Store) -> None:
    a = store.add_feed("https://a.example/feed.xml")
    b = store.add_feed("https://b.example/feed.xml")
    for feed in (a, b):
        old = [entry(f"o{i}", published=NOW - 10 * 86400 - i) for i in range(3)]
        new = [entry(f"n{i}", published=NOW - i) for i in range(3)]
        store.store_entries(feed, doc(*old, *new), now=NOW - 20 * 86400)
    ids = {f: [x.id for x in store.articles(View(feed_id=f))] for f in (a, b)}
    store.set_read([*ids[a], *ids[b]], True)
    store.set_starred([ids[a][-1]], True)  # protected: never a candidate
    for rules in (
        {"older_than": NOW - 5 * 86400, "max_per_feed": 0},
        {"older_than": None, "max_per_feed": 2},
        {"older_than": NOW - 5 * 86400, "max_per_feed": 4},
    ):
        everywhere = set(store.cleanup_candidates(**rules))
        for feed in (a, b):
            alone = store.cleanup_candidates(feed_id=feed, **rules)
            assert alone and set(alone) == everywhere & set(ids[feed])
    assert ids[a][-1] not in everywhere

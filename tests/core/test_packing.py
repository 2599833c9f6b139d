"""Schema 4: packed article texts, and a contentless index that stays exact.

The index keeps no copy of the text, so every removal hands it the values it
was given; a wrong value would corrupt it.  ``assert_index_exact`` compares
every (word, article, column, position) of the live index with an index
built afresh from what the rows hold, after each kind of write.
"""

from __future__ import annotations

import shutil
import sqlite3
import struct
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
import zstandard

from tui.core.library import Library
from tui.core.models import ParsedEntry, ParsedFeed
from tui.core.storage import Store
from tui.core.storage.packing import Texts, pack, unpack, with_markdown, words_and_packs

NOW = 1_700_000_000
DBS = Path(__file__).parent.parent / "fixtures" / "db"


def entry(key: str, *, title: str = "", content: str = "<p>zebra</p>") -> ParsedEntry:
    return ParsedEntry(
        key=key,
        guid=key,
        url=f"https://example.org/{key}",
        title=title or f"title {key}",
        author="Ann Author",
        published=NOW,
        updated=None,
        summary=None,
        content=content,
        base=None,
    )


def doc(*entries: ParsedEntry) -> ParsedFeed:
    return ParsedFeed(kind="rss20", title="Feed", link=None, entries=entries)


def index_instances(conn: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
    conn.execute(f"DROP TABLE IF EXISTS temp.vocab_{table}")
    conn.execute(
        f"CREATE VIRTUAL TABLE temp.vocab_{table} USING fts5vocab(main, {table}, instance)"
    )
    return conn.execute(
        f"SELECT term, doc, col, offset FROM temp.vocab_{table} ORDER BY 1, 2, 3, 4"
    ).fetchall()


def assert_index_exact(store: Store) -> None:
    """The live index holds exactly what the rows hold: titles, authors, packed
    words (with the full text's, schema 6), notes."""
    conn = store.conn
    conn.execute("DROP TABLE IF EXISTS main.fts_expected")
    conn.execute(
        "CREATE VIRTUAL TABLE main.fts_expected USING fts5(title, author, body, note, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    conn.execute(
        "INSERT INTO fts_expected(rowid, title, author, body, note) "
        "SELECT a.id, a.title, a.author, gazette_index_words(a.body, f.body), n.body "
        "FROM articles a LEFT JOIN notes n ON n.article_id = a.id "
        "LEFT JOIN full_texts f ON f.article_id = a.id"
    )
    try:
        assert index_instances(conn, "articles_fts") == index_instances(conn, "fts_expected")
        docs = conn.execute("SELECT rowid FROM articles_fts ORDER BY rowid").fetchall()
        assert docs == conn.execute("SELECT id FROM articles ORDER BY id").fetchall()
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    finally:
        conn.execute("DROP TABLE main.fts_expected")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "p.db")
    yield s
    s.close()


def hits(store: Store, word: str) -> list[int]:
    sql = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid"
    return [r[0] for r in store.conn.execute(sql, (f'"{word}"',))]


# -- the packed value ------------------------------------------------------------


@pytest.mark.parametrize(
    "texts",
    [
        Texts("<p>café — ☕</p>", "café ☕", "café — ☕"),
        Texts(None, "", None),
        Texts("", "", ""),
        Texts("<p>a\x00b</p>", "a b", None),
    ],
)
def test_pack_round_trips_every_text_and_tells_none_from_empty(texts: Texts) -> None:
    assert unpack(pack(*texts)) == texts


def test_pack_compresses_and_markdown_can_be_replaced() -> None:
    html = "<p>" + "The quick brown fox jumps over the lazy dog. " * 80 + "</p>"
    body = pack(html, html[3:-4])
    assert len(body) < len(html) // 4
    assert unpack(with_markdown(body, "# md")) == Texts(html, html[3:-4], "# md")
    assert unpack(with_markdown(with_markdown(body, "# md"), None)).markdown is None


ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


@pytest.mark.parametrize(
    "junk",
    [
        b"",
        b"not zlib",
        b"x\x9c\x03\x00",  # zlib, but of nothing
        ZSTD_MAGIC,
        ZSTD_MAGIC + b"not a frame",
        zstandard.ZstdCompressor().compress(b"\x07 not the layout"),
        zlib.compress(b"\x01\x05\x00\x00\x00ab"),  # a length past the end
    ],
)
def test_unpack_refuses_what_pack_did_not_make(junk: bytes) -> None:
    with pytest.raises(ValueError, match="packed article body"):
        unpack(junk)


def zlib_pack(html: str | None, words: str, markdown: str | None) -> bytes:
    """A body as versions before Zstandard packed it (the same layout, zlib)."""
    parts = [b"\x01"]
    for text in (html, words, markdown):
        raw = None if text is None else text.encode("utf-8")
        parts += [b"\xff\xff\xff\xff"] if raw is None else [struct.pack("<I", len(raw)), raw]
    return zlib.compress(b"".join(parts), 1)


def test_pack_writes_zstandard_and_unpack_still_reads_zlib() -> None:
    texts = Texts("<p>café " * 50 + "</p>", "café " * 50, None)
    assert pack(*texts)[:4] == ZSTD_MAGIC
    old = zlib_pack(*texts)
    assert old[:1] == b"\x78" and unpack(old) == texts
    assert unpack(with_markdown(old, "# md")) == texts._replace(markdown="# md")
    assert with_markdown(old, "# md")[:4] == ZSTD_MAGIC


def test_pack_and_unpack_from_many_threads_at_once() -> None:
    """zstandard's (de)compressors are not thread-safe: each thread has its own."""
    texts = [Texts(f"<p>{i} " * (i + 50) + "</p>", f"{i} " * (i + 50), None) for i in range(64)]

    def round_trip(t: Texts) -> bool:
        return all(unpack(pack(*t)) == t for _ in range(50))

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(round_trip, texts))


def test_a_schema_4_database_of_zlib_bodies_reads_and_changes_exactly(tmp_path: Path) -> None:
    """Schema 4 databases written before Zstandard keep their zlib bodies: no
    migration; an article repacks as Zstandard when its texts change."""
    path = tmp_path / "v4.db"
    shutil.copy(DBS / "schema-v4.db", path)
    lib = Library(path)
    try:
        store = lib.store
        (aid, body) = store.conn.execute("SELECT id, body FROM articles").fetchone()
        assert body[:1] == b"\x78"  # zlib
        html = unpack(body).html
        assert html is not None and store.article_body(aid)[1] == html
        store.save_markdown([(aid, "# converted")])
        (body,) = store.conn.execute("SELECT body FROM articles WHERE id = ?", (aid,)).fetchone()
        assert body[:4] == ZSTD_MAGIC and unpack(body).html == html
        assert store.article_body(aid)[0] == "# converted"
        assert_index_exact(store)
    finally:
        lib.close()


def test_an_article_with_a_zlib_body_leaves_the_index_exactly(tmp_path: Path) -> None:
    """The delete trigger hands the index the words of a zlib body too."""
    path = tmp_path / "v4.db"
    shutil.copy(DBS / "schema-v4.db", path)
    lib = Library(path)
    try:
        store = lib.store
        (aid, body) = store.conn.execute("SELECT id, body FROM articles").fetchone()
        assert body[:1] == b"\x78"
        assert_index_exact(store)
        assert store.remove_articles([aid], NOW) == 1
        assert_index_exact(store)
    finally:
        lib.close()


# -- the contentless index stays exact ------------------------------------------------


def test_index_follows_inserts_updates_notes_and_removals(store: Store) -> None:
    fid = store.add_feed("https://example.org/feed")
    store.store_entries(fid, doc(entry("a"), entry("b", content="<p>okapi</p>")), now=NOW)
    a, b = sorted(x.id for x in store.articles())
    store.save_note(a, "my zebra note", NOW)
    assert_index_exact(store)
    # A changed title and body: removed with the old values, added with the new.
    store.store_entries(
        fid, doc(entry("a", title="Giraffe", content="<p>lion</p>"), entry("b")), now=NOW + 1
    )
    assert_index_exact(store)
    assert hits(store, "lion") == [a] and hits(store, "giraffe") == [a]
    assert hits(store, "zebra") == [a, b]  # a by its note, b by its new body
    store.save_note(a, "now about a tapir", NOW + 2)
    assert_index_exact(store)
    assert hits(store, "tapir") == [a] and hits(store, "zebra") == [b]
    store.save_note(a, "  ", NOW + 3)  # blank: the note goes
    assert_index_exact(store)
    assert hits(store, "tapir") == []
    store.save_note(b, "kept", NOW)
    store.remove_articles([b], NOW)
    assert_index_exact(store)
    store.remove_feed(fid)
    assert_index_exact(store)
    assert store.conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 0


def test_notes_written_by_plain_sql_keep_the_index_exact(store: Store) -> None:
    """Triggers on notes, not the caller, keep the note column right."""
    fid = store.add_feed("https://example.org/feed")
    store.store_entries(fid, doc(entry("a")), now=NOW)
    (aid,) = [x.id for x in store.articles()]
    store.conn.execute("INSERT INTO notes VALUES (?, 'aardvark', 1, 1)", (aid,))
    assert hits(store, "aardvark") == [aid]
    store.conn.execute("UPDATE notes SET body = 'badger' WHERE article_id = ?", (aid,))
    assert_index_exact(store)
    store.store_entries(fid, doc(entry("a", content="<p>new</p>")), now=NOW + 1)
    assert_index_exact(store)
    assert hits(store, "badger") == [aid]
    store.conn.execute("DELETE FROM articles WHERE id = ?", (aid,))
    assert_index_exact(store)
    assert store.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 0


def test_an_article_changed_twice_in_one_batch_leaves_the_index_exact(store: Store) -> None:
    """Index rows of a batch are written at commit, in order: the second change
    removes what the first one added."""
    fid = store.add_feed("https://example.org/feed")
    store.store_entries(fid, doc(entry("a", content="<p>one</p>")), now=NOW)
    store.begin_batch()
    store.store_entries(fid, doc(entry("a", content="<p>two</p>")), now=NOW + 1)
    store.store_entries(fid, doc(entry("a", content="<p>three</p>")), now=NOW + 2)
    store.commit_batch()
    assert_index_exact(store)
    assert hits(store, "three") and not hits(store, "two") and not hits(store, "one")


def test_a_connection_without_the_functions_cannot_delete_an_article(tmp_path: Path) -> None:
    """The sqlite3 shell fails to delete rather than corrupting the index."""
    store = Store(tmp_path / "p.db")
    fid = store.add_feed("https://example.org/feed")
    store.store_entries(fid, doc(entry("a")), now=NOW)
    store.close()
    conn = sqlite3.connect(tmp_path / "p.db")
    with pytest.raises(sqlite3.OperationalError, match="gazette_index_words"):
        conn.execute("DELETE FROM articles")
    conn.close()


def test_markdown_is_kept_in_the_body_and_dropped_on_update(store: Store) -> None:
    fid = store.add_feed("https://example.org/feed")
    store.store_entries(fid, doc(entry("a"), entry("b")), now=NOW)
    a, b = sorted(x.id for x in store.articles())
    assert [r[0] for r in store.unconverted(10)] == [b, a]
    store.save_markdown([(a, "zebra *md*")])
    assert store.article_body(a) == ("zebra *md*", "<p>zebra</p>", None)
    assert [r[0] for r in store.unconverted(10)] == [b]
    store.store_entries(fid, doc(entry("a", content="<p>new</p>"), entry("b")), now=NOW + 1)
    assert store.article_body(a) == (None, "<p>new</p>", None)
    assert_index_exact(store)


# -- migrating to schema 4 ---------------------------------------------------------------


def test_schema_3_database_is_packed_in_place_and_shrinks(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    shutil.copy(DBS / "schema-v3.db", path)
    old = sqlite3.connect(path)
    (art_id, html, md) = old.execute("SELECT id, content_html, content_md FROM articles").fetchone()
    old.close()
    before = path.stat().st_size
    lib = Library(path)
    try:
        assert lib.store.conn.execute("PRAGMA freelist_count").fetchone()[0] == 0  # vacuumed
        assert lib.store.article_body(art_id)[:2] == (md, html)
        columns = {r[1] for r in lib.store.conn.execute("PRAGMA table_info(articles)")}
        assert {"body", "converted"} <= columns and "content_html" not in columns
        assert_index_exact(lib.store)
        (fts_sql,) = lib.store.conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'articles_fts'"
        ).fetchone()
        assert "content = ''" in fts_sql
        assert lib.store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        # Schema 5 then adds the (empty) sync tables and indexes, schema 6 the
        # full texts, the undo history and the rules their tables, the stories
        # their indexes: a page each; the triggers of schema 6, the rules and
        # the stories take up to three pages of the schema table (counted
        # below: it splits once the test writes), the history's triggers as
        # many as their text fills.
        later = lib.store.conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE rootpage > 0 AND (tbl_name IN "
            "('accounts', 'remote_items', 'sync_queue', 'sync_flags', 'sqlite_sequence', "
            "'full_texts', 'history_actions', 'history_log', 'history_flags', "
            "'rules', 'rule_hits') "
            "OR name IN ('feeds_remote', 'articles_story', 'articles_link_key', "
            "'articles_title_key'))"
        ).fetchone()[0]
        page = lib.store.conn.execute("PRAGMA page_size").fetchone()[0]
        history_sql = lib.store.conn.execute(
            "SELECT sum(length(sql)) FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'history%'"
        ).fetchone()[0]
        later += history_sql // page + 1
    finally:
        lib.close()
    assert path.stat().st_size - (later + 3) * page < before


# -- schema 6: full texts beside the feed's version --------------------------------


def test_a_full_text_joins_the_index_and_outlives_refreshes(store: Store) -> None:
    fid = store.add_feed("https://example.org/feed")
    store.store_entries(fid, doc(entry("a"), entry("b")), now=NOW)
    a, b = sorted(x.id for x in store.articles())
    store.save_note(a, "a noted narwhal", NOW)
    store.save_full_text(a, "https://example.org/a", "# Whole\n\nmeerkat", "Whole meerkat", NOW)
    assert_index_exact(store)
    assert hits(store, "meerkat") == [a] and hits(store, "zebra") == [a, b]
    # A refresh that changes the summary keeps the full text, and its words.
    store.store_entries(fid, doc(entry("a", content="<p>lion</p>"), entry("b")), now=NOW + 1)
    assert_index_exact(store)
    assert hits(store, "meerkat") == [a] and hits(store, "lion") == [a]
    assert hits(store, "zebra") == [b]
    full = store.full_text(a)
    assert full is not None and full.markdown == "# Whole\n\nmeerkat" and full.shown
    # Stored again (a new fetch): the old words go.
    store.save_full_text(a, "https://example.org/a", "walrus", "walrus", NOW + 2)
    assert_index_exact(store)
    assert hits(store, "meerkat") == [] and hits(store, "walrus") == [a]
    # Notes change under it, in a batch too.
    store.save_note(a, "now a newt", NOW + 3)
    store.begin_batch()
    store.store_entries(fid, doc(entry("a", content="<p>tiger</p>"), entry("b")), now=NOW + 4)
    store.commit_batch()
    assert_index_exact(store)
    assert hits(store, "newt") == [a] and hits(store, "walrus") == [a]
    store.drop_full_text(a)
    assert_index_exact(store)
    assert hits(store, "walrus") == [] and hits(store, "tiger") == [a]
    store.save_full_text(b, "https://example.org/b", "okapi", "okapi", NOW)
    store.remove_articles([b], NOW)
    assert_index_exact(store)
    store.save_full_text(a, "https://example.org/a", "walrus", "walrus", NOW + 5)
    store.remove_feed(fid)
    assert_index_exact(store)
    assert store.conn.execute("SELECT count(*) FROM full_texts").fetchone()[0] == 0


def test_a_failed_fetch_is_remembered_but_never_replaces_a_full_text(store: Store) -> None:
    fid = store.add_feed("https://example.org/feed")
    store.store_entries(fid, doc(entry("a"), entry("b")), now=NOW)
    a, b = sorted(x.id for x in store.articles())
    store.save_full_text_error(a, "https://example.org/a", "HTTP 404 Not Found", NOW)
    got = store.full_text(a)
    assert got is not None and got.error == "HTTP 404 Not Found" and got.markdown is None
    assert store.full_text_state(a)[0] is None
    assert not store.show_full_text(a, True)  # nothing to show
    store.save_full_text(b, "https://example.org/b", "okapi", "okapi", NOW)
    store.save_full_text_error(b, "https://example.org/b", "timed out", NOW + 1)
    kept = store.full_text(b)
    assert kept is not None and kept.markdown == "okapi" and kept.error is None
    assert store.full_text_state(b)[0] == "okapi"
    assert store.show_full_text(b, False) and store.full_text_state(b)[0] is None
    assert store.show_full_text(b, True) and store.full_text_state(b)[0] == "okapi"
    assert_index_exact(store)


def test_the_articles_wanting_a_full_text_are_those_of_feeds_set_to_always(store: Store) -> None:
    always = store.add_feed("https://example.org/always")
    other = store.add_feed("https://example.org/other")
    store.store_entries(always, doc(entry("a"), entry("b"), entry("c")), now=NOW)
    store.store_entries(other, doc(entry("d")), now=NOW)
    store.update_feed_settings(always, {"full_text": "always"})
    ids = {x.url: x.id for x in store.articles()}
    store.save_full_text(ids["https://example.org/a"], "u", "m", "w", NOW)
    store.save_full_text_error(ids["https://example.org/b"], "u", "HTTP 404", NOW)
    assert store.wanting_full_text(10) == [
        (ids["https://example.org/c"], "https://example.org/c", "https://example.org/always")
    ]
    store.update_feed_settings(always, {"full_text": "on_open"})
    assert store.wanting_full_text(10) == []


def test_words_and_packs_made_apart_are_what_the_store_makes(tmp_path: Path) -> None:
    """A sync makes new articles' words and packed bodies in a worker process
    (``words_and_packs``) and hands them to ``store_entries``: the rows, the
    index and search are then those of entries the store packs itself."""
    bodies = ["<p>zebra <b>okapi</b></p><script>x()</script>", None, "plain &amp; tapir"]
    made = words_and_packs(bodies)
    expected = [Texts(b, w, None) for b, (w, _) in zip(bodies, made, strict=True)]
    assert [unpack(v) for _, v in made] == expected
    assert [w for w, _ in made] == ["zebra okapi", "", "plain & tapir"]

    def entries(words: list[str | None]) -> ParsedFeed:
        return doc(
            *(
                replace(entry(f"k{n}", content=body or ""), content=body, words=w)
                for n, (body, w) in enumerate(zip(bodies, words, strict=True))
            )
        )

    apart, itself = Store(tmp_path / "apart.db"), Store(tmp_path / "itself.db")
    for s in (apart, itself):
        s.add_feed("https://example.org/feed")
    packed = {f"k{n}": v for n, (_, v) in enumerate(made)}
    apart.store_entries(1, entries([w for w, _ in made]), now=NOW, packed=packed)
    itself.store_entries(1, entries([None] * 3), now=NOW)
    rows = "SELECT key, title, body, version FROM articles ORDER BY key"
    assert apart.conn.execute(rows).fetchall() == itself.conn.execute(rows).fetchall()
    assert_index_exact(apart)
    assert hits(apart, "okapi") == hits(itself, "okapi") == [1]
    # The value given is the one written, not made again.
    given = doc(replace(entry("k9"), words="elephant"))
    apart.store_entries(1, given, now=NOW, packed={"k9": pack("<p>zebra</p>", "elephant")})
    (k9,) = [r[0] for r in apart.conn.execute("SELECT id FROM articles WHERE key = 'k9'")]
    assert hits(apart, "elephant") == [k9]
    assert_index_exact(apart)
    apart.close()
    itself.close()

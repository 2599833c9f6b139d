"""Duplicate stories (issue 18): found at ingest, listed once, read, starred
and tagged as one, and a setting that turns it off.  Feeds come from the
loopback server through the real refresh pipeline."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import rss_feed, rss_item
from feedserver import FeedServer

from tui.core.library import FetchSettings, Library
from tui.core.models import View
from tui.core.storage import SCHEMA_VERSION
from tui.core.stories import canonical_link, story_keys, title_key

NOW = 1_773_000_000
DAY = "Tue, 03 Mar 2026 10:00:00 GMT"
DBS = Path(__file__).parent.parent / "fixtures" / "db"


# -- the pure rules -----------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "https://www.Example.org/news/story/?utm_source=rss&utm_medium=feed",
            "http://example.org/news/story",
        ),
        ("https://example.org/a?id=3&fbclid=x#comments", "https://example.org/a?id=3"),
        ("https://example.org/a?gclid=1&mc_cid=2&mc_eid=3&ref=hn", "https://example.org/a"),
        ("https://example.org/a?b=2&a=1", "https://example.org/a?a=1&b=2"),
        ("https://EXAMPLE.org:443/a", "https://example.org/a"),
        ("https://example.org/a?UTM_Campaign=x", "https://example.org/a"),
    ],
)
def test_links_that_name_one_story_are_one_canonical_link(a: str, b: str) -> None:
    assert canonical_link(a) == canonical_link(b) is not None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.org/a?id=3", "https://example.org/a?id=4"),
        ("https://example.org/A", "https://example.org/a"),  # paths keep their case
        ("https://example.org:8080/a", "https://example.org/a"),
        ("https://example.org/a", "https://example.com/a"),
    ],
)
def test_links_of_different_stories_stay_apart(a: str, b: str) -> None:
    assert canonical_link(a) != canonical_link(b)


@pytest.mark.parametrize(
    "url", [None, "", "mailto:x@example.org", "javascript:alert(1)", "https://[::1/x", "/a/b"]
)
def test_what_is_no_web_link_has_no_canonical_form(url: str | None) -> None:
    assert canonical_link(url) is None


def test_titles_fold_case_and_punctuation_and_short_ones_are_not_keys() -> None:
    assert title_key("Linux 6.9 Released!") == title_key("linux 6 9 — released") is not None
    assert title_key("Weekly links") is None
    assert title_key(None) is None
    assert story_keys(None, "") == (None, None)
    link, title = story_keys("https://example.org/a", "One two three")
    assert isinstance(link, int) and isinstance(title, int)
    assert -(2**63) <= link < 2**63


# -- through the refresh pipeline ---------------------------------------------


def item(key: str, title: str, link: str, date: str = DAY) -> str:
    return rss_item(key, title, link=link, date=date, body=f"<p>{title} body</p>")


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    lib = Library(
        tmp_path / "s.db",
        clock=lambda: NOW,
        fetch=FetchSettings(total_timeout=5.0, connect_timeout=2.0),
    )
    yield lib
    lib.close()


@pytest.fixture
def two_feeds(lib: Library, feed_server: FeedServer) -> tuple[int, int]:
    """Feed A and feed B, B carrying A's first story with other tracking
    parameters, a same-titled story a day later (within the window) and one
    a week later (outside it)."""
    feed_server.page(
        "/a.xml",
        rss_feed(
            item("a1", "Kestrels return to the city", "https://news.example/k?utm_source=a"),
            item("a2", "The council votes on the bridge", "https://news.example/bridge"),
            item("a3", "Weather for the weekend ahead", "https://news.example/weather"),
            title="Feed A",
        ),
    )
    feed_server.page(
        "/b.xml",
        rss_feed(
            item("b1", "Kestrels are back", "https://www.news.example/k/?fbclid=zz#top"),
            item(
                "b2",
                "The Council votes on the bridge!",
                "https://agg.example/123",
                "Wed, 04 Mar 2026 09:00:00 GMT",
            ),
            item(
                "b3",
                "Weather for the weekend ahead",
                "https://agg.example/456",
                "Tue, 10 Mar 2026 10:00:00 GMT",
            ),
            title="Feed B",
        ),
    )
    a = lib.store.add_feed(feed_server.url("/a.xml"))
    lib.refresh([a])
    b = lib.store.add_feed(feed_server.url("/b.xml"))
    lib.refresh([b])
    return a, b


def ids(lib: Library, **view: object) -> dict[str, int]:
    return {a.title: a.id for a in lib.articles(View(**view))}  # type: ignore[arg-type]


def test_refresh_groups_same_link_and_same_title_within_the_window(
    lib: Library, two_feeds: tuple[int, int]
) -> None:
    a, b = two_feeds
    rows = dict(
        lib.store.conn.execute(
            "SELECT key, coalesce(story_id, id) FROM articles ORDER BY id"
        ).fetchall()
    )
    assert rows["b1"] == rows["a1"]  # same link, other tracking parameters
    assert rows["b2"] == rows["a2"]  # same title a day later
    assert rows["b3"] != rows["a3"]  # same title a week later: another story
    # The story is listed once, as the first copy, with the other feed named.
    listed = lib.articles()
    assert [x.title for x in listed].count("Kestrels are back") == 0
    kestrels = next(x for x in listed if x.title == "Kestrels return to the city")
    assert kestrels.also_in == ("Feed B",)
    assert len(listed) == 4
    assert lib.count_articles() == 4
    assert lib.smart_counts()["all"] == 4 and lib.smart_counts()["unread"] == 4
    # A feed's own view lists its own copy, naming the first feed.
    own = {x.title: x for x in lib.articles(View(feed_id=b))}
    assert set(own) == {
        "Kestrels are back",
        "The Council votes on the bridge!",
        "Weather for the weekend ahead",
    }
    assert own["Kestrels are back"].also_in == ("Feed A",)
    assert lib.article(own["Kestrels are back"].id).also_in == ("Feed A",)
    # Per-feed counts are each feed's own copies.
    assert {f.id: f.unread for f in lib.feeds()} == {a: 3, b: 3}


def test_a_second_refresh_keeps_the_grouping(lib: Library, two_feeds: tuple[int, int]) -> None:
    before = lib.store.conn.execute("SELECT id, story_id FROM articles ORDER BY id").fetchall()
    lib.refresh()
    after = lib.store.conn.execute("SELECT id, story_id FROM articles ORDER BY id").fetchall()
    assert before == after


def test_reading_starring_and_tagging_act_on_every_copy(
    lib: Library, two_feeds: tuple[int, int]
) -> None:
    _, b = two_feeds
    copy = ids(lib, feed_id=b)["Kestrels are back"]
    first = ids(lib)["Kestrels return to the city"]
    change = lib.set_read([copy])
    assert set(change.changed) == {copy, first}
    assert lib.article(first).read and lib.article(copy).read
    assert "Kestrels return to the city" not in ids(lib, unread=True)
    lib.set_starred([first])
    assert lib.article(copy).starred
    assert lib.smart_counts()["starred"] == 1
    assert lib.set_tags([first], add=["birds"]) == 1
    assert lib.article(copy).tags == ("birds",)
    lib.set_tags([copy], remove=["birds"])
    assert lib.article(first).tags == ()


def test_marking_a_view_read_reads_the_copies_it_hides(
    lib: Library, two_feeds: tuple[int, int]
) -> None:
    _, b = two_feeds
    lib.mark_view_read(View())
    assert lib.count_articles(View(feed_id=b, unread=True)) == 0


def test_search_finds_each_story_once(lib: Library, two_feeds: tuple[int, int]) -> None:
    _, b = two_feeds
    found = [a.title for a in lib.search("bridge").articles]
    assert found == ["The council votes on the bridge"]
    assert lib.count_articles(View(query="kestrels")) == 1
    # A copy that matches alone is still found.
    assert [a.title for a in lib.search("back").articles] == ["Kestrels are back"]
    assert lib.search(f"feed:{b} bridge").articles[0].title == "The Council votes on the bridge!"


def test_the_setting_off_lists_and_acts_on_every_copy(
    lib: Library, two_feeds: tuple[int, int]
) -> None:
    off = Library(lib.db_path, clock=lambda: NOW, group_stories=False)
    try:
        listed = off.articles()
        assert len(listed) == 6
        assert all(a.also_in == () for a in listed)
        assert off.smart_counts()["all"] == 6
        assert len(off.search("bridge").articles) == 2
        first = next(a.id for a in listed if a.title == "Kestrels return to the city")
        assert off.set_read([first]).changed == (first,)
        assert off.count_articles(View(unread=True)) == 5
    finally:
        off.close()


def test_deleting_the_first_copy_makes_the_next_one_first(
    lib: Library, two_feeds: tuple[int, int]
) -> None:
    a, _ = two_feeds
    lib.remove_feed(str(a))
    assert lib.store.conn.execute(
        "SELECT count(*) FROM articles WHERE story_id IS NOT NULL"
    ).fetchone() == (0,)
    assert len(lib.articles()) == 3
    assert all(x.also_in == () for x in lib.articles())


def test_the_migration_groups_an_existing_database(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(DBS / "schema-v6.db", path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    # A second feed with a copy of the fixture's article, and an unrelated one.
    (url, title, published) = conn.execute("SELECT url, title, published FROM articles").fetchone()
    conn.execute(
        "INSERT INTO feeds(id, url, title, added) VALUES (99, 'https://b.example/', 'B', 0)"
    )
    for n, (link, t) in enumerate(
        [(url + "?utm_medium=x", "Another title"), ("https://b.example/z", title)]
    ):
        conn.execute(
            "INSERT INTO articles(uid, feed_id, key, published, first_seen, version, url, "
            "title, body) SELECT ?, 99, ?, ?, 0, 'v', ?, ?, body FROM articles LIMIT 1",
            (f"copy{n}", f"k{n}", published + 3600 * n, link, t),
        )
    conn.commit()
    conn.close()
    lib = Library(path)
    try:
        assert lib.store.schema_version == SCHEMA_VERSION
        rows = lib.store.conn.execute("SELECT id, story_id FROM articles ORDER BY id").fetchall()
        first = rows[0][0]
        assert rows[1:] == [(rows[1][0], first), (rows[2][0], first)]
        (listed,) = lib.articles()
        assert listed.id == first and listed.also_in == ("B",)
        assert listed.read and listed.starred  # user state untouched
    finally:
        lib.close()


def test_a_folder_lists_a_copy_whose_first_copy_is_elsewhere(
    lib: Library, two_feeds: tuple[int, int]
) -> None:
    a, b = two_feeds
    lib.store.conn.execute("UPDATE feeds SET folder = 'Birds' WHERE id = ?", (b,))
    assert len(lib.articles(View(folder="Birds"))) == 3  # B's own copies: A is elsewhere
    assert lib.count_articles(View(folder="Birds", unread=True)) == 3
    lib.store.conn.execute("UPDATE feeds SET folder = 'Birds' WHERE id = ?", (a,))
    assert len(lib.articles(View(folder="Birds"))) == 4  # now each story once
    assert len(lib.articles(View(folder="Birds"), limit=2)) == 2  # the walk's page too

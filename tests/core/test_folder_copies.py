"""A folder's unread count with duplicate stories (issue 18): the feed list
sums its feeds' unread counts, which hold every copy of a story, while the
folder's view lists the story once.  ``Library.folder_unread_copies`` is what
the sum must lose so that the badge is what the view lists as unread."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import rss_feed, rss_item
from feedserver import FeedServer

from tui.core import folders, rule_actions
from tui.core.library import FetchSettings, Library
from tui.core.models import View

NOW = 1_773_000_000
DAY = "Tue, 03 Mar 2026 10:00:00 GMT"
KESTRELS = ("Kestrels return to the city", "https://news.example/kestrels")
BRIDGE = ("The council votes on the bridge", "https://news.example/bridge")


@pytest.fixture
def lib(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    """Feeds A, B and C, refreshed in that order: all three carry the kestrels
    story (A's copy first), A and B the bridge story, and each one story of its own."""
    lib = Library(
        tmp_path / "f.db",
        clock=lambda: NOW,
        fetch=FetchSettings(total_timeout=5.0, connect_timeout=2.0),
    )
    carried = {"A": (KESTRELS, BRIDGE), "B": (KESTRELS, BRIDGE), "C": (KESTRELS,)}
    for name, stories in carried.items():
        own = (f"Only in feed {name} today", f"https://{name.lower()}.example/own")
        feed_server.page(
            f"/{name}.xml",
            rss_feed(
                *(
                    rss_item(f"{name}{n}", title, link=link, date=DAY, body=f"<p>{title}</p>")
                    for n, (title, link) in enumerate((*stories, own))
                ),
                title=f"Feed {name}",
            ),
        )
        lib.refresh([lib.store.add_feed(feed_server.url(f"/{name}.xml"))])
    yield lib
    lib.close()


def feed_ids(lib: Library) -> dict[str, int]:
    return {f.title: f.id for f in lib.feeds()}


def file(lib: Library, **where: str) -> None:
    """File feeds (by letter) under folders ("" for none)."""
    ids = feed_ids(lib)
    for name, folder in where.items():
        lib.store.set_feed_folder(ids[f"Feed {name}"], folder or None)


def badges(lib: Library) -> dict[str, int]:
    """Each folder's badge as the feed list makes it: its feeds' unread
    counts summed (subfolders' too), less the copies counted twice."""
    feeds = lib.feeds()
    copies = lib.folder_unread_copies()
    return {
        path: sum(f.unread for f in feeds if folders.contains(path, f.folder))
        - copies.get(folders.key(path), 0)
        for path in lib.folders()
    }


def listed(lib: Library) -> dict[str, int]:
    """Each folder's unread count as its view lists it."""
    return {path: lib.count_articles(View(folder=path, unread=True)) for path in lib.folders()}


def test_a_folder_counts_a_story_its_feeds_share_once(lib: Library) -> None:
    file(lib, A="News", B="News", C="Other")
    assert {f.title: f.unread for f in lib.feeds()} == {"Feed A": 3, "Feed B": 3, "Feed C": 2}
    # B's kestrels and bridge are copies of A's: the folder lists 4 stories, not 6.
    assert lib.folder_unread_copies() == {"news": 2}
    assert badges(lib) == listed(lib) == {"News": 4, "Other": 2}


def test_reading_a_story_moves_the_correction_with_it(lib: Library) -> None:
    file(lib, A="News", B="News", C="News")
    assert lib.folder_unread_copies() == {"news": 3}
    assert badges(lib) == listed(lib) == {"News": 5}
    (first,) = (a.id for a in lib.articles() if a.title == KESTRELS[0])
    lib.set_read([first])  # with its copies in B and C
    assert lib.folder_unread_copies() == {"news": 1}
    assert badges(lib) == listed(lib) == {"News": 4}
    lib.set_read([first], False)
    assert badges(lib) == listed(lib) == {"News": 5}


def test_a_folder_holds_its_subfolders_copies(lib: Library) -> None:
    file(lib, A="News/World", B="news/Local", C="Other/Deep")
    # Both feeds are in News (spelled two ways): the copies count there only.
    assert lib.folder_unread_copies() == {"news": 2}
    assert badges(lib) == listed(lib)
    assert listed(lib) == {
        "News": 4,
        "News/Local": 3,
        "News/World": 3,
        "Other": 2,
        "Other/Deep": 2,
    }


def test_a_copy_whose_first_copy_is_elsewhere_counts(lib: Library) -> None:
    file(lib, A="", B="News/Local", C="News")
    # A, with the first copies, is in no folder: B's and C's copies both show in
    # News, each listed (a copy is hidden only behind its story's first copy).
    assert lib.folder_unread_copies() == {}
    assert badges(lib) == listed(lib) == {"News": 5, "News/Local": 3}


def test_a_rule_hiding_the_first_copy_lets_the_copy_count(lib: Library) -> None:
    file(lib, A="News", B="News", C="News")
    a = feed_ids(lib)["Feed A"]
    rule = lib.add_rule("kestrels", rule_actions(hide=True), feed_id=a)
    lib.apply_rules([rule.id])
    # A's kestrels is hidden (in no count), so B's and C's copies are listed;
    # only B's bridge is still behind its first copy.
    assert lib.folder_unread_copies() == {"news": 1}
    assert badges(lib) == listed(lib) == {"News": 6}
    lib.set_rule_enabled(rule.id, False)
    assert badges(lib) == listed(lib) == {"News": 5}


def test_a_rule_hiding_a_copy_leaves_it_out_of_the_correction(lib: Library) -> None:
    file(lib, A="News", B="News", C="")
    rule = lib.add_rule("kestrels", rule_actions(hide=True), feed_id=feed_ids(lib)["Feed B"])
    lib.apply_rules([rule.id])
    assert lib.folder_unread_copies() == {"news": 1}  # the bridge only
    assert badges(lib) == listed(lib) == {"News": 4}


def test_with_stories_not_grouped_nothing_is_taken_off(lib: Library) -> None:
    file(lib, A="News", B="News/Local", C="News")
    off = Library(lib.db_path, clock=lambda: NOW, group_stories=False)
    try:
        assert off.folder_unread_copies() == {}
        assert badges(off) == listed(off) == {"News": 8, "News/Local": 3}
    finally:
        off.close()

"""Duplicate stories in the reader (issue 18): the article header says which
other feeds carry the story ("also in: ..."), and a folder's badge counts a
story its feeds share once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import rss_feed, rss_item
from feedserver import FeedServer
from rich.style import Style
from textual.geometry import Region
from textual.widget import Widget

from tui.core.library import FetchSettings, Library
from tui.core.models import View
from tui.ui.app import GazetteApp

NOW = 1_773_000_000
DAY = "Tue, 03 Mar 2026 10:00:00 GMT"


@pytest.fixture
def two_feeds(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    """Two feeds carrying one story under links that differ only in tracking parameters."""
    for name, link in (
        ("A", "https://news.example/k?utm_source=a"),
        ("B", "https://news.example/k"),
    ):
        feed_server.page(
            f"/{name}.xml",
            rss_feed(
                rss_item(
                    f"{name}1",
                    "Kestrels return to the city",
                    link=link,
                    date=DAY,
                    body="<p>The kestrels summary.</p>",
                ),
                title=f"Feed {name}",
            ),
        )
    lib = Library(
        tmp_path / "u.db",
        clock=lambda: NOW,
        fetch=FetchSettings(connect_timeout=2, total_timeout=5),
    )
    lib.add_feed(feed_server.url("/A.xml"))
    lib.add_feed(feed_server.url("/B.xml"))
    yield lib
    lib.close()


def header(app: GazetteApp) -> str:
    widget: Widget = app.main.pane.query_one("#article-header")
    region = Region(0, 0, widget.size.width, widget.size.height)
    return " ".join(strip.text.rstrip() for strip in widget.render_lines(region))


async def test_the_header_names_the_other_feeds_of_the_story(two_feeds: Library, ui: Any) -> None:
    app = GazetteApp(two_feeds, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await ui.settle(pilot)
        (article,) = two_feeds.articles()  # the story once, from the first feed
        assert article.feed_title == "Feed A"
        app.main.open_article(article)
        await ui.wait_for(pilot, lambda: "also in: Feed B" in header(app))


async def test_reading_the_story_clears_the_other_feeds_unread_count(
    two_feeds: Library, ui: Any
) -> None:
    app = GazetteApp(two_feeds, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await ui.settle(pilot)
        b = next(f.id for f in two_feeds.feeds() if f.title == "Feed B")
        await ui.wait_for(pilot, lambda: b in app.main.feeds)
        assert app.main.feeds[b].unread == 1
        (article,) = two_feeds.articles()
        app.main.open_article(article)  # read on open, with its copy in Feed B
        await ui.wait_for(pilot, lambda: app.main.feeds[b].unread == 0)


def badge(app: GazetteApp, key: str) -> str:
    """The count a feed-list node shows, as drawn ("" for none)."""
    tree = app.main.feed_list
    last = tree.render_label(tree._by_key[key], Style(), Style()).plain.split()[-1]
    return last if last.isdigit() else ""


@pytest.fixture
def two_folders(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    """A in News and B in News/Local carry one story, A one more of its own."""
    feed_server.page(
        "/a.xml",
        rss_feed(
            rss_item("a1", "Kestrels return to the city", link="https://news.example/k", date=DAY),
            rss_item(
                "a2", "The council votes on the bridge", link="https://news.example/b", date=DAY
            ),
            title="Feed A",
        ),
    )
    feed_server.page(
        "/b.xml",
        rss_feed(
            rss_item(
                "b1", "Kestrels are back", link="https://news.example/k?utm_source=b", date=DAY
            ),
            title="Feed B",
        ),
    )
    lib = Library(
        tmp_path / "f.db",
        clock=lambda: NOW,
        fetch=FetchSettings(connect_timeout=2, total_timeout=5),
    )
    lib.add_feed(feed_server.url("/a.xml"), folder="News")
    lib.add_feed(feed_server.url("/b.xml"), folder="News/Local")
    yield lib
    lib.close()


async def test_a_folder_badge_counts_a_story_its_feeds_share_once(
    two_folders: Library, ui: Any
) -> None:
    """News lists 2 unread (its feeds count 3), News/Local 1; reading the story
    leaves News 1 and News/Local none, as the views list them."""
    lib = two_folders
    app = GazetteApp(lib, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await ui.settle(pilot)
        await ui.wait_for(pilot, lambda: "folder:News/Local" in app.main.feed_list._by_key)
        assert lib.count_articles(View(folder="News", unread=True)) == 2
        assert (badge(app, "folder:News"), badge(app, "folder:News/Local")) == ("2", "1")
        (story,) = (a for a in lib.articles() if a.title.startswith("Kestrels"))
        app.main.open_article(story)  # read on open, with its copy in Feed B
        await ui.wait_for(pilot, lambda: badge(app, "folder:News/Local") == "")
        assert badge(app, "folder:News") == "1"
        assert lib.count_articles(View(folder="News", unread=True)) == 1

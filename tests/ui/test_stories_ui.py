"""Duplicate stories in the reader (issue 18): the article header says which
other feeds carry the story ("also in: ...")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import rss_feed, rss_item
from feedserver import FeedServer
from textual.geometry import Region
from textual.widget import Widget

from tui.core.library import FetchSettings, Library
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

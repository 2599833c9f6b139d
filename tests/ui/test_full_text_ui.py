"""Reader mode in the reader (issue 17): F (and the palette) fetches the full
article in a worker and shows it in place of the feed's text, the header says
"Full article", the status line says what happened, and F again shows the
feed's text.  A page that gives no article is one line, the pane unchanged.
Pages come from the loopback server (``feed_server``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import rss_feed, rss_item
from feedserver import FeedServer
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Select

from tui.core.library import FetchSettings, Library
from tui.core.models import FeedSettings
from tui.ui.app import GazetteApp
from tui.ui.screens.feed_settings import FeedEdit, FeedSettingsScreen
from tui.ui.widgets.article_text import ArticleText

NOW = 1_710_979_200
WORDS = " ".join(f"kestrel{i}" for i in range(120))
PAGE = f"""<!doctype html><html><body><nav><a href="/">Home</a></nav>
<div class="cookie-banner">We use cookies. Accept all</div>
<article><h1>The long story</h1><p>Only the page tells of the ospreywatch survey and
{WORDS}.</p><p>The end of the story.</p></article><footer>All rights reserved</footer>
</body></html>"""
PAYWALL = (
    "<html><body><article><h1>The long story</h1><p>Subscribe to keep reading. "
    "Already a subscriber? Log in.</p></article></body></html>"
)


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def reader_library(tmp_path: Path, feed_server: FeedServer) -> Iterator[Library]:
    """A feed on the loopback server with a story and a paywalled one."""
    feed_server.page("/story.html", PAGE, content_type="text/html")
    feed_server.page("/paywall.html", PAYWALL, content_type="text/html")
    items = [
        rss_item(
            "story",
            "The story",
            link=feed_server.url("/story.html"),
            date="Wed, 20 Mar 2024 10:00:00 GMT",
            body="<p>The feed's short summary of lanternfish.</p>",
        ),
        rss_item(
            "paywall",
            "The paywalled story",
            link=feed_server.url("/paywall.html"),
            date="Tue, 19 Mar 2024 10:00:00 GMT",
            body="<p>Another summary.</p>",
        ),
    ]
    feed_server.page(
        "/feed.xml", rss_feed(*items, title="Pages"), content_type="application/rss+xml"
    )
    lib = Library(
        tmp_path / "r.db",
        clock=lambda: NOW,
        fetch=FetchSettings(connect_timeout=2, total_timeout=5),
    )
    lib.add_feed(feed_server.url("/feed.xml"))
    yield lib
    lib.close()


def lines(widget: Widget) -> list[str]:
    region = Region(0, 0, widget.size.width, widget.size.height)
    return [strip.text.rstrip() for strip in widget.render_lines(region)]


def header(app: GazetteApp) -> str:
    return " ".join(lines(app.main.pane.query_one("#article-header")))


def body(app: GazetteApp) -> str:
    return " ".join(line for w in app.main.pane.query(ArticleText) for line in lines(w))


async def open_row(app: GazetteApp, pilot: Any, ui: Any, title: str) -> None:
    """Open the article titled ``title`` (as the list's enter does), and wait for its body."""
    await ui.settle(pilot)
    (article,) = [a for a in app.library.articles() if a.title == title]
    app.main.open_article(article)
    await ui.wait_for(pilot, lambda: "summary" in body(app))


async def test_f_shows_the_full_article_and_f_again_the_feeds_text(
    reader_library: Library, feed_server: FeedServer, ui: Any
) -> None:
    feed_server.delay("/story.html", 0.5)  # long enough to see the status line say so
    app = GazetteApp(reader_library, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_row(app, pilot, ui, "The story")
        assert "Full article" not in header(app)
        await pilot.press("F")
        await ui.wait_for(pilot, lambda: app.main.status.notice.startswith("Fetching the full"))
        assert "lanternfish" in body(app)  # the pane is unchanged meanwhile
        await ui.wait_for(pilot, lambda: "ospreywatch" in body(app))
        assert "Full article" in header(app)
        assert "cookies" not in body(app) and "rights reserved" not in body(app)
        assert app.main.status.notice.startswith("Full article: about 1")
        # The palette offers the way back.
        names = [name for name, _, _ in app.main.palette_commands()]
        assert "Feed's text" in names and "Full article" not in names
        await pilot.press("F")
        await ui.wait_for(pilot, lambda: "lanternfish" in body(app))
        assert "Full article" not in header(app)
        assert "The feed's text." in app.main.status.notice
        # Kept: F again shows it without fetching the page again.
        fetched = len(feed_server.requests_for("/story.html"))
        await pilot.press("F")
        await ui.wait_for(pilot, lambda: "ospreywatch" in body(app))
        assert len(feed_server.requests_for("/story.html")) == fetched
        shown = app.main.pane.article
        assert shown is not None
    full = reader_library.full_text(shown.id)
    assert full is not None and full.shown


async def test_a_paywall_is_one_line_and_the_article_stays(
    reader_library: Library, ui: Any
) -> None:
    app = GazetteApp(reader_library, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_row(app, pilot, ui, "The paywalled story")
        before = body(app)
        await pilot.press("F")
        await ui.wait_for(pilot, lambda: app.main.status.notice.startswith("No full article"))
        assert "a paywall" in app.main.status.notice
        await ui.settle(pilot)
        assert body(app) == before
        assert "Full article" not in header(app)


async def test_the_palette_command_fetches_it(reader_library: Library, ui: Any) -> None:
    app = GazetteApp(reader_library, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        assert "Full article" not in [name for name, _, _ in app.main.palette_commands()]
        await open_row(app, pilot, ui, "The story")
        (run,) = [cmd for name, _, cmd in app.main.palette_commands() if name == "Full article"]
        run()
        await ui.wait_for(pilot, lambda: "ospreywatch" in body(app))
        assert "Full article" in header(app)


async def test_a_feed_set_to_on_open_fetches_when_the_article_opens(
    reader_library: Library, ui: Any
) -> None:
    (feed,) = reader_library.feeds()
    reader_library.set_feed_settings(feed.id, FeedSettings(full_text="on_open"))
    app = GazetteApp(reader_library, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_row(app, pilot, ui, "The story")
        await ui.wait_for(pilot, lambda: "ospreywatch" in body(app))
        assert "Full article" in header(app)


async def test_the_feed_settings_dialog_sets_when_to_fetch(
    reader_library: Library, ui: Any
) -> None:
    (feed,) = reader_library.feeds()
    reader_library.set_feed_settings(feed.id, FeedSettings(full_text="always"))
    app = GazetteApp(reader_library, clock=lambda: NOW)
    got: list[FeedEdit | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.settle(pilot)
        screen = FeedSettingsScreen(feed, reader_library.feed_settings(feed.id))
        app.push_screen(screen, got.append)
        await pilot.pause()
        select = screen.query_one("#fs-full-text", Select)
        assert select.value == "always"  # what is stored shows
        select.value = "on_open"
        screen.action_save()
        await pilot.pause()
    (edit,) = got
    assert edit is not None and edit.settings.full_text == "on_open"


async def test_quote_to_note_quotes_the_full_article_when_it_is_shown(
    reader_library: Library, ui: Any
) -> None:
    """Notes (and so their export) quote what is shown: the full text."""
    app = GazetteApp(reader_library, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_row(app, pilot, ui, "The story")
        await pilot.press("F")
        await ui.wait_for(pilot, lambda: "ospreywatch" in body(app))
        app.main.pane.focus()
        await pilot.press("Q")
        shown = app.main.pane.article
        assert shown is not None
        await ui.wait_for(pilot, lambda: reader_library.note(shown.id) is not None)
        note = reader_library.note(shown.id)
        assert note is not None and note.body.startswith("> Only the page tells of the ospreywatch")

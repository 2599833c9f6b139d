"""Hostile text in the reader: markup and terminal escapes from feeds.

A feed controls its titles, authors, links, bodies and (through the server)
error messages.  None of it may be parsed as Textual markup (``[/`` crashes,
``[@click=app.quit]`` runs an action) or reach the terminal as an escape
sequence.  The feed is built here as a JSON Feed (JSON can carry raw ESC and
BEL characters) and goes through the real pipeline.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from builders import opened_urls

from tui.core.library import Library
from tui.core.models import View
from tui.ui import safe
from tui.ui.app import GazetteApp
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.main import MainScreen
from tui.ui.widgets.article_text import ArticleText

pytestmark = pytest.mark.hostile

FEEDS_DIR = Path(__file__).parent.parent / "fixtures" / "feeds"
NOW = 1_710_979_200 + 3 * 3600

FEED_TITLE = "[bold]x[/]"
TITLES = [
    "[/",
    "[@click=app.quit]x[/]",
    "\x1b]0;PWNED\x07 osc",
    "\x1b[31mred",
    "[link=http://x]y",
    "tab\there \u202eevil\u202c bidi",
]
BODY = (
    "<p>[@click=app.quit]boom[/] \x1b[31m red \x1b]0;PWNED\x07 end</p>"
    '<p><a href="javascript:alert(1)">js</a> <a href="file:///etc/passwd">file</a> '
    '<a href="https://ok.example/">ok</a></p>'
)


def rendered(app: Any) -> str:
    """The screen's text as a user would read it (from the SVG screenshot)."""
    svg = app.export_screenshot()
    body = svg[svg.find("<g class") :]
    return html.unescape(re.sub(r"<[^>]*>", "", body)).replace("\xa0", " ")


@pytest.fixture
def hostile_library(tmp_path: Path) -> Any:
    items = [
        {
            "id": f"h{i}",
            "url": f"https://evil.example/{i}",
            "title": title,
            "content_html": BODY,
            "date_published": f"2024-03-20T0{i}:00:00Z",
            "authors": [{"name": "[b]Joe[/ \x1b[2J"}],
        }
        for i, title in enumerate(TITLES)
    ]
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": FEED_TITLE,
        "home_page_url": "https://evil.example/",
        "items": items,
    }
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(feed), encoding="utf-8")
    lib = Library(tmp_path / "hostile.db", clock=lambda: NOW)
    hostile, _ = lib.add_feed(str(path), folder="[@click=app.quit]F[b]")
    lib.add_feed(str(FEEDS_DIR / "hostile-control-chars.xml"), folder="[/")
    lib.store.record_fetch(
        hostile.id, status=500, error="[bold]boom[/] \x1b]0;PWNED\x07 [/", now=NOW
    )
    yield lib, hostile.id
    lib.close()


def test_safe_helpers_strip_sequences_and_keep_text() -> None:
    assert safe.clean("\x1b]0;PWNED\x07 osc") == "osc"
    assert safe.clean("\x1b[31mred\x1b[0m") == "red"
    assert safe.clean("a\tb\u202ec\nd") == "a bc d"
    assert safe.clean("[@click=app.quit]x[/]") == "[@click=app.quit]x[/]"
    assert safe.clean_block("a\r\nb\x1b[2J\x07\tc") == "a\nb\tc"
    assert str(safe.content("[/")) == "[/"
    assert safe.text("[bold]x[/]").plain == "[bold]x[/]"


async def test_hostile_titles_show_literally_and_run_nothing(hostile_library: Any) -> None:
    lib, feed_id = hostile_library
    app = GazetteApp(lib, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        opened = opened_urls(app)
        await pilot.pause()
        main = app.main
        text = rendered(app)
        assert FEED_TITLE in text  # the feed title, literally, in the feed list
        assert "[@click=app.quit]F[b]" in text  # the folder name too
        assert "[@click=app.quit]x[/]" in text
        assert "[link=http://x]y" in text
        assert "\x1b" not in app.export_screenshot()
        # ESC and BEL never reach the screen (what is left of a sequence is plain text)
        assert "\x07" not in text

        # click the row that looks like a click action: it opens the article, runs nothing
        lst = main.article_list
        row = next(i for i in range(lst.count) if "@click" in lst.article_at(i).title)  # type: ignore[union-attr]
        await pilot.click(lst, offset=(20, row))
        await pilot.pause()
        assert app.is_running and app.return_code is None

        # open every article: headers, bodies and notes titles all render
        for i in range(lst.count):
            lst.focus()
            lst.move_to(i)
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            for body in main.pane.query(ArticleText):
                plain = body.laid.content.plain
                assert "\x1b" not in plain and "\x07" not in plain
        shot = app.export_screenshot()
        assert "\x1b" not in shot and "\x07" not in shot

        # links in the body: only the https one opens
        body = main.pane.query(ArticleText).first()
        for href in ("javascript:alert(1)", "file:///etc/passwd", "https://ok.example/"):
            await body.run_action(f"link({href!r})")  # what a click on a link runs
        await pilot.pause()
        assert opened == ["https://ok.example/"]

        # the feed's error message (which quotes markup and an OSC) shows literally
        main.feed_list.select_key(f"feed:{feed_id}")
        await pilot.pause()
        banner = main.query_one("#feed-error")
        assert banner.display
        assert "[bold]boom[/]" in rendered(app)

        # the delete dialog quotes the title literally; cancelling keeps the feed
        main.feed_list.focus()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert FEED_TITLE in rendered(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("question_mark", "escape")
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert lib.count_articles(View(feed_id=feed_id)) == len(TITLES)

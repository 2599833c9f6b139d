"""Pilot tests: searched words are highlighted inside the article body's text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tui.core.library import Library
from tui.ui.app import GazetteApp
from tui.ui.widgets.article_text import ArticleText

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

SIZE = (120, 40)

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Zorb Times</title><link>https://zorb.example/</link>
<description>test</description>
<item><title>Weekly roundup</title><link>https://zorb.example/2</link>
<guid>z2</guid><pubDate>Wed, 20 Mar 2024 10:00:00 GMT</pubDate>
<description>Many things happened this week, among them the zorblax in passing,
and a great deal more that has nothing to do with it at all.</description></item>
</channel></rss>
"""


@pytest.fixture
def zorb(library: Library, tmp_path: Path) -> int:
    path = tmp_path / "zorb.xml"
    path.write_text(FEED, encoding="utf-8")
    feed, _result = library.add_feed(str(path))
    return feed.id


def highlighted(app: GazetteApp) -> list[str]:
    """Words drawn in the match style in the body, as the widgets will draw them."""
    words = []
    for text in app.main.pane.query(ArticleText):
        content = text.laid.content
        spans = [s for s in content.spans if s.style == ".article-body--match"]
        words += [content.plain[s.start : s.end] for s in spans]
        match = app.main.pane.get_visual_style("article-body--match", partial=True)
        assert match.bold and match.background is not None and match.background.a > 0
    return words


def body_text(app: GazetteApp) -> str:
    return " ".join(t.laid.content.plain for t in app.main.pane.query(ArticleText))


async def test_search_result_highlights_words_in_body(
    make_app: Any, zorb: int, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        m = app.main
        await ui.open_search_hit(pilot, "zorblax")
        assert m.pane.article is not None and m.pane.article.title == "Weekly roundup"
        assert [w.lower() for w in highlighted(app)] == ["zorblax"]


async def test_plain_open_has_no_body_highlight(make_app: Any, zorb: int, ui: Helpers) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        m = app.main
        await ui.settle(pilot)  # the counts fill the feed list from the lane
        m.feed_list.select_key(f"feed:{zorb}")
        await pilot.pause()
        await pilot.press("enter")
        await ui.settle(pilot)
        await ui.wait_for(pilot, lambda: not m.pane.loading_body)
        assert m.pane.article is not None and m.pane.article.title == "Weekly roundup"
        assert "zorblax" in body_text(app)
        assert highlighted(app) == []

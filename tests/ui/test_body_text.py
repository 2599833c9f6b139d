"""Pilot tests: what the article pane shows of a body, and the search snippet above it.

Plain-text bodies keep their lines (a YouTube video's description), and the snippet
under a search hit's header reads as words: no alt texts glued to each other or to the
text, no space left before a full stop where emphasis was.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tui.core.library import Library
from tui.ui.app import GazetteApp
from tui.ui.widgets.article_text import ArticleText

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

SIZE = (120, 40)
YOUTUBE = Path(__file__).parent.parent / "fixtures" / "corpus" / "atom-youtube-channel-google.xml"

GHOST_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Ghost blog</title><link>https://ghost.example/</link>
<description>test</description>
<item><title>Credential checking</title><link>https://ghost.example/1</link>
<guid>g1</guid><pubDate>Wed, 20 Mar 2024 10:00:00 GMT</pubDate>
<description><![CDATA[<figure class="kg-card"><img src="https://ghost.example/a.png"
alt="Zorbic Compromised Credential Checking"></figure><img src="https://ghost.example/b.png"
alt="Zorbic Compromised Credential Checking"><p>Today we announce a
<em>zorbic</em>. It checks credentials.</p>]]></description></item>
</channel></rss>
"""


@pytest.fixture
def feeds(library: Library, tmp_path: Path) -> None:
    library.add_feed(str(YOUTUBE))
    path = tmp_path / "ghost.xml"
    path.write_text(GHOST_FEED, encoding="utf-8")
    library.add_feed(str(path))


def blocks(app: GazetteApp) -> list[str]:
    """The text of each block the pane shows (line breaks included)."""
    return [b.text.plain for t in app.main.pane.query(ArticleText) for b in t.blocks]


async def test_plain_text_description_keeps_its_lines(
    make_app: Any, feeds: None, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ui.open_search_hit(pilot, "divinity")
        pane = app.main.pane
        assert pane.article is not None and pane.article.title == "Google - Year in Search 2014"
        # The pane numbers each link ("…q6ljz4[1]"); the lines are what this test is about.
        shown = [re.sub(r"\[\d+\]", "", b) for b in blocks(app)]
        assert (
            "Soundtrack is ‘Divinity’, by Porter Robinson\n"
            "Porter Robinon's new album 'Worlds' is available on Google Play: "
            "http://goo.gl/q6ljz4"
        ) in shown
        credits = next(b for b in shown if b.startswith("Credits:"))
        assert credits.split("\n")[:3] == [
            "Credits:",
            "Two people hugging: Dida Mulder",
            "Boy with 3D Printed hand: E-NABLE/RIT University News/RIT MAGIC Center",
        ]


async def test_snippet_reads_as_words(make_app: Any, feeds: None, ui: Helpers) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ui.open_search_hit(pilot, "zorbic")
        pane = app.main.pane
        assert pane.article is not None and pane.article.title == "Credential checking"
        snippet = pane.query_one("#article-match")
        assert snippet.display
        assert snippet.content.plain == "Today we announce a zorbic. It checks credentials."
        # The two images are blocks of their own, not glued to each other or the text.
        assert blocks(app)[-1] == "Today we announce a zorbic. It checks credentials."

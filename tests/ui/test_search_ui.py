"""Pilot tests for search as you type and saved searches (issue 4).

The fixture library gets one extra feed with known words ("zorblax" in one
title and in another article's body) so ranking and highlighting can be
checked exactly; everything runs through the real app and database.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from textual.widgets import Input

from tui.core.library import Library
from tui.ui.app import GazetteApp
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.main import MainScreen
from tui.ui.screens.prompt import PromptScreen

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

SIZE = (120, 40)

ZORBLAX_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Zorb Times</title><link>https://zorb.example/</link>
<description>test</description>
<item><title>Weekly roundup</title><link>https://zorb.example/2</link>
<guid>z2</guid><pubDate>Wed, 20 Mar 2024 10:00:00 GMT</pubDate>
<description>Many things happened this week, among them the zorblax in passing,
and a great deal more that has nothing to do with it at all.</description></item>
<item><title>Zorblax launch announced</title><link>https://zorb.example/1</link>
<guid>z1</guid><pubDate>Tue, 19 Mar 2024 10:00:00 GMT</pubDate>
<description>A short note.</description></item>
<item><title>Unrelated story</title><link>https://zorb.example/3</link>
<guid>z3</guid><pubDate>Mon, 18 Mar 2024 10:00:00 GMT</pubDate>
<description>Nothing to see.</description></item>
</channel></rss>
"""


@pytest.fixture
def zorb(library: Library, tmp_path: Path) -> int:
    """Add the Zorb Times feed; returns its id."""
    path = tmp_path / "zorb.xml"
    path.write_text(ZORBLAX_FEED, encoding="utf-8")
    feed, _result = library.add_feed(str(path))
    return feed.id


def main(app: GazetteApp) -> MainScreen:
    return app.main


async def type_query(pilot: Any, ui: Helpers, text: str, *, keys: bool = True) -> None:
    """Type (or paste) a query into the open search box and wait for its results."""
    m = main(pilot.app)
    bar = m.search_bar
    if keys:
        await pilot.press(*text)
    else:  # pasted: no keys and no debounce, to keep the test fast
        bar.input.value = text
        bar.search_now()
    await ui.wait_for(pilot, lambda: bar.shown == bar.value or bar.help_shown)
    await pilot.pause()


def matched(row: Any, style: Any) -> list[str]:
    """The pieces of a row's text drawn with ``style`` (the highlight)."""
    return [row.plain[s.start : s.end] for s in row.spans if s.style == style]


async def test_search_as_you_type_ranks_title_above_body_and_highlights(
    make_app: Any, zorb: int, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        m = main(app)
        lst = m.article_list
        total = lst.count
        await pilot.press("slash")
        assert m.search_bar.is_open and app.focused is m.search_bar.input
        await pilot.press(*"zorbl")
        # Debounced: the keys only went into the box; nothing has searched yet.
        assert m.search_bar.value == "zorbl" and m.search_bar.shown is None
        assert not lst.searching
        await type_query(pilot, ui, "ax")
        # Results replace the list, the title hit first, then the body hit.
        assert lst.searching and lst.count == 2 < total
        first, second = lst.article_at(0), lst.article_at(1)
        assert first is not None and first.title == "Zorblax launch announced"
        assert second is not None and second.title == "Weekly roundup"
        assert "Search · 2 · best first" in str(m.query_one("#list-title").content)
        # The matched word is styled in the drawn row, even under the cursor.
        style = lst.get_component_rich_style("article-list--match")
        assert matched(lst.row_text(0), style) == ["Zorblax"]
        assert matched(lst.row_text(1), style) == []
        # Enter moves to the results; enter again opens one; the header shows the match.
        await pilot.press("enter")
        assert app.focused is lst
        await pilot.press("j", "enter")
        await ui.settle(pilot)
        pane = m.pane
        assert pane.article is not None and pane.article.title == "Weekly roundup"
        snippet = pane.query_one("#article-match")
        assert snippet.display
        line = snippet.content
        pane_style = pane.get_component_rich_style("article-pane--match")
        assert matched(line, pane_style) == ["zorblax"]


async def test_escape_restores_the_view_and_its_row(make_app: Any, zorb: int, ui: Helpers) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        m = main(app)
        lst = m.article_list
        m.feed_list.select_key("folder:News")
        await pilot.pause()
        await pilot.press("j", "j")
        before, count = lst.current, lst.count
        await pilot.press("slash")
        await type_query(pilot, ui, "zorblax")
        assert lst.count == 2
        await pilot.press("enter")  # to the results; escape there goes back to the box
        await pilot.press("escape")
        assert app.focused is m.search_bar.input and m.search_bar.is_open
        await pilot.press("escape")
        await pilot.pause()
        assert not m.search_bar.is_open and not lst.searching
        assert m.source is not None and m.source.key == "folder:News"
        assert lst.count == count and lst.current == before
        assert app.focused is lst
        # An emptied box shows the old view again without closing.
        await pilot.press("slash")
        await type_query(pilot, ui, "zorblax", keys=False)
        await pilot.press("end", "ctrl+u")
        await pilot.pause()
        assert m.search_bar.is_open and not lst.searching and lst.count == count


HOSTILE = [
    '"foo',
    "c++",
    "-",
    "AND",
    "*",
    "NEAR(",
    "tag:",
    "🦀 rust 🦀",
    "[/] [@click=app.quit]x[/]",
    "is:bogus",
    "a OR tag:x",
    "after:notadate",
    "\x1b[31mred\x1b]0;PWNED\x07",
    "word " * 2048,  # 10 KB
]


async def test_hostile_queries_show_results_or_one_line(make_app: Any, ui: Helpers) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        m = main(app)
        lst = m.article_list
        await pilot.press("slash")
        for text in HOSTILE:
            await type_query(pilot, ui, text, keys=False)
            assert lst.searching and lst.search_query == text
            if lst.notice:
                assert "\n" not in lst.notice and lst.count == 0
            else:
                assert lst.count >= 0
            await pilot.pause()  # the list draws (a markup error would surface here)
            assert app.is_running and isinstance(app.screen, MainScreen)
        assert lst.notice  # the 10 KB query is refused with a message
        # An error shows in place of the rows.
        await type_query(pilot, ui, "is:bogus", keys=False)
        assert lst.notice is not None and "is:bogus" in lst.notice
        assert "is:bogus is unknown" in rendered_text(app)
        await pilot.press("escape")
        assert not m.search_bar.is_open


def rendered_text(app: GazetteApp) -> str:
    import html
    import re

    svg = app.export_screenshot()
    body = svg[svg.find("<g class") :]
    return html.unescape(re.sub(r"<[^>]*>", "", body)).replace("\xa0", " ")


async def test_question_mark_or_f1_shows_the_syntax(make_app: Any, ui: Helpers) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        m = main(app)
        await pilot.press("slash", "question_mark")
        await pilot.pause()
        assert m.search_bar.help_shown
        assert "exact phrase" in rendered_text(app)
        await pilot.press("backspace")
        assert not m.search_bar.help_shown
        await pilot.press("f1")
        assert m.search_bar.help_shown
        await pilot.press("f1")
        assert not m.search_bar.help_shown


async def test_saved_search_lifecycle_with_live_unread_count(
    make_app: Any, zorb: int, library: Library, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        m = main(app)
        await pilot.press("slash")
        await type_query(pilot, ui, "zorblax", keys=False)
        # ctrl+s asks for a name and saves it in the database.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one("#prompt-input", Input).value = "Zorb [b]news"
        await pilot.press("enter")
        await ui.settle(pilot)  # the prompt saves in its lane
        assert isinstance(app.screen, MainScreen)
        rows = ui.sql("SELECT id, name, query FROM saved_searches")
        assert [(r[1], r[2]) for r in rows] == [("Zorb [b]news", "zorblax")]
        sid = rows[0][0]
        key = f"search:{sid}"

        def source() -> Any:
            return next((s for s in m.feed_list.sources() if s.key == key), None)

        # Saved searches are counted in a worker: wait for it.
        await ui.wait_for(pilot, lambda: source() is not None)
        assert source().unread == 2 and source().title == "Zorb [b]news"
        assert "Zorb [b]news" in rendered_text(app)  # never parsed as markup
        # A clash is reported in the dialog, which stays open.
        m.save_search("zorblax")  # what the palette's "Save search" runs
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one("#prompt-input", Input).value = "zorb [B]NEWS"
        await pilot.press("enter")
        await ui.settle(pilot)  # the prompt checks in its lane
        assert isinstance(app.screen, PromptScreen) and "exists" in app.screen.error_text
        await pilot.press("escape")
        # Choosing it in the feed list lists its articles, highlighted.
        await pilot.press("escape")
        m.feed_list.select_key(key)
        await pilot.pause()
        lst = m.article_list
        assert m.source is not None and m.source.key == key
        assert lst.searching and lst.count == 2 and lst.terms == ("zorblax",)
        # Reading one updates the unread count at once.
        lst.focus()
        await pilot.press("enter")
        await ui.settle(pilot)
        await ui.wait_for(pilot, lambda: source().unread == 1)
        # Rename and edit from the palette's actions.
        m.rename_search(sid, "Zorb [b]news")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        prompt.query_one("#prompt-input", Input).value = "Zorblax"
        await pilot.press("enter")
        await ui.settle(pilot)  # the prompt renames in its lane
        await ui.wait_for(pilot, lambda: source().title == "Zorblax")
        m.edit_search(sid, "Zorblax", "zorblax")
        await pilot.pause()
        app.screen.query_one("#prompt-input", Input).value = "zorblax in:title"
        await pilot.press("enter")
        await ui.settle(pilot)  # the prompt saves in its lane
        assert library.saved_searches()[0].query == "zorblax in:title"
        await ui.wait_for(pilot, lambda: source().unread == 0)  # the title hit was read above
        assert lst.count == 1
        # An unusable query is refused in the dialog.
        m.edit_search(sid, "Zorblax", "zorblax in:title")
        await pilot.pause()
        app.screen.query_one("#prompt-input", Input).value = "is:bogus"
        await pilot.press("enter")
        await ui.settle(pilot)  # the prompt checks in its lane
        assert isinstance(app.screen, PromptScreen) and "is:bogus" in app.screen.error_text
        await pilot.press("escape")
        # Delete from the palette asks first (d on the selected search runs the same).
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"del zorbl")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await ui.settle(pilot)  # deleted in the lane
        assert ui.sql("SELECT count(*) FROM saved_searches") == [(0,)]
        assert all(s.kind != "search" for s in m.feed_list.sources())
        assert m.source is not None and m.source.key == "smart:all"


async def test_A_n_and_flip_work_on_results(make_app: Any, zorb: int, ui: Helpers) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        m = main(app)
        lst = m.article_list
        await pilot.press("slash")
        await type_query(pilot, ui, "zorblax")
        await pilot.press("enter", "n")
        await ui.settle(pilot)
        assert m.pane.article is not None and m.pane.article.title == "Zorblax launch announced"
        await pilot.press("escape", "O")  # results keep their ranked order
        assert (first := lst.article_at(0)) is not None and first.title.startswith("Zorblax")
        await pilot.press("A")
        await ui.settle(pilot)  # "u" undoes what the answer of "A" noted
        ids = [a.id for a in (lst.article_at(0), lst.article_at(1)) if a is not None]
        assert all(ui.sql("SELECT read FROM articles WHERE id = ?", i)[0][0] == 1 for i in ids)
        await pilot.press("u")
        await ui.settle(pilot)
        assert ui.sql("SELECT read FROM articles WHERE id = ?", ids[1])[0][0] == 0

"""Pilot tests for the reader fixes of issue 13 (items 1, 6, 14 and the UI parts of 17).

The notes tests use the demo database itself (``gazette --demo``), built
once per session and copied for each test, so the reproduction is the one
a new user met.
"""

from __future__ import annotations

import html
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from builders import notifications, rss
from feedserver import FeedServer
from rich.style import Style
from textual.widgets import TextArea

from tui.core.library import Library
from tui.core.models import View
from tui.demo import build_demo
from tui.ui.app import GazetteApp
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.main import MainScreen
from tui.ui.widgets.status_bar import cut_at_word

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

MEDIUM = (120, 40)
WIDE = (160, 45)
NARROW = (80, 24)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path, ui: Helpers) -> Any:
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    lib = Library(path, clock=ui.clock)
    yield lib
    lib.close()


def notes_by_article(lib: Library) -> dict[int, str]:
    """Every note in the store, read behind the app's back (as ``gazette notes`` would)."""
    conn = sqlite3.connect(lib.db_path)
    try:
        return dict(conn.execute("SELECT article_id, body FROM notes").fetchall())
    finally:
        conn.close()


async def test_typing_after_closing_the_article_never_goes_into_a_hidden_note(
    demo: Library, ui: Helpers
) -> None:
    """Issue 13.1: enter, e, hello, esc, esc, j, tab, TYPED-BLIND, esc at 120x40."""
    app = GazetteApp(demo, clock=ui.clock)
    async with app.run_test(size=MEDIUM) as pilot:
        m: MainScreen = app.main
        first = m.article_list.current
        assert first is not None
        await pilot.press("enter")
        await ui.settle(pilot)
        await pilot.press("e", *"hello", "escape", "escape")
        await ui.settle(pilot)
        assert not m.reading
        await pilot.press("j")
        second = m.article_list.current
        assert second is not None and second.id != first.id
        await pilot.press("tab")
        await pilot.pause()
        focused = app.focused
        assert focused is not None
        # whatever has the keys is on screen
        assert focused.region.area > 0
        assert all(node.display for node in focused.ancestors_with_self if node is not m)
        await pilot.press(*"TYPED-BLIND", "escape")
        await ui.settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    notes = notes_by_article(demo)
    assert notes == {first.id: "hello"}


async def test_e_after_closing_notes_the_selected_article_not_the_closed_one(
    demo: Library, ui: Helpers
) -> None:
    """The note belongs to the article beside it: e on another row opens that one."""
    app = GazetteApp(demo, clock=ui.clock)
    async with app.run_test(size=MEDIUM) as pilot:
        m: MainScreen = app.main
        first = m.article_list.current
        await pilot.press("enter")
        await ui.settle(pilot)
        await pilot.press("escape", "j")
        second = m.article_list.current
        assert first is not None and second is not None
        await pilot.press("e")
        await ui.settle(pilot)
        assert m.pane.article is not None and m.pane.article.id == second.id
        assert m.notes.article_id == second.id and m.notes.region.area > 0
        await pilot.press(*"on the second", "escape", "escape")
        await ui.settle(pilot)
        # hiding the note saved it at once, to its own article
        assert notes_by_article(demo) == {second.id: "on the second"}


async def test_a_hidden_note_cannot_be_focused_and_is_saved_when_hidden(
    demo: Library, ui: Helpers
) -> None:
    app = GazetteApp(demo, clock=ui.clock)
    async with app.run_test(size=MEDIUM) as pilot:
        m: MainScreen = app.main
        await pilot.press("enter")
        await ui.settle(pilot)
        await pilot.press("e", *"draft")
        article = m.pane.article
        assert article is not None and m.notes.dirty
        await pilot.press("escape", "escape")
        await pilot.pause()
        editor = m.notes.query_one(TextArea)
        assert not editor.focusable and app.focused is m.article_list
        assert not m.notes.dirty
        assert notes_by_article(demo) == {article.id: "draft"}
        editor.focus()  # even asked directly, it does not take the keys
        await pilot.pause()
        assert app.focused is not editor
        # the same article opened again shows its note and takes keys again
        await pilot.press("enter", "e")
        await ui.settle(pilot)
        assert app.focused is editor and editor.text == "draft"


async def test_wide_list_takes_the_room_until_an_article_opens(make_app: Any, ui: Helpers) -> None:
    """Issue 13.14: at 160x45 the article pane shows only with an article in it."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m: MainScreen = app.main
        await pilot.pause()
        assert m.pane.region.width == 0
        assert m.feed_list.region.width + m.article_list.region.width >= WIDE[0] - 2
        await pilot.press("enter")
        await ui.settle(pilot)
        assert m.pane.region.width > 40
        assert 40 < m.article_list.region.width < WIDE[0] // 2
        await pilot.press("escape")  # back to the list: the article stays beside it
        await pilot.pause()
        assert m.pane.region.width > 40 and app.focused is m.article_list


def rendered(app: GazetteApp) -> str:
    """The screen's text as a user would read it (from the SVG screenshot)."""
    svg = app.export_screenshot()
    body = svg[svg.find("<g class") :]
    return html.unescape(re.sub(r"<[^>]*>", "", body)).replace("\xa0", " ")


def status_row(app: GazetteApp) -> str:
    """The status line as drawn on screen (the second line from the bottom)."""
    m: MainScreen = app.main
    return "".join(s.text for s in m.status.render_line(0)).strip()


async def test_status_line_fits_80_columns_without_cutting_words(make_app: Any) -> None:
    """Issue 13.14: "Refreshing 0/7 (x to" at 80x24; now the least useful parts go."""
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        m: MainScreen = app.main
        m.status.refresh_started(7, hint="x to stop")
        await pilot.pause()
        line = status_row(app)
        assert line.endswith("Refreshing 0/7 (x to stop)")
        assert "unread" in line and "total" not in line
        m.status.refresh_progress(3, 7, failed=True)
        await pilot.pause()
        assert status_row(app).endswith("Refreshing 3/7, 1 failed (x to stop)")
        long = "Refresh failed: the database is locked by another program, try again later"
        m.status.refresh_finished(long)
        await pilot.pause()
        line = status_row(app)
        assert len(line) <= NARROW[0] - 2
        words = set(long.split()) | {"here", "unread", "·", "…"}
        assert all(w.rstrip("…") in words or w.rstrip("…").isdigit() for w in line.split())


def test_cut_at_word_never_cuts_inside_a_word() -> None:
    assert cut_at_word("Refreshing 0/7 (x to stop)", 20) == "Refreshing 0/7 (x…"
    assert cut_at_word("Refreshing 0/7 (x to stop)", 26) == "Refreshing 0/7 (x to stop)"
    assert cut_at_word("one two three", 12) == "one two…"
    assert cut_at_word("one two three", 8) == "one two…"
    assert cut_at_word("Unbreakable", 5) == "Unbr…"


async def test_next_and_previous_unread_stay_in_the_view(demo: Library, ui: Helpers) -> None:
    """Issue 13.6: in All, open the top article, n three times, then N."""
    app = GazetteApp(demo, clock=ui.clock)
    async with app.run_test(size=MEDIUM) as pilot:
        m: MainScreen = app.main
        assert m.source is not None and m.source.key == "smart:all"
        await pilot.press("enter")
        await ui.settle(pilot)
        for _ in range(3):
            await pilot.press("n")
            await ui.settle(pilot)
        fourth = m.pane.article
        assert fourth is not None and m.article_list.cursor == 3
        await pilot.press("N")
        await ui.settle(pilot)
        assert m.source.key == "smart:all" and m.feed_list.current is not None
        assert m.feed_list.current.key == "smart:all"
        assert m.pane.article is not None and m.pane.article.id == fourth.id
        assert "No more unread above in this view." in m.status.plain
        # at the bottom of a view the same: no jump to another feed
        demo.mark_view_read(View())
        m.after_refresh()
        await pilot.press("n")
        await ui.settle(pilot)
        assert m.source.key == "smart:all"
        assert "No more unread below in this view." in m.status.plain


async def test_O_flips_the_order_of_this_view_only(make_app: Any, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m: MainScreen = app.main
        lst = m.article_list
        await pilot.press("O")
        assert lst.newest_first is False
        assert "Oldest first in All." in m.status.plain
        assert "oldest first" in str(m.query_one("#list-title").render())
        feed = next(s for s in m.feed_list.sources() if s.kind == "feed")
        m.feed_list.select_key(feed.key)
        await pilot.pause()
        assert lst.newest_first is True  # another view keeps its own order
        assert "newest first" in str(m.query_one("#list-title").render())
        m.feed_list.select_key("smart:all")
        await pilot.pause()
        assert lst.newest_first is False  # remembered for the session
        oldest = library.articles(View(), limit=1, newest_first=False)[0]
        assert lst.current is not None and lst.current.id == oldest.id


async def test_an_empty_view_clears_the_open_article_and_its_note(
    make_app: Any, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m: MainScreen = app.main
        await pilot.press("enter")
        await ui.settle(pilot)
        assert m.pane.article is not None
        m.feed_list.select_key("smart:starred")  # nothing is starred
        await pilot.pause()
        assert m.article_list.count == 0
        assert m.pane.article is None and m.notes.article_id is None
        assert m.pane.region.width == 0  # and the list takes the room again


async def test_changes_from_another_program_show_without_a_restart(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    """Issue 13.17: the CLI (another connection) stars and reads; the app follows."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m: MainScreen = app.main
        await ui.settle(pilot)
        top = m.article_list.current
        assert top is not None and not top.starred
        unread = m.counts["unread"]
        assert "0 starred" in m.status.plain
        cli = Library(library.db_path, clock=ui.clock)
        try:
            cli.set_starred([top.id], True)
            cli.set_read([top.id], True)
        finally:
            cli.close()
        await ui.wait_for(pilot, lambda: "1 starred" in m.status.plain)
        assert f"{unread - 1} unread" in m.status.plain
        current = m.article_list.current  # the list was reloaded, the cursor kept
        assert current is not None and current.id == top.id and current.starred


async def test_the_apps_own_writes_cause_no_reload_and_one_change_one_reload(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m: MainScreen = app.main
        await pilot.press("enter", "s", "m")  # the UI's own writes
        await ui.settle(pilot)
        assert m.watch_database() is False
        cli = Library(library.db_path, clock=ui.clock)
        try:
            cli.set_note(m.article_list.current.id, "from the CLI")  # type: ignore[union-attr]
        finally:
            cli.close()
        assert m.watch_database() is True
        assert m.watch_database() is False  # no reload storm
        await ui.settle(pilot)  # the note and the counts are read in the lane
        assert m.watch_database() is False
        assert m.notes.text == "from the CLI"  # the open article's note follows
        assert "1 noted" in m.status.plain


async def test_counts_and_messages_say_1_article_not_1_articles(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    app = make_app()
    seen = notifications(app)
    async with app.run_test(size=WIDE) as pilot:
        m: MainScreen = app.main
        one = next(f for f in library.feeds() if f.total == 1)
        m.feed_list.select_key(f"feed:{one.id}")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        text = rendered(app)
        assert "Its 1 article and its note go with it." in text
        await pilot.press("y")
        await ui.settle(pilot)
        assert any("(1 article)." in s for s in seen)
        assert not any("1 articles" in s for s in seen)


@pytest.fixture
def failing(feed_server: FeedServer, tmp_path: Path, ui: Helpers) -> Iterator[Library]:
    """A library with one feed on the loopback server, which now answers 500."""
    feed_server.page("/a.xml", rss("Alpha", 2))
    lib = Library(tmp_path / "one.db", clock=ui.clock)
    lib.add_feed(feed_server.url("/a.xml"))
    feed_server.status("/a.xml", 500)
    yield lib
    lib.close()


async def test_one_failed_feed_is_one_feed(failing: Library, ui: Helpers) -> None:
    app = GazetteApp(failing, clock=ui.clock)
    seen = notifications(app)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("R")
        await ui.wait_for(pilot, lambda: not app.refreshing)
        await pilot.pause()
    assert any(s.startswith("1 feed failed.") for s in seen)


async def test_the_starred_column_is_set_apart_from_a_title_that_starts_with_a_star(
    demo: Library, ui: Helpers
) -> None:
    """Issue 13.17: Daring Fireball's "★ Title" must not read as a starred article."""
    app = GazetteApp(demo, clock=ui.clock)
    async with app.run_test(size=WIDE) as pilot:
        m: MainScreen = app.main
        lst = m.article_list
        rows = [lst.article_at(i) for i in range(lst.count)]
        titled = next(i for i, a in enumerate(rows) if a and a.title.startswith("★"))
        plain = next(i for i, a in enumerate(rows) if i and a and not a.title.startswith("★"))
        demo.set_starred([rows[plain].id], True)  # type: ignore[union-attr]
        m.after_refresh()
        await pilot.pause()
        gutter = lst.get_component_rich_style("article-list--gutter").bgcolor
        star_colour = lst.get_component_rich_style("article-list--star").color

        def cell(row: int, x: int) -> Style:
            text = lst.row_text(row)
            assert text is not None
            return text.get_style_at_offset(app.console, x)

        starred = lst.row_text(plain)
        assert starred is not None and starred.plain[1] == "★"
        assert cell(plain, 1).bgcolor == gutter and cell(plain, 1).color == star_colour
        title_star = lst.row_text(titled)
        assert title_star is not None and title_star.plain[1] == " "
        at = title_star.plain.index("★")
        assert at > 4 and cell(titled, at).bgcolor != gutter
        assert cell(titled, at).color != star_colour


async def test_a_note_that_goes_off_screen_on_resize_lets_go_of_the_keys(
    make_app: Any, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m: MainScreen = app.main
        await pilot.press("enter", "e", *"wide", "escape", "escape")
        await ui.settle(pilot)
        article = m.pane.article
        assert article is not None and not m.reading
        await pilot.press("tab", "tab")  # three panes: the note beside the article shows
        editor = m.notes.query_one(TextArea)
        assert app.focused is editor
        await pilot.press(*" still")
        await pilot.resize_terminal(*MEDIUM)  # two panes, not reading: the article goes
        await pilot.pause()
        assert app.focused is m.article_list  # type: ignore[comparison-overlap]  # mypy keeps the narrowing across the await
        assert ui.sql("SELECT body FROM notes WHERE article_id = ?", article.id) == [
            ("wide still",)
        ]


async def test_E_with_no_article_open_says_where_the_notes_show(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m: MainScreen = app.main
        await pilot.press("E")
        assert "The notes panel shows beside an open article." in m.status.plain
        assert not m.notes.query_one(TextArea).focusable

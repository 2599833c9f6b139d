"""Pilot tests for the modal dialogs: help, confirm and add-feed.

Each test runs a tiny host app that pushes one screen and records what it
was dismissed with.  The add-feed tests use a real ``Library`` on
``tmp_path`` and local feed files (local paths are feeds, and a local HTML
page may announce local feeds), so no network is involved.
"""

from __future__ import annotations

import asyncio
import html
import re
import time
from pathlib import Path
from typing import Any

import pytest
from builders import rss_feed, rss_item
from feedserver import FeedServer
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Label, OptionList
from typing_extensions import override

from tui.core.library import Library
from tui.ui.screens.add_feed import AddFeedScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.help import HelpScreen

HOSTILE = ["[bold]x[/]", "[/", "[@click=app.quit]x[/]", "\x1b[31mred\x1b[0m", "a\x1b]0;PWNED\x07b"]


class Host(App[None]):
    """Pushes ``screen`` on mount and keeps the value it was dismissed with."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self._first = screen
        self.results: list[Any] = []

    @override
    def compose(self) -> ComposeResult:
        yield Label("host")

    def on_mount(self) -> None:
        self.push_screen(self._first, self.results.append)


def rendered(app: App[Any]) -> str:
    """Text of the current screen as a user would read it (from the SVG screenshot)."""
    svg = app.export_screenshot()
    body = svg[svg.find("<g class") :]  # skip the <style> block
    return html.unescape(re.sub(r"<[^>]*>", "", body)).replace("\xa0", " ")


async def wait_for(pilot: Any, cond: Any, timeout: float = 5.0) -> None:
    """Pause the pilot until ``cond()`` is true (worker threads need real time)."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            screen = pilot.app.screen
            state = getattr(screen, "error_text", "")
            raise AssertionError(f"timed out waiting for the dialog (error line: {state!r})")
        await pilot.pause(0.02)


# -- help -------------------------------------------------------------------------


BINDINGS = [("j", "Next article"), ("k", "Previous article"), ("ctrl+p", "Command palette")]


async def test_help_lists_bindings() -> None:
    app = Host(HelpScreen(BINDINGS, title="Keys"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 3
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows == [list(b) for b in BINDINGS]
        shot = rendered(app)
        assert "Next article" in shot and "Command palette" in shot


async def test_help_closes_on_escape_q_and_question_mark() -> None:
    app = Host(HelpScreen(BINDINGS))
    async with app.run_test() as pilot:
        for n, key in enumerate(["escape", "q", "question_mark"], start=1):
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press(key)
            assert not isinstance(app.screen, HelpScreen), key
            assert app.results == [None] * n
            if key != "question_mark":
                await app.push_screen(HelpScreen(BINDINGS), app.results.append)


async def test_help_scrolls_many_bindings_and_hostile_text() -> None:
    many = [(f"k{i}", f"action {i}") for i in range(60)] + [(h, h) for h in HOSTILE]
    app = Host(HelpScreen(many, title="[bold]T[/"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.row_count == len(many)
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert table.scroll_y > 0
        shot = rendered(app)
        assert "[@click=app.quit]x[/]" in shot
        assert "\x1b" not in str(table.get_row_at(table.row_count - 1)[0])
        await pilot.press("escape")
        assert app.results == [None]


# -- confirm ----------------------------------------------------------------------


async def test_confirm_keys_and_buttons() -> None:
    steps = [("y", True), ("n", False), ("escape", False), ("enter", True)]
    steps += [("#confirm", True), ("#cancel", False)]
    app = Host(ConfirmScreen("Delete feed?", confirm_label="Remove"))
    async with app.run_test() as pilot:
        for n, (step, expected) in enumerate(steps, start=1):
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ConfirmScreen)
            assert str(screen.query_one("#confirm", Button).label) == "Remove"
            if step.startswith("#"):
                await pilot.click(step)
            else:
                await pilot.press(step)
            assert app.results[-1] is expected, step
            assert len(app.results) == n and app.screen is not screen
            if n < len(steps):
                await app.push_screen(ConfirmScreen("Again?", "Remove"), app.results.append)


def hostile_confirm(hostile: str) -> ConfirmScreen:
    return ConfirmScreen(f"Delete {hostile} and its articles?", confirm_label=hostile)


async def test_confirm_hostile_message() -> None:
    app = Host(hostile_confirm(HOSTILE[0]))
    async with app.run_test() as pilot:
        for n, hostile in enumerate(HOSTILE, start=1):
            await pilot.pause()
            message = str(app.screen.query_one("#confirm-message", Label).content)
            assert "\x1b" not in message and "\x07" not in message
            assert "[31m" not in message and "PWNED" not in message  # whole sequences go
            shot = rendered(app)
            assert "\x1b" not in shot and "PWNED\x07" not in shot
            if "\x1b" not in hostile:
                assert hostile in message  # shown literally, not as markup
            if "@click" in hostile:  # clicking it runs nothing: no action was made
                await pilot.click("#confirm-message")
                assert app.is_running and len(app.results) == n - 1
            await pilot.press("n")
            assert app.results == [False] * n
            if n < len(HOSTILE):
                await app.push_screen(hostile_confirm(HOSTILE[n]), app.results.append)


# -- add feed ---------------------------------------------------------------------


@pytest.fixture
def library(tmp_path: Path) -> Library:
    # Not closed: Library.close() cannot close the worker threads' connections
    # from this thread (sqlite3 refuses); the files live in tmp_path anyway.
    return Library(tmp_path / "gazette.db")


def one_post(title: str) -> str:
    """A feed titled ``title`` with one post."""
    item = rss_item(f"{title}-1", "First post", link="http://example.com/1", body="Hello")
    return rss_feed(item, title=title, link="http://example.com/", description="d")


def write_feed(directory: Path, name: str, title: str) -> Path:
    path = directory / name
    path.write_text(one_post(title), encoding="utf-8")
    return path


async def type_url(pilot: Any, app: App[Any], url: str, tags: str = "") -> None:
    screen = app.screen
    screen.query_one("#add-url", Input).value = url
    screen.query_one("#add-tags", Input).value = tags
    await pilot.pause()


async def test_add_local_feed(library: Library, tmp_path: Path) -> None:
    path = write_feed(tmp_path, "tiny.rss", "Tiny feed")
    app = Host(AddFeedScreen(library))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AddFeedScreen)
        await type_url(pilot, app, str(path), tags="news, tech")
        await pilot.click("#add-ok")
        await wait_for(pilot, lambda: app.results)
    [feed_id] = app.results
    assert isinstance(feed_id, int)
    [feed] = [f for f in library.feeds() if f.id == feed_id]
    assert feed.title == "Tiny feed"
    assert set(feed.tags) == {"news", "tech"}


async def test_add_reads_tags_in_the_one_tag_grammar(library: Library, tmp_path: Path) -> None:
    """Tags go through ``tui.core.tags.parse_tag_changes``, as in the tag editor."""
    path = write_feed(tmp_path, "tiny.rss", "Tiny feed")
    app = Host(AddFeedScreen(library))
    tags = 'news, NEWS, +tech, \x1b[31mred\x07, "q", ' + "L" * 200 + ", +, -, ,"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_url(pilot, app, str(path), tags=tags)
        await pilot.click("#add-ok")
        await wait_for(pilot, lambda: app.results)
    [feed] = library.feeds()
    assert feed.id == app.results[0]
    assert sorted(feed.tags) == sorted(["news", "tech", "red", '"q"', "L" * 64])


async def test_add_refuses_tag_removal(library: Library, tmp_path: Path) -> None:
    """A new feed has no tag to remove: ``-name`` is an error, not a silent drop."""
    path = write_feed(tmp_path, "tiny.rss", "Tiny feed")
    app = Host(AddFeedScreen(library))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AddFeedScreen)
        await type_url(pilot, app, str(path), tags="news, -\x1b[2Jold")
        await pilot.click("#add-ok")
        await pilot.pause()
        assert screen.error_text == "Tags: a new feed has no tag to remove (-old)."
        assert app.focused is screen.query_one("#add-tags", Input)
        assert app.results == [] and library.feeds() == []


async def test_add_by_enter_in_url_input(library: Library, tmp_path: Path) -> None:
    path = write_feed(tmp_path, "tiny.rss", "Tiny feed")
    app = Host(AddFeedScreen(library))
    async with app.run_test() as pilot:
        await pilot.pause()
        await type_url(pilot, app, str(path)[:-1])
        await pilot.press(str(path)[-1], "enter")
        await wait_for(pilot, lambda: app.results)
    assert app.results[0] in {f.id for f in library.feeds()}


async def test_add_blank_shows_error(library: Library) -> None:
    app = Host(AddFeedScreen(library))
    async with app.run_test() as pilot:
        await pilot.pause()
        await type_url(pilot, app, "   ")
        await pilot.click("#add-ok")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AddFeedScreen)
        assert "Enter a feed URL" in screen.error_text
        assert app.results == []
        # Typing clears the stale error.
        await pilot.press("x")
        assert screen.error_text == ""


async def test_add_missing_path_shows_error_and_stays(library: Library, tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "[bold]feed[/].xml"
    app = Host(AddFeedScreen(library))
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AddFeedScreen)
        await type_url(pilot, app, str(missing))
        await pilot.click("#add-ok")
        await wait_for(pilot, lambda: screen.error_text and not screen.busy)
        assert "[bold]feed[/].xml" in screen.error_text  # literal, not markup
        assert "\n" not in screen.error_text
        assert app.screen is screen and app.results == []
        assert library.feeds() == []
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]


async def test_add_not_a_feed_shows_error(library: Library, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>x</title></head><body>hi</body></html>")
    app = Host(AddFeedScreen(library))
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AddFeedScreen)
        await type_url(pilot, app, str(page))
        await pilot.click("#add-ok")
        await wait_for(pilot, lambda: screen.error_text and not screen.busy)
        assert "no feed found" in screen.error_text
        assert app.screen is screen


async def test_add_duplicate_shows_error(library: Library, tmp_path: Path) -> None:
    path = write_feed(tmp_path, "tiny.rss", "Tiny feed")
    await asyncio.to_thread(library.add_feed, str(path))  # it runs its own event loop
    app = Host(AddFeedScreen(library))
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AddFeedScreen)
        await type_url(pilot, app, str(path))
        await pilot.click("#add-ok")
        await wait_for(pilot, lambda: screen.error_text and not screen.busy)
        assert "already subscribed" in screen.error_text
        assert len(library.feeds()) == 1


async def test_add_unexpected_exception_is_one_line(library: Library, tmp_path: Path) -> None:
    class Broken(Library):
        @override
        def discover(self, url: str) -> list[str]:
            raise RuntimeError("boom [/]\nsecond line")

    broken = Broken(tmp_path / "other.db")
    app = Host(AddFeedScreen(broken))
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AddFeedScreen)
        await type_url(pilot, app, "https://example.invalid/feed")
        await pilot.click("#add-ok")
        await wait_for(pilot, lambda: screen.error_text and not screen.busy)
        assert screen.error_text == "Could not add the feed: RuntimeError: boom [/] second line"
        assert app.is_running


async def test_add_shows_checking_while_busy(library: Library, tmp_path: Path) -> None:
    import threading

    gate = threading.Event()
    path = write_feed(tmp_path, "tiny.rss", "Tiny feed")

    class Slow(Library):
        @override
        def discover(self, url: str) -> list[str]:
            gate.wait(5)
            return super().discover(url)

    slow = Slow(tmp_path / "slow.db")
    app = Host(AddFeedScreen(slow))
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AddFeedScreen)
        await type_url(pilot, app, str(path))
        await pilot.click("#add-ok")
        await pilot.pause()
        assert screen.busy
        assert "Checking…" in str(screen.query_one("#add-status", Label).content)
        assert screen.query_one("#add-ok", Button).disabled
        await pilot.click("#add-ok")  # ignored while busy
        gate.set()
        await wait_for(pilot, lambda: app.results)
    assert len(app.results) == 1 and isinstance(app.results[0], int)
    assert len(slow.feeds()) == 1


async def test_add_choice_from_page_with_two_feeds(library: Library, tmp_path: Path) -> None:
    write_feed(tmp_path, "one.rss", "Feed One")
    write_feed(tmp_path, "two.rss", "[b]Feed Two[/")
    page = tmp_path / "site.html"
    page.write_text(
        "<!doctype html><html><head><title>Site</title>"
        '<link rel="alternate" type="application/rss+xml" href="one.rss">'
        '<link rel="alternate" type="application/rss+xml" href="two.rss">'
        "</head><body>hi</body></html>"
    )
    app = Host(AddFeedScreen(library))
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AddFeedScreen)
        await type_url(pilot, app, str(page), tags="blogs")
        await pilot.click("#add-ok")
        choices = screen.query_one("#add-choices", OptionList)
        await wait_for(pilot, lambda: choices.display and choices.option_count == 2)
        labels = [str(choices.get_option_at_index(i).prompt) for i in range(2)]
        assert labels[0].endswith("one.rss") and labels[1].endswith("two.rss")
        assert library.feeds() == []
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: app.results)
    [feed] = library.feeds()
    assert app.results == [feed.id]
    assert feed.title == "[b]Feed Two[/"
    assert list(feed.tags) == ["blogs"]


async def test_add_choice_by_add_button_over_http(
    library: Library, feed_server: FeedServer
) -> None:
    feed_server.page("/a.rss", one_post("A"), content_type="application/rss+xml")
    feed_server.page("/b.rss", one_post("B"), content_type="application/rss+xml")
    feed_server.feed_page("/", "/a.rss", "/b.rss")
    app = Host(AddFeedScreen(library))
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AddFeedScreen)
        await type_url(pilot, app, feed_server.url("/"))
        await pilot.click("#add-ok")
        choices = screen.query_one("#add-choices", OptionList)
        await wait_for(pilot, lambda: choices.display and choices.option_count == 2)
        await pilot.pause(0.25)  # a Button ignores clicks during its 0.2 s "active" effect
        await pilot.click("#add-ok")  # adds the highlighted (first) choice
        await wait_for(pilot, lambda: app.results)
    [feed] = library.feeds()
    assert feed.title == "A" and app.results == [feed.id]

"""The configuration, applied by the app: keymap, reading settings, browser,
startup warnings, the CLI handing its config over, and the per-feed settings
dialog (validation, saving, the title showing in the feed list).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from builders import notifications
from textual.widgets import Input, Static

from tui import cli
from tui.config import Config, ReadingConfig
from tui.core import FeedSettings
from tui.core.models import View
from tui.ui.app import GazetteApp
from tui.ui.keys import known_binding_ids
from tui.ui.screens.feed_settings import FeedSettingsScreen, parse_count

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

SIZE = (160, 45)


# -- keymap ------------------------------------------------------------------------------


async def test_keymap_from_config_remaps_a_binding(library: Any, ui: Helpers) -> None:
    app = GazetteApp(library, clock=ui.clock, config=Config(keybindings={"star": "x"}))
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(pilot)
        first = app.main.article_list.current
        assert first is not None and not first.starred
        await pilot.press("x")
        await pilot.pause()
        assert library.article(first.id).starred
        await pilot.press("s")  # the old key no longer stars
        await pilot.pause()
        assert library.article(first.id).starred


async def test_unknown_binding_id_warns_once_and_the_rest_apply(library: Any, ui: Helpers) -> None:
    config = Config(keybindings={"no_such_action": "z", "star": "x"})
    app = GazetteApp(library, clock=ui.clock, config=config, config_file=Path("/c/config.toml"))
    seen = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(seen) == 1
        assert "/c/config.toml: keybindings.no_such_action: no binding has this id" in seen[0]
        assert app._keymap == {"star": "x"}


def test_known_binding_ids_cover_the_reader_and_dialogs() -> None:
    ids = known_binding_ids()
    assert {"star", "quit", "refresh", "help", "add_feed.cancel"} <= ids
    assert "feed_settings.cancel" in ids


async def test_config_warnings_are_shown_once_at_startup(library: Any, ui: Helpers) -> None:
    warnings = ["config.toml: reading.sort: expected one of newest, oldest, got 'up [b]'"]
    app = GazetteApp(library, clock=ui.clock, config=Config(), warnings=warnings)
    seen = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause(0.05)
    assert seen == warnings


# -- reading -------------------------------------------------------------------------------


async def test_mark_read_on_open_false_keeps_articles_unread(library: Any, ui: Helpers) -> None:
    config = Config(reading=ReadingConfig(mark_read_on_open=False))
    app = GazetteApp(library, clock=ui.clock, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(pilot)
        article = app.main.article_list.current
        assert article is not None and not article.read
        await pilot.press("enter")
        await ui.settle(pilot)
        assert app.main.pane.article is not None and app.main.pane.article.id == article.id
        assert not library.article(article.id).read
        assert app.main.pane.article.read is False  # the pane shows it unread, as stored
        current = app.main.article_list.current
        assert current is not None and current.id == article.id and not current.read
        await pilot.press("m")  # marking by hand still works, and marks it read
        await pilot.pause()
        assert library.article(article.id).read


async def test_mark_read_on_open_true_marks_the_opened_article_read(
    library: Any, ui: Helpers
) -> None:
    config = Config(reading=ReadingConfig(mark_read_on_open=True))
    app = GazetteApp(library, clock=ui.clock, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(pilot)
        article = app.main.article_list.current
        assert article is not None and not article.read
        await pilot.press("enter")
        await ui.settle(pilot)
        assert library.article(article.id).read
        assert app.main.pane.article is not None and app.main.pane.article.read
        await pilot.press("m")  # the pane knows it is read: m marks it unread again
        await pilot.pause()
        assert not library.article(article.id).read


async def test_sort_oldest_and_article_width(library: Any, ui: Helpers) -> None:
    config = Config(reading=ReadingConfig(sort="oldest", article_width=60))
    app = GazetteApp(library, clock=ui.clock, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(pilot)
        lst = app.main.article_list
        assert lst.newest_first is False
        oldest = library.articles(View(), limit=1, newest_first=False)[0]
        assert lst.current is not None and lst.current.id == oldest.id
        await pilot.press("enter")
        await ui.settle(pilot)
        body = app.main.query_one("#article-body")
        assert body.styles.max_width is not None and body.styles.max_width.value == 60
        assert body.size.width <= 60


# -- browser ---------------------------------------------------------------------------------


async def test_browser_command_gets_the_url_as_one_argument(
    library: Any, ui: Helpers, tmp_path: Path
) -> None:
    out = tmp_path / "argv.txt"
    script = tmp_path / "browser.py"
    script.write_text(
        "import sys, pathlib\npathlib.Path(sys.argv[1]).write_text(repr(sys.argv[2:]))\n"
    )
    config = Config(browser=f'"{sys.executable}" "{script}" "{out}"')
    app = GazetteApp(library, clock=ui.clock, config=config)
    url = "https://example.com/a b;touch $HOME/pwned&x=`id`"
    async with app.run_test(size=SIZE) as pilot:
        app.open_url(url)
        await ui.wait_for(pilot, lambda: out.exists() and out.read_text() != "")
    assert out.read_text() == repr([url])


async def test_a_browser_that_cannot_run_is_one_line(library: Any, ui: Helpers) -> None:
    app = GazetteApp(library, clock=ui.clock, config=Config(browser="/no/such/browser --new"))
    seen = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        app.open_url("https://example.com/")
        await pilot.pause()
    assert seen and seen[-1].startswith("Cannot run the browser /no/such/browser")


# -- the CLI hands its config to the app --------------------------------------------------


def test_cli_passes_config_and_warnings_to_the_app(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "config.toml").write_text('theme = "newsprint"\nbogus = 1\n')
    monkeypatch.setenv("GAZETTE_CONFIG_DIR", str(config_dir))
    calls: list[tuple[Any, Any]] = []

    def fake_run_app(lib: Any, *, config: Any = None, warnings: Any = ()) -> int:
        calls.append((config, list(warnings)))
        return 0

    monkeypatch.setattr("tui.ui.app.run_app", fake_run_app)
    assert cli.main(["--db", str(tmp_path / "g.db")]) == 0
    ((config, warnings),) = calls
    assert config.theme == "newsprint"
    assert len(warnings) == 1 and "bogus: unknown setting" in warnings[0]


# -- per-feed settings ------------------------------------------------------------------------


def test_parse_count() -> None:
    assert parse_count("X", "  ", 10) is None
    assert parse_count("X", " 7 ", 10) == 7
    with pytest.raises(ValueError, match="X: enter a whole number"):
        parse_count("X", "-3", 10)
    with pytest.raises(ValueError, match="X: at most 10"):
        parse_count("X", "11", 10)


async def _open_feed_settings(app: GazetteApp, pilot: Any, ui: Helpers) -> tuple[Any, int]:
    feed = next(f for f in app.main.feeds.values() if f.folder is None)
    app.main.feed_list.select_key(f"feed:{feed.id}")
    await ui.settle(pilot)
    assert app.main.source is not None and app.main.source.feed is not None
    assert app.main.source.feed.id == feed.id
    app.action_feed_settings()  # its settings are read in a worker, then the dialog opens
    await ui.wait_for(pilot, lambda: dialog_shown(app))
    return app.screen, feed.id


def dialog_shown(app: GazetteApp) -> bool:
    """The settings dialog is on screen, laid out (so its buttons can be clicked)."""
    screen = app.screen
    return isinstance(screen, FeedSettingsScreen) and bool(
        screen.query("#fs-save") and screen.query_one("#fs-save").region.area
    )


def feed_title(app: GazetteApp, feed_id: int) -> list[str]:
    return [s.title for s in app.main.feed_list.sources() if s.key == f"feed:{feed_id}"]


async def test_feed_settings_validate_save_and_cancel(library: Any, ui: Helpers) -> None:
    app = GazetteApp(library, clock=ui.clock, config=Config())
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(pilot)
        screen, feed_id = await _open_feed_settings(app, pilot, ui)
        screen.query_one("#fs-title", Input).value = "Mac [b]news[/b]"
        screen.query_one("#fs-refresh", Input).value = "ten"
        await pilot.click("#fs-save")
        await pilot.pause()
        assert isinstance(app.screen, FeedSettingsScreen), "bad input keeps the dialog open"
        error = str(screen.query_one("#fs-error", Static).render())
        assert "Refresh every: enter a whole number" in error
        screen.query_one("#fs-refresh", Input).value = "15"
        screen.query_one("#fs-days", Input).value = "30"
        screen.query_one("#fs-max", Input).value = "0"
        screen.query_one("#fs-refresh", Input).focus()
        await pilot.press("enter")  # stored in a worker; the feed list shows the new title
        await ui.wait_for(pilot, lambda: feed_title(app, feed_id) == ["Mac [b]news[/b]"])
        assert not isinstance(app.screen, FeedSettingsScreen)
        saved = library.feed_settings(feed_id)
        assert (saved.title, saved.refresh_minutes, saved.keep_read_days, saved.max_per_feed) == (
            "Mac [b]news[/b]",
            15,
            30,
            0,
        )
        # Opening it again shows what was saved; clearing the title brings the feed's own back.
        screen, _ = await _open_feed_settings(app, pilot, ui)
        assert screen.query_one("#fs-refresh", Input).value == "15"
        screen.query_one("#fs-title", Input).value = ""
        await pilot.click("#fs-save")
        await ui.wait_for(pilot, lambda: feed_title(app, feed_id) != ["Mac [b]news[/b]"])
        assert library.feed_settings(feed_id).title is None
        assert library.find_feed(str(feed_id)).title != "Mac [b]news[/b]"
        # Escape closes it without saving anything.
        screen, _ = await _open_feed_settings(app, pilot, ui)
        screen.query_one("#fs-title", Input).value = "Nope"
        screen.query_one("#fs-refresh", Input).value = ""
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FeedSettingsScreen)
        assert library.feed_settings(feed_id) == FeedSettings(None, 15, 30, 0)


async def test_feed_settings_need_a_feed(library: Any, ui: Helpers) -> None:
    app = GazetteApp(library, clock=ui.clock, config=Config())
    seen = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(pilot)
        assert app.main.source is not None and app.main.source.feed is None  # "All" is first
        app.action_feed_settings()
        await pilot.pause()
        assert not isinstance(app.screen, FeedSettingsScreen)
    assert seen == ["Select a feed in the feed list first."]

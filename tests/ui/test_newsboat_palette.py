"""Palette "Import from newsboat…": a dry run in a worker, a confirmation that
shows its counts, the import in a worker, then the whole report in a dialog."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from builders import notifications
from newsboat_fixtures import copy_fixtures
from textual.command import CommandPalette
from textual.widgets import Label, Static
from typing_extensions import override

from tui.core import Library, NewsboatReport
from tui.core.importing.newsboat.sources import NewsboatFiles
from tui.ui.app import GazetteApp
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.report import ReportScreen

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

WIDE = (120, 40)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home whose ~/.newsboat holds the fixtures (newsboat's own place)."""
    home = tmp_path / "home"
    copy_fixtures(home / ".newsboat")
    monkeypatch.setenv("HOME", str(home))
    return home


async def run_command(pilot: Any, ui: Helpers) -> None:
    app = pilot.app
    await pilot.press("ctrl+p")
    await ui.wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    commands = app.screen.query_one("CommandList")
    await pilot.press(*"Import from newsboat")

    def first() -> str:
        if commands.option_count == 0:
            return ""
        return str(commands.get_option_at_index(0).prompt).splitlines()[0]

    await ui.wait_for(pilot, lambda: first() == "Import from newsboat…")
    await pilot.press("enter")


class Watched(Library):
    """Records the threads and the dry-run flags of each import."""

    calls: list[tuple[threading.Thread, bool]]

    @override
    def import_newsboat(self, files: NewsboatFiles | None = None, **kw: Any) -> NewsboatReport:
        self.calls.append((threading.current_thread(), bool(kw.get("dry_run"))))
        return super().import_newsboat(files, **kw)


async def test_confirm_then_import_then_the_report(
    library: Library, home: Path, ui: Helpers
) -> None:
    lib = Watched(library.db_path, clock=ui.clock)
    lib.calls = []
    app = GazetteApp(lib, clock=ui.clock, auto_refresh_every=0)
    try:
        async with app.run_test(size=WIDE) as pilot:
            await ui.settle(pilot)
            before = len(app.main.feeds)
            await run_command(pilot, ui)
            await ui.wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            question = str(app.screen.query_one("#confirm-message", Label).content)
            assert question.startswith(f"Import from newsboat ({home / '.newsboat' / 'urls'}")
            assert "\nfeeds: 3 (1 renamed, 1 hidden, in folder Hidden)\n" in question
            assert "13 lines will not be imported (the report lists them)." in question
            assert len(lib.feeds()) == before  # the dry run wrote nothing
            await pilot.press("y")
            await ui.wait_for(pilot, lambda: isinstance(app.screen, ReportScreen))
            text = str(app.screen.query_one("#report-text", Static).content)
            assert text.startswith("Imported from newsboat (")
            assert "\n  articles: 8\n" in text
            assert "\n  urls:10: exec:~/bin/make-feed.sh tech: exec: feeds run" in text
            await ui.wait_for(pilot, lambda: len(app.main.feeds) == before + 3)
            await pilot.press("escape")
            await ui.settle(pilot)
            assert not isinstance(app.screen, ReportScreen)
        assert [dry for _, dry in lib.calls] == [True, False]
        assert all(thread is not threading.main_thread() for thread, _ in lib.calls)
    finally:
        lib.close()


async def test_cancel_writes_nothing(
    make_app: Any, library: Library, home: Path, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ui.settle(pilot)
        before = library.feeds()
        await run_command(pilot, ui)
        await ui.wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await ui.settle(pilot)
        assert not isinstance(app.screen, (ConfirmScreen, ReportScreen))
    assert library.feeds() == before


async def test_no_newsboat_files_is_one_error_line(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ui: Helpers
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "nobody"))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    app: GazetteApp = make_app()
    seen = notifications(app)
    async with app.run_test(size=WIDE) as pilot:
        await ui.settle(pilot)
        await run_command(pilot, ui)
        await ui.wait_for(pilot, lambda: bool(seen))
        assert len(seen) == 1
        assert seen[0].startswith("Import from newsboat failed: nothing to import: ")
        assert not isinstance(app.screen, ConfirmScreen)

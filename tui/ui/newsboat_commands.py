"""Palette "Import from newsboat…": a dry run, a confirmation, the import, its report.

newsboat's files are found where newsboat keeps them (the command line takes
other paths).  The dry run reads them in a thread worker and its counts are
what the confirmation shows, so nothing is written before the user agrees;
the import then runs in a worker too and the whole report (every line not
imported, with why) opens in a dialog.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.message import Message

from tui.core import plural
from tui.ui.workers import library_call

if TYPE_CHECKING:  # the importer loads with the first import, not with the reader
    from tui.core import NewsboatReport
    from tui.ui.app import GazetteApp

#: The worker group of the dry run and the import (at most one at a time).
GROUP = "newsboat"


class NewsboatFinished(Message):
    """A dry run or an import from newsboat ended: its report, or why it failed."""

    def __init__(
        self, *, dry_run: bool, report: NewsboatReport | None = None, error: str = ""
    ) -> None:
        super().__init__()
        self.dry_run = dry_run
        self.report = report
        self.error = error


def confirm_text(report: NewsboatReport) -> str:
    """The confirmation's question: the counts of the dry run, lines not imported counted."""
    skipped = len(report.not_imported)
    extra = f"\n{plural(skipped, 'line')} will not be imported (the report lists them)."
    files = ", ".join(report.read_files)
    counts = "\n".join(report.counts())
    return f"Import from newsboat ({files})?\n{counts}" + (extra if skipped else "")


class NewsboatCommands:
    """The palette command, its workers and its dialogs."""

    def __init__(self, app: GazetteApp) -> None:
        self.app = app
        self.library = app.library

    def commands(self) -> Iterator[SystemCommand]:
        """The palette's command (its help text is markup: no user text in it)."""
        yield SystemCommand(
            "Import from newsboat…",
            "Feeds, tags, query feeds, filters and read state from newsboat's files",
            self.start,
        )

    def _busy(self) -> bool:
        if any(w.is_running for w in self.app.workers if w.group == GROUP):
            self.app.notify("An import from newsboat is already running.", markup=False)
            return True
        return False

    def start(self) -> None:
        """Read newsboat's files in a dry run; the confirmation follows."""
        if not self._busy():
            self._run(dry_run=True)

    def _run(self, *, dry_run: bool) -> None:
        def work() -> None:
            done = library_call(self.library, lambda: self.library.import_newsboat(dry_run=dry_run))
            message = NewsboatFinished(dry_run=dry_run, report=done.value, error=done.error)
            self.app.post_message(message)

        self.app.run_worker(
            work, name=GROUP, group=GROUP, exclusive=True, thread=True, exit_on_error=False
        )

    def finished(self, message: NewsboatFinished) -> None:
        """After the dry run, ask; after the import, show the report."""
        from tui.ui.screens.confirm import ConfirmScreen
        from tui.ui.screens.report import ReportScreen

        app = self.app
        if message.error or message.report is None:
            text = f"Import from newsboat failed: {message.error}"
            app.notify(text, severity="error", timeout=10, markup=False)
            return
        report = message.report
        if message.dry_run:
            app.push_screen(ConfirmScreen(confirm_text(report), "Import"), self._confirmed)
            return
        reader = app.reader
        if reader is not None:
            reader.refresh_counts()
        app.push_screen(ReportScreen("Imported from newsboat", report.lines()))

    def _confirmed(self, yes: bool | None) -> None:
        if yes:
            self._run(dry_run=False)

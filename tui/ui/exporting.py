"""Palette "Export notes": the export in a thread worker, its summary in a notification.

The note being typed is saved first so the export includes it; with a
search query only the noted articles the search matches are exported.  One
export runs at a time.
"""

from __future__ import annotations

import contextlib
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from tui.core import ExportReport
from tui.ui import safe
from tui.ui.workers import library_call

if TYPE_CHECKING:
    from tui.ui.app import GazetteApp

#: Export warnings shown in the notification (the rest are counted).
EXPORT_WARNINGS_SHOWN = 3


class ExportFinished(Message):
    """The export worker is done: a report, or the error that stopped it."""

    def __init__(
        self, folder: Path, report: ExportReport | None, error: str = "", *, query: str | None
    ) -> None:
        super().__init__()
        self.folder = folder
        self.report = report
        self.error = error
        self.query = query


def export_message(folder: Path, report: ExportReport, *, query: str | None = None) -> str:
    """The notification text: the summary line, then a few warnings, one a line."""
    what = "Notes matching the search" if query is not None else "Notes"
    lines = [f"{what} exported to {safe.clean(str(folder))}: {report.summary()}"]
    shown = report.warnings[:EXPORT_WARNINGS_SHOWN]
    lines.extend(safe.clean(w) for w in shown)
    more = len(report.warnings) - len(shown)
    if more:
        lines.append(f"and {more} more")
    return "\n".join(lines)


class Exporter:
    """Starts the export worker and reports what it did."""

    def __init__(self, app: GazetteApp) -> None:
        self.app = app
        self.library = app.library
        self.running = False

    def start(self, *, force: bool = False, query: str | None = None) -> None:
        """Save the note being typed, then export into the configured folder in a worker."""
        app = self.app
        if self.running:
            app.notify("An export is already running.", markup=False)
            return
        with contextlib.suppress(LookupError):
            app.main.notes.flush()
        try:
            folder = app.config.export_path()
        except (OSError, RuntimeError, ValueError) as exc:  # e.g. ~ with no home
            app.notify(f"Export folder: {safe.clean(str(exc))}", severity="error", markup=False)
            return
        self.running = True
        app.run_worker(
            partial(self._export, folder, force, query),
            name="export",
            group="export",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def _export(self, folder: Path, force: bool, query: str | None) -> None:
        """Export in this thread; the report goes back as a message."""

        def export() -> ExportReport:
            return self.library.export_notes(folder, force=force, query=query)

        done = library_call(self.library, export)
        self.app.post_message(ExportFinished(folder, done.value, done.error, query=query))

    def finished(self, message: ExportFinished) -> None:
        """The summary (and a few warnings) in one notification, or the error."""
        self.running = False
        report = message.report
        if report is None:
            self.app.notify(
                f"Export failed: {message.error}", severity="error", timeout=10, markup=False
            )
            return
        self.app.notify(
            export_message(message.folder, report, query=message.query),
            title="Export notes",
            severity="warning" if report.warnings else "information",
            timeout=10 if report.warnings else 5,
            markup=False,
        )

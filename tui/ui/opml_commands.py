"""Palette "Import OPML…" and "Export OPML…": a path prompt, then a worker.

The prompt (``PromptScreen``) checks only what is cheap and fixable in
place: a blank path, a missing file or folder, a file about to be replaced.
Reading, parsing and writing run in a thread worker (through ``Library``)
that reports with ``OpmlFinished``; the result or the error is one
notification line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.message import Message

from tui.core import ImportReport, plural
from tui.ui import safe
from tui.ui.workers import library_call

if TYPE_CHECKING:
    from tui.ui.app import GazetteApp

#: Where "Export OPML…" suggests writing.
OPML_EXPORT_DEFAULT = "~/gazette-feeds.opml"


class OpmlFinished(Message):
    """An OPML import or export ended: what it did, or why it failed."""

    def __init__(
        self,
        action: str,
        path: Path,
        *,
        report: ImportReport | None = None,
        written: int | None = None,
        error: str = "",
    ) -> None:
        super().__init__()
        self.action = action  # "Import" or "Export"
        self.path = path
        self.report = report
        self.written = written
        self.error = error


def typed_path(text: str) -> Path | None:
    """The path typed in the prompt, ``~`` expanded; None when nothing was typed."""
    text = text.strip()
    return Path(os.path.expanduser(text)) if text else None


def import_problem(text: str) -> str | None:
    """Why the typed path cannot be imported (checked as it is submitted), or None."""
    path = typed_path(text)
    if path is None:
        return "Type the path of an OPML file."
    if not path.is_file():
        problem = "Not a file" if path.exists() else "No such file"
        return f"{problem}: {safe.clean(str(path))}"
    return None


def export_checker() -> Callable[[str], str | None]:
    """A check for the export prompt: an existing file is replaced on the second Enter."""
    confirmed: list[Path] = []

    def check(text: str) -> str | None:
        path = typed_path(text)
        if path is None:
            return "Type the path of the file to write."
        if path.is_dir():
            return f"That is a folder: {safe.clean(str(path))}"
        if not path.parent.is_dir():
            return f"No such folder: {safe.clean(str(path.parent))}"
        if path.exists() and path not in confirmed:
            confirmed.append(path)
            return f"{safe.clean(path.name)} exists: press Enter again to replace it."
        return None

    return check


class OpmlCommands:
    """The two palette commands, their prompts, workers and notifications."""

    def __init__(self, app: GazetteApp) -> None:
        self.app = app
        self.library = app.library

    def commands(self) -> Iterator[SystemCommand]:
        """The palette's OPML commands (help texts are markup: no user text in them)."""
        yield SystemCommand(
            "Import OPML…", "Subscribe to the feeds in an OPML file", self.ask_import
        )
        yield SystemCommand(
            "Export OPML…", "Write every subscription to an OPML file", self.ask_export
        )

    def _busy(self) -> bool:
        if any(w.is_running for w in self.app.workers if w.group == "opml"):
            self.app.notify("An OPML import or export is already running.", markup=False)
            return True
        return False

    def ask_import(self) -> None:
        """Palette "Import OPML…": ask for the file, then import it in a worker."""
        from tui.ui.screens.prompt import PromptScreen

        if self._busy():
            return
        prompt = PromptScreen(
            "Import OPML",
            "Subscribe to the feeds in this OPML file",
            import_problem,
            action="Import",
            placeholder="~/feeds.opml",
        )
        self.app.push_screen(prompt, partial(self._chosen, self._import))

    def ask_export(self) -> None:
        """Palette "Export OPML…": ask where, then write the file in a worker.

        An existing file is replaced only when Enter is pressed again on the
        same path (the dialog says so first).
        """
        from tui.ui.screens.prompt import PromptScreen

        if self._busy():
            return
        prompt = PromptScreen(
            "Export OPML",
            "Write every subscription to this file",
            export_checker(),
            value=OPML_EXPORT_DEFAULT,
            action="Export",
        )
        self.app.push_screen(prompt, partial(self._chosen, self._export))

    def _chosen(self, run: Callable[[Path], None], text: str | None) -> None:
        path = typed_path(text or "")
        if path is not None:
            self.app.run_worker(
                partial(run, path),
                name="opml",
                group="opml",
                exclusive=True,
                thread=True,
                exit_on_error=False,
            )

    def _import(self, path: Path) -> None:
        done = library_call(self.library, lambda: self.library.import_opml(path))
        self.app.post_message(OpmlFinished("Import", path, report=done.value, error=done.error))

    def _export(self, path: Path) -> None:
        done = library_call(self.library, lambda: self.library.export_opml(path))
        self.app.post_message(OpmlFinished("Export", path, written=done.value, error=done.error))

    def finished(self, message: OpmlFinished) -> None:
        """One notification: the error, the file written, or what the import added."""
        app = self.app
        if message.error:
            text = f"{message.action} OPML failed: {message.error}"
            app.notify(text, severity="error", timeout=10, markup=False)
            return
        if message.written is not None:
            where = safe.clean(str(message.path))
            app.notify(f"Exported {plural(message.written, 'feed')} to {where}.", markup=False)
            return
        report = message.report
        assert report is not None
        reader = app.reader
        if report.added and reader is not None:
            reader.refresh_counts()
        app.notify(self._import_text(report, message.path), markup=False)

    def _import_text(self, report: ImportReport, path: Path) -> str:
        """ "Imported 3 feeds from x.opml (1 already subscribed). Press R to fetch them." """
        name = safe.clean(path.name)
        skipped = len(report.skipped)
        if not report.added:
            if not skipped:
                return f"No feeds in {name}."
            return f"No new feeds in {name}: {plural(skipped, 'feed')} already subscribed."
        extra = f" ({skipped} already subscribed)" if skipped else ""
        key = self.app.key_for("refresh_all")
        fetch = f"Press {key} to fetch them." if key else "Refresh all feeds to fetch them."
        return f"Imported {plural(len(report.added), 'feed')} from {name}{extra}. {fetch}"

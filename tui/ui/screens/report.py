"""A read-only report in a dialog: lines of text that may be long (an import's).

The lines quote user files (feed URLs, filter expressions), so each is
cleaned and shown as ``Content``, never parsed as markup; the box scrolls
when the report is taller than the screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.ui import safe
from tui.ui.screens.dialog import Dialog

__all__ = ["ReportScreen"]


class ReportScreen(Dialog[None]):
    """Shows ``lines`` under ``title``; escape, enter or ``q`` close it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "close", "Close", id="report.close"),
    ]

    DEFAULT_CSS = """
    ReportScreen > #report-box {
        width: 100;
        max-height: 90%;
    }
    """

    def __init__(self, title: str, lines: Sequence[str]) -> None:
        super().__init__()
        self._title = title
        self._lines = list(lines)

    def compose(self) -> ComposeResult:
        box = VerticalScroll(id="report-box", classes="dialog-box")
        box.border_title = safe.clean(self._title)
        box.border_subtitle = "Esc to close"
        with box:
            text = "\n".join(_indented(line) for line in self._lines)
            yield Static(Content(text), id="report-text")

    def action_close(self) -> None:
        self.dismiss(None)


def _indented(line: str) -> str:
    """The line cleaned, its leading spaces (the report's nesting) kept."""
    body = line.lstrip(" ")
    return " " * (len(line) - len(body)) + safe.clean(body)

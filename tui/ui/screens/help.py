"""The key-binding help screen.

A modal over the reader that lists every key and what it does.  The app
builds the list (it knows the live, possibly remapped bindings) and hands it
in, so this screen has no knowledge of the app's actions.  Descriptions may
one day come from user config, so every cell is plain ``Text`` (never parsed
as markup) with control characters removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable

from tui.ui import safe
from tui.ui.screens.dialog import Dialog

__all__ = ["HelpScreen"]


class HelpScreen(Dialog[None]):
    """Lists ``(key, description)`` pairs in a scrollable two-column table.

    Escape, ``q`` and ``?`` close it (``?`` so the key that opened it also
    closes it).  Dismisses with ``None``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="help.close"),
        Binding("q", "close", "Close", show=False, id="help.close_q"),
        Binding("question_mark", "close", "Close", show=False, id="help.close_help"),
    ]

    DEFAULT_CSS = """
    HelpScreen > #help-table {
        width: auto;
        min-width: 40;
        max-width: 90%;
        max-height: 90%;
        border-subtitle-color: $text-muted;
    }
    """

    def __init__(self, bindings: Iterable[tuple[str, str]], title: str = "Keys") -> None:
        super().__init__()
        self._key_rows = list(bindings)
        self._title = title

    def compose(self) -> ComposeResult:
        # The table is the dialog: its border carries the title and the hint,
        # so "height: auto; max-height: 90%" sizes it to the screen and it
        # scrolls when the list is longer.
        table: DataTable[Text] = DataTable(
            id="help-table", classes="dialog-box", cursor_type="row", zebra_stripes=True
        )
        table.border_title = safe.content(self._title)
        table.border_subtitle = Content("escape · q · ? close")
        yield table

    def on_mount(self) -> None:
        table = self.query_one("#help-table", DataTable)
        table.add_column(Text("Key"), key="key")
        table.add_column(Text("Action"), key="action")
        for key, description in self._key_rows:
            table.add_row(safe.text(key), safe.text(description))
        table.focus()

    @property
    def rows(self) -> list[tuple[str, str]]:
        """The (cleaned) rows shown, for tests and snapshots."""
        return [(safe.clean(k), safe.clean(d)) for k, d in self._key_rows]

    def action_close(self) -> None:
        self.dismiss(None)

"""The reference for the terminal figures: a minimal Textual app, an ``OptionList`` of 2,000 rows.

Issue 15 sets Gazette's terminal targets against this app measured in the same
run, with the same Python, Textual and terminal: its startup to first paint
(the first row on screen) and its key-to-screen time for Down and PageDown.
``q`` quits.  Run it by hand with ``python benchmarks/minimal_app.py``.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.widgets import OptionList

ROWS = 2_000


def row_text(n: int) -> str:
    """The text of row ``n`` (row 0 is the first-paint marker)."""
    return f"Row {n:04d} of the minimal app"


class MinimalApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield OptionList(*(row_text(n) for n in range(ROWS)))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()


if __name__ == "__main__":
    MinimalApp().run()

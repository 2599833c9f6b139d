"""A yes/no confirmation dialog for destructive actions (deleting a feed).

The message usually quotes a feed title, which is untrusted: it is shown as
``Content`` (never parsed as markup) after control characters are removed,
so ``[@click=app.quit]`` or an ESC sequence in a title is just text.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label

from tui.ui import safe
from tui.ui.screens.dialog import Dialog

__all__ = ["ConfirmScreen"]


def _safe_lines(s: str) -> Content:
    """Untrusted text as Content: each line cleaned, line breaks kept."""
    return Content("\n".join(safe.clean(line) for line in s.splitlines()))


class ConfirmScreen(Dialog[bool]):
    """Asks a question; dismisses with ``True`` (confirmed) or ``False``.

    ``y`` and enter confirm (the confirm button has focus, so enter presses
    it; tab to Cancel and enter cancels), ``n`` and escape cancel.
    """

    AUTO_FOCUS = "#confirm"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Yes", id="confirm.yes"),
        Binding("n", "cancel", "No", id="confirm.no"),
        Binding("escape", "cancel", "Cancel", id="confirm.cancel"),
        Binding("enter", "confirm", "Confirm", show=False, id="confirm.enter"),
        Binding("left,right", "app.focus_previous", show=False, id="confirm.switch"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen > #confirm-box {
        width: 60;
        max-width: 90%;
        border: thick $error 70%;
        padding: 1 2;
    }
    ConfirmScreen #confirm-message {
        width: 100%;
        margin-bottom: 1;
    }
    ConfirmScreen #confirm-buttons {
        width: 100%;
        height: auto;
        align-horizontal: right;
    }
    ConfirmScreen Button {
        margin-left: 2;
    }
    """

    def __init__(self, message: str, confirm_label: str = "Delete") -> None:
        super().__init__()
        self._message = message
        self._confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog-box"):
            yield Label(_safe_lines(self._message), id="confirm-message")
            with Horizontal(id="confirm-buttons"):
                yield Button(Content("Cancel"), id="cancel")
                yield Button(
                    safe.content(self._confirm_label, fallback="OK"),
                    variant="error",
                    id="confirm",
                )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

"""A small dialog that asks for one line of text (a name, a query).

Used to name a saved search, rename a tag or a saved search, and edit a
saved search's query.  The caller passes ``submit``, which tries the change
and returns a one-line error or ``None``: on an error the dialog stays open
with the message under the input (a clashing name, an unusable query), so
the user can fix the text instead of starting over.  Every string shown may
quote user text, so all of it goes through ``safe`` (never markup).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from tui.core import GazetteError
from tui.ui import safe
from tui.ui.screens.dialog import Dialog

__all__ = ["PromptScreen", "change_error"]


def change_error(change: Callable[[], object]) -> str | None:
    """Run the change a prompt asks for; a ``GazetteError`` becomes the line the prompt shows.

    The one shape of every ``submit`` that stores something through the
    library (a name, a query, a path): the library's one-line message,
    cleaned, or ``None`` when the change was made.
    """
    try:
        change()
    except GazetteError as exc:
        return safe.clean(str(exc))
    return None


class PromptScreen(Dialog[str | None]):
    """Asks for a line of text; dismisses with it once ``submit`` accepts it, else ``None``."""

    AUTO_FOCUS = "#prompt-input"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]

    DEFAULT_CSS = """
    PromptScreen > #prompt-box { width: 64; }
    PromptScreen #prompt-label { color: $text-muted; width: 100%; }
    PromptScreen #prompt-error { color: $text-error; width: 100%; height: auto; max-height: 3; }
    PromptScreen #prompt-buttons { height: auto; align-horizontal: right; }
    PromptScreen #prompt-buttons Button { margin-left: 2; }
    """

    def __init__(
        self,
        title: str,
        label: str,
        submit: Callable[[str], str | None],
        *,
        value: str = "",
        action: str = "OK",
        placeholder: str = "",
    ) -> None:
        super().__init__()
        self._title = title
        self._label = label
        self._submit = submit
        self._value = value
        self._action = action
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box", classes="dialog-box") as box:
            box.border_title = safe.content(self._title)
            yield Label(safe.content(self._label), id="prompt-label")
            yield Input(
                safe.clean(self._value),
                placeholder=safe.clean(self._placeholder),
                id="prompt-input",
            )
            yield Label(safe.content(""), id="prompt-error")
            with Horizontal(id="prompt-buttons"):
                yield Button(safe.content("Cancel"), id="prompt-cancel")
                yield Button(safe.content(self._action, fallback="OK"), variant="primary", id="ok")

    def on_mount(self) -> None:
        self.query_one("#prompt-error").display = False

    @property
    def error_text(self) -> str:
        """The error under the input ("" when none), for tests."""
        label = self.query_one("#prompt-error", Label)
        return str(label.content) if label.display else ""

    def _set_error(self, text: str) -> None:
        label = self.query_one("#prompt-error", Label)
        label.update(safe.content(text))
        label.display = bool(text)

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._set_error("")

    @on(Button.Pressed, "#ok")
    def _ok(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed, "#prompt-cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_submit(self) -> None:
        """Try the text; close on success, else say why and stay open."""
        text = self.query_one("#prompt-input", Input).value
        try:
            error = self._submit(text)
        except Exception as exc:  # the callback should report; never crash the app
            error = safe.clean(str(exc)) or type(exc).__name__
        if error:
            self._set_error(error)
            self.query_one("#prompt-input", Input).focus()
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)

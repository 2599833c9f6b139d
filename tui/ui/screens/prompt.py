"""A small dialog that asks for one line of text (a name, a query).

Used to name a saved search, rename a tag or a saved search, and edit a
saved search's query.  The caller passes ``submit``, which tries the change
and returns a one-line error or ``None``: on an error the dialog stays open
with the message under the input (a clashing name, an unusable query), so
the user can fix the text instead of starting over.  Every string shown may
quote user text, so all of it goes through ``safe`` (never markup).

Given the ``library``, ``submit`` stores something (a name is checked by
making the change), so it runs off the UI thread, in the dialog's own
``Lane``: meanwhile the OK button reads "…" and the dialog takes no second
submit; the answer closes the dialog or shows its error.  Closed before the
answer (escape), the dialog drops it: the change may have been made all
the same, and the reader's watch on the database then shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label

from tui.core import GazetteError, Library
from tui.ui import safe
from tui.ui.screens.dialog import Dialog
from tui.ui.workers import Lane, Outcome, unless_gone

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

    class Checked(Message):
        """``submit`` ran in the lane on ``text``: its error line, or None (accepted)."""

        def __init__(self, text: str, outcome: Outcome[str | None]) -> None:
            super().__init__()
            self.text = text
            self.outcome = outcome

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
        library: Library | None = None,
    ) -> None:
        """With ``library``, ``submit`` runs in a thread worker (it may touch the disk)."""
        super().__init__()
        self._title = title
        self._label = label
        self._submit = submit
        self._value = value
        self._action = action
        self._placeholder = placeholder
        self._lane = Lane(self, library, name="prompt") if library is not None else None
        #: The text being checked off the UI thread (None: no check running).
        self._checking: str | None = None

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
    def checking(self) -> bool:
        """Whether ``submit`` is running in the lane (OK shows "…" meanwhile)."""
        return self._checking is not None

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
        if self._checking is not None:
            return
        text = self.query_one("#prompt-input", Input).value
        if self._lane is not None:
            self._set_checking(text)
            self._lane.put(lambda: self._submit(text), lambda out: self.Checked(text, out))
            return
        try:
            error = self._submit(text)
        except Exception as exc:  # the callback should report; never crash the app
            error = safe.clean(str(exc)) or type(exc).__name__
        self._answered(text, error)

    def _set_checking(self, text: str | None) -> None:
        self._checking = text
        ok = self.query_one("#ok", Button)
        ok.label = safe.content("…" if text is not None else self._action, fallback="OK")
        ok.disabled = text is not None
        self.query_one("#prompt-input", Input).disabled = text is not None

    @on(Checked)
    @unless_gone
    def _checked(self, message: Checked) -> None:
        self._set_checking(None)
        outcome = message.outcome
        self._answered(message.text, outcome.error or outcome.value)

    def _answered(self, text: str, error: str | None) -> None:
        if error:
            self._set_error(error)
            self.query_one("#prompt-input", Input).focus()
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)

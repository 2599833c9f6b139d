"""The notes panel's state and widgets: the title line, the note's age, the editor, the error line.

``NotesBase`` is the bottom layer of ``NotesPanel`` (``widgets/notes.py``
says how the layers stack): it holds the note shown and what was last
saved of it, builds the child widgets, and draws the lines around the
editor.  The layers above change that state; only this module draws it.

"Dirty" is not a flag set by key presses: it is "the editor's text differs
from what was last saved" (``_dirty``), which makes loading a note (which
also fires ``TextArea.Changed``) harmless and makes a failed save stay
dirty by construction.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from textual import events
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, TextArea

from tui.ui.safe import clean_block
from tui.ui.widgets.note_text import note_age

__all__ = ["AGE_EVERY", "NoteEditor", "NotesBase"]

#: Seconds between redraws of the note's age ("edited 3 min ago").
AGE_EVERY = 30.0


class NoteEditor(TextArea):
    """A TextArea that strips control characters from pasted text.

    A TextArea renders ESC sequences straight to the terminal, and a paste is
    the one way a user can get them in (typed control keys are not inserted).
    """

    async def _on_paste(self, event: events.Paste) -> None:
        # Runs before TextArea._on_paste (handlers are called down the MRO).
        event.text = clean_block(event.text)


class NotesBase(Vertical):
    """The note shown, what was last saved of it, and the lines that say so."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._clock = clock
        #: When the shown note was created and last saved (None: no note yet).
        self._created: int | None = None
        self._updated: int | None = None
        self._article_id: int | None = None
        #: Whether the panel is on screen (see set_shown); alone, it always is.
        self._shown = True
        self._saved_text = ""
        self._title = ""
        # Text of articles we left while their save was failing: retried on flush.
        self._pending: dict[int, str] = {}
        self._error = ""
        # Built here rather than in compose() so load() works before mounting.
        self._title_label = Label(Content("Note"), id="notes-title")
        self._times_label = Label(Content(""), id="notes-times")
        self._times_shown: tuple[str, str | None] = ("", None)
        self._ta = NoteEditor(
            "",
            language="markdown",
            soft_wrap=True,
            tab_behavior="focus",
            placeholder=Content("No article selected"),
            disabled=True,
            id="notes-editor",
        )
        self._status = Label(Content(""), id="notes-status")

    def _dirty(self) -> bool:
        return self._ta.text != self._saved_text

    def _update_title(self) -> None:
        if self._article_id is None:
            text = "Note"
        else:
            text = f"Note: {self._title}" if self._title else "Note"
        self._title_label.update(Content(text))

    def _update_times(self) -> None:
        """The note's age, or "unsaved" while typing has not reached the database."""
        label = self._times_label
        if self._article_id is None:
            text, tip = "", None
        elif self._dirty() or self._pending:
            text, tip = "unsaved", "Saves a second after typing stops (ctrl+s saves now)"
        elif self._updated is None:
            text, tip = "", None
        else:
            now = self._clock()
            edited = note_age(self._updated, now)
            created = self._created if self._created is not None else self._updated
            if self._updated - created < 60:
                text = f"written {edited}"
            else:
                text = f"created {note_age(created, now)} · edited {edited}"
            fmt = "%Y-%m-%d %H:%M"
            tip = (
                f"Created {datetime.fromtimestamp(created).strftime(fmt)}, "
                f"last saved {datetime.fromtimestamp(self._updated).strftime(fmt)}"
            )
        if (text, tip) != self._times_shown:  # an update lays the header out again
            self._times_shown = (text, tip)
            label.update(Content(text))
            label.tooltip = tip

    def _show_error(self, text: str) -> None:
        self._error = text
        self._status.update(Content(text))
        self._status.display = bool(text)

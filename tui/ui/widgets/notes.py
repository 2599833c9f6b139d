"""The notes panel: one Markdown note per article, saved by itself.

Notes are the user's own writing, so the panel's one rule is *never lose
text*: ``notes_autosave`` says how (a save about a second after typing
stops, a flush when the app asks, failed saves kept and retried).

The header shows the note's age ("created 2 days ago · edited 3 min ago"),
or "unsaved" while there is typing that has not reached the database yet,
so the user can see that autosave did its job.  :func:`quote_block` builds
the text "quote to note" appends (a ``>`` quote and a link line).

How the panel is built: ``NotesPanel`` is a stack of layers, each a module
of one concern, as ``screens/main.py`` builds the reader screen:

* ``notes_editor.NotesBase``: the note's state, the child widgets, and the
  title, age and error lines;
* ``notes_autosave.NotesAutosave``: the autosave timer, ``flush``, saving
  and retrying, the ``Saved`` message;
* this module: the panel's looks, keys and the rest of its public API
  (loading an article's note, showing and hiding, appending a quote).

The words it shows and writes are pure functions in ``note_text``.
"""

from __future__ import annotations

from typing import ClassVar, TypeAlias

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal

from tui.ui.safe import clean, clean_block
from tui.ui.widgets.note_text import note_age, quote_block
from tui.ui.widgets.notes_autosave import AUTOSAVE_DELAY, NotesAutosave
from tui.ui.widgets.notes_autosave import Saved as _Saved
from tui.ui.widgets.notes_editor import AGE_EVERY

#: ``AUTOSAVE_DELAY`` and the note's words moved with their layers; importable here still.
__all__ = ["AUTOSAVE_DELAY", "NotesPanel", "note_age", "quote_block"]


class NotesPanel(NotesAutosave):
    """A title line, a Markdown TextArea and a status/error line.

    Public API (for the app):

    - ``NotesPanel(save)``: ``save(article_id, text)`` persists a note: in
      ``lane`` for the autosave while typing, on the UI thread for a flush
      (see ``notes_autosave``); ``schedule`` replaces the autosave timer
      (tests fire it themselves).
    - :meth:`load` shows an article's note (flushing the previous one first).
    - :meth:`flush` saves now if there is unsaved text; returns ``True`` when
      nothing is left unsaved.
    - :meth:`focus_editor` puts the cursor in the note.
    - :meth:`set_shown` says whether the panel is on screen (hidden: no keys).
    - :meth:`append` adds text at the end of the note (quote to note).
    - :class:`NotesPanel.Saved` is posted after every successful save.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save_now", "Save note", id="notes.save"),
    ]

    DEFAULT_CSS = """
    NotesPanel {
        height: 1fr;
        min-height: 5;
        border-top: solid $primary 50%;
    }
    NotesPanel > #notes-header {
        width: 100%;
        height: 1;
    }
    NotesPanel #notes-title {
        width: 1fr;
        height: 1;
        padding: 0 1;
        text-style: bold;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    NotesPanel #notes-times {
        width: auto;
        height: 1;
        padding: 0 1;
        color: $text-muted;
        text-wrap: nowrap;
    }
    NotesPanel > #notes-editor {
        height: 1fr;
        border: none;
    }
    NotesPanel > #notes-status {
        width: 100%;
        height: 1;
        padding: 0 1;
        color: $error;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    #: Posted after every successful save (defined with the saving, in ``notes_autosave``).
    Saved: TypeAlias = _Saved

    def compose(self) -> ComposeResult:
        with Horizontal(id="notes-header"):
            yield self._title_label
            yield self._times_label
        yield self._ta
        yield self._status

    def on_mount(self) -> None:
        self._status.display = bool(self._error)
        self._update_times()
        self.set_interval(AGE_EVERY, self._update_times, name="notes-age")

    # -- public API -----------------------------------------------------------

    @property
    def article_id(self) -> int | None:
        """The article whose note is shown (``None``: nothing selected)."""
        return self._article_id

    @property
    def text(self) -> str:
        """The text in the editor."""
        return self._ta.text

    @property
    def dirty(self) -> bool:
        """True when some text (shown or left behind after a failed save) is unsaved."""
        return bool(self._pending) or (self._article_id is not None and self._dirty())

    @property
    def error(self) -> str:
        """The error line shown ("" when the last save worked)."""
        return self._error

    def load(
        self,
        article_id: int | None,
        body: str = "",
        title: str | None = None,
        *,
        created: int | None = None,
        updated: int | None = None,
    ) -> None:
        """Show ``article_id``'s note ``body``; flush the previous article first.

        ``title`` (untrusted) is shown in the panel's title line, and the
        note's ``created``/``updated`` times (Unix seconds; None when there is
        no note yet) next to it.  With ``article_id=None`` the editor is
        emptied and disabled.  Loading never counts as an edit: nothing is
        saved because of it.  Reloading the article already shown keeps any
        unsaved typing.
        """
        self._title = clean(title)
        if article_id is not None and article_id == self._article_id and self._dirty():
            self._update_title()
            return
        self._stop_timer()
        self._flush_current(keep_on_failure=True)
        self._article_id = article_id
        if article_id is None:
            created = updated = None
        self._created, self._updated = created, updated
        # Text of this article that failed to save earlier wins over the stored body.
        unsaved = self._pending.pop(article_id, None) if article_id is not None else None
        # Control characters (ESC sequences) would reach the terminal from a TextArea.
        self._ta.load_text(clean_block(body))
        # The baseline is the editor's own form of the text (it normalises line
        # breaks), so loading can never look like an edit.
        self._saved_text = self._ta.text
        if unsaved is not None:
            self._ta.load_text(unsaved)
        self._ta.disabled = article_id is None or not self._shown
        self._update_title()
        self._update_times()
        if unsaved is not None:
            self._restart_timer()

    def set_shown(self, shown: bool) -> None:
        """Say whether the panel is on screen: off screen it saves and takes no keys.

        Why: an editor that kept focus after its pane was hidden took the
        user's typing into a note nobody could see.  Hiding saves the note to
        its own article at once; a hidden editor is disabled, so it cannot be
        focused (tab, a click) and gives up focus if it had it.
        """
        if self._shown and not shown:
            self.flush()
        self._shown = shown
        self._ta.disabled = self._article_id is None or not shown

    def focus_editor(self) -> None:
        """Move focus into the note editor (when an article is selected)."""
        if not self._ta.disabled:
            self._ta.focus()

    def append(self, text: str) -> bool:
        """Add ``text`` at the end of the note, after a blank line; the cursor goes after it.

        An ordinary edit (undo takes it back, autosave saves it); the caller
        flushes when it wants it saved at once.  ``False`` when no article is
        shown (there is no note to add to).
        """
        if self._article_id is None or self._ta.disabled:
            return False
        current = self._ta.text
        if not current.strip() or current.endswith("\n\n"):
            sep = ""
        elif current.endswith("\n"):
            sep = "\n"
        else:
            sep = "\n\n"
        self._ta.insert(sep + clean_block(text), self._ta.document.end)
        self._ta.move_cursor(self._ta.document.end)
        self._ta.scroll_cursor_visible()
        self._update_times()
        return True

    def action_save_now(self) -> None:
        self.flush()

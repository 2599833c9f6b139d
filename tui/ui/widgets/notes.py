"""The notes panel: one Markdown note per article, saved by itself.

Notes are the user's own writing, so the panel's one rule is *never lose
text*.  It saves about a second after typing stops, and whenever the app
calls :meth:`NotesPanel.flush` (switching article, quitting).  "Dirty" is
not a flag set by key presses: it is "the editor's text differs from what
was last saved", which makes loading a note (which also fires
``TextArea.Changed``) harmless and makes a failed save stay dirty by
construction.  If a save raises, the text stays, a one-line error shows in
the panel, and the next flush retries; text of an article the user has left
while its save was failing is kept in memory and retried too.

The panel only calls the ``save`` callable it was given (the app passes
``library.set_note``); it knows nothing about storage.

The header shows the note's age ("created 2 days ago · edited 3 min ago"),
or "unsaved" while there is typing that has not reached the database yet,
so the user can see that autosave did its job.  :func:`quote_block` builds
the text "quote to note" appends (a ``>`` quote and a link line).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar
from urllib.parse import urlsplit

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Label, TextArea

from tui.core import GazetteError
from tui.ui.safe import clean, clean_block

__all__ = ["AUTOSAVE_DELAY", "NotesPanel", "note_age", "quote_block"]

#: Seconds of idle typing before an automatic save.
AUTOSAVE_DELAY = 1.0
#: Seconds between redraws of the note's age ("edited 3 min ago").
AGE_EVERY = 30.0

SaveNote = Callable[[int, str], None]


def _error_line(exc: BaseException) -> str:
    """One line saying the note is not saved and why (the text is still here)."""
    if isinstance(exc, GazetteError):
        why = clean(str(exc))
    else:
        why = clean(f"{type(exc).__name__}: {exc}")
    return f"Note not saved ({why}); your text is kept and will be retried."


def note_age(ts: int, now: float) -> str:
    """How long ago, in words: "just now", "3 min ago", "5 h ago", "2 days ago", "on 21 Mar"."""
    age = now - ts
    if age < 60:  # also a clock that went backwards
        return "just now"
    if age < 3600:
        return f"{int(age // 60)} min ago"
    if age < 86400:
        return f"{int(age // 3600)} h ago"
    if age < 2 * 86400:
        return "yesterday"
    if age < 7 * 86400:
        return f"{int(age // 86400)} days ago"
    when = datetime.fromtimestamp(ts)
    if when.year == datetime.fromtimestamp(now).year:
        return "on " + when.strftime("%d %b")
    return "on " + when.strftime("%d %b %Y")


#: Characters with a meaning in Markdown link text (escaped in the link line).
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\[]*_`<>"})
#: Characters that would end or break a Markdown link destination.
_URL_UNSAFE = str.maketrans({" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"})
_LINK_SCHEMES = ("http", "https", "mailto")


def quote_block(text: str, title: str | None, url: str | None) -> str:
    """``text`` as a Markdown ``>`` quote, then a line linking the article.

    ``text`` is plain text from the article (a paragraph or a selection):
    control characters go, each line gets ``"> "`` (a blank line ``">"``, runs
    of blank lines become one).  The link line is ``— [Title](url)``; the
    title is escaped so it stays link text, the URL has the characters that
    would end a link destination percent-encoded, and a URL that is not a web
    or mail link (``javascript:``, a relative path) is left out: the line is
    then just the title.  The result ends with a blank line, ready for the
    user's own words below.
    """
    lines: list[str] = []
    for raw in clean_block(text).expandtabs(4).split("\n"):
        line = raw.rstrip()
        if line:
            lines.append("> " + line)
        elif lines and lines[-1] != ">":
            lines.append(">")
    while lines and lines[-1] == ">":
        lines.pop()
    name = (clean(title) or "untitled").translate(_MD_SPECIAL)
    link = clean(url)
    if link and urlsplit(link).scheme.lower() in _LINK_SCHEMES:
        attribution = f"— [{name}]({link.translate(_URL_UNSAFE)})"
    else:
        attribution = f"— {name}"
    return "\n".join([*lines, "", attribution]) + "\n\n"


class _NoteEditor(TextArea):
    """A TextArea that strips control characters from pasted text.

    A TextArea renders ESC sequences straight to the terminal, and a paste is
    the one way a user can get them in (typed control keys are not inserted).
    """

    async def _on_paste(self, event: events.Paste) -> None:
        # Runs before TextArea._on_paste (handlers are called down the MRO).
        event.text = clean_block(event.text)


class NotesPanel(Vertical):
    """A title line, a Markdown TextArea and a status/error line.

    Public API (for the app):

    - ``NotesPanel(save)``: ``save(article_id, text)`` persists a note
      (synchronously, on the UI thread: a note is one small transaction).
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

    class Saved(Message):
        """A note was saved (``body`` blank means the note was deleted)."""

        def __init__(self, article_id: int, body: str) -> None:
            super().__init__()
            self.article_id = article_id
            self.body = body

        @property
        def noted(self) -> bool:
            """Whether the article now has a note (for the list's marker)."""
            return bool(self.body.strip())

    def __init__(
        self,
        save: SaveNote,
        *,
        autosave_delay: float = AUTOSAVE_DELAY,
        clock: Callable[[], float] = time.time,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._save = save
        self.autosave_delay = autosave_delay
        self._clock = clock
        #: When the shown note was created and last saved (None: no note yet).
        self._created: int | None = None
        self._updated: int | None = None
        self._article_id: int | None = None
        #: Whether the panel is on screen (see set_shown); alone, it always is.
        self._shown = True
        self._saved_text = ""
        self._title = ""
        self._timer: Timer | None = None
        # Text of articles we left while their save was failing: retried on flush.
        self._pending: dict[int, str] = {}
        self._error = ""
        # Built here rather than in compose() so load() works before mounting.
        self._title_label = Label(Content("Note"), id="notes-title")
        self._times_label = Label(Content(""), id="notes-times")
        self._times_shown: tuple[str, str | None] = ("", None)
        self._ta = _NoteEditor(
            "",
            language="markdown",
            soft_wrap=True,
            tab_behavior="focus",
            placeholder=Content("No article selected"),
            disabled=True,
            id="notes-editor",
        )
        self._status = Label(Content(""), id="notes-status")

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

    def on_unmount(self) -> None:
        # Last line of defence; the app should already have flushed on quit.
        self._stop_timer()
        unsaved = dict(self._pending)
        if self._article_id is not None and self._dirty():
            unsaved[self._article_id] = self._ta.text
        for article_id, text in unsaved.items():
            with contextlib.suppress(Exception):
                self._save(article_id, text)

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

    def flush(self) -> bool:
        """Save now if anything is unsaved; ``True`` when nothing is left unsaved."""
        self._stop_timer()
        ok = self._retry_pending()
        return self._flush_current(keep_on_failure=False) and ok

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

    # -- internals ------------------------------------------------------------

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

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _restart_timer(self) -> None:
        self._stop_timer()
        self._timer = self.set_timer(self.autosave_delay, self._autosave, name="notes-autosave")

    def _autosave(self) -> None:
        self._timer = None
        self._retry_pending()
        self._flush_current(keep_on_failure=False)

    def _write(self, article_id: int, text: str) -> bool:
        """Call ``save``; on failure show the error and return ``False``."""
        try:
            self._save(article_id, text)
        except Exception as exc:
            self._show_error(_error_line(exc))
            self._update_times()
            return False
        if article_id == self._article_id:
            now = int(self._clock())
            if text.strip():
                self._created = self._created if self._created is not None else now
                self._updated = now
            else:  # a blank note is deleted
                self._created = self._updated = None
        self.post_message(self.Saved(article_id, text))
        return True

    def _flush_current(self, *, keep_on_failure: bool) -> bool:
        """Save the shown note if dirty.

        With ``keep_on_failure`` (we are about to show another article), text
        that could not be saved moves to ``_pending`` so it is not lost.
        """
        article_id = self._article_id
        if article_id is None or not self._dirty():
            if not self._pending:
                self._show_error("")
            return True
        text = self._ta.text
        if self._write(article_id, text):
            self._saved_text = text
            if not self._pending:
                self._show_error("")
            self._update_times()
            return True
        if keep_on_failure:
            self._pending[article_id] = text
        return False

    def _retry_pending(self) -> bool:
        for article_id, text in list(self._pending.items()):
            if not self._write(article_id, text):
                return False
            del self._pending[article_id]
        return True

    @on(TextArea.Changed, "#notes-editor")
    def _text_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self._article_id is not None and self._dirty():
            self._restart_timer()  # each keystroke pushes the autosave back
        self._update_times()

"""Saving notes: the autosave timer, flushing, and keeping text a save refused.

``NotesAutosave`` is the middle layer of ``NotesPanel`` (``widgets/notes.py``
says how the layers stack).  The panel's one rule is *never lose text*: a
note saves ``autosave_delay`` seconds after typing stops (each edit pushes
the save back), and whenever the app calls :meth:`NotesAutosave.flush`.  If
a save raises, the text stays, a one-line error shows, and the next flush
retries; text of an article the user has left while its save was failing is
kept in ``_pending`` and retried too.

The layer only calls the ``save`` callable it was given (the app passes
``library.set_note``); it knows nothing about storage.  The timer comes from
``schedule`` (by default the widget's own ``set_timer``), the seam that lets
a test fire the autosave itself instead of waiting for it.

Where saves run: given a ``lane`` (the reader passes its own), the autosave
while typing writes there, off the UI thread, and its answer updates the
panel.  A flush stays synchronous on purpose: quitting, switching article
and hiding the panel must know *now* whether the text is stored (quitting
holds ``q`` once when it is not; switching moves unsaved text to
``_pending``), and a note is one small transaction.  The two never write out
of order: each save is stamped, a queued autosave whose article has been
saved again since is skipped, and check-and-write holds ``_save_lock``,
which a flush takes too (so it waits only for an autosave already writing).
Without a lane (a panel alone, in tests) the autosave saves on the UI thread.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable
from typing import Protocol

from textual import on
from textual.message import Message
from textual.widgets import TextArea

from tui.ui.widgets.note_text import error_line, not_saved_line
from tui.ui.widgets.notes_editor import NotesBase
from tui.ui.workers import Lane, Outcome, unless_gone

__all__ = ["AUTOSAVE_DELAY", "Cancellable", "NotesAutosave", "SaveNote", "Saved", "Schedule"]

#: Seconds of idle typing before an automatic save.
AUTOSAVE_DELAY = 1.0

SaveNote = Callable[[int, str], None]


class Cancellable(Protocol):
    """What ``schedule`` returns: a pending call that can be called off."""

    def stop(self) -> None: ...


#: ``schedule(delay, callback)`` calls ``callback`` once after ``delay`` seconds.
Schedule = Callable[[float, Callable[[], None]], Cancellable]


class Saved(Message, namespace="notes_panel"):
    """A note was saved (``body`` blank means the note was deleted).

    Known to the app as ``NotesPanel.Saved`` (handler ``on_notes_panel_saved``).
    """

    def __init__(self, article_id: int, body: str, *, clean: bool | None = None) -> None:
        super().__init__()
        self.article_id = article_id
        self.body = body
        #: Saved in the lane, on another connection than the UI thread's: whether
        #: nothing from outside was pending when it was queued (None: saved here).
        self.clean = clean

    @property
    def noted(self) -> bool:
        """Whether the article now has a note (for the list's marker)."""
        return bool(self.body.strip())


class Autosaved(Message):
    """An autosave ran in the lane: written (True), skipped as stale (False), or failed."""

    def __init__(self, article_id: int, text: str, outcome: Outcome[bool], clean: bool) -> None:
        super().__init__()
        self.article_id = article_id
        self.text = text
        self.outcome = outcome
        self.clean = clean


class NotesAutosave(NotesBase):
    """When and how the shown note (and any left behind) reaches ``save``."""

    def __init__(
        self,
        save: SaveNote,
        *,
        autosave_delay: float = AUTOSAVE_DELAY,
        schedule: Schedule | None = None,
        lane: Lane | None = None,
        quiet: Callable[[], bool] | None = None,
        clock: Callable[[], float] = time.time,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``schedule(delay, callback)`` sets the autosave timer (None: a Textual
        timer); a test passes its own to fire the autosave without waiting.
        ``lane``: where the autosave writes (None: on the UI thread); ``quiet()``
        says, before each such write, whether the reader has shown every outside
        change (its answer rides on ``Saved.clean``, see ``_own_write_seen``)."""
        super().__init__(clock=clock, name=name, id=id, classes=classes)
        self._save = save
        self.autosave_delay = autosave_delay
        self._schedule = schedule
        self._timer: Cancellable | None = None
        self._lane = lane
        self._quiet = quiet
        #: Held while a save checks its stamp and writes (lane thread or UI thread).
        self._save_lock = threading.Lock()
        self._stamps = itertools.count(1)
        #: The stamp of the newest text handed to ``save``, per article.
        self._newest: dict[int, int] = {}
        #: Autosaves queued in the lane and not answered yet.
        self.autosaves_running = 0

    def on_unmount(self) -> None:
        # Last line of defence; the app should already have flushed on quit.
        self._stop_timer()
        unsaved = dict(self._pending)
        if self._article_id is not None and self._dirty():
            unsaved[self._article_id] = self._ta.text
        for article_id, text in unsaved.items():
            with contextlib.suppress(Exception):
                self._save(article_id, text)

    @property
    def autosave_pending(self) -> bool:
        """Whether an autosave is scheduled (typing has stopped less than a delay ago)."""
        return self._timer is not None

    def flush(self) -> bool:
        """Save now if anything is unsaved; ``True`` when nothing is left unsaved."""
        self._stop_timer()
        ok = self._retry_pending()
        return self._flush_current(keep_on_failure=False) and ok

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _restart_timer(self) -> None:
        self._stop_timer()
        if self._schedule is not None:
            self._timer = self._schedule(self.autosave_delay, self._autosave)
        else:
            self._timer = self.set_timer(self.autosave_delay, self._autosave, name="notes-autosave")

    def _autosave(self) -> None:
        self._timer = None
        if self._lane is None:
            self._retry_pending()
            self._flush_current(keep_on_failure=False)
            return
        unsaved = dict(self._pending)
        if self._article_id is not None and self._dirty():
            unsaved[self._article_id] = self._ta.text
        for article_id, text in unsaved.items():
            self._save_later(self._lane, article_id, text)

    def _save_later(self, lane: Lane, article_id: int, text: str) -> None:
        """Queue a save in the lane; it is skipped if the article is saved again first."""
        stamp = next(self._stamps)
        self._newest[article_id] = stamp
        clean = self._quiet() if self._quiet is not None else True

        def write() -> bool:
            with self._save_lock:
                if self._newest.get(article_id) != stamp:
                    return False  # a flush (or a later autosave) wrote newer text
                self._save(article_id, text)
                return True

        self.autosaves_running += 1
        lane.put(write, lambda outcome: Autosaved(article_id, text, outcome, clean), to=self)

    @unless_gone
    def on_autosaved(self, message: Autosaved) -> None:
        """An autosave's answer: the text it stored is the saved text now, or the error shows."""
        self.autosaves_running -= 1
        article_id, text = message.article_id, message.text
        if message.outcome.value is None:
            self._show_error(not_saved_line(message.outcome.error))
            self._update_times()
            return
        if not message.outcome.value:
            return  # stale: newer text was saved meanwhile
        if self._pending.get(article_id) == text:
            del self._pending[article_id]
        if article_id == self._article_id:
            self._saved_text = text
        self._stored(article_id, text, clean=message.clean)
        if not self._pending and not (article_id == self._article_id and self._dirty()):
            self._show_error("")
        self._update_times()

    def _write(self, article_id: int, text: str) -> bool:
        """Call ``save`` now; on failure show the error and return ``False``."""
        try:
            with self._save_lock:  # after an autosave already writing, never before
                self._newest[article_id] = next(self._stamps)
                self._save(article_id, text)
        except Exception as exc:
            self._show_error(error_line(exc))
            self._update_times()
            return False
        self._stored(article_id, text)
        return True

    def _stored(self, article_id: int, text: str, *, clean: bool | None = None) -> None:
        """``text`` reached the database: the note's times, and ``Saved`` for the reader."""
        if article_id == self._article_id:
            now = int(self._clock())
            if text.strip():
                self._created = self._created if self._created is not None else now
                self._updated = now
            else:  # a blank note is deleted
                self._created = self._updated = None
        self.post_message(Saved(article_id, text, clean=clean))

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

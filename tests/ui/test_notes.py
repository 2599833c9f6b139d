"""Pilot tests for the notes panel: autosave, flush, switching articles, failures.

The panel's contract is "never lose text", so most tests check what reached
the ``save`` callable (a recorder here, a real ``Library`` in one test) and
what is still in the editor after something went wrong.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Label, TextArea
from typing_extensions import override

from tui.core.errors import StoreError
from tui.core.library import Library
from tui.ui.widgets.note_text import error_line
from tui.ui.widgets.notes import AUTOSAVE_DELAY, NotesPanel

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Notes feed</title><link>http://example.com/</link><description>d</description>
<item><title>One</title><link>http://example.com/1</link><guid>n-1</guid></item>
<item><title>Two</title><link>http://example.com/2</link><guid>n-2</guid></item>
</channel></rss>
"""


class Recorder:
    """A ``save`` callable that records calls and can be told to fail."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, str]] = []
        self.fail = False

    def __call__(self, article_id: int, body: str) -> None:
        if self.fail:
            raise StoreError("gazette.db: database is locked")
        self.calls.append((article_id, body))


class Call:
    """One autosave the panel scheduled: fired by the test, or stopped by the panel."""

    def __init__(self, delay: float, callback: Callable[[], None]) -> None:
        self.delay = delay
        self.callback = callback
        self.stopped = False
        self.fired = False

    def stop(self) -> None:
        self.stopped = True


class Timers:
    """The panel's ``schedule`` seam: autosaves run when the test fires them, not by time."""

    def __init__(self) -> None:
        self.scheduled: list[Call] = []

    def __call__(self, delay: float, callback: Callable[[], None]) -> Call:
        call = Call(delay, callback)
        self.scheduled.append(call)
        return call

    @property
    def pending(self) -> list[Call]:
        """Scheduled autosaves that are neither stopped nor fired."""
        return [c for c in self.scheduled if not c.stopped and not c.fired]

    def fire(self) -> None:
        """The delay is up: run the one pending autosave, as the timer would."""
        (call,) = self.pending
        call.fired = True
        call.callback()


class Host(App[None]):
    def __init__(
        self, save: Any, delay: float = AUTOSAVE_DELAY, schedule: Timers | None = None
    ) -> None:
        super().__init__()
        self.save = save
        self.delay = delay
        self.schedule = schedule
        self.saved: list[int] = []
        self.saved_event = asyncio.Event()

    @override
    def compose(self) -> ComposeResult:
        yield NotesPanel(self.save, autosave_delay=self.delay, schedule=self.schedule, id="notes")

    @property
    def panel(self) -> NotesPanel:
        return self.query_one(NotesPanel)

    def on_notes_panel_saved(self, message: NotesPanel.Saved) -> None:
        self.saved.append(message.article_id)
        self.saved_event.set()


async def type_text(pilot: Any, panel: NotesPanel, text: str, *, keys: bool = False) -> None:
    """Edit the note: real key presses with ``keys`` (slow), else a TextArea edit."""
    panel.focus_editor()
    await pilot.pause()
    if keys:
        await pilot.press(*text)
    else:
        panel.query_one(TextArea).insert(text)
    await pilot.pause()


async def test_autosave_after_idle_once() -> None:
    save, timers = Recorder(), Timers()
    app = Host(save, schedule=timers)
    async with app.run_test() as pilot:
        app.panel.load(1, "")
        await type_text(pilot, app.panel, "hello", keys=True)
        assert save.calls == []
        assert app.panel.dirty and app.panel.autosave_pending
        # One save waits, a second (AUTOSAVE_DELAY) after the last key.
        assert [call.delay for call in timers.pending] == [AUTOSAVE_DELAY]
        timers.fire()
        assert save.calls == [(1, "hello")]
        await pilot.pause()
        assert app.saved == [1]
        assert not app.panel.dirty
        assert not app.panel.autosave_pending and timers.pending == []  # once, not again


async def test_autosave_runs_on_its_own_timer() -> None:
    """Without the seam the panel's own Textual timer saves (waited for by message)."""
    save = Recorder()
    app = Host(save, delay=0.05)
    async with app.run_test():
        app.panel.load(1, "")
        app.panel.focus_editor()
        app.panel.query_one(TextArea).insert("hello")
        assert save.calls == []
        await asyncio.wait_for(app.saved_event.wait(), timeout=10)
        assert save.calls == [(1, "hello")]
        assert not app.panel.dirty and not app.panel.autosave_pending


async def test_typing_pushes_autosave_back() -> None:
    save, timers = Recorder(), Timers()
    app = Host(save, schedule=timers)
    async with app.run_test() as pilot:
        app.panel.load(1, "")
        await type_text(pilot, app.panel, "ab", keys=True)
        (waiting,) = timers.pending
        await pilot.press("c")
        await pilot.pause()
        assert waiting.stopped  # the key called off the save that was waiting...
        assert len(timers.pending) == 1  # ...and the wait starts again from it
        assert save.calls == []
        timers.fire()
        assert save.calls == [(1, "abc")]


async def test_flush_saves_immediately() -> None:
    save, timers = Recorder(), Timers()
    app = Host(save, schedule=timers)
    async with app.run_test() as pilot:
        app.panel.load(7, "old")
        await type_text(pilot, app.panel, "!")
        assert app.panel.autosave_pending
        assert app.panel.flush() is True
        assert save.calls == [(7, "!old")]
        assert app.panel.flush() is True  # nothing dirty: no second save
        # The flush called off the autosave: nothing is left to save later.
        assert not app.panel.autosave_pending and timers.pending == []
        assert save.calls == [(7, "!old")]


async def test_load_flushes_previous_article() -> None:
    save = Recorder()
    app = Host(save)
    async with app.run_test() as pilot:
        app.panel.load(1, "")
        await type_text(pilot, app.panel, "first")
        app.panel.load(2, "second body", title="[bold]Two[/")
        assert save.calls == [(1, "first")]
        await pilot.pause()
        assert app.panel.text == "second body"
        assert app.panel.article_id == 2
        assert not app.panel.dirty


async def test_load_does_not_save() -> None:
    save, timers = Recorder(), Timers()
    app = Host(save, schedule=timers)
    async with app.run_test() as pilot:
        app.panel.load(1, "stored note")
        await pilot.pause()
        app.panel.load(2, "other note")
        await pilot.pause()
        assert not app.panel.autosave_pending  # loading schedules no save
        assert app.panel.flush() is True
        app.panel.load(None, "")
        await pilot.pause()
        assert timers.scheduled == []
        assert save.calls == []
        editor = app.panel.query_one(TextArea)
        assert editor.disabled and editor.text == ""
        assert not app.panel.dirty


async def test_failed_save_keeps_text_and_retries() -> None:
    save, timers = Recorder(), Timers()
    save.fail = True
    app = Host(save, schedule=timers)
    async with app.run_test() as pilot:
        app.panel.load(1, "")
        await type_text(pilot, app.panel, "precious")
        timers.fire()  # autosave fails
        assert save.calls == []
        assert app.panel.text == "precious" and app.panel.dirty
        assert "database is locked" in app.panel.error
        assert app.panel.flush() is False  # still failing
        assert app.saved == []
        save.fail = False
        assert app.panel.flush() is True  # the retry
        assert save.calls == [(1, "precious")]
        assert app.panel.error == "" and not app.panel.dirty
        await pilot.pause()
        assert app.saved == [1]


async def test_failed_save_survives_switching_article() -> None:
    save = Recorder()
    save.fail = True
    app = Host(save)
    async with app.run_test() as pilot:
        app.panel.load(1, "")
        await type_text(pilot, app.panel, "keep me")
        app.panel.load(2, "two")  # flush fails: the text must not be lost
        await pilot.pause()
        assert app.panel.text == "two"
        assert app.panel.dirty and app.panel.error
        app.panel.load(1, "")  # coming back shows the unsaved text, not the stored body
        await pilot.pause()
        assert app.panel.text == "keep me"
        app.panel.load(2, "two")
        save.fail = False
        assert app.panel.flush() is True
        assert save.calls == [(1, "keep me")]
        assert not app.panel.dirty and app.panel.error == ""


async def test_hostile_title_and_note_text() -> None:
    save = Recorder()
    app = Host(save)
    hostile = "[@click=app.quit]x[/] [/ \x1b[31mred\x1b]0;PWNED\x07\r\nnext"
    async with app.run_test() as pilot:
        app.panel.load(3, hostile, title=hostile)
        await pilot.pause()
        # Markup stays literal; escape sequences (which a TextArea would send
        # to the terminal) are gone; loading the cleaned text is not an edit.
        assert app.panel.text == "[@click=app.quit]x[/] [/ red\nnext"
        assert not app.panel.dirty
        title = str(app.panel.query_one("#notes-title", Label).content)
        assert title.startswith("Note: [@click=app.quit]x[/]") and "\x1b" not in title
        await pilot.click("#notes-title")
        assert app.is_running
        # A paste is the one way to type control characters: they are dropped.
        editor = app.panel.query_one(TextArea)
        editor.focus()
        editor.move_cursor((0, 0))
        app.post_message(events.Paste("\x1b[2Jpasted\x07 "))  # as the driver sends it
        await pilot.pause()
        assert app.panel.text.startswith("pasted [@click")
        assert app.panel.flush() and save.calls == [
            (3, "pasted [@click=app.quit]x[/] [/ red\nnext")
        ]


async def test_saves_into_real_library(tmp_path: Path) -> None:
    feed = tmp_path / "notes.rss"
    feed.write_text(RSS, encoding="utf-8")
    library = Library(tmp_path / "gazette.db")
    await asyncio.to_thread(library.add_feed, str(feed))  # add_feed runs its own loop
    first, second = (a.id for a in library.articles())
    timers = Timers()
    app = Host(library.set_note, schedule=timers)
    async with app.run_test() as pilot:
        app.panel.load(first, "")
        await type_text(pilot, app.panel, "# idea")
        timers.fire()
        note = library.note(first)
        assert note is not None and note.body == "# idea"
        await pilot.press("!")
        app.panel.load(second, "")  # switching flushes
        note = library.note(first)
        assert note is not None and note.body == "# idea!"
        assert library.note(second) is None
        await pilot.pause()
        assert app.saved == [first, first]


def test_error_line_is_one_clean_line_saying_why() -> None:
    """A library error is shown as its message; anything else names its type too."""
    assert error_line(StoreError("gazette.db: database is locked")) == (
        "Note not saved (gazette.db: database is locked); your text is kept and will be retried."
    )
    line = error_line(OSError("disk\x1b[31m full\nreally"))
    assert line.startswith("Note not saved (OSError: disk")
    assert "\x1b" not in line and "\n" not in line

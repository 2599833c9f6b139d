"""The notes panel's autosave writes in the lane; a flush still saves at once, and last.

Given a lane, the timer-driven save while typing runs in a thread worker
(a slow disk never freezes typing), and a flush (switching article,
quitting) saves synchronously so it can say whether the text is stored.
A queued autosave of older text never lands after a flush of newer text.
The autosave timer is fired by the test through the panel's ``schedule``
seam; slow saves wait on a ``threading.Event``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import TextArea
from typing_extensions import override

from tui.core.library import Library
from tui.ui.widgets.notes import NotesPanel
from tui.ui.workers import Lane, Outcome

MAIN_THREAD = threading.main_thread().name


@dataclass
class Call:
    callback: Callable[[], None]
    stopped: bool = False

    def stop(self) -> None:
        self.stopped = True


class Timers:
    """The ``schedule`` seam: the test fires the autosave."""

    def __init__(self) -> None:
        self.calls: list[Call] = []

    def __call__(self, _delay: float, callback: Callable[[], None]) -> Call:
        self.calls.append(Call(callback))
        return self.calls[-1]

    def fire(self) -> None:
        (call,) = [c for c in self.calls if not c.stopped]
        call.stopped = True
        call.callback()


class Saves:
    """``save`` over a real library: records the thread, waits on ``gate`` once armed."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.gate: threading.Event | None = None
        self.waiting = threading.Event()
        self.threads: list[str] = []

    def __call__(self, article_id: int, text: str) -> None:
        self.threads.append(threading.current_thread().name)
        if self.gate is not None:
            self.waiting.set()
            assert self.gate.wait(20), "the test never opened the gate"
        self.library.set_note(article_id, text)


class Blocked(Message):
    def __init__(self, outcome: Outcome[bool]) -> None:
        super().__init__()
        self.outcome = outcome


class Host(App[None]):
    def __init__(self, library: Library, saves: Saves, timers: Timers) -> None:
        super().__init__()
        self.lane = Lane(self, library, name="notes-test")
        self.saves = saves
        self.timers = timers
        self.saved: list[tuple[int, str, bool | None]] = []

    @override
    def compose(self) -> ComposeResult:
        yield NotesPanel(self.saves, lane=self.lane, schedule=self.timers, id="notes")

    @property
    def panel(self) -> NotesPanel:
        return self.query_one(NotesPanel)

    def on_notes_panel_saved(self, message: NotesPanel.Saved) -> None:
        self.saved.append((message.article_id, message.body, message.clean))


async def settle(pilot: Any, ui: Any, app: Host) -> None:
    await ui.wait_for(pilot, lambda: app.panel.autosaves_running == 0)
    await ui.settle(pilot)


async def test_the_autosave_writes_off_the_ui_thread(library: Library, ui: Any) -> None:
    first = library.articles(limit=1)[0].id
    saves, timers = Saves(library), Timers()
    app = Host(library, saves, timers)
    async with app.run_test() as pilot:
        panel = app.panel
        panel.load(first, "")
        panel.focus_editor()
        panel.query_one(TextArea).insert("slow disk")
        await pilot.pause()
        saves.gate = threading.Event()
        timers.fire()
        await ui.wait_for(pilot, saves.waiting.is_set)
        assert saves.threads != [MAIN_THREAD]
        assert panel.dirty and app.saved == []  # "unsaved" until it is stored
        await pilot.press("!")  # typing goes on while the save waits
        assert panel.text == "slow disk!"
        saves.gate.set()
        await settle(pilot, ui, app)
        note = library.note(first)
        assert note is not None and note.body == "slow disk"
        assert app.saved == [(first, "slow disk", True)]
        assert panel.dirty  # the "!" typed meanwhile is not saved yet
        assert panel.flush() and library.note(first).body == "slow disk!"  # type: ignore[union-attr]


async def test_a_failed_autosave_keeps_the_text_and_says_so(library: Library, ui: Any) -> None:
    first = library.articles(limit=1)[0].id
    saves, timers = Saves(library), Timers()
    app = Host(library, saves, timers)
    async with app.run_test() as pilot:
        panel = app.panel
        panel.load(first, "")
        panel.focus_editor()
        panel.query_one(TextArea).insert("kept")
        await pilot.pause()
        library.set_note = _disk_full  # type: ignore[method-assign,assignment]
        timers.fire()
        await settle(pilot, ui, app)
        assert panel.error == (
            "Note not saved (database or disk is full); your text is kept and will be retried."
        )
        assert panel.dirty and panel.text == "kept" and app.saved == []
        del library.set_note
        assert panel.flush() and panel.error == ""
        assert library.note(first).body == "kept"  # type: ignore[union-attr]


def _disk_full(*_args: Any) -> None:
    raise OSError("database or disk is full")


async def test_a_queued_autosave_never_lands_after_a_newer_flush(library: Library, ui: Any) -> None:
    first, second = (a.id for a in library.articles(limit=2))
    saves, timers = Saves(library), Timers()
    app = Host(library, saves, timers)
    held, running = threading.Event(), threading.Event()

    def hold() -> bool:
        running.set()
        return held.wait(20)

    async with app.run_test() as pilot:
        panel = app.panel
        panel.load(first, "")
        panel.focus_editor()
        panel.query_one(TextArea).insert("old")
        await pilot.pause()
        app.lane.put(hold, Blocked)  # the lane is busy: the autosave waits behind it
        await ui.wait_for(pilot, running.is_set)
        timers.fire()
        await pilot.press("!")
        panel.load(second, "")  # switching article flushes "old!" at once
        assert library.note(first).body == "old!"  # type: ignore[union-attr]
        held.set()
        await settle(pilot, ui, app)
        assert library.note(first).body == "old!"  # type: ignore[union-attr]
        assert saves.threads == [MAIN_THREAD]  # the stale autosave never called save
        assert [body for _id, body, _clean in app.saved] == ["old!"]


async def test_the_readers_autosave_is_its_own_write_not_an_outside_change(
    make_app: Any, library: Library, ui: Any
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        m = app.main
        await ui.settle(pilot)
        article = m.article_list.current
        assert article is not None
        await pilot.press("e")
        await ui.settle(pilot)
        await pilot.press(*"typed")
        m.notes._stop_timer()
        m.notes._autosave()  # what the timer does, now
        await ui.wait_for(pilot, lambda: m.notes.autosaves_running == 0)
        await ui.settle(pilot)
        note = library.note(article.id)
        assert note is not None and note.body == "typed"
        assert not m.notes.dirty
        assert m.watch_database() is False  # no reload of everything after each autosave

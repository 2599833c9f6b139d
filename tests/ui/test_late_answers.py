"""Answers that arrive after the screen that asked has gone are harmless.

A Library call runs in a thread; the user can close the dialog (or quit)
before it answers.  Each test blocks a call on a ``threading.Event``, takes
the screen away, then lets the call go: the app must neither crash nor act
on the answer.  The feed-settings case once failed a test under load
(``feed_dialogs.saved`` reached for the reader after it had closed).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static
from typing_extensions import override

from tui.core.library import Library
from tui.core.models import Feed, FeedSettings
from tui.ui.app import GazetteApp
from tui.ui.screens.feed_settings import FeedSettingsScreen
from tui.ui.screens.prompt import PromptScreen
from tui.ui.workers import Lane, Outcome, gone, unless_gone

SIZE = (120, 40)


class BlockedLibrary(Library):
    """Storing feed settings and renaming a tag wait for ``gate``."""

    def __init__(self, path: Path, **kwargs: Any) -> None:
        super().__init__(path, **kwargs)
        self.gate = threading.Event()
        self.waiting = threading.Event()

    def _block(self) -> None:
        self.waiting.set()
        assert self.gate.wait(20), "the test never opened the gate"

    @override
    def set_feed_settings(self, feed_id: int, settings: FeedSettings) -> Feed:
        self._block()
        return super().set_feed_settings(feed_id, settings)

    @override
    def rename_tag(self, old: str, new: str) -> str:
        self._block()
        return super().rename_tag(old, new)


async def _reader_gone(app: GazetteApp, pilot: Any) -> None:
    """Take the reader from the bottom of the stack, as quitting does (another mode's
    stack shows; the reader's stays aside, so the app keeps running)."""
    app.add_mode("gone", Screen)
    await app.switch_mode("gone")
    await pilot.pause()
    assert app.reader is None


async def test_feed_settings_saved_after_the_reader_has_gone(db_path: Path, ui: Any) -> None:
    lib = BlockedLibrary(db_path, clock=ui.clock)
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ui.settle(pilot)
            feed = next(iter(app.main.feeds.values()))
            app.feed_dialogs.settings(feed)
            await ui.wait_for(pilot, lambda: isinstance(app.screen, FeedSettingsScreen))
            await ui.settle(pilot)
            app.screen.query_one("#fs-refresh", Input).value = "15"
            await pilot.click("#fs-save")
            await ui.wait_for(pilot, lib.waiting.is_set)
            await _reader_gone(app, pilot)
            lib.gate.set()
            await ui.settle(pilot)  # FeedSettingsSaved is handled now, with no reader
            assert app.is_running and app.return_code is None
        assert lib.feed_settings(feed.id).refresh_minutes == 15  # stored all the same
    finally:
        lib.close()


class Asker(Static):
    """A widget with a lane of its own that records the answers it handles."""

    class Answer(Message):
        def __init__(self, outcome: Outcome[int]) -> None:
            super().__init__()
            self.outcome = outcome

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.lane = Lane(self, library, name="asker")
        self.answers: list[Outcome[int]] = []

    @unless_gone
    def on_asker_answer(self, message: Answer) -> None:
        self.answers.append(message.outcome)


async def test_a_lane_answer_after_its_widget_has_gone_is_dropped(
    make_app: Any, library: Library, ui: Any
) -> None:
    gate, asked = threading.Event(), threading.Event()

    def slow() -> int:
        asked.set()
        assert gate.wait(20), "the test never opened the gate"
        return 1

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(pilot)
        asker = Asker(library)
        await app.main.mount(asker)
        asker.lane.put(lambda: 0, Asker.Answer)
        await ui.settle(pilot)
        assert [o.value for o in asker.answers] == [0]  # answered while it is there
        asker.lane.put(slow, Asker.Answer)
        await ui.wait_for(pilot, asked.is_set)
        await asker.remove()
        assert gone(asker)
        gate.set()
        await ui.settle(pilot)
        assert [o.value for o in asker.answers] == [0]
        assert app.is_running and app.return_code is None


def test_an_answer_handled_while_its_node_goes_is_ignored() -> None:
    """``unless_gone`` checks at dispatch: a message queued before the close still arrives."""
    seen: list[Message] = []

    class Node:
        _closing = _closed = _pruning = False
        parent = object()
        is_attached = True

    @unless_gone
    def handle(node: Any, message: Message) -> None:
        seen.append(message)

    node, first, second = Node(), Message(), Message()
    handle(node, first)
    node._pruning = True
    handle(node, second)
    assert seen == [first]


async def test_a_rename_answered_after_its_prompt_closed_is_dropped(db_path: Path, ui: Any) -> None:
    lib = BlockedLibrary(db_path, clock=ui.clock)
    lib.set_tags([1], add=["old"])
    app = GazetteApp(lib, clock=ui.clock)
    renamed: list[tuple[str, str | None]] = []
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ui.settle(pilot)
            main = app.main
            main._tags_renamed = lambda old, new: renamed.append((old, new))  # type: ignore[method-assign]
            main.rename_tag("old")
            await pilot.pause()
            prompt = app.screen
            assert isinstance(prompt, PromptScreen)
            prompt.query_one("#prompt-input", Input).value = "new"
            await pilot.press("enter")
            await ui.wait_for(pilot, lib.waiting.is_set)
            assert prompt.checking  # the dialog says it is checking, at once
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is main
            lib.gate.set()
            await ui.settle(pilot)
            assert renamed == []  # the closed prompt's answer reached nobody
            assert app.is_running and app.return_code is None
    finally:
        lib.close()

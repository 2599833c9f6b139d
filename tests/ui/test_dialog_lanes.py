"""The dialogs' own Library calls run off the UI thread, and show their state at once.

Each test blocks one call on a ``threading.Event``: the dialog must be on
screen and say what it waits for ("…", a disabled input) while the call
waits, and take the answer when it is let go.  Tag completions must never
show an answer for a prefix that is no longer typed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from textual.widgets import Button, Input
from typing_extensions import override

from tui.core.library import Library
from tui.ui.app import GazetteApp
from tui.ui.screens.add_feed import AddFeedScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.prompt import PromptScreen
from tui.ui.screens.tag_completion import Offer, candidates, completed
from tui.ui.screens.tag_editor import TagEditorScreen

SIZE = (120, 40)
MAIN_THREAD = threading.main_thread().name


class Gate:
    """One blocked call: ``waiting`` once it runs, it returns once ``open`` is set."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.waiting = threading.Event()
        self.threads: list[str] = []

    def block(self) -> None:
        self.threads.append(threading.current_thread().name)
        self.waiting.set()
        assert self.open.wait(20), "the test never opened the gate"


class SlowLibrary(Library):
    """Library calls of the dialogs that wait on a gate when the test arms one."""

    def __init__(self, path: Path, **kwargs: Any) -> None:
        super().__init__(path, **kwargs)
        self.gates: dict[str, Gate] = {}
        self.completion_prefixes: list[str] = []

    def _wait(self, name: str) -> None:
        gate = self.gates.pop(name, None)
        if gate is not None:
            gate.block()

    @override
    def save_search(self, name: str, query: str) -> int:
        self._wait("save_search")
        return super().save_search(name, query)

    @override
    def remove_tag(self, name: str) -> int:
        self._wait("remove_tag")
        return super().remove_tag(name)

    @override
    def set_tags(
        self, article_ids: Sequence[int], *, add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> int:
        self._wait("set_tags")
        return super().set_tags(article_ids, add=add, remove=remove)

    @override
    def tag_completions(self, prefix: str, *, exclude: Iterable[str] = ()) -> list[str]:
        self.completion_prefixes.append(prefix)
        self._wait(f"tag_completions:{prefix}")
        return super().tag_completions(prefix, exclude=exclude)

    @override
    def folders(self) -> list[str]:
        self._wait("folders")
        return super().folders()

    @override
    def tags_on(self, article_ids: Sequence[int]) -> list[tuple[str, int]]:
        self._wait("tags_on")
        return super().tags_on(article_ids)


def arm(lib: SlowLibrary, name: str) -> Gate:
    gate = lib.gates[name] = Gate()
    return gate


async def test_saving_a_search_checks_the_name_off_the_ui_thread(db_path: Path, ui: Any) -> None:
    lib = SlowLibrary(db_path, clock=ui.clock)
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ui.settle(pilot)
            gate = arm(lib, "save_search")
            app.main.save_search("seed")
            await pilot.pause()
            prompt = app.screen
            assert isinstance(prompt, PromptScreen)
            prompt.query_one("#prompt-input", Input).value = "Seeds"
            await pilot.press("enter")
            await ui.wait_for(pilot, gate.waiting.is_set)
            ok = prompt.query_one("#ok", Button)
            assert prompt.checking and ok.disabled and str(ok.label) == "…"
            await pilot.press("enter")  # a second submit while checking is ignored
            assert gate.threads != [MAIN_THREAD]
            assert ui.sql("SELECT name FROM saved_searches") == []
            gate.open.set()
            await ui.settle(pilot)
            assert app.screen is app.main
            assert ui.sql("SELECT name FROM saved_searches") == [("Seeds",)]
            # A taken name: the answer is one line in the dialog, which stays open.
            app.main.save_search("other")
            await pilot.pause()
            taken = app.screen
            assert isinstance(taken, PromptScreen)
            taken.query_one("#prompt-input", Input).value = "seeds"
            await pilot.press("enter")
            await ui.settle(pilot)
            assert app.screen is taken and not taken.checking
            assert taken.error_text and "\n" not in taken.error_text
            assert not taken.query_one("#ok", Button).disabled
    finally:
        lib.close()


async def test_deleting_a_tag_runs_in_the_lane(db_path: Path, ui: Any) -> None:
    lib = SlowLibrary(db_path, clock=ui.clock)
    lib.set_tags([1, 2], add=["doomed"])
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ui.settle(pilot)
            gate = arm(lib, "remove_tag")
            app.main.delete_tag("doomed")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            await ui.wait_for(pilot, gate.waiting.is_set)
            assert gate.threads != [MAIN_THREAD]
            assert "Deleting the tag doomed" in app.main.status.plain  # said at once
            await pilot.press("j")  # the reader takes keys meanwhile
            assert app.main.article_list.cursor == 1
            assert ui.sql("SELECT COUNT(*) FROM tags WHERE name = 'doomed'") == [(1,)]
            gate.open.set()
            await ui.settle(pilot)
            assert ui.sql("SELECT COUNT(*) FROM tags WHERE name = 'doomed'") == [(0,)]
            assert all(t.name != "doomed" for t in app.main.tags)
    finally:
        lib.close()


async def test_the_tag_editor_writes_in_its_lane_and_says_why_a_write_failed(
    db_path: Path, ui: Any
) -> None:
    lib = SlowLibrary(db_path, clock=ui.clock)
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ui.settle(pilot)
            article = app.main.article_list.current
            assert article is not None
            await pilot.press("t")
            await ui.settle(pilot)
            editor = app.screen
            assert isinstance(editor, TagEditorScreen)
            gate = arm(lib, "set_tags")
            editor.query_one("#tag-input", Input).value = "later"
            await pilot.press("enter")
            await ui.wait_for(pilot, gate.waiting.is_set)
            assert gate.threads != [MAIN_THREAD]
            assert editor.query_one("#tag-input", Input).value == ""  # taken at once
            assert ui.sql("SELECT COUNT(*) FROM article_tags WHERE article_id = ?", article.id) == [
                (0,)
            ]
            gate.open.set()
            await ui.settle(pilot)
            assert editor.current_names == ["later"]
            row = app.main.article_list.article_at(0)
            assert row is not None and row.tags == ("later",)  # the reader redrew it
            # A write that fails: one line in the dialog, the tags as they were.
            lib.set_tags = _disk_full  # type: ignore[method-assign]
            editor.query_one("#tag-input", Input).value = "more"
            await pilot.press("enter")
            await ui.settle(pilot)
            assert editor.status_text == "database or disk is full"
            assert editor.current_names == ["later"]
    finally:
        lib.close()


def _disk_full(*_args: Any, **_kwargs: Any) -> int:
    raise OSError("database or disk is full")


async def test_completions_for_a_prefix_no_longer_typed_are_dropped(db_path: Path, ui: Any) -> None:
    lib = SlowLibrary(db_path, clock=ui.clock)
    lib.set_tags([2], add=["Rust", "Ruby", "Rx"])
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ui.settle(pilot)
            await pilot.press("t")
            await ui.settle(pilot)
            editor = app.screen
            assert isinstance(editor, TagEditorScreen)
            field = editor.query_one("#tag-input", Input)
            first, second = arm(lib, "tag_completions:r"), arm(lib, "tag_completions:ru")
            await pilot.press("r")
            await ui.wait_for(pilot, first.waiting.is_set)
            await pilot.press("u")  # "ru" is asked behind "r", in the lane
            assert editor.completions == []  # nothing known yet for "ru"
            first.open.set()  # the answer for "r" comes back while "ru" is typed
            await ui.wait_for(pilot, second.waiting.is_set)
            await pilot.pause()
            await pilot.pause()
            assert editor.completions == []  # "Rx" and friends never showed
            assert field._suggestion == ""
            second.open.set()
            await ui.settle(pilot)
            assert lib.completion_prefixes == ["r", "ru"]
            assert editor.completions == ["Ruby", "Rust"]
            assert field._suggestion == "ruby"  # inline, with what was typed kept
    finally:
        lib.close()


def test_an_offer_serves_only_its_own_prefix() -> None:
    offer = Offer("ru", ("Ruby", "Rust"))
    assert candidates("", "ru", offer, []) == ["Ruby", "Rust"]
    assert candidates("+", "ru", offer, []) == ["Ruby", "Rust"]
    assert candidates("", "r", offer, []) == []
    assert candidates("", "rus", offer, []) == []
    assert candidates("", "ru", None, []) == []
    assert candidates("-", "ru", None, ["Rust", "guru"]) == ["Rust", "guru"]
    assert completed("a, ru", offer, []) == "a, ruby"
    assert completed("a, rus", offer, []) is None  # the offer was for "ru"


async def test_the_bulk_editor_waits_for_the_views_tags(db_path: Path, ui: Any) -> None:
    lib = SlowLibrary(db_path, clock=ui.clock)
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ui.settle(pilot)
            gate = arm(lib, "tags_on")
            await pilot.press("T", "y")
            await ui.wait_for(pilot, gate.waiting.is_set)
            editor = app.screen
            assert isinstance(editor, TagEditorScreen)
            assert editor.busy and editor.query_one("#tag-input", Input).disabled
            assert editor.status_text == "Reading the articles of this view…"
            gate.open.set()
            await ui.settle(pilot)
            assert not editor.busy and not editor.query_one("#tag-input", Input).disabled
    finally:
        lib.close()


async def test_the_add_dialog_opens_before_the_folders_are_read(db_path: Path, ui: Any) -> None:
    lib = SlowLibrary(db_path, clock=ui.clock)
    app = GazetteApp(lib, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ui.settle(pilot)
            gate = arm(lib, "folders")
            await pilot.press("a")
            await ui.wait_for(pilot, gate.waiting.is_set)
            dialog = app.screen
            assert isinstance(dialog, AddFeedScreen)
            assert gate.threads != [MAIN_THREAD]
            field = dialog.query_one("#add-folder", Input)
            assert field.suggester is None
            gate.open.set()
            await ui.settle(pilot)
            assert field.suggester is not None
            assert await field.suggester.get_suggestion("tech/") == "Tech/Reviews"
    finally:
        lib.close()

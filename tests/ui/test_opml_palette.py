"""OPML import and export from the command palette.

"Import OPML…" and "Export OPML…" ask for a path in the prompt dialog; what
can be fixed in place (a blank path, a missing file or folder, a file about
to be replaced) is said under the input, and the work itself runs through
Library in a thread worker whose result is one notification line.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from builders import notifications
from textual.command import CommandPalette
from textual.widgets import Input
from typing_extensions import override

from tui.core import ImportReport, Library
from tui.core.errors import InputError
from tui.core.opml import parse_opml
from tui.ui.app import GazetteApp
from tui.ui.screens.prompt import PromptScreen

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

FIXTURES = Path(__file__).parent.parent / "fixtures"
WIDE = (120, 40)


def opml_file(path: Path, *urls: str) -> Path:
    outlines = "".join(
        f'<outline type="rss" text="F{i}" xmlUrl="{u}"/>' for i, u in enumerate(urls)
    )
    path.write_text(
        f'<?xml version="1.0"?><opml version="2.0"><head/><body>'
        f'<outline text="Imported">{outlines}</outline></body></opml>',
        encoding="utf-8",
    )
    return path


async def run_palette(pilot: Any, ui: Helpers, command: str) -> PromptScreen:
    """Open the palette, type a command's name, run it; returns the prompt it opens."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await ui.wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    commands = app.screen.query_one("CommandList")
    await pilot.press(*command)

    def first() -> str:
        if commands.option_count == 0:
            return ""
        return str(commands.get_option_at_index(0).prompt).splitlines()[0]

    await ui.wait_for(pilot, lambda: first() == f"{command}…")
    await pilot.press("enter")
    await ui.wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
    prompt = app.screen
    assert isinstance(prompt, PromptScreen)
    return prompt


async def submit(pilot: Any, prompt: PromptScreen, text: str) -> None:
    prompt.query_one(Input).value = text
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_import_subscribes_in_a_worker_and_reports_one_line(
    library: Library, tmp_path: Path, ui: Helpers
) -> None:
    threads: list[threading.Thread] = []

    class Watched(Library):
        @override
        def import_opml(self, path: str | Path) -> ImportReport:
            threads.append(threading.current_thread())
            return super().import_opml(path)

    lib = Watched(library.db_path, clock=ui.clock)
    known = library.feeds()[0].url
    new = [str(FIXTURES / "feeds" / "rdf-biorxiv.xml"), str(FIXTURES / "feeds" / "edge-koi8r.xml")]
    source = opml_file(tmp_path / "subs.opml", known, *new)
    app = GazetteApp(lib, clock=ui.clock, auto_refresh_every=0)
    seen = notifications(app)
    try:
        async with app.run_test(size=WIDE) as pilot:
            await ui.settle(pilot)
            before = len(app.main.feeds)
            prompt = await run_palette(pilot, ui, "Import OPML")
            await submit(pilot, prompt, str(source))
            await ui.wait_for(pilot, lambda: bool(seen))
            assert seen == [
                "Imported 2 feeds from subs.opml (1 already subscribed). Press R to fetch them."
            ]
            assert threads and threads[0] is not threading.main_thread()
            # The feed list shows them at once, in the OPML's folder.
            assert len(app.main.feeds) == before + 2
            assert {f.url for f in app.main.feeds.values() if f.folder == "Imported"} == set(new)

            # Again: nothing new, said so.
            seen.clear()
            prompt = await run_palette(pilot, ui, "Import OPML")
            await submit(pilot, prompt, str(source))
            await ui.wait_for(pilot, lambda: bool(seen))
            assert seen == ["No new feeds in subs.opml: 3 feeds already subscribed."]
    finally:
        lib.close()


async def test_import_path_mistakes_are_fixed_in_the_dialog(
    make_app: Any, tmp_path: Path, ui: Helpers
) -> None:
    app = make_app()
    seen = notifications(app)
    async with app.run_test(size=WIDE) as pilot:
        prompt = await run_palette(pilot, ui, "Import OPML")
        await submit(pilot, prompt, "   ")
        assert prompt.error_text == "Type the path of an OPML file."
        await submit(pilot, prompt, str(tmp_path / "missing.opml"))
        assert prompt.error_text == f"No such file: {tmp_path / 'missing.opml'}"
        await submit(pilot, prompt, str(tmp_path))
        assert prompt.error_text == f"Not a file: {tmp_path}"
        assert app.screen is prompt  # still open, text kept for fixing
        await pilot.press("escape")
        await ui.settle(pilot)
        assert not isinstance(app.screen, PromptScreen) and seen == []


async def test_a_broken_opml_file_is_one_error_line_and_adds_nothing(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    app = make_app()
    seen = notifications(app)
    before = len(library.feeds())
    broken = FIXTURES / "opml" / "truncated.opml"
    async with app.run_test(size=WIDE) as pilot:
        prompt = await run_palette(pilot, ui, "Import OPML")
        await submit(pilot, prompt, str(broken))
        await ui.wait_for(pilot, lambda: bool(seen))
        (message,) = seen
        assert message.startswith("Import OPML failed: ") and str(broken) in message
        assert "\n" not in message
    assert len(library.feeds()) == before


async def test_export_writes_every_feed_and_asks_before_replacing(
    make_app: Any, library: Library, tmp_path: Path, ui: Helpers
) -> None:
    app = make_app()
    seen = notifications(app)
    target = tmp_path / "feeds.opml"
    async with app.run_test(size=WIDE) as pilot:
        prompt = await run_palette(pilot, ui, "Export OPML")
        assert prompt.query_one(Input).value == "~/gazette-feeds.opml"  # the suggestion
        await submit(pilot, prompt, str(target))
        await ui.wait_for(pilot, lambda: bool(seen))
        n = len(library.feeds())
        assert seen == [f"Exported {n} feeds to {target}."]
        exported = parse_opml(target.read_bytes(), str(target))
        assert sorted(e.url for e in exported) == sorted(f.url for f in library.feeds())

        # An existing file: the first Enter warns, the second replaces it.
        target.write_text("keep me?", encoding="utf-8")
        seen.clear()
        prompt = await run_palette(pilot, ui, "Export OPML")
        await submit(pilot, prompt, str(target))
        assert prompt.error_text == "feeds.opml exists: press Enter again to replace it."
        assert target.read_text(encoding="utf-8") == "keep me?"
        await pilot.press("enter")
        await ui.wait_for(pilot, lambda: bool(seen))
        assert seen == [f"Exported {n} feeds to {target}."]
        assert target.read_text(encoding="utf-8").startswith("<?xml")


async def test_export_path_mistakes_are_fixed_in_the_dialog(
    make_app: Any, tmp_path: Path, ui: Helpers
) -> None:
    app = make_app()
    seen = notifications(app)
    async with app.run_test(size=WIDE) as pilot:
        prompt = await run_palette(pilot, ui, "Export OPML")
        await submit(pilot, prompt, "")
        assert prompt.error_text == "Type the path of the file to write."
        await submit(pilot, prompt, str(tmp_path / "no" / "x.opml"))
        assert prompt.error_text == f"No such folder: {tmp_path / 'no'}"
        await submit(pilot, prompt, str(tmp_path))
        assert prompt.error_text == f"That is a folder: {tmp_path}"
        assert app.screen is prompt and seen == []
    assert not (tmp_path / "no").exists()


async def test_a_failed_write_is_one_error_line(
    library: Library, tmp_path: Path, ui: Helpers
) -> None:
    class Full(Library):
        @override
        def export_opml(self, path: str | Path) -> int:
            raise InputError(f"{path}: cannot write (No space left on device)")

    lib = Full(library.db_path, clock=ui.clock)
    app = GazetteApp(lib, clock=ui.clock, auto_refresh_every=0)
    seen = notifications(app)
    target = tmp_path / "x.opml"
    try:
        async with app.run_test(size=WIDE) as pilot:
            prompt = await run_palette(pilot, ui, "Export OPML")
            await submit(pilot, prompt, str(target))
            await ui.wait_for(pilot, lambda: bool(seen))
            assert seen == [f"Export OPML failed: {target}: cannot write (No space left on device)"]
    finally:
        lib.close()

"""Pilot tests for the notes flow: quote to note, the note's times, export from
the palette, and saving the note on SIGTERM.

Each test drives the real app over the fixture database (``conftest.py``)
and checks the note where it matters: in the database (``Library.note``).
The seed article ("Israel's spy chief...") is the newest, so it is the first
row of All and ``enter`` opens it.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from builders import notifications_with_options
from textual.command import CommandPalette
from textual.widgets import Label, TextArea

from tui.config import Config
from tui.core import ExportReport
from tui.core.library import Library
from tui.ui.app import GazetteApp
from tui.ui.exporting import export_message
from tui.ui.screens.main import MainScreen
from tui.ui.widgets.article_pane import plain_text, prepare_body
from tui.ui.widgets.article_text import ArticleText
from tui.ui.widgets.notes import note_age, quote_block

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

WIDE = (160, 45)
SEED_TITLE = "Israel’s spy chief was due to travel to Qatar on Friday for ceasefire negotiations"
SEED_URL = "https://ift.tt/6gyW1tZ"
LINK = f"— [{SEED_TITLE}]({SEED_URL})"
FIRST = (
    "Israel’s spy chief was due to travel to Qatar on Friday for ceasefire negotiations "
    "while the U.S. planned to put a resolution calling for an immediate truce in Gaza to "
    "a vote of the U.N. Security Council, intensifying pressure on its ally."
)
NEGOTIATORS = (
    "“Negotiators continue to work. The gaps are narrowing, and we’re continuing to push "
    "for an agreement in Doha. There’s still difficult work to get there. But I continue "
    "to believe it’s possible,” Blinken said."
)
STICKING = (
    "The main sticking point has been that Hamas says it will release hostages only as "
    "part of a deal that would end the war, while Israel says it will discuss only a "
    "temporary pause."
)


def main(app: GazetteApp) -> MainScreen:
    return app.main


async def open_seed(pilot: Any, ui: Helpers) -> int:
    """Open the seed article and wait for its body; returns its id."""
    m = main(pilot.app)
    await pilot.press("enter")
    await ui.settle(pilot)
    await ui.wait_for(pilot, lambda: not m.pane.loading_body)
    await pilot.pause()
    article = m.pane.article
    assert article is not None and article.title == SEED_TITLE
    return article.id


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the body as drawn: its widget and its lines there."""

    text: ArticleText
    start: int
    end: int

    @property
    def height(self) -> int:
        return self.end - self.start


def paragraph(m: MainScreen, start: str) -> Paragraph:
    for text in m.pane.query(ArticleText):
        for block, (first, end) in zip(text.blocks, text.laid.spans, strict=True):
            if block.kind == "p" and plain_text(block.text.plain).startswith(start):
                return Paragraph(text, first, end)
    raise AssertionError(f"no paragraph starting {start!r}")


def scroll_to_top(m: MainScreen, para: Paragraph) -> None:
    """Scroll the pane so that the paragraph's first line is its top line."""
    pane = m.pane
    top = para.text.region.y - pane.scrollable_content_region.y + round(pane.scroll_y)
    pane.scroll_to(y=top + para.start, animate=False)


# -- quote to note ----------------------------------------------------------------


async def test_quote_to_note_quotes_the_paragraph_at_the_top(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m = main(app)
        article_id = await open_seed(pilot, ui)
        assert not m.has_class("-notes") and app.focused is m.pane
        await pilot.press("Q")
        await pilot.pause()
        # At the top of the article, the first paragraph; saved at once (no autosave wait).
        note = library.note(article_id)
        assert note is not None
        assert note.body == f"> {FIRST}\n\n{LINK}\n\n"
        # The notes panel opened with the cursor after the quote.
        editor = m.notes.query_one(TextArea)
        assert m.has_class("-notes") and app.focused is editor  # type: ignore[comparison-overlap]  # mypy keeps the narrowing across the await
        assert editor.cursor_location == editor.document.end
        assert not m.notes.dirty

        # Scrolled so a paragraph starts on the top line: that one.
        negotiators = paragraph(m, "“Negotiators")
        m.pane.focus()
        scroll_to_top(m, negotiators)
        await pilot.pause()
        await pilot.press("Q")
        await pilot.pause()
        note = library.note(article_id)
        assert note is not None
        assert note.body == f"> {FIRST}\n\n{LINK}\n\n> {NEGOTIATORS}\n\n{LINK}\n\n"

        # Its first line scrolled away, but most of it is on screen: still that one.
        height = negotiators.height
        assert height >= 3
        m.pane.focus()
        m.pane.scroll_relative(y=1, animate=False)
        await pilot.pause()
        assert m.pane.current_block_text() == NEGOTIATORS

        # Half of it or more scrolled away: the next paragraph (the first that starts).
        m.pane.scroll_relative(y=height // 2, animate=False)
        await pilot.pause()
        await pilot.press("Q")
        await pilot.pause()
        note = library.note(article_id)
        assert note is not None and note.body.endswith(f"> {STICKING}\n\n{LINK}\n\n")


async def test_quote_appends_after_the_users_text_and_typing_goes_on(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m = main(app)
        article_id = await open_seed(pilot, ui)
        await pilot.press("e", *"My take")
        await pilot.press("escape")  # back to the article
        assert app.focused is m.pane
        await pilot.press("Q")
        await pilot.pause()
        await pilot.press(*"Agreed")
        assert m.notes.flush()
        note = library.note(article_id)
        assert note is not None
        assert note.body == f"My take\n\n> {FIRST}\n\n{LINK}\n\nAgreed"


async def test_quote_to_note_quotes_the_selection(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    """A mouse drag selects text (Textual 8); Q quotes exactly that, once."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m = main(app)
        article_id = await open_seed(pilot, ui)
        block = paragraph(m, "The main sticking")
        await pilot.mouse_down(block.text, offset=(0, block.start))
        await pilot.hover(block.text, offset=(30, block.start))
        await pilot.mouse_up(block.text, offset=(30, block.start))
        await pilot.pause()
        assert m.pane.selected_text() == STICKING[:31]
        m.pane.focus()
        await pilot.press("Q")
        await pilot.pause()
        note = library.note(article_id)
        assert note is not None
        assert note.body == f"> {STICKING[:31]}\n\n{LINK}\n\n"
        # The selection was used up: the next Q quotes the paragraph at the top.
        assert not app.screen.selections
        m.pane.focus()
        await pilot.press("Q")
        await pilot.pause()
        note = library.note(article_id)
        assert note is not None and note.body.endswith(f"> {FIRST}\n\n{LINK}\n\n")


async def test_quote_picks_list_items_and_skips_headings(make_app: Any, ui: Helpers) -> None:
    """A list is quoted item by item, a heading only when nothing else starts on screen."""
    md = (
        "## A heading first\n\n"
        "- **First** item with a [link](https://x.example) and `code`\n"
        "- Second item\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m = main(app)
        article_id = await open_seed(pilot, ui)
        m.pane.show_body(article_id, prepare_body(md)[0])
        await ui.settle(pilot)
        await ui.wait_for(pilot, lambda: not m.pane.loading_body)
        await pilot.pause()
        assert m.pane.current_block_text() == "First item with a link and code"
        m.pane.show_body(article_id, prepare_body("# Only a heading\n")[0])
        await ui.settle(pilot)
        await pilot.pause()
        assert m.pane.current_block_text() == "Only a heading"
        # One paragraph taller than the view: in its middle, that paragraph.
        long = " ".join(f"word{i}" for i in range(3000))
        m.pane.show_body(article_id, prepare_body(f"Short one.\n\n{long}\n\nAfter.\n")[0])
        await ui.settle(pilot)
        await pilot.pause()
        m.pane.scroll_to(y=m.pane.max_scroll_y // 2, animate=False)
        await pilot.pause()
        assert m.pane.current_block_text() == long


async def test_quote_with_nothing_open_says_so(make_app: Any, library: Library) -> None:
    app = make_app()
    seen = notifications_with_options(app)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("Q")
        await pilot.pause()
        assert seen and seen[-1][0] == "Open an article to quote from it."
        assert seen[-1][1].get("markup") is False
        assert library.articles()  # nothing noted
        assert not main(app).notes.dirty


def test_quote_block_is_plain_clean_and_linked() -> None:
    text = "first line \x1b[31mred\x1b[0m\x07\n\n\n  second\tline  \n"
    title = "A [tricky] *title* `x` \x1b]0;PWNED\x07"
    assert quote_block(text, title, "https://e.example/a b(c)") == (
        "> first line red\n"
        ">\n"
        ">   second    line\n"  # the tab expanded (4 columns)
        "\n"
        r"— [A \[tricky\] \*title\* \`x\`](https://e.example/a%20b%28c%29)"
        "\n\n"
    )
    # Only web and mail links become links; the title then stands alone.
    assert quote_block("q", "T", "javascript:alert(1)").endswith("\n— T\n\n")
    assert quote_block("q", "T", "/relative").endswith("\n— T\n\n")
    assert quote_block("q", "", None) == "> q\n\n— untitled\n\n"


def test_plain_text_drops_markup_keeps_words() -> None:
    md = (
        "Some *emphasis*, a [link](https://x.example 'title'), ![alt text](i.png) and "
        "[@click=app.quit]markup[/] kept literally.\n"
        "Soft break.\n\n"
        "```\ncode  line\n  indented\n```\n\n"
        "| h1 | h2 |\n|----|----|\n| **c1** | c2 |\n\n"
        "> quoted \\*not emphasis\\*\n"
    )
    assert plain_text(md) == (
        "Some emphasis, a link, alt text and [@click=app.quit]markup[/] kept literally. "
        "Soft break.\n\n"
        "code  line\n  indented\n\n"
        "h1 | h2\nc1 | c2\n\n"
        "quoted *not emphasis*"
    )


# -- the note's times ---------------------------------------------------------------


def test_note_age_words() -> None:
    now = 1_710_979_200.0
    assert note_age(int(now) - 5, now) == "just now"
    assert note_age(int(now) + 500, now) == "just now"  # clock went backwards
    assert note_age(int(now) - 180, now) == "3 min ago"
    assert note_age(int(now) - 5 * 3600, now) == "5 h ago"
    assert note_age(int(now) - 30 * 3600, now) == "yesterday"
    assert note_age(int(now) - 3 * 86400, now) == "3 days ago"
    assert note_age(int(now) - 30 * 86400, now) == "on 20 Feb"
    assert note_age(int(now) - 400 * 86400, now) == "on 15 Feb 2023"


async def test_notes_panel_shows_created_and_edited(
    make_app: Any, library: Library, db_path: Path, ui: Helpers
) -> None:
    article_id = library.articles()[0].id
    for age in (3 * 86400, 180):  # created three days ago, edited three minutes ago

        def clock(age: int = age) -> float:
            return float(ui.now - age)

        lib = Library(db_path, clock=clock)
        lib.set_note(article_id, f"written {age}")
        lib.close()
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m = main(app)
        await open_seed(pilot, ui)
        times = m.notes.query_one("#notes-times", Label)
        assert str(times.content) == "created 3 days ago · edited 3 min ago"
        assert m.notes.text == "written 180"
        await pilot.press("e", "!")
        assert str(times.content) == "unsaved"
        assert m.notes.flush()
        await pilot.pause()
        assert str(times.content) == "created 3 days ago · edited just now"
        # Markup-safe: a Content label, never parsed.
        assert "[" not in str(times.content)


# -- export from the palette ----------------------------------------------------------


async def run_palette(pilot: Any, ui: Helpers, command: str) -> None:
    """Open the palette, type a command's name and run the matching option."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await ui.wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    palette = app.screen
    await pilot.press(*command)

    def offered() -> bool:
        options = palette.query_one("CommandList")
        return options.option_count > 0 and any(
            str(options.get_option_at_index(i).prompt).splitlines()[0] == command
            for i in range(options.option_count)
        )

    await ui.wait_for(pilot, offered)
    options = palette.query_one("CommandList")
    for i in range(options.option_count):
        if str(options.get_option_at_index(i).prompt).splitlines()[0] == command:
            options.highlighted = i
            break
    await pilot.pause()
    await pilot.press("enter")


async def test_export_from_the_palette_writes_files_and_notifies(
    library: Library, tmp_path: Path, ui: Helpers
) -> None:
    out = tmp_path / "exported"
    seed = next(a for a in library.articles() if a.title == SEED_TITLE)
    library.set_note(seed.id, "Worth *reading*.")
    app = GazetteApp(library, clock=ui.clock, config=Config(export_folder=str(out)))
    seen = notifications_with_options(app)
    async with app.run_test(size=WIDE) as pilot:
        await run_palette(pilot, ui, "Export notes")
        await ui.wait_for(pilot, lambda: any("written" in msg for msg, _ in seen))
        message, kwargs = next((msg, kw) for msg, kw in seen if "written" in msg)
        assert "1 written, 0 updated, 0 unchanged, 0 skipped" in message
        assert message.startswith(f"Notes exported to {out}: ")
        assert kwargs.get("markup") is False
        files = list(out.glob("*.md"))
        assert len(files) == 1 and "Worth *reading*." in files[0].read_text(encoding="utf-8")

        # Again: nothing changed, so nothing is written.
        seen.clear()
        await run_palette(pilot, ui, "Export notes (force)")
        await ui.wait_for(pilot, lambda: any("written" in msg for msg, _ in seen))
        assert "0 written, 0 updated, 1 unchanged, 0 skipped" in seen[-1][0]
        assert not app.exporting


async def test_export_matching_the_search_and_the_note_being_typed(
    library: Library, tmp_path: Path, ui: Helpers
) -> None:
    out = tmp_path / "exported"
    other = next(a for a in library.articles() if a.title != SEED_TITLE)
    library.set_note(other.id, "Another note.")
    app = GazetteApp(library, clock=ui.clock, config=Config(export_folder=str(out)))
    seen = notifications_with_options(app)
    async with app.run_test(size=WIDE) as pilot:
        m = main(app)
        names = [name for name, _help, _run in m.palette_commands()]
        assert "Export notes" in names and "Export notes (force)" in names
        assert "Export notes matching the current search" not in names  # no search yet
        # A note typed but not saved yet is exported too (the export flushes first).
        article_id = await open_seed(pilot, ui)
        await pilot.press("e", *"Typed now")
        assert m.notes.dirty
        await pilot.press("escape", "escape", "slash", *"Blinken")
        await ui.wait_for(pilot, lambda: m.article_list.search_query == "Blinken")
        commands = {name: run for name, _help, run in m.palette_commands()}
        commands["Export notes matching the current search"]()
        await ui.wait_for(pilot, lambda: any("written" in msg for msg, _ in seen))
        message = seen[-1][0]
        assert message.startswith("Notes matching the search exported to ")
        assert message.endswith(": 1 written, 0 updated, 0 unchanged, 0 skipped")
        note = library.note(article_id)
        assert note is not None and note.body == "Typed now"
        (written,) = out.glob("*.md")
        assert "Typed now" in written.read_text(encoding="utf-8")


def test_export_message_lists_a_few_warnings_then_counts_the_rest(tmp_path: Path) -> None:
    report = ExportReport(
        written=2, skipped=5, warnings=[f"note-{i}.md: [/] edited \x1b[31m" for i in range(5)]
    )
    lines = export_message(tmp_path, report).split("\n")
    assert lines[0] == f"Notes exported to {tmp_path}: 2 written, 0 updated, 0 unchanged, 5 skipped"
    assert lines[1:] == [
        "note-0.md: [/] edited",
        "note-1.md: [/] edited",
        "note-2.md: [/] edited",
        "and 2 more",
    ]


# -- SIGTERM ----------------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
async def test_sigterm_saves_the_note_and_exits(
    make_app: Any, library: Library, ui: Helpers, signum: int
) -> None:
    """The handler on the running loop saves what the autosave has not yet."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        article_id = await open_seed(pilot, ui)
        await pilot.press("e", *"before the signal")
        assert library.note(article_id) is None  # the autosave is a second away
        # Installed on this (main-thread) loop; without it the signal would end pytest.
        assert signum in app._signals
        os.kill(os.getpid(), signum)
        await ui.wait_for(pilot, lambda: not app.is_running, timeout=5)
    assert app.return_code == 128 + signum
    note = library.note(article_id)
    assert note is not None and note.body == "before the signal"
    # Removed again with the app: the default action is back.
    assert signal.getsignal(signum) == signal.SIG_DFL

"""Pilot tests for tags in the reader (issue 4): the editor, bulk tagging,
the feed list's Tags section, and renaming or deleting a tag.

State is checked in the database (through ``ui.sql``) and on screen (the
feed list's sources, the list's rows, the article header).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widgets import Input, Static

from tui.core.library import Library
from tui.ui.app import GazetteApp
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.main import MainScreen
from tui.ui.screens.prompt import PromptScreen
from tui.ui.screens.tag_editor import TagEditorScreen

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

SIZE = (120, 40)


def main(app: GazetteApp) -> MainScreen:
    return app.main


def tags_of(ui: Helpers, article_id: int) -> list[str]:
    rows = ui.sql(
        "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id "
        "WHERE at.article_id = ? ORDER BY t.name COLLATE NOCASE",
        article_id,
    )
    return [r[0] for r in rows]


def source(app: GazetteApp, key: str) -> Any:
    return next((s for s in main(app).feed_list.sources() if s.key == key), None)


async def test_tag_editor_reads_the_one_tag_grammar(make_app: Any, ui: Helpers) -> None:
    """The editor applies ``tui.core.tags.parse_tag_changes``: hostile names are
    cleaned, a repeated name is one change whose last sign wins."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        article = main(app).article_list.current
        assert article is not None
        await pilot.press("t")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, TagEditorScreen)
        field = editor.query_one("#tag-input", Input)
        field.value = '+Keep, "q", \x1b[31mred\x07, drop, ' + "L" * 200 + ", +, -, ,"
        await pilot.press("enter")
        await ui.settle(pilot)  # the lane writes
        assert tags_of(ui, article.id) == ['"q"', "drop", "Keep", "L" * 64, "red"]
        # "\x07-drop" is a removal (controls go before the sign is read);
        # "RED, -red" removes red: the last sign wins, as if applied in order.
        field.value = "\x07-drop, RED, -red, keep, -nothere"
        await pilot.press("enter")
        await ui.settle(pilot)  # the lane writes
        assert tags_of(ui, article.id) == ['"q"', "Keep", "L" * 64]
        assert editor.status_text == "Not tagged: nothere"


async def test_tag_editor_adds_completes_and_removes(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    other = library.articles(limit=5)[-1].id
    library.set_tags([other], add=["Rustacean"])  # an existing tag to complete from
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        m = main(app)
        article = m.article_list.current
        assert article is not None and not article.tags
        await pilot.press("enter")  # open it: the header must follow the edits
        await ui.settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, TagEditorScreen)
        # Completion: the list under the input and the inline suggestion.
        await pilot.press(*"rus")
        await ui.settle(pilot)  # completions are read in the lane
        assert editor.completions == ["Rustacean"]
        await pilot.press("tab", "enter")  # accept the suggestion, add it
        await ui.settle(pilot)  # the lane writes
        assert tags_of(ui, article.id) == ["Rustacean"]
        # Several at once; case is ignored for matching and the first spelling stays.
        editor.query_one("#tag-input", Input).value = "Later, RUSTACEAN, [b]x"
        await pilot.press("enter")
        await ui.settle(pilot)  # the lane writes
        assert tags_of(ui, article.id) == ["[b]x", "Later", "Rustacean"]
        # The row's tag marker and the article header updated at once, behind the dialog.
        assert m.article_list.article_at(0).tags == ("[b]x", "Later", "Rustacean")  # type: ignore[union-attr]
        header = m.pane.query_one("#article-header", Static).content
        assert "#Later" in str(header) and "#[b]x" in str(header)
        # -name removes (ignoring case); a key removes the chosen current tag.
        editor.query_one("#tag-input", Input).value = "-later"
        await pilot.press("enter")
        await ui.settle(pilot)  # the lane writes
        assert tags_of(ui, article.id) == ["[b]x", "Rustacean"]
        await pilot.press("down")  # no completions shown: into the current tags
        assert app.focused is editor.query_one("#tag-current")
        await pilot.press("delete")
        await ui.settle(pilot)  # the lane writes
        assert tags_of(ui, article.id) == ["Rustacean"]
        assert editor.current_names == ["Rustacean"]
        await pilot.press("escape")
        await ui.settle(pilot)  # the lane writes
        assert isinstance(app.screen, MainScreen)
        assert "#Rustacean" in str(m.pane.query_one("#article-header", Static).content)
        # The feed list's Tags section: unread/total, spelled as first typed.
        tag = source(app, "tag:rustacean")
        assert tag is not None and tag.title == "Rustacean"
        assert (tag.unread, tag.total) == (1, 2)  # the opened article is read now


async def test_bulk_tagging_asks_first_and_tags_the_whole_view(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    feed = next(f for f in library.feeds() if f.title == "DC Rainmaker")
    ids = [a.id for a in library.articles(library_view(feed.id))]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        m = main(app)
        m.feed_list.select_key(f"feed:{feed.id}")
        await pilot.pause()
        assert m.article_list.count == len(ids) > 1
        await pilot.press("T")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: nothing happens
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("T")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, TagEditorScreen)
        await ui.wait_for(pilot, lambda: not editor.busy)
        assert sorted(editor.ids) == sorted(ids)
        editor.query_one("#tag-input", Input).value = "Fitness"
        await pilot.press("enter")
        await ui.wait_for(pilot, lambda: not editor.busy and editor.current_names == ["Fitness"])
        assert editor.current == [("Fitness", len(ids))]
        assert all(tags_of(ui, i) == ["Fitness"] for i in ids)
        await pilot.press("escape")
        await pilot.pause()
        # Every row shows the tag marker; the Tags section counts them.
        assert all(
            "Fitness" in (m.article_list.article_at(i).tags or ())
            for i in range(m.article_list.count)
        )
        tag = source(app, "tag:fitness")
        assert tag is not None and (tag.unread, tag.total) == (len(ids), len(ids))


def library_view(feed_id: int) -> Any:
    from tui.core.models import View

    return View(feed_id=feed_id)


async def test_selecting_a_tag_lists_its_articles_and_rename_delete_via_palette(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    arts = library.articles(limit=3)
    # A name with a space (quoted in its tag: query) and markup (shown as text).
    library.set_tags([a.id for a in arts], add=["Later [/]"])
    library.set_read([arts[0].id], True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        m = main(app)
        tag = source(app, "tag:later [/]")
        assert tag is not None and (tag.unread, tag.total) == (2, 3)
        m.feed_list.select_key("tag:later [/]")
        await pilot.pause()
        lst = m.article_list
        assert m.source is not None and m.source.key == "tag:later [/]"
        assert lst.count == 3 and {lst.article_at(i).id for i in range(3)} == {  # type: ignore[union-attr]
            a.id for a in arts
        }
        assert "#Later [/] · 3" in str(m.query_one("#list-title", Static).content)
        # Rename through the palette (typing the command's name).
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"rename tag later")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        prompt.query_one("#prompt-input", Input).value = "Read [/] soon"
        await pilot.press("enter")
        await ui.settle(pilot)  # the prompt renames in its lane
        assert ui.sql("SELECT name FROM tags") == [("Read [/] soon",)]
        assert source(app, "tag:later [/]") is None
        # The list follows the renamed tag, and the hostile name is only text.
        assert m.source is not None and m.source.key == "tag:read [/] soon"
        assert lst.count == 3
        # Delete asks first; the articles stay.
        m.delete_tag("Read [/] soon")  # what the palette's "Delete tag" runs
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await ui.settle(pilot)  # deleted in the lane
        assert ui.sql("SELECT count(*) FROM tags") == [(0,)]
        assert ui.sql("SELECT count(*) FROM articles WHERE id = ?", arts[0].id) == [(1,)]
        assert all(s.kind not in ("tag", "section") for s in m.feed_list.sources())
        assert m.source is not None and m.source.key == "smart:all"
        assert not any(lst.article_at(i).tags for i in range(3))  # type: ignore[union-attr]

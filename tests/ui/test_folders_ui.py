"""Pilot tests for folders in the reader: one rule for the feed tree's nodes and
badges, the article list, "refresh selected" and ``folder:`` search; the
folder fields of the add and settings dialogs; renaming a folder.

Refreshes go to the loopback feed server, whose request log says which
feeds a refresh really fetched.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import quoteattr

import pytest
from builders import notifications, rss
from feedserver import FeedServer
from textual.widgets import Input, Static

from tui.core import folders
from tui.core.library import Library
from tui.core.models import View
from tui.ui.app import GazetteApp
from tui.ui.screens.add_feed import AddFeedScreen
from tui.ui.screens.feed_settings import FeedSettingsScreen
from tui.ui.screens.main import MainScreen
from tui.ui.screens.prompt import PromptScreen

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

SIZE = (120, 40)

#: (folder as the OPML file spells it, path on the feed server, articles): counts
#: differ so that a feed counted in the wrong folder shows.
SERVED: tuple[tuple[str | None, str, int], ...] = (
    ("Tech", "/tech-a.xml", 1),
    ("tech", "/tech-b.xml", 2),
    ("Tech/Rust", "/rust.xml", 3),
    ("50%_off\\x", "/wild-a.xml", 4),
    ("50%Aoff\\x", "/wild-b.xml", 5),
    ("Technology", "/technology.xml", 6),
    (None, "/loose.xml", 7),
)


def main(app: GazetteApp) -> MainScreen:
    return app.main


def source(app: GazetteApp, key: str) -> Any:
    return next((s for s in main(app).feed_list.sources() if s.key == key), None)


def folder_keys(app: GazetteApp) -> list[str]:
    return [s.key for s in main(app).feed_list.sources() if s.kind == "folder"]


def _outline(folder: str | None, url: str, title: str) -> str:
    feed = f'<outline type="rss" text="{title}" xmlUrl={quoteattr(url)}/>'
    for name in reversed(folder.split("/") if folder else []):
        feed = f"<outline text={quoteattr(name)}>{feed}</outline>"
    return feed


@pytest.fixture
def served(feed_server: FeedServer, tmp_path: Path, ui: Helpers) -> Iterator[Library]:
    """SERVED imported from OPML (spellings as written) and fetched once."""
    body = []
    for i, (folder, path, items) in enumerate(SERVED):
        feed_server.page(path, rss(f"Feed{i}", items))
        body.append(_outline(folder, feed_server.url(path), f"Feed{i}"))
    opml = tmp_path / "subs.opml"
    opml.write_text(
        f'<?xml version="1.0"?><opml version="2.0"><body>{"".join(body)}</body></opml>',
        encoding="utf-8",
    )
    lib = Library(tmp_path / "served.db", clock=ui.clock)
    lib.import_opml(opml)
    assert not lib.refresh().failed
    feed_server.reset_stats()
    yield lib
    lib.close()


async def test_badge_list_refresh_and_search_agree_on_every_folder(
    served: Library, feed_server: FeedServer, ui: Helpers
) -> None:
    app = GazetteApp(served, clock=ui.clock)
    async with app.run_test(size=SIZE) as pilot:
        m = main(app)
        await ui.settle(pilot)  # the counts fill the feed list from the lane
        # Tech and tech are one node, shown as the first feed spells it.
        assert folder_keys(app) == [
            "folder:50%_off\\x",
            "folder:50%Aoff\\x",
            "folder:Tech",
            "folder:Tech/Rust",
            "folder:Technology",
        ]
        for key in folder_keys(app):
            path = key.removeprefix("folder:")
            members = [(p, n) for f, p, n in SERVED if folders.contains(path, f)]
            expected = sum(n for _p, n in members)
            m.feed_list.select_key(key)
            await pilot.pause()
            assert m.source is not None and m.source.key == key
            assert source(app, key).unread == expected, f"badge of {path}"
            assert m.article_list.count == expected, f"list of {path}"
            query = 'folder:"' + path.replace('"', '""') + '"'
            assert served.count_articles(View(query=query)) == expected, f"search {query}"
            feed_server.reset_stats()
            await pilot.press("r")
            await ui.wait_for(pilot, lambda: not app.refreshing)
            fetched = {p for _f, p, _n in SERVED if feed_server.hits(p)}
            assert fetched == {p for p, _n in members}, f"refresh of {path}"
        assert source(app, "folder:Tech").unread == 1 + 2 + 3


async def test_tree_nests_under_one_spelling(ui: Helpers, tmp_path: Path) -> None:
    """Feeds filed as tech/Rust and TECH/rust sit under one Tech node."""
    lib = Library(tmp_path / "g.db", clock=ui.clock)
    for i, folder in enumerate(("Tech", "tech/Rust", "TECH/rust", "tech")):
        lib.store.add_feed(f"https://example.com/{i}.xml", title=f"Feed{i}", folder=folder)
    app = GazetteApp(lib, clock=ui.clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert folder_keys(app) == ["folder:tech", "folder:tech/Rust"]  # tie: the oldest
        rust = main(app).feed_list._by_key["folder:tech/Rust"]
        assert sorted(str(child.label) for child in rust.children) == ["Feed1", "Feed2"]
    lib.close()


# -- the add dialog ----------------------------------------------------------------


async def test_add_dialog_files_the_feed_with_suggestions(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    path = Path(__file__).parent.parent / "fixtures" / "feeds" / "rss2-seed-article.xml"
    library.remove_feed(str(path.resolve()))  # the fixture library has it already
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await ui.wait_for(pilot, lambda: isinstance(app.screen, AddFeedScreen))
        screen = app.screen
        screen.query_one("#add-url", Input).value = str(path)
        screen.query_one("#add-folder", Input).focus()
        await pilot.press("t", "e", "c", "h", "/")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("right")  # takes the suggestion of an existing folder
        assert screen.query_one("#add-folder", Input).value == "Tech/Reviews"
        await pilot.press("enter")
        await ui.wait_for(pilot, lambda: not isinstance(app.screen, AddFeedScreen))
        await ui.settle(pilot)
        [feed] = [f for f in library.feeds() if f.url == str(path.resolve())]
        assert feed.folder == "Tech/Reviews"
        # The app shows the new feed, inside its folder.
        m = main(app)
        assert m.source is not None and m.source.key == f"feed:{feed.id}"
        node = m.feed_list._by_key[f"feed:{feed.id}"]
        assert node.parent is m.feed_list._by_key["folder:Tech/Reviews"]


async def test_add_dialog_starts_in_the_selected_folder_and_refuses_controls(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    before = len(library.feeds())
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(pilot)  # the counts fill the feed list from the lane
        main(app).feed_list.select_key("folder:Blogs")
        await pilot.pause()
        await pilot.press("a")
        await ui.wait_for(pilot, lambda: isinstance(app.screen, AddFeedScreen))
        screen = app.screen
        assert isinstance(screen, AddFeedScreen)
        assert screen.query_one("#add-folder", Input).value == "Blogs"
        screen.query_one("#add-url", Input).value = "/does/not/matter.xml"
        screen.query_one("#add-folder", Input).value = "Blogs\x1b]0;x\x07"
        await pilot.click("#add-ok")
        await pilot.pause()
        assert app.screen is screen and not screen.busy
        assert "control characters are not allowed" in screen.error_text
        assert "\x1b" not in screen.error_text
        assert screen.focused is screen.query_one("#add-folder", Input)
    assert len(library.feeds()) == before


# -- feed settings ---------------------------------------------------------------


async def open_settings(app: GazetteApp, pilot: Any, ui: Helpers, key: str) -> FeedSettingsScreen:
    main(app).feed_list.select_key(key)
    await pilot.pause()
    app.action_feed_settings()  # its settings are read in a worker, then the dialog opens
    await ui.wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, FeedSettingsScreen)
            and bool(app.screen.query("#fs-save") and app.screen.query_one("#fs-save").region.area)
        ),
    )
    screen = app.screen
    assert isinstance(screen, FeedSettingsScreen)
    return screen


async def test_feed_settings_moves_the_feed(make_app: Any, library: Library, ui: Helpers) -> None:
    feed = next(f for f in library.feeds() if f.folder == "Podcasts")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, ui, f"feed:{feed.id}")
        field = screen.query_one("#fs-folder", Input)
        assert field.value == "Podcasts"
        assert {"News", "Blogs", "Tech", "Tech/Reviews"} <= set(screen.folders)
        field.value = "Audio / Fiction"
        await pilot.click("#fs-save")  # stored in a worker; the tree then shows the new folder
        await ui.wait_for(pilot, lambda: "folder:Audio/Fiction" in folder_keys(app))
        assert library.find_feed(str(feed.id)).folder == "Audio/Fiction"
        assert "folder:Podcasts" not in folder_keys(app)  # its only feed left
        assert {"folder:Audio", "folder:Audio/Fiction"} <= set(folder_keys(app))
        assert (source := main(app).source) is not None and source.key == f"feed:{feed.id}"

        # Empty: out of every folder; a control character: refused in the form.
        screen = await open_settings(app, pilot, ui, f"feed:{feed.id}")
        screen.query_one("#fs-folder", Input).value = "x\x07"
        await pilot.click("#fs-save")
        await pilot.pause()
        assert app.screen is screen
        assert "control characters" in str(screen.query_one("#fs-error", Static).render())
        screen.query_one("#fs-folder", Input).value = ""
        screen.query_one("#fs-folder", Input).focus()
        await pilot.press("enter")
        await ui.wait_for(pilot, lambda: "folder:Audio/Fiction" not in folder_keys(app))
    assert library.find_feed(str(feed.id)).folder is None


async def test_feed_settings_without_a_folder_change_leaves_it(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    feed = next(f for f in library.feeds() if f.folder == "Tech/Reviews")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, ui, f"feed:{feed.id}")
        screen.query_one("#fs-refresh", Input).value = "15"
        await pilot.click("#fs-save")
        await ui.wait_for(pilot, lambda: library.feed_settings(feed.id).refresh_minutes == 15)
    assert library.find_feed(str(feed.id)).folder == "Tech/Reviews"
    assert library.feed_settings(feed.id).refresh_minutes == 15


# -- renaming a folder -------------------------------------------------------------


async def rename_with_key(app: GazetteApp, pilot: Any, key: str) -> PromptScreen:
    m = main(app)
    m.feed_list.select_key(key)
    m.feed_list.focus()
    await pilot.pause()
    await pilot.press("c")
    await pilot.pause()
    prompt = app.screen
    assert isinstance(prompt, PromptScreen)
    return prompt


async def test_rename_key_moves_the_folder_and_its_subfolders(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    app = make_app()
    seen = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        m = main(app)
        prompt = await rename_with_key(app, pilot, "folder:Tech")
        field = prompt.query_one("#prompt-input", Input)
        assert field.value == "Tech"
        field.value = "Gear"
        await pilot.press("enter")
        await ui.settle(pilot)  # the prompt renames in its lane
        assert not isinstance(app.screen, PromptScreen)
        assert "folder:Gear/Reviews" in folder_keys(app)
        assert "folder:Tech" not in folder_keys(app)
        # The renamed folder stays shown, under its new name.
        assert m.source is not None and m.source.key == "folder:Gear"
        assert m.article_list.count == library.count_articles(m.source.view) > 0
        assert any("Renamed the folder Tech to Gear (1 feed moved)" in s for s in seen)
    assert [f.folder for f in library.feeds() if f.folder and f.folder.startswith("Gear")] == [
        "Gear/Reviews"
    ]


async def test_renaming_onto_an_existing_folder_merges(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        m = main(app)
        blogs = source(app, "folder:Blogs").unread
        before = source(app, "folder:News").unread
        prompt = await rename_with_key(app, pilot, "folder:Blogs")
        prompt.query_one("#prompt-input", Input).value = "news"
        await pilot.press("enter")
        await ui.settle(pilot)  # the prompt renames in its lane
        assert "folder:Blogs" not in folder_keys(app)
        merged = source(app, "folder:news")
        assert merged is not None and merged.unread == blogs + before
        assert m.source is not None and m.source.key == "folder:news"
    assert {f.folder for f in library.feeds()} >= {"news"}
    assert "News" not in {f.folder for f in library.feeds()}


async def test_rename_errors_stay_in_the_prompt(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        prompt = await rename_with_key(app, pilot, "folder:Tech")
        field = prompt.query_one("#prompt-input", Input)
        for bad, says in (("Tech/Old", "own subfolder"), (" / ", "needs a name")):
            field.value = bad
            await pilot.press("enter")
            await ui.settle(pilot)  # the prompt checks in its lane
            assert app.screen is prompt and says in prompt.error_text
        await pilot.press("escape")
        await pilot.pause()
        assert "folder:Tech/Reviews" in folder_keys(app)


async def test_palette_offers_rename_folder(make_app: Any, library: Library, ui: Helpers) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        commands = {name: run for name, _help, run in main(app).palette_commands()}
        assert {"Rename folder Blogs", "Rename folder Tech", "Rename folder Tech/Reviews"} <= set(
            commands
        )
        commands["Rename folder Tech/Reviews"]()
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        prompt.query_one("#prompt-input", Input).value = "Tech/Gadgets"
        await pilot.press("enter")
        await ui.settle(pilot)  # the prompt renames in its lane
        assert "folder:Tech/Gadgets" in folder_keys(app)
    assert "Tech/Gadgets" in {f.folder for f in library.feeds()}


async def test_rename_key_on_a_tag_or_a_feed(make_app: Any, library: Library, ui: Helpers) -> None:
    feed = library.feeds()[0]
    library.set_tags([library.articles(limit=1)[0].id], add=["later"])
    app = make_app()
    seen = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        prompt = await rename_with_key(app, pilot, "tag:later")
        assert "Rename tag later" in str(prompt.query_one("#prompt-box").border_title)
        await pilot.press("escape")
        await pilot.pause()
        main(app).feed_list.select_key(f"feed:{feed.id}")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, PromptScreen)
        assert any("Select a folder, tag or saved search to rename it" in s for s in seen)

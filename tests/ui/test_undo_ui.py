"""Pilot tests for undo and redo in the reader: u, U and ctrl+r (issue 18).

Each checks the database (the change taken back or made again), what the
status line says, and that the lists and counts on screen follow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.core.library import Library
from tui.core.models import View
from tui.ui.app import GazetteApp

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

WIDE = (160, 45)


def unread_label(app: GazetteApp, key: str) -> int:
    return next(s.unread for s in app.main.feed_list.sources() if s.key == key)


def unread(ui: Helpers, feed_id: int) -> int:
    count: int = ui.sql("SELECT count(*) FROM articles WHERE feed_id = ? AND read = 0", feed_id)[0][
        0
    ]
    return count


async def test_u_undoes_mark_all_read_and_U_and_ctrl_r_redo(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m = app.main
        feed = next(f for f in library.feeds() if f.title == "inessential.com")
        m.feed_list.select_key(f"feed:{feed.id}")
        await ui.settle(pilot)
        await pilot.press("A")
        await ui.settle(pilot)
        assert unread(ui, feed.id) == 0 and unread_label(app, f"feed:{feed.id}") == 0
        await pilot.press("u")
        await ui.settle(pilot)
        assert unread(ui, feed.id) == feed.total
        assert unread_label(app, f"feed:{feed.id}") == feed.total
        said = f"Undone: marked {feed.total} articles read in inessential.com"
        assert m.status.notice == said
        await pilot.press("U")
        await ui.settle(pilot)
        assert unread(ui, feed.id) == 0 and unread_label(app, f"feed:{feed.id}") == 0
        assert m.status.notice == said.replace("Undone", "Redone")
        await pilot.press("u")
        await ui.settle(pilot)
        await pilot.press("ctrl+r")
        await ui.settle(pilot)
        assert unread(ui, feed.id) == 0
        assert m.status.notice == said.replace("Undone", "Redone")
        await pilot.press("ctrl+r")
        await ui.settle(pilot)
        assert m.status.notice == "Nothing to redo."


async def test_u_with_nothing_to_undo_says_so(make_app: Any, ui: Helpers) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ui.settle(pilot)
        await pilot.press("u")
        await ui.settle(pilot)
        assert app.main.status.notice == "Nothing to undo."


async def test_u_unstars_the_open_article_and_its_header_follows(
    make_app: Any, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m = app.main
        m.article_list.focus()
        await pilot.press("enter")
        await ui.settle(pilot)
        opened = m.pane.article
        assert opened is not None
        await pilot.press("s")
        await ui.settle(pilot)
        assert ui.sql("SELECT starred FROM articles WHERE id = ?", opened.id) == [(1,)]
        await pilot.press("u")
        await ui.settle(pilot)
        assert ui.sql("SELECT starred FROM articles WHERE id = ?", opened.id) == [(0,)]
        assert m.status.notice == "Undone: starred 1 article"
        assert m.pane.article is not None and not m.pane.article.starred
        assert m.article_list.current is not None and not m.article_list.current.starred


async def test_u_brings_back_a_feed_deleted_elsewhere_into_the_feed_list(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    """The history is the database's: a feed removed by the command line comes back."""
    feed = next(f for f in library.feeds() if f.title == "inessential.com")
    total = library.count_articles(View(feed_id=feed.id))
    library.remove_feed(str(feed.id))
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m = app.main
        await ui.settle(pilot)
        assert f"feed:{feed.id}" not in {s.key for s in m.feed_list.sources()}
        await pilot.press("u")
        await ui.settle(pilot)
        assert m.status.notice == f"Undone: deleted feed inessential.com ({total} articles)"
        assert unread_label(app, f"feed:{feed.id}") == total
        assert ui.sql("SELECT count(*) FROM articles WHERE feed_id = ?", feed.id) == [(total,)]


async def test_opening_an_article_is_not_an_action_u_takes_back(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    """Opening marks read, but u then takes back the change made before it (here a star)."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m = app.main
        m.article_list.focus()
        first = m.article_list.current
        assert first is not None and not first.read
        await pilot.press("s")
        await ui.settle(pilot)
        await pilot.press("enter")
        await ui.settle(pilot)
        assert ui.sql("SELECT read, starred FROM articles WHERE id = ?", first.id) == [(1, 1)]
        assert [entry.label for entry in library.history(5)] == ["Starred 1 article"]
        await pilot.press("u")
        await ui.settle(pilot)
        assert m.status.notice == "Undone: starred 1 article"
        assert ui.sql("SELECT read, starred FROM articles WHERE id = ?", first.id) == [(1, 0)]

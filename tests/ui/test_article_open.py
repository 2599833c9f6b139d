"""Pilot tests: how an article opens (issue 15).

The body is prepared in a thread of its own and the screen's paint is held
until it arrives, so the article appears in one frame; a slow body never
holds the screen longer than ``HOLD_AT_MOST``.  Storing a body converted on
its first open is the app's own write, not a change from outside.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from builders import rss_feed, rss_item
from typing_extensions import override

from tui.core import ShownText
from tui.core.library import Library
from tui.ui.app import GazetteApp
from tui.ui.widgets.article_text import ArticleText

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

SIZE = (120, 40)


def screen_text(app: GazetteApp) -> str:
    """What the screen shows now, as text (the screenshot's spaces made plain)."""
    return app.export_screenshot().replace("&#160;", " ")


class SlowLibrary(Library):
    """A library whose article bodies wait until the test lets them go."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.go = threading.Event()

    @override
    def shown_text(self, article_id: int) -> ShownText:
        self.go.wait(timeout=30)
        return super().shown_text(article_id)


async def test_the_body_shows_with_the_article_and_the_paint_is_let_go(
    make_app: Any, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        m = app.main
        await pilot.press("enter")
        await ui.settle(pilot)
        await ui.wait_for(pilot, lambda: not m.pane.loading_body)
        assert m.pane.query(ArticleText)
        assert not m.paint_hold.held
        shot = screen_text(app)
        first_line = m.pane.query(ArticleText).first().laid.content.plain.split("\n")[0]
        assert first_line.strip()[:30] in shot and "Loading…" not in shot


async def test_a_slow_body_lets_the_screen_paint_loading_then_shows(
    db_path: Any, ui: Helpers
) -> None:
    library = SlowLibrary(db_path, clock=ui.clock)
    app = GazetteApp(library, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            m = app.main
            await pilot.press("enter")
            # The body cannot come, yet the hold ends and the screen paints.
            await ui.wait_for(pilot, lambda: not m.paint_hold.held)
            assert m.pane.article is not None and m.pane.loading_body
            assert "Loading…" in screen_text(app)
            library.go.set()
            await ui.wait_for(pilot, lambda: not m.pane.loading_body)
            assert m.pane.query(ArticleText)
    finally:
        library.go.set()
        library.close()


async def test_a_body_converted_on_first_open_is_no_outside_change(
    make_app: Any, library: Library, ui: Helpers, tmp_path: Path
) -> None:
    path = tmp_path / "fresh.xml"
    item = rss_item("f1", "Fresh news", date="Sat, 01 Jun 2024 10:00:00 GMT", body="<p>New.</p>")
    path.write_text(rss_feed(item, title="Fresh"), encoding="utf-8")

    def add() -> None:  # a fetch of its own (asyncio.run): not on the test's loop
        try:
            library.add_feed(str(path))  # stored, not converted yet
            # Read already: opening it writes nothing but the conversion.
            library.set_read([a.id for a in library.articles()], True)
        finally:
            library.release_thread()

    await asyncio.to_thread(add)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        m = app.main
        await ui.settle(pilot)
        article = m.article_list.current
        assert article is not None and article.title == "Fresh news" and article.read
        assert ui.sql("SELECT converted FROM articles WHERE id = ?", article.id) == [(0,)]
        await pilot.press("enter")
        await ui.settle(pilot)
        await ui.wait_for(pilot, lambda: not m.pane.loading_body)
        assert ui.sql("SELECT converted FROM articles WHERE id = ?", article.id) == [(1,)]
        # Nothing else changed the database: the timer has nothing to reload
        # (a reload would also put the cursor back where it was, issue 15).
        assert m.watch_database() is False


async def test_the_body_machinery_is_loaded_soon_after_start(make_app: Any, ui: Helpers) -> None:
    """So that the first article opens as fast as the next (issue 15)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        m = app.main
        await ui.wait_for(pilot, m.bodies.warmed.is_set)
        await pilot.press("enter")
        await ui.wait_for(pilot, lambda: not m.pane.loading_body)
        assert m.pane.query(ArticleText)


async def test_the_paint_is_let_go_only_once_the_body_is_mounted(
    make_app: Any, ui: Helpers
) -> None:
    """The first frame of an article has its text: when the hold ends, the
    body's widgets are mounted, not merely asked for."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        m = app.main
        seen: list[tuple[int, bool]] = []
        release = m.paint_hold.release

        def watched() -> None:
            if m.paint_hold.held:
                texts = list(m.pane.query(ArticleText))
                seen.append((len(texts), all(t.is_mounted for t in texts)))
            release()

        m.paint_hold.release = watched
        await ui.read_down(pilot, 3)
        assert len(seen) == 3
        assert all(count > 0 and mounted for count, mounted in seen), seen


class CountingLibrary(Library):
    """A library that counts the bodies it reads (and converts), by article."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reads: dict[int, int] = {}

    @override
    def shown_text(self, article_id: int) -> ShownText:
        self.reads[article_id] = self.reads.get(article_id, 0) + 1
        return super().shown_text(article_id)


async def test_the_next_articles_are_prepared_while_one_is_read(db_path: Any, ui: Helpers) -> None:
    library = CountingLibrary(db_path, clock=ui.clock)
    app = GazetteApp(library, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            m = app.main
            lst = m.article_list
            await ui.settle(pilot)
            rows = [lst.held_article_at(i) for i in range(3)]
            ids = [a.id for a in rows if a is not None]
            assert len(ids) == 3
            await pilot.press("enter")
            await ui.settle(pilot)
            # Once the first has painted, the two after it are read ahead.
            await ui.wait_for(pilot, lambda: all(library.reads.get(i) == 1 for i in ids))
            await pilot.press("escape", "down", "enter")
            await ui.settle(pilot)
            await ui.wait_for(pilot, lambda: not m.pane.loading_body)
            assert m.pane.article is not None and m.pane.article.id == ids[1]
            assert m.pane.query(ArticleText)
            assert library.reads[ids[1]] == 1  # shown from what was prepared
            # A change of the database makes what was prepared stale.
            await ui.wait_for(pilot, lambda: library.reads.get(ids[2]) == 1)
            m.after_refresh()
            await pilot.press("escape", "down", "enter")
            await ui.settle(pilot)
            await ui.wait_for(pilot, lambda: not m.pane.loading_body)
            assert m.pane.article is not None and m.pane.article.id == ids[2]
            assert library.reads[ids[2]] == 2  # read again
    finally:
        library.close()


async def test_a_body_prepared_ahead_shows_without_waiting_for_the_body_thread(
    db_path: Any, ui: Helpers
) -> None:
    """The open takes a body prepared ahead itself: a body thread still busy
    (another store, another prefetch) does not hold the article back."""
    library = CountingLibrary(db_path, clock=ui.clock)
    app = GazetteApp(library, clock=ui.clock)
    gate = threading.Event()
    try:
        async with app.run_test(size=SIZE) as pilot:
            m = app.main
            lst = m.article_list
            await ui.settle(pilot)
            ids = [a.id for a in (lst.held_article_at(i) for i in range(3)) if a is not None]
            await pilot.press("enter", "escape", "down", "enter")
            await ui.settle(pilot)
            await ui.wait_for(pilot, lambda: library.reads.get(ids[2]) == 1)
            # Read ahead for the width the pane has now (a scroll bar or none
            # changes it by a column: a body laid out for another width is
            # laid out again in the body thread).
            width = m.pane.body_width
            m.bodies.prefetch([ids[2]], (), width)
            await ui.wait_for(pilot, lambda: m.bodies._ahead[ids[2]].width == width)
            pool = m.bodies._pool
            assert pool is not None
            pool.submit(gate.wait, 30)  # the body thread is busy from here on
            await pilot.press("escape", "down", "enter")
            await ui.wait_for(pilot, lambda: not m.pane.loading_body, timeout=5)
            assert m.pane.article is not None and m.pane.article.id == ids[2]
            assert m.pane.query(ArticleText)
            assert not m.paint_hold.held
            assert library.reads[ids[2]] == 1
            gate.set()
            await ui.settle(pilot)
    finally:
        gate.set()
        library.close()


async def test_bodies_prepared_before_a_change_are_prepared_again(
    db_path: Any, ui: Helpers
) -> None:
    library = CountingLibrary(db_path, clock=ui.clock)
    app = GazetteApp(library, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            m = app.main
            lst = m.article_list
            await ui.settle(pilot)
            ids = [a.id for a in (lst.held_article_at(i) for i in range(3)) if a is not None]
            await pilot.press("enter")
            await ui.settle(pilot)
            await ui.wait_for(pilot, lambda: all(library.reads.get(i) == 1 for i in ids[1:]))
            m.after_refresh()  # what was prepared may be stale now
            await ui.settle(pilot)
            await pilot.press("escape", "enter")  # the same article: its neighbours again
            await ui.settle(pilot)
            await ui.wait_for(pilot, lambda: all(library.reads.get(i) == 2 for i in ids[1:]))
            await pilot.press("escape", "down", "enter")
            await ui.settle(pilot)
            await ui.wait_for(pilot, lambda: not m.pane.loading_body)
            assert m.pane.article is not None and m.pane.article.id == ids[1]
            assert library.reads[ids[1]] == 2  # the one prepared again was used
    finally:
        library.close()


class SavingLibrary(Library):
    """A library that notes whether the screen's paint was held at each store."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.held: Callable[[], bool] = lambda: False
        self.saved_while_held: list[bool] = []

    @override
    def save_markdown(self, article_id: int, md: str) -> None:
        self.saved_while_held.append(self.held())
        super().save_markdown(article_id, md)


async def test_a_fresh_conversion_is_stored_after_the_paint(
    db_path: Any, ui: Helpers, tmp_path: Path
) -> None:
    """Storing runs Python for the search index: it must not slow the paint
    of the article it belongs to, prepared ahead or not."""
    path = tmp_path / "fresh.xml"
    items = [
        rss_item(f"f{n}", f"Fresh {n}", date=f"Sat, 01 Jun 2024 1{n}:00:00 GMT", body="<p>N.</p>")
        for n in range(3)
    ]
    path.write_text(rss_feed(*items, title="Fresh"), encoding="utf-8")
    library = SavingLibrary(db_path, clock=ui.clock)

    def add() -> None:
        try:
            library.add_feed(str(path))  # stored, not converted yet
        finally:
            library.release_thread()

    await asyncio.to_thread(add)
    app = GazetteApp(library, clock=ui.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            m = app.main
            await ui.settle(pilot)
            library.held = lambda: m.paint_hold.held
            await ui.read_down(pilot, 3)
            await ui.wait_for(pilot, lambda: len(library.saved_while_held) >= 3)
            assert not any(library.saved_while_held)
    finally:
        library.close()

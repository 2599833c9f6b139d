"""What keeps startup and opening articles cheap (issue 7) still shows the same.

- markdown-it is imported when the first article is opened (Textual's
  ``Markdown`` widget is not used at all), and the dialogs (help, add feed,
  feed settings, confirm, prompt, tag editor) when first shown, not with the
  app; their keys stay remappable.
- The reader's widgets are styled once as they mount: the screen has its
  width class (``-wide`` and so on) before them, so starting does not
  restyle the whole screen a second time (only Textual's own resume does).
- The facade (``tui.core.library``) loads without the refresh pipeline, its
  scheduling rules, export or OPML: each loads when a verb needs it.
- The command line starts the reader with the garbage collector off, and the
  app turns it back on when it settles (the collections before the first
  paint only walked objects the app keeps).
- Reading, starring or noting one article recounts only what it can change
  (its feed, its folders, the smart views); the feed list must then show
  exactly what a full re-read of every feed would.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from textual.dom import DOMNode
from textual.widgets import TextArea

import tui.cli
import tui.ui.app
from tui.core.library import Library
from tui.core.models import View
from tui.ui import collector
from tui.ui.screens.main import MainScreen
from tui.ui.widgets.article_text import ArticleText
from tui.ui.widgets.feed_list import build_sources

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

WIDE = (160, 45)


def _fresh(code: str) -> str:
    """What ``code`` prints in a new interpreter (nothing imported yet)."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_app_imports_without_markdown_or_the_late_dialogs() -> None:
    late = (
        "markdown_it",
        "textual.widgets._markdown",
        "textual.widgets._data_table",
        "tui.ui.screens.help",
        "tui.ui.screens.add_feed",
        "tui.ui.screens.feed_settings",
        "tui.ui.screens.confirm",
        "tui.ui.screens.prompt",
        "tui.ui.screens.tag_editor",
        "tui.ui.screens.tag_completion",
        "tui.ui.screens.dialog",
    )
    code = f"import sys, tui.ui.app\nprint(sorted(m for m in sys.modules if m.startswith({late})))"
    assert _fresh(code) == "[]"


def test_the_reader_starts_without_refreshing_exporting_or_opml_code() -> None:
    late = (
        "tui.core.refresh.pipeline",
        "tui.core.refresh.pool",
        "tui.core.refresh.writebatch",
        "tui.core.refresh.decide",
        "tui.core.export",
        "tui.core.opml",
        "tui.core.importing",
        "xml.etree",
        "email.utils",
    )
    code = (
        "import sys, tui.cli, tui.config, tui.core.library, tui.ui.app\n"
        f"print(sorted(m for m in sys.modules if m.startswith({late})))"
    )
    assert _fresh(code) == "[]"


def test_what_the_facade_loads_late_still_resolves() -> None:
    code = (
        "import tui.core, tui.core.library as lib\n"
        "print(tui.core.Progress is lib.Progress is lib.fetching.Progress,"
        " lib.Progress.__module__)"
    )
    assert _fresh(code) == "True collections.abc"


def test_the_command_line_starts_the_reader_with_the_collector_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[bool] = []

    def run_app(library: Library, **_kw: Any) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(tui.ui.app, "run_app", run_app)
    monkeypatch.setenv("GAZETTE_CONFIG_DIR", str(tmp_path))
    assert tui.cli.main(["--db", str(tmp_path / "g.db")]) == 0
    assert seen == [False]
    assert gc.isenabled()  # back on however the reader ended


async def test_the_app_turns_the_collector_back_on_when_it_settles(
    make_app: Any, ui: Helpers
) -> None:
    app = make_app()
    gc.disable()  # as the command line starts it
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert not gc.isenabled()
            await ui.wait_for(
                pilot, lambda: app.collector.settled, timeout=collector.SETTLE_AFTER + 10
            )
            assert gc.isenabled()
    finally:
        gc.enable()


def test_bindings_of_dialogs_not_yet_opened_can_be_remapped() -> None:
    code = (
        "import tui.ui.app\nfrom tui.ui.keys import known_binding_ids as k\nids = k()\n"
        + "print(sorted(ids & {'help.close', 'add_feed.cancel', 'feed_settings.cancel',"
        + " 'confirm.yes', 'prompt.cancel', 'tags.close'}))"
    )
    assert _fresh(code) == (
        "['add_feed.cancel', 'confirm.yes', 'feed_settings.cancel', 'help.close',"
        " 'prompt.cancel', 'tags.close']"
    )


@pytest.mark.parametrize("size", [(160, 45), (120, 40), (80, 24)])
async def test_starting_restyles_the_reader_screen_once(
    make_app: Any, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    restyled: list[DOMNode] = []
    original = DOMNode.update_node_styles

    def counted(node: DOMNode, animate: bool = True) -> None:
        if isinstance(node, MainScreen):
            restyled.append(node)
        original(node, animate)

    monkeypatch.setattr(DOMNode, "update_node_styles", counted)
    app = make_app()
    async with app.run_test(size=size):
        m = app.main
        layout = "-wide" if size[0] >= 150 else "-medium" if size[0] >= 100 else "-narrow"
        assert m.has_class(layout)
        assert len(restyled) == 1  # Textual's ScreenResume; the width class added none


def _full_sources(app: Any, library: Library) -> list[Any]:
    m = app.main
    return [
        s
        for _p, s in build_sources(
            library.feeds(), library.smart_counts(), library.tags(), m.searches
        )
    ]


async def _open_in(pilot: Any, ui: Helpers, key: str) -> Any:
    """Show a source's articles and open the first unread one."""
    m = pilot.app.main
    m.feed_list.select_key(key)
    await pilot.pause()
    lst = m.article_list
    await ui.wait_for(pilot, lambda: lst.count > 0 and lst.current is not None)
    while lst.current is not None and lst.current.read:
        lst.action_cursor(1)
    article = lst.current
    assert article is not None and not article.read
    lst.focus()
    await pilot.press("enter")
    await ui.settle(pilot)
    return article


async def test_opening_starring_and_toggling_counts_match_a_full_recount(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m = app.main
        nested = next(f for f in library.feeds() if f.folder == "Tech/Reviews")
        loose = next(f for f in library.feeds() if not f.folder)
        for feed in (nested, loose):
            before = library.count_articles(View(feed_id=feed.id, unread=True))
            article = await _open_in(pilot, ui, f"feed:{feed.id}")
            assert m.pane.query(ArticleText)  # the body renders (markdown-it imported on demand)
            assert library.count_articles(View(feed_id=feed.id, unread=True)) == before - 1
            assert m.feed_list.sources() == _full_sources(app, library)
            await pilot.press("s")  # star the open article
            assert m.feed_list.sources() == _full_sources(app, library)
            await pilot.press("m")  # unread again
            assert m.feed_list.sources() == _full_sources(app, library)
            m.notes.query_one(TextArea).insert("A note.")
            assert m.notes.flush()  # saved: the Noted count follows
            await pilot.pause()
            assert m.feed_list.sources() == _full_sources(app, library)
            assert library.article(article.id).starred and not library.article(article.id).read
        noted = next(s for s in m.feed_list.sources() if s.key == "smart:noted")
        assert noted.unread == 2
        tech = next(s for s in m.feed_list.sources() if s.key == "folder:Tech")
        assert tech.unread == sum(f.unread for f in library.feeds() if f.folder == "Tech/Reviews")
        # The header of a feed being shown follows its count too.
        assert m.source is not None and m.source.key == f"feed:{loose.id}"
        assert m.source == next(s for s in m.feed_list.sources() if s.key == m.source.key)


async def test_tagged_articles_recount_their_tags(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    feed = next(f for f in library.feeds() if f.folder == "News")
    first = library.articles(View(feed_id=feed.id, unread=True), limit=1)[0]
    library.set_tags([first.id], add=["later"])
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m = app.main
        tag = next(s for s in m.feed_list.sources() if s.key == "tag:later")
        assert tag.unread == 1
        await _open_in(pilot, ui, "tag:later")
        assert m.feed_list.sources() == _full_sources(app, library)
        tag = next(s for s in m.feed_list.sources() if s.key == "tag:later")
        assert tag.unread == 0 and tag.total == 1


def test_warming_up_loads_what_the_first_article_needs() -> None:
    """``Bodies.warm`` (a second after start) loads what the app left out at startup."""
    code = (
        "import sys, tui.ui.app\n"
        "before = {m for m in ('markdown_it', 'bs4', 'markdownify') if m in sys.modules}\n"
        "from tui.ui.screens.bodies import _warm_up\n_warm_up()\n"
        "after = {m for m in ('markdown_it', 'bs4', 'markdownify') if m in sys.modules}\n"
        "print(sorted(before), sorted(after))"
    )
    assert _fresh(code) == "[] ['bs4', 'markdown_it', 'markdownify']"

"""The reader screen: feed list, article list, article pane, notes, status.

Why the keys live here and not on the App: App bindings also fire under
modal screens (a "d" typed at the help screen would open a delete dialog),
while Screen bindings apply only when this screen is active.  Actions that
are app-wide (refresh, add, delete, help, quit) are ``app.*`` actions.

Layout by width: three panes from ``WIDE`` columns up (the article pane
once an article is open; until then the list has its room); below that the
list shares the screen with the feeds while browsing and with the article
while reading; below ``MEDIUM`` the article takes the whole screen when open.
Only what is on screen takes keys: the notes panel holds the note of the
article in the pane and is disabled while hidden (``_sync_panes``).

The database can change under the running app (``gazette`` in another
terminal, cron): ``watch_database`` polls SQLite's ``data_version`` and
redraws counts, the list and the open article when it moves.

Search, tags and saved searches (issue 4): ``/`` opens the search box above
the article list, whose results replace the list until escape restores the
view that was there; saved searches and tags are sources in the feed list
that list their articles through the same query path.  The dialogs that
change them (tag editor, prompts, confirmations) call back here so every
count, marker and header is redrawn at once.

How the screen is built: ``MainScreen`` is a stack of layers, each a module
of one concern, so that a flow can be read (and changed) on its own while
every ``action_*`` and message handler stays on the screen, where Textual's
bindings and ``@on`` dispatch look for them:

* ``panes.PanesBase``: state, widgets, which pane shows and takes keys;
* ``sources.SourcesBase``: counts, sources, the list header;
* ``reading.ReadingBase``: opening articles, read/star, refresh redraws;
* beside each other on those: ``navigation``, ``noting``, ``linking``,
  ``searching``, ``tagging``, ``folders`` and ``fulltext``; ``undoing`` and
  ``ruling`` (the Rules screen, the Hidden view's "hidden by") on top.

This module composes the widgets, routes the panes' events, and holds the
keys whose meaning depends on the selected source, and the palette commands.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Tree

from tui.core import plural
from tui.ui import image_support, safe
from tui.ui.screens.bindings import BINDINGS
from tui.ui.screens.bodies import WARM_AFTER
from tui.ui.screens.folders import FolderFlows
from tui.ui.screens.fulltext import FullTextActions
from tui.ui.screens.linking import LinkActions
from tui.ui.screens.navigation import Navigation
from tui.ui.screens.noting import NoteActions
from tui.ui.screens.reading import WATCH_EVERY
from tui.ui.screens.ruling import RuleFlows
from tui.ui.screens.searching import SearchFlows
from tui.ui.screens.tagging import TagFlows
from tui.ui.screens.undoing import UndoActions
from tui.ui.widgets.article_image import Pictures
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.article_pane import ArticlePane
from tui.ui.widgets.feed_list import FeedList, Source
from tui.ui.widgets.key_footer import KeyFooter
from tui.ui.widgets.list_header import FeedErrorBanner, ListTitle
from tui.ui.widgets.notes import NotesPanel
from tui.ui.widgets.search_bar import SearchBar
from tui.ui.widgets.status_bar import StatusBar

__all__ = ["MainScreen", "PaletteCommand"]

#: A palette command: (name, help text, what it runs).
PaletteCommand = tuple[str, str, Callable[[], object]]


class MainScreen(
    Navigation,
    NoteActions,
    LinkActions,
    SearchFlows,
    TagFlows,
    FolderFlows,
    FullTextActions,
    RuleFlows,
    UndoActions,
):
    """Everything the reader shows; the keys of the issue are bound here."""

    BINDINGS: ClassVar[list[BindingType]] = BINDINGS

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No reader action runs once quitting has begun (keys may still arrive).

        "Open" and "Back" are offered only where they do something, which also
        keeps the footer short.
        """
        if getattr(self.app, "quitting", False):
            return False
        if action == "open":
            return isinstance(self.focused, (FeedList, ArticleList))
        if action == "back":
            return not isinstance(self.focused, FeedList)
        return True

    # -- widgets ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The width class first, so that the widgets are styled once, as they
        # mount: set in on_mount, it restyled the whole screen again (about a
        # tenth of the startup's CPU time before the first paint).
        self._set_width_class(self.app.size.width, update=False)
        with Horizontal(id="panes"):
            yield FeedList(id="feeds").data_bind(counts=MainScreen.tally)
            with Vertical(id="list-pane"):
                yield ListTitle(id="list-title").data_bind(header=MainScreen.list_header)
                yield FeedErrorBanner(id="feed-error").data_bind(header=MainScreen.list_header)
                yield SearchBar(self.library, id="search")
                yield ArticleList(self.library, lane=self.lane, clock=self.clock, id="articles")
            with Vertical(id="reader"):
                yield ArticlePane(id="article")
                yield NotesPanel(
                    self._save_note,
                    lane=self.lane,
                    quiet=self._own_write_clean,
                    clock=self.clock,
                    id="notes",
                )
        yield StatusBar(id="status").data_bind(
            counts=MainScreen.tally, header=MainScreen.list_header
        )
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Paint straight away: the first page of All, then feeds and counts as they come.

        All is always the first source, so the list need not wait for the
        counts, which are read in the lane and fill the feed list when ready.
        """
        if self.reading_config.article_width > 0:
            self.query_one("#article-body").styles.max_width = self.reading_config.article_width
        drawn = image_support.mode(self.reading_config.images)
        if drawn != "off":
            self.query_one(ArticlePane).pictures = Pictures(self.library, drawn)
            self.bodies.images = True
        self._layout(self.app.size.width)
        self._seen_version = self.library.data_version()
        self.set_interval(WATCH_EVERY, self.watch_database, name="watch-database")
        self.set_timer(WARM_AFTER, self.bodies.warm, name="warm-bodies")
        self.refresh_counts()
        self.feed_list.load((), {})
        self.show_source(self.feed_list.sources()[0])
        self.article_list.focus()

    def on_resize(self, event: events.Resize) -> None:
        self._layout(event.size.width)

    # -- events from the panes ----------------------------------------------------

    @on(Tree.NodeHighlighted, "#feeds")
    def _feed_highlighted(self, event: Tree.NodeHighlighted[Source]) -> None:
        source = event.node.data
        if source is None or source.kind == "section":
            return
        if self.source is None or source.key != self.source.key:
            self.show_source(source)

    @on(FeedList.Chosen)
    def _feed_chosen(self, event: FeedList.Chosen) -> None:
        if event.source is not None and event.source.kind == "section":
            return
        if event.source is not None and (
            event.source is not self.source or self.search_bar.is_open
        ):
            self.show_source(event.source)
        self.article_list.focus()

    @on(ArticleList.Open)
    def _list_open(self, event: ArticleList.Open) -> None:
        self.open_article(event.article)

    @on(FeedList.RenameRequested)
    def _rename_requested(self, message: FeedList.RenameRequested) -> None:
        """The feed list's rename key: a folder, a tag or a saved search."""
        source = message.source
        if source is not None and source.kind == "folder" and source.view.folder:
            self.rename_folder(source.view.folder)
        elif source is not None and source.kind == "tag":
            self.rename_tag(source.title)
        elif source is not None and source.kind == "search" and source.search_id is not None:
            self.rename_search(source.search_id, source.title)
        else:
            self.app.notify(
                "Select a folder, tag or saved search to rename it "
                "(a feed's title is in Feed settings).",
                markup=False,
            )

    # -- context-dependent keys ---------------------------------------------------

    async def action_delete_selected(self) -> None:
        """d: delete what the feed list has selected (a tag, a saved search or a feed)."""
        source = self.source
        if source is not None and source.kind == "tag":
            self.delete_tag(source.title)
        elif source is not None and source.kind == "search" and source.search_id is not None:
            self.delete_search(source.search_id, source.title)
        else:
            await self.run_action("app.delete_feed")

    async def action_refresh_selected(self) -> None:
        """r: a tag or saved search spans feeds, so it refreshes them all."""
        source = self.source
        if source is not None and source.kind in ("tag", "search"):
            await self.run_action("app.refresh_all")
        else:
            await self.run_action("app.refresh_selected")

    def current_query(self) -> str | None:
        """The search the list shows (the box's, or a saved search's), if any."""
        query = self.article_list.search_query
        if query is None or not query.strip() or self.article_list.notice:
            return None
        return query

    def palette_commands(self) -> list[PaletteCommand]:
        """Commands beyond the key bindings: save the search, and per tag or search ones.

        The palette parses help texts as markup, so they never quote user
        text; names (which do) are shown as ``Content`` by the provider.
        """
        out: list[PaletteCommand] = []
        if self.search_bar.is_open and self.search_bar.value.strip():
            out.append(("Save search", "Save the query in the box (ctrl+s)", self.save_search))
        if self.pane.article is not None:
            out.append(
                (
                    "Feed's text" if self.pane.full_text else "Full article",
                    "Show the feed's own text again (F)"
                    if self.pane.full_text
                    else "Fetch the full article from its page (F)",
                    self.action_full_text,
                )
            )
        export = getattr(self.app, "export_notes", None)
        if callable(export):
            out.append(
                (
                    "Export notes",
                    "Write every note as a Markdown file into the export folder",
                    partial(export),
                )
            )
            out.append(
                (
                    "Export notes (force)",
                    "Export, overwriting generated blocks edited by hand",
                    partial(export, force=True),
                )
            )
            query = self.current_query()
            if query is not None:
                out.append(
                    (
                        "Export notes matching the current search",
                        "Export only the noted articles the list shows",
                        partial(export, query=query),
                    )
                )
        for source in self.feed_list.sources():
            if source.kind == "folder" and source.view.folder:
                out.append(
                    (
                        f"Rename folder {safe.clean(source.view.folder)}",
                        "Rename or merge the folder; its feeds and subfolders move with it",
                        partial(self.rename_folder, source.view.folder),
                    )
                )
        for tag in self.tags:
            name = tag.name
            shown = safe.clean(name)
            out.append(
                (f"Rename tag {shown}", "Rename the tag everywhere", partial(self.rename_tag, name))
            )
            out.append(
                (
                    f"Delete tag {shown}",
                    f"Remove it from {plural(tag.articles, 'article')} (asks first)",
                    partial(self.delete_tag, name),
                )
            )
        for saved in self.searches:
            shown = safe.clean(saved.name)
            sid = saved.id
            out.append(
                (
                    f"Rename saved search {shown}",
                    "Give the saved search another name",
                    partial(self.rename_search, sid, saved.name),
                )
            )
            out.append(
                (
                    f"Edit saved search {shown}",
                    "Change the query of the saved search",
                    partial(self.edit_search, sid, saved.name, saved.query),
                )
            )
            out.append(
                (
                    f"Delete saved search {shown}",
                    "Delete it (asks first; no article is deleted)",
                    partial(self.delete_search, sid, saved.name),
                )
            )
        return out

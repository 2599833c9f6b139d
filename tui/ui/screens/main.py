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
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static, TextArea, Tree
from textual.worker import get_current_worker

from tui.core import folders
from tui.core.errors import GazetteError, NotFound
from tui.core.library import Library
from tui.core.models import Article, Feed, View
from tui.core.search import SavedSearch, compile_query, match_snippet, parse_query
from tui.core.tags import TagCount
from tui.ui import safe
from tui.ui.messages import ArticleBody
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.prompt import PromptScreen
from tui.ui.screens.tag_editor import TagEditorScreen
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.article_pane import (
    ArticlePane,
    BodyMatch,
    link_allowed,
    prepare_body,
)
from tui.ui.widgets.feed_list import FeedList, Source, tag_key
from tui.ui.widgets.notes import NotesPanel, quote_block
from tui.ui.widgets.search_bar import SearchBar
from tui.ui.widgets.status_bar import StatusBar

#: A palette command: (name, help text, what it runs).
PaletteCommand = tuple[str, str, Callable[[], object]]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class SearchCounts(Message):
    """Saved searches re-counted by a worker (their unread counts for the feed list)."""

    def __init__(self, searches: list[SavedSearch]) -> None:
        super().__init__()
        self.searches = searches


WIDE = 150
MEDIUM = 100
#: Seconds between looks at whether another program changed the database.
WATCH_EVERY = 2.0


def _b(key: str, action: str, description: str, bid: str, tip: str, show: bool = False) -> Binding:
    return Binding(key, action, description, show=show, id=bid, tooltip=tip)


class MainScreen(Screen[None]):
    """Everything the reader shows; the keys of the issue are bound here."""

    BINDINGS: ClassVar[list[BindingType]] = [
        _b("q", "app.quit_app", "Quit", "quit", "Save the note and quit", True),
        _b("question_mark", "app.help", "Keys", "help", "Show every key", True),
        _b("enter,l", "open", "Open", "open", "Open the article or view", True),
        _b("escape,h", "back", "Back", "back", "Go back one pane", True),
        _b("tab", "cycle(1)", "Next pane", "next_pane", "Move to the next pane"),
        _b("shift+tab", "cycle(-1)", "Previous pane", "previous_pane", "Move to the previous pane"),
        _b("g", "top", "Top", "top", "Go to the top"),
        _b("G", "bottom", "Bottom", "bottom", "Go to the bottom"),
        _b(
            "n",
            "next_unread(1)",
            "Next unread",
            "next_unread",
            "Open the next unread in this view",
            True,
        ),
        _b(
            "N",
            "next_unread(-1)",
            "Previous unread",
            "previous_unread",
            "Open the previous unread in this view",
        ),
        _b("space", "page", "Page", "page", "Scroll the article; at its end open the next unread"),
        _b("m", "toggle_read", "Read/unread", "toggle_read", "Toggle read"),
        _b("A", "mark_all_read", "All read", "mark_all_read", "Mark everything in the view read"),
        _b("u", "undo", "Undo", "undo", "Undo marking the view read"),
        _b("s", "star", "Star", "star", "Star or unstar the article", True),
        _b("o", "open_link", "Browser", "open_link", "Open the article's link in the browser"),
        _b("y", "copy_link", "Copy link", "copy_link", "Copy the article's link"),
        # Numbered links: the [N] after a link in the article, listed at its end.
        _b("L", "link_number('open')", "Open link N", "open_link_number", "Open link N (asks N)"),
        _b("Y", "link_number('copy')", "Copy link N", "copy_link_number", "Copy link N (asks N)"),
        _b("O", "flip_order", "Flip order", "flip_order", "Newest or oldest first in this view"),
        _b("slash", "search", "Search", "search", "Search articles as you type"),
        _b("t", "tag", "Tags", "tag", "Edit the article's tags"),
        _b("T", "tag_view", "Tag view", "tag_view", "Edit the tags of every article in the view"),
        _b("r", "refresh_selected", "Refresh", "refresh", "Refresh the selected feed", True),
        _b("R", "app.refresh_all", "Refresh all", "refresh_all", "Refresh every feed"),
        _b(
            "x",
            "app.stop_refresh",
            "Stop refresh",
            "stop_refresh",
            "Stop the running refresh, keeping what arrived",
        ),
        _b("e", "edit_note", "Note", "edit_note", "Write a note on the article", True),
        _b("E", "toggle_notes", "Notes panel", "toggle_notes", "Show or hide the notes panel"),
        _b(
            "Q",
            "quote_to_note",
            "Quote to note",
            "quote_to_note",
            "Quote the paragraph or selection in the note",
        ),
        _b("a", "app.add_feed", "Add feed", "add_feed", "Subscribe to a feed"),
        _b(
            "d",
            "delete_selected",
            "Delete",
            "delete_feed",
            "Delete the selected feed, tag or saved search",
        ),
    ]

    def __init__(self, library: Library, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(id="main")
        self.library = library
        self.clock = clock
        self.source: Source | None = None
        self.feeds: dict[int, Feed] = {}
        self.counts: dict[str, int] = {}
        self._undo: list[int] = []
        #: What the list showed when the search box opened: (source, article under the cursor).
        self._before_search: tuple[Source | None, Article | None] | None = None
        #: Whether the list holds the search box's results (not the view it replaced).
        self._results_shown = False
        self.tags: list[TagCount] = []
        #: Saved searches with their unread counts (as last counted by the worker).
        self.searches: list[SavedSearch] = []
        #: The order of a view flipped with O (by source key), kept for the session.
        self._order: dict[str, bool] = {}
        #: The order of every other view (the ``[reading] sort`` setting).
        self.newest_first_default = True
        #: SQLite's data_version as of the last reload (see watch_database).
        self._seen_version = 0

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

    # -- widgets ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield FeedList(id="feeds")
            with Vertical(id="list-pane"):
                yield Static(id="list-title")
                yield Static(id="feed-error")
                yield SearchBar(self.library, id="search")
                yield ArticleList(self.library, clock=self.clock, id="articles")
            with Vertical(id="reader"):
                yield ArticlePane(id="article")
                yield NotesPanel(self._save_note, clock=self.clock, id="notes")
        yield StatusBar(id="status")
        yield Footer(compact=True)

    @property
    def feed_list(self) -> FeedList:
        return self.query_one("#feeds", FeedList)

    @property
    def article_list(self) -> ArticleList:
        return self.query_one("#articles", ArticleList)

    @property
    def pane(self) -> ArticlePane:
        return self.query_one("#article", ArticlePane)

    @property
    def notes(self) -> NotesPanel:
        return self.query_one("#notes", NotesPanel)

    @property
    def status(self) -> StatusBar:
        return self.query_one("#status", StatusBar)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one("#search", SearchBar)

    def on_mount(self) -> None:
        """Paint from SQLite straight away: feeds, counts and the first page of All."""
        self.query_one("#feed-error").display = False
        self._layout(self.app.size.width)
        self._seen_version = self.library.data_version()
        self.set_interval(WATCH_EVERY, self.watch_database, name="watch-database")
        self.refresh_counts()
        sources = self.feed_list.sources()
        if sources:
            self.show_source(sources[0])
        self.article_list.focus()

    def on_resize(self, event: events.Resize) -> None:
        self._layout(event.size.width)

    def _layout(self, width: int) -> None:
        self.set_class(width >= WIDE, "-wide")
        self.set_class(MEDIUM <= width < WIDE, "-medium")
        self.set_class(width < MEDIUM, "-narrow")
        self._sync_panes()

    @property
    def reading(self) -> bool:
        return self.has_class("-reading")

    def _set_reading(self, reading: bool) -> None:
        self.set_class(reading, "-reading")
        self._sync_panes()

    @property
    def reader_shown(self) -> bool:
        """Whether the article pane is on screen, by the layout rules of ``app.tcss``.

        Worked out from the classes rather than read from the styles, which
        Textual applies only after the key being handled: three panes show
        the article pane once an article is open, fewer panes while reading.
        """
        if self.has_class("-wide"):
            return self.pane.article is not None
        return self.reading

    @property
    def notes_shown(self) -> bool:
        """Whether the notes panel is on screen (and so may take focus and keys)."""
        return self.reader_shown and self.has_class("-notes") and self.pane.article is not None

    def _sync_panes(self) -> None:
        """Keep what may take keys in step with what is on screen.

        Why: a notes editor left focused after its pane was hidden took the
        user's typing into a note nobody could see (issue 13).  The notes
        panel is told whether it shows: hidden, it saves its note to its own
        article and its editor cannot be focused; focus it had moves to a
        pane on screen.  The ``-open`` class lets three panes give the list
        the article pane's room until an article is open.
        """
        self.set_class(self.pane.article is not None, "-open")
        shown = self.notes_shown
        focused = self.focused
        if not shown and focused is not None and self.notes in focused.ancestors_with_self:
            (self.pane if self.reader_shown else self.article_list).focus()
        self.notes.set_shown(shown)

    def close_article(self) -> None:
        """Close the open article: its note is saved to it, the pane and notes empty.

        The notes panel is unbound (nothing can be typed into it) until the
        next article opens and binds it to that article.  Focus in the
        article or its note moves to the list.
        """
        focused = self.focused
        if focused is not None and self.query_one("#reader") in focused.ancestors_with_self:
            self.article_list.focus()
        self.notes.flush()
        self.pane.clear()
        self.notes.load(None, "")
        self._set_reading(False)

    # -- data ---------------------------------------------------------------

    def refresh_counts(self) -> None:
        """Re-read feeds and counts; every count on screen changes together.

        Saved searches' unread counts are full-text counts (tens of ms each on
        a large cache), so they are re-counted in a thread worker and drawn
        when ready; until then the feed list shows the previous numbers.
        """
        feeds = self.library.feeds()
        self.feeds = {f.id: f for f in feeds}
        self.counts = self.library.smart_counts()
        self.tags = self.library.tags()
        self._load_feed_list()
        self.article_list.empty_text = (
            "No articles here." if feeds else "No feeds yet. Press a to add one."
        )
        self._count_searches()

    def _recount_article(self, article: Article) -> None:
        """One article was read, starred or noted: recount what that can change.

        That is its feed's unread count, the smart views, the tags (when any
        can be involved) and the saved searches (in the worker), which is
        what ``refresh_counts`` would change, without re-reading every feed
        (tens of milliseconds with thousands of feeds, on every article
        opened).  Anything unexpected falls back to ``refresh_counts``.
        """
        feed = self.feeds.get(article.feed_id)
        if feed is None:
            self.refresh_counts()
            return
        unread = self.library.count_articles(View(feed_id=feed.id, unread=True))
        feed = replace(feed, unread=unread)
        self.feeds[feed.id] = feed
        self.counts = self.library.smart_counts()
        if self.tags or article.tags or feed.tags:
            tags = self.library.tags()
            if tags != self.tags:
                self.tags = tags
                self._load_feed_list()
                self._count_searches()
                return
        if not self.feed_list.update_feed(feed, self.counts):
            self._load_feed_list()
            self._count_searches()
            return
        current = self.feed_list.current
        if current is not None and self.source is not None and current.key == self.source.key:
            self.source = current
        self._show_source_header()
        self.status.set_counts(self.counts, self.article_list.count)
        self._count_searches()

    def _load_feed_list(self) -> None:
        self.feed_list.load(self.feeds.values(), self.counts, self.tags, self.searches)
        current = self.feed_list.current
        if current is not None and self.source is not None and current.key == self.source.key:
            self.source = current
        self._show_source_header()
        self.status.set_counts(self.counts, self.article_list.count)

    @work(thread=True, exclusive=True, group="search-counts", exit_on_error=False)
    def _count_searches(self) -> None:
        """Count each saved search's unread articles off the UI thread."""
        worker = get_current_worker()
        try:
            searches = self.library.saved_searches()
        except Exception:  # a count is not worth a crash; the old numbers stay
            return
        finally:
            self.library.release_thread()
        if not worker.is_cancelled:
            self.post_message(SearchCounts(searches))

    def on_search_counts(self, message: SearchCounts) -> None:
        if message.searches != self.searches:
            self.searches = message.searches
            self._load_feed_list()

    def show_source(self, source: Source) -> None:
        """Show a smart view, folder, feed, saved search or tag in the article list.

        Choosing another source while searching ends the search.
        """
        if self.search_bar.is_open:
            self._end_search()
        self.source = source
        self._show_rows(source)
        if self.article_list.count == 0 and self.pane.article is not None:
            self.close_article()  # nothing here to have open

    def _show_rows(self, source: Source) -> None:
        """List a source's articles from the top, in the order chosen for it."""
        if source.query is not None:
            self.article_list.show_query(source.query, terms=self._terms(source.query))
        else:
            newest_first = self._order.get(source.key, self.newest_first_default)
            self.article_list.show(source.view, newest_first=newest_first)
        self._show_source_header()
        self.status.set_counts(self.counts, self.article_list.count)

    def _terms(self, query: str) -> tuple[str, ...]:
        """The words a saved search highlights (tags alone highlight nothing)."""
        q = parse_query(query)
        if q.error or not q.has_words:
            return ()
        try:
            return compile_query(q, int(self.clock())).highlight_terms
        except (GazetteError, ValueError, OverflowError, OSError):
            return ()

    def _show_source_header(self) -> None:
        source = self.source
        lst = self.article_list
        if self._results_shown:
            if lst.notice:
                title = "Search"
            else:
                order = "best first" if lst.terms else "newest first"
                title = f"Search · {lst.count} · {order}"
            self.query_one("#list-title", Static).update(Content(title))
            self.query_one("#feed-error", Static).display = False
            return
        if source is None:
            return
        if lst.searching:
            order = "best first" if lst.terms else "newest first"
        else:
            order = "newest first" if lst.newest_first else "oldest first"
        title = safe.clean(source.title) or "(untitled)"
        if source.kind == "tag":
            title = "#" + title
        self.query_one("#list-title", Static).update(Content(f"{title} · {lst.count} · {order}"))
        banner = self.query_one("#feed-error", Static)
        error = source.error
        banner.display = bool(error)
        if error:
            banner.update(Content(f"! Last refresh failed: {safe.clean(error)}"))

    def refresh_live(self) -> None:
        """During a refresh: recount, and show new articles if the view grew."""
        self.refresh_counts()
        lst = self.article_list
        if lst.source_count() != lst.count - len(lst.gone_rows):
            lst.reload(keep=lst.current)
            self._show_source_header()
            self.status.set_counts(self.counts, lst.count)

    def after_refresh(self) -> None:
        """New articles arrived: recount, and reload the list keeping the cursor's article.

        What is shown is now up to date, so the database's version is noted:
        the refresh's own writes do not make ``watch_database`` reload again.
        """
        self.refresh_counts()
        self.article_list.reload(keep=self.article_list.current)
        self._show_source_header()
        self.status.set_counts(self.counts, self.article_list.count)
        self._seen_version = self.library.data_version()

    def watch_database(self) -> bool:
        """Timer: reload when another program (the CLI, cron) changed the database.

        SQLite's ``data_version`` on the UI thread's connection (a few
        microseconds, no table read) changes when any other connection
        commits, this app's own worker threads included.  While a worker
        runs nothing is reloaded (a refresh redraws when it ends), and each
        reload notes the version it saw, so an outside change costs one
        reload, not one per tick.  Returns whether it reloaded (for tests).
        """
        if getattr(self.app, "quitting", False):
            return False
        if any(worker.is_running for worker in self.app.workers):
            return False
        if self.library.data_version() == self._seen_version:
            return False
        self.after_refresh()
        self._reload_open()
        return True

    def _reload_open(self) -> None:
        """The open article after an outside change: its header, its note, or gone."""
        article = self.pane.article
        if article is None:
            return
        try:
            fresh = self.library.article(article.id)
        except NotFound:  # removed by the CLI (remove, cleanup)
            self.close_article()
            return
        self.pane.update_header(fresh)
        note = self.library.note(fresh.id)
        if not self.notes.dirty and (note.body if note else "") != self.notes.text:
            self._load_note(fresh)  # written with `gazette note` while shown here

    def feed_removed(self, feed_id: int) -> None:
        """A feed is gone: close its article, rebuild the tree, show All."""
        article = self.pane.article
        if article is not None and article.feed_id == feed_id:
            self.close_article()
        self.refresh_counts()
        sources = self.feed_list.sources()
        if sources:
            self.feed_list.select_key(sources[0].key)
            self.show_source(sources[0])
        self.article_list.focus()

    def select_feed(self, feed_id: int) -> None:
        """Move to a feed (after adding it)."""
        self.refresh_counts()
        key = f"feed:{feed_id}"
        self.feed_list.select_key(key)
        for source in self.feed_list.sources():
            if source.key == key:
                self.show_source(source)

    def _apply(self, article: Article) -> None:
        """An article changed state: show it everywhere and recount."""
        self.article_list.replace_article(article)
        self.pane.update_header(article)
        self._recount_article(article)

    def _save_note(self, article_id: int, body: str) -> None:
        self.library.save_note(article_id, body)

    @on(NotesPanel.Saved)
    def _note_saved(self, event: NotesPanel.Saved) -> None:
        article = self.library.article(event.article_id)
        self._apply(article)

    # -- events from the panes ------------------------------------------------

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

    def on_article_body(self, message: ArticleBody) -> None:
        self.pane.show_body(message.article_id, message.chunks, message.error, message.links)

    def on_body_match(self, message: BodyMatch) -> None:
        self.pane.show_match(message.article_id, message.snippet)

    # -- opening articles ---------------------------------------------------

    def open_article(self, article: Article) -> None:
        """Show an article, mark it read and load its note; the body loads in a thread."""
        if not article.read:
            self.library.mark_read([article.id], True)
            article = replace(article, read=True)
            self.article_list.replace_article(article)
            self._recount_article(article)
        terms = self.article_list.terms
        self.pane.show_article(article, terms)
        self._load_note(article)
        self.notes.query_one(TextArea).placeholder = Content("Write a note (Markdown)…")
        self._set_reading(True)
        if not self.notes.has_focus_within:
            self.pane.focus()
        self._load_body(article.id, terms)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _load_body(self, article_id: int, terms: tuple[str, ...] = ()) -> None:
        """Convert (if not done yet) and split the Markdown off the UI thread.

        With search terms it also finds the body snippet that shows them.
        """
        worker = get_current_worker()
        try:
            md = safe.clean_block(self.library.markdown(article_id))
            chunks, links = prepare_body(md)
            snippet = match_snippet(md, terms) if terms else ""
            # The pane's Markdown widget is imported on first use; the first
            # time, do it here rather than on the UI thread when mounting.
            import textual.widgets._markdown  # noqa: F401
        except Exception as exc:  # shown in the pane; never kills the app
            if not worker.is_cancelled:
                self.post_message(ArticleBody(article_id, [], error=safe.clean(str(exc))))
            return
        finally:
            self.library.release_thread()
        if not worker.is_cancelled:
            if snippet:
                self.post_message(BodyMatch(article_id, snippet))
            self.post_message(ArticleBody(article_id, chunks, links=links))

    def _load_note(self, article: Article) -> None:
        note = self.library.note(article.id)
        self.notes.load(
            article.id,
            note.body if note else "",
            article.title,
            created=note.created if note else None,
            updated=note.updated if note else None,
        )

    def target(self) -> Article | None:
        """The article keys act on: the open one when reading, else the list's."""
        focused = self.focused
        in_reader = focused is not None and (
            focused is self.pane or self.query_one("#reader") in focused.ancestors
        )
        if self.pane.article is not None and (in_reader or self.reading):
            return self.pane.article
        return self.article_list.current

    # -- actions: moving around ---------------------------------------------

    def _visible_panes(self) -> list[Widget]:
        """The panes on screen, in tab order: every ancestor displayed, not just the parent."""
        panes: list[Widget] = [self.feed_list, self.article_list]
        if self.reader_shown:
            panes.append(self.pane)
        if self.notes_shown:
            panes.append(self.notes.query_one("TextArea"))
        return [p for p in panes if all(n.display for n in p.ancestors_with_self if n is not self)]

    def action_cycle(self, step: int) -> None:
        """Tab and shift+tab: move between the panes on screen."""
        panes = [p for p in self._visible_panes() if p.focusable]
        if not panes:
            return
        focused = self.focused
        if focused is not None and self.search_bar in focused.ancestors:
            focused = self.article_list if step > 0 else self.feed_list  # the box sits between
            if focused in panes:
                focused.focus()
                return
        index = next((i for i, p in enumerate(panes) if p is focused), -1)
        panes[(index + step) % len(panes)].focus()

    def action_open(self) -> None:
        focused = self.focused
        if focused is self.feed_list:
            self.article_list.focus()
        elif focused is self.article_list:
            article = self.article_list.current
            if article is not None:
                self.open_article(article)

    def action_back(self) -> None:
        """Escape: from the note to the article, from the article to the list.

        Leaving the article hides it below three panes; its note is then
        saved and takes no keys (``_sync_panes``) until it shows again.
        """
        focused = self.focused
        if focused is not None and self.notes in focused.ancestors:
            self.pane.focus()
        elif focused is self.pane or self.reading:
            self._set_reading(False)
            self.article_list.focus()
        elif focused is self.article_list and self.search_bar.is_open:
            self.search_bar.open()  # back into the box; escape there ends the search
        elif focused is self.article_list:
            self.feed_list.focus()

    def action_top(self) -> None:
        focused = self.focused
        if focused is self.feed_list:
            self.feed_list.move_cursor_to_line(0)
        elif focused is self.pane:
            self.pane.scroll_home(animate=False)
        else:
            self.article_list.action_jump(0)

    def action_bottom(self) -> None:
        focused = self.focused
        if focused is self.feed_list:
            self.feed_list.move_cursor_to_line(self.feed_list.last_line)
        elif focused is self.pane:
            self.pane.scroll_end(animate=False)
        else:
            self.article_list.action_jump(-1)

    def action_page(self) -> None:
        """Space: page through the article, and at its end go to the next unread."""
        if self.pane.article is not None and (self.reading or self.focused is self.pane):
            if self.pane.at_end and not self.pane.loading_body:
                self.action_next_unread(1)
            else:
                self.pane.scroll_page_down(animate=False)
        elif self.article_list.current is not None:
            self.open_article(self.article_list.current)

    def action_next_unread(self, step: int) -> None:
        """n/N: the next (previous) unread article in this view, in the list's order.

        It never leaves the view (the list shows what the user chose to
        read); at either end the status line says so, and nothing wraps.
        """
        forward = step > 0
        lst = self.article_list
        current = self.target()
        if current is not None and current is lst.current and not current.read:
            self.open_article(current)  # the cursor is already on an unread one
            return
        if lst.searching:
            start = lst.cursor
            if current is not None and current is not lst.current:
                found = lst.locate(current)
                start = lst.cursor if found is None else found
            index = lst.next_unread_row(start, forward)
            if index is None:
                self._no_more_unread(forward)
                return
            lst.move_to(index)
            if lst.current is not None:
                self.open_article(lst.current)
            return
        after = current.id if current is not None else None
        article = self.library.next_unread(
            lst.view, after, newest_first=lst.newest_first, forward=forward
        )
        if article is None:
            self._no_more_unread(forward)
            return
        lst.select(article)
        self.open_article(article)

    def _no_more_unread(self, forward: bool) -> None:
        """Say it on the status line: no pop-up for reaching the end of a list."""
        where = "below" if forward else "above"
        self.status.flash(f"No more unread {where} in this view.")

    def action_flip_order(self) -> None:
        """O: flip this view's order; each view keeps its own for the session."""
        lst = self.article_list
        if lst.searching:
            self.app.notify("Search results keep their order.", markup=False)
            return
        lst.newest_first = not lst.newest_first
        if self.source is not None:
            self._order[self.source.key] = lst.newest_first
        lst.reload(keep=lst.current)
        self._show_source_header()
        first = "Newest" if lst.newest_first else "Oldest"
        name = safe.clean(self.source.title) if self.source is not None else "this view"
        self.status.flash(f"{first} first in {name or '(untitled)'}.")

    # -- actions: article state ---------------------------------------------

    def action_toggle_read(self) -> None:
        article = self.target()
        if article is None:
            return
        self.library.mark_read([article.id], not article.read)
        self._apply(replace(article, read=not article.read))

    def action_star(self) -> None:
        article = self.target()
        if article is None:
            return
        self.library.star([article.id], not article.starred)
        self._apply(replace(article, starred=not article.starred))

    def action_mark_all_read(self) -> None:
        """A: mark the whole view read (u undoes it)."""
        lst = self.article_list
        if lst.searching:
            ids = [] if lst.notice else self.library.mark_search_read(lst.search_query or "")
        else:
            ids = self.library.mark_view_read(lst.view)
        if not ids:
            self.app.notify("Nothing unread here.", markup=False)
            return
        self._undo = ids
        lst.reload()
        self._refresh_open()
        self.refresh_counts()
        self.app.notify(f"Marked {len(ids)} read. Press u to undo.", markup=False)

    def action_undo(self) -> None:
        if not self._undo:
            self.app.notify("Nothing to undo.", markup=False)
            return
        ids, self._undo = self._undo, []
        self.library.mark_read(ids, False)
        self.article_list.reload()
        self._refresh_open()
        self.refresh_counts()
        self.app.notify(f"Marked {len(ids)} unread again.", markup=False)

    def _refresh_open(self) -> None:
        if self.pane.article is not None:
            self.pane.update_header(self.library.article(self.pane.article.id))

    def _link(self) -> str | None:
        article = self.target()
        if article is None or not article.url:
            self.app.notify("This article has no link.", markup=False)
            return None
        return article.url

    def action_open_link(self) -> None:
        url = self._link()
        if url is None:
            return
        if link_allowed(url) and not url.lower().startswith("mailto:"):
            self.app.open_url(url)
        else:
            self.app.notify(f"Not opening {safe.clean(url)[:80]}", markup=False)

    def action_copy_link(self) -> None:
        url = self._link()
        if url is not None:
            self.app.copy_to_clipboard(url)
            self.app.notify("Link copied.", markup=False)

    # -- actions: numbered links (L, Y) -----------------------------------------

    def action_link_number(self, verb: str) -> None:
        """L / Y: ask for a link's number (the [N] in the article), then open or copy it."""
        pane = self.pane
        if pane.article is None:
            self.app.notify("Open an article to use its links.", markup=False)
            return
        links = pane.links
        if not links:
            loading = pane.loading_body
            why = "The article is still loading." if loading else "This article has no links."
            self.app.notify(why, markup=False)
            return
        count = len(links)

        def submit(text: str) -> str | None:
            number = text.strip().strip("[]")
            if number.isascii() and number.isdigit() and 1 <= int(number) <= count:
                return None
            return f"Type a number from 1 to {count}: the [N] after a link."

        def chosen(text: str | None) -> None:
            if text is None or pane.links is not links:  # cancelled, or another article
                return
            number = int(text.strip().strip("[]"))
            url = links[number - 1].url
            if verb == "copy":
                self.app.copy_to_clipboard(url)
                self.app.notify(f"Link {number} copied.", markup=False)
            else:
                self.app.open_url(url)

        title = "Copy link" if verb == "copy" else "Open link"
        self.app.push_screen(
            PromptScreen(
                title,
                f"Which link? 1 to {count}: the [N] after a link in the article",
                submit,
                action=title.split()[0],
                placeholder="1" if count == 1 else f"1-{count}",
            ),
            chosen,
        )

    # -- actions: notes -----------------------------------------------------

    def action_edit_note(self) -> None:
        """e: write in the note of the article keys act on, with it on screen.

        That article is opened first unless it is the one the pane shows, so
        a note is only ever typed beside the article it belongs to.
        """
        article = self.target()
        if article is None:
            return
        shown = self.pane.article
        if not self.reader_shown or shown is None or shown.id != article.id:
            self.open_article(article)
        self.add_class("-notes")
        self._sync_panes()
        self.notes.focus_editor()

    def action_quote_to_note(self) -> None:
        """Q: append the selection (or the current paragraph) to the note as a quote.

        The quote is followed by a link to the article, the notes panel opens
        with the cursor after it, and the note is saved at once.  A selection
        is quoted once: it is cleared afterwards, so the next Q quotes the
        paragraph again.
        """
        article = self.pane.article
        if article is None:
            self.app.notify("Open an article to quote from it.", markup=False)
            return
        selected = self.pane.selected_text()
        text = selected or self.pane.current_block_text()
        if not text:
            loading = self.pane.loading_body
            self.app.notify(
                "The article is still loading." if loading else "Nothing to quote here.",
                markup=False,
            )
            return
        if self.notes.article_id != article.id:  # never quote into another article's note
            self._load_note(article)
        self._set_reading(True)
        self.add_class("-notes")
        self._sync_panes()  # the panel takes text only while it shows
        if not self.notes.append(quote_block(text, article.title, article.url)):
            return
        if selected:
            self.clear_selection()
        self.notes.flush()
        self.notes.focus_editor()

    def action_toggle_notes(self) -> None:
        """E: show or hide the notes panel (it shows beside an open article)."""
        if self.has_class("-notes"):
            self.notes.flush()
            self.remove_class("-notes")
            self._sync_panes()
            if self.reader_shown:
                self.pane.focus()
        else:
            self.add_class("-notes")
            self._sync_panes()
            if not self.notes_shown:
                self.status.flash("The notes panel shows beside an open article.")

    # -- search ---------------------------------------------------------------

    def action_search(self) -> None:
        """/: open the search box (the view it replaces comes back on escape)."""
        bar = self.search_bar
        if not bar.is_open:
            self._before_search = (self.source, self.article_list.current)
            if self.reading and self.has_class("-narrow"):
                self._set_reading(False)
        bar.open()

    def _end_search(self) -> None:
        """Hide the box without restoring anything (another source was chosen)."""
        self.search_bar.close()
        self._before_search = None
        self._results_shown = False

    def close_search(self) -> None:
        """Escape in the box: close it and show the view (and row) it replaced."""
        before = self._before_search
        self._end_search()
        source, article = before if before is not None else (self.source, None)
        if source is not None:
            self.show_source(source)
            if article is not None:
                self.article_list.select(article)
        self.article_list.focus()

    @on(SearchBar.Results)
    def _search_results(self, message: SearchBar.Results) -> None:
        """Results (or the one-line error) replace the list as the user types."""
        self.article_list.show_query(
            message.text,
            first=message.articles,
            count=message.count,
            terms=message.terms,
            notice=message.error,
        )
        self._results_shown = True
        self._show_source_header()
        self.status.set_counts(self.counts, self.article_list.count)

    @on(SearchBar.Cleared)
    def _search_cleared(self, _message: SearchBar.Cleared) -> None:
        """An empty box shows the view it replaced (the box stays open)."""
        source = self._before_search[0] if self._before_search else self.source
        self._results_shown = False
        if source is not None:
            self._show_rows(source)

    @on(SearchBar.Closed)
    def _search_closed(self, _message: SearchBar.Closed) -> None:
        self.close_search()

    @on(SearchBar.Done)
    def _search_done(self, _message: SearchBar.Done) -> None:
        """Enter in the box: move to the results (when there are any)."""
        self.article_list.focus()

    @on(SearchBar.SaveRequested)
    def _search_save(self, message: SearchBar.SaveRequested) -> None:
        self.save_search(message.text)

    # -- saved searches -------------------------------------------------------

    def save_search(self, query: str | None = None) -> None:
        """Ask a name and save the query (the box's, by default) as a smart folder."""
        query = (query if query is not None else self.search_bar.value).strip()
        if not query or query == "?":
            self.app.notify("Open the search box (/) and type a query first.", markup=False)
            return

        def submit(name: str) -> str | None:
            try:
                self.library.save_search(name, query)
            except GazetteError as exc:
                return safe.clean(str(exc))
            return None

        def saved(name: str | None) -> None:
            if name is None:
                return
            self.searches = self.library.saved_searches()
            self.refresh_counts()
            self.app.notify(
                f"Saved the search {safe.clean(name)}: it is listed under Searches.",
                markup=False,
            )

        self.app.push_screen(
            PromptScreen(
                "Save search",
                f"A name for {safe.clean(query)[:60]}",
                submit,
                action="Save",
                placeholder="e.g. Unread Rust",
            ),
            saved,
        )

    def rename_search(self, search_id: int, name: str) -> None:
        def submit(new: str) -> str | None:
            try:
                self.library.rename_search(search_id, new)
            except GazetteError as exc:
                return safe.clean(str(exc))
            return None

        self.app.push_screen(
            PromptScreen("Rename saved search", "New name", submit, value=name, action="Rename"),
            lambda new: self._searches_changed(search_id) if new is not None else None,
        )

    def edit_search(self, search_id: int, name: str, query: str) -> None:
        def submit(new: str) -> str | None:
            try:
                self.library.update_search(search_id, new)
            except GazetteError as exc:
                return safe.clean(str(exc))
            return None

        self.app.push_screen(
            PromptScreen(
                f"Edit saved search {safe.clean(name)}",
                "Query (F1 in the search box shows the syntax)",
                submit,
                value=query,
                action="Save",
            ),
            lambda new: self._searches_changed(search_id) if new is not None else None,
        )

    def delete_search(self, search_id: int, name: str) -> None:
        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.library.delete_search(search_id)
            except GazetteError as exc:
                self.app.notify(safe.clean(str(exc)), severity="error", markup=False)
                return
            self._searches_changed(search_id, deleted=True)
            self.app.notify(f"Deleted the saved search {safe.clean(name)}.", markup=False)

        self.app.push_screen(
            ConfirmScreen(f"Delete the saved search {safe.clean(name)}?\nNo article is deleted."),
            confirmed,
        )

    def _searches_changed(self, search_id: int, *, deleted: bool = False) -> None:
        """Recount; if the changed search is the one shown, show it again (or All).

        The searches are re-read here rather than by the worker: the user
        just changed one, and the feed list must show the new name or query.
        """
        self.searches = self.library.saved_searches()
        self.refresh_counts()
        key = f"search:{search_id}"
        if self.source is None or self.source.key != key:
            return
        self._show_key(None if deleted else key)

    def _show_key(self, key: str | None) -> None:
        """Move the feed list to a source (All when ``key`` is gone) and show it."""
        sources = {s.key: s for s in self.feed_list.sources()}
        source = sources.get(key or "") or sources.get("smart:all")
        if source is None:
            return
        self.feed_list.select_key(source.key)
        self.show_source(source)

    # -- tags -----------------------------------------------------------------

    def action_tag(self) -> None:
        """t: edit the tags of the article (the open one, else the list's)."""
        article = self.target()
        if article is None:
            self.app.notify("No article to tag here.", markup=False)
            return
        self.app.push_screen(
            TagEditorScreen(
                self.library,
                safe.clean(article.title) or "(untitled)",
                ids=[article.id],
                changed=self._tags_changed,
            )
        )

    def action_tag_view(self) -> None:
        """T: edit the tags of every article in the view, after confirming."""
        lst = self.article_list
        if lst.count == 0 or lst.notice:
            self.app.notify("No articles in this view.", markup=False)
            return
        query, view, count = lst.search_query, lst.view, lst.count
        if query is not None:
            what = f"the {_plural(count, 'result')} of {safe.clean(query)[:60]}"
        else:
            name = safe.clean(self.source.title if self.source else "")
            what = f"the {_plural(count, 'article')} in {name}"

        def load_ids() -> list[int]:
            if query is not None:
                return self.library.search_ids(query)
            return self.library.view_ids(view)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(
                    TagEditorScreen(
                        self.library,
                        _plural(count, "article"),
                        load_ids=load_ids,
                        changed=self._tags_changed,
                    )
                )

        self.app.push_screen(ConfirmScreen(f"Edit the tags of {what}?", "Edit tags"), confirmed)

    def _tags_changed(self, ids: list[int]) -> None:
        """Tags changed on these articles: redraw their rows, the header and the counts."""
        lst = self.article_list
        if len(ids) == 1:
            lst.replace_article(self.library.article(ids[0]))
        else:
            lst.reload(keep=lst.current)
        if self.pane.article is not None and self.pane.article.id in set(ids):
            self.pane.update_header(self.library.article(self.pane.article.id))
        self.refresh_counts()

    def rename_tag(self, name: str) -> None:
        """Ask a new name for a tag (an existing name merges the two)."""
        result: list[str] = []

        def submit(new: str) -> str | None:
            try:
                result.append(self.library.rename_tag(name, new))
            except GazetteError as exc:
                return safe.clean(str(exc))
            return None

        def renamed(new: str | None) -> None:
            if new is not None and result:
                self._tags_renamed(name, result[-1])

        self.app.push_screen(
            PromptScreen(f"Rename tag {safe.clean(name)}", "New name", submit, value=name),
            renamed,
        )

    def delete_tag(self, name: str) -> None:
        """Delete a tag from every article and feed, after confirming."""

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                n = self.library.delete_tag(name)
            except GazetteError as exc:
                self.app.notify(safe.clean(str(exc)), severity="error", markup=False)
                return
            self._tags_renamed(name, None)
            self.app.notify(
                f"Deleted the tag {safe.clean(name)} from {_plural(n, 'article')}.", markup=False
            )

        self.app.push_screen(
            ConfirmScreen(f"Delete the tag {safe.clean(name)}?\nThe articles stay."),
            confirmed,
        )

    def _tags_renamed(self, old: str, new: str | None) -> None:
        """A tag was renamed (``new``) or deleted: redraw rows, header, counts."""
        was_shown = self.source is not None and self.source.key == tag_key(old)
        self.refresh_counts()
        if was_shown:
            self._show_key(tag_key(new) if new else None)
        else:
            self.article_list.reload(keep=self.article_list.current)
        if self.pane.article is not None:
            self.pane.update_header(self.library.article(self.pane.article.id))

    # -- folders ----------------------------------------------------------------

    def rename_folder(self, path: str) -> None:
        """Ask a new path for a folder: its feeds and subfolders move, an existing
        path merges the two (the same dialog and rules as renaming a tag)."""
        result: list[tuple[str, int]] = []

        def submit(new: str) -> str | None:
            try:
                result.append(self.library.rename_folder(path, new))
            except GazetteError as exc:
                return safe.clean(str(exc))
            return None

        def renamed(new: str | None) -> None:
            if new is not None and result:
                self._folder_renamed(path, *result[-1])

        self.app.push_screen(
            PromptScreen(
                f"Rename folder {safe.clean(path)}",
                'New path ("/" nests it; an existing folder merges)',
                submit,
                value=path,
                action="Rename",
            ),
            renamed,
        )

    def _folder_renamed(self, old: str, new: str, moved: int) -> None:
        """Rebuild the tree; a folder shown from the renamed one is shown under its new path."""
        source = self.source
        self.refresh_counts()
        if source is not None and source.kind == "folder" and source.view.folder is not None:
            path = folders.renamed(source.view.folder, old, new) or source.view.folder
            moved_to = self.feed_list.folder_source(path)
            self._show_key(moved_to.key if moved_to is not None else None)
        self.app.notify(
            f"Renamed the folder {safe.clean(old)} to {safe.clean(new)} "
            f"({_plural(moved, 'feed')} moved).",
            markup=False,
        )

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

    # -- context-dependent keys -------------------------------------------------

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
                    f"Remove it from {_plural(tag.articles, 'article')} (asks first)",
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

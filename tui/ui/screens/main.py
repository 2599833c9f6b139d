"""The reader screen: feed list, article list, article pane, notes, status.

Why the keys live here and not on the App: App bindings also fire under
modal screens (a "d" typed at the help screen would open a delete dialog),
while Screen bindings apply only when this screen is active.  Actions that
are app-wide (refresh, add, delete, help, quit) are ``app.*`` actions.

Layout by width: three panes from ``WIDE`` columns up; below that the list
shares the screen with the feeds while browsing and with the article while
reading; below ``MEDIUM`` the article takes the whole screen when open.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static, TextArea, Tree
from textual.worker import get_current_worker

from tui.core.library import Library
from tui.core.models import Article, Feed
from tui.ui import safe
from tui.ui.messages import ArticleBody
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.article_pane import ArticlePane, link_allowed, split_markdown
from tui.ui.widgets.feed_list import FeedList, Source
from tui.ui.widgets.notes import NotesPanel
from tui.ui.widgets.status_bar import StatusBar

WIDE = 150
MEDIUM = 100


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
        _b("n", "next_unread(1)", "Next unread", "next_unread", "Open the next unread", True),
        _b(
            "N", "next_unread(-1)", "Previous unread", "previous_unread", "Open the previous unread"
        ),
        _b("space", "page", "Page", "page", "Scroll the article; at its end open the next unread"),
        _b("m", "toggle_read", "Read/unread", "toggle_read", "Toggle read"),
        _b("A", "mark_all_read", "All read", "mark_all_read", "Mark everything in the view read"),
        _b("u", "undo", "Undo", "undo", "Undo marking the view read"),
        _b("s", "star", "Star", "star", "Star or unstar the article", True),
        _b("o", "open_link", "Browser", "open_link", "Open the article's link in the browser"),
        _b("y", "copy_link", "Copy link", "copy_link", "Copy the article's link"),
        _b("O", "flip_order", "Flip order", "flip_order", "Newest or oldest first"),
        _b("r", "app.refresh_selected", "Refresh", "refresh", "Refresh the selected feed", True),
        _b("R", "app.refresh_all", "Refresh all", "refresh_all", "Refresh every feed"),
        _b("e", "edit_note", "Note", "edit_note", "Write a note on the article", True),
        _b("E", "toggle_notes", "Notes panel", "toggle_notes", "Show or hide the notes panel"),
        _b("a", "app.add_feed", "Add feed", "add_feed", "Subscribe to a feed"),
        _b("d", "app.delete_feed", "Delete feed", "delete_feed", "Unsubscribe from the feed"),
    ]

    def __init__(self, library: Library, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(id="main")
        self.library = library
        self.clock = clock
        self.source: Source | None = None
        self.feeds: dict[int, Feed] = {}
        self.counts: dict[str, int] = {}
        self._undo: list[int] = []

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
                yield ArticleList(self.library, clock=self.clock, id="articles")
            with Vertical(id="reader"):
                yield ArticlePane(id="article")
                yield NotesPanel(self._save_note, id="notes")
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

    def on_mount(self) -> None:
        """Paint from SQLite straight away: feeds, counts and the first page of All."""
        self.query_one("#feed-error").display = False
        self._layout(self.app.size.width)
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

    @property
    def reading(self) -> bool:
        return self.has_class("-reading")

    def _set_reading(self, reading: bool) -> None:
        self.set_class(reading, "-reading")

    # -- data ---------------------------------------------------------------

    def refresh_counts(self) -> None:
        """Re-read feeds and counts; every count on screen changes together."""
        feeds = self.library.feeds()
        self.feeds = {f.id: f for f in feeds}
        self.counts = self.library.smart_counts()
        self.feed_list.load(feeds, self.counts)
        self.article_list.empty_text = (
            "No articles here." if feeds else "No feeds yet. Press a to add one."
        )
        current = self.feed_list.current
        if current is not None and self.source is not None and current.key == self.source.key:
            self.source = current
        self._show_source_header()
        self.status.set_counts(self.counts, self.article_list.count)

    def show_source(self, source: Source) -> None:
        """Show a smart view, folder or feed in the article list."""
        self.source = source
        self.article_list.show(source.view)
        self._show_source_header()
        self.status.set_counts(self.counts, self.article_list.count)

    def _show_source_header(self) -> None:
        source = self.source
        if source is None:
            return
        order = "newest first" if self.article_list.newest_first else "oldest first"
        title = safe.clean(source.title) or "(untitled)"
        self.query_one("#list-title", Static).update(
            Content(f"{title} · {self.article_list.count} · {order}")
        )
        banner = self.query_one("#feed-error", Static)
        error = source.error
        banner.display = bool(error)
        if error:
            banner.update(Content(f"! Last refresh failed: {safe.clean(error)}"))

    def refresh_live(self) -> None:
        """During a refresh: recount, and show new articles if the view grew."""
        self.refresh_counts()
        lst = self.article_list
        if self.library.count_articles(lst.view) != lst.count - len(lst.gone_rows):
            lst.reload(keep=lst.current)
            self._show_source_header()
            self.status.set_counts(self.counts, lst.count)

    def after_refresh(self) -> None:
        """New articles arrived: recount, and reload the list keeping the cursor's article."""
        self.refresh_counts()
        self.article_list.reload(keep=self.article_list.current)
        self._show_source_header()
        self.status.set_counts(self.counts, self.article_list.count)

    def feed_removed(self, feed_id: int) -> None:
        """A feed is gone: close its article, rebuild the tree, show All."""
        article = self.pane.article
        if article is not None and article.feed_id == feed_id:
            self.pane.clear()
            self.notes.load(None, "")
            self._set_reading(False)
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
        self.refresh_counts()

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
        if source is not None and (self.source is None or source.key != self.source.key):
            self.show_source(source)

    @on(FeedList.Chosen)
    def _feed_chosen(self, event: FeedList.Chosen) -> None:
        if event.source is not None and event.source is not self.source:
            self.show_source(event.source)
        self.article_list.focus()

    @on(ArticleList.Open)
    def _list_open(self, event: ArticleList.Open) -> None:
        self.open_article(event.article)

    def on_article_body(self, message: ArticleBody) -> None:
        self.pane.show_body(message.article_id, message.chunks, message.error)

    # -- opening articles ---------------------------------------------------

    def open_article(self, article: Article) -> None:
        """Show an article, mark it read and load its note; the body loads in a thread."""
        if not article.read:
            self.library.mark_read([article.id], True)
            article = replace(article, read=True)
            self.article_list.replace_article(article)
            self.refresh_counts()
        self.pane.show_article(article)
        note = self.library.note(article.id)
        self.notes.load(article.id, note.body if note else "", article.title)
        self.notes.query_one(TextArea).placeholder = Content("Write a note (Markdown)…")
        self._set_reading(True)
        if not self.notes.has_focus_within:
            self.pane.focus()
        self._load_body(article.id)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _load_body(self, article_id: int) -> None:
        """Convert (if not done yet) and split the Markdown off the UI thread."""
        worker = get_current_worker()
        try:
            md = safe.clean_block(self.library.markdown(article_id))
            chunks = split_markdown(md)
        except Exception as exc:  # shown in the pane; never kills the app
            if not worker.is_cancelled:
                self.post_message(ArticleBody(article_id, [], error=safe.clean(str(exc))))
            return
        finally:
            self.library.release_thread()
        if not worker.is_cancelled:
            self.post_message(ArticleBody(article_id, chunks))

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
        panes: list[Widget] = [self.feed_list, self.article_list, self.pane]
        if self.has_class("-notes") and self.pane.article is not None:
            panes.append(self.notes.query_one("TextArea"))
        return [p for p in panes if p.display and p.parent is not None and p.parent.display]

    def action_cycle(self, step: int) -> None:
        """Tab and shift+tab: move between the panes on screen."""
        panes = [p for p in self._visible_panes() if p.focusable]
        if not panes:
            return
        focused = self.focused
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
        focused = self.focused
        if focused is not None and self.notes in focused.ancestors:
            self.pane.focus()
        elif focused is self.pane or self.reading:
            self._set_reading(False)
            self.article_list.focus()
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
        """n/N: the next unread in this view, then in the following feeds."""
        forward = step > 0
        lst = self.article_list
        current = self.target()
        if current is not None and current is lst.current and not current.read:
            self.open_article(current)  # the cursor is already on an unread one
            return
        after = current.id if current is not None else None
        article = self.library.next_unread(
            lst.view, after, newest_first=lst.newest_first, forward=forward
        )
        if article is None:
            article = self._unread_elsewhere(forward)
        if article is None:
            self.app.notify("No more unread articles.", markup=False)
            return
        lst.select(article)
        self.open_article(article)

    def _unread_elsewhere(self, forward: bool) -> Article | None:
        """Move to the next feed (in list order) that has unread articles."""
        feeds = [s for s in self.feed_list.sources() if s.kind == "feed"]
        if not forward:
            feeds.reverse()
        key = self.source.key if self.source else ""
        index = next((i for i, s in enumerate(feeds) if s.key == key), -1)
        for source in feeds[index + 1 :] + feeds[: max(index, 0)]:
            if source.unread:
                self.feed_list.select_key(source.key)
                self.show_source(source)
                lst = self.article_list
                return self.library.next_unread(
                    lst.view, None, newest_first=lst.newest_first, forward=forward
                )
        return None

    def action_flip_order(self) -> None:
        lst = self.article_list
        lst.newest_first = not lst.newest_first
        lst.reload(keep=lst.current)
        self._show_source_header()

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

    # -- actions: notes -----------------------------------------------------

    def action_edit_note(self) -> None:
        if self.pane.article is None:
            article = self.article_list.current
            if article is None:
                return
            self.open_article(article)
        self.add_class("-notes")
        self.notes.focus_editor()

    def action_toggle_notes(self) -> None:
        if self.has_class("-notes"):
            self.notes.flush()
            self.remove_class("-notes")
            if self.pane.article is not None:
                self.pane.focus()
        else:
            self.add_class("-notes")

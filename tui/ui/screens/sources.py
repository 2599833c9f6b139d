"""What the article list shows: sources, their counts and the header above the list.

``SourcesBase`` sits on ``PanesBase``.  A source is a smart view, folder,
feed, tag or saved search (``FeedList.Source``); showing one lists its
articles in the order chosen for it and redraws the header.  Counts are
re-read together so every number on screen changes at once; saved searches
are full-text counts, so they are counted in a thread worker
(``SearchCounts``).  Choosing a source while the search box is open ends
the search, so the search state the box left is reset here too.
"""

from __future__ import annotations

from dataclasses import replace

from textual import work
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from tui.core import Article, SavedSearch, View, parse_query
from tui.ui import safe
from tui.ui.screens.panes import PanesBase
from tui.ui.widgets.feed_list import Source

__all__ = ["SearchCounts", "SourcesBase"]


class SearchCounts(Message):
    """Saved searches re-counted by a worker (their unread counts for the feed list)."""

    def __init__(self, searches: list[SavedSearch]) -> None:
        super().__init__()
        self.searches = searches


class SourcesBase(PanesBase):
    """Counts, sources and the list header; the feature flows build on it."""

    # -- counts -------------------------------------------------------------------

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

    # -- sources ------------------------------------------------------------------

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

    def _end_search(self) -> None:
        """Hide the box without restoring anything (another source was chosen)."""
        self.search_bar.close()
        self._before_search = None
        self._results_shown = False

    def _show_rows(self, source: Source) -> None:
        """List a source's articles from the top, in the order chosen for it."""
        if source.query is not None:
            self.article_list.show_query(source.query, terms=self._terms(source.query))
        else:
            newest_first = self._order.get(source.key, self.newest_first_default)
            self.article_list.show(source.view, newest_first=newest_first)
        self._show_source_header()
        self.status.set_counts(self.counts, self.article_list.count)

    def _show_key(self, key: str | None) -> None:
        """Move the feed list to a source (All when ``key`` is gone) and show it."""
        sources = {s.key: s for s in self.feed_list.sources()}
        source = sources.get(key or "") or sources.get("smart:all")
        if source is None:
            return
        self.feed_list.select_key(source.key)
        self.show_source(source)

    def _terms(self, query: str) -> tuple[str, ...]:
        """The words a saved search highlights (tags alone highlight nothing)."""
        q = parse_query(query)
        return () if q.error else q.highlight_terms

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

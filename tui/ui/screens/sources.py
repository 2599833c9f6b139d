"""What the article list shows: sources, their counts and the header above the list.

``SourcesBase`` sits on ``PanesBase``.  A source is a smart view, folder,
feed, tag or saved search (``FeedList.Source``); showing one lists its
articles in the order chosen for it and publishes the header
(``list_header``).  Counts are read together, off the UI thread, in the
screen's lane (``Counted``), and set as one ``tally`` so every number on
screen changes at once; saved searches are full-text counts, so a worker of
their own counts them (``SearchCounts``) and the others never wait for
them.  Choosing a source while the search box is open ends the search, so
the search state the box left is reset here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from textual import on, work
from textual.worker import get_current_worker

from tui.core import Article, View, parse_query
from tui.ui import safe
from tui.ui.screens.answers import Counted, Done, Recount, SearchCounts
from tui.ui.screens.panes import PanesBase
from tui.ui.state import Counts, ListHeader
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.feed_list import Source
from tui.ui.widgets.feed_sources import account_detail
from tui.ui.workers import unless_gone

__all__ = ["SourcesBase"]


class SourcesBase(PanesBase):
    """Counts, sources and the list header; the feature flows build on it."""

    # -- counts -------------------------------------------------------------------

    def refresh_counts(
        self, then: Callable[[], None] | None = None, *, with_searches: bool = False
    ) -> None:
        """Re-read feeds and counts in the lane; every count on screen changes together.

        ``then`` runs after they are shown (a flow that selects a feed it
        just added needs the feed list to hold it).  Saved searches' unread
        counts are full-text counts (tens of ms each on a large cache), so
        they are re-counted in a worker of their own and drawn when ready;
        until then the feed list shows the previous numbers.  ``with_searches``
        reads them here too: the user just changed one, and the feed list must
        show its new name or query with the rest.
        """

        def read() -> Counts:
            lib = self.library
            searches = tuple(lib.saved_searches()) if with_searches else ()
            return Counts.read(
                lib.feeds(),
                lib.smart_counts(),
                lib.tags(),
                searches,
                lib.accounts(),
                lib.folder_unread_copies(),
            )

        self.lane.put(read, lambda outcome: Counted(outcome, then, with_searches=with_searches))

    @unless_gone
    def on_counted(self, message: Counted) -> None:
        counts = message.outcome.value
        if counts is None:
            self.status.flash(f"Counts not updated: {message.outcome.error}")
        else:
            self._show_counts(counts, with_searches=message.with_searches)
        if message.then is not None:
            message.then()

    @unless_gone
    def on_done(self, message: Done[object]) -> None:
        message.show(message.outcome)

    @on(ArticleList.Sized)
    @unless_gone
    def _list_sized(self, _message: ArticleList.Sized) -> None:
        """The list's COUNT answered (a large view): the header and "N here" follow."""
        self._show_source_header()

    def _show_counts(self, counts: Counts, *, with_searches: bool = False) -> None:
        """A full read of the counts becomes the tally (its saved searches, if read)."""
        self.tally = counts if with_searches else replace(counts, searches=self.tally.searches)
        empty = "No articles here." if counts.feeds else "No feeds yet. Press a to add one."
        if empty != self.article_list.empty_text:
            self.article_list.empty_text = empty
            self.article_list.refresh()
        self._counted()

    def _recount(self, article: Article) -> Callable[[], Recount]:
        """What to read after ``article`` was read, starred or noted (run in the lane).

        That is its feed's unread count, the smart views and the tags (when
        any can be involved), which is what a full recount would change,
        without re-reading every feed (tens of milliseconds with thousands
        of feeds, on every article opened).  The saved searches follow in
        their worker once it is shown (``_apply_recount``).
        """
        feed = self.feeds.get(article.feed_id)
        with_tags = bool(self.tags or article.tags or (feed is not None and feed.tags))
        synced = feed is not None and feed.account is not None

        def read() -> Recount:
            lib = self.library
            unread = lib.count_articles(View(feed_id=article.feed_id, unread=True))
            return Recount(
                article.feed_id,
                unread,
                lib.smart_counts(),
                lib.tags() if with_tags else None,
                lib.accounts() if synced else None,
                copies=bool(article.also_in),
            )

        return read

    def _apply_recount(self, recount: Recount) -> None:
        """Show a recount; a feed not known here (just added elsewhere), or a
        story whose copies in other feeds changed with it, means a full one."""
        feed = self.feeds.get(recount.feed_id)
        if feed is None or recount.copies:
            self.refresh_counts()
            return
        tally = self.tally.with_feed(replace(feed, unread=recount.unread), recount.smart)
        if recount.tags is not None and tuple(recount.tags) != tally.tags:
            tally = tally.with_tags(recount.tags)
        if recount.accounts is not None and tuple(recount.accounts) != tally.accounts:
            tally = tally.with_accounts(recount.accounts)
        self.tally = tally
        self._counted()

    def _counted(self) -> None:
        """New counts are shown (the feed list is bound to them): the header follows."""
        current = self.feed_list.current
        if current is not None and self.source is not None and current.key == self.source.key:
            self.source = current
        self._show_source_header()
        self._count_searches()

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

    @unless_gone
    def on_search_counts(self, message: SearchCounts) -> None:
        if tuple(message.searches) != self.searches:
            self.tally = self.tally.with_searches(message.searches)
            current = self.feed_list.current
            if current is not None and self.source is not None and current.key == self.source.key:
                self.source = current
            self._show_source_header()

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
        """Publish what the list shows (the header, the banner and "N here" follow)."""
        source = self.source
        lst = self.article_list
        if self._results_shown:
            if lst.notice:
                self.list_header = ListHeader("Search", lst.count)
            else:
                order = "best first" if lst.terms else "newest first"
                self.list_header = ListHeader("Search", lst.count, order)
            return
        if source is None:
            self.list_header = replace(self.list_header, count=lst.count)
            return
        if lst.searching:
            order = "best first" if lst.terms else "newest first"
        else:
            order = "newest first" if lst.newest_first else "oldest first"
        title = safe.clean(source.title) or "(untitled)"
        if source.kind == "tag":
            title = "#" + title
        if source.account is not None:
            self.list_header = ListHeader(
                safe.clean(source.account.name),
                lst.count,
                order,
                source.error,
                detail=account_detail(source.account, self.clock()),
                sync=True,
            )
            return
        self.list_header = ListHeader(title, lst.count, order, source.error)

    def feed_removed(self, feed_id: int) -> None:
        """A feed is gone: close its article, rebuild the tree, show All."""
        article = self.pane.article
        if article is not None and article.feed_id == feed_id:
            self.close_article()
        self.refresh_counts(then=self._show_first)

    def _show_first(self) -> None:
        sources = self.feed_list.sources()
        if sources:
            self.feed_list.select_key(sources[0].key)
            self.show_source(sources[0])
        self.article_list.focus()

    def select_feed(self, feed_id: int) -> None:
        """Move to a feed (after adding it), once the feed list holds it."""
        self.refresh_counts(then=lambda: self._select_key(f"feed:{feed_id}"))

    def _select_key(self, key: str) -> None:
        self.feed_list.select_key(key)
        for source in self.feed_list.sources():
            if source.key == key:
                self.show_source(source)

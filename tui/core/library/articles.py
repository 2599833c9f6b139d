"""Articles: views and their pages, counts and ids; one article, its Markdown; read and star.

A :class:`View` may carry a search query: such a view is counted, listed by
id and marked read through the store's search (the query compiled once,
limited to the view), every other through the view's own SQL; this part is
the one place that chooses between the two.
"""

from __future__ import annotations

from collections.abc import Iterable

from tui.core.errors import InputError
from tui.core.library.base import LibraryBase
from tui.core.library.history import undoable, view_name
from tui.core.models import Article, ShownText, StateChange, View
from tui.core.wording import plural


class ArticlesMixin(LibraryBase):
    """Views, single articles and their read and starred state."""

    # -- views ------------------------------------------------------------

    def articles(
        self,
        view: View = View(),
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = True,
        after: tuple[int, float] | None = None,
        before: tuple[int, float] | None = None,
        from_end: bool = False,
    ) -> list[Article]:
        """A page of a view's articles, read straight from SQLite.

        The page starts ``offset`` rows from the top, or past a place in the
        list's order, (published, id): ``after`` it, or reading upwards,
        ``before`` it or from the end (keyset paging: any page costs what the
        first does; see :meth:`Store.articles`).  A query's matches are paged
        by :meth:`search` instead (ranked, with the words to highlight), so a
        view with a query is refused here.
        """
        if view.query is not None:
            raise ValueError("list a query's articles with Library.search")
        return self.store.articles(
            view,
            limit=limit,
            offset=offset,
            newest_first=newest_first,
            after=after,
            before=before,
            from_end=from_end,
        )

    def count_articles(self, view: View = View()) -> int:
        """How many articles a view holds; 0 for a view whose query is unusable
        (a broken saved search shows an empty badge, not an error)."""
        if view.query is not None:
            return self.store.count_search(view.query, self._now(), within=view)
        return self.store.count_articles(view)

    def smart_counts(self) -> dict[str, int]:
        """Totals for the smart views (all, unread, starred, noted)."""
        return self.store.smart_counts()

    def view_ids(self, view: View) -> list[int]:
        """Ids of every article in a view, newest first (for tagging or exporting
        a whole view); InputError for a view whose query is unusable."""
        if view.query is None:
            return self.store.view_ids(view)
        try:
            return self.store.search_ids(view.query, self._now(), within=view)
        except InputError as exc:
            raise InputError(f"search {view.query!r}: {exc}") from exc

    @undoable(
        lambda lib, ids, view: f"Marked {plural(len(ids), 'article')} read {view_name(lib, view)}"
    )
    def mark_view_read(self, view: View) -> list[int]:
        """Mark a whole view read; returns the ids changed so the UI can undo.

        InputError for a view whose query is unusable.
        """
        if view.query is None:
            return self.store.mark_view_read(view)
        unread = self.store.unread_among(self.view_ids(view))
        self.store.set_read(unread, True)
        return unread

    def article_position(
        self, view: View, article_id: int, *, newest_first: bool = True
    ) -> int | None:
        """Index of an article in a view's list (where it would be if it left the view)."""
        return self.store.article_position(view, article_id, newest_first=newest_first)

    def next_unread(
        self,
        view: View,
        after_id: int | None = None,
        *,
        newest_first: bool = True,
        forward: bool = True,
    ) -> Article | None:
        """The next (or previous) unread article of a view in list order, by keyset."""
        return self.store.next_unread(view, after_id, newest_first=newest_first, forward=forward)

    # -- one article ------------------------------------------------------

    def article(self, article_id: int) -> Article:
        return self.store.article(article_id)

    def markdown(self, article_id: int) -> str:
        """The article as Markdown, converted now (and stored) if not done yet."""
        md, fresh = self.convert(article_id)
        if fresh:
            self.save_markdown(article_id, md)
        return md

    def convert(self, article_id: int) -> tuple[str, bool]:
        """The article as Markdown (its full text when that is what is shown),
        and whether it was converted just now.

        A fresh conversion is not stored: the reader shows it first and
        stores it after (``save_markdown``), so that opening an article
        never waits for the database's write lock.
        """
        shown = self.shown_text(article_id)
        return shown.markdown, shown.fresh

    def shown_text(self, article_id: int) -> ShownText:
        """What the reader shows of the article (see ``ShownText``): its full
        text when that is the one shown (reader mode), else the feed's
        version, converted now if not done yet (``convert`` says why it is
        not stored here)."""
        full, fetch = self.store.full_text_state(article_id)
        if full is not None:
            return ShownText(full, False, True, False)
        md, html, base = self.store.article_body(article_id)
        if md is not None:
            return ShownText(md, False, False, fetch)
        from tui.core.convert import html_to_markdown  # BeautifulSoup: off the startup path

        return ShownText(html_to_markdown(html, base), True, False, fetch)

    def save_markdown(self, article_id: int, md: str) -> None:
        """Store an article's Markdown (from ``convert``) with its HTML and words."""
        self.store.save_markdown([(article_id, md)])

    def convert_pending(self, batch: int = 200) -> int:
        """Convert up to ``batch`` unconverted articles; returns how many were done."""
        rows = self.store.unconverted(batch)
        if rows:
            from tui.core.convert import html_to_markdown

            self.store.save_markdown([(aid, html_to_markdown(h, b)) for aid, h, b in rows])
        return len(rows)

    # -- read and starred -------------------------------------------------

    @undoable(
        lambda lib, change, ids, read=True: (
            f"Marked {plural(change.asked, 'article')} {'read' if read else 'unread'}"
        )
    )
    def set_read(self, ids: Iterable[int], read: bool = True) -> StateChange:
        """Mark articles read (or unread) in one transaction and say what changed.

        Unknown ids are reported in ``missing``, not raised: the others are
        still marked (as ``chmod`` does with the files it can reach).
        """
        return self._set_flag(ids, "read", read)

    def read_on_open(self, ids: Iterable[int], read: bool = True) -> StateChange:
        """Mark articles read because the reader opened them: no history entry.

        Why apart from :meth:`set_read`: opening is reading, not a change a
        user makes on purpose.  Recorded, every open would be an action, so
        ``u`` after a few opens would take back read marks instead of the
        change the user meant (a view marked read, a feed deleted), and forty
        opens would push those out of the hundred actions kept.
        """
        return self._set_flag(ids, "read", read)

    @undoable(
        lambda lib, change, ids, starred=True: (
            f"{'Starred' if starred else 'Unstarred'} {plural(change.asked, 'article')}"
        )
    )
    def set_starred(self, ids: Iterable[int], starred: bool = True) -> StateChange:
        """Star (or unstar) articles in one transaction; see :meth:`set_read`."""
        return self._set_flag(ids, "starred", starred)

    def _set_flag(self, ids: Iterable[int], column: str, value: bool) -> StateChange:
        asked = list(ids)
        changed, unchanged, missing = self.store.set_flag(asked, column, value)
        given = set(asked)
        copies = tuple(i for i in changed if i not in given)
        return StateChange(tuple(changed), tuple(unchanged), tuple(missing), copies)

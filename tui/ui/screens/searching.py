"""Search mode and saved searches.

``/`` opens the search box above the article list; its results replace the
list as the user types, and escape restores the view (and the row) that was
there (``_before_search``; ``_results_shown`` says which the list holds).
A query can be saved as a smart folder listed under Searches, and renamed,
edited or deleted from the palette or the feed list.  Every prompt keeps
its dialog open on an error, so the user fixes the text.

``SearchFlows`` is a layer of ``MainScreen`` on ``SourcesBase``.
"""

from __future__ import annotations

from functools import partial

from textual import on

from tui.ui import safe
from tui.ui.screens.answers import Done
from tui.ui.screens.sources import SourcesBase
from tui.ui.widgets.search_bar import SearchBar
from tui.ui.workers import Outcome

__all__ = ["SearchFlows"]


class SearchFlows(SourcesBase):
    """The search box's flow and the saved searches' dialogs."""

    # -- search -------------------------------------------------------------------

    def action_search(self) -> None:
        """/: open the search box (the view it replaces comes back on escape)."""
        bar = self.search_bar
        if not bar.is_open:
            self._before_search = (self.source, self.article_list.current)
            if self.reading and self.has_class("-narrow"):
                self._set_reading(False)
        bar.open()

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

    # -- saved searches -----------------------------------------------------------

    def save_search(self, query: str | None = None) -> None:
        """Ask a name and save the query (the box's, by default) as a smart folder."""
        from tui.ui.screens.prompt import PromptScreen, change_error  # see keys.LATE_SCREENS

        query = (query if query is not None else self.search_bar.value).strip()
        if not query or query == "?":
            self.app.notify("Open the search box (/) and type a query first.", markup=False)
            return

        def submit(name: str) -> str | None:
            return change_error(lambda: self.library.save_search(name, query))

        def saved(name: str | None) -> None:
            if name is None:
                return
            self.refresh_counts(with_searches=True)
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
                library=self.library,
            ),
            saved,
        )

    def rename_search(self, search_id: int, name: str) -> None:
        from tui.ui.screens.prompt import PromptScreen, change_error  # see keys.LATE_SCREENS

        def submit(new: str) -> str | None:
            return change_error(lambda: self.library.rename_search(search_id, new))

        self.app.push_screen(
            PromptScreen(
                "Rename saved search",
                "New name",
                submit,
                value=name,
                action="Rename",
                library=self.library,
            ),
            lambda new: self._searches_changed(search_id) if new is not None else None,
        )

    def edit_search(self, search_id: int, name: str, query: str) -> None:
        from tui.ui.screens.prompt import PromptScreen, change_error  # see keys.LATE_SCREENS

        def submit(new: str) -> str | None:
            return change_error(lambda: self.library.update_search(search_id, new))

        self.app.push_screen(
            PromptScreen(
                f"Edit saved search {safe.clean(name)}",
                "Query (F1 in the search box shows the syntax)",
                submit,
                value=query,
                action="Save",
                library=self.library,
            ),
            lambda new: self._searches_changed(search_id) if new is not None else None,
        )

    def delete_search(self, search_id: int, name: str) -> None:
        """Delete a saved search, after confirming (in the lane; the status line says so)."""
        from tui.ui.screens.confirm import ConfirmScreen  # see keys.LATE_SCREENS

        def deleted(outcome: Outcome[None]) -> None:
            if outcome.error:
                self.app.notify(outcome.error, severity="error", markup=False)
                return
            self._searches_changed(search_id, deleted=True)
            self.app.notify(f"Deleted the saved search {safe.clean(name)}.", markup=False)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.status.flash(f"Deleting the saved search {safe.clean(name)}…")
                self.lane.put(
                    lambda: self.library.remove_search(search_id), partial(Done, show=deleted)
                )

        self.app.push_screen(
            ConfirmScreen(f"Delete the saved search {safe.clean(name)}?\nNo article is deleted."),
            confirmed,
        )

    def _searches_changed(self, search_id: int, *, deleted: bool = False) -> None:
        """Recount; if the changed search is the one shown, show it again (or All).

        The searches are read with the counts rather than by their worker:
        the user just changed one, and the feed list must show the new name
        or query.
        """
        key = f"search:{search_id}"

        def show() -> None:
            if self.source is not None and self.source.key == key:
                self._show_key(None if deleted else key)

        self.refresh_counts(show, with_searches=True)

"""Search: ranked pages of a query's matches, and saved searches (the smart folders).

The query language and its one compiler are :mod:`tui.core.query`; the
store runs what it compiles.  Both take the Library's clock, so that dates
in a query (``after:7d``) mean the same in a test as in use.
"""

from __future__ import annotations

from tui.core.library.base import LibraryBase
from tui.core.library.history import undoable
from tui.core.models import SavedSearch, SearchResult


class SearchMixin(LibraryBase):
    """Searching, and the saved searches."""

    def search(self, text: str, *, limit: int = 50, offset: int = 0) -> SearchResult:
        """Ranked full-text search with filters; never raises on user input."""
        return self.store.search(text, now=self._now(), limit=limit, offset=offset)

    def saved_searches(self) -> list[SavedSearch]:
        """Saved searches with live unread counts (the smart folders)."""
        return self.store.saved_searches(now=self._now())

    def save_search(self, name: str, query: str) -> int:
        return self.store.save_search(name, query)

    @undoable(lambda lib, _, search_id, name: f"Renamed saved search to {name}")
    def rename_search(self, search_id: int, name: str) -> None:
        self.store.rename_search(search_id, name)

    @undoable(lambda lib, _, search_id, query: f"Changed a saved search to {query}")
    def update_search(self, search_id: int, query: str) -> None:
        self.store.update_search(search_id, query)

    @undoable(lambda lib, name, search_id: f"Deleted saved search {name}")
    def remove_search(self, search_id: int) -> str:
        """Delete a saved search; returns its name."""
        return self.store.delete_search(search_id)

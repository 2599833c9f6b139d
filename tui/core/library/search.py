"""Search: ranked pages of a query's matches, and saved searches (the smart folders).

The query language and its one compiler are :mod:`tui.core.query`; the
store runs what it compiles.  Both take the Library's clock, so that dates
in a query (``after:7d``) mean the same in a test as in use.
"""

from __future__ import annotations

from tui.core.library.base import LibraryBase
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

    def rename_search(self, search_id: int, name: str) -> None:
        self.store.rename_search(search_id, name)

    def update_search(self, search_id: int, query: str) -> None:
        self.store.update_search(search_id, query)

    def remove_search(self, search_id: int) -> None:
        self.store.delete_search(search_id)

"""Library: the one facade the command line and the UI call.

Verbs here combine the pure pieces (fetch, parse, convert, opml, export) with
the store.  ``Library`` keeps one flat API, assembled from a part per domain
(the way ``Store`` is), so that a verb is changed in one small module and
callers never learn which part answers:

* :mod:`.base`: one Store per thread (``release_thread``), the clock
* :mod:`.fetching`: fetch settings, discovery and the pipeline over HTTP;
  the facade's only imports of the network and the refresh pipeline
* :mod:`.feeds`: feeds, folders, unsubscribing, OPML in and out
* :mod:`.refreshing`: discovery, adding a feed, refreshing
* :mod:`.articles`: views, pages, counts, ids, one article and its Markdown,
  read and starred
* :mod:`.notes`: notes and their export
* :mod:`.tags`, :mod:`.search`: tags; searches and saved searches
* :mod:`.scheduling`: per-feed settings, what is due, what cleanup removes
* :mod:`.syncing`: sync accounts (their tokens) and syncing them
* :mod:`.images`: article images (cache, fetch, decode) for the reader
* :mod:`.fulltext`: reader mode: full texts fetched from the articles' pages
* :mod:`.history`: undo and redo; :func:`.history.undoable` makes a verb one action
* :mod:`.importing`: importing from newsboat (feeds, queries, filters, cache)
* :mod:`.rules`: rules (a query plus actions), applying them, the Hidden view

A Library may be used from several threads: each thread gets its own SQLite
connection.  ``refresh`` runs its own event loop, so the UI calls it from a
thread worker and gets progress through a callback.  No SQL is written here:
it all lives in :mod:`tui.core.storage`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.library import fetching
from tui.core.library.articles import ArticlesMixin
from tui.core.library.feeds import FeedsMixin
from tui.core.library.fetching import FetchSettings, ImageSettings
from tui.core.library.fulltext import FullTextMixin
from tui.core.library.history import HistoryMixin
from tui.core.library.images import ImagesMixin
from tui.core.library.importing import ImportingMixin
from tui.core.library.notes import NotesMixin
from tui.core.library.refreshing import RefreshMixin
from tui.core.library.rules import RulesMixin
from tui.core.library.scheduling import ScheduleMixin
from tui.core.library.search import SearchMixin
from tui.core.library.syncing import SyncMixin
from tui.core.library.tags import TagsMixin
from tui.core.storage import schema

if TYPE_CHECKING:
    from tui.core.library.fetching import Progress

__all__ = ["FetchSettings", "ImageSettings", "Library", "Progress"]


def __getattr__(name: str) -> object:
    """``Progress`` comes with the refresh pipeline, which loads when first used."""
    if name == "Progress":
        return fetching.Progress
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Library(
    FeedsMixin,
    RefreshMixin,
    NotesMixin,
    ArticlesMixin,
    TagsMixin,
    SearchMixin,
    ScheduleMixin,
    SyncMixin,
    ImagesMixin,
    FullTextMixin,
    HistoryMixin,
    ImportingMixin,
    RulesMixin,
):
    """Everything Gazette can do to a cache, by verb."""

    @staticmethod
    def upgrade_pending(db_path: str | Path) -> bool:
        """Whether opening ``db_path`` first upgrades an older database (which
        can take a while on a large cache): front ends say so before the wait."""
        return schema.upgrade_pending(db_path)

"""The SQLite cache: every table and every query of Gazette's core.

``Store`` is one connection (see :mod:`.base`) with one flat API, assembled
from a part per domain, so that a schema or query change is made in one
module and callers never learn which part answers:

* :mod:`.schema`: DDL and migrations
* :mod:`.packing`: an article's texts (HTML, index words, Markdown) in one compressed value
* :mod:`.feeds`: feeds, fetch state, per-feed settings
* :mod:`.ingest`: writing fetched entries and their search index rows
* :mod:`.imported`: articles from another reader's cache, with their state
* :mod:`.articles`: views, counts, read/star, Markdown cache
* :mod:`.fulltext`: full texts extracted from the articles' pages (reader mode)
* :mod:`.pages`: list pages (by offset or keyset), positions, next unread
* :mod:`.notes`, :mod:`.tags`: user notes and tags
* :mod:`.search`: running compiled queries; saved searches
* :mod:`.retention`: what cleanup removes, and removing it
* :mod:`.rules`: rules (a query and actions), applying them; :mod:`.schema_rules` their tables
* :mod:`.accounts`: sync accounts, their queue of changes, what a pull writes
* :mod:`.history`: the undo history (recorded actions, undo and redo)
"""

from __future__ import annotations

from tui.core.storage.accounts import AccountsMixin
from tui.core.storage.base import CHUNK, PAGE_SIZE, in_chunks
from tui.core.storage.feeds import FeedsMixin
from tui.core.storage.fulltext import FullTextMixin
from tui.core.storage.history import HistoryMixin
from tui.core.storage.imported import ImportedMixin
from tui.core.storage.ingest import IngestMixin
from tui.core.storage.notes import NotesMixin
from tui.core.storage.pages import PagesMixin
from tui.core.storage.retention import RetentionMixin
from tui.core.storage.rules import RulesMixin
from tui.core.storage.schema import MIGRATIONS, SCHEMA_VERSION
from tui.core.storage.search import SearchMixin
from tui.core.storage.tags import TagsMixin

__all__ = ["CHUNK", "MIGRATIONS", "PAGE_SIZE", "SCHEMA_VERSION", "Store", "in_chunks"]


class Store(
    AccountsMixin,
    FeedsMixin,
    FullTextMixin,
    HistoryMixin,
    ImportedMixin,
    IngestMixin,
    PagesMixin,
    SearchMixin,
    NotesMixin,
    TagsMixin,
    RetentionMixin,
    RulesMixin,
):
    """One connection to the cache, opened (and migrated) on construction.

    It must stay on the thread that opened it; ``Library`` keeps one per thread.
    """

"""The base under every part of the facade: one Store per thread, and the clock.

A Library may be used from several threads (the reader runs its calls in
thread workers), but an SQLite connection must stay on the thread that opened
it; so each thread gets its own :class:`Store`, opened on first use.  The
domain parts (feeds, articles, notes and so on) are mixins over
:class:`LibraryBase`, so each reaches the same per-thread store and clock
and ``Library`` keeps one flat API, the way ``Store`` is built.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.library.fetching import FetchSettings, ImageSettings
from tui.core.storage import Store

if TYPE_CHECKING:
    from tui.core.extract import Extractor


class LibraryBase:
    """A cache's path, its per-thread connections, fetch and image settings, and clock."""

    def __init__(
        self,
        db_path: str | Path,
        *,
        fetch: FetchSettings | None = None,
        images: ImageSettings | None = None,
        clock: Callable[[], float] = time.time,
        group_stories: bool = True,
    ) -> None:
        self.db_path = Path(db_path)
        #: Duplicate stories listed once and read, starred and tagged together
        #: (``[reading] group_duplicates``); off, every copy stands alone.
        self.group_stories = group_stories
        self.fetch_settings = fetch or FetchSettings()
        self.image_settings = images or ImageSettings()
        self.clock = clock
        self._local = threading.local()
        # Every thread's connection with the thread that opened it (see close).
        self._stores: list[tuple[Store, threading.Thread]] = []
        self._lock = threading.Lock()
        #: What ``close`` also shuts (a part's long-lived helper: the image fetcher).
        self._on_close: list[Callable[[], None]] = []
        #: Reader mode's extractor process (``library.fulltext``), started on
        #: first use and ended by ``close``.
        self._extractor: Extractor | None = None
        self._extractor_lock = threading.Lock()
        self.store  # noqa: B018 - open (and migrate) now so errors surface early

    @property
    def store(self) -> Store:
        """This thread's connection, opened on first use."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.db_path)
            store.group_stories = self.group_stories
            self._local.store = store
            with self._lock:
                self._stores.append((store, threading.current_thread()))
        return store

    def close(self) -> None:
        """Close the connections of this thread and of threads that have ended.

        Helpers the parts started (``_on_close``) are shut first.  A
        connection whose thread is still running (a background conversion
        when the reader quits, say) is left to that thread, which closes it
        with :meth:`release_thread` when its call returns: closing it here,
        under a statement that thread is running, crashes SQLite.  Reader
        mode's extractor process, if one was started, ends.
        """
        with self._lock:
            helpers, self._on_close = self._on_close, []
        for shut in helpers:
            shut()
        with self._extractor_lock:
            extractor, self._extractor = self._extractor, None
        if extractor is not None:
            extractor.close()
        me = threading.current_thread()
        with self._lock:
            for store, owner in self._stores:
                if owner is me or not owner.is_alive():
                    store.close()
            self._stores = [(s, o) for s, o in self._stores if o is not me and o.is_alive()]
        self._local.store = None

    def release_thread(self) -> None:
        """Close the calling thread's connection.

        UI thread workers run on pooled threads; each calls this when done so
        that its connection is closed on the thread that opened it (SQLite
        refuses to close it from another thread, which ``close`` would try).
        """
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            return
        with self._lock:
            self._stores = [(s, owner) for s, owner in self._stores if s is not store]
        self._local.store = None
        store.close()

    def data_version(self) -> int:
        """A number that changes when another connection has committed.

        Per connection (this thread's): the reader polls it on the UI
        thread to notice changes made by the CLI, cron or its own worker
        threads, and its own UI-thread writes never change it.
        """
        return self.store.data_version()

    def _now(self) -> int:
        return int(self.clock())

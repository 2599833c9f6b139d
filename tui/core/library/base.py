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

from tui.core.library.fetching import FetchSettings
from tui.core.storage import Store


class LibraryBase:
    """A cache's path, its per-thread connections, fetch settings and clock."""

    def __init__(
        self,
        db_path: str | Path,
        *,
        fetch: FetchSettings | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db_path = Path(db_path)
        self.fetch_settings = fetch or FetchSettings()
        self.clock = clock
        self._local = threading.local()
        self._stores: list[Store] = []
        self._lock = threading.Lock()
        self.store  # noqa: B018 - open (and migrate) now so errors surface early

    @property
    def store(self) -> Store:
        """This thread's connection, opened on first use."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.db_path)
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._stores:
                store.close()
            self._stores.clear()
        self._local = threading.local()

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
            if store in self._stores:
                self._stores.remove(store)
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

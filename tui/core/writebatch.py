"""Group a refresh's database writes into a few transactions.

A refresh writes each feed's entries as one unit of work.  Committing every
unit on its own makes SQLite flush (and the FTS5 index flush and merge) once
per feed, which cost as much as parsing; grouping units into a transaction
of up to ``max_units`` feeds or ``max_age`` seconds, whichever comes first,
removes most of that.  Each unit still runs inside its own savepoint (see
``Store.transaction``), so a failing feed undoes only its own writes, and a
unit's caller hears of success only once the transaction holding it has
committed: what a progress line reports as stored is stored.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

from tui.core.errors import StoreError
from tui.core.store import Store

T = TypeVar("T")

MAX_UNITS = 100
MAX_AGE_S = 0.5


class WriteBatch:
    """Runs units of work on one ``Store`` inside shared, short transactions.

    Used from the event loop of the thread that owns the store.  Writes made
    through the store while a batch is open join it, even ones that do not
    go through :meth:`run`; :meth:`close` commits whatever is left.
    """

    def __init__(self, store: Store, *, max_units: int = MAX_UNITS, max_age: float = MAX_AGE_S):
        self._store = store
        self._max_units = max_units
        self._max_age = max_age
        self._units = 0
        self._opened = 0.0
        self._committed: asyncio.Future[None] | None = None
        self._timer: asyncio.TimerHandle | None = None

    async def run(self, unit: Callable[[], T]) -> T:
        """Do ``unit`` inside the open transaction; return its result once committed.

        Raises what ``unit`` raises (its writes undone), or ``StoreError``
        when the transaction holding it could not be committed.
        """
        committed = self._open()
        try:
            with self._store.transaction():  # a savepoint inside the batch
                result = unit()
        finally:
            self._units += 1
            if self._units >= self._max_units or time.monotonic() - self._opened >= self._max_age:
                self._flush()
        await asyncio.shield(committed)
        return result

    def close(self) -> None:
        """Commit what is open (call once the last unit has run)."""
        self._flush()

    def _open(self) -> asyncio.Future[None]:
        if self._committed is None:
            loop = asyncio.get_running_loop()
            self._store.begin_batch()
            self._opened = time.monotonic()
            self._committed = loop.create_future()
            # Retrieve the outcome even if no unit is left to await it.
            self._committed.add_done_callback(lambda f: f.cancelled() or f.exception())
            self._timer = loop.call_later(self._max_age, self._flush)
        return self._committed

    def _flush(self) -> None:
        committed, self._committed = self._committed, None
        if committed is None:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._units = 0
        try:
            self._store.commit_batch()
        except StoreError as exc:
            committed.set_exception(exc)
        else:
            committed.set_result(None)

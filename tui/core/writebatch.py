"""Group a refresh's database writes into a few short transactions.

A refresh writes each feed's entries as one unit of work.  Committing every
unit on its own makes SQLite flush (and the FTS5 index flush and merge) once
per feed, which cost as much as parsing.  So units are queued, and a flush
runs the queued units in one transaction, each in its own savepoint (a
failing feed undoes only its own writes), then commits.  The write lock is
held only while a flush runs, never while the refresh waits on the network,
so the reader's own writes (marking an article read) get through at once.

A flush happens when ``max_units`` units are queued, ``max_age`` seconds
after the first of them, or as soon as every member (every feed still being
refreshed) is waiting in the queue, so that a refresh of one feed does not
wait for the timer.  A unit's caller hears of success only once its
transaction has committed: what a progress line reports as stored is stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from tui.core.errors import StoreError
from tui.core.store import Store

T = TypeVar("T")

MAX_UNITS = 100
MAX_AGE_S = 0.5


class WriteBatch:
    """Runs units of work on one ``Store`` in shared, short transactions.

    Used from the event loop of the thread that owns the store.  Each task
    that will submit a unit enters :meth:`member` first, so the batch knows
    when nobody else can add to the queue.
    """

    def __init__(self, store: Store, *, max_units: int = MAX_UNITS, max_age: float = MAX_AGE_S):
        self._store = store
        self._max_units = max_units
        self._max_age = max_age
        self._queue: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []
        self._members = 0
        self._timer: asyncio.TimerHandle | None = None

    @asynccontextmanager
    async def member(self) -> AsyncIterator[None]:
        """Mark a task that may submit a unit, for as long as it may."""
        self._members += 1
        try:
            yield
        finally:
            self._members -= 1
            self._flush_if_due()

    async def run(self, unit: Callable[[], T]) -> T:
        """Queue ``unit``; return its result once its transaction has committed.

        Raises what ``unit`` raises (its writes undone), or ``StoreError``
        when its transaction could not be committed.
        """
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append((unit, future))
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._max_age, self.flush)
        self._flush_if_due()
        return await future

    def flush(self) -> None:
        """Run and commit every queued unit now."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        queue = [(unit, future) for unit, future in self._queue if not future.done()]
        self._queue = []
        if not queue:
            return
        store = self._store
        try:
            store.begin_batch()
        except StoreError as exc:
            for _, future in queue:
                future.set_exception(exc)
            return
        done: list[tuple[asyncio.Future[Any], Any]] = []
        failed: list[tuple[asyncio.Future[Any], BaseException]] = []
        try:
            for unit, future in queue:
                try:
                    with store.transaction():  # a savepoint inside the batch
                        done.append((future, unit()))
                except Exception as exc:
                    failed.append((future, exc))
                if not store.batch_intact:  # SQLite rolled it all back (a full disk)
                    raise StoreError(f"{store.path}: cannot write (transaction rolled back)")
            store.commit_batch()
        except BaseException as exc:
            store.abort_batch()
            error = exc if isinstance(exc, StoreError) else StoreError(f"cannot write ({exc!r})")
            for _, future in queue:
                if not future.done() and not any(f is future for f, _ in failed):
                    future.set_exception(error)
            for future, unit_error in failed:
                future.set_exception(unit_error)
            if not isinstance(exc, Exception):
                raise  # KeyboardInterrupt and the like, once no unit is left waiting
            return
        for future, result in done:
            if not future.done():
                future.set_result(result)
        for future, unit_error in failed:
            if not future.done():
                future.set_exception(unit_error)

    def _flush_if_due(self) -> None:
        waiting = len(self._queue)
        if waiting and (waiting >= self._max_units or waiting >= self._members):
            self.flush()

"""Group a refresh's database writes into a few short transactions.

A refresh writes each feed's entries as one unit of work.  Committing every
unit on its own makes SQLite flush (and the FTS5 index flush and merge) once
per feed, which cost as much as parsing.  So units are queued, and a flush
runs the queued units in one transaction, each in its own savepoint (a
failing feed undoes only its own writes), then commits.  The write lock is
held only while a flush runs, never while the refresh waits on the network,
so the reader's own writes (marking an article read) get through at once.

A flush runs in a writer thread, so that the event loop goes on handing
documents to the parse workers meanwhile (run on the loop, flushes kept the
workers idle for a third of a cold refresh); only that thread uses the store
while the batch is open.  It happens when ``max_units`` units are queued,
``max_age`` seconds after the first of them, as soon as every member
(every feed still being refreshed) is waiting in the queue, so that a
refresh of one feed does not wait for the timer, or when hurried (the
refresh holds as many feeds in memory as it may, and needs some written).  A unit's caller hears of
success only once its transaction has committed: what a progress line
reports as stored is stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from tui.core.errors import StoreError
from tui.core.storage import Store

T = TypeVar("T")

MAX_UNITS = 16
MAX_AGE_S = 0.5


class WriteBatch:
    """Runs units of work on one ``Store`` in shared, short transactions.

    Used from one event loop.  Each task that will submit a unit enters
    :meth:`member` first, so the batch knows when nobody else can add to the
    queue; :meth:`aclose` writes what is left and stops the writer thread.
    The store must not be used by anything else until then.
    """

    def __init__(self, store: Store, *, max_units: int = MAX_UNITS, max_age: float = MAX_AGE_S):
        self._store = store
        self._max_units = max_units
        self._max_age = max_age
        self._queue: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []
        self._members = 0
        self._timer: asyncio.TimerHandle | None = None
        self._writing: asyncio.Future[Any] | None = None
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gazette-writer")
        self._closed = False
        # Someone waits for queued units to be written (see hurry).
        self._hurried = False

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

        ``unit`` runs in the writer thread.  Raises what ``unit`` raises (its
        writes undone), or ``StoreError`` when its transaction could not be
        committed.
        """
        if self._closed:  # a task outliving an abandoned refresh
            raise StoreError("cannot write: the refresh has ended")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.append((unit, future))
        if self._timer is None:
            self._timer = loop.call_later(self._max_age, self.flush)
        self._flush_if_due()
        return await future

    def hurry(self) -> None:
        """Write what is queued as soon as the writer is free, without waiting
        for a full batch: the caller cannot go on until some of it is written
        (the refresh bounds the feeds it holds in memory)."""
        self._hurried = True
        self._flush_if_due()

    def flush(self) -> None:
        """Start writing every queued unit (after the write in progress, if any)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._writing is not None:
            return  # the queue is looked at again when that write ends
        queue = [(unit, future) for unit, future in self._queue if not future.done()]
        self._queue = []
        self._hurried = False
        if not queue:
            return
        loop = asyncio.get_running_loop()
        writing = loop.run_in_executor(self._writer, self._write, [u for u, _ in queue])
        self._writing = writing
        writing.add_done_callback(lambda done: self._written(queue, done))

    async def aclose(self) -> None:
        """Write whatever is queued, wait for it, and stop the writer thread."""
        self._closed = True
        while self._queue or self._writing is not None:
            self.flush()
            if self._writing is not None:
                await asyncio.wait([self._writing])
        self._writer.shutdown(wait=True)

    def _written(
        self, queue: list[tuple[Callable[[], Any], asyncio.Future[Any]]], done: asyncio.Future[Any]
    ) -> None:
        """Back on the loop: hand each unit its outcome, then look at the queue."""
        self._writing = None
        if done.cancelled():
            outcomes: list[tuple[bool, Any]] = [
                (False, StoreError("cannot write (cancelled)"))
            ] * len(queue)
        elif done.exception() is not None:
            outcomes = [(False, done.exception())] * len(queue)
        else:
            outcomes = done.result()
        for (_, future), (ok, value) in zip(queue, outcomes, strict=True):
            if future.done():
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
        self._flush_if_due()

    def _write(self, units: list[Callable[[], Any]]) -> list[tuple[bool, Any]]:
        """In the writer thread: run the units in one transaction and commit.

        Returns (True, result) or (False, exception) per unit.
        """
        store = self._store
        try:
            store.begin_batch()
        except StoreError as exc:
            return [(False, exc)] * len(units)
        outcomes: list[tuple[bool, Any]] = []
        try:
            for unit in units:
                try:
                    with store.transaction():  # a savepoint inside the batch
                        outcomes.append((True, unit()))
                except Exception as exc:
                    outcomes.append((False, exc))
                if not store.batch_intact:  # SQLite rolled it all back (a full disk)
                    raise StoreError(f"{store.path}: cannot write (transaction rolled back)")
            store.commit_batch()
        except BaseException as exc:
            store.abort_batch()
            error = exc if isinstance(exc, StoreError) else StoreError(f"cannot write ({exc!r})")
            # A unit that failed keeps its own error; every other one lost its writes.
            lost = [outcome if not outcome[0] else (False, error) for outcome in outcomes]
            return lost + [(False, error)] * (len(units) - len(lost))
        return outcomes

    def _flush_if_due(self) -> None:
        waiting = len(self._queue)
        due = self._hurried or waiting >= self._max_units or waiting >= self._members
        if waiting and due:
            self.flush()

"""The refresh pipeline: a source fetches and parses, a write batch stores.

One :class:`Refresher` per refresh (or per added feed).  Each feed is one
task: its :class:`Source` brings an :class:`Update` (fetched and parsed in
the parser pool, for an HTTP feed), then one unit of writes goes to the
shared :class:`WriteBatch`.  What to write is decided in
:mod:`tui.core.refresh.decide` (server limits, moves) and, for the entries
of a document, by :func:`tui.core.entries.entry_changes`, which the store
applies inside the feed's transaction; nothing here decides, it only
carries out.

The source is the seam for other kinds of subscription: a sync account
(a Google Reader API server) will hand over entries and their state
instead of documents to parse, beside :class:`HttpSource`.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from tui.core import folders
from tui.core.errors import (
    FeedGone,
    FetchError,
    GazetteError,
    InputError,
    NotFound,
    ParseError,
    RefreshStopped,
)
from tui.core.models import Feed, FeedResult, FetchResult, ParsedFeed, RefreshSummary
from tui.core.refresh import decide, pool
from tui.core.refresh.writebatch import MAX_UNITS, WriteBatch
from tui.core.storage import Store
from tui.core.wording import plural

if TYPE_CHECKING:
    from tui.core.fetch.client import Fetcher

Progress = Callable[[int, int, FeedResult], None]
T = TypeVar("T")

# Fetched documents waiting for a parser or being parsed, at most, beyond
# those being fetched: one per parser (the pool has one per core), so that
# none waits for work.  Each place also counts twice in MAX_IN_HAND: on 2
# cores, 2 instead of 8 took 7 MB off a cold refresh of 1,000 feeds (81 ->
# 74 MB) with as many commits and the same CPU time (issue 15).
MAX_UNPARSED = min(8, os.cpu_count() or 1)
# Feeds whose news are in memory at once, at most: being fetched or parsed,
# or parsed and waiting for their writes to commit.  Room for one batch being
# written and the next filling up (so the writer never waits for work) and
# for the fetches and parses feeding them, and no more: a parsed feed of 50
# entries is ~420 KB, and unbounded, a writer slower than the parsers let a
# cold refresh of 1,000 feeds hold over 200 of them.
MAX_IN_HAND = 2 * MAX_UNITS + 2 * MAX_UNPARSED


@dataclass(frozen=True, slots=True)
class Update:
    """What a source brought for one feed.

    ``answer`` is the server's (status, headers, validators, a permanent
    move; its body already dropped); ``parsed`` the feed, or None when it
    was not modified or ``unreadable``.
    """

    answer: FetchResult
    parsed: ParsedFeed | None
    unreadable: ParseError | None = None


Admit = Callable[[], Awaitable[None]]


class Source(Protocol):
    """Where a feed's news comes from.  Raises :class:`FetchError` when the
    feed cannot be reached (the refresh records it on the feed).

    ``admit``, if given, is awaited once before the source starts bringing
    anything in (for HTTP, once the request may go: see
    :meth:`Fetcher.fetch`): the refresh bounds by it how many feeds' news
    are in memory at once.
    """

    async def update(
        self, url: str, etag: str | None, last_modified: str | None, admit: Admit | None = None
    ) -> Update: ...


class HttpSource:
    """Feeds as documents: fetched over HTTP (or from files), parsed in the pool.

    ``fetched`` holds documents already downloaded by URL (discovery's), so
    that adding a feed just discovered does not download it again.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        parsers: Callable[[], Executor],
        *,
        max_connections: int,
        fetched: Mapping[str, FetchResult] | None = None,
    ) -> None:
        self._fetcher = fetcher
        self._parsers = parsers
        self._fetched = fetched or {}
        # Fetched documents wait in memory for a parse worker; bound how many,
        # or a fast network fetches all 1,000 feeds before a tenth is parsed.
        # A place is taken only once a fetch holds its host's slot (admit).
        self._backlog = asyncio.Semaphore(max_connections + MAX_UNPARSED)

    async def update(
        self, url: str, etag: str | None, last_modified: str | None, admit: Admit | None = None
    ) -> Update:
        admitted = False
        outer = admit

        async def admit_here() -> None:
            nonlocal admitted
            if outer is not None:
                await outer()
            await self._backlog.acquire()
            admitted = True

        try:
            res = self._fetched.get(url)
            if res is not None:
                await admit_here()
            else:
                res = await self._fetcher.fetch(
                    url, etag=etag, last_modified=last_modified, admit=admit_here
                )
            if res.not_modified or res.body is None:
                return Update(res, None)
            from tui.core.parse import parse_feed

            loop = asyncio.get_running_loop()
            try:
                parsed = await loop.run_in_executor(
                    self._parsers(), parse_feed, res.body, res.final_url, res.content_type
                )
            except ParseError as exc:
                return Update(replace(res, body=None), None, exc)
            return Update(replace(res, body=None), parsed)
        finally:
            if admitted:
                self._backlog.release()


class Refresher:
    """Runs feeds through a source and one write batch; see :meth:`run`.

    Every write is a unit run by the batch (in its writer thread, on
    ``store``): nothing here writes directly.  ``open_source`` makes the
    source for a number of feeds and closes it afterwards.
    """

    def __init__(
        self,
        store: Store,
        open_source: Callable[[int], AbstractAsyncContextManager[Source]],
        *,
        now: Callable[[], int],
        progress: Progress | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self._store = store
        self._open_source = open_source
        self._now = now
        self._progress = progress
        self._stop = stop
        self._batch = WriteBatch(store)
        self._results: list[FeedResult] = []
        # Feed tasks still fetching or parsing: what a stop cancels.  A task
        # leaves the set when it hands its writes to the batch, so a stop never
        # cuts a feed whose writes may be committing (its result still counts).
        self._fetching: set[asyncio.Task[Any]] = set()
        # Feeds with news in memory (admitted by their source, not yet written);
        # made in run(), on the loop.
        self._in_hand: asyncio.Semaphore | None = None

    async def run(self, targets: Sequence[Feed]) -> RefreshSummary:
        """Refresh ``targets``; one result per feed, in their order.

        Failures are recorded on the feed and returned, never raised.  When
        ``stop`` is set, feeds still fetching or parsing are dropped, those
        already handed to the writer are written and counted, and
        :class:`RefreshStopped` is raised.
        """
        total = len(targets)
        stopped = False
        _hush_once_interrupted()
        self._in_hand = asyncio.Semaphore(MAX_IN_HAND)
        async with self._open_source(total) as source:
            tasks = [asyncio.create_task(self._guarded(f, source, total)) for f in targets]
            self._fetching.update(tasks)
            stop = self._stop
            watch = asyncio.create_task(_stop_when_set(stop, self._fetching)) if stop else None
            try:
                await asyncio.gather(*tasks)
            except asyncio.CancelledError:
                if stop is None or not stop.is_set():
                    raise
                stopped = True
                # The feeds that were writing finish (and are counted).
                if rest := [t for t in tasks if not t.done()]:
                    await asyncio.wait(rest)
            finally:
                if watch is not None:
                    watch.cancel()
                # Whatever is queued if gather was interrupted; the units of
                # cancelled feeds are dropped (their futures are done).
                await self._batch.aclose()
        if stopped:
            done = len(self._results)
            raise RefreshStopped(f"refresh stopped after {done} of {plural(total, 'feed')}")
        order = {f.id: i for i, f in enumerate(targets)}
        return RefreshSummary(tuple(sorted(self._results, key=lambda r: order[r.feed_id])))

    async def add(
        self, url: str, *, folder: str | None, tags: Sequence[str]
    ) -> tuple[Feed, FeedResult]:
        """Subscribe to ``url``: fetched and parsed by the source like any
        refresh, then added and stored in one unit.  Unlike a refresh,
        failures are raised (the user is waiting to hear why)."""
        _hush_once_interrupted()
        try:
            async with self._open_source(1) as source, self._batch.member():
                update = await source.update(url, None, None)
                if update.parsed is None:
                    raise update.unreadable or ParseError(f"{url}: no document in the answer")
                parsed = update.parsed
                unit = lambda: self._subscribe(url, folder, tags, update.answer, parsed)  # noqa: E731
                return await self._batch.run(unit)
        finally:
            await self._batch.aclose()

    # -- one feed -------------------------------------------------------------

    async def _guarded(self, feed: Feed, source: Source, total: int) -> FeedResult:
        try:
            async with self._batch.member():
                result = await self._one(feed, source)
        except NotFound:  # unsubscribed while it was being fetched
            result = FeedResult(feed.id, feed.url, feed.title)
        except GazetteError as exc:
            result = FeedResult(feed.id, feed.url, feed.title, error=str(exc))
        except Exception as exc:  # a bug must not sink the other feeds
            result = FeedResult(feed.id, feed.url, feed.title, error=f"internal error: {exc!r}")
        self._results.append(result)
        if self._progress is not None:
            self._progress(len(self._results), total, result)
        return result

    async def _one(self, feed: Feed, source: Source) -> FeedResult:
        in_hand = self._in_hand
        admitted = False

        async def admit() -> None:
            nonlocal admitted
            if in_hand is not None:
                if in_hand.locked():  # full: room comes only from writes
                    self._batch.hurry()
                await in_hand.acquire()
                admitted = True

        try:
            return await self._update(feed, source, admit)
        finally:
            if admitted and in_hand is not None:
                in_hand.release()

    async def _update(self, feed: Feed, source: Source, admit: Admit) -> FeedResult:
        """Bring the feed's news and write them (see :meth:`_one`)."""
        try:
            update = await source.update(feed.url, feed.etag, feed.last_modified, admit)
        except FetchError as exc:
            await self._commit(partial(self._record_failure, feed, exc))
            return FeedResult(feed.id, feed.url, feed.title, error=exc.reason)
        parsed = update.parsed
        if parsed is None:
            url = await self._commit(lambda: self._record_unparsed(feed, update))
            if update.unreadable:
                return FeedResult(feed.id, url, feed.title, error=update.unreadable.reason)
            return FeedResult(feed.id, url, feed.title, not_modified=True)
        url, new, updated = await self._commit(lambda: self._write(feed, update.answer, parsed))
        return FeedResult(
            feed.id,
            url,
            parsed.title or feed.title,
            new=new,
            updated=updated,
            warning=parsed.warning,
        )

    async def _commit(self, unit: Callable[[], T]) -> T:
        """Hand a unit to the batch: from here on a stop no longer cuts this feed."""
        task = asyncio.current_task()
        if task is not None:
            self._fetching.discard(task)
        return await self._batch.run(unit)

    # -- units of writes (in the writer thread) -------------------------------

    def _record_failure(self, feed: Feed, exc: FetchError) -> None:
        gone = isinstance(exc, FeedGone)
        self._record_server_limit(feed.id, exc.status, exc.headers)
        status = 410 if gone else exc.status
        self._store.record_fetch(
            feed.id, status=status, error=exc.reason, gone=gone, now=self._now()
        )

    def _record_unparsed(self, feed: Feed, update: Update) -> str:
        res = update.answer
        reason = update.unreadable.reason if update.unreadable else None
        self._record_server_limit(feed.id, res.status, res.headers)
        url = self._follow_move(feed, res)
        status = res.status if reason else 304
        self._store.record_fetch(feed.id, status=status, error=reason, now=self._now())
        return url

    def _write(self, feed: Feed, res: FetchResult, parsed: ParsedFeed) -> tuple[str, int, int]:
        self._record_server_limit(feed.id, res.status, res.headers)
        url = self._follow_move(feed, res)
        new, updated = self._store_entries(feed.id, res, parsed)
        return url, new, updated

    def _subscribe(
        self,
        url: str,
        folder: str | None,
        tags: Sequence[str],
        res: FetchResult,
        parsed: ParsedFeed,
    ) -> tuple[Feed, FeedResult]:
        store = self._store
        store_url = res.permanent_url or url
        if store_url != url and store.feed_id_for_url(store_url) is not None:
            raise InputError(f"{url}: already subscribed as {store_url}")
        if folder:
            folder = folders.adopt(folder, (f for _id, f in store.feed_folders()))
        feed_id = store.add_feed(store_url, title=parsed.title, site_url=parsed.link, folder=folder)
        if tags:
            store.set_feed_tags(feed_id, tags)
        self._record_server_limit(feed_id, res.status, res.headers)
        new, updated = self._store_entries(feed_id, res, parsed)
        feed = store.feed(feed_id)
        result = FeedResult(
            feed.id, feed.url, feed.title, new=new, updated=updated, warning=parsed.warning
        )
        return feed, result

    def _store_entries(self, feed_id: int, res: FetchResult, parsed: ParsedFeed) -> tuple[int, int]:
        return self._store.store_entries(
            feed_id,
            parsed,
            status=res.status,
            etag=res.etag,
            last_modified=res.last_modified,
            now=self._now(),
        )

    def _record_server_limit(
        self, feed_id: int, status: int | None, headers: Mapping[str, str]
    ) -> None:
        """Remember when the server allows the next fetch (Cache-Control
        max-age, Expires; Retry-After on a 429 or 503)."""
        if decide.keeps_server_limit(status, headers):
            return
        self._store.record_cache_headers(feed_id, decide.server_limit(status, headers, self._now()))

    def _follow_move(self, feed: Feed, res: FetchResult) -> str:
        """Follow a permanent redirect unless another feed already has that URL;
        returns the URL the feed now has."""
        new_url = decide.move_to(feed.url, res.permanent_url)
        if new_url and self._store.move_feed(feed.id, new_url):
            return new_url
        return feed.url


@asynccontextmanager
async def http_source(
    make_fetcher: Callable[[], Fetcher],
    n: int,
    *,
    max_connections: int,
    stop: threading.Event | None = None,
    fetched: Mapping[str, FetchResult] | None = None,
) -> AsyncIterator[Source]:
    """An :class:`HttpSource` for ``n`` feeds, its fetcher and parser pool
    closed on leaving (after a stop, a parse still running is not waited for).

    The pool starts when the first document needs parsing: a refresh where
    every feed answers 304 (or fails) starts no worker process at all.
    """
    started: list[Executor] = []

    def parsers() -> Executor:
        if not started:
            started.append(pool.parser_pool(n))
        return started[0]

    try:
        async with make_fetcher() as fetcher:
            yield HttpSource(fetcher, parsers, max_connections=max_connections, fetched=fetched)
    finally:
        for executor in started:
            executor.shutdown(wait=not (stop is not None and stop.is_set()), cancel_futures=True)


def _hush_once_interrupted() -> None:
    """Keep the event loop's error reports off the terminal once Ctrl-C has
    cancelled the run.

    ``asyncio.run`` answers SIGINT by cancelling the main task; a connection
    that receives data while it is being torn down then has its "Fatal error:
    protocol.data_received() call failed" and a traceback printed by the
    loop's default handler, after which the command line says its one line
    ("interrupted").  Reports while the run is not being cancelled go to the
    default handler as before.
    """
    main = asyncio.current_task()
    loop = asyncio.get_running_loop()

    def report(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if main is None or not main.cancelling():
            loop.default_exception_handler(context)

    loop.set_exception_handler(report)


async def _stop_when_set(stop: threading.Event, tasks: set[asyncio.Task[Any]]) -> None:
    """Cancel ``tasks`` once ``stop`` is set (checked every 0.1 s: the event is
    set from another thread, and a wake-up ten times a second costs nothing)."""
    while not stop.is_set():
        await asyncio.sleep(0.1)
    for task in list(tasks):
        task.cancel()

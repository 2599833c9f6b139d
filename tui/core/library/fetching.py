"""How the facade reaches the network: fetch settings, where a feed lives,
discovery, and the refresh pipeline over HTTP.

The one part of the facade that imports :mod:`tui.core.fetch` and
:mod:`tui.core.refresh.pipeline` (an import-linter contract holds the others
to it), so the verbs do not depend on how fetching is built.  httpx and
feedparser load only when something is fetched or parsed: the reader's first
screen needs neither (see the startup benchmark), so ``tui.core.fetch`` is
imported inside the functions that fetch, and the pipeline (its pool, writer
and scheduling rules, ~8 ms) inside :func:`refresher`.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.models import FetchResult

if TYPE_CHECKING:
    from tui.core.fetch.client import Fetcher
    from tui.core.fetch.images import ImageFetcher
    from tui.core.fetch.pages import PageFetcher
    from tui.core.models import Account, SyncResult
    from tui.core.refresh.pipeline import Progress, Refresher, Source
    from tui.core.storage import Store
    from tui.core.sync.greader import GReaderClient

__all__ = [
    "FetchSettings",
    "ImageSettings",
    "PageSession",
    "Progress",
    "discover",
    "locate",
    "refresher",
    "sync_login",
    "sync_run",
]


def __getattr__(name: str) -> object:
    """``Progress`` (the pipeline's callback type) on first use: it loads the pipeline."""
    if name == "Progress":
        from tui.core.refresh.pipeline import Progress

        return Progress
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Politeness and safety limits for fetching (configurable later)."""

    max_connections: int = 8
    per_host: int = 2
    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_redirects: int = 5
    max_bytes: int = 20 * 1024 * 1024
    user_agent: str | None = None

    def fetcher(self) -> Fetcher:
        from tui.core.fetch.client import Fetcher

        return Fetcher(
            max_connections=self.max_connections,
            per_host=self.per_host,
            connect_timeout=self.connect_timeout,
            total_timeout=self.total_timeout,
            max_redirects=self.max_redirects,
            max_bytes=self.max_bytes,
            user_agent=self.user_agent,
        )


@dataclass(frozen=True, slots=True)
class ImageSettings:
    """Where article images are cached and the caps on fetching and decoding them.

    ``cache_dir`` None keeps no disk cache (each image is fetched each time
    it is shown); the reader passes the user's cache folder.
    """

    cache_dir: Path | None = None
    cache_bytes: int = 100 * 1024 * 1024
    max_bytes: int = 5 * 1024 * 1024
    max_pixels: int = 50_000_000
    timeout: float = 15.0
    per_host: int = 2
    user_agent: str | None = None

    def fetcher(self) -> ImageFetcher:
        from tui.core.fetch.images import ImageFetcher

        return ImageFetcher(
            max_bytes=self.max_bytes,
            timeout=self.timeout,
            per_host=self.per_host,
            user_agent=self.user_agent,
        )


def locate(url: str) -> str:
    """A feed address as stored: URLs normalised, local paths made absolute,
    so that a refresh from another directory still finds the file."""
    from tui.core.urls import normalise_url

    url = normalise_url(url)
    if "://" in url:
        return url
    return str(Path(url).expanduser().resolve())


class PageSession:
    """Fetches article pages one at a time (reader mode), on one event loop
    kept for the session so that pages of one site reuse their connection.

    Pages are fetched one after another: a background fetch of a feed's
    articles is one more reader of the site, never a crowd.  A page on a
    private or loopback address is fetched only for a feed that lives on
    one (:class:`~tui.core.fetch.pages.PageFetcher`).  Use as ``with``.
    """

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        self._loop = asyncio.new_event_loop()
        self._fetchers: dict[bool, PageFetcher] = {}
        self._private: dict[str, bool] = {}

    def __enter__(self) -> PageSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, feed_url: str) -> tuple[str, bytes]:
        """(final URL, body) of the page at ``url``, linked from the feed at
        ``feed_url``; FetchError with a one-line reason otherwise."""
        return self._loop.run_until_complete(self._get(url, feed_url))

    async def _get(self, url: str, feed_url: str) -> tuple[str, bytes]:
        from tui.core.fetch.pages import PageFetcher, is_private_url

        private_ok = self._private.get(feed_url)
        if private_ok is None:
            private_ok = self._private[feed_url] = await is_private_url(feed_url)
        fetcher = self._fetchers.get(private_ok)
        if fetcher is None:
            s = self.settings
            fetcher = PageFetcher(
                private_ok=private_ok,
                max_connections=s.max_connections,
                per_host=s.per_host,
                connect_timeout=s.connect_timeout,
                total_timeout=s.total_timeout,
                max_redirects=s.max_redirects,
                max_bytes=s.max_bytes,
                user_agent=s.user_agent,
            )
            self._fetchers[private_ok] = await fetcher.__aenter__()
        final, body, _ = await fetcher.page(url)
        return final, body

    def close(self) -> None:
        async def shut() -> None:
            for fetcher in self._fetchers.values():
                await fetcher.__aexit__(None, None, None)

        try:
            self._loop.run_until_complete(shut())
        finally:
            self._fetchers = {}
            self._loop.close()


def discover(settings: FetchSettings, url: str) -> tuple[list[str], FetchResult | None]:
    """Feed URLs reachable from ``url`` (see :func:`tui.core.fetch.discovery.discover`),
    and the document fetched when ``url`` itself is a feed (then the one URL
    found is that feed's), so that subscribing to it need not download it again."""
    from tui.core.fetch.discovery import discover as find_feeds

    document: FetchResult | None = None

    def keep(result: FetchResult) -> None:
        nonlocal document
        document = result

    async def run() -> list[str]:
        async with settings.fetcher() as fetcher:
            return await find_feeds(fetcher, url, on_feed=keep)

    found = asyncio.run(run())
    return found, document


def refresher(
    store: Store,
    settings: FetchSettings,
    *,
    now: Callable[[], int],
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    fetched: dict[str, FetchResult] | None = None,
) -> Refresher:
    """A pipeline over ``store``, feeds fetched over HTTP (``fetched``: documents
    already downloaded, by URL, used instead of fetching them again)."""
    from tui.core.refresh.pipeline import Refresher, http_source

    def source(n: int) -> contextlib.AbstractAsyncContextManager[Source]:
        return http_source(
            settings.fetcher,
            n,
            max_connections=settings.max_connections,
            stop=stop,
            fetched=fetched,
        )

    return Refresher(store, source, now=now, progress=progress, stop=stop)


# -- sync accounts ---------------------------------------------------------------------------


def _greader(
    settings: FetchSettings, url: str, dialect: str | None, auth: str | None
) -> GReaderClient:
    """A Google Reader API client for the server at ``url`` (dialect by name,
    or guessed from the address), with the fetch settings' limits."""
    from tui.core.fetch.api import ApiClient
    from tui.core.sync.dialects import GENERIC, api_root, dialect_named, guess_dialect
    from tui.core.sync.greader import GReaderClient

    api = ApiClient(
        api_root(url),
        timeout=settings.total_timeout,
        user_agent=settings.user_agent,
    )
    chosen = dialect_named(dialect) if dialect else guess_dialect(url) or GENERIC
    return GReaderClient(api, chosen, auth=auth)


def sync_login(
    settings: FetchSettings, url: str, username: str, password: str, dialect: str | None
) -> tuple[str, str]:
    """Log in to a sync server: (auth token, dialect name).  Raises the
    server's one-line error (a wrong password: :class:`AuthFailed`)."""

    async def run() -> tuple[str, str]:
        client = _greader(settings, url, dialect, None)
        try:
            return await client.login(username, password), client.dialect.name
        finally:
            await client.api.aclose()

    return asyncio.run(run())


async def sync_run(
    settings: FetchSettings,
    store: Store,
    account: Account,
    token: str,
    *,
    now: Callable[[], int],
    stop: threading.Event | None,
    report: Callable[[str], None] | None,
) -> SyncResult:
    """One sync of ``account`` (see :func:`tui.core.sync.engine.sync_account`).

    Setting ``stop`` ends it within about 0.1 s, in the middle of a request
    too: the engine writes nothing while it waits for the network, so what
    it wrote before stays whole.
    """
    from tui.core.models import SyncResult
    from tui.core.sync.engine import sync_account

    client = _greader(settings, account.url, account.dialect, token)
    started: list[Executor] = []

    def worker() -> Executor:
        """One parser process, for the words and packed bodies of many items
        (see ``sync_account``); stopped with the sync."""
        from tui.core.refresh.pool import ParserProcesses

        if not started:
            started.append(ParserProcesses(1))
        return started[0]

    task = asyncio.ensure_future(
        sync_account(
            store,
            client,
            account,
            client.dialect,
            now=now,
            stop=stop,
            report=report,
            worker=worker,
        )
    )
    try:
        while stop is not None and not task.done():
            await asyncio.wait({task}, timeout=0.1)
            if stop.is_set():
                task.cancel()
        try:
            return await task
        except asyncio.CancelledError:
            pending = len(store.queued(account.id))
            return SyncResult(account.name, pending=pending, error="stopped", stopped=True)
    finally:
        await client.api.aclose()
        for pool in started:
            pool.shutdown(wait=False, cancel_futures=True)

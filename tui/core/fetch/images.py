"""Article images over HTTP: one event loop of its own, shared by every image.

Why a loop of its own: images are asked for one by one, from the reader's
worker threads, as they scroll into view.  A fetch per call under its own
``asyncio.run`` would make a new client (and connection) for each image and
could not hold a host's limit across images; here one :class:`Fetcher` runs
on one long-lived loop in a daemon thread, so the per-host and global
limits (the same politeness as feeds), keep-alive connections and the
redirect rules hold for every image of every article.  Callers block in
their own thread on a future; the UI thread never calls this.

What is fetched: http and https only (no local files, whatever the article
says; redirects never leave http(s), as for feeds), under a byte cap counted
on the wire and after inflating, and a total deadline per image.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from tui.core import urls
from tui.core.errors import FetchError
from tui.core.fetch.client import Fetcher

__all__ = ["IMAGE_ACCEPT", "ImageFetcher"]

#: The Accept header of image requests (formats Pillow decodes first).
IMAGE_ACCEPT = "image/png, image/jpeg, image/gif, image/webp, image/*;q=0.8"


class ImageFetcher:
    """Downloads images with caps, from any thread; :meth:`close` when done."""

    def __init__(
        self,
        *,
        max_bytes: int,
        timeout: float,
        per_host: int = 2,
        max_connections: int = 4,
        user_agent: str | None = None,
    ) -> None:
        self._fetcher = Fetcher(
            max_connections=max_connections,
            per_host=per_host,
            connect_timeout=min(10.0, timeout),
            total_timeout=timeout,
            max_redirects=5,
            max_bytes=max_bytes,
            user_agent=user_agent,
            accept=IMAGE_ACCEPT,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False
        #: How long a caller waits for its answer: the fetch's deadline, and a
        #: margin for the queue (a fetcher closed meanwhile never answers).
        self._wait = timeout * 2 + 5

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        """The fetcher's loop, started (with its client) on first use."""
        with self._lock:
            if self._closed:
                raise RuntimeError("ImageFetcher is closed")
            if self._loop is None:
                loop = asyncio.new_event_loop()
                ready = threading.Event()

                def run() -> None:
                    asyncio.set_event_loop(loop)
                    loop.run_until_complete(self._fetcher.__aenter__())
                    ready.set()
                    loop.run_forever()

                thread = threading.Thread(target=run, name="gazette-images", daemon=True)
                thread.start()
                ready.wait()
                self._loop, self._thread = loop, thread
            return self._loop

    def fetch(self, url: str) -> bytes:
        """The bytes at ``url`` (blocking; call from a worker thread).

        Raises :class:`FetchError` with one line for anything that went
        wrong: another scheme, an HTTP error, over the cap, too slow.
        """
        if urls.target_kind(url) != "http":
            raise FetchError(url, "only http and https images are fetched")
        future: Future[bytes] = asyncio.run_coroutine_threadsafe(
            self._get(url), self._running_loop()
        )
        try:
            return future.result(timeout=self._wait)
        except FutureTimeout:
            future.cancel()
            raise FetchError(url, f"no answer in {self._wait:g} s") from None

    async def _get(self, url: str) -> bytes:
        result = await self._fetcher.fetch(url)
        if result.body is None:  # a 304 we never asked for
            raise FetchError(url, f"HTTP {result.status} without a body")
        return result.body

    def close(self) -> None:
        """Close the connections and stop the loop (a fetch under way fails)."""
        with self._lock:
            self._closed = True
            loop, thread, self._loop, self._thread = self._loop, self._thread, None, None
        if loop is None or thread is None:
            return
        done = asyncio.run_coroutine_threadsafe(self._fetcher.__aexit__(None, None, None), loop)
        with contextlib.suppress(Exception):  # best effort: the thread is a daemon
            done.result(timeout=2)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=2)
        if not thread.is_alive():
            loop.close()

"""The HTTP fetcher: downloading feeds politely and safely.

Why it is built the way it is (see ``shared/STACK-NOTES.md``, pitfall 8):

* **Politeness.**  A global semaphore caps requests in flight (default 8) and a
  per-host semaphore (default 2, keyed by ``host:port``) keeps one slow or big
  site from getting hammered by a refresh of many feeds.  Conditional GET
  (``If-None-Match`` / ``If-Modified-Since``) lets servers answer 304.
* **Bounded cost.**  A server that drips one byte a second passes every read
  timeout, so the whole request (redirects and body included) runs under one
  total deadline.  Bodies are capped on the wire *and* after decompression
  (:mod:`.decoding`).
* **Redirects by hand.**  We count hops, refuse non-http(s) targets (a feed
  must not be able to point us at ``file:///etc/passwd``), and report a
  ``permanent_url`` only when every hop was permanent (301/308), so the
  stored feed URL moves only when the server really said so.
* **One-line errors.**  Every failure leaves :meth:`Fetcher.fetch` as
  :class:`FetchError` (or :class:`FeedGone` for 410) with a short reason fit
  to show a user (:mod:`.reasons`).

Local files (plain paths or ``file://`` URLs) go through the same entry point
so that tests, OPML imports and ``gazette add ./feed.xml`` need no special case.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit
from urllib.request import url2pathname

import httpx

from tui import __version__
from tui.core import urls
from tui.core.errors import FeedGone, FetchError
from tui.core.fetch.decoding import (
    TooLarge,
    inflate_gzip,
    size_label,
)
from tui.core.fetch.hostpools import drain, pooling
from tui.core.fetch.reasons import describe, detail
from tui.core.fetch.streams import read_capped
from tui.core.models import FetchResult
from tui.core.parse import sniff

__all__ = ["ACCEPT", "ACCEPT_ENCODING", "USER_AGENT", "Fetcher"]

USER_AGENT = f"gazette/{__version__}"
#: Sent with every request.  Feed types first; HTML last so discovery still works.
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, "
    "application/json;q=0.8, text/html;q=0.7, */*;q=0.5"
)

#: Only what we can inflate ourselves with a bounded decompressor.
ACCEPT_ENCODING = "gzip, deflate"

_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_PERMANENT_CODES = frozenset({301, 308})


@dataclass(frozen=True, slots=True)
class _Hop:
    """A redirect answer: where to go next."""

    status: int
    location: str | None
    url: httpx.URL


@dataclass(frozen=True, slots=True)
class _Final:
    """A non-redirect answer with its body already read (None for 304)."""

    status: int
    url: str
    headers: dict[str, str]
    body: bytes | None


class Fetcher:
    """Fetches feed URLs (and local files) with limits; use as ``async with``.

    The ``httpx.AsyncClient`` is created in ``__aenter__`` and closed in
    ``__aexit__`` because a client belongs to the event loop it first ran on
    (reusing it under a second ``asyncio.run()`` fails).  One Fetcher per
    loop, shared by every concurrent :meth:`fetch`, so the limits are global.

    Subclasses vet each request and each answer (:meth:`_vet_request`,
    :meth:`_vet_answer`): :class:`~tui.core.fetch.pages.PageFetcher` does.
    """

    #: The Accept header sent with every request.
    accept = ACCEPT

    def __init__(
        self,
        *,
        max_connections: int = 8,
        per_host: int = 2,
        connect_timeout: float = 10.0,
        total_timeout: float = 30.0,
        max_redirects: int = 5,
        max_bytes: int = 20 * 1024 * 1024,
        user_agent: str | None = None,
        accept: str | None = None,
    ) -> None:
        """``accept`` is the Accept header (images ask for ``image/*``); by
        default the class's (feed types; a page fetcher's asks for HTML)."""
        if max_connections < 1 or per_host < 1:
            raise ValueError("max_connections and per_host must be at least 1")
        self.max_connections = max_connections
        self.per_host = per_host
        self.connect_timeout = connect_timeout
        self.total_timeout = total_timeout
        self.max_redirects = max_redirects
        self.max_bytes = max_bytes
        self.user_agent = user_agent or USER_AGENT
        if accept is not None:
            self.accept = accept
        self._client: httpx.AsyncClient | None = None
        self._global: asyncio.Semaphore | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Self:
        # httpx's own timeouts are a backstop; the total deadline is ours.
        timeout = httpx.Timeout(
            self.total_timeout,
            connect=self.connect_timeout,
        )
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=timeout,
            headers={
                "User-Agent": self.user_agent,
                "Accept": self.accept,
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            # trust_env stays on: HTTP(S)_PROXY, NO_PROXY and SSL_CERT_FILE are how
            # users behind corporate proxies make any HTTP client work.
            **pooling(self.per_host),
        )
        self._global = asyncio.Semaphore(self.max_connections)
        self._hosts = {}
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        admit: Callable[[], Awaitable[None]] | None = None,
    ) -> FetchResult:
        """Download ``url`` (http(s), ``file://`` or a local path).

        ``admit``, if given, is awaited once this fetch holds its host's and
        the global slot, just before the first request (for a local file,
        before reading it): a refresh uses it to bound the documents fetched
        but not yet parsed without letting feeds that wait for a busy host
        hold places that feeds of other hosts could use.

        Returns a 200 result with the body, or a 304 result with ``body=None``
        when the validators still match.  Raises :class:`FeedGone` on 410 and
        :class:`FetchError` for everything else that went wrong; no other
        exception escapes (cancellation excepted).  Using an http URL outside
        ``async with`` is a programming error and raises ``RuntimeError``.
        """
        target = urls.normalise_url(url)
        if not target:
            raise FetchError(url, "empty URL")
        kind = urls.target_kind(target)
        if kind == "file":
            if admit is not None:
                await admit()
            return await self._fetch_file(url, target)
        if kind != "http":
            raise FetchError(url, f"unsupported URL scheme {kind!r}")
        if self._client is None or self._global is None:
            raise RuntimeError("Fetcher.fetch() needs 'async with Fetcher() as fetcher'")
        try:
            return await self._fetch_http(url, target, etag, last_modified, admit)
        except FetchError:
            raise
        except TimeoutError:
            raise FetchError(url, f"timed out after {self.total_timeout:g} s") from None
        except Exception as exc:
            reason = describe(
                exc, connect_timeout=self.connect_timeout, total_timeout=self.total_timeout
            )
            raise FetchError(url, reason) from exc

    # -- http -------------------------------------------------------------------------

    async def _fetch_http(
        self,
        url: str,
        target: str,
        etag: str | None,
        last_modified: str | None,
        admit: Callable[[], Awaitable[None]] | None = None,
    ) -> FetchResult:
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        current = _parse_http_url(url, target)
        hops = 0
        all_permanent = True
        previous: httpx.URL | None = None
        while True:
            await self._vet_request(url, current, previous)
            async with self._slots(current):
                if admit is not None:
                    await admit()
                    admit = None
                # The clock starts once we may talk to the server, so a long
                # queue behind the concurrency limits is not counted as slowness.
                if deadline is None:
                    deadline = loop.time() + self.total_timeout
                async with asyncio.timeout_at(deadline):
                    answer = await self._request(url, current, headers)
            if isinstance(answer, _Final):
                break
            hops += 1
            if hops > self.max_redirects:
                raise FetchError(url, f"too many redirects (more than {self.max_redirects})")
            all_permanent = all_permanent and answer.status in _PERMANENT_CODES
            if not answer.location:
                raise FetchError(url, f"HTTP {answer.status} redirect without a Location")
            try:
                nxt = answer.url.join(answer.location.strip())
            except httpx.InvalidURL:
                raise FetchError(url, "redirect to an invalid URL") from None
            if nxt.scheme not in ("http", "https"):
                raise FetchError(url, f"redirect to unsupported URL scheme {nxt.scheme!r}")
            if not nxt.host:
                raise FetchError(url, "redirect to an invalid URL")
            previous, current = current, nxt

        permanent_url = answer.url if hops and all_permanent else None
        ok = answer.status == 200
        return FetchResult(
            url=url,
            final_url=answer.url,
            status=answer.status,
            body=answer.body,
            content_type=answer.headers.get("content-type"),
            etag=answer.headers.get("etag") if ok else None,
            last_modified=answer.headers.get("last-modified") if ok else None,
            permanent_url=permanent_url,
            headers=answer.headers,
        )

    @contextlib.asynccontextmanager
    async def _slots(self, target: httpx.URL) -> AsyncIterator[None]:
        """Hold a per-host slot, then a global one.

        Always in that order, so a task parked on a busy host never sits on a
        global slot that requests to other hosts could use.
        """
        assert self._global is not None
        port = target.port or (443 if target.scheme == "https" else 80)
        key = f"{target.host}:{port}"
        host_sem = self._hosts.get(key)
        if host_sem is None:
            host_sem = self._hosts[key] = asyncio.Semaphore(self.per_host)
        async with host_sem, self._global:
            yield

    async def _request(self, url: str, target: httpx.URL, headers: dict[str, str]) -> _Hop | _Final:
        """One GET; returns a redirect to follow or the final answer with its body."""
        assert self._client is not None
        async with self._client.stream("GET", target, headers=headers) as resp:
            status = resp.status_code
            resp_headers = {k.lower(): v for k, v in resp.headers.items()}
            if status in _REDIRECT_CODES:
                await drain(resp)
                return _Hop(status, resp_headers.get("location"), resp.url)
            if status == 304:  # before any status check: 304 is not an error
                await drain(resp)
                return _Final(304, str(resp.url), resp_headers, None)
            if status == 410:
                await drain(resp)
                raise FeedGone(url, "gone (HTTP 410)", 410)
            if not 200 <= status < 300:
                await drain(resp)
                reason = f"HTTP {status} {resp.reason_phrase}".strip()
                raise FetchError(url, reason, status, headers=resp_headers)
            try:
                self._vet_answer(url, resp_headers)
            except FetchError:
                await drain(resp)
                raise
            body = await self._read_body(url, resp, resp_headers)
            return _Final(status, str(resp.url), resp_headers, body)

    async def _vet_request(self, url: str, target: httpx.URL, previous: httpx.URL | None) -> None:
        """Raise FetchError to refuse ``target`` (redirected from ``previous``)."""

    def _vet_answer(self, url: str, headers: dict[str, str]) -> None:
        """Raise FetchError to refuse an answer before its body is read."""

    async def _read_body(self, url: str, resp: httpx.Response, headers: dict[str, str]) -> bytes:
        """Stream the raw body, inflating it ourselves, never holding more than the cap."""
        try:
            body = await read_capped(url, resp, headers, self.max_bytes)
        except TooLarge:
            raise self._too_large(url) from None
        return self._inflate_unlabelled(url, body)

    def _inflate_unlabelled(self, url: str, body: bytes) -> bytes:
        """``body`` inflated if it is gzip data nobody said was compressed.

        Servers send ``feed.xml.gz`` files, or gzip twice, without (another)
        ``Content-Encoding``; like most feed readers we decode them, once,
        under the same cap as any body (a gzip bomb stops at the cap).
        """
        if not sniff.is_gzip(body):
            return body
        try:
            return inflate_gzip(body, self.max_bytes)
        except TooLarge:
            raise self._too_large(url) from None
        except zlib.error:
            raise FetchError(url, "corrupt gzip data") from None

    def _too_large(self, url: str) -> FetchError:
        return FetchError(url, f"response larger than {size_label(self.max_bytes)}")

    # -- local files ------------------------------------------------------------------

    async def _fetch_file(self, url: str, target: str) -> FetchResult:
        """Read a local feed file, off the event loop, under the same size cap."""
        if target.lower().startswith("file:"):
            parts = urlsplit(target)
            if parts.netloc not in ("", "localhost"):
                raise FetchError(url, "file URLs naming a remote host are not supported")
            path = url2pathname(parts.path)
        else:
            path = os.path.expanduser(target)
        try:
            data = await asyncio.to_thread(_read_capped, path, self.max_bytes)
        except TooLarge:
            raise self._too_large(url) from None
        except FileNotFoundError:
            raise FetchError(url, "no such file") from None
        except IsADirectoryError:
            raise FetchError(url, "is a directory, not a file") from None
        except PermissionError:
            raise FetchError(url, "permission denied") from None
        except OSError as exc:
            raise FetchError(url, detail("cannot read the file", exc.strerror)) from None
        body = self._inflate_unlabelled(url, data)
        return FetchResult(url=url, final_url=target, status=200, body=body)


def _parse_http_url(url: str, target: str) -> httpx.URL:
    """Validate an http(s) URL up front so httpx's odd exceptions never surface."""
    try:
        parsed = httpx.URL(target)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise FetchError(url, detail("invalid URL", str(exc))) from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchError(url, "invalid URL: no host name")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise FetchError(url, f"invalid URL: port {parsed.port} out of range")
    return parsed


def _read_capped(path: str, limit: int) -> bytes:
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise TooLarge
    return data

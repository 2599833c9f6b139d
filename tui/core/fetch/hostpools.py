"""Keeping connections: an httpx transport with one small pool per host.

Why not httpx's single pool: httpcore re-examines every connection it holds
twice per request (once when the request arrives, once when its response is
closed), and checks each idle one with a ``poll()`` and a ``getpeername()``;
it also counts the pool once per idle connection.  With connections kept for
16 hosts, a refresh of 1,000 feeds spent about 2 s of CPU on that alone.

Here each host (scheme, host, port) gets its own httpcore pool, which never
holds more connections than the host's slots in
:class:`tui.core.fetch.client.Fetcher` let requests run at once, so each
scan is of one or two connections.  The pools of the hosts used least
recently are closed once more than ``keep`` hosts have one, skipping any
with a response still open.  All pools share
one TLS context: building one per host would load the CA bundle each time;
it is built for the first https host, so a refresh of plain-http feeds
never loads the bundle (~50 ms).

How the fetcher's client keeps connections is decided here too
(:func:`pooling`: these pools, or httpx's own behind a proxy), and
:func:`drain` reads the small bodies nobody wants so that their connections
go back to a pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.request import getproxies

import httpx

__all__ = ["KEEPALIVE_HOSTS", "HostPools", "drain", "pooling"]

# Hosts whose idle connections are kept open for reuse (each keeps at most
# its per-host slots' worth: see HostPools).
KEEPALIVE_HOSTS = 32
# An unwanted body is read to keep its connection if declared at most this
# long, for at most this long (see drain).
_DRAIN_LIMIT = 64 * 1024
_DRAIN_SECONDS = 1.0


class _Pool:
    """One host's transport, how many of its responses are still open, and
    when it was last in use (a request started or a response closed)."""

    __slots__ = ("busy", "transport", "used")

    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self.transport = transport
        self.busy = 0
        self.used = 0.0


class _Released(httpx.AsyncByteStream):
    """A response body that marks its pool free again once closed."""

    def __init__(
        self, stream: httpx.AsyncByteStream, pool: _Pool, clock: Callable[[], float]
    ) -> None:
        self._stream = stream
        self._pool: _Pool | None = pool
        self._clock = clock

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.busy -= 1
            pool.used = self._clock()  # idle from now, however long the body took
        await self._stream.aclose()


class HostPools(httpx.AsyncBaseTransport):
    """Routes each request to its host's own transport (see the module docstring).

    ``make`` builds one host's transport (given its scheme); ``keep`` is how many hosts may keep
    idle connections, and ``expiry`` how long (seconds) an idle host keeps
    them.  httpcore drops expired connections only in the pool serving a
    request, so without the expiry here a host not asked again would hold its
    connections (closed by the server, in CLOSE_WAIT) until evicted.
    """

    def __init__(
        self,
        make: Callable[[str], httpx.AsyncBaseTransport],
        keep: int,
        *,
        expiry: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if keep < 1:
            raise ValueError("keep must be at least 1")
        self._make = make
        self._keep = keep
        self._expiry = expiry
        self._clock = clock
        # Least recently used first.
        self._pools: OrderedDict[tuple[str, str, int | None], _Pool] = OrderedDict()

    @property
    def hosts(self) -> int:
        """How many hosts have a pool right now."""
        return len(self._pools)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key = (url.scheme, url.host, url.port)
        pool = self._pools.pop(key, None)
        if pool is None:
            pool = _Pool(self._make(url.scheme))
        self._pools[key] = pool
        pool.busy += 1
        pool.used = self._clock()
        try:
            await self._evict()
            response = await pool.transport.handle_async_request(request)
        except BaseException:
            pool.busy -= 1
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_Released(response.stream, pool, self._clock),
            extensions=response.extensions,
        )

    async def _evict(self) -> None:
        """Close idle pools: the least recently used beyond ``keep``, and any
        not used for ``expiry`` seconds.

        The victims leave ``_pools`` before the first ``await``: while one
        closes, other requests run, and must neither find a pool on its way
        out nor have theirs picked.
        """
        excess = len(self._pools) - self._keep
        stale = self._clock() - self._expiry
        victims: list[_Pool] = []
        # Least recently asked first.  The whole table is scanned (it holds
        # about ``keep`` pools): a host asked long ago may have closed its
        # last response only just now, so the order says nothing about `used`.
        for key, pool in list(self._pools.items()):
            if pool.busy == 0 and (excess > 0 or pool.used <= stale):
                del self._pools[key]
                victims.append(pool)
                excess -= 1
        for pool in victims:
            # Idle connections going away: a failure there is nobody's business.
            with contextlib.suppress(Exception):
                await pool.transport.aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.transport.aclose()


def pooling(per_host: int) -> dict[str, Any]:
    """How the fetcher's client keeps connections (keyword arguments for
    ``httpx.AsyncClient``): requests in flight are capped by the fetcher's own
    slots (globally and ``per_host``), so the pools only keep idle
    connections for reuse.

    Normally one pool per host (:class:`HostPools`).  httpx honours proxy
    variables only with its own transport, so when the environment names
    a proxy the client keeps its single pool (every request goes to the
    proxy anyway).  Either way the pools are not capped at the global
    limit: 8 connections for 16 hosts closed one and opened another for
    nearly every request of a refresh.
    """
    if _env_proxy():
        kept = KEEPALIVE_HOSTS * per_host
        return {"limits": httpx.Limits(max_connections=None, max_keepalive_connections=kept)}
    per_host_limits = httpx.Limits(max_connections=None, max_keepalive_connections=per_host)
    tls: list[ssl.SSLContext] = []

    def make(scheme: str) -> httpx.AsyncBaseTransport:
        if scheme != "https":  # a transport of plain http never speaks TLS
            return httpx.AsyncHTTPTransport(verify=False, limits=per_host_limits)
        if not tls:
            tls.append(httpx.create_ssl_context())
        return httpx.AsyncHTTPTransport(verify=tls[0], limits=per_host_limits)

    return {"transport": HostPools(make, keep=KEEPALIVE_HOSTS)}


def _env_proxy() -> bool:
    """Whether httpx would send some request through a proxy named in the
    environment: it reads only the http, https and all schemes, and a ``*``
    among the ``NO_PROXY`` names turns them all off."""
    proxies = getproxies()
    if "*" in (name.strip() for name in proxies.get("no", "").split(",")):
        return False
    return any(proxies.get(scheme) for scheme in ("http", "https", "all"))


async def drain(resp: httpx.Response) -> None:
    """Read a small unwanted body (304, redirect, error page) so that the
    connection goes back to the pool: an unread response closes it, which
    made every 304 of a warm refresh open a new connection.

    Only a body declared small (or none) is read, briefly, and nothing that
    goes wrong here matters: the answer is already known, and at worst the
    connection closes as before.
    """
    length = resp.headers.get("content-length", "").strip()
    small = length.isdigit() and int(length) <= _DRAIN_LIMIT
    if resp.status_code != 304 and not small:  # a 304 never has a body
        return
    try:
        async with asyncio.timeout(_DRAIN_SECONDS):
            async for _ in resp.aiter_raw():
                pass
    except (TimeoutError, httpx.HTTPError):
        pass

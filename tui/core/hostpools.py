"""An httpx transport that keeps one small connection pool per host.

Why not httpx's single pool: httpcore re-examines every connection it holds
twice per request (once when the request arrives, once when its response is
closed), and checks each idle one with a ``poll()`` and a ``getpeername()``;
it also counts the pool once per idle connection.  With connections kept for
16 hosts, a refresh of 1,000 feeds spent about 2 s of CPU on that alone.

Here each host (scheme, host, port) gets its own httpcore pool, which never
holds more connections than the host's slots in :class:`tui.core.fetch.Fetcher`
let requests run at once, so each scan is of one or two connections.  The
pools of the hosts used least recently are closed once more than ``keep``
hosts have one, skipping any with a response still open.  All pools share
one TLS context: building one per host would load the CA bundle each time.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable

# Keep httpx's command-line tool (and with it Rich) out: see fetch.py.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx  # noqa: E402

__all__ = ["HostPools"]


class _Pool:
    """One host's transport and how many of its responses are still open."""

    __slots__ = ("busy", "transport")

    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self.transport = transport
        self.busy = 0


class _Released(httpx.AsyncByteStream):
    """A response body that marks its pool free again once closed."""

    def __init__(self, stream: httpx.AsyncByteStream, pool: _Pool) -> None:
        self._stream = stream
        self._pool: _Pool | None = pool

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.busy -= 1
        await self._stream.aclose()


class HostPools(httpx.AsyncBaseTransport):
    """Routes each request to its host's own transport (see the module docstring).

    ``make`` builds one host's transport; ``keep`` is how many hosts may keep
    idle connections.
    """

    def __init__(self, make: Callable[[], httpx.AsyncBaseTransport], keep: int) -> None:
        if keep < 1:
            raise ValueError("keep must be at least 1")
        self._make = make
        self._keep = keep
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
            pool = _Pool(self._make())
        self._pools[key] = pool
        pool.busy += 1
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
            stream=_Released(response.stream, pool),
            extensions=response.extensions,
        )

    async def _evict(self) -> None:
        """Close the least recently used idle pools beyond ``keep``."""
        excess = len(self._pools) - self._keep
        if excess <= 0:
            return
        idle = [key for key, pool in self._pools.items() if pool.busy == 0][:excess]
        for key in idle:
            await self._pools.pop(key).transport.aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.transport.aclose()

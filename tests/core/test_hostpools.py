"""HostPools: one transport per host, the least recently used idle ones closed.

Unit tests with in-memory transports; the real pools on loopback are covered
by test_refresh.py (connection reuse across hosts and on 304s).
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tui.core.hostpools import HostPools


class Recorder:
    """Builds in-memory transports and remembers which ones were closed."""

    def __init__(self) -> None:
        self.made: list[FakeHost] = []

    def make(self) -> httpx.AsyncBaseTransport:
        host = FakeHost()
        self.made.append(host)
        return host

    def closed(self) -> list[str]:
        return [h.host for h in self.made if h.closed]


class FakeHost(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.host = ""
        self.closed = False
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "refused.test":
            raise httpx.ConnectError("refused", request=request)
        self.host = request.url.host
        self.requests += 1
        return httpx.Response(200, content=b"body of " + request.url.host.encode())

    async def aclose(self) -> None:
        self.closed = True


def run(coro: object) -> object:
    return asyncio.run(coro)  # type: ignore[arg-type]


def test_each_host_gets_its_own_transport_and_keeps_it() -> None:
    rec = Recorder()

    async def go() -> None:
        async with httpx.AsyncClient(transport=HostPools(rec.make, keep=4)) as client:
            for url in ("http://a.test/1", "http://b.test/1", "http://a.test/2", "https://a.test/"):
                assert (await client.get(url)).content.startswith(b"body of ")
        # Closing the client closes every pool.
        assert all(h.closed for h in rec.made)

    run(go())
    # http and https on the same name are different hosts (different ports).
    assert [(h.host, h.requests) for h in rec.made] == [("a.test", 2), ("b.test", 1), ("a.test", 1)]


def test_least_recently_used_idle_hosts_are_closed_beyond_keep() -> None:
    rec = Recorder()

    async def go() -> None:
        pools = HostPools(rec.make, keep=2)
        async with httpx.AsyncClient(transport=pools) as client:
            for host in ("a", "b", "a", "c"):  # b is now the least recently used
                await client.get(f"http://{host}.test/")
            assert rec.closed() == ["b.test"]
            assert pools.hosts == 2
            await client.get("http://d.test/")
            assert sorted(rec.closed()) == ["a.test", "b.test"]

    run(go())


def test_a_host_with_an_open_response_is_never_closed() -> None:
    rec = Recorder()

    async def go() -> None:
        pools = HostPools(rec.make, keep=1)
        async with httpx.AsyncClient(transport=pools) as client:
            async with client.stream("GET", "http://slow.test/") as held:
                await client.get("http://b.test/")  # over keep, but slow.test is busy
                assert rec.closed() == []
                assert pools.hosts == 2
                assert await held.aread() == b"body of slow.test"
            await client.get("http://c.test/")  # now slow.test is idle and oldest
            assert rec.closed() == ["slow.test", "b.test"]
            assert pools.hosts == 1

    run(go())


def test_a_failed_request_leaves_its_host_idle() -> None:
    rec = Recorder()

    async def go() -> None:
        pools = HostPools(rec.make, keep=1)
        async with httpx.AsyncClient(transport=pools) as client:
            with pytest.raises(httpx.ConnectError):
                await client.get("http://refused.test/")
            await client.get("http://b.test/")
            # The refused host's pool counted as idle, so it made room.
            assert [h.closed for h in rec.made] == [True, False]

    run(go())


def test_keep_must_be_positive() -> None:
    with pytest.raises(ValueError):
        HostPools(Recorder().make, keep=0)

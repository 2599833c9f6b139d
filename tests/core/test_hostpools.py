"""HostPools: one transport per host, the least recently used idle ones closed.

Unit tests with in-memory transports; the real pools on loopback are covered
by test_refresh.py (connection reuse across hosts and on 304s).
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import httpx
import pytest
from feedserver import FeedServer
from typing_extensions import override

from tui.core.fetch.hostpools import HostPools, pooling


class Recorder:
    """Builds in-memory transports and remembers which ones were closed."""

    def __init__(self) -> None:
        self.made: list[FakeHost] = []

    def make(self, scheme: str) -> httpx.AsyncBaseTransport:
        host = FakeHost()
        self.made.append(host)
        return host

    def closed(self) -> list[str]:
        return [h.host for h in self.made if h.closed]


class FakeHost(httpx.AsyncBaseTransport):
    """A host whose requests take ``delay`` and whose closing takes ``close_delay``
    (a real pool yields while its sockets close)."""

    delay = 0.0
    close_delay = 0.0

    def __init__(self) -> None:
        self.host = ""
        self.closed = False
        self.requests = 0
        self.in_flight = 0

    @override
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "refused.test":
            raise httpx.ConnectError("refused", request=request)
        if self.closed:
            raise httpx.ReadError("request on a closed pool", request=request)
        self.host = request.url.host
        self.requests += 1
        self.in_flight += 1
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        if self.closed:
            raise httpx.ReadError("pool closed under a request", request=request)
        return httpx.Response(200, content=b"body of " + request.url.host.encode())

    @override
    async def aclose(self) -> None:
        assert self.in_flight == 0, f"{self.host} closed with a request in flight"
        self.closed = True
        await asyncio.sleep(self.close_delay)


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


@pytest.mark.parametrize("second", ["http://h1.test/", "http://other.test/"])
def test_requests_during_a_slow_eviction_are_not_broken(
    second: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: the victims were chosen, then closed one by one with an
    await between, while other requests picked a listed pool (which was then
    closed under them) or evicted it first (a KeyError for an unrelated feed)."""
    monkeypatch.setattr(FakeHost, "close_delay", 0.01)
    rec = Recorder()

    async def go() -> list[object]:
        pools = HostPools(rec.make, keep=2)
        async with httpx.AsyncClient(transport=pools) as client:
            # Four hosts busy at once (more than keep), then all idle.
            held = [
                await client.send(client.build_request("GET", f"http://h{n}.test/"), stream=True)
                for n in range(4)
            ]
            for response in held:
                await response.aclose()

            async def get(url: str) -> object:
                try:
                    return (await client.get(url)).status_code
                except Exception as exc:  # what the test is looking for
                    return repr(exc)

            # new.test evicts three idle hosts, slowly; meanwhile `second` arrives.
            first = asyncio.create_task(get("http://new.test/"))
            await asyncio.sleep(0)
            return list(await asyncio.gather(first, get(second)))

    assert run(go()) == [200, 200]


def test_hosts_idle_past_the_expiry_are_closed() -> None:
    """httpcore drops expired connections only in the pool it is using, so an
    idle host not asked again would keep its (server-closed) sockets."""
    rec = Recorder()
    now = [100.0]

    async def go() -> None:
        pools = HostPools(rec.make, keep=10, expiry=5.0, clock=lambda: now[0])
        async with httpx.AsyncClient(transport=pools) as client:
            await client.get("http://old.test/")
            now[0] += 3
            await client.get("http://recent.test/")
            now[0] += 3  # old.test idle 6 s, recent.test 3 s
            await client.get("http://other.test/")
            assert rec.closed() == ["old.test"]
            assert pools.hosts == 2

    run(go())


def test_a_host_is_idle_from_when_its_response_closed() -> None:
    """A body that took longer than the expiry to read does not make its host
    look stale the moment it is done."""
    rec = Recorder()
    now = [100.0]

    async def go() -> None:
        pools = HostPools(rec.make, keep=10, expiry=5.0, clock=lambda: now[0])
        async with httpx.AsyncClient(transport=pools) as client:
            async with client.stream("GET", "http://long.test/") as response:
                now[0] += 30  # a slow download
                await response.aread()
            await client.get("http://other.test/")
            assert rec.closed() == []

    run(go())


def test_a_stale_host_behind_a_long_download_is_still_closed() -> None:
    """Found in review: the expiry scan stopped at the first recently used
    pool in request order, so a long download that closed late shielded the
    stale hosts behind it."""
    rec = Recorder()
    now = [0.0]

    async def go() -> None:
        pools = HostPools(rec.make, keep=8, expiry=5.0, clock=lambda: now[0])
        async with httpx.AsyncClient(transport=pools) as client:
            async with client.stream("GET", "http://a.test/") as long_body:
                now[0] = 1.0
                await client.get("http://b.test/")  # idle from t=1
                now[0] = 10.0
                await long_body.aread()  # a.test idle from t=10
            now[0] = 12.0
            await client.get("http://c.test/")
            assert rec.closed() == ["b.test"]

    run(go())


def test_keep_must_be_positive() -> None:
    with pytest.raises(ValueError):
        HostPools(Recorder().make, keep=0)


def test_plain_http_hosts_load_no_tls_context(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shared TLS context (the CA bundle, ~50 ms) is built for the first
    https host only: a refresh of plain-http feeds never needs it."""
    built: list[object] = []
    real = httpx.create_ssl_context

    def counted(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        context = real(*args, **kwargs)
        built.append(context)
        return context

    monkeypatch.setattr(httpx, "create_ssl_context", counted)
    for scheme in ("http", "https", "all"):  # per-host pools, not a proxy's
        monkeypatch.delenv(f"{scheme}_proxy", raising=False)
        monkeypatch.delenv(f"{scheme.upper()}_PROXY", raising=False)
    feed_server.page("/plain.xml", "<rss/>")

    async def fetch() -> bytes:
        async with httpx.AsyncClient(**pooling(2)) as client:
            return (await client.get(feed_server.url("/plain.xml"))).content

    assert run(fetch()) == b"<rss/>"
    assert built == []
    pools = pooling(2)["transport"]
    assert isinstance(pools, HostPools)
    pools._make("https")  # the first https host builds it, once
    pools._make("https")
    assert len(built) == 1

"""Fetcher against a real loopback server: status handling, limits, decoding, discovery.

Everything runs on 127.0.0.1 (the ``feed_server`` fixture); timeouts are
scaled down so the whole file takes a few seconds.
"""

from __future__ import annotations

import asyncio
import gzip
import itertools
import socket
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from feedserver import FeedServer, Handler, RequestRecord, unused_port

from tui import __version__
from tui.core.errors import FeedGone, FetchError, ParseError
from tui.core.fetch.client import Fetcher
from tui.core.fetch.discovery import discover, find_feed_links, looks_like_feed
from tui.core.parse import parse_feed

HTTP = Path(__file__).parent.parent / "fixtures" / "http"
TINY = HTTP / "tiny.rss"
FEED_PATH = "/http/tiny.rss"


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Fetcher honours proxy variables; these tests must talk to 127.0.0.1 directly."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def fetcher(**kw: object) -> Fetcher:
    """A Fetcher with test-sized timeouts (overridable)."""
    opts: dict[str, object] = {"connect_timeout": 2.0, "total_timeout": 5.0}
    opts.update(kw)
    return Fetcher(**opts)  # type: ignore[arg-type]


# -- plain and conditional GET ----------------------------------------------------------


async def test_200_carries_body_validators_and_headers(feed_server: FeedServer) -> None:
    async with fetcher() as f:
        r = await f.fetch(feed_server.url(FEED_PATH))
    assert r.status == 200
    assert r.body == TINY.read_bytes()
    assert r.etag and r.etag.startswith('"')
    assert r.last_modified and r.last_modified.endswith("GMT")
    assert r.content_type == "application/rss+xml"
    assert r.final_url == feed_server.url(FEED_PATH)
    assert r.permanent_url is None
    assert r.headers["etag"] == r.etag  # keys lowercased
    sent = feed_server.last_request(FEED_PATH).headers
    assert sent["user-agent"] == f"gazette/{__version__}"
    assert sent["accept-encoding"] == "gzip, deflate"
    assert "if-none-match" not in sent


async def test_a_proxy_named_in_the_environment_carries_the_requests(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """httpx honours proxy variables only with its own transport, so the
    Fetcher keeps it then (and its per-host pools otherwise)."""
    monkeypatch.setenv("HTTP_PROXY", feed_server.base_url)
    url = "http://feeds.example.test" + FEED_PATH  # a name that resolves nowhere
    async with fetcher() as f:
        r = await f.fetch(url)
    assert r.body == TINY.read_bytes()
    assert feed_server.last_request(FEED_PATH).target == url  # the proxy form


@pytest.mark.parametrize(
    ("env", "proxied"),
    [
        ({}, False),
        ({"NO_PROXY": "127.0.0.1"}, False),
        ({"FTP_PROXY": "http://p:1"}, False),  # httpx reads only http, https and all
        ({"http_proxy": "http://p:1"}, True),
        ({"HTTPS_PROXY": "http://p:1"}, True),
        ({"ALL_PROXY": "socks5://p:1"}, True),
        ({"HTTP_PROXY": "http://p:1", "NO_PROXY": "*"}, False),
        ({"HTTP_PROXY": "http://p:1", "NO_PROXY": "x.test, *"}, False),
    ],
)
def test_the_single_pool_is_kept_only_when_httpx_would_use_a_proxy(
    env: dict[str, str], proxied: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.core.fetch.hostpools import _env_proxy

    for name in ("NO_PROXY", "no_proxy", "FTP_PROXY", "ftp_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert _env_proxy() is proxied


async def test_etag_gives_304_without_body(feed_server: FeedServer) -> None:
    url = feed_server.url(FEED_PATH)
    async with fetcher() as f:
        first = await f.fetch(url)
        second = await f.fetch(url, etag=first.etag)
    assert second.status == 304
    assert second.not_modified
    assert second.body is None
    seen = feed_server.last_request(FEED_PATH)
    assert seen.headers["if-none-match"] == first.etag
    assert seen.status == 304
    assert feed_server.hits(FEED_PATH) == 2


async def test_last_modified_gives_304(feed_server: FeedServer) -> None:
    url = feed_server.url(FEED_PATH)
    async with fetcher() as f:
        first = await f.fetch(url)
        second = await f.fetch(url, last_modified=first.last_modified)
    assert second.status == 304 and second.body is None
    seen = feed_server.last_request(FEED_PATH)
    assert seen.headers["if-modified-since"] == first.last_modified
    assert "if-none-match" not in seen.headers


async def test_stale_etag_gets_full_body(feed_server: FeedServer) -> None:
    async with fetcher() as f:
        r = await f.fetch(feed_server.url(FEED_PATH), etag='"old"')
    assert r.status == 200 and r.body == TINY.read_bytes()


# -- redirects -----------------------------------------------------------------------------


async def test_all_permanent_chain_sets_permanent_url(feed_server: FeedServer) -> None:
    feed_server.redirect("/a", "/b", 301)
    feed_server.redirect("/b", FEED_PATH, 308)
    async with fetcher() as f:
        r = await f.fetch(feed_server.url("/a"))
    assert r.status == 200 and r.body == TINY.read_bytes()
    assert r.url == feed_server.url("/a")
    assert r.final_url == feed_server.url(FEED_PATH)
    assert r.permanent_url == feed_server.url(FEED_PATH)


@pytest.mark.parametrize("codes", [(302,), (307,), (301, 302), (302, 308)])
async def test_temporary_hop_means_no_permanent_url(
    feed_server: FeedServer, codes: tuple[int, ...]
) -> None:
    hops = [f"/hop{i}" for i in range(len(codes))] + [FEED_PATH]
    for src, dst, code in zip(hops, hops[1:], codes, strict=False):
        feed_server.redirect(src, dst, code)
    async with fetcher() as f:
        r = await f.fetch(feed_server.url("/hop0"))
    assert r.status == 200
    assert r.final_url == feed_server.url(FEED_PATH)
    assert r.permanent_url is None


async def test_single_308(feed_server: FeedServer) -> None:
    feed_server.redirect("/moved", feed_server.url(FEED_PATH), 308)  # absolute Location
    async with fetcher() as f:
        r = await f.fetch(feed_server.url("/moved"))
    assert r.permanent_url == feed_server.url(FEED_PATH)


async def test_redirect_loop_is_cut(feed_server: FeedServer) -> None:
    feed_server.redirect_loop("/ping", "/pong")
    async with fetcher(max_redirects=5) as f:
        with pytest.raises(FetchError, match="too many redirects"):
            await f.fetch(feed_server.url("/ping"))
    assert feed_server.hits("/ping") + feed_server.hits("/pong") == 6  # 1 + 5 redirects


async def test_exactly_max_redirects_is_fine(feed_server: FeedServer) -> None:
    hops = [f"/r{i}" for i in range(3)] + [FEED_PATH]
    for src, dst in itertools.pairwise(hops):
        feed_server.redirect(src, dst, 301)
    async with fetcher(max_redirects=3) as f:
        assert (await f.fetch(feed_server.url("/r0"))).status == 200
    async with fetcher(max_redirects=2) as f:
        with pytest.raises(FetchError, match="too many redirects"):
            await f.fetch(feed_server.url("/r0"))


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://example.invalid/feed"])
async def test_redirect_to_other_scheme_is_refused(feed_server: FeedServer, target: str) -> None:
    feed_server.redirect("/evil", target, 302)
    async with fetcher() as f:
        with pytest.raises(FetchError, match="unsupported URL scheme") as info:
            await f.fetch(feed_server.url("/evil"))
    assert info.value.url == feed_server.url("/evil")


# -- HTTP errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "text"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500")])
async def test_error_status(feed_server: FeedServer, code: int, text: str) -> None:
    feed_server.status("/broken", code)
    url = feed_server.url("/broken")
    async with fetcher() as f:
        with pytest.raises(FetchError) as info:
            await f.fetch(url)
    assert info.value.status == code
    assert text in str(info.value)
    assert str(info.value).startswith(url + ": ")
    assert not isinstance(info.value, FeedGone)


async def test_410_is_feed_gone(feed_server: FeedServer) -> None:
    feed_server.status("/gone", 410)
    async with fetcher() as f:
        with pytest.raises(FeedGone) as info:
            await f.fetch(feed_server.url("/gone"))
    assert info.value.status == 410
    assert info.value.reason == "gone (HTTP 410)"


async def test_missing_file_on_server_is_404(feed_server: FeedServer) -> None:
    async with fetcher() as f:
        with pytest.raises(FetchError, match="404") as info:
            await f.fetch(feed_server.url("/http/nope.xml"))
    assert info.value.status == 404


async def test_garbage_response_is_one_line_error(feed_server: FeedServer) -> None:
    def garbage(h: Handler) -> None:
        h.wfile.write(b"THIS IS NOT HTTP\r\n\r\n")
        h.close_connection = True

    feed_server.route("/garbage", garbage)
    async with fetcher() as f:
        with pytest.raises(FetchError, match="protocol") as info:
            await f.fetch(feed_server.url("/garbage"))
    assert "\n" not in str(info.value)


# -- time and size limits ------------------------------------------------------------------


async def test_slow_drip_is_cut_at_total_timeout(feed_server: FeedServer) -> None:
    # 200 bytes at one byte per 50 ms: every read is quick, the whole takes 10 s.
    feed_server.slow("/drip", b"x" * 200, interval=0.05)
    async with fetcher(total_timeout=0.5) as f:
        # Had the deadline not cut it, the drip would end and the fetch succeed.
        with pytest.raises(FetchError, match=r"timed out after 0\.5 s"):
            await f.fetch(feed_server.url("/drip"))


async def test_slow_headers_are_cut_too(feed_server: FeedServer) -> None:
    feed_server.delay(FEED_PATH, 3.0)
    async with fetcher(total_timeout=0.3) as f:
        with pytest.raises(FetchError, match="timed out"):
            await f.fetch(feed_server.url(FEED_PATH))


@pytest.mark.parametrize("chunked", [False, True])
async def test_oversized_body_is_refused(feed_server: FeedServer, chunked: bool) -> None:
    size = 40 * 1024 * 1024
    feed_server.big("/big", size, chunked=chunked)
    async with fetcher(max_bytes=1024 * 1024) as f:
        with pytest.raises(FetchError, match="response larger than 1 MB"):
            await f.fetch(feed_server.url("/big"))
    # We hung up early instead of reading 40 MB (socket buffers take a few MB): once the
    # handler has finished, its byte count is final.
    await asyncio.to_thread(feed_server.wait_until, FeedServer.idle)
    assert feed_server.last_request("/big").bytes_sent < size // 2


async def test_body_at_the_cap_is_accepted(feed_server: FeedServer) -> None:
    feed_server.big("/exact", 100_000, chunked=True)
    async with fetcher(max_bytes=100_000) as f:
        r = await f.fetch(feed_server.url("/exact"))
    assert r.body is not None and len(r.body) == 100_000


# -- compression ---------------------------------------------------------------------------


async def test_gzip_is_decoded(feed_server: FeedServer) -> None:
    feed_server.gzip = True
    async with fetcher() as f:
        r = await f.fetch(feed_server.url(FEED_PATH))
    assert r.headers["content-encoding"] == "gzip"
    assert r.body == TINY.read_bytes()


@pytest.mark.parametrize("encoding", ["deflate", "deflate-raw"])
async def test_deflate_zlib_and_raw_are_decoded(feed_server: FeedServer, encoding: str) -> None:
    body = TINY.read_bytes() * 50
    feed_server.page("/deflated", body, encoding=encoding)
    async with fetcher() as f:
        r = await f.fetch(feed_server.url("/deflated"))
    assert r.headers["content-encoding"] == "deflate"
    assert r.body == body


async def test_multi_member_gzip_is_decoded(feed_server: FeedServer) -> None:
    payload = gzip.compress(b"<rss>") + gzip.compress(b"</rss>")
    feed_server.route(
        "/multi",
        lambda h: h.send_plain(200, payload, {"Content-Encoding": "gzip"}),
    )
    async with fetcher() as f:
        assert (await f.fetch(feed_server.url("/multi"))).body == b"<rss></rss>"


async def test_corrupt_gzip_is_an_error(feed_server: FeedServer) -> None:
    feed_server.route(
        "/corrupt",
        lambda h: h.send_plain(
            200, b"\x1f\x8b\x08\x00garbage-garbage", {"Content-Encoding": "gzip"}
        ),
    )
    async with fetcher() as f:
        with pytest.raises(FetchError, match="corrupt gzip body"):
            await f.fetch(feed_server.url("/corrupt"))


async def test_unadvertised_encoding_is_an_error(feed_server: FeedServer) -> None:
    feed_server.route("/br", lambda h: h.send_plain(200, b"xx", {"Content-Encoding": "br"}))
    async with fetcher() as f:
        with pytest.raises(FetchError, match="unsupported content encoding 'br'"):
            await f.fetch(feed_server.url("/br"))


async def test_gzip_bomb_is_stopped_with_bounded_memory(feed_server: FeedServer) -> None:
    bomb = 100 * 1024 * 1024
    feed_server.gzip_bomb("/bomb", bomb)  # ~100 KB on the wire, built before tracing
    async with fetcher(max_bytes=1024 * 1024) as f:
        await f.fetch(feed_server.url(FEED_PATH))  # warm up: lazy imports are not the bomb
        tracemalloc.start()
        try:
            with pytest.raises(FetchError, match="response larger than 1 MB"):
                await f.fetch(feed_server.url("/bomb"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # About 1.7 MB measured: the 1 MB cap plus one 64 KB inflate step and the wire buffers.
    assert peak < 5 * 1024 * 1024, f"peak {peak} bytes"


async def test_gzip_without_content_encoding_is_decoded(feed_server: FeedServer) -> None:
    # A .xml.gz served as is was reported "plain text (neither XML nor JSON)".
    feed_server.page("/feed.xml.gz", gzip.compress(TINY.read_bytes()))
    async with fetcher() as f:
        r = await f.fetch(feed_server.url("/feed.xml.gz"))
    assert "content-encoding" not in r.headers
    assert r.body == TINY.read_bytes()


async def test_gzip_inside_gzip_is_decoded(feed_server: FeedServer) -> None:
    feed_server.page("/twice", gzip.compress(TINY.read_bytes()), encoding="gzip")
    async with fetcher() as f:
        assert (await f.fetch(feed_server.url("/twice"))).body == TINY.read_bytes()


async def test_unlabelled_gzip_bomb_and_corrupt_gzip(feed_server: FeedServer) -> None:
    feed_server.page("/bomb", gzip.compress(bytes(20 * 1024 * 1024)))  # 20 KB on the wire
    feed_server.page("/corrupt", b"\x1f\x8b\x08\x00garbage-garbage")
    async with fetcher(max_bytes=1024 * 1024) as f:
        with pytest.raises(FetchError, match="response larger than 1 MB"):
            await f.fetch(feed_server.url("/bomb"))
        with pytest.raises(FetchError, match="corrupt gzip data"):
            await f.fetch(feed_server.url("/corrupt"))


async def test_local_gzip_file_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml.gz"
    path.write_bytes(gzip.compress(TINY.read_bytes()))
    async with fetcher() as f:
        assert (await f.fetch(str(path))).body == TINY.read_bytes()


# -- network failures ----------------------------------------------------------------------


async def test_connection_refused_is_one_line() -> None:
    url = f"http://127.0.0.1:{unused_port()}/feed"
    async with fetcher() as f:
        with pytest.raises(FetchError) as info:
            await f.fetch(url)
    assert str(info.value) == f"{url}: connection refused"
    assert info.value.status is None


async def test_dns_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolution is faked to fail so the test stays offline (no resolver is asked)."""

    def no_dns(host: object, *args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    async with fetcher() as f:
        with pytest.raises(FetchError, match=r"cannot resolve host$"):
            await f.fetch("http://nonexistent.invalid/feed")


async def test_tls_error_is_one_line(feed_server: FeedServer) -> None:
    """https:// to a plain-HTTP port fails the handshake: no certificates needed."""
    url = feed_server.url(FEED_PATH).replace("http://", "https://")
    async with fetcher() as f:
        with pytest.raises(FetchError) as info:
            await f.fetch(url)
    # The reason text is OpenSSL's ("wrong version number" with OpenSSL 3.0).
    assert str(info.value).startswith(f"{url}: TLS error: ")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://[::1/feed", "invalid URL"),
        ("http://127.0.0.1:99999/feed", "port 99999 out of range"),
        ("   ", "empty URL"),
        ("http:///feed", "invalid URL"),
        ("gopher://example.invalid/feed", "unsupported URL scheme 'gopher'"),
    ],
)
async def test_bad_urls(url: str, reason: str) -> None:
    async with fetcher() as f:
        with pytest.raises(FetchError, match=reason):
            await f.fetch(url)


# -- local files ---------------------------------------------------------------------------


async def test_local_path_and_file_url(tmp_path: Path) -> None:
    async with fetcher() as f:
        by_path = await f.fetch(str(TINY))
        by_url = await f.fetch(TINY.as_uri())
    for r in (by_path, by_url):
        assert r.status == 200
        assert r.body == TINY.read_bytes()
        assert r.content_type is None
    assert by_path.final_url == str(TINY)
    assert by_url.final_url == TINY.as_uri()


async def test_local_file_errors(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * 2000)
    async with fetcher(max_bytes=1000) as f:
        with pytest.raises(FetchError, match="no such file"):
            await f.fetch(str(tmp_path / "missing.xml"))
        with pytest.raises(FetchError, match="no such file"):
            await f.fetch((tmp_path / "missing.xml").as_uri())
        with pytest.raises(FetchError, match="larger than 1000 bytes"):
            await f.fetch(str(big))
        with pytest.raises(FetchError, match="directory"):
            await f.fetch(str(tmp_path))


# -- concurrency limits --------------------------------------------------------------------


async def test_global_limit(feed_server: FeedServer) -> None:
    feed_server.delay(FEED_PATH, 0.15)
    async with fetcher(max_connections=2, per_host=10) as f:
        results = await asyncio.gather(
            *(f.fetch(feed_server.url(FEED_PATH) + f"?n={i}") for i in range(6))
        )
    assert all(r.status == 200 for r in results)
    assert feed_server.max_in_flight == 2


async def test_per_host_limit(feed_server: FeedServer) -> None:
    """Two servers are two hosts (host:port): each sees 2 at once, together 4."""
    feed_server.delay(FEED_PATH, 0.15)
    with FeedServer(HTTP.parent) as other:
        other.delay(FEED_PATH, 0.15)
        async with fetcher(max_connections=8, per_host=2) as f:
            urls = [s.url(FEED_PATH) + f"?n={i}" for s in (feed_server, other) for i in range(5)]
            results = await asyncio.gather(*(f.fetch(u) for u in urls))
        assert other.max_in_flight == 2
        records = feed_server.requests + other.requests
    assert all(r.status == 200 for r in results)
    assert feed_server.max_in_flight == 2
    assert _max_overlap(records) == 4  # the per-host limit did not act as a global one


def _max_overlap(records: list[RequestRecord]) -> int:
    """Most requests being handled at the same moment, across servers."""
    events = sorted(
        [(r.started, 1) for r in records] + [(r.finished or r.started, -1) for r in records],
        key=lambda e: (e[0], e[1]),  # at equal times, count the end first
    )
    level = peak = 0
    for _, step in events:
        level += step
        peak = max(peak, level)
    return peak


# -- feed links and discovery --------------------------------------------------------------

SAMPLE_HTML = b"""<!DOCTYPE html><html><head>
<meta charset="utf-8"><title>Blog</title>
<LINK REL="Alternate" TYPE="application/rss+xml" HREF="/rss.xml">
<link rel="alternate" type="application/atom+xml" href="atom.xml" title="Atom">
<link rel="alternate" type="application/rss+xml" href="https://example.com/rss.xml">
<link rel="alternate" type="text/html" hreflang="de" href="/de/">
<link rel="stylesheet" type="text/css" href="/s.css">
<link rel="alternate" type="application/feed+json; charset=utf-8" href="/feed.json">
<link rel="alternate" type="application/json" href="/comments.json"/>
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" type="application/rss+xml" href="">
<link rel="alternate" type="application/rss+xml" href="feed://example.com/podcast">
<link rel="alternate" type="application/rss+xml" href="/a?x=1&amp;y=2">
<div <<< unclosed "junk'  <script>if (a < b) {}</script>
</head><body><link rel="alternate" type="application/rss+xml" href="/late.xml"></body>
"""


def test_find_feed_links() -> None:
    assert find_feed_links(SAMPLE_HTML, "https://example.com/blog/post") == [
        "https://example.com/rss.xml",
        "https://example.com/blog/atom.xml",
        "https://example.com/feed.json",
        "https://example.com/comments.json",
        "http://example.com/podcast",
        "https://example.com/a?x=1&y=2",
        "https://example.com/late.xml",
    ]


def test_find_feed_links_edge_cases() -> None:
    base = (
        '<base href="https://cdn.example.org/x/">'
        "<link rel=alternate type=application/rss+xml href=f.xml>"
    )
    assert find_feed_links(base, "https://example.com/") == ["https://cdn.example.org/x/f.xml"]
    assert find_feed_links(b"", "https://example.com/") == []
    assert find_feed_links(b"\xff\xfe<<<\x00<link", "https://example.com/") == []
    assert find_feed_links("<p>no head at all", "https://example.com/") == []


def test_find_feed_links_cleans_escape_sequences_out_of_hrefs() -> None:
    html = (
        '<base href="https://cdn.example.org/&#27;[31mx/">'
        '<link rel=alternate type=application/rss+xml href="/f.xml&#27;]0;PWNED&#27;\\">'
        '<link rel=alternate type=application/rss+xml href="/g.xml\x1b[31m">'
        '<link rel=alternate type=application/atom+xml href="/h\x9b31m.xml\u202e">'
        '<link rel=alternate type=application/atom+xml href="j\tava\nscript:alert(1)">'
    )
    assert find_feed_links(html, "https://example.com/") == [
        "https://cdn.example.org/f.xml",
        "https://cdn.example.org/g.xml",
        "https://cdn.example.org/h.xml",
    ]


def test_find_feed_links_scans_only_the_first_256_kib() -> None:
    link = '<link rel="alternate" type="application/rss+xml" href="/rss.xml">'
    filler = "<p>" + "x" * (256 * 1024) + "</p>"
    assert find_feed_links(link + filler, "https://e.org/") == ["https://e.org/rss.xml"]
    assert find_feed_links((filler + link).encode(), "https://e.org/") == []


@pytest.mark.hostile
def test_find_feed_links_is_linear_on_unclosed_tags() -> None:
    # html.parser rescans to the end of the page from every unfinished tag:
    # "<a " * 100_000 hung discovery for 90 s+; the quoted forms get past the
    # "<" escaping and are cut by the parser at the end of the input instead.
    link = '<link rel="alternate" type="application/rss+xml" href="/rss.xml">'
    code = (
        "from tui.core.fetch.discovery import find_feed_links\n"
        f"link = {link!r}\n"
        "for motif in ('<a ', '<p ', '<a x=\">\\'\"', '<a b=\\'c\\'', '<!-- x >', '</a x'):\n"
        "    page = '<html><head>' + link + motif * (300_000 // len(motif))\n"
        "    assert find_feed_links(page, 'https://e.org/') == ['https://e.org/rss.xml'], motif\n"
        "    assert find_feed_links(page.encode(), 'https://e.org/') == ['https://e.org/rss.xml']\n"
        "print('ok')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=20, check=True
    )
    assert proc.stdout == "ok\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>', True),
        (b"\xef\xbb\xbf  <feed xmlns='http://www.w3.org/2005/Atom'/>", True),
        (
            b"<?xml version='1.0'?><!-- hi --><!DOCTYPE rdf [<!ENTITY a 'b'>]>"
            b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'"
            b" xmlns='http://purl.org/rss/1.0/'/>",
            True,
        ),
        # No RSS 1.0 namespace: a refresh reads no feed there, so neither does add.
        (b"<?xml version='1.0'?><rdf:RDF/>", False),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', True),
        (b'{"version": "1", "items": []}', False),
        (
            b'<?xml version="1.0"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"/>',
            False,
        ),
        (b"<!doctype html><html><head></head></html>", False),
        (b"", False),
    ],
)
def test_looks_like_feed(body: bytes, expected: bool) -> None:
    assert looks_like_feed(body) is expected


FEED_FIXTURES = sorted(
    p for p in (HTTP.parent / "feeds").iterdir() if p.is_file() and p.name != "README.md"
)


@pytest.mark.parametrize("path", FEED_FIXTURES, ids=lambda p: p.name)
def test_looks_like_feed_is_what_a_refresh_reads(path: Path) -> None:
    # One rule: discovery (gazette add) accepts exactly what parse_feed reads.
    body = path.read_bytes()
    try:
        parse_feed(body, "https://example.org/feed")
    except ParseError:
        readable = False
    else:
        readable = True
    assert looks_like_feed(body, "https://example.org/feed") is readable


async def test_discover_finds_a_utf16le_feed_without_bom(feed_server: FeedServer) -> None:
    utf16be = (HTTP.parent / "feeds" / "malformed-utf16be-no-bom.xml").read_bytes()
    feed_server.page("/le.xml", utf16be.decode("utf-16-be").encode("utf-16-le"))
    async with fetcher() as f:
        assert await discover(f, feed_server.url("/le.xml")) == [feed_server.url("/le.xml")]


async def test_discover_returns_a_feed_url_as_is(feed_server: FeedServer) -> None:
    async with fetcher() as f:
        assert await discover(f, feed_server.url(FEED_PATH)) == [feed_server.url(FEED_PATH)]


async def test_discover_via_link(feed_server: FeedServer) -> None:
    async with fetcher() as f:
        found = await discover(f, feed_server.url("/http/site.html"))
    assert found == [feed_server.url(FEED_PATH)]


async def test_discover_via_generated_page(feed_server: FeedServer) -> None:
    feed_server.feed_page("/", FEED_PATH, "/other.xml")
    async with fetcher() as f:
        found = await discover(f, feed_server.url("/"))
    assert found == [feed_server.url(FEED_PATH), feed_server.url("/other.xml")]


async def test_discover_via_fallback_path(feed_server: FeedServer) -> None:
    feed_server.page(
        "/", "<html><head><title>no links</title></head></html>", content_type="text/html"
    )
    feed_server.page("/feed.xml", TINY.read_bytes(), content_type="application/rss+xml")
    feed_server.page("/rss", "<html>not a feed</html>", content_type="text/html")
    async with fetcher() as f:
        found = await discover(f, feed_server.url("/"))
    assert found == [feed_server.url("/feed.xml")]
    tried = [r.path for r in feed_server.requests]
    assert tried == ["/", "/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml"]


async def test_discover_nothing(feed_server: FeedServer) -> None:
    feed_server.page("/", "<html><body>plain</body></html>", content_type="text/html")
    async with fetcher() as f:
        assert await discover(f, feed_server.url("/")) == []


# -- URL normalisation ---------------------------------------------------------------------


async def test_fetch_normalises_feed_scheme(feed_server: FeedServer) -> None:
    url = "feed://" + feed_server.url(FEED_PATH).removeprefix("http://")
    async with fetcher() as f:
        r = await f.fetch(url)
    assert r.status == 200 and r.url == url


# -- unwanted bodies --------------------------------------------------------------------


def _short_body(status: int, extra: dict[str, str]) -> Callable[..., None]:
    """An answer whose body stops short of its Content-Length, then the
    connection closes: the status and headers must still count."""

    def respond(h: Any) -> None:
        h.send_response(status)
        for name, value in {"Content-Length": "100", **extra}.items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(b"short")
        h.wfile.flush()
        h.close_connection = True

    return respond


async def test_a_cut_error_body_keeps_the_status_and_retry_after(feed_server: FeedServer) -> None:
    feed_server.route("/busy.xml", _short_body(503, {"Retry-After": "120"}))
    async with fetcher() as f:
        with pytest.raises(FetchError) as err:
            await f.fetch(feed_server.url("/busy.xml"))
    assert err.value.status == 503
    assert err.value.headers["retry-after"] == "120"


async def test_a_cut_gone_body_still_marks_the_feed_gone(feed_server: FeedServer) -> None:
    feed_server.route("/gone.xml", _short_body(410, {}))
    async with fetcher() as f:
        with pytest.raises(FeedGone):
            await f.fetch(feed_server.url("/gone.xml"))


async def test_a_redirect_with_a_dripping_body_is_followed_at_once(
    feed_server: FeedServer,
) -> None:
    target = feed_server.url(FEED_PATH)

    def drip(h: Any) -> None:
        h.send_response(301)
        h.send_header("Location", target)
        h.send_header("Content-Length", "60")
        h.end_headers()
        for _ in range(60):
            h.wfile.write(b".")
            h.wfile.flush()
            time.sleep(0.5)

    feed_server.route("/moved.xml", drip)
    async with fetcher(total_timeout=4.0) as f:
        r = await f.fetch(feed_server.url("/moved.xml"))
    assert r.status == 200 and r.permanent_url == target

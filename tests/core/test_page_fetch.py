"""Fetching article pages for reader mode (issue 17): http(s) only, redirects
capped and never to another scheme but an upgrade, private addresses only
for feeds that live on one, HTML only, the feed fetcher's size and time caps.

Everything runs against the loopback server (``feed_server``).
"""

from __future__ import annotations

import httpx
import pytest
from feedserver import FeedServer

from tui.core.errors import FetchError
from tui.core.fetch.pages import PageFetcher, is_private_url

HTML = "<html><body><article><p>The article.</p></article></body></html>"
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests must talk to 127.0.0.1 directly."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def pages(*, private_ok: bool = True, total_timeout: float = 5.0) -> PageFetcher:
    return PageFetcher(private_ok=private_ok, connect_timeout=2.0, total_timeout=total_timeout)


async def reason(url: str, fetcher: PageFetcher | None = None) -> str:
    async with fetcher or pages() as f:
        with pytest.raises(FetchError) as caught:
            await f.page(url)
    return caught.value.reason


async def test_a_page_is_fetched_as_html(feed_server: FeedServer) -> None:
    feed_server.page("/a.html", HTML, content_type="text/html; charset=utf-8")
    async with pages() as f:
        final, body, ctype = await f.page(feed_server.url("/a.html"))
    assert body == HTML.encode()
    assert final == feed_server.url("/a.html")
    assert ctype == "text/html; charset=utf-8"
    accept = feed_server.requests_for("/a.html")[0].headers.get("accept", "")
    assert accept.startswith("text/html")


async def test_not_html_is_refused_before_its_body(feed_server: FeedServer) -> None:
    feed_server.page("/photo.jpg", b"\xff\xd8" * 1000, content_type="image/jpeg")
    assert await reason(feed_server.url("/photo.jpg")) == "not a web page (image/jpeg)"
    feed_server.page("/feed.xml", "<rss/>", content_type="application/rss+xml")
    assert await reason(feed_server.url("/feed.xml")) == "not a web page (application/rss+xml)"


async def test_a_404_says_so(feed_server: FeedServer) -> None:
    feed_server.status("/gone.html", 404)
    assert await reason(feed_server.url("/gone.html")) == "HTTP 404 Not Found"


async def test_a_50_mb_page_stops_at_the_cap(feed_server: FeedServer) -> None:
    feed_server.big("/huge.html", 50 * MB, content_type="text/html")
    assert await reason(feed_server.url("/huge.html")) == "response larger than 20 MB"
    feed_server.big("/huge-chunked.html", 50 * MB, chunked=True, content_type="text/html")
    assert await reason(feed_server.url("/huge-chunked.html")) == "response larger than 20 MB"


async def test_a_page_that_never_ends_times_out(feed_server: FeedServer) -> None:
    feed_server.slow("/drip.html", "<p>" + "x" * 100_000, interval=0.05, content_type="text/html")
    got = await reason(feed_server.url("/drip.html"), pages(total_timeout=1.0))
    assert got == "timed out after 1 s"


async def test_only_http_and_https(feed_server: FeedServer) -> None:
    for url in ("file:///etc/passwd", "ftp://example.org/a", "javascript:alert(1)", "/etc/passwd"):
        assert await reason(url) == "only http and https pages are fetched"


async def test_redirects_are_capped_and_keep_the_scheme(feed_server: FeedServer) -> None:
    feed_server.redirect_loop("/a", "/b")
    assert await reason(feed_server.url("/a")) == "too many redirects (more than 5)"
    feed_server.redirect("/to-file", "file:///etc/passwd")
    assert await reason(feed_server.url("/to-file")) == "redirect to unsupported URL scheme 'file'"
    # https -> http would hand the article to anyone on the path; http -> https is fine.
    fetcher = pages()
    with pytest.raises(FetchError, match="redirect from https to http refused"):
        await fetcher._vet_request("u", httpx.URL("http://a.test/"), httpx.URL("https://a.test/"))
    await fetcher._vet_request("u", httpx.URL("https://a.test/"), httpx.URL("http://a.test/"))


async def test_private_addresses_only_for_feeds_on_one(feed_server: FeedServer) -> None:
    feed_server.page("/a.html", HTML, content_type="text/html")
    got = await reason(feed_server.url("/a.html"), pages(private_ok=False))
    assert got == "127.0.0.1 is a private address (the feed is not on one)"
    # Names and literal addresses of every private kind (each redirect hop is vetted alike).
    for url in (
        "http://localhost/",
        "http://10.0.0.1/",
        "http://[::1]/",
        "http://169.254.169.254/",
    ):
        assert await reason(url, pages(private_ok=False)) == (
            f"{url.split('/')[2].strip('[]')} is a private address (the feed is not on one)"
        )
    # Nothing was requested from the server with private_ok off.
    assert feed_server.requests_for("/a.html") == []


async def test_which_feeds_live_on_a_private_address() -> None:
    assert await is_private_url("http://127.0.0.1:8080/feed.xml")
    assert await is_private_url("http://localhost/feed.xml")
    assert await is_private_url("https://192.168.1.2/feed")
    assert await is_private_url("http://[::ffff:10.1.2.3]/feed")
    assert not await is_private_url("https://93.184.216.34/feed.xml")
    assert not await is_private_url("file:///home/me/feed.xml")
    assert not await is_private_url("not a url")

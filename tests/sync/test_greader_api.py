"""ApiClient: forms with repeated keys, every status answered, bodies capped, one-line errors."""

from __future__ import annotations

import httpx
import pytest
from feedserver import FeedServer, unused_port

from tui.core.errors import FetchError
from tui.core.fetch.api import ApiClient, ApiUnreachable


async def test_a_post_sends_repeated_keys_as_repeated_fields() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="OK")

    async with ApiClient(
        "http://h/api/greader.php/", transport=httpx.MockTransport(handle), user_agent="ua/1"
    ) as api:
        resp = await api.post(
            "reader/api/0/edit-tag",
            [("i", "1"), ("i", "2 3"), ("a", "user/-/label/Ä&b")],
            params=[("output", "json")],
            headers={"Authorization": "GoogleLogin auth=u/x"},
        )
    assert (resp.status, resp.ok, resp.text()) == (200, True, "OK")
    (req,) = seen
    assert str(req.url) == "http://h/api/greader.php/reader/api/0/edit-tag?output=json"
    assert req.content == b"i=1&i=2+3&a=user%2F-%2Flabel%2F%C3%84%26b"
    assert req.headers["content-type"] == "application/x-www-form-urlencoded"
    assert req.headers["authorization"] == "GoogleLogin auth=u/x"
    assert req.headers["user-agent"] == "ua/1"


async def test_error_statuses_are_answers_not_exceptions(feed_server: FeedServer) -> None:
    feed_server.status("/api/x", 503, b"busy", headers={"Retry-After": "7"})
    async with ApiClient(feed_server.base_url) as api:
        resp = await api.get("/api/x", [("s", "feed/1"), ("s", "feed/2")])
    assert (resp.status, resp.ok, resp.body) == (503, False, b"busy")
    assert resp.headers["retry-after"] == "7"
    assert feed_server.last_request("/api/x").target == "/api/x?s=feed%2F1&s=feed%2F2"


async def test_gzip_bodies_are_inflated(feed_server: FeedServer) -> None:
    feed_server.gzip = True
    feed_server.page("/api/list", '{"tags": []}' + " " * 10_000, content_type="application/json")
    async with ApiClient(feed_server.base_url) as api:
        resp = await api.get("api/list")
    assert resp.body.startswith(b'{"tags": []}') and len(resp.body) == 10_012
    assert feed_server.last_request("/api/list").headers["accept-encoding"] == "gzip, deflate"


@pytest.mark.parametrize("chunked", [False, True])
async def test_a_body_over_the_cap_is_refused(feed_server: FeedServer, chunked: bool) -> None:
    feed_server.big("/api/big", 200_000, chunked=chunked)
    async with ApiClient(feed_server.base_url, max_bytes=64 * 1024) as api:
        with pytest.raises(FetchError) as err:
            await api.get("api/big")
    assert err.value.reason == "response larger than 64 KB"
    assert not isinstance(err.value, ApiUnreachable)


async def test_a_gzip_bomb_stops_at_the_cap(feed_server: FeedServer) -> None:
    feed_server.gzip_bomb("/api/bomb", 50_000_000)
    async with ApiClient(feed_server.base_url, max_bytes=1024 * 1024) as api:
        with pytest.raises(FetchError, match="response larger than 1 MB"):
            await api.get("api/bomb")


async def test_a_refused_connection_is_unreachable() -> None:
    async with ApiClient(f"http://127.0.0.1:{unused_port()}", timeout=5) as api:
        with pytest.raises(ApiUnreachable) as err:
            await api.post("accounts/ClientLogin", [("Email", "u")])
    assert err.value.reason == "connection refused"


async def test_a_server_that_drips_runs_out_of_time(feed_server: FeedServer) -> None:
    feed_server.slow("/api/slow", b"x" * 1000, interval=0.05)
    async with ApiClient(feed_server.base_url, timeout=0.3) as api:
        with pytest.raises(ApiUnreachable) as err:
            await api.get("api/slow")
    assert err.value.reason == "timed out after 0.3 s"


async def test_a_mock_answer_over_the_cap_is_refused() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=b"x" * 2000))
    async with ApiClient("http://h", max_bytes=1000, transport=transport) as api:
        with pytest.raises(FetchError, match="response larger than 1000 bytes"):
            await api.get("x")

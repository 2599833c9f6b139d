"""GReaderClient: login, the action token, statuses and broken answers."""

from __future__ import annotations

import httpx
import pytest
from greader_server import FakeServer, answer, recorded

from tui.core.sync.dialects import FRESHRSS, MINIFLUX
from tui.core.sync.errors import AuthFailed, ServerBusy, SyncError, Unreachable
from tui.core.sync.ids import READ

LOGIN = "accounts/ClientLogin"
TOKEN = "reader/api/0/token"
SUBS = "reader/api/0/subscription/list"
EDIT = "reader/api/0/edit-tag"
FRESH_AUTH = "bench/f8b8a57dcbd36b5ece2199c2566fd9a5059cefb7"


async def test_login_keeps_the_token_and_sends_it_after() -> None:
    srv = FakeServer()
    srv.on(LOGIN, recorded("freshrss", "login_ok"))
    srv.on(SUBS, recorded("freshrss", "subscription_list"))
    client = srv.client(FRESHRSS, auth=None)
    assert await client.login("bench", "benchapi123") == FRESH_AUTH
    assert client.auth == FRESH_AUTH
    await client.subscriptions()
    login, subs = srv.seen
    assert login.method == "POST"
    assert login.form == [("Email", "bench"), ("Passwd", "benchapi123")]
    assert "authorization" not in login.headers
    assert subs.headers["authorization"] == f"GoogleLogin auth={FRESH_AUTH}"
    assert ("output", "json") in subs.query


async def test_login_miniflux_lines() -> None:
    srv = FakeServer()
    srv.on(LOGIN, recorded("miniflux", "login_ok"))
    auth = await srv.client(MINIFLUX, auth=None).login("gazette", "secret")
    assert auth == "gazette/5f3c1a9e0b7d2c4e6f8a1b3c5d7e9f0a1b2c3d4e"


@pytest.mark.parametrize("server", ["freshrss", "miniflux"])
async def test_wrong_password_is_auth_failed_in_one_line(server: str) -> None:
    srv = FakeServer()
    srv.on(LOGIN, recorded(server, "login_wrong"))
    client = srv.client(FRESHRSS, auth=None)
    with pytest.raises(AuthFailed) as err:
        await client.login("bench", "wrong")
    assert str(err.value) == "FreshRSS at 127.0.0.1:8080: wrong user name or password"
    assert client.auth is None


async def test_login_without_an_auth_line_fails() -> None:
    srv = FakeServer()
    srv.on(LOGIN, answer(200, "SID=x\nLSID=null\n"))
    with pytest.raises(AuthFailed, match="no Auth token"):
        await srv.client(FRESHRSS, auth=None).login("u", "p")


async def test_login_at_a_wrong_address_says_so() -> None:
    srv = FakeServer()  # nothing routed: 404
    with pytest.raises(SyncError, match=r"HTTP 404 on ClientLogin \(is this the Google Reader"):
        await srv.client(FRESHRSS, auth=None).login("u", "p")


async def test_the_token_is_fetched_once_and_sent_with_posts() -> None:
    srv = FakeServer()
    srv.on(TOKEN, recorded("freshrss", "token"))
    srv.on(EDIT, recorded("freshrss", "edit_tag_ok"))
    client = srv.client(FRESHRSS)
    await client.edit_tag(["1"], add=[READ])
    await client.edit_tag(["2"], add=[READ])
    assert len(srv.requests(TOKEN)) == 1
    token = "f8b8a57dcbd36b5ece2199c2566fd9a5059cefb7ZZZZZZZZZZZZZZZZZ"
    for edit in srv.requests(EDIT):
        assert edit.values("T") == [token]
        assert edit.headers["authorization"] == "GoogleLogin auth=user/abc"


async def test_a_post_refused_with_401_gets_a_new_token_once() -> None:
    srv = FakeServer()
    srv.on(TOKEN, answer(200, "old-token\n"), answer(200, "new-token\n"))
    srv.on(EDIT, recorded("miniflux", "edit_tag_bad_token"), recorded("miniflux", "edit_tag_ok"))
    await srv.client(MINIFLUX).edit_tag(["1"], add=[READ])
    assert [e.values("T") for e in srv.requests(EDIT)] == [["old-token"], ["new-token"]]
    assert len(srv.requests(TOKEN)) == 2


async def test_a_post_refused_twice_is_auth_failed() -> None:
    srv = FakeServer()
    srv.on(TOKEN, answer(200, "t1"), answer(200, "t2"), answer(200, "t3"))
    srv.on(EDIT, recorded("freshrss", "edit_tag_bad_token"))
    with pytest.raises(AuthFailed, match="HTTP 401 on edit-tag"):
        await srv.client(FRESHRSS).edit_tag(["1"], add=[READ])
    assert len(srv.requests(EDIT)) == 2


async def test_a_get_refused_with_401_is_auth_failed() -> None:
    srv = FakeServer()
    srv.on(SUBS, answer(401, "Unauthorized!"))
    with pytest.raises(AuthFailed) as err:
        await srv.client(FRESHRSS).subscriptions()
    assert str(err.value) == (
        "FreshRSS at 127.0.0.1:8080: login not accepted (HTTP 401 on subscription/list)"
    )


async def test_an_unusable_token_is_a_sync_error() -> None:
    srv = FakeServer()
    srv.on(TOKEN, answer(200, "<html>\n<body>oops</body>"))
    with pytest.raises(SyncError, match="no usable action token on token"):
        await srv.client(FRESHRSS).token()


@pytest.mark.parametrize(
    ("resp", "wait"),
    [
        (answer(429, "slow down", **{"Retry-After": "120"}), 120.0),
        (answer(503, "", **{"Retry-After": "Fri, 01 Jan 2100 00:00:00 GMT"}), 24 * 3600.0),
        (answer(503, "Service Unavailable!"), None),
    ],
)
async def test_busy_answers_carry_the_retry_after(resp: httpx.Response, wait: float | None) -> None:
    srv = FakeServer()
    srv.on(SUBS, resp)
    with pytest.raises(ServerBusy) as err:
        await srv.client(FRESHRSS).subscriptions()
    assert err.value.retry_after == wait
    assert f"HTTP {resp.status_code} on subscription/list" in str(err.value)


async def test_a_retry_after_date_in_the_near_future_is_seconds_from_now() -> None:
    from email.utils import formatdate
    from time import time

    srv = FakeServer()
    srv.on(SUBS, answer(429, "", **{"Retry-After": formatdate(time() + 600, usegmt=True)}))
    with pytest.raises(ServerBusy) as err:
        await srv.client(FRESHRSS).subscriptions()
    assert err.value.retry_after is not None
    assert 590 <= err.value.retry_after <= 600


async def test_other_statuses_name_the_endpoint() -> None:
    srv = FakeServer()
    srv.on(TOKEN, recorded("freshrss", "token"))
    srv.on(EDIT, answer(500, "Internal Server Error!"))
    with pytest.raises(SyncError) as err:
        await srv.client(FRESHRSS).edit_tag(["1"], add=[READ])
    assert type(err.value) is SyncError
    assert str(err.value) == "FreshRSS at 127.0.0.1:8080: HTTP 500 on edit-tag"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("<!DOCTYPE html><html><body>Error</body></html>", "an HTML page where JSON was expected"),
        ('{"subscriptions":[{"id":"feed/1","ti', "invalid or truncated JSON"),
        ("[1, 2]", "JSON that is not an object"),
        ('{"subscriptions": {"id": "feed/1"}}', "no 'subscriptions' list in the answer"),
        ("", "empty answer where JSON was expected"),
        ("[" * 100_000, "invalid or truncated JSON"),  # deeper than the parser goes
    ],
    ids=["html", "truncated", "array", "wrong-type", "empty", "deep"],
)
async def test_answers_that_are_not_the_json_expected(body: str, says: str) -> None:
    srv = FakeServer()
    srv.on(SUBS, answer(200, body, **{"Content-Type": "application/json"}))
    with pytest.raises(SyncError) as err:
        await srv.client(FRESHRSS).subscriptions()
    assert str(err.value) == f"FreshRSS at 127.0.0.1:8080: {says} on subscription/list"


async def test_no_answer_is_unreachable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    srv = FakeServer()
    srv.on(SUBS, refuse)
    with pytest.raises(Unreachable) as err:
        await srv.client(FRESHRSS).subscriptions()
    assert str(err.value).startswith("FreshRSS at 127.0.0.1:8080: cannot connect")
    assert str(err.value).endswith("on subscription/list")


async def test_an_answer_over_the_cap_is_a_sync_error() -> None:
    srv = FakeServer()
    srv.on(SUBS, answer(200, '{"subscriptions": []}' + " " * 5000))
    with pytest.raises(SyncError, match="response larger than 4 KB on subscription/list"):
        await srv.client(FRESHRSS, max_bytes=4096).subscriptions()

"""A small HTTP client for JSON and form APIs (the sync servers speak one).

Why not :class:`~tui.core.fetch.client.Fetcher`: that one downloads feeds
(GET only, redirects followed by hand, conditional requests, per-host
politeness across hundreds of hosts).  An API talks to one server, posts
forms, and wants every answer, error statuses included, to decide itself
what a 401 or a 503 means.  What the two share is kept: bodies capped on the
wire and after inflating (:mod:`.decoding`), one total deadline per request
(a server that drips a byte a second passes every read timeout), and
failures worded as the fetcher words them (:mod:`.reasons`).

Every answer comes back as an :class:`ApiResponse`, whatever its status.
Failures to get one are :class:`~tui.core.errors.FetchError`: the subclass
:class:`ApiUnreachable` when no answer came (refused, timed out, name not
resolved, connection lost), the base class when the answer was unusable
(over the size cap, corrupt compression).

Forms are encoded here (``urlencode`` of a list of pairs), so a key given
many times (``i=`` for each item) is sent as that many fields: httpx's
``data=`` takes a mapping and would need lists in it.  Redirects are not
followed: a redirected POST changes meaning, and an API that moved should
be configured at its new address.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urlencode

import httpx

from tui.core.errors import FetchError
from tui.core.fetch.client import USER_AGENT
from tui.core.fetch.decoding import TooLarge, size_label
from tui.core.fetch.reasons import describe
from tui.core.fetch.streams import read_capped

__all__ = ["ApiClient", "ApiResponse", "ApiUnreachable"]

_FORM_TYPE = "application/x-www-form-urlencoded"


class ApiUnreachable(FetchError):
    """No answer came: refused, timed out, no such host, or the connection broke."""


@dataclass(frozen=True, slots=True)
class ApiResponse:
    """One answer: its status, its headers (lowercase names) and its whole body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def ok(self) -> bool:
        """A 2xx status."""
        return 200 <= self.status < 300

    def text(self) -> str:
        """The body as text (UTF-8, undecodable bytes replaced)."""
        return self.body.decode("utf-8", "replace")


class ApiClient:
    """Requests to one API under ``base_url``; paths are appended to it.

    The httpx client is made at the first request and belongs to the event
    loop that made it: call :meth:`aclose` (or use ``async with``) on that
    loop.  ``transport`` replaces the network (``httpx.MockTransport`` in the
    tests).
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 30.0,
        max_bytes: int = 64 * 1024 * 1024,
        transport: httpx.AsyncBaseTransport | None = None,
        user_agent: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.user_agent = user_agent or USER_AGENT
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections (the client may be used again afterwards)."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def url(self, path: str) -> str:
        """The address of ``path`` under the base URL."""
        return f"{self.base_url}/{path.lstrip('/')}" if path else self.base_url

    async def get(
        self,
        path: str,
        params: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> ApiResponse:
        """GET ``path`` with query ``params`` (repeated keys kept)."""
        return await self._send("GET", path, params, headers, None)

    async def post(
        self,
        path: str,
        form: list[tuple[str, str]] | None = None,
        params: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> ApiResponse:
        """POST ``form`` (url-encoded; a key given many times is sent many times)."""
        body = urlencode(form or []).encode("ascii")
        return await self._send("POST", path, params, headers, body)

    async def _send(
        self,
        method: str,
        path: str,
        params: list[tuple[str, str]] | None,
        headers: dict[str, str] | None,
        body: bytes | None,
    ) -> ApiResponse:
        url = self.url(path)
        sent = dict(headers or {})
        if body is not None:
            sent["Content-Type"] = _FORM_TYPE
        try:
            async with asyncio.timeout(self.timeout):
                return await self._exchange(method, url, params, sent, body)
        except FetchError:
            raise
        except TimeoutError:
            raise ApiUnreachable(url, f"timed out after {self.timeout:g} s") from None
        except Exception as exc:
            reason = describe(exc, connect_timeout=self.timeout, total_timeout=self.timeout)
            raise ApiUnreachable(url, reason) from exc

    async def _exchange(
        self,
        method: str,
        url: str,
        params: list[tuple[str, str]] | None,
        headers: dict[str, str],
        body: bytes | None,
    ) -> ApiResponse:
        client = self._client
        if client is None:
            client = self._client = httpx.AsyncClient(
                transport=self._transport,
                follow_redirects=False,
                timeout=httpx.Timeout(self.timeout),
                headers={
                    "User-Agent": self.user_agent,
                    "Accept-Encoding": "gzip, deflate",
                },
            )
        if params:
            url = f"{url}?{urlencode(params)}"
        request = client.build_request(method, url, headers=headers, content=body)
        response = await client.send(request, stream=True)
        try:
            resp_headers = {k.lower(): v for k, v in response.headers.items()}
            data = await self._read(url, response, resp_headers)
        finally:
            await response.aclose()
        return ApiResponse(response.status_code, resp_headers, data)

    async def _read(self, url: str, response: httpx.Response, headers: dict[str, str]) -> bytes:
        """The body, inflated by us under the cap (never more than the cap in memory)."""
        try:
            return await read_capped(url, response, headers, self.max_bytes)
        except TooLarge:
            raise self._too_large(url) from None

    def _too_large(self, url: str) -> FetchError:
        return FetchError(url, f"response larger than {size_label(self.max_bytes)}")

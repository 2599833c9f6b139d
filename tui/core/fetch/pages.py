"""Fetching web pages for reader mode: :class:`PageFetcher`.

A feed's article link is chosen by whoever wrote the feed, so fetching it is
a request the feed makes us send.  On top of the feed fetcher's limits (the
same per-host slots, total deadline, size cap and redirect cap):

* **http and https only**, and a redirect never changes the scheme but to
  upgrade http to https: an https page that redirects to http would hand
  the article to anyone on the path;
* **no private addresses** (loopback, private ranges, link-local, reserved)
  unless the feed itself lives on one (:func:`is_private_url`): a feed from
  the internet must not make the reader probe the user's own network (a
  router's admin page, a cloud metadata address).  Every hop is checked,
  so a redirect cannot get there either.  The name is resolved here and
  again by the connection: a DNS answer that changes between the two
  (rebinding) is not caught;
* **HTML only**: an answer that says it is anything else is refused before
  its body is read.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import httpx

from tui.core.errors import FetchError
from tui.core.fetch.client import Fetcher

__all__ = ["HTML_TYPES", "PageFetcher", "is_private_url"]

#: The Accept header of a page request.
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"

#: Content types read as pages.  A missing type is let through: the
#: extractor finds no article in bytes that are not a page.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def _private_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


async def _resolves_private(host: str, port: int) -> bool:
    """Whether ``host`` is, or resolves to, an address that is not public
    (any of its addresses; a name that does not resolve is not private: the
    request then fails with its own reason)."""
    host = host.strip("[]")
    try:
        return _private_address(host)
    except ValueError:
        pass
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return False
    return any(_private_address(str(info[4][0])) for info in infos)


async def is_private_url(url: str) -> bool:
    """Whether the http(s) ``url`` lives on a private or loopback address
    (which lets a feed there link to pages there)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return False
    return await _resolves_private(parts.hostname, port)


class PageFetcher(Fetcher):
    """A :class:`Fetcher` for article pages (see the module docstring).

    ``private_ok`` lets it reach private and loopback addresses: only for the
    pages of a feed that lives on one.
    """

    accept = PAGE_ACCEPT

    def __init__(self, *, private_ok: bool = False, **limits: Any) -> None:
        super().__init__(**limits)
        self.private_ok = private_ok

    async def page(self, url: str) -> tuple[str, bytes, str | None]:
        """The page at ``url``: (final URL, body, content type).

        Raises :class:`~tui.core.errors.FetchError` with a one-line reason
        for everything that gives no page: another scheme, a refused
        address, an HTTP error, not HTML, too big, too slow.
        """
        scheme = urlsplit(url.strip()).scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(url, "only http and https pages are fetched")
        result = await self.fetch(url)
        if result.body is None:  # no validators were sent: a 304 is the server's error
            raise FetchError(url, f"HTTP {result.status} with no page")
        return result.final_url, result.body, result.content_type

    async def _vet_request(self, url: str, target: httpx.URL, previous: httpx.URL | None) -> None:
        upgrade = previous is not None and previous.scheme == "http"
        if previous is not None and target.scheme != previous.scheme and not upgrade:
            raise FetchError(url, f"redirect from {previous.scheme} to {target.scheme} refused")
        if self.private_ok:
            return
        port = target.port or (443 if target.scheme == "https" else 80)
        if await _resolves_private(target.host, port):
            raise FetchError(url, f"{target.host} is a private address (the feed is not on one)")

    def _vet_answer(self, url: str, headers: dict[str, str]) -> None:
        ctype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if ctype and ctype not in HTML_TYPES:
            raise FetchError(url, f"not a web page ({ctype})")

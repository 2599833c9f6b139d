"""Downloading feeds politely and safely: the only module that talks HTTP.

Why it is built the way it is (see ``shared/STACK-NOTES.md``, pitfall 8):

* **Politeness.**  A global semaphore caps requests in flight (default 8) and a
  per-host semaphore (default 2, keyed by ``host:port``) keeps one slow or big
  site from getting hammered by a refresh of many feeds.  Conditional GET
  (``If-None-Match`` / ``If-Modified-Since``) lets servers answer 304.
* **Bounded cost.**  A server that drips one byte a second passes every read
  timeout, so the whole request (redirects and body included) runs under one
  total deadline.  Bodies are capped on the wire *and* after decompression:
  httpx's own decoder turns a 66 KB read of a gzip bomb into one 67 MB chunk,
  so we stream ``aiter_raw()`` and inflate with a bounded ``zlib`` object.
  That is also why we advertise only ``gzip, deflate``.
* **Redirects by hand.**  We count hops, refuse non-http(s) targets (a feed
  must not be able to point us at ``file:///etc/passwd``), and report a
  ``permanent_url`` only when every hop was permanent (301/308), so the
  stored feed URL moves only when the server really said so.
* **One-line errors.**  Every failure leaves :meth:`Fetcher.fetch` as
  :class:`FetchError` (or :class:`FeedGone` for 410) with a short reason fit
  to show a user; ``httpx.InvalidURL`` is not an ``HTTPError``, so nothing
  here relies on catching ``HTTPError`` alone.

Local files (plain paths or ``file://`` URLs) go through the same entry point
so that tests, OPML imports and ``gazette add ./feed.xml`` need no special case.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
import ssl
import sys
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.request import getproxies, url2pathname

# ``import httpx`` also imports its command-line tool (httpx/_main.py), which
# pulls in rich, click and pygments whenever they are installed, as they are
# here (Textual needs rich).  That breaks the house rule that the core loads no
# Rich, and costs ~60 ms.  httpx falls back to a stub when that import fails,
# so mark the CLI module absent first.  Keep fetch.py and hostpools.py (which does
# the same) the only importers of httpx.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx  # noqa: E402

from tui import __version__  # noqa: E402
from tui.core.errors import FeedGone, FetchError, ParseError  # noqa: E402
from tui.core.hostpools import HostPools  # noqa: E402
from tui.core.models import FetchResult  # noqa: E402
from tui.core.parse import sniff  # noqa: E402
from tui.core.text import EofSafeParser, clean_line, clean_url, tame_html  # noqa: E402

__all__ = [
    "FEED_LINK_TYPES",
    "Fetcher",
    "discover",
    "find_feed_links",
    "looks_like_feed",
    "normalise_url",
]

USER_AGENT = f"gazette/{__version__}"
# Hosts whose idle connections are kept open for reuse (each keeps at most
# its per-host slots' worth: see hostpools.py).
KEEPALIVE_HOSTS = 32
# An unwanted body is read to keep its connection if declared at most this
# long, for at most this long (see _drain).
_DRAIN_LIMIT = 64 * 1024
_DRAIN_SECONDS = 1.0

#: Sent with every request.  Feed types first; HTML last so discovery still works.
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, "
    "application/json;q=0.8, text/html;q=0.7, */*;q=0.5"
)

#: Only what we can inflate ourselves with a bounded decompressor.
ACCEPT_ENCODING = "gzip, deflate"

#: ``type`` values of ``<link rel="alternate">`` that announce a feed.
FEED_LINK_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
    }
)

#: Paths tried, in order, on the page's origin when it announces no feed.
COMMON_FEED_PATHS = (
    "/feed",
    "/rss",
    "/rss.xml",
    "/atom.xml",
    "/feed.xml",
    "/index.xml",
    "/feed.json",
)

_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_PERMANENT_CODES = frozenset({301, 308})
_CHUNK = 64 * 1024  # most bytes one inflate step may produce
_MAX_REASON = 200  # longest foreign error message shown (a longer one is left out)
_MAX_HTML_SCAN = 256 * 1024  # feed links live in <head>; don't parse 20 MB of page


def _env_proxy() -> bool:
    """Whether httpx would send some request through a proxy named in the
    environment: it reads only the http, https and all schemes, and a ``*``
    among the ``NO_PROXY`` names turns them all off."""
    proxies = getproxies()
    if "*" in (name.strip() for name in proxies.get("no", "").split(",")):
        return False
    return any(proxies.get(scheme) for scheme in ("http", "https", "all"))


class _TooLarge(Exception):
    """Internal signal: the body crossed ``max_bytes``; turned into FetchError."""


@dataclass(frozen=True, slots=True)
class _Hop:
    """A redirect answer: where to go next."""

    status: int
    location: str | None
    url: httpx.URL


@dataclass(frozen=True, slots=True)
class _Final:
    """A non-redirect answer with its body already read (None for 304)."""

    status: int
    url: str
    headers: dict[str, str]
    body: bytes | None


class Fetcher:
    """Fetches feed URLs (and local files) with limits; use as ``async with``.

    The ``httpx.AsyncClient`` is created in ``__aenter__`` and closed in
    ``__aexit__`` because a client belongs to the event loop it first ran on
    (reusing it under a second ``asyncio.run()`` fails).  One Fetcher per
    loop, shared by every concurrent :meth:`fetch`, so the limits are global.
    """

    def __init__(
        self,
        *,
        max_connections: int = 8,
        per_host: int = 2,
        connect_timeout: float = 10.0,
        total_timeout: float = 30.0,
        max_redirects: int = 5,
        max_bytes: int = 20 * 1024 * 1024,
        user_agent: str | None = None,
    ) -> None:
        if max_connections < 1 or per_host < 1:
            raise ValueError("max_connections and per_host must be at least 1")
        self.max_connections = max_connections
        self.per_host = per_host
        self.connect_timeout = connect_timeout
        self.total_timeout = total_timeout
        self.max_redirects = max_redirects
        self.max_bytes = max_bytes
        self.user_agent = user_agent or USER_AGENT
        self._client: httpx.AsyncClient | None = None
        self._global: asyncio.Semaphore | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        # httpx's own timeouts are a backstop; the total deadline is ours.
        timeout = httpx.Timeout(
            self.total_timeout,
            connect=self.connect_timeout,
        )
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=timeout,
            headers={
                "User-Agent": self.user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            # trust_env stays on: HTTP(S)_PROXY, NO_PROXY and SSL_CERT_FILE are how
            # users behind corporate proxies make any HTTP client work.
            **self._pooling(),
        )
        self._global = asyncio.Semaphore(self.max_connections)
        self._hosts = {}
        return self

    def _pooling(self) -> dict[str, Any]:
        """How the client keeps connections: requests in flight are capped by
        our own slots (globally and per host), so the pools only keep idle
        connections for reuse.

        Normally one pool per host (:class:`HostPools`).  httpx honours proxy
        variables only with its own transport, so when the environment names
        a proxy the client keeps its single pool (every request goes to the
        proxy anyway).  Either way the pools are not capped at the global
        limit: 8 connections for 16 hosts closed one and opened another for
        nearly every request of a refresh.
        """
        if _env_proxy():
            kept = KEEPALIVE_HOSTS * self.per_host
            return {"limits": httpx.Limits(max_connections=None, max_keepalive_connections=kept)}
        tls = httpx.create_ssl_context()
        per_host = httpx.Limits(max_connections=None, max_keepalive_connections=self.per_host)
        return {
            "transport": HostPools(
                lambda: httpx.AsyncHTTPTransport(verify=tls, limits=per_host),
                keep=KEEPALIVE_HOSTS,
            )
        }

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        admit: Callable[[], Awaitable[None]] | None = None,
    ) -> FetchResult:
        """Download ``url`` (http(s), ``file://`` or a local path).

        ``admit``, if given, is awaited once this fetch holds its host's and
        the global slot, just before the first request (for a local file,
        before reading it): a refresh uses it to bound the documents fetched
        but not yet parsed without letting feeds that wait for a busy host
        hold places that feeds of other hosts could use.

        Returns a 200 result with the body, or a 304 result with ``body=None``
        when the validators still match.  Raises :class:`FeedGone` on 410 and
        :class:`FetchError` for everything else that went wrong; no other
        exception escapes (cancellation excepted).  Using an http URL outside
        ``async with`` is a programming error and raises ``RuntimeError``.
        """
        target = normalise_url(url)
        if not target:
            raise FetchError(url, "empty URL")
        kind = _kind(target)
        if kind == "file":
            if admit is not None:
                await admit()
            return await self._fetch_file(url, target)
        if kind != "http":
            raise FetchError(url, f"unsupported URL scheme {kind!r}")
        if self._client is None or self._global is None:
            raise RuntimeError("Fetcher.fetch() needs 'async with Fetcher() as fetcher'")
        try:
            return await self._fetch_http(url, target, etag, last_modified, admit)
        except FetchError:
            raise
        except TimeoutError:
            raise FetchError(url, f"timed out after {self.total_timeout:g} s") from None
        except Exception as exc:
            raise FetchError(url, self._describe(exc)) from exc

    # -- http -------------------------------------------------------------------------

    async def _fetch_http(
        self,
        url: str,
        target: str,
        etag: str | None,
        last_modified: str | None,
        admit: Callable[[], Awaitable[None]] | None = None,
    ) -> FetchResult:
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        current = _parse_http_url(url, target)
        hops = 0
        all_permanent = True
        while True:
            async with self._slots(current):
                if admit is not None:
                    await admit()
                    admit = None
                # The clock starts once we may talk to the server, so a long
                # queue behind the concurrency limits is not counted as slowness.
                if deadline is None:
                    deadline = loop.time() + self.total_timeout
                async with asyncio.timeout_at(deadline):
                    answer = await self._request(url, current, headers)
            if isinstance(answer, _Final):
                break
            hops += 1
            if hops > self.max_redirects:
                raise FetchError(url, f"too many redirects (more than {self.max_redirects})")
            all_permanent = all_permanent and answer.status in _PERMANENT_CODES
            if not answer.location:
                raise FetchError(url, f"HTTP {answer.status} redirect without a Location")
            try:
                nxt = answer.url.join(answer.location.strip())
            except httpx.InvalidURL:
                raise FetchError(url, "redirect to an invalid URL") from None
            if nxt.scheme not in ("http", "https"):
                raise FetchError(url, f"redirect to unsupported URL scheme {nxt.scheme!r}")
            if not nxt.host:
                raise FetchError(url, "redirect to an invalid URL")
            current = nxt

        permanent_url = answer.url if hops and all_permanent else None
        ok = answer.status == 200
        return FetchResult(
            url=url,
            final_url=answer.url,
            status=answer.status,
            body=answer.body,
            content_type=answer.headers.get("content-type"),
            etag=answer.headers.get("etag") if ok else None,
            last_modified=answer.headers.get("last-modified") if ok else None,
            permanent_url=permanent_url,
            headers=answer.headers,
        )

    @contextlib.asynccontextmanager
    async def _slots(self, target: httpx.URL) -> AsyncIterator[None]:
        """Hold a per-host slot, then a global one.

        Always in that order, so a task parked on a busy host never sits on a
        global slot that requests to other hosts could use.
        """
        assert self._global is not None
        port = target.port or (443 if target.scheme == "https" else 80)
        key = f"{target.host}:{port}"
        host_sem = self._hosts.get(key)
        if host_sem is None:
            host_sem = self._hosts[key] = asyncio.Semaphore(self.per_host)
        async with host_sem, self._global:
            yield

    async def _request(self, url: str, target: httpx.URL, headers: dict[str, str]) -> _Hop | _Final:
        """One GET; returns a redirect to follow or the final answer with its body."""
        assert self._client is not None
        async with self._client.stream("GET", target, headers=headers) as resp:
            status = resp.status_code
            resp_headers = {k.lower(): v for k, v in resp.headers.items()}
            if status in _REDIRECT_CODES:
                await _drain(resp)
                return _Hop(status, resp_headers.get("location"), resp.url)
            if status == 304:  # before any status check: 304 is not an error
                await _drain(resp)
                return _Final(304, str(resp.url), resp_headers, None)
            if status == 410:
                await _drain(resp)
                raise FeedGone(url, "gone (HTTP 410)", 410)
            if not 200 <= status < 300:
                await _drain(resp)
                reason = f"HTTP {status} {resp.reason_phrase}".strip()
                raise FetchError(url, reason, status, headers=resp_headers)
            body = await self._read_body(url, resp, resp_headers)
            return _Final(status, str(resp.url), resp_headers, body)

    async def _read_body(self, url: str, resp: httpx.Response, headers: dict[str, str]) -> bytes:
        """Stream the raw body, inflating it ourselves, never holding more than the cap."""
        length = headers.get("content-length", "").strip()
        if length.isdigit() and int(length) > self.max_bytes:
            raise self._too_large(url)
        encoding = _content_encoding(url, headers.get("content-encoding"))
        decoder = _BoundedDecoder(encoding, self.max_bytes) if encoding else None
        body = bytearray()
        wire = 0
        try:
            async for raw in resp.aiter_raw():
                wire += len(raw)
                if wire > self.max_bytes:
                    raise _TooLarge
                if decoder is None:
                    body += raw
                else:
                    decoder.feed(raw, body)
            if decoder is not None:
                decoder.finish()
        except _TooLarge:
            raise self._too_large(url) from None
        except zlib.error:
            raise FetchError(url, f"corrupt {encoding} body") from None
        return self._inflate_unlabelled(url, bytes(body))

    def _inflate_unlabelled(self, url: str, body: bytes) -> bytes:
        """``body`` inflated if it is gzip data nobody said was compressed.

        Servers send ``feed.xml.gz`` files, or gzip twice, without (another)
        ``Content-Encoding``; like most feed readers we decode them, once,
        under the same cap as any body (a gzip bomb stops at the cap).
        """
        if not sniff.is_gzip(body):
            return body
        out = bytearray()
        decoder = _BoundedDecoder("gzip", self.max_bytes)
        try:
            decoder.feed(body, out)
            decoder.finish()
        except _TooLarge:
            raise self._too_large(url) from None
        except zlib.error:
            raise FetchError(url, "corrupt gzip data") from None
        return bytes(out)

    def _too_large(self, url: str) -> FetchError:
        return FetchError(url, f"response larger than {_size_label(self.max_bytes)}")

    # -- local files ------------------------------------------------------------------

    async def _fetch_file(self, url: str, target: str) -> FetchResult:
        """Read a local feed file, off the event loop, under the same size cap."""
        if target.lower().startswith("file:"):
            parts = urlsplit(target)
            if parts.netloc not in ("", "localhost"):
                raise FetchError(url, "file URLs naming a remote host are not supported")
            path = url2pathname(parts.path)
        else:
            path = os.path.expanduser(target)
        try:
            data = await asyncio.to_thread(_read_capped, path, self.max_bytes)
        except _TooLarge:
            raise self._too_large(url) from None
        except FileNotFoundError:
            raise FetchError(url, "no such file") from None
        except IsADirectoryError:
            raise FetchError(url, "is a directory, not a file") from None
        except PermissionError:
            raise FetchError(url, "permission denied") from None
        except OSError as exc:
            raise FetchError(url, _detail("cannot read the file", exc.strerror)) from None
        body = self._inflate_unlabelled(url, data)
        return FetchResult(url=url, final_url=target, status=200, body=body)

    # -- error messages ---------------------------------------------------------------

    def _describe(self, exc: BaseException) -> str:
        """Turn any exception from the HTTP stack into a short, user-facing reason."""
        chain = list(_causes(exc))
        for err in chain:
            if isinstance(err, socket.gaierror):
                return "cannot resolve host"
        for err in chain:
            if isinstance(err, ssl.SSLCertVerificationError) and err.verify_message:
                return _detail("TLS error", err.verify_message)
            if isinstance(err, ssl.SSLError):
                # reason is an OpenSSL constant like WRONG_VERSION_NUMBER
                reason = (err.reason or "").replace("_", " ").lower()
                return _detail("TLS error", reason or str(err))
        if isinstance(exc, httpx.ConnectTimeout):
            return f"connection timed out after {self.connect_timeout:g} s"
        if isinstance(exc, httpx.TimeoutException):
            return f"timed out after {self.total_timeout:g} s"
        for err in chain:
            if isinstance(err, ConnectionRefusedError):
                return "connection refused"
        if isinstance(exc, httpx.ConnectError):
            return _detail("cannot connect", str(exc))
        if isinstance(exc, httpx.RemoteProtocolError):
            return _detail("server broke the HTTP protocol", str(exc))
        if isinstance(exc, httpx.ReadError | httpx.WriteError):
            return _detail("connection lost", str(exc) or "reset by server")
        if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
            return _detail("invalid URL", str(exc))
        if isinstance(exc, httpx.TooManyRedirects):
            return "too many redirects"
        if isinstance(exc, httpx.HTTPError):
            return _detail(type(exc).__name__, str(exc))
        return _detail("unexpected error", repr(exc))


# -- discovery ------------------------------------------------------------------------


async def discover(
    fetcher: Fetcher, url: str, *, on_feed: Callable[[FetchResult], None] | None = None
) -> list[str]:
    """Find the feed(s) behind ``url``: a feed itself, a page announcing feeds, or a site.

    Order of attempts: the URL itself when it already is a feed; the page's
    ``<link rel="alternate">`` feeds; else the common feed paths on the same
    origin, one at a time (politeness over speed).  A redirect that was
    permanent all the way is honoured in the answer.  Returns ``[]`` when
    nothing is found.  A failure fetching ``url`` itself is raised as
    :class:`FetchError` so the user learns why; failures of the guessed
    paths are just misses.  ``on_feed`` is handed the answer when ``url``
    itself is a feed, so that subscribing to it need not download it again.
    """
    url = normalise_url(url)
    result = await fetcher.fetch(url)
    body = result.body or b""
    if looks_like_feed(body, result.final_url, result.content_type):
        if on_feed is not None:
            on_feed(result)
        return [result.permanent_url or url]
    links = find_feed_links(body, result.final_url)
    if links:
        return links
    parts = urlsplit(result.final_url)
    if parts.scheme not in ("http", "https"):
        return []
    origin = f"{parts.scheme}://{parts.netloc}"
    for path in COMMON_FEED_PATHS:
        candidate = origin + path
        if candidate == result.final_url:
            continue
        try:
            guess = await fetcher.fetch(candidate)
        except FetchError:
            continue
        if guess.status == 200 and looks_like_feed(
            guess.body or b"", guess.final_url, guess.content_type
        ):
            return [guess.permanent_url or candidate]
    return []


def looks_like_feed(body: bytes, url: str = "", content_type: str | None = None) -> bool:
    """Whether a refresh would read ``body`` as a feed.

    The refresh's own parser decides, so ``gazette add`` accepts exactly what
    a refresh reads (a cheaper sniff of its own once refused UTF-16 feeds
    without a byte order mark).  HTML pages are turned away before the feed
    parser runs, so judging a site's home page stays cheap.
    """
    from tui.core.parse import parse_feed  # feedparser: loaded only when needed

    try:
        parse_feed(body, url, content_type)
    except ParseError:
        return False
    return True


class _FeedLinkParser(EofSafeParser, HTMLParser):
    """Collects ``<link rel="alternate" type=feed href=...>``; honours ``<base href>``.

    ``EofSafeParser`` keeps it linear on tags that never finish (see text.py).
    """

    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base_url
        self._base_seen = False
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k.lower(): (v or "").strip() for k, v in attrs}
        # A page can hide controls and escape sequences in an href (&#27;[31m).
        if "href" in attr:
            attr["href"] = clean_url(attr["href"])
        if tag == "base" and not self._base_seen and attr.get("href"):
            self._base_seen = True  # only the first <base> counts, as in browsers
            self.base = urljoin(self.base, attr["href"])
            return
        if tag != "link":
            return
        if "alternate" not in attr.get("rel", "").lower().split():
            return
        mime = attr.get("type", "").split(";")[0].strip().lower()
        href = attr.get("href", "")
        if mime in FEED_LINK_TYPES and href:
            self.links.append(href)


def find_feed_links(html: bytes | str, base_url: str) -> list[str]:
    """Feed URLs announced by an HTML page, absolute, deduplicated, in document order.

    Pure: no I/O.  Uses the stdlib ``html.parser`` because it shrugs off tag
    soup; any parser failure just ends the scan with what was found so far.
    Only the first 256 KiB are scanned (the links belong in ``<head>``), after
    :func:`~tui.core.text.tame_html` (``html.parser`` is quadratic on runs of
    unclosed tags).  Links that resolve to anything but http(s)
    (``javascript:``, ``data:``...) are dropped unless the page itself is local;
    control characters and escape sequences are removed from every href.
    """
    head = html[:_MAX_HTML_SCAN]
    text = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    parser = _FeedLinkParser(base_url)
    with contextlib.suppress(Exception):
        parser.feed(tame_html(text))
        parser.close()
    local_page = _kind(base_url) == "file"
    seen: set[str] = set()
    found: list[str] = []
    for href in parser.links:
        if href.lower().startswith("feed:"):
            link = normalise_url(href)
        else:
            try:
                link = urljoin(parser.base, href)
            except ValueError:
                continue
        scheme = urlsplit(link).scheme.lower()
        allowed = scheme in ("http", "https") or (local_page and _kind(link) == "file")
        if allowed and link not in seen:
            seen.add(link)
            found.append(link)
    return found


# -- URLs -----------------------------------------------------------------------------

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_BARE_HOST = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]"
    r"(?::\d{1,5})?(?:[/?#].*)?$"
)
_BARE_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?:[/?#].*)?$")
_HOST_PORT = re.compile(r"^[A-Za-z0-9.-]+:\d{1,5}(?:[/?#].*)?$")
# A "host" ending in one of these is far more likely a file name than a domain.
_FILE_SUFFIXES = frozenset({"xml", "rss", "atom", "rdf", "json", "opml", "html", "htm", "txt"})


def normalise_url(url: str) -> str:
    """Make what a user typed or a page announced into a fetchable URL.

    ``feed://host/x`` becomes ``http://host/x``; ``feed:https://..`` drops the
    ``feed:``; a bare ``example.com/feed`` (or ``example.com:8080/x``) gets
    ``https://``; ``//host/x`` gets ``https:``.  Local paths (absolute,
    ``./`` or ``~`` relative, Windows drive paths, or existing files) and
    anything with a scheme are returned unchanged, except for surrounding
    whitespace.
    """
    s = url.strip()
    low = s.lower()
    if low.startswith("feed:"):
        rest = s[5:]
        if rest.startswith("//"):
            inner = rest[2:]
            if inner.lower().startswith(("http://", "https://")):
                return inner
            return "http:" + rest
        return normalise_url(rest)
    if s.startswith("//"):
        return "https:" + s
    if _looks_local(s):
        return s
    if _BARE_IPV4.match(s):
        return "https://" + s
    if _HOST_PORT.match(s) or (_BARE_HOST.match(s) and not _SCHEME.match(s)):
        host = re.split(r"[:/?#]", s, maxsplit=1)[0]
        if host.rpartition(".")[2].lower() not in _FILE_SUFFIXES or ":" in s:
            return "https://" + s
    return s


def _looks_local(s: str) -> bool:
    """True for strings that name a filesystem path rather than a host."""
    if not s:
        return False
    if s.startswith(("/", "./", "../", "~", "\\")) or re.match(r"^[A-Za-z]:[\\/]", s):
        return True
    if _SCHEME.match(s) and not _HOST_PORT.match(s):
        return False
    return os.path.exists(s)


def _kind(target: str) -> str:
    """'http', 'file' or the foreign scheme name of a normalised target."""
    m = _SCHEME.match(target)
    if not m or re.match(r"^[A-Za-z]:[\\/]", target):
        return "file"  # no scheme (or a Windows drive letter): a local path
    scheme = m.group(1).lower()
    if scheme in ("http", "https"):
        return "http"
    if scheme == "file":
        return "file"
    return scheme


def _parse_http_url(url: str, target: str) -> httpx.URL:
    """Validate an http(s) URL up front so httpx's odd exceptions never surface."""
    try:
        parsed = httpx.URL(target)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise FetchError(url, _detail("invalid URL", str(exc))) from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchError(url, "invalid URL: no host name")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise FetchError(url, f"invalid URL: port {parsed.port} out of range")
    return parsed


# -- helpers --------------------------------------------------------------------------


class _BoundedDecoder:
    """Inflate gzip/deflate without ever producing more than ``limit`` bytes in total.

    Each ``decompress`` call is capped at ``_CHUNK`` bytes of output and the
    rest of the input is kept in ``unconsumed_tail``, so a bomb costs at most
    ``limit + _CHUNK`` bytes of memory before we give up.  ``deflate`` is
    supposed to be zlib-wrapped, but many servers send raw deflate; the first
    two bytes tell which (RFC 1950 header check), hence the tiny pre-buffer.
    """

    def __init__(self, encoding: str, limit: int) -> None:
        self.encoding = encoding
        self.limit = limit
        self._pending = b""
        self._started = False
        self._d = zlib.decompressobj(47)  # 32 + 15: auto-detect gzip or zlib header

    def feed(self, data: bytes, out: bytearray) -> None:
        if not self._started:
            self._pending += data
            if len(self._pending) < 2:
                return
            data, self._pending = self._pending, b""
            self._started = True
            if self.encoding == "deflate" and not _is_zlib_header(data[:2]):
                self._d = zlib.decompressobj(-15)
        self._inflate(data, out)

    def _inflate(self, buf: bytes, out: bytearray) -> None:
        while True:
            if self._d.eof:
                rest = self._d.unused_data + buf
                if rest[:2] == b"\x1f\x8b" and self.encoding == "gzip":
                    self._d = zlib.decompressobj(47)  # next member of a multi-member gzip
                    buf = rest
                    continue
                return  # trailing junk after the stream: ignored, as browsers do
            chunk = self._d.decompress(buf, _CHUNK)
            if len(out) + len(chunk) > self.limit:
                raise _TooLarge
            out += chunk
            buf = self._d.unconsumed_tail
            if not buf and len(chunk) < _CHUNK and not self._d.eof:
                return

    def finish(self) -> None:
        """Reject a stream cut short: a truncated feed is a broken download."""
        if self._pending:
            raise zlib.error("truncated stream")
        if self._started and not self._d.eof:
            raise zlib.error("truncated stream")


def _is_zlib_header(two: bytes) -> bool:
    return len(two) == 2 and two[0] & 0x0F == 8 and (two[0] << 8 | two[1]) % 31 == 0


def _content_encoding(url: str, header: str | None) -> str | None:
    """The one compression we must undo, or None; unknown codings are an error."""
    codings = [c.strip().lower() for c in (header or "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return None
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return "deflate" if codings[0] == "deflate" else "gzip"
    raise FetchError(url, f"unsupported content encoding {', '.join(codings)!r}")


def _read_capped(path: str, limit: int) -> bytes:
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise _TooLarge
    return data


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything chained behind it, exception groups included."""
    stack = [exc]
    seen: set[int] = set()
    while stack:
        err = stack.pop()
        if id(err) in seen:
            continue
        seen.add(id(err))
        yield err
        stack.extend(getattr(err, "exceptions", ()))
        stack.extend(e for e in (err.__context__, err.__cause__) if e is not None)


def _detail(what: str, foreign: str | None) -> str:
    """``what`` with a foreign message (OS, TLS, httpx) after it, when it fits.

    The foreign text is cleaned (:func:`~tui.core.text.clean_line`) and kept
    whole or not at all: a message cut mid-sentence says less than none
    (h11 quotes whole header lines a server sent).
    """
    text = clean_line(foreign)
    return f"{what}: {text}" if text and len(text) <= _MAX_REASON else what


async def _drain(resp: httpx.Response) -> None:
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


def _size_label(n: int) -> str:
    mib, kib = 1024 * 1024, 1024
    if n >= mib:
        return f"{n / mib:.1f}".removesuffix(".0") + " MB"
    if n >= kib:
        return f"{n / kib:.1f}".removesuffix(".0") + " KB"
    return f"{n} bytes"

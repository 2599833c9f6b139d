"""A loopback HTTP server for tests and benchmarks: real sockets, no internet.

Why a real server rather than ``httpx.MockTransport``: the things worth testing
in fetching (timeouts, slow drips, size caps on the wire, gzip bombs, the
concurrency limits, keep-alive) only exist on a real connection.  The server
is stdlib only (``http.server.ThreadingHTTPServer``, daemon threads, HTTP/1.1
keep-alive), binds ``127.0.0.1`` on a free port, and starts in milliseconds.

Usage (see the ``feed_server`` fixture in ``tests/conftest.py``)::

    with FeedServer(root) as srv:            # serves files under ``root``
        url = srv.url("/feeds/x.xml")        # -> http://127.0.0.1:PORT/feeds/x.xml
        srv.redirect("/old", "/feeds/x.xml", 301)
        srv.status("/dead", 410)
        ...
        assert srv.hits("/feeds/x.xml") == 1
        assert srv.last_request("/feeds/x.xml").headers["if-none-match"] == etag

Files get an ``ETag`` (hash of the content) and a ``Last-Modified`` (mtime)
and are answered with 304 when ``If-None-Match`` (preferred) or
``If-Modified-Since`` match.  In-memory pages (:meth:`FeedServer.page`) get
the same treatment.  Routes set by the test win over files; per-path options
(:meth:`delay`, :meth:`content_type`) apply to routes and files alike.

Observation: every request is recorded (:class:`RequestRecord`: method,
path, lowercased headers, status sent, body bytes sent, start and finish
times); :attr:`max_in_flight`
is the most requests the server was handling at once, which is how tests
check client-side concurrency limits.  Call :meth:`reset_stats` between phases.
"""

from __future__ import annotations

import gzip as _gzip
import hashlib
import mimetypes
import socket
import sys
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

from typing_extensions import override

__all__ = ["FeedServer", "Handler", "RequestRecord", "unused_port"]

#: Content types by suffix; the stdlib table lacks most feed types.
CONTENT_TYPES = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".rdf": "application/rdf+xml",
    ".xml": "application/xml",
    ".json": "application/json",
    ".opml": "text/x-opml",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}

#: A fixed date for in-memory pages, so their Last-Modified is stable.
PAGE_MTIME = 1_700_000_000.0

_BLOCK = 64 * 1024

Route = Callable[["Handler"], None]
"""A custom responder: gets the handler, writes a whole response itself."""


def unused_port() -> int:
    """A loopback port nothing listens on (connecting to it is refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RequestRecord:
    """One request as the server saw it (headers lowercased)."""

    method: str
    target: str
    path: str
    headers: dict[str, str]
    status: int | None = None
    bytes_sent: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None  # time.monotonic() when the handler was done
    client: tuple[str, int] | None = None  # the client's address: one per connection


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: FeedServer

    @override
    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up mid-connection is normal here (tests cut them off)."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class Handler(BaseHTTPRequestHandler):
    """Request handler; routes get it and may use its ``send_*`` helpers."""

    protocol_version = "HTTP/1.1"
    server_version = "gazette-test"
    sys_version = ""
    timeout = 15  # idle keep-alive connections end on their own
    server: _Server
    record: RequestRecord

    # -- plumbing ---------------------------------------------------------------------

    @override
    def log_message(self, format: str, *args: object) -> None:
        """Silence the per-request stderr log."""

    @override
    def send_response(self, code: int, message: str | None = None) -> None:
        record = getattr(self, "record", None)
        if record is not None:  # None for stdlib errors sent before _handle (bad request line)
            record.status = code
        super().send_response(code, message)

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def _handle(self) -> None:
        fs = self.server.owner
        path = unquote(urlsplit(self.path).path) or "/"
        self.record = RequestRecord(
            method=self.command,
            target=self.path,
            path=path,
            headers={k.lower(): v for k, v in self.headers.items()},
            client=(self.client_address[0], self.client_address[1]),
        )
        fs._begin(self.record)
        try:
            delay = fs._delays.get(path)
            if delay and fs._stopping.wait(delay):
                self.close_connection = True  # shutting down: answer nothing
                return
            route = fs._routes.get(path)
            if route is not None:
                route(self)
            else:
                self.send_file(path)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True  # the client hung up: that is often the point
        finally:
            fs._end(self.record)

    @property
    def owner(self) -> FeedServer:
        return self.server.owner

    # -- helpers routes can use -------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Write body bytes, counting them."""
        if self.command != "HEAD":
            self.wfile.write(data)
            self.record.bytes_sent += len(data)

    def send_plain(
        self, code: int, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> None:
        """A complete response with no validators or compression (errors, redirects)."""
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if code != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if code != 304:
            self.write(body)

    def send_content(
        self,
        body: bytes,
        *,
        content_type: str | None,
        mtime: float,
        path: str,
        encoding: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """A 200 with ETag/Last-Modified, or 304 if the client's validators match.

        ``encoding`` forces a Content-Encoding (gzip, deflate, deflate-raw);
        otherwise gzip is used when the server's ``gzip`` flag is on and the
        client accepts it.
        """
        fs = self.owner
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        last_modified = formatdate(int(mtime), usegmt=True)
        base = {"ETag": etag, "Last-Modified": last_modified}
        if self._not_modified(etag, int(mtime)):
            self.send_plain(304, headers=base)
            return
        ctype = fs._content_types.get(path, content_type)
        if encoding is None and fs.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
            encoding = "gzip"
        if encoding:
            body = _compress(body, encoding)
            base["Content-Encoding"] = "deflate" if encoding == "deflate-raw" else encoding
            base["Vary"] = "Accept-Encoding"
        if ctype:
            base["Content-Type"] = ctype
        self.send_plain(200, body, {**base, **(headers or {})})

    def send_file(self, path: str) -> None:
        """Serve ``root/path`` (404 if missing or outside the root)."""
        fs = self.owner
        file = (fs.root / path.lstrip("/")).resolve()
        if not file.is_relative_to(fs.root) or not file.is_file():
            self.send_plain(404, b"not found\n", {"Content-Type": "text/plain"})
            return
        ctype = CONTENT_TYPES.get(file.suffix.lower()) or mimetypes.guess_type(file.name)[0]
        self.send_content(
            file.read_bytes(), content_type=ctype, mtime=file.stat().st_mtime, path=path
        )

    def _not_modified(self, etag: str, mtime: int) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            return "*" in tags or etag in tags
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                return mtime <= int(parsedate_to_datetime(ims).timestamp())
            except (TypeError, ValueError):
                return False
        return False


class FeedServer:
    """A configurable loopback feed server; a context manager (start/stop)."""

    def __init__(self, root: str | Path, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = Path(root).resolve()
        #: gzip every content response to clients that accept it.
        self.gzip = False
        self._routes: dict[str, Route] = {}
        self._delays: dict[str, float] = {}
        self._content_types: dict[str, str] = {}
        self._lock = threading.Condition()  # notified when a request starts or ends
        self._stopping = threading.Event()
        self._requests: list[RequestRecord] = []
        self._in_flight = 0
        self.max_in_flight = 0
        self._httpd = _Server((host, port), Handler, bind_and_activate=True)
        self._httpd.owner = self
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> FeedServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.01},  # stop() waits at most this long
            name=f"feedserver:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # ends delays and drips in handler threads
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on this server."""
        return self.base_url + "/" + path.lstrip("/")

    # -- routes -----------------------------------------------------------------------

    def route(self, path: str, responder: Route) -> None:
        """Answer ``path`` with a custom function (it must write a whole response)."""
        self._routes[_p(path)] = responder

    def page(
        self,
        path: str,
        body: bytes | str,
        *,
        content_type: str = "application/xml",
        encoding: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve in-memory content at ``path`` (validators, 304 and gzip as for files).

        ``encoding`` forces compression regardless of Accept-Encoding:
        ``gzip``, ``deflate`` (zlib-wrapped) or ``deflate-raw`` (labelled
        ``deflate``, as misconfigured servers send it).
        """
        data = body.encode() if isinstance(body, str) else body
        key = _p(path)
        self._routes[key] = lambda h: h.send_content(
            data,
            content_type=content_type,
            mtime=PAGE_MTIME,
            path=key,
            encoding=encoding,
            headers=headers,
        )

    def feed_page(
        self, path: str, *feed_hrefs: str, feed_type: str = "application/rss+xml"
    ) -> None:
        """An HTML page announcing ``feed_hrefs`` with ``<link rel="alternate">``."""
        links = "\n".join(
            f'<link rel="alternate" type="{feed_type}" title="Feed" href="{href}">'
            for href in feed_hrefs
        )
        html = (
            "<!doctype html>\n<html><head><title>A site</title>\n"
            f"{links}\n</head><body><p>Hello</p></body></html>\n"
        )
        self.page(path, html, content_type="text/html; charset=utf-8")

    def redirect(self, path: str, to: str, code: int = 301) -> None:
        """Redirect ``path`` to ``to`` (a path on this server or any absolute URL)."""
        self._routes[_p(path)] = lambda h: h.send_plain(
            code, headers={"Location": to, "Content-Type": "text/plain"}
        )

    def redirect_loop(self, a: str, b: str, code: int = 302) -> None:
        """``a`` redirects to ``b`` and ``b`` back to ``a``."""
        self.redirect(a, b, code)
        self.redirect(b, a, code)

    def status(
        self, path: str, code: int, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> None:
        """Answer ``path`` with a fixed status (404, 410, 500...)."""
        text = body or f"status {code}\n".encode()
        self._routes[_p(path)] = lambda h: h.send_plain(
            code, text, {"Content-Type": "text/plain", **(headers or {})}
        )

    def slow(
        self,
        path: str,
        body: bytes | str,
        *,
        interval: float,
        chunk: int = 1,
        content_type: str = "application/rss+xml",
    ) -> None:
        """Send headers at once, then drip ``chunk`` bytes every ``interval`` seconds.

        Every read returns within a normal read timeout, so only a total
        deadline stops a client from waiting ``len(body) / chunk * interval``.
        """
        data = body.encode() if isinstance(body, str) else body

        def drip(h: Handler) -> None:
            h.send_response(200)
            h.send_header("Content-Type", content_type)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            for i in range(0, len(data), chunk):
                h.write(data[i : i + chunk])
                h.wfile.flush()
                if h.owner._stopping.wait(interval):
                    h.close_connection = True
                    return

        self._routes[_p(path)] = drip

    def big(
        self,
        path: str,
        n_bytes: int,
        *,
        chunked: bool = False,
        content_type: str = "application/rss+xml",
    ) -> None:
        """A body of ``n_bytes`` streamed in blocks, never held in memory whole.

        With ``chunked=True`` no Content-Length is sent (Transfer-Encoding:
        chunked), so a client cannot reject it up front and must count.
        """
        block = (b"<item>" + b"x" * 1000 + b"</item>\n") * (_BLOCK // 1015 + 1)

        def send(h: Handler) -> None:
            h.send_response(200)
            h.send_header("Content-Type", content_type)
            if chunked:
                h.send_header("Transfer-Encoding", "chunked")
            else:
                h.send_header("Content-Length", str(n_bytes))
            h.end_headers()
            left = n_bytes
            while left > 0 and not h.owner._stopping.is_set():
                part = block[: min(left, len(block))]
                h.write(b"%x\r\n%s\r\n" % (len(part), part) if chunked else part)
                left -= len(part)
            if chunked:
                h.write(b"0\r\n\r\n")

        self._routes[_p(path)] = send

    def gzip_bomb(self, path: str, n_bytes: int) -> None:
        """``n_bytes`` of zeros gzipped (about n/1000 on the wire), sent to anyone."""
        payload = _bomb(n_bytes)
        self._routes[_p(path)] = lambda h: h.send_plain(
            200,
            payload,
            {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
        )

    # -- per-path options -------------------------------------------------------------

    def delay(self, path: str, seconds: float) -> None:
        """Wait ``seconds`` before answering ``path`` (request counts as in flight)."""
        self._delays[_p(path)] = seconds

    def content_type(self, path: str, ctype: str) -> None:
        """Override the Content-Type of a file or page at ``path``."""
        self._content_types[_p(path)] = ctype

    def clear(self, path: str) -> None:
        """Forget routes and options for ``path`` (files underneath are served again)."""
        key = _p(path)
        for table in (self._routes, self._delays, self._content_types):
            table.pop(key, None)

    # -- observation ------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of every request so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def requests_for(self, path: str) -> list[RequestRecord]:
        key = _p(path)
        return [r for r in self.requests if r.path == key]

    def hits(self, path: str) -> int:
        """How many requests ``path`` received."""
        return len(self.requests_for(path))

    def last_request(self, path: str) -> RequestRecord:
        """The most recent request to ``path`` (``LookupError`` if none)."""
        found = self.requests_for(path)
        if not found:
            raise LookupError(f"no request for {path}")
        return found[-1]

    def wait_until(self, cond: Callable[[FeedServer], bool], timeout: float = 20.0) -> None:
        """Block until ``cond(self)`` holds, checked each time a request starts or ends.

        Tests wait on what the server saw (a request arrived, a handler finished and
        its byte count is final) instead of sleeping and hoping.
        """
        with self._lock:
            if not self._lock.wait_for(lambda: cond(self), timeout):
                raise AssertionError(f"the feed server never saw it in {timeout} s")

    def idle(self) -> bool:
        """No request is in flight: every handler has finished and counted its bytes."""
        return self._in_flight == 0

    def reset_stats(self) -> None:
        """Forget recorded requests and the in-flight maximum."""
        with self._lock:
            self._requests.clear()
            self.max_in_flight = self._in_flight

    def _begin(self, record: RequestRecord) -> None:
        with self._lock:
            self._requests.append(record)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            self._lock.notify_all()

    def _end(self, record: RequestRecord) -> None:
        with self._lock:
            record.finished = time.monotonic()
            self._in_flight -= 1
            self._lock.notify_all()


def _p(path: str) -> str:
    return "/" + path.lstrip("/")


def _compress(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return _gzip.compress(body, mtime=0)
    if encoding == "deflate":
        return zlib.compress(body)
    if encoding == "deflate-raw":
        c = zlib.compressobj(wbits=-15)
        return c.compress(body) + c.flush()
    raise ValueError(f"unknown encoding {encoding!r}")


_BOMBS: dict[int, bytes] = {}


def _bomb(n_bytes: int) -> bytes:
    """gzip of ``n_bytes`` zeros, built in blocks and cached (building 100 MB takes ~0.3 s)."""
    if n_bytes not in _BOMBS:
        c = zlib.compressobj(9, zlib.DEFLATED, 31)
        zeros = bytes(1024 * 1024)
        parts: list[bytes] = []
        left = n_bytes
        while left > 0:
            parts.append(c.compress(zeros[: min(left, len(zeros))]))
            left -= len(zeros)
        parts.append(c.flush())
        _BOMBS[n_bytes] = b"".join(parts)
    return _BOMBS[n_bytes]


if __name__ == "__main__":  # pragma: no cover - `python tests/feedserver.py DIR` by hand
    srv = FeedServer(sys.argv[1] if len(sys.argv) > 1 else ".").start()
    print(f"serving {srv.root} at {srv.base_url} (Ctrl-C to stop)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        srv.stop()

"""A Google Reader server in memory, with state, for the sync engine's unit tests.

It keeps subscriptions and items (read, starred, labels) and answers the
endpoints a sync uses the way FreshRSS does (shapes from the recorded
answers); tests make it fail on purpose: vanish after N requests, say it is
busy, refuse the login.  The integration tests run the real FreshRSS.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import httpx
from typing_extensions import override

from tui.core.fetch.api import ApiClient
from tui.core.sync.dialects import FRESHRSS, Dialect
from tui.core.sync.greader import GReaderClient

BASE = "http://127.0.0.1:9999/api/greader.php"
_STATE = "user/-/state/com.google/"
READ, STARRED, READING = _STATE + "read", _STATE + "starred", _STATE + "reading-list"
LABEL = "user/-/label/"


@dataclass
class Entry:
    feed: str
    title: str
    url: str
    published: int
    read: bool = False
    starred: bool = False
    labels: set[str] = field(default_factory=set)
    content: str = "<p>Body</p>"


@dataclass
class Sub:
    title: str
    url: str
    folder: str | None


class ReaderDouble:
    """State plus a handler for ``httpx.MockTransport``."""

    def __init__(self) -> None:
        self.subs: dict[str, Sub] = {}
        self.items: dict[str, Entry] = {}
        self.password = "secret"
        self.auth = "user/token1"
        self.log: list[tuple[str, list[tuple[str, str]]]] = []
        #: Requests answered before the server "vanishes" (None: never).
        self.vanish_after: int | None = None
        #: An endpoint answered 503 with this Retry-After (None: never busy).
        self.busy: tuple[str, str] | None = None
        #: (endpoint, event): requests to the endpoint wait for the event (a slow server);
        #: ``asked`` is set when one has come in.
        self.hold: tuple[str, threading.Event] | None = None
        self.asked = threading.Event()

    # -- building state ------------------------------------------------------------------

    def feed(self, n: int, items: int, folder: str | None = "News") -> str:
        stream = f"feed/{n}"
        self.subs[stream] = Sub(f"Feed {n}", f"https://feed{n}.example/rss", folder)
        for j in range(items):
            item = str(1_800_000_000_000_000 + n * 1000 + j)
            self.items[item] = Entry(
                stream, f"Feed {n} item {j}", f"https://feed{n}.example/{j}", 1_790_000_000 + j
            )
        return stream

    def client(
        self, dialect: Dialect = FRESHRSS, auth: str | None = "user/token1"
    ) -> GReaderClient:
        api = ApiClient(BASE, transport=httpx.MockTransport(self.handle))
        return GReaderClient(api, dialect, auth=auth)

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Answer on a loopback port for what makes its own connections (the
        CLI); yields the API address."""
        double = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = httpx.Request(
                    self.command,
                    BASE.rsplit("/api/", 1)[0] + self.path,
                    headers=dict(self.headers),
                    content=self.rfile.read(length),
                )
                try:
                    response = double.handle(request)
                except httpx.ConnectError:
                    self.connection.close()
                    return
                self.send_response(response.status_code)
                for name, value in response.headers.items():
                    if name.lower() not in ("content-length", "transfer-encoding"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(response.content)))
                self.end_headers()
                self.wfile.write(response.content)

            do_GET = do_POST = _answer

            @override
            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}/api/greader.php"
        finally:
            server.shutdown()
            server.server_close()

    def count(self, endpoint: str) -> int:
        return sum(1 for e, _ in self.log if e == endpoint)

    # -- answering ---------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = urlsplit(str(request.url)).path.split("greader.php/", 1)[1]
        endpoint = path.removeprefix("reader/api/0/")
        pairs = parse_qsl(request.url.query.decode(), keep_blank_values=True)
        pairs += parse_qsl(request.content.decode(), keep_blank_values=True)
        if self.vanish_after is not None and len(self.log) >= self.vanish_after:
            raise httpx.ConnectError("connection refused", request=request)
        self.log.append((endpoint, pairs))
        if self.hold is not None and endpoint == self.hold[0]:
            self.asked.set()
            self.hold[1].wait(60)
        if self.busy is not None and endpoint == self.busy[0]:
            return httpx.Response(503, headers={"Retry-After": self.busy[1]}, text="busy")
        if endpoint == "accounts/ClientLogin":
            if dict(pairs).get("Passwd") != self.password:
                return httpx.Response(401, text="Unauthorized!")
            self.auth = self.auth + "x"
            return httpx.Response(200, text=f"SID={self.auth}\nLSID=null\nAuth={self.auth}\n")
        if request.headers.get("Authorization") != f"GoogleLogin auth={self.auth}":
            return httpx.Response(401, text="Unauthorized!")
        handler = getattr(self, "_" + endpoint.replace("/", "_").replace("-", "_"), None)
        if handler is None:
            return httpx.Response(400, text="Bad Request!")
        answer = handler(pairs)
        if answer is None:  # what FreshRSS answers for a feed or label it does not have
            return httpx.Response(400, text="Bad Request!")
        if isinstance(answer, str):
            return httpx.Response(200, text=answer)
        return httpx.Response(200, json=answer)

    def _token(self, pairs: list[tuple[str, str]]) -> str:
        return "T" * 57

    def _subscription_list(self, pairs: list[tuple[str, str]]) -> object:
        return {
            "subscriptions": [
                {
                    "id": stream,
                    "title": sub.title,
                    "url": sub.url,
                    "htmlUrl": sub.url.rsplit("/", 1)[0],
                    "categories": (
                        [{"id": LABEL + sub.folder, "label": sub.folder}] if sub.folder else []
                    ),
                }
                for stream, sub in self.subs.items()
            ]
        }

    def _tag_list(self, pairs: list[tuple[str, str]]) -> object:
        folders = {s.folder for s in self.subs.values() if s.folder}
        labels = {lb for e in self.items.values() for lb in e.labels} - folders
        return {
            "tags": [{"id": STARRED}]
            + [{"id": LABEL + f, "type": "folder"} for f in sorted(folders)]
            + [{"id": LABEL + lb, "type": "tag"} for lb in sorted(labels)]
        }

    def _stream_items_ids(self, pairs: list[tuple[str, str]]) -> object:
        q = dict(pairs)
        stream = q.get("s", READING)
        ids = sorted(self.items, reverse=True)
        if stream == STARRED:
            ids = [i for i in ids if self.items[i].starred]
        elif stream.startswith(LABEL):
            ids = [i for i in ids if stream.removeprefix(LABEL) in self.items[i].labels]
        elif stream.startswith("feed/"):
            ids = [i for i in ids if self.items[i].feed == stream]
        if q.get("xt") == READ:
            ids = [i for i in ids if not self.items[i].read]
        if q.get("it") == READ:
            ids = [i for i in ids if self.items[i].read]
        if "ot" in q:
            ids = [i for i in ids if int(i) // 1_000_000 >= int(q["ot"])]
        start = int(q.get("c", 0))
        n = int(q.get("n", 20))
        page = ids[start : start + n]
        out: dict[str, object] = {"itemRefs": [{"id": i} for i in page]}
        if start + n < len(ids):
            out["continuation"] = str(start + n)
        return out

    def _stream_items_contents(self, pairs: list[tuple[str, str]]) -> object:
        wanted = [_decimal(v) for k, v in pairs if k == "i"]
        return {"items": [self._item(i) for i in wanted if i in self.items]}

    def _item(self, item: str) -> dict[str, object]:
        e = self.items[item]
        cats = [READING]
        cats += [READ] if e.read else []
        cats += [STARRED] if e.starred else []
        cats += [LABEL + lb for lb in sorted(e.labels)]
        sub = self.subs.get(e.feed)
        folder = sub.folder if sub else None
        cats += [LABEL + folder] if folder else []
        return {
            "id": f"tag:google.com,2005:reader/item/{int(item):016x}",
            "published": e.published,
            "title": e.title,
            "canonical": [{"href": e.url}],
            "categories": cats,
            "origin": {"streamId": e.feed, "title": sub.title if sub else ""},
            "summary": {"content": e.content},
            "author": "Someone",
        }

    def _edit_tag(self, pairs: list[tuple[str, str]]) -> str:
        ids = [_decimal(v) for k, v in pairs if k == "i"]
        for key, value in pairs:
            if key not in ("a", "r"):
                continue
            for i in ids:
                entry = self.items.get(i)
                if entry is None:
                    continue
                on = key == "a"
                if value == READ:
                    entry.read = on
                elif value == STARRED:
                    entry.starred = on
                elif value.startswith(LABEL):
                    (entry.labels.add if on else entry.labels.discard)(value.removeprefix(LABEL))
        return "OK"

    def _subscription_quickadd(self, pairs: list[tuple[str, str]]) -> object:
        url = dict(pairs)["quickadd"]
        n = max((int(s.split("/")[1]) for s in self.subs), default=0) + 1
        stream = self.feed(n, 3, folder=None)
        self.subs[stream].url = url
        return {"numResults": 1, "query": url, "streamId": stream, "streamName": f"Feed {n}"}

    def _subscription_edit(self, pairs: list[tuple[str, str]]) -> str | None:
        q = dict(pairs)
        stream = q["s"]
        if stream not in self.subs:
            return None
        if q.get("ac") == "unsubscribe":
            del self.subs[stream]
            return "OK"
        sub = self.subs[stream]
        if "t" in q:
            sub.title = q["t"]
        if "r" in q and sub.folder == q["r"].removeprefix(LABEL):
            sub.folder = None
        if "a" in q:
            sub.folder = q["a"].removeprefix(LABEL)
        return "OK"

    def _rename_tag(self, pairs: list[tuple[str, str]]) -> str | None:
        q = dict(pairs)
        old, new = q["s"].removeprefix(LABEL), q["dest"].removeprefix(LABEL)
        if not any(old in e.labels for e in self.items.values()):
            return None
        for e in self.items.values():
            if old in e.labels:
                e.labels.discard(old)
                e.labels.add(new)
        return "OK"


def _decimal(item: str) -> str:
    """An item id as this server keeps it (it takes the long form too, as FreshRSS does)."""
    prefix = "tag:google.com,2005:reader/item/"
    return str(int(item.removeprefix(prefix), 16)) if item.startswith(prefix) else item

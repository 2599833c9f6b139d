"""A scripted Google Reader server for unit tests (``httpx.MockTransport``).

Answers come from recorded files (``tests/fixtures/greader/<server>/NAME.json``:
status, content type, body) or are written by the test; every request is
kept with its query and form as lists of pairs, so repeated ``i=`` fields
can be counted.  Answers for an endpoint are given in order; the last one
repeats.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx

from tui.core.fetch.api import ApiClient
from tui.core.sync.dialects import Dialect
from tui.core.sync.greader import GReaderClient

FIXTURES = Path(__file__).parent / "fixtures" / "greader"
BASE = "http://127.0.0.1:8080/api/greader.php"

Answer = httpx.Response | Callable[[httpx.Request], httpx.Response]


def recorded(server: str, name: str) -> httpx.Response:
    """The recorded answer ``name`` of ``server`` (``freshrss``, ``miniflux``)."""
    data = json.loads((FIXTURES / server / f"{name}.json").read_text())
    return httpx.Response(
        data["status"],
        headers={"Content-Type": data["content_type"]},
        content=data["body"].encode(),
    )


def answer(status: int, body: str | bytes = b"", **headers: str) -> httpx.Response:
    """An answer written by the test."""
    content = body.encode() if isinstance(body, str) else body
    return httpx.Response(status, headers=headers, content=content)


@dataclass
class Seen:
    """One request as the server got it."""

    method: str
    endpoint: str
    query: list[tuple[str, str]]
    form: list[tuple[str, str]]
    headers: dict[str, str]

    def values(self, key: str) -> list[str]:
        """Every value of ``key`` in the query and the form, in order."""
        return [v for k, v in (*self.query, *self.form) if k == key]


class FakeServer:
    """Routes by endpoint (the path after ``greader.php/``, e.g. ``reader/api/0/token``)."""

    def __init__(self) -> None:
        self.answers: dict[str, list[Answer]] = {}
        self.seen: list[Seen] = []

    def on(self, endpoint: str, *answers: Answer) -> None:
        """Answer ``endpoint`` with ``answers`` in turn (the last one repeats)."""
        self.answers[endpoint] = list(answers)

    def requests(self, endpoint: str) -> list[Seen]:
        return [s for s in self.seen if s.endpoint == endpoint]

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = urlsplit(str(request.url)).path
        endpoint = path.split("/greader.php/", 1)[-1]
        form = parse_qsl(request.content.decode(), keep_blank_values=True)
        query = parse_qsl(request.url.query.decode(), keep_blank_values=True)
        self.seen.append(Seen(request.method, endpoint, query, form, dict(request.headers)))
        queue = self.answers.get(endpoint)
        if not queue:
            return answer(404, "Not found")
        found = queue.pop(0) if len(queue) > 1 else queue[0]
        return found(request) if callable(found) else found

    def client(
        self, dialect: Dialect, auth: str | None = "user/abc", max_bytes: int = 1 << 20
    ) -> GReaderClient:
        """A GReaderClient talking to this server."""
        transport = httpx.MockTransport(self.handle)
        api = ApiClient(BASE, timeout=5, max_bytes=max_bytes, transport=transport)
        return GReaderClient(api, dialect, auth)

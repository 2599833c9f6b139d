"""A loopback feed farm: N generated feeds of M items served over HTTP on 127.0.0.1.

Everything is deterministic (seeded): the same ``seed``, feed index and item
index always give the same title, dates and 2-6 KB HTML body (paragraphs,
links, a list, an image, sometimes a quote or a code block), so Gazette and
newsboat see byte-identical documents and runs are comparable.

The farm listens on ``hosts`` ports (default 16); feed ``n`` is published on
port ``n % hosts``, so a client's per-host politeness limit meets a realistic
spread of "hosts" instead of 1,000 feeds on one.  Responses carry an ETag and a
Last-Modified and answer conditional requests with 304; gzip is used when the
client asks for it.  ``delay_ms`` (with jitter) and ``error_rate`` (HTTP 500,
seeded) simulate slow and flaky servers.

Documents are generated lazily and cached per feed; ``warm()`` builds them
all up front (in the farm process, before anything is timed).  The farm runs
in its own process (:class:`FarmProcess`) so serving never competes with the
measured client for its GIL.

Stand-alone::

    python benchmarks/farm.py --feeds 1000 --items 50
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import hashlib
import itertools
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

#: Bump when generated content changes, so cached databases are rebuilt.
CONTENT_VERSION = 1

#: Items are dated before this instant (2026-05-28T08:26:40Z), newest first.
BASE_TIME = 1_780_000_000

# Real words at fixed ranks of the Zipf-distributed vocabulary, so that search
# queries can be written with known frequencies: the first ones are common
# (in most articles), those near the end are rare (a few hundred articles).
ANCHOR_WORDS: tuple[str, ...] = (
    "market",
    "people",
    "system",
    "government",
    "climate",
    "energy",
    "research",
    "software",
    "river",
    "election",
    "museum",
    "railway",
    "harbour",
    "telescope",
    "orchestra",
    "glacier",
    "vaccine",
    "lighthouse",
    "archipelago",
    "quasar",
)
_ANCHOR_RANKS = (
    3,
    7,
    12,
    20,
    30,
    45,
    60,
    80,
    110,
    150,
    220,
    320,
    450,
    650,
    900,
    1300,
    1900,
    2700,
    3800,
    5200,
)
VOCAB_SIZE = 8000
_ZIPF_S = 1.05
_STOP = ("the", "of", "and", "to", "a", "in", "is", "that", "for", "on", "with", "as", "by", "at")
_ONSETS = ("b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br",
           "ch", "cl", "dr", "fl", "gr", "pl", "pr", "sh", "st", "str", "th", "tr")  # fmt: skip
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "io", "ou")
_CODAS = ("", "", "n", "r", "s", "l", "t", "m", "nd", "rt", "st", "x")
_AUTHORS = ("Ada Byron", "Grace Hopper", "Alan Kay", "Barbara Liskov", "Ken Thompson",
            "Radia Perlman", "Donald Knuth", "Frances Allen", "Edsger Dijkstra",
            "Margaret Hamilton", "Niklaus Wirth", "Karen Spärck Jones")  # fmt: skip


def _pseudo_word(rng: random.Random) -> str:
    return "".join(
        rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
        for _ in range(rng.choice((1, 2, 2, 3)))
    )


@dataclass(frozen=True, slots=True)
class Item:
    """One generated entry."""

    feed: int
    index: int
    guid: str
    url: str
    title: str
    author: str
    published: int
    html: str
    summary: str


class Generator:
    """Deterministic feed content.  Cheap to construct (~0.3 s); thread-safe once built."""

    def __init__(self, seed: int = 1) -> None:
        self.seed = seed
        rng = random.Random(seed)
        words: list[str] = []
        seen = set(ANCHOR_WORDS) | set(_STOP)
        while len(words) < VOCAB_SIZE:
            w = _pseudo_word(rng)
            if w not in seen and len(w) > 2:
                seen.add(w)
                words.append(w)
        for word, rank in zip(ANCHOR_WORDS, _ANCHOR_RANKS, strict=True):
            words[rank] = word
        self.vocabulary = words
        weights = [1.0 / (r + 1) ** _ZIPF_S for r in range(VOCAB_SIZE)]
        cum = list(itertools.accumulate(weights))
        total = cum[-1]
        # One long Zipf-distributed word stream with stop words mixed in;
        # text is cut from it at random offsets (fast, and realistic enough
        # for a tokenizer and an index).
        stream: list[str] = []
        for _ in range(1 << 18):
            if rng.random() < 0.35:
                stream.append(rng.choice(_STOP))
            else:
                stream.append(words[bisect.bisect_left(cum, rng.random() * total)])
        self._stream = stream
        self._sentences = [self._sentence(rng) for _ in range(20_000)]

    # -- text -------------------------------------------------------------

    def _words(self, rng: random.Random, n: int) -> list[str]:
        start = rng.randrange(len(self._stream) - n)
        return self._stream[start : start + n]

    def _sentence(self, rng: random.Random) -> str:
        words = self._words(rng, rng.randint(8, 22))
        text = " ".join(words)
        return text[0].upper() + text[1:] + rng.choice((".", ".", ".", "?", "!"))

    def _sentences_text(self, rng: random.Random, n: int) -> str:
        return " ".join(rng.choice(self._sentences) for _ in range(n))

    def feed_title(self, feed: int) -> str:
        rng = random.Random(self.seed * 7_919 + feed)
        return f"Farm {feed:04d}: " + " ".join(self._words(rng, 3)).title()

    def site(self, feed: int) -> str:
        return f"https://site{feed:04d}.example.org"

    def _body(self, rng: random.Random, feed: int, index: int, target: int) -> str:
        site = self.site(feed)
        parts: list[str] = []
        size = 0
        block = 0
        while size < target:
            kind = block % 6 if block else 0
            if kind in (0, 2, 4):
                text = escape(self._sentences_text(rng, rng.randint(2, 5)), quote=False)
                if kind == 2:
                    w = self._words(rng, 2)
                    link = f'<a href="{site}/{w[0]}/{rng.randrange(10_000)}">{" ".join(w)}</a>'
                    cut = text.find(" ", len(text) // 2)
                    text = f"{text[:cut]} {link}{text[cut:]}" if cut > 0 else text + " " + link
                piece = f"<p>{text}</p>"
            elif kind == 1:
                items = "".join(
                    f"<li>{escape(self._sentences_text(rng, 1), quote=False)}</li>"
                    for _ in range(rng.randint(3, 5))
                )
                piece = f"<ul>{items}</ul>"
            elif kind == 3:
                alt = escape(" ".join(self._words(rng, 4)))
                piece = (
                    f'<figure><img src="/images/{feed}/{index}-{block}.jpg" alt="{alt}" '
                    f'width="800" height="450"><figcaption>{alt}</figcaption></figure>'
                )
            elif rng.random() < 0.5:
                text = escape(self._sentences_text(rng, 2), quote=False)
                piece = f"<blockquote><p>{text}</p></blockquote>"
            else:
                code = "\n".join(
                    f"{w} = compute({rng.randrange(100)}, '{w}')" for w in self._words(rng, 4)
                )
                piece = f"<pre><code>{escape(code)}</code></pre>"
            parts.append(piece)
            size += len(piece)
            block += 1
        return "\n".join(parts)

    def item(self, feed: int, index: int) -> Item:
        rng = random.Random((self.seed * 1_000_003 + feed) * 100_003 + index)
        title_words = self._words(rng, rng.randint(4, 9))
        title = " ".join(title_words)
        title = title[0].upper() + title[1:]
        slug = "-".join(title_words[:5])
        interval = 3600 * (1 + feed % 23)
        published = BASE_TIME - feed * 97 - index * interval - rng.randrange(600)
        html = self._body(rng, feed, index, rng.randint(1900, 5400))
        summary = self._sentences_text(rng, 2)
        return Item(
            feed=feed,
            index=index,
            guid=f"farm-{self.seed}-{feed}-{index}",
            url=f"{self.site(feed)}/posts/{index}-{slug}",
            title=title,
            author=_AUTHORS[(feed + index) % len(_AUTHORS)],
            published=published,
            html=html,
            summary=summary,
        )

    def items(self, feed: int, count: int) -> list[Item]:
        return [self.item(feed, i) for i in range(count)]

    # -- documents ----------------------------------------------------------

    @staticmethod
    def is_atom(feed: int) -> bool:
        return feed % 4 == 3

    def document(self, feed: int, count: int) -> bytes:
        """The feed document: RSS 2.0 with content:encoded, or (every 4th feed) Atom."""
        items = self.items(feed, count)
        title = escape(self.feed_title(feed))
        site = self.site(feed)
        newest = items[0].published if items else BASE_TIME
        out: list[str] = ['<?xml version="1.0" encoding="utf-8"?>\n']
        if self.is_atom(feed):
            out.append(
                '<feed xmlns="http://www.w3.org/2005/Atom">\n'
                f"<title>{title}</title>\n<id>tag:farm,2026:{feed}</id>\n"
                f'<link rel="alternate" href="{site}/"/>\n<updated>{_iso(newest)}</updated>\n'
            )
            for it in items:
                out.append(
                    f"<entry><id>tag:farm,2026:{it.guid}</id>"
                    f"<title>{escape(it.title)}</title>"
                    f'<link rel="alternate" href="{escape(it.url)}"/>'
                    f"<published>{_iso(it.published)}</published>"
                    f"<updated>{_iso(it.published)}</updated>"
                    f"<author><name>{escape(it.author)}</name></author>"
                    f"<summary>{escape(it.summary)}</summary>"
                    f'<content type="html">{escape(it.html)}</content></entry>\n'
                )
            out.append("</feed>\n")
        else:
            out.append(
                '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
                f"<title>{title}</title>\n<link>{site}/</link>\n"
                f"<description>Generated feed {feed}</description>\n"
                f"<lastBuildDate>{formatdate(newest, usegmt=True)}</lastBuildDate>\n"
            )
            for it in items:
                out.append(
                    f"<item><title>{escape(it.title)}</title><link>{escape(it.url)}</link>"
                    f'<guid isPermaLink="false">{it.guid}</guid>'
                    f"<pubDate>{formatdate(it.published, usegmt=True)}</pubDate>"
                    f"<dc:creator>{escape(it.author)}</dc:creator>"
                    f"<description>{escape(it.summary)}</description>"
                    f"<content:encoded><![CDATA[{it.html}]]></content:encoded></item>\n"
                )
            out.append("</channel>\n</rss>\n")
        return "".join(out).encode("utf-8")


def _iso(ts: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


@dataclass(slots=True)
class _Doc:
    body: bytes
    gz: bytes
    etag: str
    last_modified: str
    modified_ts: int
    content_type: str


class Farm:
    """The feeds and their HTTP servers (in this process)."""

    def __init__(
        self,
        feeds: int,
        items: int,
        *,
        seed: int = 1,
        hosts: int = 16,
        delay_ms: float = 0.0,
        error_rate: float = 0.0,
    ) -> None:
        self.feeds = feeds
        self.item_count = items
        self.seed = seed
        self.hosts = max(1, min(hosts, feeds))
        self.delay_ms = delay_ms
        self.error_rate = error_rate
        self.gen = Generator(seed)
        self._docs: dict[int, _Doc] = {}
        self._locks = [threading.Lock() for _ in range(64)]
        self._rng = random.Random(seed ^ 0x5EED)
        self._rng_lock = threading.Lock()
        self.stats = {"requests": 0, "200": 0, "304": 0, "errors": 0, "bytes": 0}
        self._stats_lock = threading.Lock()
        self.servers: list[ThreadingHTTPServer] = []

    def doc(self, feed: int) -> _Doc:
        doc = self._docs.get(feed)
        if doc is not None:
            return doc
        with self._locks[feed % len(self._locks)]:
            doc = self._docs.get(feed)
            if doc is None:
                body = self.gen.document(feed, self.item_count)
                tag = hashlib.sha1(body).hexdigest()[:16]
                newest = self.gen.item(feed, 0).published if self.item_count else BASE_TIME
                atom = self.gen.is_atom(feed)
                doc = _Doc(
                    body=body,
                    gz=gzip.compress(body, compresslevel=1, mtime=0),
                    etag=f'"{tag}"',
                    last_modified=formatdate(newest, usegmt=True),
                    modified_ts=newest,
                    content_type=(
                        "application/atom+xml; charset=utf-8"
                        if atom
                        else "application/rss+xml; charset=utf-8"
                    ),
                )
                self._docs[feed] = doc
        return doc

    def warm(self) -> float:
        """Generate every document now; returns the seconds it took."""
        t = time.perf_counter()
        for n in range(self.feeds):
            self.doc(n)
        return time.perf_counter() - t

    def count(self, key: str, nbytes: int = 0) -> None:
        with self._stats_lock:
            self.stats["requests"] += 1
            self.stats[key] += 1
            self.stats["bytes"] += nbytes

    def roll(self) -> tuple[float, bool]:
        """(delay in seconds, fail?) for one request."""
        if not self.delay_ms and not self.error_rate:
            return 0.0, False
        with self._rng_lock:
            delay = self.delay_ms / 1000 * (0.5 + self._rng.random()) if self.delay_ms else 0.0
            fail = self._rng.random() < self.error_rate
        return delay, fail

    # -- serving --------------------------------------------------------------

    def start(self) -> list[int]:
        """Bind ``hosts`` servers on free loopback ports and serve in daemon threads."""
        handler = _handler(self)
        for _ in range(self.hosts):
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            server.daemon_threads = True
            server.request_queue_size = 128
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)
        return self.ports

    @property
    def ports(self) -> list[int]:
        return [s.server_address[1] for s in self.servers]

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def url(self, feed: int) -> str:
        return feed_url(self.ports, feed)


def feed_url(ports: Sequence[int], feed: int) -> str:
    return f"http://127.0.0.1:{ports[feed % len(ports)]}/feed/{feed}.xml"


def _handler(farm: Farm) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
        server_version = "GazetteFarm/1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None):
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body and self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/_stats":
                with farm._stats_lock:
                    body = json.dumps(farm.stats).encode()
                self._send(200, body, {"Content-Type": "application/json"})
                return
            if path == "/_reset":
                with farm._stats_lock:
                    for k in farm.stats:
                        farm.stats[k] = 0
                self._send(204)
                return
            name = path.rsplit("/", 1)[-1]
            if not (path.startswith("/feed/") and name.endswith(".xml")):
                farm.count("errors")
                self._send(404, b"not found", {"Content-Type": "text/plain"})
                return
            try:
                feed = int(name[:-4])
            except ValueError:
                feed = -1
            if not 0 <= feed < farm.feeds:
                farm.count("errors")
                self._send(404, b"not found", {"Content-Type": "text/plain"})
                return
            delay, fail = farm.roll()
            if delay:
                time.sleep(delay)
            if fail:
                farm.count("errors")
                self._send(500, b"simulated failure", {"Content-Type": "text/plain"})
                return
            doc = farm.doc(feed)
            validators = {"ETag": doc.etag, "Last-Modified": doc.last_modified}
            if _not_modified(self.headers, doc):
                farm.count("304")
                self._send(304, b"", validators)
                return
            headers = {"Content-Type": doc.content_type, **validators}
            body = doc.body
            if "gzip" in (self.headers.get("Accept-Encoding") or ""):
                body = doc.gz
                headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
            farm.count("200", len(body))
            self._send(200, body, headers)

    return Handler


def _not_modified(headers: object, doc: _Doc) -> bool:
    inm = headers.get("If-None-Match")  # type: ignore[attr-defined]
    if inm:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return doc.etag in tags or "*" in tags
    ims = headers.get("If-Modified-Since")  # type: ignore[attr-defined]
    if ims:
        try:
            return parsedate_to_datetime(ims).timestamp() >= doc.modified_ts
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
    return False


class FarmProcess:
    """Run a farm in a child process (``with FarmProcess(...) as farm: farm.urls``)."""

    def __init__(
        self,
        feeds: int,
        items: int,
        *,
        seed: int = 1,
        hosts: int = 16,
        delay_ms: float = 0.0,
        error_rate: float = 0.0,
        warm: bool = True,
    ) -> None:
        self.feeds = feeds
        self.items = items
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--feeds",
            str(feeds),
            "--items",
            str(items),
            "--seed",
            str(seed),
            "--hosts",
            str(hosts),
            "--delay-ms",
            str(delay_ms),
            "--error-rate",
            str(error_rate),
            "--ready-json",
        ]
        if warm:
            cmd.append("--warm")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(5)
            raise RuntimeError(f"the feed farm did not start (exit {self.proc.returncode})")
        ready = json.loads(line)
        self.ports: list[int] = ready["ports"]
        self.warm_seconds: float = ready["warm_seconds"]

    @property
    def urls(self) -> list[str]:
        return [feed_url(self.ports, n) for n in range(self.feeds)]

    def _get(self, path: str) -> bytes:
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{self.ports[0]}{path}", timeout=10) as r:
            return r.read()

    def stats(self) -> dict[str, int]:
        return json.loads(self._get("/_stats"))

    def reset_stats(self) -> None:
        self._get("/_reset")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> FarmProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", type=int, default=1000)
    p.add_argument("--items", type=int, default=50)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--hosts", type=int, default=16, help="ports to spread the feeds over")
    p.add_argument("--delay-ms", type=float, default=0.0, help="mean delay per request")
    p.add_argument("--error-rate", type=float, default=0.0, help="share of requests that 500")
    p.add_argument("--warm", action="store_true", help="generate every document before serving")
    p.add_argument("--ready-json", action="store_true", help="print one JSON line when ready")
    args = p.parse_args(argv)
    farm = Farm(
        args.feeds,
        args.items,
        seed=args.seed,
        hosts=args.hosts,
        delay_ms=args.delay_ms,
        error_rate=args.error_rate,
    )
    warm = farm.warm() if args.warm else 0.0
    ports = farm.start()
    if args.ready_json:
        print(json.dumps({"ports": ports, "warm_seconds": round(warm, 3), "pid": os.getpid()}))
    else:
        print(
            f"serving {args.feeds} feeds x {args.items} items on ports {ports} (warm {warm:.1f} s)"
        )
        print(f"first feed: {farm.url(0)}")
    sys.stdout.flush()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        farm.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

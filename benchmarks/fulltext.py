"""Reader mode (issue 17): extraction time per page, and fetching the full
text of 50 articles from a loopback server.

* **Extraction**: each of the held-out pages (``tests/fixtures/pages``) goes
  through ``Extractor.extract`` (trafilatura in its child process, then the
  sanitising converter), after one untimed page that starts the child; the
  figure is the time per page (median and p95 are recorded).  The reference
  is trafilatura called in this process on the same pages: the difference
  is what the child process (pickling, pipes) and the converter cost.
* **Fetch**: a loopback server (a thread of this process: ``PageServer``)
  serves a feed of 50 articles whose links lead to those pages (cycled),
  and ``Library.fetch_wanted_full_texts`` fetches, extracts and stores all
  50, one page at a time, as "always" does after a refresh.  Each run uses
  a fresh database; the server's time counts in the figure (same process).
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from context import Bench
from measure import ROOT, log, p95
from report import Figure

from tui.core.extract import Extractor
from tui.core.extract.trafilatura_html import article_html
from tui.core.library import Library
from tui.core.models import FeedSettings

PAGES = sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.html"))
ARTICLES = 50


class PageServer:
    """A loopback HTTP server: ``/feed.xml`` (50 items) and ``/a/N.html`` (the pages)."""

    def __init__(self) -> None:
        bodies = [p.read_bytes() for p in PAGES]
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/feed.xml":
                    body, ctype = server.feed().encode(), "application/rss+xml"
                elif self.path.startswith("/a/") and self.path.endswith(".html"):
                    n = int(self.path[3:-5])
                    body, ctype = bodies[n % len(bodies)], "text/html; charset=utf-8"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def feed(self) -> str:
        items = "".join(
            f"<item><title>Story {n}</title><link>{self.base}/a/{n}.html</link>"
            f"<guid>story-{n}</guid><description>Summary {n}.</description></item>"
            for n in range(ARTICLES)
        )
        return (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Pages</title>'
            f"<link>{self.base}/</link>{items}</channel></rss>"
        )

    def __enter__(self) -> PageServer:
        self.thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def run_fulltext(bench: Bench) -> None:
    rounds = 1 if bench.quick else 5
    extract_times(bench, rounds)
    fetch_times(bench, 1 if bench.quick else 3)


def extract_times(bench: Bench, rounds: int) -> None:
    ex = Extractor()
    try:
        warm = PAGES[0].read_bytes()
        ex.extract(warm, "https://news.example/warm-up")  # starts the child
        article_html(warm, "https://news.example/warm-up")  # imports trafilatura here
        timed: list[float] = []
        direct: list[float] = []
        for _ in range(rounds):
            for page in PAGES:
                data, url = page.read_bytes(), f"https://news.example/{page.stem}"
                t = time.perf_counter()
                ex.extract(data, url)
                timed.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                article_html(data, url)
                direct.append((time.perf_counter() - t) * 1000)
    finally:
        ex.close()
    bench.raw["fulltext.extract_ms"] = timed
    bench.values["fulltext.extract_median_ms"] = statistics.median(timed)
    bench.values["fulltext.extract_p95_ms"] = p95(timed)
    note = (
        f"median {statistics.median(timed):.1f} ms, p95 {p95(timed):.1f} ms over "
        f"{len(PAGES)} pages x {rounds}"
    )
    log(f"fulltext: extraction {note}")
    bench.figures.append(
        Figure(
            "reader mode: extract one page (child process + converter)",
            "ms",
            timed,
            direct,
            ref_name="trafilatura in-process",
            note=note,
        )
    )


def fetch_times(bench: Bench, runs: int) -> None:
    seconds: list[float] = []
    with PageServer() as server, tempfile.TemporaryDirectory(prefix="gazette-ft-") as tmp:
        for run in range(runs):
            lib = Library(Path(tmp) / f"ft{run}.db")
            try:
                feed, _ = lib.add_feed(f"{server.base}/feed.xml")
                lib.set_feed_settings(feed.id, FeedSettings(full_text="always"))
                t = time.perf_counter()
                done, failed = lib.fetch_wanted_full_texts(limit=ARTICLES)
                seconds.append(time.perf_counter() - t)
            finally:
                lib.close()
            if (done, failed) != (ARTICLES, 0):
                bench.notes.append(f"fulltext fetch: {done} fetched, {failed} failed")
    bench.raw["fulltext.fetch_50_s"] = seconds
    bench.values["fulltext.fetch_50_s"] = statistics.median(seconds)
    log(f"fulltext: {ARTICLES} full texts fetched in {statistics.median(seconds):.2f} s")
    bench.figures.append(
        Figure(f"reader mode: fetch {ARTICLES} full texts (loopback)", "s", seconds)
    )

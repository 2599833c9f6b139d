"""Sync faults against a real FreshRSS: a killed process, a server that stops
mid-sync, a wrong password, hostile feeds relayed by the server."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from feedserver import FeedServer
from typing_extensions import override

from tui.core.library import Library

pytestmark = pytest.mark.freshrss

ROOT = Path(__file__).parent.parent.parent


def _library(path: Path, env: dict[str, str], api: str | None = None) -> Library:
    lib = Library(path)
    lib.add_account(
        api or env["FRESHRSS_API"], env["FRESHRSS_USER"], env["FRESHRSS_API_PASSWORD"], name="home"
    )
    return lib


def _gazette(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", "--db", str(db), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=False,
    )


@contextmanager
def _tarpit() -> Iterator[tuple[str, threading.Event]]:
    """A server that hands out an action token, then takes the push's edit-tag
    and never answers it: (its API address, an event set once the edit-tag
    has come in)."""
    asked = threading.Event()
    release = threading.Event()

    class Tarpit(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"T" * 57
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.split("?")[0].endswith("/edit-tag"):
                asked.set()
            release.wait(120)

        @override
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tarpit)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/api/greader.php", asked
    finally:
        release.set()
        server.shutdown()
        server.server_close()


@contextmanager
def _dying_proxy(target: str, endpoint: str, answers: int) -> Iterator[str]:
    """FreshRSS through a proxy that forwards every request until ``answers``
    requests to ``endpoint`` have gone through, then drops every connection,
    as a server stopped mid-sync; yields its API address."""
    parts = urlsplit(target)
    count = 0
    lock = threading.Lock()

    class Proxy(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            nonlocal count
            with lock:
                if self.path.split("?")[0].endswith(endpoint):
                    count += 1
                alive = count <= answers
            if not alive:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            upstream = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            reply = upstream.getresponse()
            data = reply.read()
            self.send_response(reply.status)
            for name, value in reply.getheaders():
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            upstream.close()

        do_GET = do_POST = _forward

        @override
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{parts.path}"
    finally:
        server.shutdown()
        server.server_close()


def _consistent(lib: Library) -> None:
    """Every stored article of the account knows its item, and each item one article."""
    conn = lib.store.conn
    articles = conn.execute(
        "SELECT count(*) FROM articles a JOIN feeds f ON f.id = a.feed_id "
        "WHERE f.account_id IS NOT NULL"
    ).fetchone()[0]
    items = conn.execute("SELECT count(*) FROM remote_items").fetchone()[0]
    assert articles == items


def test_a_queued_change_survives_sigkill_during_the_push(
    tmp_path: Path, freshrss: dict[str, str]
) -> None:
    db = tmp_path / "a.db"
    lib = _library(db, freshrss)
    assert lib.sync()[0].error is None
    item, article = lib.store.conn.execute(
        "SELECT remote_id, article_id FROM remote_items ORDER BY remote_id LIMIT 1"
    ).fetchone()
    starred = not lib.article(article).starred
    lib.set_starred([article], starred=starred)
    with _tarpit() as (dead_api, asked):
        lib.store.conn.execute("UPDATE accounts SET url = ?", (dead_api,))
        child = subprocess.Popen(
            [sys.executable, "-m", "tui", "--db", str(db), "sync"],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert asked.wait(60), "the sync never sent its change"
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(30)
    assert child.returncode == -signal.SIGKILL
    lib.close()
    lib = Library(db)
    (account,) = lib.accounts()
    assert account.pending == 1
    lib.store.conn.execute("UPDATE accounts SET url = ?", (freshrss["FRESHRSS_API"],))
    result = lib.sync()[0]
    assert result.error is None and result.sent == 1 and result.pending == 0
    other = _library(tmp_path / "b.db", freshrss)
    other.sync()
    row = other.store.conn.execute(
        "SELECT article_id FROM remote_items WHERE remote_id = ?", (item,)
    ).fetchone()
    assert other.article(row[0]).starred == starred
    lib.close()
    other.close()


def test_a_server_stopping_before_the_push_keeps_the_queue(
    tmp_path: Path, freshrss: dict[str, str]
) -> None:
    lib = _library(tmp_path / "a.db", freshrss)
    assert lib.sync()[0].error is None
    article = lib.store.conn.execute("SELECT article_id FROM remote_items LIMIT 1").fetchone()[0]
    lib.set_read([article], read=not lib.article(article).read)
    with _dying_proxy(freshrss["FRESHRSS_API"], "/edit-tag", 0) as api:
        lib.store.conn.execute("UPDATE accounts SET url = ?", (api,))
        broken = lib.sync()[0]
    assert broken.error is not None and broken.offline and broken.pending == 1
    lib.store.conn.execute("UPDATE accounts SET url = ?", (freshrss["FRESHRSS_API"],))
    done = lib.sync()[0]
    assert done.error is None and done.sent == 1 and done.pending == 0
    lib.close()


def test_a_server_stopping_mid_pull_leaves_nothing_half_written(
    tmp_path: Path, freshrss: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Items in batches of 10: the server stops after two of them.
    monkeypatch.setattr("tui.core.sync.engine.ITEMS_BATCH", 10)
    lib = _library(tmp_path / "a.db", freshrss)
    with _dying_proxy(freshrss["FRESHRSS_API"], "/stream/items/contents", 2) as api:
        lib.store.conn.execute("UPDATE accounts SET url = ?", (api,))
        broken = lib.sync()[0]
    assert broken.error is not None and broken.new == 20
    _consistent(lib)
    assert lib.accounts()[0].last_sync is None
    lib.store.conn.execute("UPDATE accounts SET url = ?", (freshrss["FRESHRSS_API"],))
    done = lib.sync()[0]
    assert done.error is None
    _consistent(lib)
    reference = _library(tmp_path / "b.db", freshrss)
    reference.sync()
    assert lib.store.known_items(1) == reference.store.known_items(1)
    lib.close()
    reference.close()


def test_a_wrong_password_is_one_line_and_exit_2(tmp_path: Path, freshrss: dict[str, str]) -> None:
    done = _gazette(
        tmp_path / "a.db",
        "account",
        "add",
        freshrss["FRESHRSS_API"],
        "--user",
        freshrss["FRESHRSS_USER"],
        "--password-stdin",
        stdin="not-the-password\n",
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "wrong user name or password" in done.stderr


HOSTILE = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Hostile \u202eltuae</title>
<link>https://hostile.example/</link><description>x</description>
<item><title>Reversed \u202e title \u2066 and \u200f marks
&amp;#27;]0;pwned&amp;#7; &amp;#x1b;[31m</title>
<link>javascript:alert(document.cookie)</link><guid>urn:hostile:1</guid>
<description>&lt;script&gt;alert(1)&lt;/script&gt;&lt;p&gt;Words&lt;/p&gt;
&lt;a href="javascript:alert(2)"&gt;click&lt;/a&gt;</description></item>
</channel></rss>
"""


def test_hostile_feeds_relayed_by_the_server_reach_no_terminal(
    tmp_path: Path, freshrss: dict[str, str], freshrss_feeds: FeedServer
) -> None:
    freshrss_feeds.page("/feeds/hostile.xml", HOSTILE, content_type="application/rss+xml")
    db = tmp_path / "a.db"
    lib = _library(db, freshrss)
    lib.subscribe_on_account("home", freshrss_feeds.url("/feeds/hostile.xml"))
    assert lib.sync()[0].error is None
    (article,) = [a for a in lib.articles() if "Reversed" in a.title]
    assert lib.article(article.id).url is None
    shown = _gazette(db, "articles")
    body = _gazette(db, "show", str(article.id))
    lib.remove_feed(freshrss_feeds.url("/feeds/hostile.xml"))  # leave the server as it was
    lib.sync()
    lib.close()
    for out in (shown.stdout, body.stdout):
        assert out and not any(c in out for c in "\x1b\u202e\u2066\u200f")
        assert "javascript:" not in out and "<script" not in out

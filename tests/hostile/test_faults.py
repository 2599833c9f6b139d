"""Faults: a killed refresh, two processes at once. Nothing is lost or corrupted."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from builders import rss_feed, rss_item
from feedserver import FeedServer

from tui.core.library import Library
from tui.core.models import View

pytestmark = pytest.mark.hostile

FEEDS = 200


def feed_xml(i: int, items: int = 20) -> str:
    """Feed ``i`` of a farm: ``items`` items of 200 words each."""
    return rss_feed(
        *(
            rss_item(
                f"f{i}-{j}",
                f"Feed {i} item {j}",
                link=f"https://example.org/{i}/{j}",
                body=f"<p>{'words ' * 200}</p>",
            )
            for j in range(items)
        ),
        title=f"Feed {i}",
        link=None,
    )


def serve_farm(server: FeedServer, n: int, delay: float) -> list[str]:
    urls = []
    for i in range(n):
        server.page(f"/farm/{i}.xml", feed_xml(i))
        if delay:
            server.delay(f"/farm/{i}.xml", delay)
        urls.append(server.url(f"/farm/{i}.xml"))
    return urls


def refresh_process(db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", str(db), "refresh"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sigkill_during_refresh_loses_nothing(tmp_path: Path, feed_server: FeedServer) -> None:
    db = tmp_path / "kill.db"
    urls = serve_farm(feed_server, FEEDS, delay=0.05)
    lib = Library(db)
    for url in urls:
        lib.store.add_feed(url)
    lib.refresh([lib.store.feed_id_for_url(urls[0]) or 0])  # some user state first
    first = lib.articles(View(feed_id=lib.store.feed_id_for_url(urls[0])))
    lib.set_read([first[0].id])
    lib.set_starred([first[1].id])
    lib.set_note(first[2].id, "a note that must survive")
    lib.close()

    proc = refresh_process(db)
    assert proc.stderr is not None
    done = 0
    deadline = time.monotonic() + 60
    while done < 30 and time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        done += line.startswith("[")
    assert done >= 30, "refresh made no progress"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    # No partial feed: every feed has all of its articles or none.
    per_feed = dict(conn.execute("SELECT feed_id, count(*) FROM articles GROUP BY feed_id"))
    assert set(per_feed.values()) == {20}
    conn.close()

    lib = Library(db)
    try:
        again = {a.id: a for a in lib.articles(View(feed_id=first[0].feed_id))}
        assert again[first[0].id].read and again[first[1].id].starred
        assert (
            note := lib.note(first[2].id)
        ) is not None and note.body == "a note that must survive"
        summary = lib.refresh()
        assert not summary.failed
        assert lib.count_articles() == FEEDS * 20
    finally:
        lib.close()


def test_app_writes_while_cron_refresh_runs(tmp_path: Path, feed_server: FeedServer) -> None:
    """The app marking, starring and noting while another process refreshes."""
    db = tmp_path / "two.db"
    urls = serve_farm(feed_server, 60, delay=0.01)
    lib = Library(db)
    for url in urls:
        lib.store.add_feed(url)
    lib.refresh(lib.store.feed_id_for_url(u) or 0 for u in urls[:5])
    ids = [a.id for a in lib.articles(limit=50)]

    proc = refresh_process(db)
    errors: list[BaseException] = []

    def app_thread() -> None:
        try:
            while proc.poll() is None:
                for i in ids:
                    lib.set_read([i], read=True)
                    lib.set_note(i, f"note {i}")
                    lib.set_starred([i])
                    lib.articles(limit=100)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    worker = threading.Thread(target=app_thread)
    worker.start()
    out, err = proc.communicate(timeout=120)
    worker.join(timeout=30)
    lib.close()
    assert errors == []
    assert proc.returncode == 0, err
    assert "locked" not in out + err
    assert "0 failed" in out

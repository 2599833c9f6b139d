"""Library verbs not covered by the refresh tests: paths, ids of a search, races."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from feedserver import FeedServer

from tui.core.errors import InputError
from tui.core.library import Library
from tui.core.models import View
from tui.core.refresh.pool import POOL_THRESHOLD

FIXTURES = Path(__file__).parent.parent / "fixtures"
SEED = FIXTURES / "feeds" / "rss2-seed-article.xml"


def test_relative_local_paths_are_stored_absolute(
    lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "f.xml").write_bytes(SEED.read_bytes())
    monkeypatch.chdir(tmp_path)
    feed, _ = lib.add_feed("sub/f.xml")
    assert feed.url == str(tmp_path / "sub" / "f.xml")
    with pytest.raises(InputError, match="already subscribed"):
        lib.add_feed(str(tmp_path / "sub" / "f.xml"))
    monkeypatch.chdir("/")
    assert not lib.refresh().failed


def test_view_ids_of_a_query_return_every_match_and_refuse_unusable_queries(lib: Library) -> None:
    lib.add_feed(str(FIXTURES / "feeds" / "atom-numist-content-xmlbase.xml"))
    lib.add_feed(str(SEED))
    everything = lib.view_ids(View(query="is:unread"))
    assert sorted(everything) == sorted(a.id for a in lib.articles())
    ranked = lib.search("qatar", limit=1000).articles
    assert sorted(lib.view_ids(View(query="qatar"))) == sorted(a.id for a in ranked) and ranked
    assert lib.view_ids(View(unread=True, query="qatar")) == [ranked[0].id]
    lib.set_read([ranked[0].id])
    assert lib.view_ids(View(unread=True, query="qatar")) == []
    with pytest.raises(InputError, match="search"):
        lib.view_ids(View(query="before:notadate"))


def test_a_view_with_a_query_counts_marks_and_lists_like_a_feed(lib: Library) -> None:
    """A query is a view: the same verbs count it, list its ids and mark it read, and
    the view's other conditions narrow it (one concept, not a second set of verbs)."""
    other, _ = lib.add_feed(str(FIXTURES / "feeds" / "atom-numist-content-xmlbase.xml"))
    seed, _ = lib.add_feed(str(SEED))
    every = sorted(a.id for a in lib.articles())
    query = View(query="-zzzz")  # words excluded only: every article
    assert len(every) == 2 and lib.count_articles(query) == 2
    assert sorted(lib.view_ids(query)) == every
    (qatar,) = [a.id for a in lib.search("qatar").articles]
    assert lib.view_ids(View(feed_id=seed.id, query="qatar")) == [qatar]
    assert lib.view_ids(View(feed_id=other.id, query="qatar")) == []
    assert lib.count_articles(View(folder="nowhere", query="-zzzz")) == 0
    lib.set_starred([qatar])
    assert lib.view_ids(View(starred=True, query="-zzzz")) == [qatar]
    assert lib.count_articles(View(query="before:notadate")) == 0  # a broken badge, no error
    assert lib.mark_view_read(View(query="qatar")) == [qatar]
    assert lib.count_articles(View(unread=True, query="-zzzz")) == 1
    assert lib.mark_view_read(View(query="qatar")) == []  # nothing left unread: no undo
    with pytest.raises(ValueError, match="search"):
        lib.articles(query)  # a query's page is ranked: Library.search lists it


def test_a_feed_removed_during_refresh_is_not_a_failure(
    lib: Library, feed_server: FeedServer
) -> None:
    feed_server.page("/slow.xml", SEED.read_bytes())
    feed_server.delay("/slow.xml", 0.5)
    fid = lib.store.add_feed(feed_server.url("/slow.xml"))
    other = Library(lib.db_path)

    def remove_and_close() -> None:
        other.store.remove_feed(fid)
        other.close()

    t = threading.Timer(0.2, remove_and_close)
    t.start()
    summary = lib.refresh()
    t.join()
    assert not summary.failed
    assert lib.feeds() == []


def test_ctrl_c_during_a_pooled_refresh_is_one_line(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    db = tmp_path / "int.db"
    lib = Library(db)
    for i in range(POOL_THRESHOLD + 4):
        feed_server.page(f"/f{i}.xml", SEED.read_bytes())
        feed_server.delay(f"/f{i}.xml", 1.0)
        lib.store.add_feed(feed_server.url(f"/f{i}.xml"))
    lib.close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", str(db), "refresh"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    # Interrupt once the first replies are in: the pool's workers are up and parsing.
    feed_server.wait_until(lambda s: any(r.finished for r in s.requests))
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole group
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.strip().splitlines()[-1] == "gazette: interrupted"


def test_convert_does_not_store_and_save_markdown_does(lib: Library, tmp_path: Path) -> None:
    """The reader shows a fresh conversion first and stores it after (issue 15)."""
    path = tmp_path / "one.xml"
    path.write_text(
        "<rss version='2.0'><channel><title>T</title><item><title>A</title><guid>a</guid>"
        "<description>&lt;p&gt;Hello &lt;b&gt;world&lt;/b&gt;&lt;/p&gt;</description>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    lib.add_feed(str(path))
    (article,) = lib.articles()
    md, fresh = lib.convert(article.id)
    assert md.strip() == "Hello **world**" and fresh
    assert lib.convert(article.id) == (md, True)  # not stored: converted again
    lib.save_markdown(article.id, md)
    assert lib.convert(article.id) == (md, False)
    assert lib.markdown(article.id) == md

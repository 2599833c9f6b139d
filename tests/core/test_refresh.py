"""Refresh end to end: Library -> fetch -> parse -> store, against a loopback server."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from builders import rss_feed, rss_item
from feedserver import FeedServer, Handler

from tui.core.errors import InputError
from tui.core.library import FetchSettings, Library
from tui.core.models import ParsedFeed, View

FIXTURES = Path(__file__).parent.parent / "fixtures"
CORPUS = FIXTURES / "corpus"


def rss(*items: tuple[str, str, str]) -> str:
    """A feed of (key, title, body) items, all dated the same day."""
    return rss_feed(
        *(
            rss_item(
                k,
                t,
                link=f"https://example.org/{k}",
                date="Tue, 03 Mar 2026 10:00:00 GMT",
                body=f"<p>{b}</p>",
            )
            for k, t, b in items
        ),
        title="Changing",
    )


@pytest.fixture
def lib(lib: Library) -> Library:
    """The shared library with short timeouts: the failure tests wait for them."""
    lib.fetch_settings = FetchSettings(total_timeout=2.0, connect_timeout=1.0)
    return lib


def subscribe(lib: Library, server: FeedServer, *paths: str) -> list[int]:
    return [lib.store.add_feed(server.url(p)) for p in paths]


def articles_table(lib: Library) -> list[tuple[Any, ...]]:
    return lib.store.conn.execute("SELECT * FROM articles ORDER BY id").fetchall()


# Where Gazette stores a different number of entries than feedparser alone
# found (MANIFEST.tsv), and why.  Everything else must match the manifest.
CORPUS_DIFFERENCES = {
    "edge-atom-duplicate-entry-ids.xml": 4,  # 9 entries, 4 distinct ids
    "rss092-scripting-grateful-dead.xml": 21,  # two items are byte-identical
    "rss2-scriptingnews-untitled-items.xml": 48,  # two repeated guid-less items
    "malformed-utf16be-no-bom.xml": 1,  # UTF-16 detected without a BOM
    "jsonfeed-daringfireball.json": 48,  # JSON Feed, which feedparser lacks
    "jsonfeed-inessential.json": 20,
    "jsonfeed-influxdata-1.1.json": 3,
    "malformed-jsonfeed-wrong-types.json": 8,  # items with wrong types skipped
    "json-rssjs-scriptingnews.json": None,  # rss.js, not a JSON Feed: refused
    # Items with no title, link, body or id are not articles:
    "malformed-unclosed-cdata.xml": 0,  # its one item is cut before any content
    "malformed-undeclared-latin1.xml": 9,  # a 10th item holds only a date
}


def test_every_corpus_file_refreshes_and_stores_its_entries(
    lib: Library, feed_server: FeedServer
) -> None:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert len(rows) == 69
    subscribe(lib, feed_server, *(f"/corpus/{r['file']}" for r in rows))
    summary = lib.refresh()
    by_url = {r.url: r for r in summary.results}
    for row in rows:
        name = row["file"]
        result = by_url[feed_server.url(f"/corpus/{name}")]
        manifest = re.search(r"entries=(\d+)", row["feedparser_6.0.14_check"])
        expected = CORPUS_DIFFERENCES.get(name, int(manifest.group(1)) if manifest else 0)
        stored = lib.count_articles(View(feed_id=result.feed_id))
        if expected is None:
            assert result.error and result.error.startswith("not a feed"), name
            assert stored == 0
            continue
        assert result.error is None, f"{name}: {result.error}"
        assert stored == expected, name
        assert result.new == expected, name


def test_second_refresh_is_conditional_and_changes_nothing(
    lib: Library, feed_server: FeedServer
) -> None:
    paths = ["/feeds/rss2-seed-article.xml", "/feeds/atom-numist-content-xmlbase.xml"]
    subscribe(lib, feed_server, *paths)
    first = lib.refresh()
    assert first.new > 0 and not first.failed
    before = articles_table(lib)
    second = lib.refresh()
    assert second.not_modified == 2 and second.new == 0 and second.updated == 0
    assert articles_table(lib) == before
    for p in paths:
        req = feed_server.last_request(p)
        assert "if-none-match" in req.headers and req.status == 304


def test_changed_article_updates_in_place_and_keeps_user_state(
    lib: Library, feed_server: FeedServer
) -> None:
    feed_server.page("/c.xml", rss(("a", "First", "old body"), ("b", "Other", "x")))
    (fid,) = subscribe(lib, feed_server, "/c.xml")
    lib.refresh()
    art = next(a for a in lib.articles() if a.title == "First")
    lib.set_read([art.id])
    lib.set_starred([art.id])
    lib.set_note(art.id, "keep me")
    assert "old body" in lib.markdown(art.id)

    feed_server.page("/c.xml", rss(("a", "First, revised", "new body"), ("b", "Other", "x")))
    summary = lib.refresh()
    assert (summary.new, summary.updated) == (0, 1)
    again = lib.article(art.id)
    assert again.title == "First, revised"
    assert again.read and again.starred and again.has_note
    assert (note := lib.note(art.id)) is not None and note.body == "keep me"
    assert "new body" in lib.markdown(art.id)
    assert lib.count_articles(View(feed_id=fid)) == 2


@pytest.mark.parametrize(("code", "moves"), [(301, True), (308, True), (302, False), (307, False)])
def test_redirects_move_the_feed_only_when_permanent(
    lib: Library, feed_server: FeedServer, code: int, moves: bool
) -> None:
    feed_server.redirect("/old.xml", "/feeds/rss2-seed-article.xml", code)
    (fid,) = subscribe(lib, feed_server, "/old.xml")
    summary = lib.refresh()
    assert summary.new == 1 and not summary.failed
    expected = "/feeds/rss2-seed-article.xml" if moves else "/old.xml"
    assert lib.store.feed(fid).url == feed_server.url(expected)


def test_failures_are_recorded_per_feed_and_others_still_refresh(
    lib: Library, feed_server: FeedServer
) -> None:
    feed_server.status("/missing.xml", 404)
    feed_server.status("/broken.xml", 500)
    feed_server.redirect_loop("/loop-a", "/loop-b")
    feed_server.slow("/slow.xml", rss(("a", "t", "b")), interval=0.5, chunk=10)
    feed_server.big("/huge.xml", 3 * 1024 * 1024, chunked=True)
    feed_server.page("/page.html", "<html><body>hi</body></html>", content_type="text/html")
    lib.fetch_settings = FetchSettings(total_timeout=1.5, max_bytes=1024 * 1024)
    bad = ["/missing.xml", "/broken.xml", "/loop-a", "/slow.xml", "/huge.xml", "/page.html"]
    subscribe(lib, feed_server, *bad, "/feeds/rss2-seed-article.xml")
    summary = lib.refresh()
    errors = {Path(r.url).name: r.error for r in summary.results}
    assert errors["rss2-seed-article.xml"] is None
    reasons = {name: error for name, error in errors.items() if error is not None}
    assert "404" in reasons["missing.xml"]
    assert "500" in reasons["broken.xml"]
    assert "redirect" in reasons["loop-a"]
    assert "timed out" in reasons["slow.xml"]
    assert "larger than" in reasons["huge.xml"]
    assert reasons["page.html"].startswith("not a feed")
    assert summary.new == 1 and len(summary.failed) == 6
    stored = {Path(f.url).name: f for f in lib.feeds()}
    assert stored["missing.xml"].error and stored["missing.xml"].last_status == 404
    for reason in errors.values():
        assert reason is None or "\n" not in reason


def test_a_gone_feed_is_marked_and_skipped_afterwards(
    lib: Library, feed_server: FeedServer
) -> None:
    feed_server.status("/gone.xml", 410)
    (fid,) = subscribe(lib, feed_server, "/gone.xml")
    summary = lib.refresh()
    assert summary.failed and "410" in (summary.failed[0].error or "")
    assert lib.store.feed(fid).gone
    assert lib.refresh().results == ()
    assert feed_server.hits("/gone.xml") == 1


def test_failure_keeps_stored_articles(lib: Library, feed_server: FeedServer) -> None:
    feed_server.page("/f.xml", rss(("a", "One", "b")))
    (fid,) = subscribe(lib, feed_server, "/f.xml")
    lib.refresh()
    feed_server.status("/f.xml", 500)
    assert lib.refresh().failed
    assert lib.count_articles(View(feed_id=fid)) == 1


def test_add_feed_discovers_through_an_html_page(lib: Library, feed_server: FeedServer) -> None:
    feed_server.feed_page("/site/", "/feeds/rss2-seed-article.xml")
    found = lib.discover(feed_server.url("/site/"))
    assert found == [feed_server.url("/feeds/rss2-seed-article.xml")]
    feed, result = lib.add_feed(found[0], tags=["News"])
    assert feed.title == "Seed article feed" and feed.tags == ("News",)
    assert result.new == 1
    with pytest.raises(InputError, match="already subscribed"):
        lib.add_feed(found[0])


def test_add_feed_refuses_what_is_not_a_feed(lib: Library, feed_server: FeedServer) -> None:
    feed_server.page("/page.html", "<html><body>no feed</body></html>", content_type="text/html")
    with pytest.raises(Exception, match="not a feed"):
        lib.add_feed(feed_server.url("/page.html"))
    assert lib.feeds() == []


def test_a_local_file_is_a_feed(lib: Library) -> None:
    feed, result = lib.add_feed(str(FIXTURES / "feeds" / "rss2-seed-article.xml"))
    assert result.new == 1 and feed.total == 1


def test_many_feeds_parse_in_a_process_pool_and_report_progress(
    lib: Library, feed_server: FeedServer
) -> None:
    for i in range(12):
        feed_server.page(f"/f{i}.xml", rss((f"k{i}", f"Title {i}", "body")))
    subscribe(lib, feed_server, *(f"/f{i}.xml" for i in range(12)))
    seen: list[tuple[int, int]] = []
    summary = lib.refresh(progress=lambda done, total, r: seen.append((done, total)))
    assert summary.new == 12
    assert seen == [(i, 12) for i in range(1, 13)]


def test_convert_pending_stores_markdown_once(lib: Library) -> None:
    lib.add_feed(str(FIXTURES / "feeds" / "rss2-seed-article.xml"))
    assert lib.convert_pending() == 1
    assert lib.convert_pending() == 0
    art = lib.articles()[0]
    assert "Qatar" in lib.markdown(art.id)


def test_fetched_documents_waiting_for_a_parser_are_bounded(
    lib: Library, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fast network must not pile every document up in memory before parsing."""
    import threading
    import time

    import tui.core.parse as parse_module
    import tui.core.refresh.pipeline as pipeline_module

    monkeypatch.setattr(pipeline_module, "MAX_UNPARSED", 1)
    monkeypatch.setattr(
        lib, "fetch_settings", FetchSettings(max_connections=2, per_host=2, total_timeout=5.0)
    )
    lock = threading.Lock()
    counts = {"fetched": 0, "parsed": 0, "most_in_hand": 0}
    real_parse = parse_module.parse_feed

    def slow_parse(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
        time.sleep(0.05)  # parsing is the bottleneck
        result = real_parse(body, url, content_type)
        with lock:
            counts["parsed"] += 1
        return result

    def counted(n: int) -> Callable[[Handler], None]:
        body = rss((f"k{n}", f"Feed {n} item", "words")).encode()

        def respond(h: Handler) -> None:
            with lock:
                counts["fetched"] += 1
                in_hand = counts["fetched"] - counts["parsed"]
                counts["most_in_hand"] = max(counts["most_in_hand"], in_hand)
            h.send_content(body, content_type="application/rss+xml", mtime=0, path=f"/c{n}.xml")

        return respond

    monkeypatch.setattr(parse_module, "parse_feed", slow_parse)
    for n in range(7):  # under the process-pool threshold: parsed in this process
        feed_server.route(f"/c{n}.xml", counted(n))
    subscribe(lib, feed_server, *(f"/c{n}.xml" for n in range(7)))
    summary = lib.refresh()
    assert not summary.failed and summary.new == 7
    # Two being fetched and one waiting: never all seven in hand at once.
    assert counts["most_in_hand"] == 3


def test_parsed_feeds_waiting_for_the_writer_are_bounded(
    lib: Library, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer slower than the parsers must not let parsed feeds pile up in
    memory: the feeds in hand (fetched, parsed, or waiting for their writes)
    stay within MAX_IN_HAND, and the refresh still completes without waiting
    for the batch timer."""
    import threading
    import time

    import tui.core.parse as parse_module
    import tui.core.refresh.pipeline as pipeline_module
    from tui.core.storage import Store

    monkeypatch.setattr(pipeline_module, "MAX_IN_HAND", 2)
    lock = threading.Lock()
    counts = {"parsed": 0, "written": 0, "most_unwritten": 0}
    real_parse = parse_module.parse_feed
    real_store = Store.store_entries

    def counted_parse(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
        result = real_parse(body, url, content_type)
        with lock:
            counts["parsed"] += 1
            unwritten = counts["parsed"] - counts["written"]
            counts["most_unwritten"] = max(counts["most_unwritten"], unwritten)
        return result

    def slow_store(self: Store, *args: Any, **kwargs: Any) -> tuple[int, int]:
        time.sleep(0.05)  # writing is the bottleneck
        with lock:
            counts["written"] += 1
        return real_store(self, *args, **kwargs)

    monkeypatch.setattr(parse_module, "parse_feed", counted_parse)
    monkeypatch.setattr(Store, "store_entries", slow_store)
    for n in range(7):  # under the process-pool threshold: parsed in this process
        feed_server.page(f"/w{n}.xml", rss((f"w{n}", f"Feed {n} item", "words")))
    subscribe(lib, feed_server, *(f"/w{n}.xml" for n in range(7)))
    summary = lib.refresh()
    assert not summary.failed and summary.new == 7
    assert counts["most_unwritten"] <= 2


def test_a_refresh_where_nothing_changed_starts_no_parser(
    lib: Library, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parser pool starts with the first document to parse: a refresh of
    many feeds that all answer 304 spawns no worker process."""
    from concurrent.futures import Executor

    import tui.core.refresh.pool as pool_module
    from tui.core.refresh.pool import POOL_THRESHOLD

    started: list[int] = []
    real_pool = pool_module.parser_pool

    def counted_pool(n: int) -> Executor:
        started.append(n)
        return real_pool(n)

    monkeypatch.setattr(pool_module, "parser_pool", counted_pool)
    paths = [f"/n{n}.xml" for n in range(POOL_THRESHOLD)]
    for n, path in enumerate(paths):
        feed_server.page(path, rss((f"n{n}", "item", "words")))
    subscribe(lib, feed_server, *paths)
    assert lib.refresh().new == POOL_THRESHOLD
    assert started == [POOL_THRESHOLD]
    warm = lib.refresh()
    assert warm.not_modified == POOL_THRESHOLD
    assert started == [POOL_THRESHOLD]  # no pool for the second refresh


def test_a_busy_host_does_not_hold_back_the_others(
    lib: Library, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Feeds waiting for their host's slot take no place in the parse backlog."""
    import tui.core.refresh.pipeline as pipeline_module

    monkeypatch.setattr(pipeline_module, "MAX_UNPARSED", 2)
    other = FeedServer(FIXTURES).start()
    try:
        for n in range(10):
            feed_server.page(f"/a{n}.xml", rss((f"a{n}", "a", "words")))
            feed_server.delay(f"/a{n}.xml", 0.2)
            lib.store.add_feed(feed_server.url(f"/a{n}.xml"), title=f"a-{n}")
        other.page("/b.xml", rss(("b", "b", "words")))
        lib.store.add_feed(other.url("/b.xml"), title="b")  # sorted after every a-
        assert not lib.refresh().failed
        (b_request,) = other.requests
        a_starts = sorted(r.started for r in feed_server.requests)
        # The slow host takes two at a time; b need not wait behind its queue.
        assert b_request.started < a_starts[2]
    finally:
        other.stop()


def test_connections_are_reused_across_many_hosts(lib: Library, feed_server: FeedServer) -> None:
    """More hosts than requests in flight, and 304s: connections are still reused.

    The pool once kept only as many connections as may be in flight (8), so
    with more hosts than that nearly every request opened a new one; and an
    unread 304 closed its connection, so every feed of a warm refresh did.
    """
    servers = [feed_server, *(FeedServer(FIXTURES).start() for _ in range(9))]
    try:
        for server in servers:
            for n in range(4):
                server.page(f"/h{n}.xml", rss((f"k{n}", f"item {n}", "words")))
            subscribe(lib, server, *(f"/h{n}.xml" for n in range(4)))
        for _ in ("cold", "warm: all 304"):
            seen = [len(server.requests) for server in servers]
            assert not lib.refresh().failed
            for server, before in zip(servers, seen, strict=True):
                fresh = server.requests[before:]
                assert len(fresh) == 4
                assert len({r.client for r in fresh}) <= 2  # two a host, then reused
    finally:
        for server in servers[1:]:
            server.stop()


def test_an_abandoned_refresh_leaves_no_transaction_open(
    lib: Library, feed_server: FeedServer
) -> None:
    """The UI stops a refresh by raising from its progress callback."""
    import sqlite3

    class Stop(Exception):
        pass

    for n in range(12):
        feed_server.page(f"/s{n}.xml", rss((f"s{n}", f"item {n}", "words")))
        if n % 2:
            feed_server.delay(f"/s{n}.xml", 0.3)
    subscribe(lib, feed_server, *(f"/s{n}.xml" for n in range(12)))

    def progress(done: int, total: int, result: object) -> None:
        raise Stop

    with pytest.raises(Stop):
        lib.refresh(progress=progress)
    assert not lib.store.conn.in_transaction
    other = sqlite3.connect(lib.db_path, timeout=0.2)
    other.execute("UPDATE feeds SET title = 'written by the UI'")  # not "database is locked"
    other.commit()
    other.close()
    assert not lib.refresh().failed  # and the next refresh works


def test_a_stop_ends_the_refresh_mid_download_and_keeps_what_was_written(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    """The reader quits during a refresh: a feed that has not answered must not
    keep the process alive (the server here answers only when the test ends,
    and the fetch timeout is a minute)."""
    import threading

    from tui.core.errors import RefreshStopped

    release = threading.Event()

    def never(handler: Any) -> None:
        release.wait(60)
        handler.send_plain(503, b"late")

    feed_server.route("/hang.xml", never)
    for n in range(3):
        feed_server.page(f"/ok{n}.xml", rss((f"ok{n}", f"item {n}", "words")))
    library = Library(tmp_path / "g.db", fetch=FetchSettings(total_timeout=60.0))
    try:
        hang, *fine = subscribe(
            library, feed_server, "/hang.xml", "/ok0.xml", "/ok1.xml", "/ok2.xml"
        )
        stop = threading.Event()
        done: list[int] = []

        def progress(count: int, total: int, result: Any) -> None:
            done.append(result.feed_id)
            if count == len(fine):  # only the hanging feed is left
                stop.set()

        with pytest.raises(RefreshStopped, match="after 3 of 4 feeds"):
            library.refresh(progress=progress, stop=stop)
        assert sorted(done) == sorted(fine)
        stored = library.store.conn.execute(
            "SELECT feed_id, count(*) FROM articles GROUP BY feed_id"
        ).fetchall()
        assert sorted(stored) == [(f, 1) for f in sorted(fine)]
        assert library.store.feed(hang).last_fetched is None  # nothing recorded for it
    finally:
        release.set()
        library.close()


def test_a_stop_counts_the_feeds_whose_writes_were_already_under_way(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: a stop pressed while the writer committed a batch
    cancelled the waiting feed tasks, so feeds that were written went
    unreported ("0 of 3 feeds done" with all three stored)."""
    import threading
    import time

    from tui.core.errors import RefreshStopped
    from tui.core.storage import Store

    release = threading.Event()

    def never(handler: Any) -> None:
        release.wait(60)
        handler.send_plain(503, b"late")

    feed_server.route("/hang.xml", never)
    for n in range(2):
        feed_server.page(f"/w{n}.xml", rss((f"w{n}", f"item {n}", "words")))
    library = Library(tmp_path / "g.db", fetch=FetchSettings(total_timeout=60.0))
    stop = threading.Event()
    real_store_entries = Store.store_entries

    def store_entries(self: Store, *args: Any, **kwargs: Any) -> Any:
        stop.set()  # the user stops while the writer thread is at work...
        time.sleep(0.3)  # ...on a slow disk: the stop is seen mid-batch
        return real_store_entries(self, *args, **kwargs)

    monkeypatch.setattr(Store, "store_entries", store_entries)
    try:
        subscribe(library, feed_server, "/hang.xml", "/w0.xml", "/w1.xml")
        reported: list[int] = []
        with pytest.raises(RefreshStopped, match="after 2 of 3 feeds"):
            library.refresh(progress=lambda d, t, r: reported.append(r.new), stop=stop)
        assert reported == [1, 1]
        stored = library.store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert stored == 2
    finally:
        release.set()
        library.close()


def test_a_stop_does_not_wait_for_a_parse_under_way(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: leaving the parse pool waited for a running parse (a
    16 MB feed: 10 s) before the stop took effect."""
    import threading

    from tui.core import parse as parse_module
    from tui.core.errors import RefreshStopped

    feed_server.page("/big.xml", rss(("b", "big", "words")))
    library = Library(tmp_path / "g.db")
    stop = threading.Event()
    parse_running, parse_may_end, parse_ended = (threading.Event() for _ in range(3))
    real_parse = parse_module.parse_feed

    def slow_parse(*args: Any) -> Any:
        parse_running.set()
        parse_may_end.wait(30)  # a hang guard only: the test releases it
        try:
            return real_parse(*args)
        finally:
            parse_ended.set()

    monkeypatch.setattr(parse_module, "parse_feed", slow_parse)

    def stop_once_parsing() -> None:
        if parse_running.wait(30):
            stop.set()

    threading.Thread(target=stop_once_parsing, daemon=True).start()
    try:
        subscribe(library, feed_server, "/big.xml")
        with pytest.raises(RefreshStopped, match=r"after 0 of 1 feed$"):
            library.refresh(stop=stop)
        assert not parse_ended.is_set()  # returned while the parse still ran
    finally:
        parse_may_end.set()
        library.close()


def test_adding_a_discovered_feed_downloads_it_once(lib: Library, feed_server: FeedServer) -> None:
    """Discovery's download is the one the subscription stores (the CLI's
    ``add`` and the add dialog both discover, then add)."""
    feed_server.page("/f.xml", rss(("a", "A", "x"), ("b", "B", "y")))
    found = lib.discover(feed_server.url("/f.xml"))
    feed, result = lib.add_feed(found[0])
    assert [r.method for r in feed_server.requests] == ["GET"]
    assert result.new == 2 and feed.total == 2
    # The kept document is used once: a refresh downloads the feed again.
    lib.refresh([feed.id])
    assert len(feed_server.requests_for("/f.xml")) == 2


def test_adding_a_feed_without_discovery_downloads_it_once(
    lib: Library, feed_server: FeedServer
) -> None:
    feed_server.page("/f.xml", rss(("a", "A", "x")))
    feed, result = lib.add_feed(feed_server.url("/f.xml"))
    assert len(feed_server.requests) == 1 and result.new == 1 and feed.total == 1


def test_a_feed_is_added_through_the_refresh_write_path(
    lib: Library, feed_server: FeedServer
) -> None:
    """The server's limit is recorded on adding as on refreshing (before,
    adding wrote through a path of its own that forgot it)."""
    headers = {"Cache-Control": "max-age=18000"}
    feed_server.page("/f.xml", rss(("a", "A", "x")), headers=headers)
    feed, _result = lib.add_feed(feed_server.url("/f.xml"))
    now = lib._now()
    # Two hours on: past the 60-minute interval (and its jitter), inside the server's five.
    assert lib.due_feeds(60, now=now + 2 * 3600) == []
    assert lib.due_feeds(60, now=now + 5 * 3600 + 60) == [feed.id]

"""The sync engine against a server in memory: push, pull, conflicts, failures.

The real FreshRSS runs in tests/integration (``-m freshrss``); here a stateful
double (tests/reader_double.py) lets each failure happen exactly where a
test wants it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from reader_double import BASE, ReaderDouble
from typing_extensions import override

from tui.core.errors import StoreError
from tui.core.fetch.api import ApiClient
from tui.core.models import Account, SyncResult
from tui.core.storage import Store
from tui.core.storage.packing import unpack, words_and_packs
from tui.core.sync.dialects import FRESHRSS, MINIFLUX, Dialect
from tui.core.sync.engine import sync_account
from tui.core.sync.greader import GReaderClient
from tui.core.text import html_text

NOW = 1_800_000_100


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "engine.db")


@pytest.fixture
def server() -> ReaderDouble:
    double = ReaderDouble()
    double.feed(1, 5, folder="News")
    double.feed(2, 3, folder=None)
    return double


def _account(store: Store) -> Account:
    store.add_account("home", kind="greader", dialect="freshrss", url="x", username="me")
    return store.find_account("home")


async def _sync(
    store: Store,
    server: ReaderDouble,
    *,
    dialect: Dialect = FRESHRSS,
    stop: threading.Event | None = None,
) -> SyncResult:
    client = server.client(dialect)
    try:
        return await sync_account(
            store, client, store.find_account("home"), dialect, now=lambda: NOW, stop=stop
        )
    finally:
        await client.api.aclose()


def _state(store: Store) -> dict[str, str]:
    rows = store.conn.execute(
        "SELECT r.remote_id, a.read || a.starred FROM remote_items r "
        "JOIN articles a ON a.id = r.article_id"
    )
    return dict(rows.fetchall())


def _article(store: Store, item: str) -> int:
    row = store.conn.execute("SELECT article_id FROM remote_items WHERE remote_id = ?", (item,))
    return int(row.fetchone()[0])


async def test_a_first_sync_brings_feeds_items_and_their_state(
    store: Store, server: ReaderDouble
) -> None:
    first = sorted(server.items)[0]
    server.items[first].read = True
    server.items[first].starred = True
    _account(store)
    result = await _sync(store, server)
    assert (result.error, result.new, result.feeds_added) == (None, 8, 2)
    feeds = {f.url: (f.title, f.folder, f.account, f.total) for f in store.feeds()}
    assert feeds == {
        "https://feed1.example/rss": ("Feed 1", "News", "home", 5),
        "https://feed2.example/rss": ("Feed 2", None, "home", 3),
    }
    assert _state(store)[first] == "11"
    assert store.queued(store.find_account("home").id) == []
    again = await _sync(store, server)
    assert (again.error, again.new, again.sent) == (None, 0, 0)


async def test_a_thousand_read_marks_go_in_a_handful_of_requests(
    store: Store, server: ReaderDouble
) -> None:
    server.feed(3, 1000)
    account = _account(store)
    await _sync(store, server)
    ids = [_article(store, i) for i in server.items if server.items[i].feed == "feed/3"]
    store.set_read(ids, True)
    assert len(store.queued(account.id)) == 1000
    before = server.count("edit-tag")
    result = await _sync(store, server)
    assert result.sent == 1000 and result.pending == 0
    assert server.count("edit-tag") - before <= 5
    assert all(e.read for e in server.items.values() if e.feed == "feed/3")


async def test_a_queued_change_wins_over_the_server_until_it_is_sent(
    store: Store, server: ReaderDouble
) -> None:
    account = _account(store)
    await _sync(store, server)
    item = sorted(server.items)[0]
    store.set_starred([_article(store, item)], True)
    server.busy = ("edit-tag", "120")  # the star cannot be sent
    busy = await _sync(store, server)
    assert busy.error is not None and "busy" in busy.error
    assert store.find_account("home").retry_at == NOW + 120
    assert _state(store)[item] == "01" and busy.pending == 1
    server.busy = None
    done = await _sync(store, server)
    assert done.error is None and done.pending == 0
    assert server.items[item].starred and _state(store)[item] == "01"
    assert store.queued(account.id) == []


async def test_the_server_vanishing_mid_sync_keeps_the_queue_and_the_next_sync_completes(
    store: Store, server: ReaderDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tui.core.sync.engine.ITEMS_BATCH", 500)  # a batch stored, then down
    _account(store)
    server.feed(3, 1200)
    server.vanish_after = 8  # during the item contents of the first sync
    broken = await _sync(store, server)
    assert broken.error is not None and "127.0.0.1:9999" in broken.error
    stored = store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    mapped = store.conn.execute("SELECT count(*) FROM remote_items").fetchone()[0]
    assert stored == mapped  # every stored article knows its item: nothing half-written
    assert store.find_account("home").last_sync is None
    item = next(iter(store.known_items(store.find_account("home").id)))
    store.set_read([_article(store, item)], True)
    server.vanish_after = len(server.log)  # down before the push
    offline = await _sync(store, server)
    assert offline.error is not None and offline.pending == 1
    server.vanish_after = None
    done = await _sync(store, server)
    assert done.error is None and done.pending == 0 and server.items[item].read
    assert len(store.known_items(store.find_account("home").id)) == len(server.items)


async def test_a_refused_login_is_reported_as_such(store: Store, server: ReaderDouble) -> None:
    _account(store)
    server.auth = "user/another"
    result = await _sync(store, server)
    assert result.auth_failed and result.error is not None and "login" in result.error


async def test_stopping_ends_the_sync_between_steps(store: Store, server: ReaderDouble) -> None:
    _account(store)
    stop = threading.Event()
    stop.set()
    result = await _sync(store, server, stop=stop)
    assert result.stopped and store.feeds() == []


async def test_labels_become_tags_and_tags_go_back_as_labels(
    store: Store, server: ReaderDouble
) -> None:
    _account(store)
    item = sorted(server.items)[1]
    server.items[item].labels.add("Later")
    await _sync(store, server)
    article = _article(store, item)
    assert store.article_tags(article) == ["Later"]
    store.set_tags([article], add=["keep"], remove=["Later"])
    await _sync(store, server)
    assert server.items[item].labels == {"keep"}
    assert store.article_tags(article) == ["keep"]


async def test_a_server_without_labels_keeps_tags_local(store: Store, server: ReaderDouble) -> None:
    _account(store)
    await _sync(store, server, dialect=MINIFLUX)
    item = sorted(server.items)[1]
    store.set_tags([_article(store, item)], add=["mine"])
    result = await _sync(store, server, dialect=MINIFLUX)
    assert result.error is None and result.pending == 0
    assert server.items[item].labels == set() and server.count("edit-tag") == 0
    assert store.article_tags(_article(store, item)) == ["mine"]


async def test_feed_edits_are_sent(store: Store, server: ReaderDouble) -> None:
    _account(store)
    await _sync(store, server)
    feed1 = next(f for f in store.feeds() if f.url.endswith("feed1.example/rss"))
    feed2 = next(f for f in store.feeds() if f.url.endswith("feed2.example/rss"))
    store.update_feed_settings(feed1.id, {}, title="Mine")
    store.set_feed_folder(feed2.id, "Moved")
    store.remove_feed(feed1.id)
    result = await _sync(store, server)
    assert result.error is None and result.pending == 0
    assert "feed/1" not in server.subs
    assert server.subs["feed/2"].folder == "Moved"
    assert [f.url for f in store.feeds()] == ["https://feed2.example/rss"]


async def test_hostile_items_are_stored_clean(store: Store, server: ReaderDouble) -> None:
    _account(store)
    item = sorted(server.items)[0]
    entry = server.items[item]
    entry.title = "Evil\x1b]0;pwned\x07 title\u202e"
    entry.url = "javascript:alert(1)"
    entry.content = "<script>x()</script><p>ok</p>"
    await _sync(store, server)
    art = store.article(_article(store, item))
    assert art.title == "Evil title" and art.url is None


async def test_ids_gone_from_the_server_are_skipped_not_fatal(
    store: Store, server: ReaderDouble
) -> None:
    _account(store)
    real = server.handle

    def miniflux_like(request: httpx.Request) -> httpx.Response:
        # Miniflux answers 400 when none of the asked ids exist any more.
        if request.url.path.endswith("stream/items/contents"):
            return httpx.Response(400, text="Bad Request")
        return real(request)

    server.handle = miniflux_like  # type: ignore[method-assign]
    result = await _sync(store, server)
    assert result.error is None and result.new == 0 and result.skipped == 8


async def test_a_stopped_sync_is_not_counted_as_a_failure(
    store: Store, server: ReaderDouble
) -> None:
    _account(store)
    stop = threading.Event()
    stop.set()
    await _sync(store, server, stop=stop)
    account = store.find_account("home")
    assert (account.last_error, account.failures, account.last_attempt) == (None, 0, None)
    server.vanish_after = 0
    await _sync(store, server)
    await _sync(store, server)
    assert store.find_account("home").failures == 2
    server.vanish_after = None
    await _sync(store, server)
    account = store.find_account("home")
    assert (account.failures, account.last_error) == (0, None)


async def test_a_change_the_server_refuses_is_dropped_and_does_not_block_the_rest(
    store: Store, server: ReaderDouble
) -> None:
    account = _account(store)
    await _sync(store, server)
    feed1 = next(f for f in store.feeds() if f.url.endswith("feed1.example/rss"))
    item = sorted(server.items)[-1]
    del server.subs["feed/1"]  # gone on the server already (unsubscribed elsewhere)
    store.remove_feed(feed1.id)  # ... and here: the server will refuse it
    store.set_starred([_article(store, item)], True)
    result = await _sync(store, server)
    assert result.error is None and (result.refused, result.sent) == (1, 1)
    assert store.queued(account.id) == [] and server.items[item].starred


async def test_tags_reach_the_label_as_the_server_spells_it(
    store: Store, server: ReaderDouble
) -> None:
    _account(store)
    first, second = sorted(server.items)[:2]
    server.items[first].labels.add("later")
    await _sync(store, server)
    article = _article(store, first)
    store.rename_tag("later", "Later")  # the local spelling changes; the label is the same
    store.set_tags([_article(store, second)], add=["LATER"])
    store.set_tags([article], remove=["Later"])
    await _sync(store, server)
    assert server.items[first].labels == set()
    assert server.items[second].labels == {"later"}  # no second label "LATER"
    assert store.article_tags(article) == []


async def test_a_tag_renamed_after_tagging_reaches_the_server_once_renamed(
    store: Store, server: ReaderDouble
) -> None:
    _account(store)
    await _sync(store, server)
    item = sorted(server.items)[0]
    store.set_tags([_article(store, item)], add=["x"])
    store.rename_tag("x", "y")
    result = await _sync(store, server)
    assert result.error is None and result.refused == 0
    assert server.items[item].labels == {"y"}
    assert store.article_tags(_article(store, item)) == ["y"]


async def test_a_feed_rename_and_moves_are_sent_with_one_listing(
    store: Store, server: ReaderDouble
) -> None:
    _account(store)
    server.feed(3, 1, folder="News")
    await _sync(store, server)
    feeds = {f.url: f.id for f in store.feeds()}
    store.update_feed_settings(feeds["https://feed1.example/rss"], {}, title="Mine")
    store.set_feed_folder(feeds["https://feed2.example/rss"], "Moved")
    store.set_feed_folder(feeds["https://feed3.example/rss"], "Moved")
    before = server.count("subscription/list")
    result = await _sync(store, server)
    assert result.error is None and result.sent == 3
    assert server.subs["feed/1"].title == "Mine"
    assert (server.subs["feed/2"].folder, server.subs["feed/3"].folder) == ("Moved", "Moved")
    assert server.count("subscription/list") - before == 2  # one for the push, one to pull


async def test_items_that_cannot_be_stored_are_not_asked_for_again(
    store: Store, server: ReaderDouble
) -> None:
    _account(store)
    await _sync(store, server)
    # The server drops a feed but still lists its items (Inoreader keeps them).
    del server.subs["feed/1"]
    first = await _sync(store, server)
    assert first.feeds_removed == 1 and first.skipped == 5
    asked = server.count("stream/items/contents")
    again = await _sync(store, server)
    assert again.error is None and server.count("stream/items/contents") == asked


async def test_a_batch_of_items_from_several_feeds_is_one_transaction(
    store: Store, server: ReaderDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    _account(store)
    commits: list[int] = []
    real_commit = store.commit_batch

    def commit() -> None:
        commits.append(1)
        real_commit()

    monkeypatch.setattr(store, "commit_batch", commit)
    await _sync(store, server)
    assert len(commits) == 1  # 8 items of 2 feeds: one batch, one commit

    # A failure while storing the second feed's items keeps none of the batch.
    store2 = Store(store.path + "-2")
    _account(store2)
    calls: list[int] = []
    real_store = store2.store_items

    def failing(*args: Any, **kwargs: Any) -> int:
        calls.append(1)
        if len(calls) == 2:
            raise StoreError("disk full")
        return real_store(*args, **kwargs)

    monkeypatch.setattr(store2, "store_items", failing)
    result = await _sync(store2, server)
    assert result.error == "disk full"
    assert store2.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    assert store2.known_items(store2.find_account("home").id) == set()


class _Worker(ThreadPoolExecutor):
    """A worker process's stand-in: records what it was given; ``broken``
    fails every task as a worker process that died does."""

    def __init__(self, *, broken: bool = False) -> None:
        super().__init__(max_workers=1)
        self.broken = broken
        self.tasks: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []

    @override
    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.tasks.append((fn, args))
        if self.broken:
            failed: Future[Any] = Future()
            failed.set_exception(BrokenExecutor("every parser process has ended"))
            return failed
        return super().submit(fn, *args, **kwargs)


async def _sync_with(
    store: Store, server: ReaderDouble, worker: _Worker, dialect: Dialect = FRESHRSS
) -> tuple[SyncResult, int]:
    """A sync given ``worker``; its result and how many times the worker was asked for."""
    asked = 0

    def give() -> Executor:
        nonlocal asked
        asked += 1
        return worker

    client = server.client(dialect)
    try:
        result = await sync_account(
            store, client, store.find_account("home"), dialect, now=lambda: NOW, worker=give
        )
    finally:
        await client.api.aclose()
        worker.shutdown()
    return result, asked


def _words(store: Store, server: ReaderDouble) -> dict[str, str | None]:
    """Each synced item's stored words (and its HTML, checked: its content)."""
    rows = store.conn.execute(
        "SELECT r.remote_id, a.body FROM remote_items r JOIN articles a ON a.id = r.article_id"
    )
    texts = {item: unpack(body) for item, body in rows}
    assert {i: t.html for i, t in texts.items()} == {i: e.content for i, e in server.items.items()}
    return {item: t.words for item, t in texts.items()}


@pytest.mark.parametrize("broken", [False, True])
async def test_a_large_pull_makes_words_and_bodies_in_the_worker_and_search_finds_them(
    store: Store, server: ReaderDouble, monkeypatch: pytest.MonkeyPatch, broken: bool
) -> None:
    monkeypatch.setattr("tui.core.sync.engine.ITEMS_BATCH", 3)  # 8 items: three batches
    for n, item in enumerate(sorted(server.items)):
        server.items[item].content = f"<p>Item <b>number</b>{n}</p><script>x()</script>"
    _account(store)
    worker = _Worker(broken=broken)
    two = dataclasses.replace(FRESHRSS, contents_batch=2)
    result, asked = await _sync_with(store, server, worker, two)
    assert (result.error, result.new, asked) == (None, 8, 1)
    # Every body went to the worker, a contents request's at a time (two
    # items a request, batches of three); a broken worker leaves the words
    # and packing to this process and the store, which make the same.
    sent = [html for fn, (piece,) in worker.tasks for html in piece]
    assert all(fn is words_and_packs for fn, _ in worker.tasks)
    assert [len(piece) for _, (piece,) in worker.tasks] == [2, 1, 2, 1, 2]
    assert sorted(sent) == sorted(e.content for e in server.items.values())
    assert _words(store, server) == {i: html_text(e.content) for i, e in server.items.items()}
    assert set(_words(store, server).values()) >= {"Item number0", "Item number7"}
    found = store.conn.execute(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'number7'"
    ).fetchone()[0]
    assert found == 1


async def test_a_pull_of_one_batch_starts_no_worker(store: Store, server: ReaderDouble) -> None:
    _account(store)
    worker = _Worker()
    result, asked = await _sync_with(store, server, worker)
    assert (result.error, result.new, asked, worker.tasks) == (None, 8, 0, [])
    assert set(_words(store, server).values()) == {"Body"}


async def test_contents_are_asked_two_requests_at_a_time_with_one_token(
    store: Store, server: ReaderDouble
) -> None:
    """The server answers one contents request while the last answer is read:
    two are out at once, never more, and the action token is asked for once."""
    out = most = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal out, most
        contents = request.url.path.endswith("stream/items/contents")
        out += contents
        most = max(most, out)
        for _ in range(3):  # let the engine send what it would send meanwhile
            await asyncio.sleep(0)
        out -= contents
        return server.handle(request)

    two = dataclasses.replace(FRESHRSS, contents_batch=2)  # 8 items: four requests
    client = GReaderClient(
        ApiClient(BASE, transport=httpx.MockTransport(slow)), two, auth=server.auth
    )
    _account(store)
    try:
        result = await sync_account(store, client, store.find_account("home"), two, now=lambda: NOW)
    finally:
        await client.api.aclose()
    assert (result.error, result.new, most) == (None, 8, 2)
    assert server.count("stream/items/contents") == 4 and server.count("token") == 1

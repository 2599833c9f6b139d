"""The sync tables: what is queued (and what is not), and what a pull writes."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from builders import entry as make_entry
from builders import parsed_feed

from tui.core.storage import Store
from tui.core.storage.accounts import RemoteFeed

entry = partial(make_entry, content="<p>body</p>")
NOW = 1_800_000_000


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "sync.db")


def _account(store: Store) -> int:
    return store.add_account(
        "home", kind="greader", dialect="freshrss", url="http://x/api", username="me"
    )


def _synced(store: Store, *keys: str, feed: str = "feed/1") -> tuple[int, int, dict[str, int]]:
    """An account with one feed holding items ``keys``: (account, feed, item -> article)."""
    account = _account(store)
    store.sync_feeds(account, [RemoteFeed(feed, "https://a.example/feed", "A", None, "News")])
    feed_id = store.remote_feeds(account)[feed]
    store.store_items(account, feed_id, parsed_feed(*(entry(k) for k in keys)), {}, now=NOW)
    ids = dict(store.conn.execute("SELECT remote_id, article_id FROM remote_items").fetchall())
    return account, feed_id, ids


def _queue(store: Store, account: int) -> list[tuple[str, str, str, int]]:
    return [(c.kind, c.target, c.arg, c.value) for c in store.queued(account)]


def test_a_read_change_to_a_synced_article_is_queued_once(store: Store) -> None:
    account, _, ids = _synced(store, "101", "102")
    store.set_read([ids["101"]], True)
    store.set_read([ids["101"]], False)  # replaces, never both
    store.set_starred([ids["102"]], True)
    assert sorted(_queue(store, account)) == [("read", "101", "", 0), ("star", "102", "", 1)]


def test_local_articles_and_the_pull_queue_nothing(store: Store) -> None:
    account, _, _ = _synced(store, "101", "102")
    local = store.add_feed("https://local.example/feed")
    store.store_entries(local, parsed_feed(entry("l1")), now=NOW)
    local_id = store.conn.execute("SELECT id FROM articles WHERE key = 'l1'").fetchone()[0]
    store.set_read([local_id], True)
    # The server says 101 is read (not listed as unread) and 102 starred.
    changed = store.apply_remote_state(account, unread={"102"}, starred={"102"})
    assert changed == 2
    assert store.queued(account) == []
    rows = dict(store.conn.execute("SELECT key, read || starred FROM articles").fetchall())
    assert rows == {"101": "10", "102": "01", "l1": "10"}


def test_a_queued_change_wins_over_the_pull(store: Store) -> None:
    account, _, ids = _synced(store, "101")
    store.set_read([ids["101"]], True)  # queued, not yet sent
    store.apply_remote_state(account, unread={"101"}, starred=set())
    read = store.conn.execute("SELECT read FROM articles WHERE key = '101'").fetchone()[0]
    assert read == 1
    store.confirm([c.id for c in store.queued(account)])
    store.apply_remote_state(account, unread={"101"}, starred=set())
    read = store.conn.execute("SELECT read FROM articles WHERE key = '101'").fetchone()[0]
    assert read == 0


def test_confirming_keeps_a_change_made_since_it_was_read(store: Store) -> None:
    account, _, ids = _synced(store, "101")
    store.set_read([ids["101"]], True)
    sent = store.queued(account)
    store.set_read([ids["101"]], False)  # while the first was on its way
    store.confirm([c.id for c in sent])
    assert _queue(store, account) == [("read", "101", "", 0)]


def test_new_items_take_the_servers_state_without_queueing(store: Store) -> None:
    account = _account(store)
    store.sync_feeds(account, [RemoteFeed("feed/1", "https://a.example/feed", "A", None, None)])
    feed_id = store.remote_feeds(account)["feed/1"]
    new = store.store_items(
        account,
        feed_id,
        parsed_feed(entry("1"), entry("2")),
        {"1": (True, False), "2": (False, True)},
        now=NOW,
    )
    assert new == 2
    rows = dict(store.conn.execute("SELECT key, read || starred FROM articles").fetchall())
    assert rows == {"1": "10", "2": "01"}
    assert store.queued(account) == []
    assert store.known_items(account) == {"1", "2"}


def test_tags_on_synced_articles_queue_labels(store: Store) -> None:
    account, _, ids = _synced(store, "101", "102")
    store.set_tags([ids["101"], ids["102"]], add=["later"])
    store.set_tags([ids["102"]], remove=["later"])
    assert sorted(_queue(store, account)) == [
        ("label", "101", "later", 1),
        ("label", "102", "later", 0),
    ]
    store.confirm([c.id for c in store.queued(account)])
    store.rename_tag("later", "Later2")
    assert _queue(store, account) == [("rename_label", "later", "Later2", 1)]


def test_merging_tags_queues_the_old_labels_removal(store: Store) -> None:
    account, _, ids = _synced(store, "101")
    store.set_tags([ids["101"]], add=["a", "b"])
    store.confirm([c.id for c in store.queued(account)])
    store.rename_tag("a", "b")  # merge: "a" goes from the article
    assert ("label", "101", "a", 0) in _queue(store, account)


def test_labels_from_the_server_become_tags(store: Store) -> None:
    account, _, ids = _synced(store, "101", "102")
    changed = store.apply_remote_labels(account, {"Foo": {"101"}}, dropped=[])
    assert changed == 1
    assert store.article_tags(ids["101"]) == ["Foo"]
    store.apply_remote_labels(account, {"Foo": {"102"}}, dropped=[])
    assert store.article_tags(ids["101"]) == []
    assert store.article_tags(ids["102"]) == ["Foo"]
    store.apply_remote_labels(account, {}, dropped=["Foo"])
    assert store.article_tags(ids["102"]) == []
    assert store.queued(account) == []


def test_feed_edits_are_queued(store: Store) -> None:
    account, feed_id, _ = _synced(store, "101")
    store.update_feed_settings(feed_id, {}, title="Mine")
    store.set_feed_folder(feed_id, "Elsewhere")
    assert sorted(_queue(store, account)) == [
        ("folder", "feed/1", "Elsewhere", 1),
        ("rename", "feed/1", "Mine", 1),
    ]
    store.remove_feed(feed_id)
    assert _queue(store, account) == [("unsubscribe", "feed/1", "", 1)]


def test_the_server_renaming_and_moving_a_feed_is_not_queued_back(store: Store) -> None:
    account, feed_id, _ = _synced(store, "101")
    store.sync_feeds(
        account, [RemoteFeed("feed/1", "https://a.example/feed", "Renamed", None, "Moved")]
    )
    feed = store.feed(feed_id)
    assert (feed.title, feed.folder, feed.account) == ("Renamed", "Moved", "home")
    assert store.queued(account) == []


def test_a_feed_the_server_dropped_goes_unless_it_has_notes(store: Store) -> None:
    account = _account(store)
    listed = [
        RemoteFeed("feed/1", "https://a.example/feed", "A", None, None),
        RemoteFeed("feed/2", "https://b.example/feed", "B", None, None),
    ]
    assert store.sync_feeds(account, listed) == (2, 0)
    feeds = store.remote_feeds(account)
    store.store_items(account, feeds["feed/2"], parsed_feed(entry("9")), {}, now=NOW)
    article = store.conn.execute("SELECT id FROM articles").fetchone()[0]
    store.conn.execute(
        "INSERT INTO notes(article_id, body, created, updated) VALUES (?, 'mine', 1, 1)",
        (article,),
    )
    assert store.sync_feeds(account, []) == (0, 2)
    left = store.feeds()
    assert [(f.url, f.account, f.gone) for f in left] == [("https://b.example/feed", None, True)]
    assert store.queued(account) == []


def test_a_local_feed_with_the_same_url_joins_the_account(store: Store) -> None:
    local = store.add_feed("https://a.example/feed")
    store.store_entries(local, parsed_feed(entry("old", url="https://a.example/story")), now=NOW)
    account = _account(store)
    assert store.sync_feeds(
        account, [RemoteFeed("feed/7", "https://a.example/feed", "A", None, None)]
    ) == (0, 0)
    assert store.remote_feeds(account) == {"feed/7": local}
    new = store.store_items(
        account,
        local,
        parsed_feed(entry("555", url="https://a.example/story"), entry("556")),
        {},
        now=NOW + 5,
    )
    assert new == 1  # the story it had is matched, not copied
    assert store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
    assert store.known_items(account) == {"555", "556"}


def test_removing_an_account_takes_its_feeds_and_queues_nothing(store: Store) -> None:
    account, _, ids = _synced(store, "101")
    store.set_read([ids["101"]], True)
    assert store.find_account("HOME").pending == 1
    assert store.remove_account(account) == (1, 1)
    assert store.accounts() == []
    assert store.feeds() == []
    assert store.conn.execute("SELECT count(*) FROM sync_queue").fetchone()[0] == 0


def test_a_tag_removed_then_added_again_is_queued_as_added(store: Store) -> None:
    account, _, ids = _synced(store, "101")
    store.set_tags([ids["101"]], add=["x"])
    store.confirm([c.id for c in store.queued(account)])
    store.set_tags([ids["101"]], remove=["x"])
    store.set_tags([ids["101"]], add=["x"])
    assert _queue(store, account) == [("label", "101", "x", 1)]


def test_a_tag_renamed_on_local_articles_only_queues_nothing(store: Store) -> None:
    account, _, _ = _synced(store, "101")
    local = store.add_feed("https://local.example/feed")
    store.store_entries(local, parsed_feed(entry("l1")), now=NOW)
    lid = store.conn.execute("SELECT id FROM articles WHERE key = 'l1'").fetchone()[0]
    store.set_tags([lid], add=["mine"])
    store.rename_tag("mine", "ours")
    assert store.queued(account) == []


def test_tombstones_outlive_a_batch_of_other_items(store: Store) -> None:
    account, feed_id, ids = _synced(store, "101", "102")
    store.remove_articles([ids["101"]], NOW)
    store.store_items(account, feed_id, parsed_feed(entry("103")), {}, now=NOW + 1)
    store.store_items(account, feed_id, parsed_feed(entry("101")), {}, now=NOW + 2)
    keys = {r[0] for r in store.conn.execute("SELECT key FROM articles")}
    assert keys == {"102", "103"}  # what cleanup removed does not come back


def test_a_feed_listed_again_under_a_new_id_keeps_its_articles(store: Store) -> None:
    account, feed_id, _ = _synced(store, "101")
    store.set_read([store.conn.execute("SELECT id FROM articles").fetchone()[0]], True)
    store.confirm([c.id for c in store.queued(account)])
    again = RemoteFeed("feed/77", "https://a.example/feed", "A", None, "News")
    assert store.sync_feeds(account, [again]) == (0, 0)
    assert store.remote_feeds(account) == {"feed/77": feed_id}
    assert store.conn.execute("SELECT read FROM articles").fetchone()[0] == 1


def test_a_feed_let_go_keeps_what_the_user_made_and_its_own_history(store: Store) -> None:
    local = store.add_feed("https://a.example/feed")
    store.store_entries(local, parsed_feed(entry("mine")), now=NOW)
    account = _account(store)
    store.sync_feeds(account, [RemoteFeed("feed/1", "https://a.example/feed", "A", None, None)])
    store.store_items(
        account, local, parsed_feed(entry("1"), entry("2"), entry("3")), {}, now=NOW + 1
    )
    ids = dict(store.conn.execute("SELECT remote_id, article_id FROM remote_items").fetchall())
    store.set_starred([ids["1"]], True)
    store.set_tags([ids["2"]], add=["keep"])
    store.sync_feeds(account, [])  # the server dropped it
    feed = store.feed(local)
    assert (feed.account, feed.gone) == (None, False)  # the user's own feed again
    keys = {r[0] for r in store.conn.execute("SELECT key FROM articles")}
    assert keys == {"mine", "1", "2"}


def test_a_label_emptied_by_the_pull_leaves_no_empty_tag(store: Store) -> None:
    account, _, _ = _synced(store, "101")
    store.apply_remote_labels(account, {"Foo": {"101"}, "Ghost": {"999"}}, dropped=[])
    assert [t.name for t in store.all_tags()] == ["Foo"]
    store.apply_remote_labels(account, {"Foo": set()}, dropped=[])
    assert store.all_tags() == []


def test_a_pulled_read_or_star_moves_the_other_copies_of_its_story(store: Store) -> None:
    """Duplicate stories: the server reads one copy; the story's other copies follow,
    and the synced one among them is queued for the server."""
    story = partial(entry, url="https://news.example/story", title="One story told twice")
    account = _account(store)
    store.sync_feeds(
        account,
        [
            RemoteFeed("feed/1", "https://a.example/feed", "A", None, "News"),
            RemoteFeed("feed/2", "https://b.example/feed", "B", None, "News"),
        ],
    )
    feeds = store.remote_feeds(account)
    store.store_items(account, feeds["feed/1"], parsed_feed(story("101")), {}, now=NOW)
    store.store_items(account, feeds["feed/2"], parsed_feed(story("201")), {}, now=NOW)
    local = store.add_feed("https://local.example/feed")
    store.store_entries(local, parsed_feed(story("l1")), now=NOW)
    store.apply_remote_state(account, unread={"201"}, starred={"101"})
    rows = dict(store.conn.execute("SELECT key, read || starred FROM articles").fetchall())
    assert rows == {"101": "11", "201": "11", "l1": "11"}
    assert sorted(_queue(store, account)) == [("read", "201", "", 1), ("star", "201", "", 1)]
    # The next pull, before the queue is sent, changes nothing back.
    assert store.apply_remote_state(account, unread={"201"}, starred={"101"}) == 0
    store.group_stories = False  # the setting off: copies stay apart
    store.apply_remote_state(account, unread={"101", "201"}, starred=set())
    rows = dict(store.conn.execute("SELECT key, read || starred FROM articles").fetchall())
    assert rows == {"101": "00", "201": "11", "l1": "11"}

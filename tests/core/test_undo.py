"""Undo and redo (issue 18): each user action and its undo, at the Library's level."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest
from builders import entry as make_entry
from builders import parsed_feed

from tui.core import FeedSettings, Library, StoreError, View
from tui.core.library.history import undoable
from tui.core.storage.accounts import RemoteFeed
from tui.core.storage.history import HISTORY_LIMIT

entry = partial(make_entry, content="<p>zebra crossing words</p>")
NOW = 1_800_000_000


def _feed(lib: Library, url: str = "https://a.example/feed", *keys: str, title: str = "A") -> int:
    feed_id = lib.store.add_feed(url, title=title)
    lib.store.store_entries(feed_id, parsed_feed(*(entry(k) for k in keys), title=title), now=NOW)
    return feed_id


def _ids(lib: Library, feed_id: int) -> list[int]:
    return sorted(lib.store.view_ids(View(feed_id=feed_id)))


def _dump(lib: Library) -> dict[str, list[tuple[Any, ...]]]:
    """Every user-state table, to compare before and after."""
    tables = {
        "feeds": "SELECT * FROM feeds ORDER BY id",
        "articles": "SELECT * FROM articles ORDER BY id",
        "tags": "SELECT * FROM tags ORDER BY id",
        "article_tags": "SELECT * FROM article_tags ORDER BY 1, 2",
        "feed_tags": "SELECT * FROM feed_tags ORDER BY 1, 2",
        "notes": "SELECT * FROM notes ORDER BY 1",
        "saved_searches": "SELECT * FROM saved_searches ORDER BY id",
        "full_texts": "SELECT * FROM full_texts ORDER BY 1",
        "remote_items": "SELECT * FROM remote_items ORDER BY 1, 2",
    }
    return {name: lib.store.conn.execute(sql).fetchall() for name, sql in tables.items()}


@pytest.fixture
def feed(lib: Library) -> int:
    return _feed(lib, "https://a.example/feed", "a1", "a2", "a3")


def test_set_read_is_undone_and_redone(lib: Library, feed: int) -> None:
    ids = _ids(lib, feed)
    before = _dump(lib)
    lib.set_read(ids[:2], True)
    after = _dump(lib)
    undone = lib.undo()
    assert undone is not None and undone.label == "Marked 2 articles read"
    assert _dump(lib) == before
    redone = lib.redo()
    assert redone is not None and redone.label == "Marked 2 articles read"
    assert _dump(lib) == after
    assert lib.redo() is None


def test_an_action_that_changes_nothing_leaves_no_entry(lib: Library, feed: int) -> None:
    lib.set_read(_ids(lib, feed), False)
    assert lib.history() == []
    assert lib.undo() is None


@pytest.mark.parametrize(
    ("act", "label"),
    [
        (lambda lib, ids: lib.set_starred(ids[:1]), "Starred 1 article"),
        (lambda lib, ids: lib.mark_view_read(View()), "Marked 3 articles read everywhere"),
        (
            lambda lib, ids: lib.mark_view_read(View(feed_id=lib.store.feeds()[0].id)),
            "Marked 3 articles read in A",
        ),
        (lambda lib, ids: lib.set_tags(ids, add=["x", "y"]), "Tagged 3 articles: +x +y"),
        (lambda lib, ids: lib.set_tags(ids[:1], remove=["old"]), "Tagged 1 article: -old"),
        (lambda lib, ids: lib.rename_tag("old", "New"), "Renamed tag old to New"),
        (lambda lib, ids: lib.rename_tag("old", "other"), "Renamed tag old to other"),
        (lambda lib, ids: lib.remove_tag("old"), "Deleted tag old (from 2 articles)"),
        (lambda lib, ids: lib.set_note(ids[0], "new text"), "Edited note on a1"),
        (lambda lib, ids: lib.set_note(ids[0], ""), "Deleted note on a1"),
        (lambda lib, ids: lib.set_note(ids[1], "first note"), "Edited note on a2"),
        (lambda lib, ids: lib.move_feed("A", "Tech/Go"), "Moved feed A to Tech/Go"),
        (lambda lib, ids: lib.move_feed("A", ""), "Moved feed A out of folders"),
        (
            lambda lib, ids: lib.rename_folder("News", "Daily"),
            "Renamed folder News to Daily (1 feed)",
        ),
        (
            lambda lib, ids: lib.set_feed_settings(
                lib.store.feeds()[0].id, FeedSettings(title="Renamed")
            ),
            "Changed the settings of feed Renamed",
        ),
        (lambda lib, ids: lib.rename_search(1, "Later"), "Renamed saved search to Later"),
        (lambda lib, ids: lib.update_search(1, "crossing"), "Changed a saved search to crossing"),
        (lambda lib, ids: lib.remove_search(1), "Deleted saved search Zebras"),
        (lambda lib, ids: lib.remove_feed("A"), "Deleted feed A (3 articles)"),
    ],
)
def test_each_action_is_undone_exactly(lib: Library, feed: int, act: Any, label: str) -> None:
    ids = _ids(lib, feed)
    lib.store.set_tags(ids[:2], add=["old"])
    lib.store.set_tags(ids[2:], add=["other"])
    lib.store.save_note(ids[0], "old text", NOW)
    lib.store.set_feed_folder(feed, "News")
    lib.store.save_search("Zebras", "zebra")
    before = _dump(lib)
    act(lib, ids)
    after = _dump(lib)
    assert after != before
    assert [e.label for e in lib.history()] == [label]
    undone = lib.undo()
    assert undone is not None and undone.label == label
    assert _dump(lib) == before
    assert len(lib.search("zebra").articles) == 3
    lib.redo()
    assert _dump(lib) == after
    lib.undo()
    assert _dump(lib) == before


def test_a_deleted_feed_comes_back_with_ids_notes_tags_and_index(lib: Library) -> None:
    feed = _feed(lib, "https://a.example/feed", "a1", "a2")
    other = _feed(lib, "https://b.example/feed", "b1", title="B")
    ids = _ids(lib, feed)
    lib.store.set_tags(ids, add=["kept"])
    lib.store.set_feed_tags(feed, ["feedtag"])
    lib.store.save_note(ids[1], "marmalade", NOW)
    lib.store.set_read(ids[:1], True)
    before = _dump(lib)
    lib.remove_feed("A")
    assert len(lib.search("marmalade").articles) == 0
    assert lib.undo() is not None
    assert _dump(lib) == before
    assert [a.id for a in lib.search("marmalade").articles] == [ids[1]]
    assert {a.id for a in lib.search("zebra").articles} == {*ids, *_ids(lib, other)}
    assert lib.store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # And again: redo deletes it, undo brings it back, the index still right.
    lib.redo()
    assert len(lib.search("zebra").articles) == 1
    lib.undo()
    assert _dump(lib) == before
    assert len(lib.search("marmalade").articles) == 1
    assert len(lib.search("zebra").articles) == 3


def test_redo_is_cleared_by_a_new_action(lib: Library, feed: int) -> None:
    ids = _ids(lib, feed)
    lib.set_read(ids[:1])
    lib.set_starred(ids[:1])
    lib.undo()
    assert [e.undone for e in lib.history()] == [True, False]
    lib.set_read(ids[1:2])
    assert [e.label for e in lib.history()] == ["Marked 1 article read"] * 2
    assert lib.redo() is None


def test_undo_goes_back_one_action_at_a_time(lib: Library, feed: int) -> None:
    ids = _ids(lib, feed)
    lib.set_read(ids[:1])
    lib.set_starred(ids)
    first, second = lib.undo(), lib.undo()
    assert first is not None and first.label == "Starred 3 articles"
    assert second is not None and second.label == "Marked 1 article read"
    assert lib.undo() is None
    assert not any(a.read or a.starred for a in lib.articles())


def test_the_history_survives_reopening_the_store(tmp_path: Path) -> None:
    lib = Library(tmp_path / "g.db")
    ids = _ids(lib, _feed(lib, "https://a.example/feed", "a1"))
    lib.set_starred(ids)
    lib.close()
    again = Library(tmp_path / "g.db")
    try:
        assert [e.label for e in again.history()] == ["Starred 1 article"]
        again.undo()
        assert not again.article(ids[0]).starred
    finally:
        again.close()


def test_the_newest_hundred_actions_are_kept(lib: Library, feed: int) -> None:
    ids = _ids(lib, feed)
    for n in range(HISTORY_LIMIT + 5):
        lib.set_read(ids[:1], n % 2 == 0)
    history = lib.history(1000)
    assert len(history) == HISTORY_LIMIT
    assert lib.store.conn.execute(
        "SELECT count(DISTINCT action_id) FROM history_log"
    ).fetchone() == (HISTORY_LIMIT,)
    for _ in range(HISTORY_LIMIT):
        assert lib.undo() is not None
    assert lib.undo() is None


def test_refresh_writes_are_not_recorded(lib: Library, feed: int) -> None:
    lib.store.store_entries(
        feed, parsed_feed(entry("a4"), entry("a1", "changed"), title="A"), now=NOW
    )
    lib.store.remove_feed(feed)  # a store call, not a user action
    assert lib.history() == []
    assert lib.store.conn.execute("SELECT count(*) FROM history_log").fetchone() == (0,)


def test_a_failing_action_leaves_no_entry_and_no_change(lib: Library, feed: int) -> None:
    with pytest.raises(Exception, match="no such feed"):
        lib.move_feed("nothing", "X")
    assert lib.history() == []


def test_an_undo_that_no_longer_fits_is_dropped_with_one_line(lib: Library, feed: int) -> None:
    lib.set_starred(_ids(lib, feed))
    lib.remove_feed("A")
    lib.store.add_feed("https://a.example/feed")  # subscribed again meanwhile
    with pytest.raises(StoreError, match="cannot undo 'Deleted feed A") as exc:
        lib.undo()
    assert "\n" not in str(exc.value)
    assert [e.label for e in lib.history()] == ["Starred 3 articles"]
    assert lib.undo() is not None


def test_wrapping_a_verb_makes_its_store_calls_one_action(lib: Library, feed: int) -> None:
    """What the rules helper's ``apply`` gets from one decorator line."""
    ids = _ids(lib, feed)

    class Ruled(Library):
        @undoable(lambda lib, n, tag: f"Applied rule tag {tag} ({n} articles)")
        def apply(self, tag: str) -> int:
            self.store.set_read(ids, True)
            self.set_starred(ids[:1])  # an undoable verb inside joins the action
            return self.store.set_tags(ids, add=[tag])

    ruled = Ruled(lib.db_path)
    try:
        before = _dump(ruled)
        ruled.apply("ruled")
        assert [e.label for e in ruled.history()] == ["Applied rule tag ruled (3 articles)"]
        ruled.undo()
        assert _dump(ruled) == before
    finally:
        ruled.close()


# -- sync: an undo is a change like any other, queued for the server ------------------------


def _synced(lib: Library) -> tuple[int, int, dict[str, int]]:
    store = lib.store
    account = store.add_account(
        "home", kind="greader", dialect="freshrss", url="http://x/api", username="me"
    )
    store.sync_feeds(account, [RemoteFeed("feed/1", "https://s.example/feed", "S", None, "News")])
    feed_id = store.remote_feeds(account)["feed/1"]
    store.store_items(account, feed_id, parsed_feed(entry("101"), entry("102")), {}, now=NOW)
    ids = dict(store.conn.execute("SELECT remote_id, article_id FROM remote_items").fetchall())
    return account, feed_id, ids


def _queue(lib: Library, account: int) -> list[tuple[str, str, str, int]]:
    return sorted((c.kind, c.target, c.arg, c.value) for c in lib.store.queued(account))


def test_an_undo_on_a_synced_article_is_queued(lib: Library) -> None:
    account, _, ids = _synced(lib)
    lib.set_read([ids["101"]], True)
    lib.store.confirm([c.id for c in lib.store.queued(account)])  # sent
    lib.undo()
    assert _queue(lib, account) == [("read", "101", "", 0)]
    lib.set_tags([ids["102"]], add=["later"])
    lib.store.confirm([c.id for c in lib.store.queued(account)])
    lib.undo()
    assert ("label", "102", "later", 0) in _queue(lib, account)


def test_undoing_a_synced_feed_delete_takes_back_its_unsubscribe(lib: Library) -> None:
    account, feed_id, _ = _synced(lib)
    before = _dump(lib)
    lib.remove_feed(str(feed_id))
    assert ("unsubscribe", "feed/1", "", 1) in _queue(lib, account)
    lib.undo()
    assert _dump(lib) == before
    assert _queue(lib, account) == []
    # Once the unsubscribe was sent, the undo subscribes again.
    lib.redo()
    lib.store.confirm([c.id for c in lib.store.queued(account)])
    lib.undo()
    assert _queue(lib, account) == [("subscribe", "https://s.example/feed", "News", 1)]


def test_rules_applied_to_stored_articles_are_one_action_undone(lib: Library, feed: int) -> None:
    """``apply_rules`` (issue 18): its stars, tags and hidden articles all come back."""
    from tui.core import rule_actions

    hide = lib.add_rule("zebra", rule_actions(hide=True, star=True, tags=["zoo"]))
    before = _dump(lib)
    report = lib.apply_rules()
    assert report.changed == 3 and lib.articles() == []
    undone = lib.undo()
    assert undone is not None and undone.label == f"Applied rule {hide.label} to 3 articles"
    assert _dump(lib) == before
    assert len(lib.articles()) == 3 and lib.articles(View(hidden=True)) == []
    lib.redo()
    assert lib.articles() == [] and len(lib.articles(View(hidden=True))) == 3


def test_a_deleted_feed_comes_back_with_its_rules_and_what_they_hid(
    lib: Library, feed: int
) -> None:
    from tui.core import rule_actions

    rule = lib.add_rule("a1", rule_actions(hide=True), feed_id=feed)
    lib.apply_rules()
    assert lib.count_articles(View(feed_id=feed)) == 2
    lib.remove_feed(str(feed))
    assert lib.rules() == []
    lib.undo()
    assert [r.id for r in lib.rules()] == [rule.id]
    assert lib.count_articles(View(feed_id=feed)) == 2
    assert [a.title for a in lib.articles(View(hidden=True))] == ["a1"]


def test_rule_changes_are_undone_and_an_old_apply_never_revives_a_hit(
    lib: Library, feed: int
) -> None:
    """Adding, editing, turning off and removing a rule are actions; undoing an
    apply after the rule is gone puts back no hit for a rule that is not there,
    and a rule made later never inherits one (found in review)."""
    from tui.core import rule_actions

    rule = lib.add_rule("a1", rule_actions(hide=True))
    lib.apply_rules()
    assert [h.label for h in lib.history(2)] == [
        "Applied rule a1 to 1 article",
        "Added rule a1",
    ]
    lib.apply_rules()  # changes nothing: no entry
    assert len(lib.history()) == 2
    lib.set_rule_enabled(rule.id, False)
    assert lib.history(1)[0].label == "Turned rule a1 off"
    lib.undo()
    lib.remove_rule(rule.id)
    assert lib.count_articles(View(feed_id=feed)) == 3
    lib.undo()  # the rule and its hit come back
    assert [r.id for r in lib.rules()] == [rule.id]
    assert lib.count_articles(View(feed_id=feed)) == 2
    lib.edit_rule(rule.id, query="a2")
    lib.apply_rules()
    assert [a.title for a in lib.articles(View(hidden=True))] == ["a2"]
    lib.undo()
    lib.undo()
    assert [a.title for a in lib.articles(View(hidden=True))] == ["a1"]
    # A hit put back while a refresh made it again is not a conflict.
    lib.remove_rule(rule.id)
    lib.store.conn.execute("DELETE FROM rule_hits")
    lib.undo()
    assert [a.title for a in lib.articles(View(hidden=True))] == ["a1"]


def test_a_story_s_first_copy_brought_back_heads_every_copy_again(lib: Library) -> None:
    """A copy stored while the first copy was deleted points at the one that took
    over; the undo makes every copy point at the first copy again (found in review)."""
    a = _feed(lib, "https://a.example/feed", "x1")
    b = _feed(lib, "https://b.example/feed", "x1")
    lib.remove_feed(str(a))
    c = _feed(lib, "https://c.example/feed", "x1")
    lib.undo()
    (first,) = _ids(lib, a)
    heads = lib.store.conn.execute(
        "SELECT feed_id, story_id FROM articles ORDER BY feed_id"
    ).fetchall()
    assert heads == [(a, None), (b, first), (c, first)]
    lib.redo()  # the feed deleted again: the chain as it was
    assert lib.store.conn.execute(
        "SELECT feed_id, story_id FROM articles ORDER BY feed_id"
    ).fetchall() == [(b, None), (c, _ids(lib, b)[0])]
    lib.undo()
    lib.set_read([first])
    assert lib.store.conn.execute("SELECT count(*) FROM articles WHERE read = 0").fetchone() == (0,)


def test_the_label_counts_the_articles_asked_for_not_their_copies(lib: Library) -> None:
    a = _feed(lib, "https://a.example/feed", "x1", "x2")
    _feed(lib, "https://b.example/feed", "x1", "x2")
    change = lib.set_read(_ids(lib, a)[:1])
    assert (len(change.changed), len(change.copies), change.asked) == (2, 1, 1)
    assert lib.history(1)[0].label == "Marked 1 article read"
    lib.set_starred(_ids(lib, a))
    assert lib.history(1)[0].label == "Starred 2 articles"

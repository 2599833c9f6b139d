"""The reader's state values: counts, what changed in them, the header, flags in flight."""

from __future__ import annotations

from dataclasses import replace

from tui.core.models import Article, Feed, SavedSearch, TagCount
from tui.ui.state import Counts, FlagLedger, ListHeader, changed_feeds, with_flag


def feed(fid: int, unread: int = 0) -> Feed:
    return Feed(fid, f"http://x/{fid}", f"F{fid}", None, None, (), None, None, None, None, None,
                None, False, unread=unread)  # fmt: skip


def article(aid: int = 1, *, read: bool = False, starred: bool = False) -> Article:
    return Article(aid, 1, "F1", "http://x/1", None, None, "T", None, 0, None, None, read,
                   starred, 0)  # fmt: skip


def counts(*feeds: Feed) -> Counts:
    return Counts.read(list(feeds), {"unread": 1}, [TagCount("a", 1, 1)], ())


def test_changed_feeds_names_only_the_feeds_that_changed() -> None:
    old = counts(feed(1), feed(2))
    new = old.with_feed(feed(2, unread=3), {"unread": 4})
    assert changed_feeds(old, new) == [feed(2, unread=3)]
    assert changed_feeds(old, replace(old)) == []


def test_changed_feeds_asks_for_a_rebuild_when_the_shape_moved() -> None:
    old = counts(feed(1))
    assert changed_feeds(old, counts(feed(1), feed(2))) is None
    assert changed_feeds(old, old.with_tags([TagCount("b", 1, 0)])) is None
    assert changed_feeds(old, old.with_searches([SavedSearch(1, "s", "q", 0)])) is None


def test_counts_read_is_loaded_and_copies_its_input() -> None:
    smart = {"unread": 2}
    c = Counts.read([feed(1)], smart, [], ())
    smart["unread"] = 9
    assert c.loaded and c.smart == {"unread": 2} and list(c.feeds) == [1]


def test_list_header_text() -> None:
    assert ListHeader("All", 12, "newest first").text == "All · 12 · newest first"
    assert ListHeader("Search", 0).text == "Search"


def test_a_failed_write_puts_back_what_is_stored() -> None:
    ledger = FlagLedger()
    before = article()
    after = with_flag(before, "read", True)
    ledger.begin(before, after, "read")
    assert 1 in ledger
    assert ledger.end(1, "read", True, ok=False) == before
    assert 1 not in ledger


def test_a_write_that_succeeds_changes_nothing_shown() -> None:
    ledger = FlagLedger()
    before = article()
    ledger.begin(before, with_flag(before, "read", True), "read")
    assert ledger.end(1, "read", True, ok=True) is None


def test_quick_presses_put_back_only_after_the_last_write_and_only_what_failed() -> None:
    ledger = FlagLedger()
    a0 = article()
    a1 = with_flag(a0, "read", True)
    ledger.begin(a0, a1, "read")
    a2 = with_flag(a1, "read", False)
    ledger.begin(a1, a2, "read")
    assert ledger.end(1, "read", True, ok=True) is None  # stored read; one more in flight
    # the second (unread) fails: the database still says read
    assert ledger.end(1, "read", False, ok=False) == a1


def test_a_star_shown_meanwhile_is_kept_when_the_read_is_put_back() -> None:
    ledger = FlagLedger()
    a0 = article()
    a1 = with_flag(a0, "read", True)
    ledger.begin(a0, a1, "read")
    a2 = ledger.shown(with_flag(a1, "starred", True))
    ledger.begin(a1, a2, "starred")
    assert ledger.end(1, "starred", True, ok=True) is None
    back = ledger.end(1, "read", True, ok=False)
    assert back is not None and not back.read and back.starred

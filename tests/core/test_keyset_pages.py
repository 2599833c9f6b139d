"""List pages by keyset (issue 15): any page of a view is the same rows, and costs the same.

``Store.articles`` starts a page ``after`` a place in the list's order, or
reads upwards ``before`` one or from the end.  These pages must be exactly
the rows an ``OFFSET`` gives, in every view and order, with ties on the date
broken by id; and a deep page must cost what the first does, which is
counted here in SQLite virtual-machine steps (no timings in tests).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import builders
import pytest

from tui.core.models import View
from tui.core.storage import Store

NOW = 1_790_000_000

entry = partial(builders.entry, title="T", content="<p>words</p>", base="https://example.org/")
doc = partial(builders.parsed_feed, link="https://example.org/")

VIEWS = (
    View(),
    View(unread=True),
    View(folder="big"),
    View(folder="big", unread=True),
    View(folder="small"),
    View(folder="small", unread=True),
    View(starred=True),
)


def fill(store: Store, sizes: dict[str | None, int]) -> None:
    """Feeds of ``n`` articles in these folders; dates equal in pairs (the id breaks
    ties); every third article read, every fifth starred."""
    for number, (folder, n) in enumerate(sizes.items()):
        fid = store.add_feed(f"https://{number}.example/feed", folder=folder)
        entries = (entry(f"{fid}-{i}", published=NOW - i // 2 * 60) for i in range(n))
        store.store_entries(fid, doc(*entries), now=NOW)
    ids = [a.id for a in store.articles()]
    store.set_read(ids[::3], True)
    store.set_starred(ids[::5], True)


@pytest.fixture
def filled(store: Store) -> Store:
    fill(store, {"Big": 600, None: 300, "Small": 40})
    return store


def half(key: tuple[int, int], newest_first: bool, below: bool) -> tuple[int, float]:
    """The place between an article and its neighbour below (or above) it in the list."""
    step = 0.5 if newest_first != below else -0.5
    return key[0], key[1] + step


@pytest.mark.parametrize("newest_first", [True, False])
def test_keyset_pages_are_the_offset_pages_in_every_view(filled: Store, newest_first: bool) -> None:
    s = filled
    for view in VIEWS:
        full = s.articles(view, newest_first=newest_first)
        ids = [a.id for a in full]
        keys = [(a.published, a.id) for a in full]
        assert len(ids) == s.count_articles(view) > 0
        for at in sorted({0, 1, len(ids) // 3, len(ids) // 2, len(ids) - 7, len(ids) - 1}):

            def page(view: View = view, **kw: Any) -> list[int]:
                return [a.id for a in s.articles(view, newest_first=newest_first, **kw)]

            # After an article, and after the place between it and the next row.
            assert page(limit=25, after=keys[at]) == ids[at + 1 : at + 26]
            assert page(limit=25, after=half(keys[at], newest_first, True)) == ids[at + 1 : at + 26]
            assert page(limit=25, offset=3, after=keys[at]) == ids[at + 4 : at + 29]
            # Upwards: the rows just above, still in list order.
            assert page(limit=25, before=keys[at]) == ids[max(0, at - 25) : at]
            assert (
                page(limit=25, before=half(keys[at], newest_first, False))
                == ids[max(0, at - 25) : at]
            )
            assert (
                page(limit=10, offset=4, before=keys[at]) == ids[max(0, at - 14) : max(0, at - 4)]
            )
        assert [
            a.id for a in s.articles(view, limit=30, from_end=True, newest_first=newest_first)
        ] == ids[-30:]
        assert [
            a.id
            for a in s.articles(view, limit=5, offset=8, from_end=True, newest_first=newest_first)
        ] == ids[-13:-8]


def test_a_place_outside_the_view_still_marks_where_a_page_starts(filled: Store) -> None:
    """A row read in "Unread" left the view; pages still start at its place."""
    s = filled
    unread = [a.id for a in s.articles(View(unread=True))]
    everything = s.articles()
    read = next(a for a in everything[100:] if a.read)
    place = (read.published, read.id)
    below = [a.id for a in everything if a.id in set(unread) and (a.published, a.id) < place]
    assert [a.id for a in s.articles(View(unread=True), limit=20, after=place)] == below[:20]
    above = [i for i in unread if i not in set(below)]
    assert [a.id for a in s.articles(View(unread=True), limit=20, before=place)] == above[-20:]


def test_a_page_starts_in_one_way_only(filled: Store) -> None:
    with pytest.raises(ValueError):
        filled.articles(limit=5, after=(NOW, 1), from_end=True)
    with pytest.raises(ValueError):
        filled.articles(limit=5, after=(NOW, 1), before=(NOW, 9))


def steps(store: Store, read: object) -> int:
    """SQLite virtual-machine steps (in tens) a call costs: the work, without a clock."""
    count = [0]

    def tick() -> int:
        count[0] += 1
        return 0

    store.conn.set_progress_handler(tick, 10)
    try:
        read()  # type: ignore[operator]
    finally:
        store.conn.set_progress_handler(None, 10)
    return count[0]


@pytest.mark.parametrize(
    "view", [View(), View(unread=True), View(folder="big"), View(folder="big", unread=True)]
)
def test_a_deep_page_costs_what_the_first_does(store: Store, view: View) -> None:
    fill(store, {"Big": 3000, None: 1000})
    full = store.articles(view)
    deep = full[-20]
    key = (deep.published, deep.id)
    first = steps(store, lambda: store.articles(view, limit=10))
    by_key = steps(store, lambda: store.articles(view, limit=10, after=key))
    from_end = steps(store, lambda: store.articles(view, limit=10, from_end=True))
    by_offset = steps(store, lambda: store.articles(view, limit=10, offset=len(full) - 19))
    assert by_key <= 2 * first and from_end <= 2 * first
    assert by_offset > 5 * first  # what keyset paging saves: the measure tells them apart


def test_a_folder_is_its_feeds_under_every_spelling_and_subfolder(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.core import folders
    from tui.core.storage import articles

    filed = ["Tech", "tech", "TECH/AI", "Technology", None, "News", "tech/ai/Deep"] * 10
    for number, folder in enumerate(filed):
        fid = store.add_feed(f"https://{number}.example/feed", folder=folder)
        store.store_entries(fid, doc(entry(f"{fid}-1"), entry(f"{fid}-2")), now=NOW)
    inside = {
        fid
        for fid, folder in store.conn.execute("SELECT id, folder FROM feeds")
        if folders.contains("tech", folder)
    }
    expected = [a.id for a in store.articles() if a.feed_id in inside]
    assert len(expected) == 4 * 10 * 2
    calls: list[str] = []
    contains = folders.contains

    def counted(folder: str | None, feed_folder: str | None) -> bool:
        calls.append(str(feed_folder))
        return contains(folder, feed_folder)

    monkeypatch.setattr(folders, "contains", counted)
    view = View(folder="tech")
    assert [a.id for a in store.articles(view, limit=100)] == expected
    # The rule ran once per distinct name, not once per feed (70 feeds, 6 names).
    assert len(calls) == 6
    assert store.count_articles(view) == len(expected)
    assert len(calls) == 2 * 6
    monkeypatch.setattr(articles, "MAX_SPELLINGS", 2)  # too many names: the rule per feed
    assert [a.id for a in store.articles(view, limit=100)] == expected
    assert store.count_articles(view) == len(expected)

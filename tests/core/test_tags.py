"""Tags: cleaning, case-insensitive matching, counts, rename/merge, delete, feed tags."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.core.errors import InputError, NotFound
from tui.core.models import ParsedEntry, ParsedFeed
from tui.core.search import search
from tui.core.store import Store
from tui.core.tags import (
    MAX_TAG_LEN,
    TagCount,
    all_tags,
    article_tags,
    clean_tag,
    delete_tag,
    feed_tags,
    rename_tag,
    set_feed_tags,
    set_tags,
    tag_completions,
)

NOW = 1_790_000_000


def entry(key: str) -> ParsedEntry:
    return ParsedEntry(
        key=key,
        guid=key,
        url=f"https://example.org/{key}",
        title=f"Article {key}",
        author=None,
        published=NOW - int(key[1:]) * 3600,
        updated=None,
        summary=None,
        content="<p>words</p>",
        base=None,
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "g.db")
    yield s
    s.close()


@pytest.fixture
def ids(store: Store) -> dict[str, int]:
    """Two feeds: f1 (a1..a3) and f2 (b4, b5); returns article ids by key."""
    for url, keys in (("https://one.example/", "a1 a2 a3"), ("https://two.example/", "b4 b5")):
        feed_id = store.add_feed(url)
        parsed = ParsedFeed("rss20", url, None, tuple(entry(k) for k in keys.split()))
        store.store_entries(feed_id, parsed, now=NOW)
    return dict(store.conn.execute("SELECT key, id FROM articles"))


def feed(store: Store, url: str) -> int:
    feed_id = store.feed_id_for_url(url)
    assert feed_id is not None
    return feed_id


def tag_rows(store: Store) -> list[str]:
    return sorted(r[0] for r in store.conn.execute("SELECT name FROM tags"))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  python ", "python"),
        ("deep\t\n learning", "deep learning"),
        ("a,b", "a b"),
        ("\x1b[31mred\x07", "red"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("\u202eevil", "evil"),
        ("", ""),
        (" , ", ""),
        ("x" * 100, "x" * MAX_TAG_LEN),
        ("Tech/Python", "Tech/Python"),
        ("😀", "😀"),
    ],
)
def test_clean_tag(raw: str, clean: str) -> None:
    assert clean_tag(raw) == clean


def test_add_and_remove_tags(store: Store, ids: dict[str, int]) -> None:
    assert set_tags(store, [ids["a1"], ids["a2"]], add=["Python", "news"]) == 2
    assert article_tags(store, ids["a1"]) == ["news", "Python"]
    set_tags(store, [ids["a1"]], remove=["NEWS"])
    assert article_tags(store, ids["a1"]) == ["Python"]
    assert article_tags(store, ids["a2"]) == ["news", "Python"]
    assert store.article(ids["a2"]).tags == ("news", "Python")


def test_matching_ignores_case_and_keeps_first_spelling(store: Store, ids: dict[str, int]) -> None:
    set_tags(store, [ids["a1"]], add=["PyThOn"])
    set_tags(store, [ids["a2"]], add=["python", "PYTHON "])
    set_tags(store, [ids["a3"]], add=["Über"])
    set_tags(store, [ids["b4"]], add=["über", "ÜBER"])  # beyond SQLite's ASCII NOCASE
    assert tag_rows(store) == ["PyThOn", "Über"]
    assert article_tags(store, ids["a2"]) == ["PyThOn"]
    assert article_tags(store, ids["b4"]) == ["Über"]


def test_names_are_cleaned_and_empty_ones_ignored(store: Store, ids: dict[str, int]) -> None:
    set_tags(store, [ids["a1"]], add=["  deep\tlearning ", "", " , ", "a,b", "\x00"])
    assert article_tags(store, ids["a1"]) == ["a b", "deep learning"]


def test_removal_then_addition_and_orphans_go(store: Store, ids: dict[str, int]) -> None:
    set_tags(store, [ids["a1"]], add=["keep", "drop"])
    set_tags(store, [ids["a1"]], add=["keep"], remove=["keep", "drop", "never-existed"])
    assert article_tags(store, ids["a1"]) == ["keep"]
    assert tag_rows(store) == ["keep"]  # "drop" lost its last article, so it is gone


def test_bulk_tagging_skips_missing_articles(store: Store, ids: dict[str, int]) -> None:
    everything = list(ids.values())
    assert set_tags(store, [*everything, 9999], add=["all"]) == 5
    assert set_tags(store, [9999], add=["ghost"]) == 0
    assert tag_rows(store) == ["all"]
    assert all_tags(store) == [TagCount("all", 5, 5, 0)]


def test_bulk_tagging_many_articles_in_one_go(store: Store, ids: dict[str, int]) -> None:
    many = [*ids.values(), *range(10_000, 12_000)]  # beyond SQLite's parameter limit
    assert set_tags(store, many, add=["x"]) == 5
    assert set_tags(store, [str(i) for i in ids.values()], remove=["x"]) == 5
    assert tag_rows(store) == []


def test_all_tags_counts_article_and_feed_tags_once(store: Store, ids: dict[str, int]) -> None:
    one = feed(store, "https://one.example/")
    two = feed(store, "https://two.example/")
    set_feed_tags(store, one, ["Dev"])
    set_feed_tags(store, two, ["Feedonly"])
    set_tags(store, [ids["a1"], ids["b4"]], add=["dev"])  # a1 already has it via its feed
    set_tags(store, [ids["a2"]], add=["solo"])
    store.set_read([ids["a1"], ids["b4"]], True)
    assert all_tags(store) == [
        TagCount("Dev", 4, 2, 1),
        TagCount("Feedonly", 2, 1, 1),
        TagCount("solo", 1, 1, 0),
    ]
    # The counts agree with what a tag: search lists.
    assert len(search(store, "tag:dev", now=NOW).articles) == 4
    assert len(search(store, "tag:feedonly", now=NOW).articles) == 2


def test_feed_only_tags_are_listed_even_without_articles(store: Store) -> None:
    feed_id = store.add_feed("https://empty.example/")
    set_feed_tags(store, feed_id, ["Later"])
    assert all_tags(store) == [TagCount("Later", 0, 0, 1)]
    assert feed_tags(store, feed_id) == ["Later"]


def test_rename_tag(store: Store, ids: dict[str, int]) -> None:
    set_tags(store, [ids["a1"]], add=["pyhton"])
    assert rename_tag(store, "PYHTON", " Python ") == "Python"
    assert article_tags(store, ids["a1"]) == ["Python"]
    assert rename_tag(store, "python", "PYTHON") == "PYTHON"  # a change of case only
    assert tag_rows(store) == ["PYTHON"]


def test_rename_onto_existing_tag_merges(store: Store, ids: dict[str, int]) -> None:
    one = feed(store, "https://one.example/")
    set_tags(store, [ids["a1"], ids["a2"]], add=["py"])
    set_tags(store, [ids["a2"], ids["b4"]], add=["Python"])
    set_feed_tags(store, one, ["py"])
    assert rename_tag(store, "py", "python") == "python"
    assert tag_rows(store) == ["python"]
    assert article_tags(store, ids["a1"]) == ["python"]
    assert article_tags(store, ids["a2"]) == ["python"]  # no duplicate link
    assert article_tags(store, ids["b4"]) == ["python"]
    assert feed_tags(store, one) == ["python"]
    assert all_tags(store) == [TagCount("python", 4, 4, 1)]


def test_rename_errors(store: Store, ids: dict[str, int]) -> None:
    set_tags(store, [ids["a1"]], add=["x"])
    with pytest.raises(NotFound, match="no such tag"):
        rename_tag(store, "nope", "y")
    with pytest.raises(InputError):
        rename_tag(store, "x", " , ")
    assert tag_rows(store) == ["x"]


def test_delete_tag_removes_links_never_articles(store: Store, ids: dict[str, int]) -> None:
    set_tags(store, [ids["a1"], ids["a2"]], add=["gone"])
    set_feed_tags(store, feed(store, "https://two.example/"), ["Gone"])
    assert delete_tag(store, "GONE") == 2
    assert tag_rows(store) == []
    assert store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
    assert store.article(ids["a1"]).tags == ()
    assert search(store, "tag:gone", now=NOW).articles == []
    with pytest.raises(NotFound):
        delete_tag(store, "gone")


def test_set_feed_tags_replaces_and_cleans_up(store: Store, ids: dict[str, int]) -> None:
    one = feed(store, "https://one.example/")
    assert set_feed_tags(store, one, ["b", "A", "a"]) == ["A", "b"]
    assert set_feed_tags(store, one, ["B", "c"]) == ["b", "c"]  # "b" keeps its spelling
    assert tag_rows(store) == ["b", "c"]  # "A" had nothing else
    assert set_feed_tags(store, one, []) == []
    assert tag_rows(store) == []
    with pytest.raises(NotFound):
        set_feed_tags(store, 999, ["x"])


def test_feed_tags_shared_with_articles_survive(store: Store, ids: dict[str, int]) -> None:
    one = feed(store, "https://one.example/")
    set_tags(store, [ids["b4"]], add=["shared"])
    set_feed_tags(store, one, ["Shared"])
    set_feed_tags(store, one, [])
    assert tag_rows(store) == ["shared"]


def test_tag_completions(store: Store, ids: dict[str, int]) -> None:
    set_tags(store, [ids["a1"]], add=["Python", "pytest", "cpython", "Rust", "Über"])
    assert tag_completions(store, "py") == ["pytest", "Python", "cpython"]
    assert tag_completions(store, "PY", exclude=["python"]) == ["pytest", "cpython"]
    assert tag_completions(store, "über") == ["Über"]
    assert tag_completions(store, "") == ["cpython", "pytest", "Python", "Rust", "Über"]
    assert tag_completions(store, "", limit=2) == ["cpython", "pytest"]
    assert tag_completions(store, "zzz") == []


def test_is_tagged_and_tag_search_follow_edits(store: Store, ids: dict[str, int]) -> None:
    set_tags(store, [ids["a3"]], add=["Later"])
    found = search(store, "is:tagged", now=NOW).articles
    assert [a.id for a in found] == [ids["a3"]]
    assert found[0].tags == ("Later",)
    rename_tag(store, "later", "Someday")
    assert [a.id for a in search(store, "tag:someday", now=NOW).articles] == [ids["a3"]]
    assert search(store, "tag:later", now=NOW).articles == []

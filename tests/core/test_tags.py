"""Tags: cleaning, case-insensitive matching, counts, rename/merge, delete, feed tags."""

from __future__ import annotations

import builders
import pytest

from tui.core.errors import InputError, NotFound
from tui.core.models import ParsedEntry, ParsedFeed, TagCount
from tui.core.storage import Store
from tui.core.tags import MAX_TAG_LEN, TagChanges, clean_tag, parse_tag_changes

NOW = 1_790_000_000


def entry(key: str) -> ParsedEntry:
    """The shared entry, ``key`` hours old (``a3``: three hours)."""
    published = NOW - int(key[1:]) * 3600
    return builders.entry(key, f"Article {key}", published=published, content="<p>words</p>")


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


@pytest.mark.parametrize(
    ("text", "add", "remove"),
    [
        ("", (), ()),
        ("news", ("news",), ()),
        (" a, +B ,-c", ("a", "B"), ("c",)),
        ("read later,  read   later", ("read later",), ()),  # spaces kept inside a name
        ("a, A, +a", ("a",), ()),  # one change, first spelling
        ("Über, über, -ÜBER", (), ("Über",)),  # Unicode case folding; the last sign wins
        ("a, -A", (), ("a",)),
        ("-a, A", ("a",), ()),
        ("- spaced ,+ out", ("out",), ("spaced",)),  # space after the sign is allowed
        ("+-x, --y", ("-x",), ("-y",)),  # only the first sign is one
        (",,, + , -, +,-", (), ()),  # only punctuation: nothing to do
        ('", +""', ('"', '""'), ()),
        ("\x07-a, r\x1b[31med, a\u202eb", ("red", "ab"), ("a",)),  # controls, escapes, bidi
        ("[bold]x[/]", ("[bold]x[/]",), ()),  # markup is just text here
        ("x" * 100 + ", +" + "X" * 70, ("x" * MAX_TAG_LEN,), ()),  # cut, then one tag
    ],
)
def test_parse_tag_changes(text: str, add: tuple[str, ...], remove: tuple[str, ...]) -> None:
    assert parse_tag_changes(text) == TagChanges(add, remove)


def test_parse_tag_changes_output_is_storable() -> None:
    """Every name it returns is already clean, so the store keeps it as given."""
    hostile = ",".join(["\x00+\x1b]0;t\x07a", "-" + "\u200b" * 5, "+" * 300, "\t-\tb\n"])
    changes = parse_tag_changes(hostile)
    names = changes.add + changes.remove
    assert names and all(clean_tag(n) == n and n for n in names)
    assert not {n.casefold() for n in changes.add} & {n.casefold() for n in changes.remove}


def test_add_and_remove_tags(store: Store, ids: dict[str, int]) -> None:
    assert store.set_tags([ids["a1"], ids["a2"]], add=["Python", "news"]) == 2
    assert store.article_tags(ids["a1"]) == ["news", "Python"]
    store.set_tags([ids["a1"]], remove=["NEWS"])
    assert store.article_tags(ids["a1"]) == ["Python"]
    assert store.article_tags(ids["a2"]) == ["news", "Python"]
    assert store.article(ids["a2"]).tags == ("news", "Python")


def test_matching_ignores_case_and_keeps_first_spelling(store: Store, ids: dict[str, int]) -> None:
    store.set_tags([ids["a1"]], add=["PyThOn"])
    store.set_tags([ids["a2"]], add=["python", "PYTHON "])
    store.set_tags([ids["a3"]], add=["Über"])
    store.set_tags([ids["b4"]], add=["über", "ÜBER"])  # beyond SQLite's ASCII NOCASE
    assert tag_rows(store) == ["PyThOn", "Über"]
    assert store.article_tags(ids["a2"]) == ["PyThOn"]
    assert store.article_tags(ids["b4"]) == ["Über"]


def test_names_are_cleaned_and_empty_ones_ignored(store: Store, ids: dict[str, int]) -> None:
    store.set_tags([ids["a1"]], add=["  deep\tlearning ", "", " , ", "a,b", "\x00"])
    assert store.article_tags(ids["a1"]) == ["a b", "deep learning"]


def test_removal_then_addition_and_orphans_go(store: Store, ids: dict[str, int]) -> None:
    store.set_tags([ids["a1"]], add=["keep", "drop"])
    store.set_tags([ids["a1"]], add=["keep"], remove=["keep", "drop", "never-existed"])
    assert store.article_tags(ids["a1"]) == ["keep"]
    assert tag_rows(store) == ["keep"]  # "drop" lost its last article, so it is gone


def test_bulk_tagging_skips_missing_articles(store: Store, ids: dict[str, int]) -> None:
    everything = list(ids.values())
    assert store.set_tags([*everything, 9999], add=["all"]) == 5
    assert store.set_tags([9999], add=["ghost"]) == 0
    assert tag_rows(store) == ["all"]
    assert store.all_tags() == [TagCount("all", 5, 5, 0)]


def test_bulk_tagging_many_articles_in_one_go(store: Store, ids: dict[str, int]) -> None:
    many = [*ids.values(), *range(10_000, 12_000)]  # beyond SQLite's parameter limit
    assert store.set_tags(many, add=["x"]) == 5
    assert store.set_tags([str(i) for i in ids.values()], remove=["x"]) == 5
    assert tag_rows(store) == []


def test_all_tags_counts_article_and_feed_tags_once(store: Store, ids: dict[str, int]) -> None:
    one = feed(store, "https://one.example/")
    two = feed(store, "https://two.example/")
    store.set_feed_tags(one, ["Dev"])
    store.set_feed_tags(two, ["Feedonly"])
    store.set_tags([ids["a1"], ids["b4"]], add=["dev"])  # a1 already has it via its feed
    store.set_tags([ids["a2"]], add=["solo"])
    store.set_read([ids["a1"], ids["b4"]], True)
    assert store.all_tags() == [
        TagCount("Dev", 4, 2, 1),
        TagCount("Feedonly", 2, 1, 1),
        TagCount("solo", 1, 1, 0),
    ]
    # The counts agree with what a tag: search lists.
    assert len(store.search("tag:dev", now=NOW).articles) == 4
    assert len(store.search("tag:feedonly", now=NOW).articles) == 2


def test_feed_only_tags_are_listed_even_without_articles(store: Store) -> None:
    feed_id = store.add_feed("https://empty.example/")
    store.set_feed_tags(feed_id, ["Later"])
    assert store.all_tags() == [TagCount("Later", 0, 0, 1)]
    assert store.feed_tags(feed_id) == ["Later"]


def test_rename_tag(store: Store, ids: dict[str, int]) -> None:
    store.set_tags([ids["a1"]], add=["pyhton"])
    assert store.rename_tag("PYHTON", " Python ") == "Python"
    assert store.article_tags(ids["a1"]) == ["Python"]
    assert store.rename_tag("python", "PYTHON") == "PYTHON"  # a change of case only
    assert tag_rows(store) == ["PYTHON"]


def test_rename_onto_existing_tag_merges(store: Store, ids: dict[str, int]) -> None:
    one = feed(store, "https://one.example/")
    store.set_tags([ids["a1"], ids["a2"]], add=["py"])
    store.set_tags([ids["a2"], ids["b4"]], add=["Python"])
    store.set_feed_tags(one, ["py"])
    assert store.rename_tag("py", "python") == "python"
    assert tag_rows(store) == ["python"]
    assert store.article_tags(ids["a1"]) == ["python"]
    assert store.article_tags(ids["a2"]) == ["python"]  # no duplicate link
    assert store.article_tags(ids["b4"]) == ["python"]
    assert store.feed_tags(one) == ["python"]
    assert store.all_tags() == [TagCount("python", 4, 4, 1)]


def test_rename_errors(store: Store, ids: dict[str, int]) -> None:
    store.set_tags([ids["a1"]], add=["x"])
    with pytest.raises(NotFound, match="no such tag"):
        store.rename_tag("nope", "y")
    with pytest.raises(InputError):
        store.rename_tag("x", " , ")
    assert tag_rows(store) == ["x"]


def test_delete_tag_removes_links_never_articles(store: Store, ids: dict[str, int]) -> None:
    store.set_tags([ids["a1"], ids["a2"]], add=["gone"])
    store.set_feed_tags(feed(store, "https://two.example/"), ["Gone"])
    assert store.delete_tag("GONE") == 2
    assert tag_rows(store) == []
    assert store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
    assert store.article(ids["a1"]).tags == ()
    assert store.search("tag:gone", now=NOW).articles == []
    with pytest.raises(NotFound):
        store.delete_tag("gone")


def test_set_feed_tags_replaces_and_cleans_up(store: Store, ids: dict[str, int]) -> None:
    one = feed(store, "https://one.example/")
    assert store.set_feed_tags(one, ["b", "A", "a"]) == ["A", "b"]
    assert store.set_feed_tags(one, ["B", "c"]) == ["b", "c"]  # "b" keeps its spelling
    assert tag_rows(store) == ["b", "c"]  # "A" had nothing else
    assert store.set_feed_tags(one, []) == []
    assert tag_rows(store) == []
    with pytest.raises(NotFound):
        store.set_feed_tags(999, ["x"])


def test_feed_tags_shared_with_articles_survive(store: Store, ids: dict[str, int]) -> None:
    one = feed(store, "https://one.example/")
    store.set_tags([ids["b4"]], add=["shared"])
    store.set_feed_tags(one, ["Shared"])
    store.set_feed_tags(one, [])
    assert tag_rows(store) == ["shared"]


def test_tag_completions(store: Store, ids: dict[str, int]) -> None:
    store.set_tags([ids["a1"]], add=["Python", "pytest", "cpython", "Rust", "Über"])
    assert store.tag_completions("py") == ["pytest", "Python", "cpython"]
    assert store.tag_completions("PY", exclude=["python"]) == ["pytest", "cpython"]
    assert store.tag_completions("über") == ["Über"]
    assert store.tag_completions("") == ["cpython", "pytest", "Python", "Rust", "Über"]
    assert store.tag_completions("", limit=2) == ["cpython", "pytest"]
    assert store.tag_completions("zzz") == []


def test_is_tagged_and_tag_search_follow_edits(store: Store, ids: dict[str, int]) -> None:
    store.set_tags([ids["a3"]], add=["Later"])
    found = store.search("is:tagged", now=NOW).articles
    assert [a.id for a in found] == [ids["a3"]]
    assert found[0].tags == ("Later",)
    store.rename_tag("later", "Someday")
    assert [a.id for a in store.search("tag:someday", now=NOW).articles] == [ids["a3"]]
    assert store.search("tag:later", now=NOW).articles == []

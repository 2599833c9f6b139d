"""The query filters rules need: regular expressions (``title:/re/`` and the like),
the feed's URL (``feedurl:``) and the length of an article's text (``length:>N``).

Parsing, the one-line errors, what they match in a real Store (alone, with
words, negated, joined by OR), and a hostile pattern over a 1 MB article,
which must come back as "no match" rather than hang.
"""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import builders
import pytest

from tui.core.errors import InputError
from tui.core.library import Library
from tui.core.models import ParsedEntry, View
from tui.core.query import patterns
from tui.core.query.parse import Filter, parse_query
from tui.core.query.sql import compile_query
from tui.core.storage import Store

NOW = 1_790_000_000
DAY = 86_400
TEXTS = {
    "s1": "The snake language gets faster",
    "s2": "Linux adopts rust for drivers",
    "z1": "Crème brûlée everywhere in Zürich",
    "a1": "Live at the stadium",
    "m1": "",
}


def entry(key: str, title: str, *, author: str | None = None, age: int = 1) -> ParsedEntry:
    """An entry whose one paragraph is ``TEXTS[key]``, dated ``age`` days before NOW."""
    body = TEXTS[key]
    return builders.entry(
        key,
        title,
        author=author,
        published=NOW - age * DAY,
        content=f"<p>{body}</p>" if body else None,
    )


@pytest.fixture
def ids(store: Store) -> dict[str, int]:
    """Two feeds of a few articles; article ids by key."""
    code = store.add_feed("https://code.example/Python/rss.xml")
    misc = store.add_feed("https://misc.example/atom")
    store.store_entries(
        code,
        builders.parsed_feed(
            entry("s1", "Python 3.14 released", author="Ann Lee", age=1),
            entry("s2", "Rust in the kernel", author="Bob Stone", age=2),
        ),
        now=NOW,
    )
    store.store_entries(
        misc,
        builders.parsed_feed(
            entry("z1", "CAFÉ CULTURE IN ZÜRICH", author="Zoë", age=3),
            entry("a1", "AC/DC live", author="Ann Other", age=4),
            entry("m1", "Gardening", age=5),
        ),
        now=NOW,
    )
    return {k: v for v, k in store.conn.execute("SELECT id, key FROM articles")}


def keys(store: Store, text: str) -> set[str]:
    """The keys of every article ``text`` finds; search, count and ids must agree."""
    result = store.search(text, now=NOW, tz=UTC, limit=100)
    assert result.error is None, result.error
    by_id = dict(store.conn.execute("SELECT id, key FROM articles"))
    found = {by_id[a.id] for a in result.articles}
    assert store.count_search(text, NOW, tz=UTC) == len(found)
    assert {by_id[i] for i in store.search_ids(text, NOW, tz=UTC)} == found
    return found


# -- parser ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title:/foo bar/", Filter("title", "foo bar", pattern=True)),
        ("TITLE:/x/", Filter("title", "x", pattern=True)),
        (r"title:/a\/b/", Filter("title", r"a\/b", pattern=True)),
        ("title:/a OR b/", Filter("title", "a OR b", pattern=True)),
        ('title:/say "hi"/', Filter("title", 'say "hi"', pattern=True)),
        ("author:/^ann /", Filter("author", "^ann ", pattern=True)),
        ("author:ann", Filter("author", "ann")),
        ("link:/\\.pdf$/", Filter("link", "\\.pdf$", pattern=True)),
        ("content:/sn[a-z]+e/", Filter("content", "sn[a-z]+e", pattern=True)),
        ("feedurl:/^https:/", Filter("feedurl", "^https:", pattern=True)),
        ("feedurl:Example.ORG", Filter("feedurl", "Example.ORG")),
        ('feedurl:"/rss"', Filter("feedurl", "/rss")),
        ("-title:/re/", Filter("title", "re", negated=True, pattern=True)),
        ("NOT link:/x/", Filter("link", "x", negated=True, pattern=True)),
        ("length:>10", Filter("length", ">10")),
        ("length:<10", Filter("length", "<10")),
        ("length:>=10", Filter("length", ">=10")),
        ("length:<=10", Filter("length", "<=10")),
    ],
)
def test_each_form_parses_to_one_filter(text: str, expected: Filter) -> None:
    q = parse_query(text)
    assert q.error is None and q.filters == (expected,) and not q.has_words


def test_patterns_or_together_and_mix_with_words_and_other_filters() -> None:
    q = parse_query("python title:/a b/ OR link:/c/ is:unread -content:/d/")
    assert [t.text for t in q.terms] == ["python"]
    assert q.any_filters == (
        (Filter("title", "a b", pattern=True), Filter("link", "c", pattern=True)),
    )
    assert q.filters == (Filter("is", "unread"), Filter("content", "d", True, pattern=True))


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("title:/(/", "title:/(/ is not a valid regular expression: missing )"),
        ("content:/[a/", "content:/[a/ is not a valid regular expression"),
        ("author:/a{2,1}/", "author:/a{2,1}/ is not a valid regular expression"),
        ("link:/x/ title:/*/", "title:/*/ is not a valid regular expression"),
        ("title:/" + "a" * 1001 + "/", "longer than 1,000 characters"),
        ("length:abc", "length:abc is not a comparison; use length:>N"),
        ("length:=5", "length:=5 is not a comparison"),
        ("length:>", "length:> is not a comparison"),
        ("length:>5x", "length:>5x is not a comparison"),
        ("title:foo", "title:foo needs a regular expression between slashes, like title:/foo/"),
        ("content:foo", "content:foo needs a regular expression"),
        ("link:x", "link:x needs a regular expression"),
        ("title:/foo", "title:/foo has no closing /"),
        ("title:/a OR link:/b/", "a pattern ends at its closing /"),
        ("title:/foo/i", "title:/foo/i: a pattern ends at its closing /"),
    ],
)
def test_bad_filters_give_one_line_errors_naming_the_filter(text: str, needle: str) -> None:
    error = parse_query(text).error
    assert error is not None and needle in error and "\n" not in error and len(error) < 200


@pytest.mark.parametrize("text", ["title:/", "title://", "feedurl:", "length:"])
def test_a_pattern_being_typed_is_ignored(text: str) -> None:
    q = parse_query(text)
    assert q.filters == () and (q.error or "").startswith("nothing to search for")


# -- matching ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title:/rust/", {"s2"}),  # searched, not full-matched; case ignored
        ("title:/^rust in/", {"s2"}),
        ("title:/zürich$/", {"z1"}),  # Unicode case folding
        (r"title:/\bcaf\w\b/", {"z1"}),  # \w is Unicode
        (r"title:/ac\/dc/", {"a1"}),  # an escaped slash
        ("title:/python 3/", {"s1"}),  # spaces belong to the pattern
        ("author:/^ann /", {"s1", "a1"}),
        ("author:/zo/", {"z1"}),
        ("link:/example\\.org\\/s/", {"s1", "s2"}),
        ("content:/sn.ke/", {"s1"}),
        ("content:/BRÛLÉE/", {"z1"}),
        ("content:/<p>/", set()),  # the article's text, not its HTML
        ("feedurl:/python/", {"s1", "s2"}),
        ("feedurl:/^https:\\/\\/misc\\./", {"z1", "a1", "m1"}),
        ("feedurl:PYTHON/RSS", {"s1", "s2"}),  # a substring, case ignored
        ("feedurl:nowhere", set()),
        ("length:>30", {"z1"}),
        ("length:>=30", {"s1", "z1"}),
        ("length:<20", {"a1", "m1"}),
        ("length:<=0", {"m1"}),
    ],
)
def test_filters_match_in_the_store(
    store: Store, ids: dict[str, int], text: str, expected: set[str]
) -> None:
    assert keys(store, text) == expected


def test_length_counts_characters_of_the_text(store: Store, ids: dict[str, int]) -> None:
    size = len(TEXTS["z1"])  # 33 characters, 37 bytes in UTF-8
    assert len(TEXTS["z1"].encode()) > size
    assert keys(store, f"length:>={size}") == {"z1"}
    assert keys(store, f"length:>{size}") == set()


def test_negation_includes_articles_without_the_field(store: Store, ids: dict[str, int]) -> None:
    assert keys(store, "-author:/ann/") == {"s2", "z1", "m1"}  # m1 has no author
    assert keys(store, "-feedurl:python") == {"z1", "a1", "m1"}
    assert keys(store, "-length:>0") == {"m1"}
    assert keys(store, "NOT title:/[aeiou]/") == set()


def test_or_and_combinations(store: Store, ids: dict[str, int]) -> None:
    assert keys(store, "title:/rust/ OR link:/m1$/") == {"s2", "m1"}
    assert keys(store, "title:/rust/ OR feedurl:misc OR length:>30") == {"s2", "z1", "a1", "m1"}
    assert keys(store, "feedurl:misc -title:/live/ length:>0") == {"z1"}
    assert keys(store, "after:2d title:/./") == {"s1", "s2"}


def test_with_words_the_filters_narrow_the_index_matches(store: Store, ids: dict[str, int]) -> None:
    plan = compile_query(parse_query("rust OR python title:/kernel/"), NOW)
    assert plan.match is not None and "gazette_regex" in plan.where
    assert keys(store, "rust OR python title:/kernel/") == {"s2"}
    assert keys(store, "rust OR python -content:/snake/") == {"s2"}
    assert keys(store, "ann author:/lee$/") == {"s1"}


def test_row_tests_come_after_the_id_sets(store: Store, ids: dict[str, int]) -> None:
    """A regular expression runs on the rows the cheap conditions kept."""
    plan = compile_query(parse_query("title:/x/ is:unread length:>5 feedurl:a"), NOW)
    clauses = plan.where.split(" AND ")
    assert [("gazette_regex" in c or "length(" in c) for c in clauses] == [
        False,
        False,
        True,
        True,
    ]
    assert plan.params[-2:] == ["x", 5]


def test_every_store_connection_has_the_functions(tmp_path: Path) -> None:
    """Rules run compiled queries on any connection of the store, searching or not."""
    store = Store(tmp_path / "g.db")
    try:
        assert store.conn.execute("SELECT gazette_regex('B', 'abc')").fetchone() == (1,)
        assert store.conn.execute("SELECT gazette_regex('(', 'abc')").fetchone() == (0,)
        assert store.conn.execute("SELECT gazette_regex('a', NULL)").fetchone() == (0,)
    finally:
        store.close()


# -- hostile patterns ----------------------------------------------------------


def test_a_catastrophic_pattern_counts_as_no_match() -> None:
    text = "a" * 100_000 + "!"
    assert patterns.search("(a|aa)+$", text) is False
    assert patterns.search("a+!$", text) is True  # the same text, a sane pattern


@pytest.mark.hostile
@pytest.mark.parametrize("pattern", ["(a+)+$", "(x+x+)+y", "(a|aa)+$"])
def test_a_hostile_pattern_on_a_1mb_article_returns_no_match(store: Store, pattern: str) -> None:
    """Each match gives up after MATCH_TIMEOUT: the search finishes, finds
    nothing, and reports no error (a timeout does not raise through SQLite)."""
    feed = store.add_feed("https://big.example/feed")
    big = "a" * 500_000 + "x" * 500_000 + "!"
    store.store_entries(
        feed,
        builders.parsed_feed(builders.entry("big", "a" * 1000 + "!", content=f"<p>{big}</p>")),
        now=NOW,
    )
    for field in ("content", "title"):
        result = store.search(f"{field}:/{pattern}/", now=NOW)
        assert (result.error, result.articles) == (None, [])
        assert store.count_search(f"{field}:/{pattern}/", NOW) == 0
    assert len(store.search(f"-content:/{pattern}/", now=NOW).articles) == 1
    assert store.count_search("length:>1000000", NOW) == 1


@pytest.mark.hostile
def test_fuzzed_pattern_queries_never_raise(store: Store, ids: dict[str, int]) -> None:
    rng = random.Random(18)
    pieces = [
        "title:", "author:", "link:", "content:", "feedurl:", "length:", "/", "\\", "\\/",
        "(", ")", "[", "]", "{", "}", "*", "+", "?", "|", "^", "$", ".", ">", "<", "=", "-",
        "OR", "NOT", '"', "a", "rust", "1", "99999999999999999999", "é", "\x00", " ",
    ]  # fmt: skip
    for _ in range(1500):
        text = "".join(rng.choices(pieces, k=rng.randint(1, 10)))
        result = store.search(text, now=NOW, limit=5)
        assert result.error is None or "\n" not in result.error, (text, result.error)
        assert isinstance(store.count_search(text, NOW, within=View(unread=True)), int)


# -- the fronts ----------------------------------------------------------------


@pytest.fixture
def lib(lib: Library) -> Library:
    lib.clock = lambda: NOW
    return lib


def _fill(lib: Library) -> None:
    feed = lib.store.add_feed("https://code.example/Python/rss.xml")
    lib.store.store_entries(
        feed,
        builders.parsed_feed(
            entry("s1", "Python 3.14 released", age=1), entry("s2", "Rust in the kernel", age=2)
        ),
        now=NOW,
    )


def test_library_search_and_saved_searches_take_the_filters(lib: Library) -> None:
    _fill(lib)
    assert [a.title for a in lib.search("title:/^rust/").articles] == ["Rust in the kernel"]
    lib.save_search("Long Python", "feedurl:python length:>25 -title:/rust/")
    (saved,) = lib.saved_searches()
    assert (saved.error, saved.unread) == (None, 1)
    with pytest.raises(InputError, match=r"title:/\(/ is not a valid regular expression"):
        lib.save_search("Broken", "title:/(/")


def test_cli_search_takes_the_filters(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    lib = Library(db)
    _fill(lib)
    lib.close()
    code, out, _ = builders.run_cli(capsys, "--db", db, "search", r"content:/sn\w+e/ OR length:<0")
    assert code == 0 and "Python 3.14 released" in out and "Rust" not in out
    code, out, err = builders.run_cli(capsys, "--db", db, "search", "length:abc")
    assert code == 2 and out == "" and "length:abc is not a comparison" in err


def test_regex_is_imported_only_for_a_pattern() -> None:
    """The module costs ~20 ms to import: the reader and every command start without it."""
    code = (
        "import sys, tui.cli, tui.core.library, tui.ui.app\n"
        "from tui.core.query.parse import parse_query\n"
        "before = 'regex' in sys.modules\n"
        "parse_query('tag:x length:>5 feedurl:a')\n"
        "middle = 'regex' in sys.modules\n"
        "parse_query('title:/x/')\n"
        "print(before, middle, 'regex' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "True"]


@pytest.mark.parametrize(
    "pattern", ["((a{300}){300}){300}", "(((a{100}){100}){100}){100}", r"\p{L}{500}(x{99}){99}"]
)
def test_a_pattern_whose_repeats_unroll_too_far_is_refused_before_compiling(pattern: str) -> None:
    """Compiling unrolls counted repeats and is not bounded in time (the first
    pattern took 39 s and 7 GB): such a pattern is a one-line error instead."""
    error = parse_query(f"title:/{pattern}/").error
    assert error is not None and "repeats are too large" in error
    assert patterns.search(pattern, "a" * 100) is False


def test_counted_repeats_of_a_sane_size_still_work() -> None:
    assert parse_query("title:/(?:ab{2}){3}$/").error is None
    assert patterns.search("(?:ab{2}){3}$", "xabbabbabb") is True

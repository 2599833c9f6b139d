"""Search: the query language, its safety on hostile input, ranking, filters, saved searches.

Every test runs against a real Store on disk, filled through
``Store.store_entries`` as a refresh would, with a fixed clock and UTC dates.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from typing import Any

import builders
import pytest

from tui.core.errors import InputError, NotFound
from tui.core.models import ParsedEntry, View
from tui.core.query import parse as P
from tui.core.query.highlight import highlight_spans
from tui.core.query.parse import Filter, format_tag_filter, parse_query
from tui.core.query.sql import compile_query
from tui.core.storage import Store
from tui.core.storage import search as storage_search

NOW = 1_790_000_000  # 2026-09-21T13:46:40Z
DAY = 86_400


def entry(
    key: str, title: str, body: str = "", *, author: str | None = "Ann Lee", age_days: float = 1.0
) -> ParsedEntry:
    """The shared entry, dated ``age_days`` before NOW, with ``body`` as its one paragraph."""
    return builders.entry(
        key,
        title,
        author=author,
        published=int(NOW - age_days * DAY),
        content=f"<p>{body}</p>" if body else None,
    )


doc = builders.parsed_feed


@pytest.fixture
def article_ids(store: Store) -> dict[str, int]:
    """A small library; returns article ids by key."""
    tech = store.add_feed("https://tech.example/rss", folder="Tech/Python")
    store.set_feed_tags(tech, ["Dev"])
    news = store.add_feed("https://news.example/feed", folder="News")
    misc = store.add_feed("https://misc.example/atom")
    store.store_entries(
        tech,
        doc(
            entry("t1", "Python 3.14 released", "The snake language gets faster", age_days=1),
            entry("t2", "Rust in the kernel", "Linux adopts rust for drivers", age_days=3),
            entry(
                "t3", "Weekly links", "A note on python packaging and pythonic code", age_days=10
            ),
            entry("t4", "C++ modules", "Compilers and c++ templates", author="Bjarne", age_days=40),
        ),
        now=NOW,
    )
    store.store_entries(
        news,
        doc(
            entry("n1", "Election results", "Voters chose a new parliament", age_days=0.5),
            entry("n2", "New York marathon", "Runners in new york city", age_days=2),
            entry("n3", "York minster restored", "The new roof of York", age_days=5),
            entry(
                "n4",
                "Café culture in Zürich",
                "Crème brûlée everywhere",
                author="Zoë",
                age_days=400,
            ),
            title="Daily News 1",
        ),
        now=NOW,
    )
    store.store_entries(
        misc,
        doc(entry("m1", "Gardening", "Tomatoes and basil", author=None, age_days=7), title="Misc"),
        now=NOW,
    )
    ids = {
        key: store.conn.execute("SELECT id FROM articles WHERE key = ?", (key,)).fetchone()[0]
        for key in ("t1", "t2", "t3", "t4", "n1", "n2", "n3", "n4", "m1")
    }
    return ids


def keys(store: Store, text: str, **kw: Any) -> list[str]:
    """The article keys a search returns, in order; fails on an error."""
    result = store.search(text, now=NOW, tz=UTC, **kw)
    assert result.error is None, result.error
    by_id = dict(store.conn.execute("SELECT id, key FROM articles"))
    return [by_id[a.id] for a in result.articles]


# -- parser ----------------------------------------------------------------


def test_words_phrases_prefix_exclusions() -> None:
    q = parse_query('python pack* "new york" -snake -"old town"')
    assert [t.tokens for t in q.terms] == [("python",), ("pack",)]
    assert [t.prefix for t in q.terms] == [False, True]
    assert [t.tokens for t in q.phrases] == [("new", "york")]
    assert [t.tokens for t in q.excluded] == [("snake",), ("old", "town")]
    assert q.error is None and q.has_words


def test_or_binds_neighbours_and_and_is_implicit() -> None:
    q = parse_query("rust OR go AND linux")
    assert [tuple(t.tokens[0] for t in g) for g in q.any_of] == [("rust", "go")]
    assert [t.tokens for t in q.terms] == [("linux",)]
    c = compile_query(q, NOW)
    assert c.match == '"linux" AND ("rust" OR "go")'


def test_or_chains_and_filter_or() -> None:
    q = parse_query("a OR b OR c tag:x OR tag:y")
    assert len(q.any_of) == 1 and len(q.any_of[0]) == 3
    assert q.any_filters == ((Filter("tag", "x"), Filter("tag", "y")),)


@pytest.mark.parametrize("text", ["OR", "OR python", "python OR", "NOT", "python NOT"])
def test_dangling_operators_are_ignored(text: str) -> None:
    q = parse_query(text)
    assert q.error is None or q.error.startswith("nothing to search for")
    assert not q.any_of and not q.excluded


def test_doubled_or_counts_once() -> None:
    assert len(parse_query("python OR OR go").any_of[0]) == 2


@pytest.mark.parametrize("text", ["python OR tag:x", "python OR -go", "-go OR python"])
def test_or_across_kinds_is_a_one_line_error(text: str) -> None:
    assert "OR must stand between" in (parse_query(text).error or "")


def test_lower_case_or_and_not_are_words() -> None:
    q = parse_query("this or that and not")
    assert [t.tokens[0] for t in q.terms] == ["this", "or", "that", "and", "not"]


def test_not_keyword_excludes_next_item() -> None:
    q = parse_query("NOT snake python NOT is:read")
    assert [t.tokens for t in q.excluded] == [("snake",)]
    assert q.filters == (Filter("is", "read", negated=True),)


def test_filters_parse_with_quoted_values_and_negation() -> None:
    q = parse_query('tag:"Deep Learning" feed:hn folder:Tech/Python author:"Ann Lee" -is:read')
    assert q.filters == (
        Filter("tag", "Deep Learning"),
        Filter("feed", "hn"),
        Filter("folder", "Tech/Python"),
        Filter("author", "Ann Lee"),
        Filter("is", "read", negated=True),
    )
    assert not q.has_words


def test_a_quote_inside_a_quoted_filter_value_is_typed_twice() -> None:
    q = parse_query('tag:"say ""hi"" now" author:"a""b" -tag:""""')
    assert q.filters == (
        Filter("tag", 'say "hi" now'),
        Filter("author", 'a"b'),
        Filter("tag", '"', negated=True),
    )
    # Phrases read as before: two quoted phrases side by side are two phrases
    # (saved searches written that way keep their meaning).
    assert [t.text for t in parse_query('"foo""bar"').phrases] == ["foo", "bar"]
    assert [t.text for t in parse_query('-"spam""eggs"').excluded] == ["spam"]
    # An empty value is still empty (and ignored), and an unclosed quote still
    # runs to the end.
    empty = parse_query('tag:"" x')
    assert empty.filters == () and [t.text for t in empty.terms] == ["x"]
    assert parse_query('tag:"a ""b').filters == (Filter("tag", 'a "b'),)


def test_every_tag_name_can_be_queried(store: Store, article_ids: dict[str, int]) -> None:
    """The feed list lists a tag's articles with format_tag_filter(name): a name with
    both a space and a quote could not be written before."""
    names = ['say "hi" now', '"quoted"', 'a"b', "two words", "plain"]
    for name, key in zip(names, ("t1", "t2", "n1", "n2", "m1"), strict=True):
        store.set_tags([article_ids[key]], add=[name])
    for name, key in zip(names, ("t1", "t2", "n1", "n2", "m1"), strict=True):
        assert keys(store, format_tag_filter(name)) == [key], name


def test_field_names_are_case_insensitive_and_unknown_fields_are_words() -> None:
    q = parse_query("TAG:x Is:Unread http://example.org c:foo")
    assert q.filters == (Filter("tag", "x"), Filter("is", "unread"))
    assert [t.tokens for t in q.terms] == [("http", "example", "org"), ("c", "foo")]


def test_in_title_scopes_the_match() -> None:
    q = parse_query("in:title python -snake")
    assert q.columns == ("title",)
    c = compile_query(q, NOW)
    assert q.in_title and c.match == '{title} : (("python") NOT ("snake"))'
    assert compile_query(parse_query("in:title,note x"), NOW).match == '{title note} : ("x")'


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("before:2026-13-01", "before:2026-13-01 is not a date"),
        ("after:yesterday", "after:yesterday is not a date"),
        ("after:7x", "is not a date"),
        ("before:1969-01-01", "is not a date"),
        ("is:bogus", "is:bogus is unknown"),
        ("in:everywhere", "in:everywhere is unknown"),
    ],
)
def test_bad_filter_values_give_one_line_errors(text: str, needle: str) -> None:
    error = parse_query(text).error
    assert error is not None and needle in error and "\n" not in error


@pytest.mark.parametrize("text", ["tag:", "feed:", 'tag:""', "before:", "author:+++", "-", "*"])
def test_empty_filters_and_junk_do_not_search_everything(text: str) -> None:
    q = parse_query(text)
    assert q.filters == () and not q.has_words
    assert q.error is not None and q.error.startswith("nothing to search for")


def test_blank_query_is_not_an_error() -> None:
    assert parse_query("   ").error is None
    assert parse_query("").is_empty


def test_duplicates_collapse_and_limits_apply() -> None:
    assert len(parse_query("x x X").terms) == 2  # "X" is a different spelling
    assert "too long" in (parse_query(" ".join(f"w{i}" for i in range(100))).error or "")
    assert parse_query(" ".join(f"w{i}" for i in range(P.MAX_ITEMS))).error is None


def test_match_string_is_only_quoted_tokens() -> None:
    token = r'(?:\{[a-z ]+\} : )?|"[^"]*"\*?|AND|OR|NOT|\(|\)| '
    for text in ['c++ NEAR( "x y"* -z a OR b', 'in:title "he said ""hi"""', "x^y AND:z {a}:b"]:
        c = compile_query(parse_query(text), NOW)
        assert c.match is not None
        assert re.fullmatch(rf"(?:{token})+", c.match), c.match


HOSTILE = [
    '"unbalanced',
    'a "b',
    '"',
    '""',
    "c++",
    "-",
    "--",
    "- -x",
    "AND",
    "OR",
    "NOT",
    "*",
    "**",
    "a*b*",
    "NEAR(",
    "NEAR(a b, 3)",
    "(a OR b",
    "a:b",
    "title:x",
    "{title}:x",
    "^x",
    "tag:",
    "tag:,",
    "is:",
    "in:",
    "before:",
    "after:9999999y",
    "after:99999d",
    "before:0d",
    "after:2026-02-30",
    "feed:99999999999999999999999999999",
    "feed:²",
    "😀 🎉",
    "naïve café",
    "\x00",
    "a\x00b",
    '"\x00"',
    "\x1b[31mred",
    "tab\there",
    'x"\ny',
    "\u202eevil",
    "x" * 10_000,
    "word " * 2_000,
    '"' * 5_000,
    "-" * 5_000,
    "tag:a " * 1_000,
    "ａｂｃ",  # full-width
    "3.11",
    "it's",
    "c#",
    "foo-bar",
    "'; DROP TABLE articles; --",
    "%_\\",
]


@pytest.mark.hostile
@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_gives_results_or_one_line_message(
    store: Store, article_ids: dict[str, int], text: str
) -> None:
    result = store.search(text, now=NOW)
    assert isinstance(result.articles, list)
    assert result.error is None or ("\n" not in result.error and len(result.error) < 200)
    assert not (result.error and result.articles)
    assert isinstance(store.count_search(text, NOW), int)
    assert isinstance(store.count_search(text, NOW, within=View(unread=True)), int)
    for term in result.terms:
        highlight_spans(text, [term])
    assert store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 9


@pytest.mark.hostile
def test_fuzzed_queries_never_raise(store: Store, article_ids: dict[str, int]) -> None:
    rng = random.Random(20260101)
    pieces = [
        "python", "york", "new", "rust", "OR", "AND", "NOT", "NEAR", "(", ")", '"', "'", "-",
        "*", ":", "^", "+", "{", "}", ",", "tag:", "feed:", "folder:", "author:", "is:", "in:",
        "before:", "after:", "title", "unread", "read", "starred", "noted", "tagged", "7d", "2w",
        "3m", "1y", "2026-01-01", "2026-13-40", "\x00", "\t", "\n", "\x1b", "\u202e", "😀",
        "é", "ß", "Ü", "\\", "%", "_", "c++", " ", " ", " ",
    ]  # fmt: skip
    outcomes = {True: 0, False: 0}
    for _ in range(3000):
        parts = rng.choices(pieces, k=rng.randint(0, 12))
        if rng.random() < 0.2:
            parts.append("".join(chr(rng.randint(0, 0x2FFFF)) for _ in range(rng.randint(1, 8))))
        text = "".join(p if rng.random() < 0.5 else p + " " for p in parts)
        result = store.search(text, now=NOW, limit=5)
        assert result.error is None or "\n" not in result.error, (text, result.error)
        outcomes[result.error is None and bool(result.articles)] += 1
        store.count_search(text, NOW, within=View(unread=rng.random() < 0.5))
        for term in result.terms:
            assert highlight_spans(text, [term]) is not None
    assert min(outcomes.values()) > 300  # both hits and messages/empty pages happened


# -- ranking and matching ----------------------------------------------------


def test_title_hit_ranks_above_body_hit(store: Store, article_ids: dict[str, int]) -> None:
    # t1 has python in its title; t3 only in its body (and is older anyway,
    # so make the body hit the newer one to prove it is rank, not date).
    store.conn.execute("UPDATE articles SET published = ? WHERE key = 't3'", (NOW,))
    assert keys(store, "python") == ["t1", "t3"]


def test_title_hit_outranks_any_body_only_hit(store: Store) -> None:
    """bm25 saturates term frequency and divides by the whole row's length, so
    a weight on the title alone let a short body that repeats the word win."""
    feed = store.add_feed("https://privacy.example/rss")
    filler = " ".join(f"word{i}" for i in range(600))
    store.store_entries(
        feed,
        doc(
            # The title hit: a long article that says the word once more in the body.
            entry("title", "Privacy in 2026", f"{filler} privacy {filler}", age_days=3),
            # Body only: short, and the word again and again.
            entry("body", "Weekly notes", "privacy " * 40 + "matters", age_days=1),
            entry("body2", "Other notes", "On privacy, and privacy again", age_days=2),
        ),
        now=NOW,
    )
    assert keys(store, "privacy") == ["title", "body", "body2"]
    assert keys(store, "privacy notes") == ["body", "body2"]  # then bm25 as before


def test_with_several_words_title_hits_come_first_and_more_title_words_rank_higher(
    store: Store,
) -> None:
    feed = store.add_feed("https://tiers.example/rss")
    filler = " ".join(f"word{i}" for i in range(300))
    store.store_entries(
        feed,
        doc(
            entry("one", "Rust news", f"Why privacy matters in rust. {filler}", age_days=1),
            entry("both", "Rust and privacy", f"{filler} rust {filler}", age_days=2),
            entry("none", "Weekly", "rust privacy " * 50, age_days=0.5),
        ),
        now=NOW,
    )
    assert keys(store, "rust privacy") == ["both", "one", "none"]


def test_note_text_is_searched(store: Store, article_ids: dict[str, int]) -> None:
    assert keys(store, "aubergine") == []
    store.save_note(article_ids["m1"], "Try aubergine next spring", NOW)
    assert keys(store, "aubergine") == ["m1"]
    assert keys(store, "is:noted") == ["m1"]


def test_author_text_is_searched_and_ranked_by_bm25(
    store: Store, article_ids: dict[str, int]
) -> None:
    assert keys(store, "bjarne") == ["t4"]


def test_accents_and_case_are_ignored(store: Store, article_ids: dict[str, int]) -> None:
    assert keys(store, "CAFE zurich") == ["n4"]
    assert keys(store, "creme brulee") == ["n4"]


def test_prefix_search(store: Store, article_ids: dict[str, int]) -> None:
    assert keys(store, "python") == ["t1", "t3"]
    assert keys(store, "pyth*") == ["t1", "t3"]
    assert set(keys(store, "pythonic")) == {"t3"}


def test_all_words_must_match(store: Store, article_ids: dict[str, int]) -> None:
    assert keys(store, "new york") == ["n2", "n3"]
    assert keys(store, "york roof") == ["n3"]


def test_phrase_needs_adjacent_words(store: Store, article_ids: dict[str, int]) -> None:
    assert keys(store, '"new york"') == ["n2"]
    assert keys(store, '"york new"') == []


def test_exclusion_with_and_without_words(store: Store, article_ids: dict[str, int]) -> None:
    assert keys(store, "york -marathon") == ["n3"]
    assert keys(store, 'york -"new york"') == ["n3"]
    everything_but = keys(store, "-python")
    assert "t1" not in everything_but and "t3" not in everything_but
    assert len(everything_but) == 7


def test_or(store: Store, article_ids: dict[str, int]) -> None:
    assert set(keys(store, "rust OR election")) == {"t2", "n1"}
    assert keys(store, "rust OR election drivers") == ["t2"]


def test_in_title(store: Store, article_ids: dict[str, int]) -> None:
    assert keys(store, "in:title python") == ["t1"]
    assert keys(store, "in:title snake") == []
    assert keys(store, "in:body snake") == ["t1"]


def test_hyphens_and_symbols_search_like_the_index(
    store: Store, article_ids: dict[str, int]
) -> None:
    assert keys(store, "c++") != []  # "c" as a word: the index drops "+"
    assert keys(store, "3.14") == ["t1"]  # the phrase "3 14"


# -- filters ---------------------------------------------------------------


def test_filters_alone_list_newest_first(store: Store, article_ids: dict[str, int]) -> None:
    assert keys(store, "folder:News") == ["n1", "n2", "n3", "n4"]
    assert keys(store, "") == ["n1", "t1", "n2", "t2", "n3", "m1", "t3", "t4", "n4"]


def test_tag_filter_matches_article_and_feed_tags_ignoring_case(
    store: Store, article_ids: dict[str, int]
) -> None:
    store.set_tags([article_ids["n1"]], add=["Politics"])
    assert keys(store, "tag:politics") == ["n1"]
    assert keys(store, "tag:DEV") == ["t1", "t2", "t3", "t4"]  # through the feed
    assert keys(store, "tag:dev python") == ["t1", "t3"]
    assert keys(store, "tag:dev OR tag:POLITICS") == ["n1", "t1", "t2", "t3", "t4"]
    assert keys(store, "-tag:dev folder:tech") == []
    store.set_tags([article_ids["m1"]], add=["Über"])
    assert keys(store, "tag:über") == ["m1"]  # beyond ASCII NOCASE
    assert keys(store, "tag:nothing") == []


def test_feed_filter_by_title_id_or_url(store: Store, article_ids: dict[str, int]) -> None:
    news = store.feed_id_for_url("https://news.example/feed")
    assert keys(store, "feed:daily") == ["n1", "n2", "n3", "n4"]
    assert keys(store, '"feed:daily news" york') == []  # quoted whole: a phrase
    assert set(keys(store, 'feed:"Daily News" york')) == {"n2", "n3"}
    assert keys(store, f"feed:{news}") == ["n1", "n2", "n3", "n4"]
    tech = store.feed_id_for_url("https://tech.example/rss")
    assert tech == 1
    assert keys(store, "feed:1") == ["t1", "t2", "t3", "t4"]  # an id, not "Daily News 1"
    assert keys(store, "feed:999") == []
    assert keys(store, "feed:misc.example") == ["m1"]
    assert keys(store, "feed:https://misc.example/atom") == ["m1"]


def test_folder_filter_includes_subfolders(store: Store, article_ids: dict[str, int]) -> None:
    assert keys(store, "folder:tech") == ["t1", "t2", "t3", "t4"]
    assert keys(store, "folder:Tech/Python") == ["t1", "t2", "t3", "t4"]
    # A path from the top, the feed list's node (tui.core.folders), not a name anywhere.
    assert keys(store, "folder:python") == []
    assert keys(store, "folder:tec") == []  # names, not substrings
    assert keys(store, "folder:news election") == ["n1"]


def test_author_filter(store: Store, article_ids: dict[str, int]) -> None:
    assert keys(store, "author:zoe") == ["n4"]
    assert keys(store, "author:bja") == ["t4"]  # word starts
    assert keys(store, 'author:"lee ann" python') == ["t1", "t3"]
    assert keys(store, "-author:ann") == ["m1", "t4", "n4"]  # m1 has no author
    assert keys(store, "author:nobody") == []


def test_is_filters(store: Store, article_ids: dict[str, int]) -> None:
    store.set_read([article_ids["n1"], article_ids["t1"]], True)
    store.set_starred([article_ids["t2"]], True)
    store.set_tags([article_ids["n3"]], add=["x"])
    assert keys(store, "is:read") == ["n1", "t1"]
    assert "n1" not in keys(store, "is:unread") and len(keys(store, "is:unread")) == 7
    assert keys(store, "is:starred") == ["t2"]
    assert keys(store, "is:tagged") == ["n3"]  # feed tags do not count
    assert keys(store, "is:noted") == []
    assert keys(store, "python is:unread") == ["t3"]
    assert keys(store, "IS:STARRED OR is:read") == ["n1", "t1", "t2"]


def test_absolute_dates(store: Store, article_ids: dict[str, int]) -> None:
    day_t2 = datetime.fromtimestamp(NOW - 3 * DAY, UTC).strftime("%Y-%m-%d")
    after = keys(store, f"after:{day_t2}")
    assert after[-1] == "t2" and "n3" not in after  # the whole day counts
    assert "t2" not in keys(store, f"before:{day_t2}")
    assert keys(store, "before:2025-12-01") == ["n4"]
    assert keys(store, "before:2026") == ["n4"]
    assert keys(store, "after:2025-10 before:2026-01") == []


def test_relative_dates_count_back_from_now(store: Store, article_ids: dict[str, int]) -> None:
    assert keys(store, "after:2d") == ["n1", "t1", "n2"]  # n2 is exactly 2 days old
    assert keys(store, "after:1w") == ["n1", "t1", "n2", "t2", "n3", "m1"]
    assert keys(store, "before:1w") == ["t3", "t4", "n4"]
    assert keys(store, "before:1m") == ["t4", "n4"]  # 40 days old
    assert keys(store, "before:1y") == ["n4"]
    assert keys(store, "after:12h") == ["n1"]


def test_month_steps_clamp_to_month_end() -> None:
    march_31 = int(datetime(2026, 3, 31, 12, tzinfo=UTC).timestamp())
    c = compile_query(parse_query("after:1m"), march_31, tz=UTC)
    assert c.params == [int(datetime(2026, 2, 28, 12, tzinfo=UTC).timestamp())]
    c = compile_query(parse_query("after:2y"), march_31, tz=UTC)
    assert c.params == [int(datetime(2024, 3, 31, 12, tzinfo=UTC).timestamp())]


def test_compiled_plan_runs_as_documented(store: Store, article_ids: dict[str, int]) -> None:
    """Without words the plan is a condition over ``articles``; the store runs it as is."""
    q = parse_query("tag:dev after:30d is:unread -author:nobody")
    c = compile_query(q, NOW, tz=UTC)
    assert c.match is None and "+id IN" in c.where and q.highlight_terms == ()
    page = store.search_page(c, limit=50, offset=0, window=50)
    assert [a.id for a in page] == [article_ids["t1"], article_ids["t2"], article_ids["t3"]]
    assert store.matching_ids(c) == [article_ids["t1"], article_ids["t2"], article_ids["t3"]]
    assert store.count_matching(c) == 3


def test_compiled_words_plan_runs_over_the_index(store: Store, article_ids: dict[str, int]) -> None:
    """With words the plan is a MATCH plus a condition over ``articles_fts`` ids."""
    c = compile_query(parse_query("python -snake tag:dev"), NOW, tz=UTC)
    assert c.match == '("python") NOT ("snake")' and "+rowid IN" in c.where
    assert store.matching_ids(c) == [article_ids["t3"]]
    assert store.count_matching(c) == 1


@pytest.mark.parametrize(
    "text", ["python tag:dev", "is:unread after:30d", "-rust", "york OR rust is:starred"]
)
def test_the_sql_that_runs_is_the_compiled_sql(
    store: Store, article_ids: dict[str, int], monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """Search, count and ids run exactly what compile_query returns: one compile,
    so what the tests above check is what searches (not a second, private build)."""
    ran: list[object] = []
    for name in ("search_page", "count_matching", "matching_ids"):
        real = getattr(store, name)

        def spy(plan: object, *args: object, _real: Any = real, **kw: object) -> object:
            ran.append(plan)
            return _real(plan, *args, **kw)

        monkeypatch.setattr(store, name, spy)
    q = parse_query(text)
    store.search(text, now=NOW, tz=UTC)
    store.count_search(text, NOW, tz=UTC)
    store.count_search(text, NOW, within=View(unread=True), tz=UTC)
    store.search_ids(text, NOW, tz=UTC)
    assert ran == [
        compile_query(q, NOW, tz=UTC),
        compile_query(q, NOW, tz=UTC, counting=True),
        compile_query(q, NOW, tz=UTC, within=View(unread=True), counting=True),
        compile_query(q, NOW, tz=UTC, counting=True),
    ]


# -- paging, counts, window ----------------------------------------------------


def test_paging(store: Store, article_ids: dict[str, int]) -> None:
    everything = keys(store, "")
    assert keys(store, "", limit=3) == everything[:3]
    assert keys(store, "", limit=3, offset=3) == everything[3:6]
    assert (
        keys(store, "new OR york OR python", limit=2, offset=1)
        == (keys(store, "new OR york OR python")[1:3])
    )


def test_filters_apply_inside_the_rank_window(
    store: Store, article_ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_search, "RANK_WINDOW", 1)
    # Only the newest match is ranked, but a filter must not lose older ones.
    assert keys(store, "york", limit=1) == ["n3"]  # id order: n3 was stored after n2
    assert keys(store, "york is:unread folder:news after:3d", limit=1) == ["n2"]
    assert keys(store, "york", limit=1, offset=1) == ["n2"]  # the window grows with paging


def test_count(store: Store, article_ids: dict[str, int]) -> None:
    assert store.count_search("", NOW) == 9
    assert store.count_search("york", NOW) == 2
    assert store.count_search("folder:news", NOW) == 4
    store.set_read([article_ids["n2"]], True)
    assert store.count_search("york", NOW, within=View(unread=True)) == 1
    assert store.count_search("folder:news", NOW, within=View(unread=True)) == 3
    assert store.count_search("is:read", NOW, within=View(unread=True)) == 0
    assert store.count_search("before:nope", NOW) == 0


def test_result_carries_terms_for_highlighting(store: Store, article_ids: dict[str, int]) -> None:
    result = store.search('Pyth* "New York" -rust CAFÉ OR x tag:y', now=NOW)
    assert result.terms == ("pyth*", "new york", "cafe", "x")
    assert store.search("in:title x", now=NOW).in_title


# -- highlighting ----------------------------------------------------------


def spans_text(text: str, terms: list[str]) -> list[str]:
    return [text[a:b] for a, b in highlight_spans(text, terms)]


def test_highlight_whole_words_ignoring_case_and_accents() -> None:
    text = "Python, pythonic PYTHON; Café cafe"
    assert spans_text(text, ["python"]) == ["Python", "PYTHON"]
    assert spans_text(text, ["cafe"]) == ["Café", "cafe"]


def test_highlight_prefixes_and_phrases() -> None:
    text = "New  York, new-york and york new; newly"
    assert spans_text(text, ["new*"]) == ["New", "new", "new", "newly"]
    assert spans_text(text, ["new york"]) == ["New  York", "new-york"]
    assert spans_text(text, ["new yo*"]) == ["New  York", "new-york"]


def test_highlight_merges_overlaps_and_handles_nothing() -> None:
    assert highlight_spans("new york", ["new york", "york"]) == [(0, 8)]
    assert highlight_spans("", ["x"]) == []
    assert highlight_spans("text", []) == []
    assert highlight_spans("text", ["", "*", "😀"]) == []


def test_highlight_offsets_survive_combining_accents() -> None:
    text = "cafe\u0301 ok"  # decomposed é
    assert highlight_spans(text, ["cafe"]) == [(0, 5)]


def test_syntax_help_covers_the_language() -> None:
    needles = ["word*", '"exact', "-word", "OR", "tag:", "feed:", "folder:", "author:"]
    needles += ["is:unread", "is:noted", "is:tagged", "before:", "after:7d", "in:title"]
    for needle in needles:
        assert needle in P.SYNTAX_HELP


# -- saved searches ----------------------------------------------------------


def test_saved_search_lifecycle_with_live_unread(store: Store, article_ids: dict[str, int]) -> None:
    sid = store.save_search("  York\tnews ", "york")
    other = store.save_search("Dev", "tag:dev")
    listed = store.saved_searches(now=NOW)
    assert [(s.name, s.query, s.unread) for s in listed] == [
        ("Dev", "tag:dev", 4),
        ("York news", "york", 2),
    ]
    store.set_read([article_ids["n2"]], True)
    assert store.saved_search(sid, now=NOW).unread == 1
    store.rename_search(sid, "YORK NEWS")  # a change of case is allowed
    store.update_search(sid, "york OR election")
    got = store.saved_search(sid, now=NOW)
    assert (got.name, got.query, got.unread) == ("YORK NEWS", "york OR election", 2)
    store.delete_search(other)
    assert [s.id for s in store.saved_searches(now=NOW)] == [sid]
    store.delete_search(sid)
    assert store.saved_searches(now=NOW) == []
    assert store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 9


def test_saved_search_names_are_unique_ignoring_case(store: Store) -> None:
    first = store.save_search("Über", "x")
    with pytest.raises(InputError, match="exists"):
        store.save_search("über", "y")
    with pytest.raises(InputError, match="exists"):
        store.save_search("ÜBER", "y")
    second = store.save_search("Other", "y")
    with pytest.raises(InputError, match="exists"):
        store.rename_search(second, "über")
    assert [s.id for s in store.saved_searches(now=NOW)] == [second, first]


@pytest.mark.parametrize(
    ("name", "query", "message"),
    [
        ("", "x", "needs a name"),
        ("\x1b\x00", "x", "needs a name"),
        ("ok", "   ", "needs a query"),
        ("ok", "before:bad", "is not a date"),
        ("ok", "x OR tag:y", "OR must stand"),
    ],
)
def test_saved_search_rejects_bad_input(store: Store, name: str, query: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        store.save_search(name, query)
    assert store.saved_searches(now=NOW) == []


def test_saved_search_missing_ids(store: Store) -> None:
    sid = store.save_search("a", "x")
    with pytest.raises(InputError):
        store.update_search(sid, "")
    for call in (
        lambda: store.rename_search(999, "b"),
        lambda: store.update_search(999, "y"),
        lambda: store.delete_search(999),
        lambda: store.saved_search(999, now=NOW),
    ):
        with pytest.raises(NotFound):
            call()


def test_saved_search_unread_counts_follow_feed_tags(
    store: Store, article_ids: dict[str, int]
) -> None:
    store.save_search("Watch", "tag:watch")
    assert store.saved_searches(now=NOW)[0].unread == 0
    store.set_feed_tags(store.feed_id_for_url("https://misc.example/atom") or 0, ["Watch"])
    assert store.saved_searches(now=NOW)[0].unread == 1

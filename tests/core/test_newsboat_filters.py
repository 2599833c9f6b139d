"""newsboat filter expressions -> Gazette's query language (tui.core.importing.newsboat.filters).

Regex filters (``title:/RE/``...) only parse once the query language has them,
so those translations are asserted as strings; the others also go through
``parse_query`` and must run (``error is None``).
"""

from __future__ import annotations

import re

import pytest

from tui.core.importing.newsboat.filterparse import (
    Compare,
    FilterSyntaxError,
    Logic,
    parse_filter,
)
from tui.core.importing.newsboat.filters import MAX_LITERALS, posix_to_python, translate
from tui.core.query.parse import parse_query


def query(expr: str, **kw: str) -> str:
    done = translate(expr, **kw)
    assert done.problem is None, done.problem
    assert done.query is not None
    return done.query


def problem(expr: str) -> str:
    done = translate(expr)
    assert done.query is None
    assert done.problem
    return done.problem


# -- parsing -------------------------------------------------------------------


def test_parse_comparison_and_quoting() -> None:
    assert parse_filter('title =~ "a b"') == Compare("title", "=~", "a b")
    assert parse_filter('title=="x"') == Compare("title", "==", "x")
    assert parse_filter("age < 7") == Compare("age", "<", "7", "number")
    assert parse_filter("age between 1:5") == Compare("age", "between", "1:5", "range")
    assert parse_filter('TITLE # "x"') == Compare("title", "#", "x")
    assert parse_filter('title = ""') == Compare("title", "=", "")


def test_and_or_group_from_the_left_with_equal_precedence() -> None:
    # Checked with newsboat 2.21: `A or B and C` is `(A or B) and C`.
    a, b, c = (Compare("title", "=", x) for x in "ABC")
    assert parse_filter('title = "A" or title = "B" and title = "C"') == Logic(
        "and", Logic("or", a, b), c
    )
    assert parse_filter('title = "A" or (title = "B" and title = "C")') == Logic(
        "or", a, Logic("and", b, c)
    )


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("", "empty"),
        ('title = "x" or', "ends too early"),
        ('(title = "x"', "ends too early"),
        ('title = "x")', "unexpected"),
        ('title =~ "unclosed', "not closed"),
        ("title = x", "expected a quoted value"),
        ('title "x"', "expected an operator"),
        ('title = "x" nand age < 3', "expected and/or"),
        ('= "x"', "expected an attribute"),
        ('title = "x" @', "unexpected"),
    ],
)
def test_what_does_not_parse(expr: str, message: str) -> None:
    with pytest.raises(FilterSyntaxError, match=message):
        parse_filter(expr)
    assert "does not parse" in problem(expr)


# -- translation: what runs today ---------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('unread = "yes"', "is:unread"),
        ('unread == "no"', "is:read"),
        ('unread != "yes"', "is:read"),
        ('tags # "tech"', "tag:tech"),
        ('tags !# "tech"', "-tag:tech"),
        ('tags # "science fiction"', 'tag:"science fiction"'),
        ("age < 7", "after:7d"),
        ("age <= 7", "after:8d"),
        ("age > 7", "before:8d"),
        ("age >= 7", "before:7d"),
        ("age = 3", "after:4d before:3d"),
        ("age != 3", "before:4d OR after:3d"),
        ("age between 2:5", "before:2d after:6d"),
        ('flags # "s"', "is:starred"),
        ('flags !# "s"', "-is:starred"),
        ('flags # "x"', "tag:flag-x"),
        ('flags # "sx"', "is:starred tag:flag-x"),
        ('feedtitle = "Alpha Weekly"', 'feed:"Alpha Weekly"'),
        ('unread = "yes" and tags # "tech"', "is:unread tag:tech"),
        ('tags # "a" or tags # "b"', "tag:a OR tag:b"),
        ('unread = "yes" and (tags # "a" or tags # "b")', "is:unread tag:a OR tag:b"),
        # (A or B) and C, as newsboat reads it
        ('unread = "yes" or tags # "a" and age > 3', "is:unread OR tag:a before:4d"),
        # distributed: (a and b) or c = (a or c) and (b or c)
        (
            '(unread = "yes" and tags # "a") or tags # "b"',
            "is:unread OR tag:b tag:a OR tag:b",
        ),
        # a negated literal inside an OR group takes its positive complement
        ('unread != "yes" or age < 3', "is:read OR after:3d"),
        # the same group twice is written once; x OR -x always holds and goes
        ('tags # "a" and tags # "a"', "tag:a"),
        ('(unread = "yes" or unread = "no") and tags # "a"', "tag:a"),
    ],
)
def test_translations_that_run_today(expr: str, expected: str) -> None:
    got = query(expr)
    assert got == expected
    assert parse_query(got).error is None


def test_star_flags_are_configurable() -> None:
    assert query('flags # "b"', star_flags="sb") == "is:starred"
    assert query('flags # "s"', star_flags="b") == "tag:flag-s"


# -- translation: regex filters (asserted as strings) ----------------------------------


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('title =~ "rust"', "title:/rust/"),
        ('title !~ "rust"', "-title:/rust/"),
        ('author = "Jane Doe"', r"author:/^Jane\x20Doe$/"),
        ('author != "Spammer"', "-author:/^Spammer$/"),
        ('link =~ "example\\.org/a"', r"link:/example\.org\/a/"),
        ('content =~ "breaking news"', r"content:/breaking\x20news/"),
        ('description =~ "x"', "content:/x/"),
        ('feedurl =~ "example"', "feedurl:/example/"),
        ('rssurl = "http://x/f"', r"feedurl:/^http:\/\/x\/f$/"),
        ('title # "rust"', r"title:/(?:^|\s)rust(?:\s|$)/"),
        ('title =~ "[[:digit:]]+ [[:alpha:]]"', r"title:/[0-9]+\x20[a-zA-Z]/"),
        ('title =~ "rust" and unread = "yes"', "title:/rust/ is:unread"),
        ('title =~ "rust" or flags # "s"', "title:/rust/ OR is:starred"),
        # a negated regex in an OR group: a regex that matches where it does not
        ('title !~ "ad" or unread = "no"', r"title:/(?s)\A(?!.*(?:ad))/ OR is:read"),
    ],
)
def test_regex_translations(expr: str, expected: str) -> None:
    assert query(expr) == expected


def test_regex_complement_matches_exactly_where_the_regex_does_not() -> None:
    got = query('title !~ "a.d" or tags # "never"')
    pattern = got.split(" OR ")[0].removeprefix("title:/").removesuffix("/")
    for text in ("and", "x\nand", "a d", "ADD", "nothing"):
        assert bool(re.search(pattern, text, re.I)) == (not re.search("a.d", text, re.I))


def test_exact_match_translations_match_only_the_whole_value() -> None:
    got = query('title = "a.b (c)"')
    pattern = got.removeprefix("title:/").removesuffix("/").replace(r"\x20", " ")
    assert re.search(pattern.replace("\\ ", " "), "a.b (c)")
    assert not re.search(pattern, "axb (c)")
    assert not re.search(pattern, "a.b (c) d")


def test_posix_classes_become_python_ones() -> None:
    assert posix_to_python("[[:upper:]][[:space:]]") == r"[A-Z][\s]"


# -- what cannot be expressed is reported -------------------------------------------


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ('date < "2024"', "date < has no equivalent"),
        ('feedlink = "x"', "feedlink = has no equivalent"),
        ('enqueued = "yes"', "enqueued = has no equivalent"),
        ('unread = "maybe"', 'use "yes" or "no"'),
        ('tags = "a"', "only # and !#"),
        ('flags = "s"', "only # and !#"),
        ('tags !# "a" or unread = "no"', "-tag:a cannot stand in an OR group"),
        ('flags !# "sx"', "cannot stand in an OR group"),
        ('age < "x"', "needs a number"),
        ("age < 0", "matches no article"),
        ("age >= 0", "matches every article"),
        ('age < 3 or age >= 3 or unread = "yes"', "matches every article"),
        ('title =~ "("', "not valid"),
        ('title < "x"', "cannot be expressed"),
    ],
)
def test_untranslatable(expr: str, message: str) -> None:
    assert message in problem(expr)


def test_too_many_alternatives_are_refused() -> None:
    ands = " and ".join(f'tags # "t{i}"' for i in range(9))
    others = " and ".join(f'tags # "u{i}"' for i in range(9))
    assert "too many" in problem(f"({ands}) or ({others})")
    assert MAX_LITERALS == 64

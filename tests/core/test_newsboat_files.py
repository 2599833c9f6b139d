"""newsboat's urls, config and cache.db read into records (tui.core.importing.newsboat)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tui.core.importing.drafts import RuleDraft
from tui.core.importing.newsboat.cache import CachedArticle, CacheError, read_cache
from tui.core.importing.newsboat.config import colour, read_config
from tui.core.importing.newsboat.entries import entry_of, real_guid
from tui.core.importing.newsboat.lines import QuotingError, Skipped, tokenize
from tui.core.importing.newsboat.sources import choose_files, default_files
from tui.core.importing.newsboat.urls import QueryFeed, UrlFeed, read_urls

FIXTURES = Path(__file__).parents[1] / "fixtures" / "newsboat"


# -- lines -------------------------------------------------------------------------------


def test_tokenize_quotes_escapes_and_comments() -> None:
    assert tokenize('a "b c" d') == ["a", "b c", "d"]
    assert tokenize(r'"say \"hi\"" x\y') == ['say "hi"', "x\\y"]
    assert tokenize("http://x/#frag tag # a comment") == ["http://x/#frag", "tag"]
    assert tokenize('"" a') == ["", "a"]
    with pytest.raises(QuotingError):
        tokenize('a "b')


def test_skipped_lines_are_one_clean_line() -> None:
    text = Skipped("urls", 3, "x\x1b[31m" + "y" * 100, "why").describe()
    assert text.startswith("urls:3: xy") and text.endswith(": why")
    assert "\x1b" not in text and len(text) < 80


# -- urls --------------------------------------------------------------------------------


def test_urls_feeds_tags_names_hiding_and_queries() -> None:
    got = read_urls(
        "# comment\n\n"
        'http://a/f tech "~My A" news\n'
        'https://b/f "!" "two words"\n'
        'http://c/f "~"\n'
        '"query:Unread:unread = \\"yes\\"" tech\n'
    )
    assert got.feeds == (
        UrlFeed("http://a/f", ("tech", "news"), "My A", False, 3),
        UrlFeed("https://b/f", ("two words",), None, True, 4),
        UrlFeed("http://c/f", (), None, False, 5),
    )
    assert got.queries == (QueryFeed("Unread", 'unread = "yes"', 6),)
    assert got.skipped == ()


def test_urls_lines_not_imported_say_why() -> None:
    got = read_urls(
        "exec:~/bin/x\n"
        '"filter:~/f.sh:http://x/f"\n'
        'http://odd/f "unclosed\n'
        "gopher://x/f\n"
        '"query:NoExpr:"\n'
        "http://a/f\n"
        "http://a/f again\n"
    )
    reasons = {s.line: s.reason for s in got.skipped}
    assert "run a program" in reasons[1] and reasons[1].startswith("exec:")
    assert reasons[2].startswith("filter:")
    assert "quote is not closed" in reasons[3]
    assert "not a feed URL" in reasons[4]
    assert "query:Name:expr" in reasons[5]
    assert "listed twice" in reasons[7]
    assert [f.url for f in got.feeds] == ["http://a/f"]


# -- config ------------------------------------------------------------------------------


def test_config_rules_and_lines_not_imported() -> None:
    got = read_config(
        'ignore-article "*" "unread = \\"no\\""\n'
        'ignore-article "http://a/f" "tags # \\"x\\""\n'
        'highlight-article "tags # \\"t\\"" color2 default bold\n'
        'highlight-article "flags # \\"s\\"" default yellow\n'
        'ignore-article "*"\n'
        'highlight-article "unread = \\"yes\\"" white black\n'
        'highlight article "x" red default\n'
        "ignore-mode download\n"
        "browser `which w3m`\n"
        'ignore-article "*" "title =~ \\"x\n'
        "show-read-feeds no\n"
        "bind-key j down\n"
    )
    assert [r for _, r in got.rules] == [
        RuleDraft("is:read", "hide"),
        RuleDraft("tag:x", "hide", feed_url="http://a/f"),
        RuleDraft("tag:t", "highlight", colour="green"),
        RuleDraft("is:starred", "highlight", colour="yellow"),
    ]
    reasons = {s.line: s.reason for s in got.skipped}
    assert set(reasons) == {5, 6, 7, 8, 9, 10}
    assert "expected ignore-article" in reasons[5]
    assert "neither white nor black" in reasons[6]
    assert "words in the text" in reasons[7]
    assert "hides them" in reasons[8]
    assert "runs a command" in reasons[9]
    assert "not closed" in reasons[10]
    assert got.other_settings == 2
    assert got.ignore_mode == "download"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("red", "red"),
        ("Cyan", "cyan"),
        ("color1", "red"),
        ("color12", "blue"),
        ("color196", "red"),
        ("color46", "green"),
        ("color226", "yellow"),
        ("color201", "magenta"),
        ("color0", None),
        ("color244", None),
        ("white", None),
        ("default", None),
        ("colorx", None),
    ],
)
def test_colours_map_to_the_palette(name: str, expected: str | None) -> None:
    assert colour(name) == expected


# -- sources -----------------------------------------------------------------------------


def test_default_files_prefer_dot_newsboat(tmp_path: Path) -> None:
    xdg = default_files(tmp_path, {})
    assert xdg.urls == tmp_path / ".config/newsboat/urls"
    assert xdg.cache == tmp_path / ".local/share/newsboat/cache.db"
    env = {"XDG_CONFIG_HOME": str(tmp_path / "c"), "XDG_DATA_HOME": str(tmp_path / "d")}
    assert default_files(tmp_path, env).config == tmp_path / "c/newsboat/config"
    assert default_files(tmp_path, env).cache == tmp_path / "d/newsboat/cache.db"
    (tmp_path / ".newsboat").mkdir()
    dot = default_files(tmp_path, env)
    assert (dot.urls, dot.config, dot.cache) == tuple(
        tmp_path / ".newsboat" / n for n in ("urls", "config", "cache.db")
    )
    chosen = choose_files(urls=tmp_path / "u", home=tmp_path, env=env)
    assert chosen.urls == tmp_path / "u" and chosen.cache == dot.cache


# -- cache -------------------------------------------------------------------------------


def test_the_fixture_cache_reads_every_row() -> None:
    cache = read_cache(FIXTURES / "cache.db")
    assert cache.problems == ()
    assert cache.titles["http://127.0.0.1:47913/alpha.xml"] == "Alpha Weekly"
    by_guid = {a.guid: a for a in cache.articles}
    assert len(by_guid) == 10
    star = by_guid["alpha-star"]
    assert (star.unread, star.flags, star.deleted) == (True, "sx", False)
    assert by_guid["alpha-deleted"].deleted
    assert by_guid["alpha-rust"].author == "Jane Doe"


def test_the_cache_is_opened_read_only(tmp_path: Path) -> None:
    copy = tmp_path / "cache.db"
    copy.write_bytes((FIXTURES / "cache.db").read_bytes())
    before = copy.read_bytes()
    read_cache(copy)
    assert copy.read_bytes() == before
    assert not (tmp_path / "cache.db-journal").exists()


def _cache(path: Path, columns: str, *, feeds: bool = True) -> Path:
    db = sqlite3.connect(path)
    if feeds:
        db.execute("CREATE TABLE rss_feed (rssurl TEXT, title TEXT)")
    db.execute(f"CREATE TABLE rss_item (id INTEGER PRIMARY KEY, {columns})")
    db.commit()
    db.close()
    return path


def test_a_cache_of_another_version_reads_what_it_can(tmp_path: Path) -> None:
    path = _cache(tmp_path / "old.db", "guid TEXT, feedurl TEXT, title TEXT, unread INTEGER")
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO rss_item(guid, feedurl, title, unread) VALUES ('g', 'f', 't', 0)")
    db.close()
    cache = read_cache(path)
    assert len(cache.problems) == 1 and "read as empty" in cache.problems[0]
    (article,) = cache.articles
    assert (article.guid, article.unread, article.flags, article.author) == ("g", False, "", "")


def test_a_cache_without_the_needed_columns_gives_one_line(tmp_path: Path) -> None:
    cache = read_cache(_cache(tmp_path / "odd.db", "title TEXT, link TEXT"))
    assert cache.articles == ()
    assert len(cache.problems) == 1 and "no guid, feedurl column" in cache.problems[0]


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100])
def test_what_is_not_a_cache_is_one_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "cache.db"
    path.write_bytes(content)
    with pytest.raises(CacheError, match=r"cache\.db"):
        read_cache(path)
    with pytest.raises(CacheError, match="no such file"):
        read_cache(tmp_path / "missing.db")


def test_a_locked_cache_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.core.importing.newsboat.cache as cache_module

    monkeypatch.setattr(cache_module, "BUSY_TIMEOUT", 0.05)
    path = tmp_path / "cache.db"
    path.write_bytes((FIXTURES / "cache.db").read_bytes())
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # as newsboat holds it while it writes
    try:
        with pytest.raises(CacheError, match="locked by a running newsboat"):
            read_cache(path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert read_cache(path).articles


# -- entries -----------------------------------------------------------------------------


def _row(**kw: object) -> CachedArticle:
    base: dict[str, object] = {
        "guid": "g",
        "feed_url": "http://a/f",
        "title": "T",
        "author": "",
        "url": "http://a/1",
        "published": 1_700_000_000,
        "content": "<p>x</p>",
        "unread": True,
        "flags": "",
        "base": "",
    }
    base.update(kw)
    return CachedArticle(**base)  # type: ignore[arg-type]


def test_guids_newsboat_made_up_are_not_keys() -> None:
    made = _row(guid="http://a/1Tue, 02 Jan 2024 10:00:00 GMT")
    assert real_guid(made) is None
    entry = entry_of(made)
    assert entry is not None and entry.key == "http://a/1"
    assert real_guid(_row(guid="http://a/1?page=2")) == "http://a/1?page=2"
    assert real_guid(_row(guid="urn:x")) == "urn:x"
    assert real_guid(_row(guid="T2024-01-02T10:00:00Z", url="")) is None


def test_entries_are_cleaned_by_the_parsers_rules() -> None:
    entry = entry_of(
        _row(title="A <b> \x1b[31mtitle", author="Ann", url="javascript:alert(1)", content="  ")
    )
    assert entry is not None
    assert entry.title == "A <b> title"  # the escape sequence goes whole
    assert entry.author == "Ann"
    assert entry.url is None
    assert entry.content is None
    assert entry.key == "g"

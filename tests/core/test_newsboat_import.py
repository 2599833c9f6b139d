"""Library.import_newsboat on files made by newsboat 2.21: what comes along, the
report, dry runs, importing twice, bad input, and refreshing afterwards."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from feedserver import FeedServer
from newsboat_fixtures import BASE, copy_fixtures

from tui.core.errors import InputError
from tui.core.importing.drafts import RuleDraft
from tui.core.importing.newsboat.sources import NewsboatFiles
from tui.core.library import Library
from tui.core.models import View

ALPHA, BETA, GAMMA = (f"{BASE}/{n}.xml" for n in ("alpha", "beta", "gamma"))

EXPECTED_LINES = [
    "  feeds: 3 (1 renamed, 1 hidden, in folder Hidden)",
    "  articles: 8",
    "  read: 2, starred: 2, flagged: 2",
    "  saved searches: 3",
    "  rules: 4",
    "    hide: title:/^sponsored/",
    f"    hide: author:/^Spammer$/ (feed {BETA})",
    "    highlight red: title:/rust/",
    "    highlight blue: tag:tech is:unread",
]

NOT_IMPORTED = [
    "cache: 1 article of feeds not in urls: not imported",
    "urls:10: exec:~/bin/make-feed.sh tech: exec: feeds run a program, which Gazette does not do",
    'urls:11: "filter:~/bin/clean.sh:http://example.org/filtered.xml": filter: feeds run a '
    "program, which Gazette does not do",
    'urls:12: http://example.org/odd.xml "unclosed quote: a quote is not closed',
    "urls:13: ftp://example.org/feed.xml: not a feed URL (http, https or file)",
    'urls:14: query:Broken:title =~ "rust: does not parse: a quote is not closed',
    'urls:15: query:Not here:unread != "yes" or tags !# "tech": -tag:tech cannot stand in an '
    "OR group (Gazette has no opposite of it)",
    'config:8: highlight-article "feedlink = \\"x\\"" white black: newsboat\'s feedlink = has '
    "no equivalent in Gazette's search",
    'config:9: highlight article "rust" yellow default: highlights words in the text, not '
    "articles: not imported",
    'config:12: ignore-article "*" "title =~": does not parse: the expression ends too early',
    'config:13: ignore-article "*" "date < \\"2024\\"": newsboat\'s date < has no equivalent '
    "in Gazette's search",
    'config:14: highlight-article "unread = \\"yes\\"" white black: neither white nor black is '
    "one of red, green, yellow, blue, magenta, cyan",
    "config:15: browser `which firefox`: runs a command (`…`): not imported",
]


@pytest.fixture
def newsboat(tmp_path: Path) -> NewsboatFiles:
    return copy_fixtures(tmp_path / "newsboat")


def snapshot(lib: Library) -> list[object]:
    """Every row an import writes, to compare before and after."""
    db = sqlite3.connect(lib.db_path)
    try:
        return [
            db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in (
                "feeds",
                "articles",
                "tags",
                "feed_tags",
                "article_tags",
                "saved_searches",
                "removed_keys",
            )
        ]
    finally:
        db.close()


def test_feeds_come_with_tags_names_and_hiding(lib: Library, newsboat: NewsboatFiles) -> None:
    lib.import_newsboat(newsboat)
    feeds = {f.url: f for f in lib.feeds()}
    assert set(feeds) == {ALPHA, BETA, GAMMA}
    assert (feeds[ALPHA].title, feeds[ALPHA].tags, feeds[ALPHA].folder) == (
        "Alpha Renamed",
        ("news", "tech"),
        None,
    )
    assert lib.feed_settings(feeds[ALPHA].id).title == "Alpha Renamed"  # kept over refreshes
    assert (feeds[BETA].title, feeds[BETA].tags) == ("Beta Science", ("science fiction", "tech"))
    assert (feeds[GAMMA].title, feeds[GAMMA].folder, feeds[GAMMA].tags) == (
        "Gamma (hidden)",
        "Hidden",
        ("quiet",),
    )
    assert all(f.last_fetched is None for f in feeds.values())  # nothing fetched: still due


def test_articles_come_with_read_state_stars_and_flags(
    lib: Library, newsboat: NewsboatFiles
) -> None:
    lib.import_newsboat(newsboat)
    arts = {a.title: a for a in lib.articles()}
    assert set(arts) == {
        "Rust 2.0 & you",
        "No guid here",
        "Starred and flagged",
        "Black holes <explained>",
        "Read already",
        "Quiet item",
    }  # not the one deleted in newsboat, nor the orphan feed's, nor those the rules hide
    hidden = {a.title for a in lib.articles(View(hidden=True))}
    assert hidden == {"Sponsored: buy things", "Spam from a spammer"}
    state = {t: (a.read, a.starred, a.tags) for t, a in arts.items()}
    assert state["Rust 2.0 & you"][:2] == (True, False)
    assert state["Starred and flagged"] == (False, True, ("flag-x",))
    assert state["Read already"] == (True, False, ("flag-a",))
    assert state["Black holes <explained>"][:2] == (False, True)
    rust = arts["Rust 2.0 & you"]
    assert (rust.author, rust.url, rust.feed_url) == (
        "Jane Doe",
        "http://example.org/alpha/rust",
        ALPHA,
    )
    assert "**bold**" in lib.markdown(rust.id)  # stored as HTML, converted like any article
    more = lib.markdown(arts["Black holes <explained>"].id)
    assert "http://example.org/beta/more" in more  # relative links made absolute
    assert [a.title for a in lib.search("bold").articles] == ["Rust 2.0 & you"]  # indexed
    assert lib.count_articles(View(starred=True)) == 2


def test_query_feeds_become_saved_searches(lib: Library, newsboat: NewsboatFiles) -> None:
    lib.import_newsboat(newsboat)
    saved = {s.name: (s.query, s.error) for s in lib.saved_searches()}
    assert saved == {
        "Unread tech": ("is:unread tag:tech", None),
        "This week": ("after:7d", None),
        "Rust or starred": ("title:/rust/ OR is:starred", None),
    }


def test_filters_become_rules_that_act_on_the_imported_articles(
    lib: Library, newsboat: NewsboatFiles
) -> None:
    report = lib.import_newsboat(newsboat)
    beta = lib.store.feed_id_for_url(BETA)
    made = {(r.query, r.actions.hide, r.actions.highlight, r.feed_id) for r in lib.rules()}
    assert made == {
        ("title:/^sponsored/", True, None, None),
        ("author:/^Spammer$/", True, None, beta),
        ("title:/rust/", False, "red", None),
        ("tag:tech is:unread", False, "blue", None),
    }
    assert report.drafts == (
        RuleDraft("title:/^sponsored/", "hide"),
        RuleDraft("author:/^Spammer$/", "hide", feed_url=BETA),
        RuleDraft("title:/rust/", "highlight", colour="red"),
        RuleDraft("tag:tech is:unread", "highlight", colour="blue"),
    )
    rust = next(a for a in lib.articles() if a.title == "Rust 2.0 & you")
    assert rust.highlight == "red"
    again = lib.import_newsboat(newsboat)
    assert (again.rules, again.rules_known, again.drafts) == (0, 4, ())
    assert len(lib.rules()) == 4


def test_a_rule_for_a_feed_not_subscribed_is_a_line(lib: Library, newsboat: NewsboatFiles) -> None:
    with newsboat.config.open("a") as config:
        config.write('ignore-article "http://example.org/elsewhere.xml" "title =~ \\"x\\""\n')
    report = lib.import_newsboat(newsboat)
    assert report.rules == 4
    assert any(
        line.startswith("config: rule title:/x/: no feed http://example.org/elsewhere.xml")
        for line in report.not_imported
    )


def test_the_report(lib: Library, newsboat: NewsboatFiles) -> None:
    report = lib.import_newsboat(newsboat)
    lines = report.lines()
    assert (
        lines[0]
        == f"Imported from newsboat ({newsboat.urls}, {newsboat.config}, {newsboat.cache}):"
    )
    assert lines[1 : len(EXPECTED_LINES) + 1] == EXPECTED_LINES
    assert lines[len(EXPECTED_LINES) + 1] == "Not imported (13 lines):"
    got = list(report.not_imported)
    assert len(got) == len(NOT_IMPORTED)
    for line, expected in zip(got, NOT_IMPORTED, strict=True):
        assert line.startswith(expected)
    data = report.as_json()
    assert data["feeds"] == 3 and data["drafts"][1]["feed_url"] == BETA
    assert data["not_imported"] == got


def test_a_dry_run_writes_nothing_and_reports_the_same(
    lib: Library, newsboat: NewsboatFiles
) -> None:
    before = snapshot(lib)
    dry = lib.import_newsboat(newsboat, dry_run=True)
    assert snapshot(lib) == before
    assert dry.lines()[0].startswith("Would import from newsboat")
    real = lib.import_newsboat(newsboat)
    assert dry.lines()[1:] == real.lines()[1:]
    assert lib.import_newsboat(newsboat, dry_run=True).counts() == [
        "feeds: 0 (3 already subscribed)",
        "articles: 0 (8 already there)",
        "read: 0, starred: 0, flagged: 0",
        "saved searches: 0 (3 already saved)",
        "rules: 0 (4 already there)",
    ]


def test_importing_twice_changes_nothing(lib: Library, newsboat: NewsboatFiles) -> None:
    lib.import_newsboat(newsboat)
    first = snapshot(lib)
    again = lib.import_newsboat(newsboat)
    assert snapshot(lib) == first
    assert (again.feeds, again.articles, again.searches) == (0, 0, 0)
    assert (again.feeds_known, again.articles_known, again.searches_known) == (3, 8, 3)


def test_changes_made_since_are_not_undone(lib: Library, newsboat: NewsboatFiles) -> None:
    lib.import_newsboat(newsboat)
    star = next(a for a in lib.articles() if a.title == "Starred and flagged")
    lib.set_read([star.id], True)
    lib.set_tags([star.id], remove=["flag-x"])
    lib.import_newsboat(newsboat)
    again = lib.article(star.id)
    assert again.read and "flag-x" not in again.tags


def test_a_feed_already_subscribed_keeps_its_title_and_gains_tags(
    lib: Library, newsboat: NewsboatFiles
) -> None:
    feed_id = lib.store.add_feed(ALPHA, title="My own")
    lib.store.set_feed_tags(feed_id, ["mine"])
    report = lib.import_newsboat(newsboat)
    feed = lib.find_feed(str(feed_id))
    assert (feed.title, feed.tags) == ("My own", ("mine", "news", "tech"))
    assert (report.feeds, report.feeds_known, report.renamed) == (2, 1, 0)
    assert report.articles == 8  # its articles still come


def test_an_article_already_there_by_link_is_not_doubled(
    lib: Library, newsboat: NewsboatFiles
) -> None:
    from tui.core.models import ParsedEntry, ParsedFeed

    feed_id = lib.store.add_feed(ALPHA)
    entry = ParsedEntry(
        key="other-key",
        guid=None,
        url="http://example.org/alpha/rust",
        title="Rust, as Gazette read it",
        author=None,
        published=1_700_000_000,
        updated=None,
        summary=None,
        content="<p>mine</p>",
        base=None,
    )
    lib.store.store_entries(feed_id, ParsedFeed("rss", "Alpha", None, (entry,)))
    report = lib.import_newsboat(newsboat)
    titles = [a.title for a in lib.articles(View(feed_id=feed_id))]
    assert titles.count("Rust, as Gazette read it") == 1 and "Rust 2.0 & you" not in titles
    assert report.articles_known == 1


def test_a_refresh_after_the_import_adds_no_duplicates(
    lib: Library, feed_server: FeedServer, tmp_path: Path
) -> None:
    base = feed_server.url("/newsboat/feeds").removesuffix("/")
    files = copy_fixtures(tmp_path / "served", base)
    lib.import_newsboat(files)
    before = {a.title: (a.id, a.read, a.starred) for a in lib.articles()}
    summary = lib.refresh()
    assert not summary.failed
    after = {a.title: (a.id, a.read, a.starred) for a in lib.articles()}
    # Same articles, same ids and state; the one deleted in newsboat stays out.
    assert after == before
    assert summary.new == 0


# -- bad input ------------------------------------------------------------------------------


def test_nothing_readable_is_an_error(lib: Library, tmp_path: Path) -> None:
    missing = NewsboatFiles(tmp_path / "u", tmp_path / "c", tmp_path / "d.db")
    with pytest.raises(InputError, match=r"nothing to import: .*u: no such file"):
        lib.import_newsboat(missing)
    assert lib.feeds() == []


def test_one_file_is_enough(lib: Library, newsboat: NewsboatFiles, tmp_path: Path) -> None:
    only_urls = NewsboatFiles(newsboat.urls, tmp_path / "no-config", tmp_path / "no-cache.db")
    report = lib.import_newsboat(only_urls)
    assert (report.feeds, report.articles, report.rules) == (3, 0, 0)
    assert f"{tmp_path / 'no-config'}: no such file" in report.not_imported
    assert f"{tmp_path / 'no-cache.db'}: no such file" in report.not_imported


def test_a_cache_from_another_version_still_imports_the_rest(
    lib: Library, newsboat: NewsboatFiles
) -> None:
    with sqlite3.connect(newsboat.cache) as db:
        db.execute("ALTER TABLE rss_item RENAME COLUMN guid TO ident")
    db.close()
    report = lib.import_newsboat(newsboat)
    assert (report.feeds, report.articles, report.searches) == (3, 0, 3)
    assert any("no guid column" in line for line in report.not_imported)


def test_a_locked_cache_is_one_line(
    lib: Library, newsboat: NewsboatFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.core.importing.newsboat.cache as cache_module

    monkeypatch.setattr(cache_module, "BUSY_TIMEOUT", 0.05)
    holder = sqlite3.connect(newsboat.cache, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        report = lib.import_newsboat(newsboat)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert report.feeds == 3 and report.articles == 0
    assert [line for line in report.not_imported if "locked" in line] == [
        f"{newsboat.cache}: locked by a running newsboat; quit it and import again"
    ]


def test_undecodable_bytes_and_odd_quoting_spoil_one_line(
    lib: Library, newsboat: NewsboatFiles
) -> None:
    newsboat.urls.write_bytes(
        b'http://example.org/a.xml "caf\xe9\n'
        b"http://example.org/b.xml t\xffag\n"
        b'"query:Odd:unread = "yes""\n'
    )
    report = lib.import_newsboat(newsboat)
    assert [f.url for f in lib.feeds()] == ["http://example.org/b.xml"]
    assert lib.feeds()[0].tags == ("t\ufffdag",)
    assert report.not_imported[1].startswith("urls:1: ")
    assert any(line.startswith("urls:3: query:Odd:") for line in report.not_imported)


def test_a_synced_feeds_articles_are_left_to_its_sync(
    lib: Library, newsboat: NewsboatFiles
) -> None:
    from tui.core.storage.accounts import RemoteFeed

    account = lib.store.add_account(
        "home", kind="greader", dialect="freshrss", url="http://x/api", username="me"
    )
    lib.store.sync_feeds(account, [RemoteFeed("feed/1", ALPHA, "Alpha", None, None)])
    report = lib.import_newsboat(newsboat)
    assert report.articles == 4  # beta's and gamma's
    assert (
        f"cache: 4 articles of {ALPHA}: not imported (the feed comes through the sync account home)"
    ) in report.not_imported

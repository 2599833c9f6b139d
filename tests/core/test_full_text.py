"""Reader mode's verbs (issue 17): fetching an article's page, extracting it,
keeping it beside the feed's version, and every bad page ending in one line
with the article as it was.  Against the loopback server (``feed_server``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import rss_feed, rss_item, run_cli
from feedserver import FeedServer

from tui.core.errors import ExtractError, FetchError, InputError
from tui.core.library import FetchSettings, Library
from tui.core.models import FeedSettings

WORDS = " ".join(f"kestrel{i}" for i in range(120))
PAGE = f"""<!doctype html><html><head><title>Site</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<div id="cookie-consent">We value your privacy. Accept cookies</div>
<main><article><h1>The long story</h1>
<p>Only the page has this paragraph about the ospreywatch survey, with a
<a href="/more">link</a> and {WORDS}.</p>
<p>A second paragraph closes the story.</p></article></main>
<footer>All rights reserved</footer></body></html>"""
PAYWALL = (
    "<html><body><article><h1>The long story</h1><p>Subscribe to keep reading. "
    "Already a subscriber? Log in.</p></article></body></html>"
)


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def serve_feed(server: FeedServer, *paths: str) -> str:
    """A feed on the server whose items link to ``paths`` there; its URL."""
    items = [
        rss_item(
            f"g{i}",
            f"Story {i}",
            link=server.url(path),
            date=f"Wed, 20 Mar 2024 0{i}:00:00 GMT",
            body=f"<p>The feed summary {i} of lanternfish.</p>",
        )
        for i, path in enumerate(paths)
    ]
    server.page("/feed.xml", rss_feed(*items), content_type="application/rss+xml")
    return server.url("/feed.xml")


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    library = Library(tmp_path / "g.db", fetch=FetchSettings(connect_timeout=2, total_timeout=2))
    yield library
    library.close()


def articles_by_title(lib: Library) -> dict[str, int]:
    return {a.title: a.id for a in lib.articles()}


def test_the_full_text_is_fetched_kept_shown_and_searched(
    lib: Library, feed_server: FeedServer
) -> None:
    feed_server.page("/story.html", PAGE, content_type="text/html; charset=utf-8")
    lib.add_feed(serve_feed(feed_server, "/story.html"))
    (aid,) = articles_by_title(lib).values()
    full = lib.fetch_full_text(aid)
    assert full.shown and full.error is None and full.markdown is not None
    assert full.markdown.startswith("# The long story")
    assert f"[link]({feed_server.url('/more')})" in full.markdown
    assert "cookies" not in full.markdown and "rights reserved" not in full.markdown
    assert lib.markdown(aid) == full.markdown  # what the reader shows
    assert [a.id for a in lib.search("ospreywatch").articles] == [aid]
    assert [a.id for a in lib.search("lanternfish").articles] == [aid]  # both versions
    # Kept: asking again fetches nothing.
    before = len(feed_server.requests_for("/story.html"))
    assert lib.fetch_full_text(aid).markdown == full.markdown
    assert len(feed_server.requests_for("/story.html")) == before
    # Toggled back: the feed's own version, the full text still kept.
    assert lib.show_full_text(aid, False)
    assert "lanternfish" in lib.markdown(aid)
    assert [a.id for a in lib.search("ospreywatch").articles] == [aid]
    # A refresh that changes the summary keeps the full text.
    feed_server.page(
        "/feed.xml",
        rss_feed(
            rss_item(
                "g0",
                "Story 0",
                link=feed_server.url("/story.html"),
                body="<p>A rewritten summary about herons.</p>",
            )
        ),
        content_type="application/rss+xml",
    )
    lib.refresh()
    assert "herons" in lib.markdown(aid)
    kept = lib.full_text(aid)
    assert kept is not None and kept.markdown == full.markdown and not kept.shown
    assert lib.fetch_full_text(aid).shown
    assert [a.id for a in lib.search("ospreywatch").articles] == [aid]
    assert [a.id for a in lib.search("herons").articles] == [aid]


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda s: s.page("/a.html", b"\x89PNG...", content_type="image/png"), "not a web page"),
        (lambda s: s.page("/a.html", PAYWALL, content_type="text/html"), "a paywall, a login page"),
        (lambda s: s.status("/a.html", 404), "HTTP 404 Not Found"),
        (
            lambda s: s.big("/a.html", 50 * 1024 * 1024, chunked=True, content_type="text/html"),
            "response larger than 20 MB",
        ),
        (
            lambda s: s.slow("/a.html", "<p>" * 50_000, interval=0.05, content_type="text/html"),
            "timed out after 2 s",
        ),
        (lambda s: s.page("/a.html", "", content_type="text/html"), "no article found"),
    ],
    ids=["not-html", "paywall", "404", "50-mb", "never-ends", "empty"],
)
def test_a_bad_page_is_one_line_and_the_article_stays(
    lib: Library, feed_server: FeedServer, setup: object, reason: str
) -> None:
    lib.add_feed(serve_feed(feed_server, "/a.html"))
    (aid,) = articles_by_title(lib).values()
    before = lib.markdown(aid)
    setup(feed_server)  # type: ignore[operator]
    with pytest.raises((FetchError, ExtractError)) as caught:
        lib.fetch_full_text(aid)
    error = caught.value
    assert isinstance(error, FetchError | ExtractError)
    assert reason in error.reason and "\n" not in str(error)
    assert lib.markdown(aid) == before
    kept = lib.full_text(aid)
    assert kept is not None and kept.markdown is None and reason in (kept.error or "")


def test_always_fetches_in_the_background_once(lib: Library, feed_server: FeedServer) -> None:
    feed_server.page("/one.html", PAGE, content_type="text/html")
    feed_server.status("/two.html", 404)
    feed = lib.add_feed(serve_feed(feed_server, "/one.html", "/two.html"))[0]
    assert lib.fetch_wanted_full_texts() == (0, 0)  # the feed says never
    lib.set_feed_settings(feed.id, FeedSettings(full_text="always"))
    assert lib.feed_settings(feed.id).full_text == "always"
    assert lib.fetch_wanted_full_texts() == (1, 1)
    assert lib.fetch_wanted_full_texts() == (0, 0)  # neither is fetched again
    ids = articles_by_title(lib)
    assert "ospreywatch" in lib.markdown(ids["Story 0"])
    # The key still tries again a page that failed.
    feed_server.page("/two.html", PAGE, content_type="text/html")
    assert lib.fetch_full_text(ids["Story 1"]).shown


def test_on_open_is_a_feed_setting(lib: Library, feed_server: FeedServer) -> None:
    feed_server.page("/one.html", PAGE, content_type="text/html")
    feed = lib.add_feed(serve_feed(feed_server, "/one.html"))[0]
    (aid,) = articles_by_title(lib).values()
    assert not lib.full_text_on_open(aid)
    lib.set_feed_settings(feed.id, FeedSettings(full_text="on_open"))
    assert lib.full_text_on_open(aid)
    lib.fetch_full_text(aid)
    assert not lib.full_text_on_open(aid)
    with pytest.raises(InputError, match="full_text: must be one of never, on_open, always"):
        lib.set_feed_settings(feed.id, FeedSettings(full_text="sometimes"))
    lib.set_feed_settings(feed.id, FeedSettings(full_text="never"))
    assert lib.feed_settings(feed.id).full_text is None


def test_a_feed_on_the_internet_cannot_reach_a_private_page(
    lib: Library, feed_server: FeedServer
) -> None:
    feed_server.page("/story.html", PAGE, content_type="text/html")
    lib.add_feed(serve_feed(feed_server, "/story.html"))
    (aid,) = articles_by_title(lib).values()
    # As if the feed had come from a public address (the database says where).
    lib.store.conn.execute("UPDATE feeds SET url = 'https://93.184.216.34/feed.xml'")
    with pytest.raises(FetchError, match=r"127\.0\.0\.1 is a private address"):
        lib.fetch_full_text(aid)
    assert feed_server.requests_for("/story.html") == []


def test_show_full_prints_the_extracted_markdown(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, feed_server: FeedServer
) -> None:
    feed_server.page("/story.html", PAGE, content_type="text/html")
    feed_server.page("/paywall.html", PAYWALL, content_type="text/html")
    db = str(tmp_path / "c.db")
    url = serve_feed(feed_server, "/story.html", "/paywall.html")
    assert run_cli(capsys, "--db", db, "add", url)[0] == 0
    lib = Library(db)
    try:
        ids = articles_by_title(lib)
    finally:
        lib.close()
    code, out, _ = run_cli(capsys, "--db", db, "show", str(ids["Story 0"]), "--full")
    assert code == 0 and "# The long story" in out and "ospreywatch" in out
    code, out, err = run_cli(capsys, "--db", db, "show", str(ids["Story 1"]), "--full")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "a paywall, a login page" in err


def test_refresh_fetches_the_full_texts_of_feeds_set_to_always(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, feed_server: FeedServer
) -> None:
    feed_server.page("/story.html", PAGE, content_type="text/html")
    db = str(tmp_path / "c.db")
    assert run_cli(capsys, "--db", db, "add", serve_feed(feed_server, "/story.html"))[0] == 0
    code, out, _ = run_cli(capsys, "--db", db, "refresh")
    assert code == 0 and "Full articles" not in out  # the feed says never
    lib = Library(db)
    try:
        (feed,) = lib.feeds()
        lib.set_feed_settings(feed.id, FeedSettings(full_text="always"))
    finally:
        lib.close()
    code, out, _ = run_cli(capsys, "--db", db, "refresh")
    assert code == 0 and "Full articles: 1 fetched, 0 failed" in out

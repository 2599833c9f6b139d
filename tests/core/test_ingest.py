"""Adding and refreshing agree, end to end over the loopback server (issue 13).

``gazette add`` once refused a UTF-16LE feed without a byte order mark that
the same URL, imported by OPML, refreshed fine: discovery had a sniff of its
own.  These tests go through the CLI and ``Library`` against real sockets.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from feedserver import FeedServer

from tui.cli import main
from tui.core.library import Library

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
NOW = 1_700_000_000  # 2023-11-14


def utf16le_without_bom() -> bytes:
    """The UTF-16BE fixture (no BOM) re-encoded as UTF-16LE, still without one."""
    text = (FEEDS / "malformed-utf16be-no-bom.xml").read_bytes().decode("utf-16-be")
    return text.encode("utf-16-le")


@pytest.fixture
def lib(lib: Library) -> Library:
    """The shared library on a fixed clock."""
    lib.clock = lambda: NOW
    return lib


def test_cli_add_accepts_a_utf16le_feed_without_bom(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, feed_server: FeedServer
) -> None:
    feed_server.page("/le.xml", utf16le_without_bom(), content_type="application/rss+xml")
    url = feed_server.url("/le.xml")
    code = main(["--db", str(tmp_path / "c.db"), "add", url])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert url in out and "1 article" in out and "1 articles" not in out
    assert main(["--db", str(tmp_path / "c.db"), "refresh"]) == 0


def test_library_discover_and_add_read_what_refresh_reads(
    lib: Library, feed_server: FeedServer
) -> None:
    feed_server.page("/le.xml", utf16le_without_bom())
    feed_server.page("/feed.xml.gz", gzip.compress((FEEDS / "rss2-seed-article.xml").read_bytes()))
    for path in ("/le.xml", "/feed.xml.gz"):
        url = feed_server.url(path)
        assert lib.discover(url) == [url]
        _, result = lib.add_feed(url)
        assert result.new >= 1 and result.warning is None
    assert not lib.refresh().failed


def test_empty_items_and_dates_through_a_refresh(lib: Library, feed_server: FeedServer) -> None:
    feed_server.page(
        "/mixed.xml",
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Mixed</title>'
        b"<pubDate>Mon, 01 May 2023 00:00:00 GMT</pubDate>"
        b"<item/><item />"
        b"<item><guid>pt</guid><title>Portuguese</title>"
        b"<pubDate>Seg, 24 Set 2018 10:00:00 GMT</pubDate></item>"
        b"<item><guid>undated</guid><title>Undated</title></item>"
        b"<item><guid>ahead</guid><title>Ahead</title>"
        b"<pubDate>Tue, 14 Nov 2023 23:00:00 GMT</pubDate></item>"
        b"</channel></rss>",
    )
    lib.add_feed(feed_server.url("/mixed.xml"))
    dated = {a.title: a.published for a in lib.articles()}
    assert dated == {
        "Portuguese": 1537783200,  # not the fetch time
        "Undated": 1682899200,  # the feed's own date, not the fetch time
        "Ahead": NOW,  # never in the future
    }

"""The one URL policy (tui.core.urls), and the places that must follow it.

The rule was once written five times and the copies drifted; these tests pin
the rule itself, then check that the parser, the HTML converter and the notes
export agree with it URL for URL.
"""

from __future__ import annotations

from html import escape

import pytest

from tui.core import urls
from tui.core.convert import html_to_markdown
from tui.core.export.block import meta_line
from tui.core.export.notes import NoteExport
from tui.core.parse import parse_feed

WEB = [
    "https://example.org/a",
    "http://example.org",
    "HTTPS://EXAMPLE.ORG/caps",
    "  https://example.org/padded  ",
    "https://[::1]/v6",
]
MAIL = ["mailto:ed@example.com", "MAILTO:ed@example.com"]
NEITHER = [
    "",
    "javascript:alert(1)",
    "data:text/html,<b>x</b>",
    "file:///etc/passwd",
    "ftp://example.org/file",
    "/relative/path",
    "example.org/no-scheme",
    "http:no-host",
    "http://[::1",  # does not parse: a broken IPv6 literal
]


@pytest.mark.parametrize("url", WEB)
def test_web_urls_are_http_or_https_with_a_host(url: str) -> None:
    assert urls.is_web_url(url)
    assert urls.is_link(url)


@pytest.mark.parametrize("url", MAIL)
def test_mail_addresses_are_links_but_not_web_urls(url: str) -> None:
    assert urls.is_link(url)
    assert not urls.is_web_url(url)


@pytest.mark.parametrize("url", NEITHER)
def test_everything_else_is_neither(url: str) -> None:
    assert not urls.is_web_url(url)
    assert not urls.is_link(url)


def test_an_empty_host_is_no_host() -> None:
    assert not urls.is_web_url("https:///path")


def test_allowed_takes_split_parts_and_refuses_what_did_not_parse() -> None:
    assert urls.split("http://[::1") is None
    assert not urls.allowed(None)
    parts = urls.split("mailto:ed@example.com")
    assert urls.allowed(parts, urls.LINK_SCHEMES)
    assert not urls.allowed(parts, urls.WEB_SCHEMES)


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("/b/c", "https://example.org/a/", "https://example.org/b/c"),
        ("c", "https://example.org/a/b", "https://example.org/a/c"),
        ("//cdn.example/x.png", None, "https://cdn.example/x.png"),
        ("//cdn.example/x.png", "http://example.org/", "http://cdn.example/x.png"),
        ("https://other.example/", "https://example.org/", "https://other.example/"),
        ("mailto:ed@example.com", "https://example.org/", "mailto:ed@example.com"),
        ("/b/c", None, None),  # relative with nothing to join it to
        ("javascript:alert(1)", "https://example.org/", None),
        ("http:no-host", None, None),
        ("http://[::1", None, None),  # does not parse
        ("x", "http://[::1", None),  # nor does the base
    ],
)
def test_resolve_makes_links_absolute_then_judges_them(
    url: str, base: str | None, expected: str | None
) -> None:
    assert urls.resolve(url, base) == expected


def test_resolve_takes_the_schemes_to_allow() -> None:
    assert urls.resolve("mailto:ed@example.com", None, urls.WEB_SCHEMES) is None
    assert urls.resolve("//cdn.example/x", None, urls.WEB_SCHEMES) == "https://cdn.example/x"


def _article_link(url: str) -> str | None:
    item = f"<item><title>t</title><link>{escape(url)}</link></item>"
    body = f"<rss version='2.0'><channel><title>T</title>{item}</channel></rss>"
    (entry,) = parse_feed(body.encode(), "").entries
    return entry.url


def _exported_link(url: str) -> bool:
    note = NoteExport("u", "t", url, "Feed", None, None, (), False, "", 0)
    return "[Original article](" in meta_line(note)


@pytest.mark.parametrize("url", [u.strip() for u in WEB + MAIL + NEITHER if u.strip()])
def test_parser_converter_and_export_follow_the_one_rule(url: str) -> None:
    assert (_article_link(url) is not None) is urls.is_web_url(url)
    assert _exported_link(url) is urls.is_web_url(url)
    markdown = html_to_markdown(f'<p><a href="{escape(url)}">x</a></p>')
    assert ("](" in markdown) is urls.is_link(url)


# -- feed addresses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("feed://example.com/rss", "http://example.com/rss"),
        ("feed:https://example.com/rss", "https://example.com/rss"),
        ("feed:http://example.com/rss", "http://example.com/rss"),
        ("FEED://example.com/rss", "http://example.com/rss"),
        ("feed://https://example.com/rss", "https://example.com/rss"),
        ("example.com/feed", "https://example.com/feed"),
        ("example.com", "https://example.com"),
        ("blog.example.co.uk/rss?x=1", "https://blog.example.co.uk/rss?x=1"),
        ("localhost:8080/feed", "https://localhost:8080/feed"),
        ("192.0.2.7/rss", "https://192.0.2.7/rss"),
        ("//example.com/feed", "https://example.com/feed"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("http://example.com/a", "http://example.com/a"),
        ("file:///tmp/x.xml", "file:///tmp/x.xml"),
        ("/tmp/feed.xml", "/tmp/feed.xml"),
        ("./feeds/x.xml", "./feeds/x.xml"),
        ("~/feeds/x.xml", "~/feeds/x.xml"),
        ("feed.xml", "feed.xml"),
        ("C:\\feeds\\x.xml", "C:\\feeds\\x.xml"),
    ],
)
def test_normalise_url(raw: str, expected: str) -> None:
    assert urls.normalise_url(raw) == expected


@pytest.mark.parametrize(
    ("target", "kind"),
    [
        ("https://example.com/feed", "http"),
        ("HTTP://example.com/feed", "http"),
        ("file:///tmp/x.xml", "file"),
        ("/tmp/x.xml", "file"),
        ("feeds/x.xml", "file"),
        ("C:\\feeds\\x.xml", "file"),
        ("ftp://example.com/x.xml", "ftp"),
        ("javascript:alert(1)", "javascript"),
    ],
)
def test_target_kind_says_how_an_address_is_fetched(target: str, kind: str) -> None:
    assert urls.target_kind(target) == kind

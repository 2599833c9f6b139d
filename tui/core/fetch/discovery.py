"""Finding the feed behind what a user typed: a feed, a page announcing one, or a site.

:func:`discover` fetches (with the caller's
:class:`~tui.core.fetch.client.Fetcher`); the rest is pure.  What counts as a
feed is the refresh's own parser's call (:func:`looks_like_feed` runs
:func:`tui.core.parse.parse_feed`, whose byte sniffing lives in
:mod:`tui.core.parse.sniff`), so ``gazette add`` accepts exactly what a
refresh reads; which addresses may be fetched is :mod:`tui.core.urls`' rule.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from tui.core import urls
from tui.core.errors import FetchError, ParseError
from tui.core.models import FetchResult
from tui.core.text import EofSafeParser, clean_url, tame_html

if TYPE_CHECKING:
    from tui.core.fetch.client import Fetcher

__all__ = ["COMMON_FEED_PATHS", "FEED_LINK_TYPES", "discover", "find_feed_links", "looks_like_feed"]

#: ``type`` values of ``<link rel="alternate">`` that announce a feed.
FEED_LINK_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
    }
)

#: Paths tried, in order, on the page's origin when it announces no feed.
COMMON_FEED_PATHS = (
    "/feed",
    "/rss",
    "/rss.xml",
    "/atom.xml",
    "/feed.xml",
    "/index.xml",
    "/feed.json",
)

_MAX_HTML_SCAN = 256 * 1024  # feed links live in <head>; don't parse 20 MB of page


async def discover(
    fetcher: Fetcher, url: str, *, on_feed: Callable[[FetchResult], None] | None = None
) -> list[str]:
    """Find the feed(s) behind ``url``: a feed itself, a page announcing feeds, or a site.

    Order of attempts: the URL itself when it already is a feed; the page's
    ``<link rel="alternate">`` feeds; else the common feed paths on the same
    origin, one at a time (politeness over speed).  A redirect that was
    permanent all the way is honoured in the answer.  Returns ``[]`` when
    nothing is found.  A failure fetching ``url`` itself is raised as
    :class:`FetchError` so the user learns why; failures of the guessed
    paths are just misses.  ``on_feed`` is handed the answer when ``url``
    itself is a feed, so that subscribing to it need not download it again.
    """
    url = urls.normalise_url(url)
    result = await fetcher.fetch(url)
    body = result.body or b""
    if looks_like_feed(body, result.final_url, result.content_type):
        if on_feed is not None:
            on_feed(result)
        return [result.permanent_url or url]
    links = find_feed_links(body, result.final_url)
    if links:
        return links
    parts = urlsplit(result.final_url)
    if parts.scheme not in urls.WEB_SCHEMES:
        return []
    origin = f"{parts.scheme}://{parts.netloc}"
    for path in COMMON_FEED_PATHS:
        candidate = origin + path
        if candidate == result.final_url:
            continue
        try:
            guess = await fetcher.fetch(candidate)
        except FetchError:
            continue
        if guess.status == 200 and looks_like_feed(
            guess.body or b"", guess.final_url, guess.content_type
        ):
            return [guess.permanent_url or candidate]
    return []


def looks_like_feed(body: bytes, url: str = "", content_type: str | None = None) -> bool:
    """Whether a refresh would read ``body`` as a feed.

    The refresh's own parser decides, so ``gazette add`` accepts exactly what
    a refresh reads (a cheaper sniff of its own once refused UTF-16 feeds
    without a byte order mark).  HTML pages are turned away before the feed
    parser runs, so judging a site's home page stays cheap.
    """
    from tui.core.parse import parse_feed  # feedparser: loaded only when needed

    try:
        parse_feed(body, url, content_type)
    except ParseError:
        return False
    return True


class _FeedLinkParser(EofSafeParser, HTMLParser):
    """Collects ``<link rel="alternate" type=feed href=...>``; honours ``<base href>``.

    ``EofSafeParser`` keeps it linear on tags that never finish (see text.py).
    """

    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base_url
        self._base_seen = False
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k.lower(): (v or "").strip() for k, v in attrs}
        # A page can hide controls and escape sequences in an href (&#27;[31m).
        if "href" in attr:
            attr["href"] = clean_url(attr["href"])
        if tag == "base" and not self._base_seen and attr.get("href"):
            self._base_seen = True  # only the first <base> counts, as in browsers
            self.base = urljoin(self.base, attr["href"])
            return
        if tag != "link":
            return
        if "alternate" not in attr.get("rel", "").lower().split():
            return
        mime = attr.get("type", "").split(";")[0].strip().lower()
        href = attr.get("href", "")
        if mime in FEED_LINK_TYPES and href:
            self.links.append(href)


def find_feed_links(html: bytes | str, base_url: str) -> list[str]:
    """Feed URLs announced by an HTML page, absolute, deduplicated, in document order.

    Pure: no I/O.  Uses the stdlib ``html.parser`` because it shrugs off tag
    soup; any parser failure just ends the scan with what was found so far.
    Only the first 256 KiB are scanned (the links belong in ``<head>``), after
    :func:`~tui.core.text.tame_html` (``html.parser`` is quadratic on runs of
    unclosed tags).  Links that resolve to anything but http(s)
    (``javascript:``, ``data:``...) are dropped unless the page itself is local;
    control characters and escape sequences are removed from every href.
    """
    head = html[:_MAX_HTML_SCAN]
    text = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    parser = _FeedLinkParser(base_url)
    with contextlib.suppress(Exception):
        parser.feed(tame_html(text))
        parser.close()
    local_page = urls.target_kind(base_url) == "file"
    seen: set[str] = set()
    found: list[str] = []
    for href in parser.links:
        if href.lower().startswith("feed:"):
            link = urls.normalise_url(href)
        else:
            try:
                link = urljoin(parser.base, href)
            except ValueError:
                continue
        scheme = urlsplit(link).scheme.lower()
        allowed = scheme in urls.WEB_SCHEMES or (local_page and urls.target_kind(link) == "file")
        if allowed and link not in seen:
            seen.add(link)
            found.append(link)
    return found

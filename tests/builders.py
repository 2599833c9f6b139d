"""Builders shared by the core, UI and hostile tests (conftest modules are not importable).

One ``rss()`` here instead of a copy per test file, so a change to the feed shape the
tests need is made once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.core.models import Enclosure, ParsedEntry, ParsedFeed

if TYPE_CHECKING:  # the core tests import this module too: no Textual for them
    from tui.ui.app import GazetteApp


def rss(title: str, items: int, prefix: str = "") -> str:
    """An RSS 2.0 document with ``items`` items (guids ``title-prefix{i}``)."""
    entries = "".join(
        f"<item><title>{prefix}{title} item {i}</title><link>http://example.com/{title}/{i}</link>"
        f"<guid>{title}-{prefix}{i}</guid><pubDate>Wed, 20 Mar 2024 0{i % 10}:00:00 GMT</pubDate>"
        f"<description>Body {i}</description></item>"
        for i in range(items)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.com/</link><description>d</description>"
        f"{entries}</channel></rss>"
    )


def entry(
    key: str,
    title: str | None = None,
    *,
    url: str | None = None,
    author: str | None = None,
    published: int | None = None,
    updated: int | None = None,
    summary: str | None = None,
    content: str | None = None,
    base: str | None = None,
    enclosures: tuple[Enclosure, ...] = (),
) -> ParsedEntry:
    """A parsed entry, as the parser would hand it to the store: guid ``key``, titled
    ``key`` unless ``title`` is given, linked at ``https://example.org/{key}`` unless
    ``url`` is given; every other field is empty unless given.

    Test modules bind the fields their tests read with ``functools.partial``, so what
    each module relies on is written where it is used, and the record once."""
    return ParsedEntry(
        key=key,
        guid=key,
        url=url if url is not None else f"https://example.org/{key}",
        title=key if title is None else title,
        author=author,
        published=published,
        updated=updated,
        summary=summary,
        content=content,
        base=base,
        enclosures=enclosures,
    )


def parsed_feed(
    *entries: ParsedEntry, title: str | None = "Example", link: str | None = None
) -> ParsedFeed:
    """A parsed RSS 2.0 document holding ``entries``."""
    return ParsedFeed(kind="rss20", title=title, link=link, entries=entries)


def notifications(app: GazetteApp) -> list[str]:
    """The text of every notification the app raises from now on (install
    before ``run_test``); each must have markup off."""
    seen: list[str] = []
    original = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        assert kwargs.get("markup") is False, "notifications must not parse markup"
        seen.append(str(message))
        original(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]  # a recorder in its place
    return seen


def opened_urls(app: GazetteApp) -> list[str]:
    """The URLs the app asks to open from now on, recorded instead of opened."""
    opened: list[str] = []

    def open_url(url: str, new_tab: bool = True) -> None:
        opened.append(url)

    app.open_url = open_url  # type: ignore[method-assign]  # a recorder in its place
    return opened


def copied_texts(app: GazetteApp) -> list[str]:
    """The text the app puts on the clipboard from now on, recorded instead of copied."""
    copied: list[str] = []

    def copy_to_clipboard(text: str) -> None:
        copied.append(text)

    app.copy_to_clipboard = copy_to_clipboard  # type: ignore[method-assign]  # a recorder in its place
    return copied

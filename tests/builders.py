"""Builders shared by the core, UI and hostile tests (conftest modules are not importable).

One feed-document builder (``rss_feed`` around ``rss_item``s, ``rss`` for N plain items)
and one parsed-entry builder (``entry``) here instead of a copy per test file, so a
change to the shape the tests need is made once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from tui.cli import main
from tui.core.models import Enclosure, ParsedEntry, ParsedFeed

if TYPE_CHECKING:  # the core tests import this module too: no Textual for them
    from tui.ui.app import GazetteApp


def rss_item(
    guid: str,
    title: str,
    *,
    link: str | None = None,
    date: str | None = None,
    body: str | None = None,
) -> str:
    """One RSS ``<item>``; ``date`` is an RFC 822 date, ``body`` HTML (sent as CDATA).
    Left out, an element is not written at all."""
    parts = [f"<title>{title}</title>"]
    if link is not None:
        parts.append(f"<link>{link}</link>")
    parts.append(f"<guid>{guid}</guid>")
    if date is not None:
        parts.append(f"<pubDate>{date}</pubDate>")
    if body is not None:
        parts.append(f"<description><![CDATA[{body}]]></description>")
    return f"<item>{''.join(parts)}</item>"


def rss_feed(
    *items: str,
    title: str = "Feed",
    link: str | None = "https://example.org/",
    description: str | None = None,
) -> str:
    """An RSS 2.0 document around ``items`` (``<item>`` XML, from :func:`rss_item` or
    written by hand when a test needs an item no builder writes)."""
    channel = f"<title>{title}</title>"
    if link is not None:
        channel += f"<link>{link}</link>"
    if description is not None:
        channel += f"<description>{description}</description>"
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"{channel}{''.join(items)}</channel></rss>"
    )


def rss(title: str, items: int, prefix: str = "") -> str:
    """An RSS 2.0 document with ``items`` items (guids ``title-prefix{i}``)."""
    return rss_feed(
        *(
            rss_item(
                f"{title}-{prefix}{i}",
                f"{prefix}{title} item {i}",
                link=f"http://example.com/{title}/{i}",
                date=f"Wed, 20 Mar 2024 0{i % 10}:00:00 GMT",
                body=f"Body {i}",
            )
            for i in range(items)
        ),
        title=title,
        link="http://example.com/",
        description="d",
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


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``gazette ARGV`` in this process: (exit code, standard output, standard error)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def notifications(app: GazetteApp) -> list[str]:
    """The text of every notification the app raises from now on (install
    before ``run_test``); each must have markup off."""
    seen: list[str] = []
    _record_notifications(app, lambda message, options: seen.append(message))
    return seen


def notifications_with_options(app: GazetteApp) -> list[tuple[str, dict[str, Any]]]:
    """Like :func:`notifications`, with each call's keyword arguments (severity, timeout)."""
    seen: list[tuple[str, dict[str, Any]]] = []
    _record_notifications(app, lambda message, options: seen.append((message, options)))
    return seen


def _record_notifications(app: GazetteApp, record: Callable[[str, dict[str, Any]], None]) -> None:
    original = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        assert kwargs.get("markup") is False, "notifications must not parse markup"
        record(str(message), kwargs)
        original(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]  # a recorder in its place


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

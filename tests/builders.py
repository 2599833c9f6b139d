"""Builders shared by the core, UI and hostile tests (conftest modules are not importable).

One ``rss()`` here instead of a copy per test file, so a change to the feed shape the
tests need is made once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

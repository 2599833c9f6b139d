"""What a Google Reader server lists, as plain records (already checked)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Item", "Label", "Subscription"]


@dataclass(frozen=True, slots=True)
class Subscription:
    """A feed the account follows."""

    #: The server's stream id (``feed/1``); the key for every later request.
    stream_id: str
    title: str
    #: The feed's address ("" when the server did not say).
    url: str
    #: The site's address ("" when the server did not say).
    html_url: str
    #: The folders (category labels) it sits in.
    folders: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Label:
    """A folder of subscriptions or a label (tag) of items."""

    name: str
    is_folder: bool


@dataclass(frozen=True, slots=True)
class Item:
    """One article as the server holds it."""

    #: Canonical id (:func:`tui.core.sync.ids.canonical_item_id`).
    id: str
    #: Its subscription's stream id (``feed/1``).
    feed: str
    feed_title: str
    title: str
    #: The article's address (canonical, else alternate link; "" if none).
    url: str
    author: str
    #: Seconds since the epoch (0 when the server gave no date at all).
    published: int
    #: Seconds since the epoch, when the server gives it.
    updated: int | None
    #: The content, else the summary (HTML as the server stored it; unsanitised).
    content_html: str
    read: bool
    starred: bool
    #: Item labels: the ``user/-/label/X`` categories that are not folders.
    labels: tuple[str, ...] = ()
    #: The feed's own category words (plain strings among the categories).
    categories: tuple[str, ...] = ()

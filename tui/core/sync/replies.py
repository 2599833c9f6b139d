"""A Google Reader server's answers, checked and turned into records.

The server is not trusted: every field used is checked for its type, and
an answer that is not what the endpoint promises (an HTML error page, JSON
cut short, a list where an object belongs) raises :class:`BadReply`, which
the client words as a :class:`~tui.core.sync.errors.SyncError`.  Inside a
list, one bad entry is skipped (and counted, for items) rather than failing
the lot.  Pure: bytes and objects in, records out.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from tui.core.sync.ids import (
    LABEL_PREFIX,
    READ,
    STARRED,
    canonical_item_id,
    label_name,
    normalise_stream,
)
from tui.core.sync.records import Item, Label, Subscription

__all__ = [
    "BadReply",
    "parse_item_refs",
    "parse_items",
    "parse_json",
    "parse_labels",
    "parse_login",
    "parse_quickadd",
    "parse_subscriptions",
    "parse_token",
]

_MAX_TOKEN = 1024  # longest Auth or T token taken (FreshRSS: 57; Miniflux: ~50)
_MAX_ID = 512  # longest item or stream id taken


class BadReply(ValueError):
    """The answer is not what the endpoint promises; the message says how."""


def parse_json(body: bytes) -> dict[str, Any]:
    """The JSON object in ``body``."""
    head = body.lstrip()[:1]
    if not head:
        raise BadReply("empty answer where JSON was expected")
    if head == b"<":
        raise BadReply("an HTML page where JSON was expected")
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        raise BadReply("invalid or truncated JSON") from None
    if not isinstance(value, dict):
        raise BadReply("JSON that is not an object")
    return value


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _token_line(value: str) -> str | None:
    token = value.strip()
    if not token or len(token) > _MAX_TOKEN or not token.isprintable() or " " in token:
        return None
    return token


def parse_login(body: bytes) -> str | None:
    """The ``Auth=`` token of a ClientLogin answer (lines, or JSON), None if absent."""
    text = body.decode("utf-8", "replace")
    if text.lstrip().startswith("{"):
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            return None
        return _token_line(_text(value.get("Auth"))) if isinstance(value, dict) else None
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() == "Auth":
            return _token_line(value)
    return None


def parse_token(body: bytes) -> str:
    """The action token (``T``) of a ``token`` answer."""
    token = _token_line(body.decode("utf-8", "replace"))
    if token is None:
        raise BadReply("no usable action token")
    return token


def _id(value: object) -> str | None:
    """A usable id: a non-empty printable string of sane length (numbers accepted)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > _MAX_ID or not text.isprintable():
        return None
    return text


def _list(obj: dict[str, Any], key: str) -> list[Any]:
    value = obj.get(key)
    if not isinstance(value, list):
        raise BadReply(f"no {key!r} list in the answer")
    return value


def parse_subscriptions(obj: dict[str, Any]) -> list[Subscription]:
    """``subscription/list``: the subscriptions with a usable stream id."""
    subs: list[Subscription] = []
    for entry in _list(obj, "subscriptions"):
        if not isinstance(entry, dict):
            continue
        stream = _id(entry.get("id"))
        if stream is None:
            continue
        folders: list[str] = []
        cats = entry.get("categories")
        for cat in cats if isinstance(cats, list) else ():
            if not isinstance(cat, dict):
                continue
            name = label_name(_text(cat.get("id"))) or _text(cat.get("label")).strip()
            if name and name not in folders:
                folders.append(name)
        subs.append(
            Subscription(
                stream_id=stream,
                title=_text(entry.get("title")),
                url=_text(entry.get("url")),
                html_url=_text(entry.get("htmlUrl")),
                folders=tuple(folders),
            )
        )
    return subs


def parse_labels(obj: dict[str, Any], *, items_have_labels: bool) -> list[Label]:
    """``tag/list``: folders and labels (the state tags are left out).

    ``type`` says which (``folder`` or ``tag``, as Inoreader, FreshRSS and
    Miniflux write it); without it, a server whose items carry no labels
    has only folders, and any other is assumed to list labels.
    """
    labels: list[Label] = []
    seen: set[str] = set()
    for entry in _list(obj, "tags"):
        if not isinstance(entry, dict):
            continue
        name = label_name(_text(entry.get("id")))
        if name is None or name in seen:
            continue
        seen.add(name)
        kind = entry.get("type")
        is_folder = kind == "folder" if kind in ("folder", "tag") else not items_have_labels
        labels.append(Label(name, is_folder))
    return labels


def parse_item_refs(obj: dict[str, Any]) -> tuple[list[str], str | None]:
    """``stream/items/ids``: the canonical ids of a page and its continuation.

    ``itemRefs`` may be missing or null on an empty page (some servers omit
    empty lists); the continuation is a string or, from some servers, a
    number (Miniflux's offset); empty or zero means the end.
    """
    refs = obj.get("itemRefs")
    if refs is None:
        refs = []
    if not isinstance(refs, list):
        raise BadReply("'itemRefs' is not a list")
    ids: list[str] = []
    for ref in refs:
        item_id = _id(ref.get("id")) if isinstance(ref, dict) else None
        if item_id is not None:
            ids.append(canonical_item_id(item_id))
    cont = obj.get("continuation")
    if isinstance(cont, int) and not isinstance(cont, bool):
        cont = str(cont) if cont > 0 else None
    elif isinstance(cont, str):
        cont = cont.strip() or None
        if cont == "0":
            cont = None
    else:
        cont = None
    if cont is not None and (len(cont) > _MAX_ID or not cont.isprintable()):
        raise BadReply("an unusable continuation")
    return ids, cont


def _seconds(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 0 <= value < 1 << 40:
        return value
    if isinstance(value, float) and 0 <= value < 1 << 40:
        return int(value)
    return None


def _published(entry: dict[str, Any]) -> int:
    """``published``, else ``timestampUsec``, else ``crawlTimeMsec``, else 0."""
    seconds = _seconds(entry.get("published"))
    if seconds is not None:
        return seconds
    for key, scale in (("timestampUsec", 1_000_000), ("crawlTimeMsec", 1000)):
        value = entry.get(key)
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip()) // scale
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value // scale
    return 0


def _href(entry: dict[str, Any]) -> str:
    for key in ("canonical", "alternate"):
        links = entry.get(key)
        for link in links if isinstance(links, list) else ():
            if isinstance(link, dict):
                href = _text(link.get("href")).strip()
                if href:
                    return href
    return ""


def _html(entry: dict[str, Any]) -> str:
    for key in ("content", "summary"):
        part = entry.get(key)
        if isinstance(part, dict):
            html = _text(part.get("content"))
            if html:
                return html
    return ""


def _item(entry: object, folders: Collection[str]) -> Item | None:
    if not isinstance(entry, dict):
        return None
    item_id = _id(entry.get("id"))
    origin = entry.get("origin")
    origin = origin if isinstance(origin, dict) else {}
    feed = _id(origin.get("streamId"))
    if item_id is None or feed is None:
        return None
    read = starred = False
    labels: list[str] = []
    words: list[str] = []
    cats = entry.get("categories")
    for raw in cats if isinstance(cats, list) else ():
        if not isinstance(raw, str) or not raw.strip():
            continue
        cat = normalise_stream(raw.strip())
        if cat == READ:
            read = True
        elif cat == STARRED:
            starred = True
        elif cat.startswith(LABEL_PREFIX):
            name = label_name(cat)
            if name and name not in folders and name not in labels:
                labels.append(name)
        elif not cat.startswith("user/") and cat not in words:
            words.append(cat)
    return Item(
        id=canonical_item_id(item_id),
        feed=feed,
        feed_title=_text(origin.get("title")),
        title=_text(entry.get("title")),
        url=_href(entry),
        author=_text(entry.get("author")),
        published=_published(entry),
        updated=_seconds(entry.get("updated")),
        content_html=_html(entry),
        read=read,
        starred=starred,
        labels=tuple(labels),
        categories=tuple(words),
    )


def parse_items(obj: dict[str, Any], folders: Collection[str] = ()) -> tuple[list[Item], int]:
    """``stream/items/contents``: the usable items, and how many were skipped.

    An item is usable with an id and its feed's stream id (``origin``);
    every other field has a default.  Label categories named in ``folders``
    are the feed's folders, not item labels, and are left out of ``labels``.
    """
    items: list[Item] = []
    skipped = 0
    for entry in _list(obj, "items"):
        item = _item(entry, folders)
        if item is None:
            skipped += 1
        else:
            items.append(item)
    return items, skipped


def parse_quickadd(obj: dict[str, Any]) -> str | None:
    """``subscription/quickadd``: the new subscription's stream id, None if none found."""
    stream = _id(obj.get("streamId"))
    return stream if stream is not None and stream.startswith("feed/") else None

"""Items from a sync server made into entries, cleaned as a feed's entries are.

A server relays what feeds said, so its items get the same distrust: titles
and authors become one plain line, links are kept only when they are web
links, and the HTML body is stored as it came, to be sanitised by the
converter when it is shown, like every feed's.  Pure: no network, no storage.
"""

from __future__ import annotations

from collections.abc import Iterable

from tui.core.models import ParsedEntry
from tui.core.parse.fields import author_line, plain, storable, web_url
from tui.core.sync.records import Item
from tui.core.tags import clean_tag

#: Items' bodies are capped as a feed document is (a hostile server may send anything).
MAX_BODY = 2 * 1024 * 1024


def entry_of(item: Item, words: str | None = None) -> ParsedEntry:
    """The entry stored for ``item``; its key is the item's id, so that the
    next pull finds it whatever the server does to its link or title.
    ``words``: the words of its body (:func:`body_of`), when they were made apart."""
    url = web_url(item.url) if item.url else None
    body = body_of(item)
    return ParsedEntry(
        key=item.id,
        guid=None,
        url=url,
        title=plain(item.title or ""),
        author=author_line([plain(item.author, limit=200)]) if item.author else None,
        published=item.published,
        updated=item.updated,
        summary=None,
        content=body,
        base=url,
        words=words,
    )


def body_of(item: Item) -> str | None:
    """The HTML body stored for ``item`` (its entry's ``content``)."""
    return storable(item.content_html[:MAX_BODY]) if item.content_html else None


def label_names(names: Iterable[str], folders: Iterable[str]) -> set[str]:
    """The labels that become tags: every label that is not a folder, as a tag name."""
    skip = {f.casefold() for f in folders}
    out: set[str] = set()
    for name in names:
        if name.casefold() in skip:
            continue
        tag = clean_tag(name)
        if tag:
            out.add(tag)
    return out

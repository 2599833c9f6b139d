"""A newsboat cache row made into the entry a refresh of its feed would store (pure).

The key must be the one Gazette's parser gives the same item, so that the
next refresh finds the imported article instead of adding it again: the
item's guid (Atom id), else its link, else the parser's own content hash.
newsboat invents a guid for items without one (the link with the date text
after it, or the title with the date), so such a guid is read back as "no
guid".  Text is cleaned by the parser's own field rules; the HTML body is
stored as it is, to be sanitised and converted when shown, like any feed's.
"""

from __future__ import annotations

import re

from tui.core.importing.newsboat.cache import CachedArticle
from tui.core.models import ParsedEntry
from tui.core.parse.fields import author_line, build_entry, enclosure, plain, storable, web_url

#: What newsboat appends to a link (or title) to make a guid: a date's text.
_DATE_TAIL = re.compile(r"[^/?#=&]*\d{1,2}:\d{2}[^/?#=&]*")


def real_guid(article: CachedArticle) -> str | None:
    """The item's own guid, or None when newsboat made it up."""
    guid = article.guid.strip()
    for made_from in (article.url, article.title):
        tail = guid[len(made_from) :] if made_from and guid.startswith(made_from) else ""
        if tail and _DATE_TAIL.fullmatch(tail):
            return None
    return guid or None


def entry_of(article: CachedArticle) -> ParsedEntry | None:
    """The entry to store for a cached article (None for an empty one)."""
    link = article.url.strip() or None
    body = storable(article.content) if article.content.strip() else None
    author = plain(article.author, markup=False)
    return build_entry(
        guid=real_guid(article),
        key_link=link,
        url=web_url(link),
        title=plain(article.title, markup=False),
        author=author_line([author]) if author else None,
        published=article.published,
        updated=None,
        summary=None,
        content=body,
        base=web_url(article.base.strip() or None) or web_url(link) or None,
        enclosures=[enclosure(article.enclosure_url, article.enclosure_type, None)],
    )

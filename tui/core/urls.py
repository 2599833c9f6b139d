"""Which URLs Gazette keeps, shows as links and opens: the one URL policy.

The rule used to be written five times (the parser, the HTML converter, the
notes export, the article pane's numbered links and the "open link" action),
and the copies had drifted: ``http:page`` with no host was an article link
for the parser and not a link at all for the converter.  Now:

* a **web** URL is ``http`` or ``https`` with a host.  Only these are stored
  as article, site and enclosure links, shown as images, written as links in
  exported notes, and handed to the browser;
* a **link** (what the reader shows as a live, numbered link, and opens
  when clicked or picked by number) is a web URL or a ``mailto:`` address.
  The article's own link (``o``) must be a web URL;
* everything else (``javascript:``, ``data:``, ``file:``, relative links, and
  strings that do not parse, such as ``http://[::1``) is none of these.

A link found in a document is judged after it is made absolute
(:func:`resolve`): joined with the document's base, and a protocol-relative
``//host/path`` given ``https``.

Pure functions on strings; callers clean untrusted URLs first
(:func:`tui.core.text.clean_url`).
"""

from __future__ import annotations

from urllib.parse import SplitResult, urljoin, urlsplit

__all__ = [
    "LINK_SCHEMES",
    "WEB_SCHEMES",
    "allowed",
    "is_link",
    "is_web_url",
    "resolve",
    "split",
]

#: Schemes of pages a browser opens and pictures a terminal could fetch.
WEB_SCHEMES = frozenset({"http", "https"})
#: Schemes the reader shows as live links: the web, and mail addresses.
LINK_SCHEMES = WEB_SCHEMES | {"mailto"}


def split(url: str) -> SplitResult | None:
    """``urlsplit`` of the trimmed URL, or None when it does not parse."""
    try:
        return urlsplit(url.strip())
    except ValueError:  # e.g. "http://[::1" (a broken IPv6 literal)
        return None


def allowed(parts: SplitResult | None, schemes: frozenset[str] = LINK_SCHEMES) -> bool:
    """Whether split URL ``parts`` has one of ``schemes`` and, unless mail, a host."""
    if parts is None:
        return False
    scheme = parts.scheme.lower()
    return scheme in schemes and (scheme == "mailto" or bool(parts.netloc))


def is_web_url(url: str) -> bool:
    """An ``http(s)`` URL with a host: what is stored, exported and opened."""
    return allowed(split(url), WEB_SCHEMES)


def is_link(url: str) -> bool:
    """A web URL or a ``mailto:`` address: what the reader shows as a live link."""
    return allowed(split(url), LINK_SCHEMES)


def resolve(url: str, base: str | None, schemes: frozenset[str] = LINK_SCHEMES) -> str | None:
    """A link found in a document, made absolute, if it then has one of ``schemes``.

    Joined with ``base`` (the document's URL) when there is one; a protocol-relative
    ``//host/path`` left over takes ``https``, the scheme a reader would want to
    fetch it with.  None when it does not parse or is not allowed (:func:`allowed`).
    """
    try:
        if base:
            url = urljoin(base, url)
        if url.startswith("//"):
            url = "https:" + url
        parts = urlsplit(url)
    except ValueError:  # e.g. "http://[broken" -> Invalid IPv6 URL
        return None
    return url if allowed(parts, schemes) else None

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

What a user types, or a page announces, as a feed address is made fetchable
here too (:func:`normalise_url`: ``feed:`` URLs, bare host names, local
paths), and :func:`target_kind` says whether the result is fetched over HTTP
or read as a file: the fetcher, discovery and the facade share the rule.

Pure functions on strings (:func:`normalise_url` alone asks the file system
whether an ambiguous name is an existing file); callers clean untrusted URLs
first (:func:`tui.core.text.clean_url`).
"""

from __future__ import annotations

import os
import re
from urllib.parse import SplitResult, urljoin, urlsplit

__all__ = [
    "LINK_SCHEMES",
    "WEB_SCHEMES",
    "allowed",
    "is_link",
    "is_web_url",
    "normalise_url",
    "resolve",
    "split",
    "target_kind",
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


# -- feed addresses -------------------------------------------------------------

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_BARE_HOST = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]"
    r"(?::\d{1,5})?(?:[/?#].*)?$"
)
_BARE_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?:[/?#].*)?$")
_HOST_PORT = re.compile(r"^[A-Za-z0-9.-]+:\d{1,5}(?:[/?#].*)?$")
# A "host" ending in one of these is far more likely a file name than a domain.
_FILE_SUFFIXES = frozenset({"xml", "rss", "atom", "rdf", "json", "opml", "html", "htm", "txt"})


def normalise_url(url: str) -> str:
    """Make what a user typed or a page announced into a fetchable URL.

    ``feed://host/x`` becomes ``http://host/x``; ``feed:https://..`` drops the
    ``feed:``; a bare ``example.com/feed`` (or ``example.com:8080/x``) gets
    ``https://``; ``//host/x`` gets ``https:``.  Local paths (absolute,
    ``./`` or ``~`` relative, Windows drive paths, or existing files) and
    anything with a scheme are returned unchanged, except for surrounding
    whitespace.
    """
    s = url.strip()
    low = s.lower()
    if low.startswith("feed:"):
        rest = s[5:]
        if rest.startswith("//"):
            inner = rest[2:]
            if inner.lower().startswith(("http://", "https://")):
                return inner
            return "http:" + rest
        return normalise_url(rest)
    if s.startswith("//"):
        return "https:" + s
    if _looks_local(s):
        return s
    if _BARE_IPV4.match(s):
        return "https://" + s
    if _HOST_PORT.match(s) or (_BARE_HOST.match(s) and not _SCHEME.match(s)):
        host = re.split(r"[:/?#]", s, maxsplit=1)[0]
        if host.rpartition(".")[2].lower() not in _FILE_SUFFIXES or ":" in s:
            return "https://" + s
    return s


def _looks_local(s: str) -> bool:
    """True for strings that name a filesystem path rather than a host."""
    if not s:
        return False
    if s.startswith(("/", "./", "../", "~", "\\")) or re.match(r"^[A-Za-z]:[\\/]", s):
        return True
    if _SCHEME.match(s) and not _HOST_PORT.match(s):
        return False
    return os.path.exists(s)


def target_kind(target: str) -> str:
    """'http', 'file' or the foreign scheme name of a normalised target."""
    m = _SCHEME.match(target)
    if not m or re.match(r"^[A-Za-z]:[\\/]", target):
        return "file"  # no scheme (or a Windows drive letter): a local path
    scheme = m.group(1).lower()
    if scheme in ("http", "https"):
        return "http"
    if scheme == "file":
        return "file"
    return scheme

"""Duplicate stories: when two feeds carry the same story (issue 18).

Pure rules, no I/O: a link's canonical form (tracking parameters and
spelling differences removed), a title's normal form, and the 64-bit keys
the store indexes them by.  Two articles of different feeds are one story
when their canonical links are equal, or when their normal titles are equal
and they were published within :data:`TITLE_WINDOW` of each other.  The
store (``storage/stories.py``) does the matching in SQL over these keys.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: How far apart two same-titled articles of different feeds may be published
#: and still be one story.  Why 48 hours: an aggregator or a site's topic feed
#: repeats a story within a day or so of the original (time zones and slow
#: aggregators included), while a generic title that comes back ("Weekly
#: links", "Release notes") is a new story days later.  Links need no window:
#: the same canonical link is the same story whenever it is seen.
TITLE_WINDOW = 48 * 3600

#: A title shorter than this many words is too generic to say two articles
#: are one story ("Links", "Open thread"): such titles are never matched.
MIN_TITLE_WORDS = 3

#: Query parameters that only say where a reader came from (dropped from links).
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "spm",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ocid",
        "cmpid",
    }
)
#: Prefixes of tracking parameters (utm_source, utm_medium, ... and others' families).
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "__hs", "oly_")

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_NOT_WORD = re.compile(r"[\W_]+")


def _tracking(name: str) -> bool:
    key = name.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def canonical_link(url: str | None) -> str | None:
    """The link with what does not name the story removed; None if it is no web link.

    Lower-cased scheme and host, ``http`` and ``https`` alike, no ``www.``,
    no default port, no fragment, no trailing slash, tracking parameters
    dropped and the others sorted.  The path keeps its case (servers
    differ).  Never raises: a malformed link gives None.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if host.startswith("www."):
        host = host[4:]
    if port is not None and str(port) != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    if not parts.query:  # most links: no parameters to weigh
        return f"http://{host}{path}"
    query = urlencode(
        sorted(
            (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)
        )
    )
    # One scheme for both: a story linked over http and https is one story.
    return urlunsplit(("http", host, path, query, ""))


def title_key(title: str | None) -> str | None:
    """A title's normal form (case, accents' forms, punctuation and spacing
    folded); None when it is too short to tell stories apart."""
    if not title:
        return None
    folded = _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", title).casefold()).split()
    if len(folded) < MIN_TITLE_WORDS:
        return None
    return " ".join(folded)


def _key(text: str | None) -> int | None:
    """A signed 64-bit integer naming ``text`` (what SQLite indexes cheaply)."""
    if text is None:
        return None
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def story_keys(url: str | None, title: str | None) -> tuple[int | None, int | None]:
    """(link key, title key) of an article, as stored in ``articles.link_key``
    and ``articles.title_key``; None where the article has no usable one."""
    return _key(canonical_link(url)), _key(title_key(title))

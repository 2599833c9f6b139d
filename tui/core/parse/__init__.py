"""Feed documents (RSS 0.9x/1.0/2.0, Atom, JSON Feed) -> :class:`ParsedFeed`.

Pure and I/O free: the refresh runs :func:`parse_feed` in a process pool, so it
takes bytes and returns picklable frozen records, and the only exception that
leaves it is :class:`ParseError`, whatever the bytes.  Discovery (``gazette
add``) judges documents with :func:`parse_feed` too, so it accepts exactly
what a refresh reads.

The package, one module per concern:

* :mod:`.sniff`: what the bytes are (encoding, prolog and DOCTYPEs, JSON or
  XML, gzip), pure and free of feedparser so the fetcher uses it too;
* :mod:`.xmlfeed`: feedparser's setup and RSS/RDF/Atom entries, with
  :mod:`.saxdriver` (the expat driver it parses with) and :mod:`.speedups`
  (equivalents of feedparser's hot helpers);
* :mod:`.jsonfeed`: JSON Feed;
* :mod:`.fields`: the rules every format shares (text, URLs, enclosures,
  entry keys and assembly), and :mod:`.dates`.

The format modules are imported when first needed, not with the package:
the fetcher imports :mod:`.sniff`, and a process that only fetches (the
refresh parses in its pool) should not pay for loading feedparser.
"""

from __future__ import annotations

from tui.core.entries import prepared
from tui.core.errors import ParseError
from tui.core.models import ParsedFeed
from tui.core.parse import sniff
from tui.core.parse.fields import exception_line

__all__ = ["parse_feed"]


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Read one feed document.

    ``url`` is the final URL the body came from: relative links resolve
    against it.  ``content_type`` is the HTTP Content-Type, if any; it only
    helps to tell JSON from XML and to pick a charset.

    Raises :class:`ParseError` (and nothing else) when the bytes are not a
    feed: empty, an HTML page, plain text, JSON that is not a JSON Feed, or
    something the parser could not survive.  A feed that is merely broken
    (bad XML, truncated) is returned with what could be read and
    :attr:`ParsedFeed.warning` set.
    """
    try:
        feed = _parse(bytes(body), url or "", content_type)
        # The words only: the store's process fingerprints (see tui.core.entries).
        entries = tuple(prepared(e, version=False) for e in feed.entries)
        return ParsedFeed(feed.kind, feed.title, feed.link, entries, feed.warning)
    except ParseError:
        raise
    except (MemoryError, RecursionError) as exc:
        # "from None": the traceback of a MemoryError can pin the huge objects.
        raise ParseError(
            f"feed too large or too deeply nested to parse ({type(exc).__name__})"
        ) from None
    except Exception as exc:  # whatever feedparser or a hostile body throws
        raise ParseError(f"unreadable feed: {exception_line(exc)}") from exc


def _parse(body: bytes, url: str, content_type: str | None) -> ParsedFeed:
    """Dispatch on what the bytes are."""
    start = sniff.content_start(body)
    if not start:
        raise ParseError("not a feed: empty document")
    if sniff.is_gzip(start):
        raise ParseError("not a feed: gzip-compressed data")
    if sniff.looks_like_json(start, content_type):
        from tui.core.parse.jsonfeed import parse_json

        return parse_json(body, url)
    from tui.core.parse.xmlfeed import parse_xml

    return parse_xml(body, url, content_type)

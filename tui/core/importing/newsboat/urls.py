"""newsboat's ``urls`` file read into records (pure).

Each line is a feed URL followed by its tags.  A tag starting with ``~``
renames the feed, one starting with ``!`` hides it from newsboat's feed list
(an empty ``!`` too).  ``"query:Name:expr"`` is a query feed (a saved search);
``exec:`` and ``filter:`` feeds run programs on the user's machine, which an
import will not do, so they are listed with that reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.importing.newsboat.lines import QuotingError, Skipped, numbered_lines, tokenize


@dataclass(frozen=True, slots=True)
class UrlFeed:
    """One feed line: the URL, its tags, the name given with ``~``, hidden with ``!``."""

    url: str
    tags: tuple[str, ...] = ()
    title: str | None = None
    hidden: bool = False
    line: int = 0


@dataclass(frozen=True, slots=True)
class QueryFeed:
    """``"query:Name:expr"``: a query feed, with the tags on its line."""

    name: str
    expr: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class UrlsFile:
    feeds: tuple[UrlFeed, ...] = ()
    queries: tuple[QueryFeed, ...] = ()
    skipped: tuple[Skipped, ...] = ()


def read_urls(text: str) -> UrlsFile:
    """Every feed and query feed of a ``urls`` file, and each line left out with why."""
    feeds: list[UrlFeed] = []
    queries: list[QueryFeed] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for number, raw in numbered_lines(text):
        try:
            tokens = tokenize(raw)
        except QuotingError as exc:
            skipped.append(Skipped("urls", number, raw, str(exc)))
            continue
        if not tokens:
            continue
        first, rest = tokens[0], tokens[1:]
        kind = first.split(":", 1)[0].lower() if ":" in first else ""
        if kind == "query":
            parts = first.split(":", 2)
            if len(parts) < 3 or not parts[1].strip() or not parts[2].strip():
                skipped.append(Skipped("urls", number, raw, 'a query needs "query:Name:expr"'))
            else:
                queries.append(QueryFeed(parts[1].strip(), parts[2].strip(), number))
        elif kind in ("exec", "filter"):
            reason = f"{kind}: feeds run a program, which Gazette does not do"
            skipped.append(Skipped("urls", number, raw, reason))
        elif kind not in ("http", "https", "file"):
            skipped.append(Skipped("urls", number, raw, "not a feed URL (http, https or file)"))
        elif first in seen:
            skipped.append(Skipped("urls", number, raw, "this URL is listed twice"))
        else:
            seen.add(first)
            feeds.append(_feed(first, rest, number))
    return UrlsFile(tuple(feeds), tuple(queries), tuple(skipped))


def _feed(url: str, tags: list[str], number: int) -> UrlFeed:
    title: str | None = None
    hidden = False
    plain: list[str] = []
    for tag in tags:
        if tag.startswith("~"):
            title = tag[1:].strip() or title
        elif tag.startswith("!"):
            hidden = True
        elif tag.strip():
            plain.append(tag)
    return UrlFeed(url, tuple(plain), title, hidden, number)

"""What an import from newsboat would create, decided before anything is written (pure).

:func:`make_plan` joins what the three files say: the feeds of ``urls`` with
their tags, names and hiding; query feeds as saved searches; the rules of
``config``; the cached articles of those feeds (matched by feed URL) with
their read state and flags.  The facade writes a plan (or, for a dry run,
only counts it), so a dry run and an import report the same lines.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from tui.core.importing.drafts import RuleDraft
from tui.core.importing.newsboat.cache import Cache
from tui.core.importing.newsboat.config import ConfigFile
from tui.core.importing.newsboat.entries import entry_of
from tui.core.importing.newsboat.filters import flag_filter, translate
from tui.core.importing.newsboat.lines import Skipped
from tui.core.importing.newsboat.urls import UrlsFile
from tui.core.models import ParsedEntry
from tui.core.query.parse import parse_query
from tui.core.tags import clean_tag
from tui.core.wording import plural

#: Where hidden feeds (``!``) go: Gazette cannot hide a feed, but a folder
#: keeps them together and out of the way (collapse it), their articles still
#: in All and in searches, as newsboat's hidden feeds still feed its queries.
HIDDEN_FOLDER = "Hidden"


@dataclass(frozen=True, slots=True)
class PlannedFeed:
    """A feed to subscribe to (or, when subscribed already, to tag)."""

    url: str
    title: str | None  # the feed's own title, from the cache
    name: str | None  # the name given with "~", kept over refreshes
    tags: tuple[str, ...]
    folder: str | None


@dataclass(frozen=True, slots=True)
class PlannedArticle:
    """A cached article: its entry, and the state newsboat kept for it."""

    entry: ParsedEntry
    read: bool
    starred: bool
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    feeds: tuple[PlannedFeed, ...] = ()
    articles: dict[str, tuple[PlannedArticle, ...]] = field(default_factory=dict)
    #: Keys of the articles deleted in newsboat, by feed URL: they stay out.
    removed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    searches: tuple[tuple[str, str], ...] = ()
    rules: tuple[RuleDraft, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    problems: tuple[str, ...] = ()


def flag_state(flags: str, star_flags: str = "s") -> tuple[bool, tuple[str, ...]]:
    """(starred, tags) for newsboat's flag letters: ``flag-X`` per other letter."""
    letters = [c for c in dict.fromkeys(flags) if c.isalpha()]
    starred = any(c in star_flags for c in letters)
    tags = tuple(
        flag_filter(c, star_flags).removeprefix("tag:") for c in letters if c not in star_flags
    )
    return starred, tags


def make_plan(
    urls: UrlsFile | None,
    config: ConfigFile | None,
    cache: Cache | None,
    *,
    star_flags: str = "s",
) -> Plan:
    """The plan for what was read (None: that file was not read)."""
    skipped: list[Skipped] = []
    feeds: list[PlannedFeed] = []
    searches: list[tuple[str, str]] = []
    titles = cache.titles if cache else {}
    if urls is not None:
        skipped += urls.skipped
        for f in urls.feeds:
            tags = tuple(t for t in (clean_tag(t) for t in f.tags) if t)
            folder = HIDDEN_FOLDER if f.hidden else None
            feeds.append(PlannedFeed(f.url, titles.get(f.url) or None, f.title, tags, folder))
        for q in urls.queries:
            done = translate(q.expr, star_flags=star_flags)
            error = done.problem or (parse_query(done.query or "").error if done.query else None)
            if done.problem or not done.query:
                skipped.append(Skipped("urls", q.line, f"query:{q.name}:{q.expr}", str(error)))
            elif error:
                reason = f"Gazette's search refuses {done.query}: {error}"
                skipped.append(Skipped("urls", q.line, f"query:{q.name}:{q.expr}", reason))
            else:
                searches.append((q.name, done.query))
    rules: list[RuleDraft] = []
    if config is not None:
        rules = [draft for _line, draft in config.rules]
        skipped += config.skipped
    articles, removed, orphans = _articles(cache, {f.url for f in feeds}, star_flags)
    problems = list(cache.problems) if cache else []
    if orphans:
        problems.append(f"cache: {plural(orphans, 'article')} of feeds not in urls: not imported")
    order = {"urls": 0, "config": 1}
    skipped.sort(key=lambda s: (order.get(s.source, 2), s.line))
    return Plan(
        tuple(feeds),
        articles,
        removed,
        tuple(searches),
        tuple(rules),
        tuple(skipped),
        tuple(problems),
    )


def _articles(
    cache: Cache | None, feed_urls: set[str], star_flags: str
) -> tuple[dict[str, tuple[PlannedArticle, ...]], dict[str, tuple[str, ...]], int]:
    """Articles by feed URL, deleted articles' keys by feed URL, and how many
    articles belong to no feed of ``urls``."""
    if cache is None:
        return {}, {}, 0
    by_feed: dict[str, list[PlannedArticle]] = defaultdict(list)
    removed: dict[str, list[str]] = defaultdict(list)
    orphans = 0
    for row in cache.articles:
        if row.feed_url not in feed_urls:
            orphans += 1
            continue
        entry = entry_of(row)
        if entry is None:
            continue
        if row.deleted:
            removed[row.feed_url].append(entry.key)
            continue
        starred, tags = flag_state(row.flags, star_flags)
        by_feed[row.feed_url].append(PlannedArticle(entry, not row.unread, starred, tags))
    return (
        {url: tuple(items) for url, items in by_feed.items()},
        {url: tuple(keys) for url, keys in removed.items()},
        orphans,
    )

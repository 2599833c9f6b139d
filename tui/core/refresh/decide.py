"""What a refresh decides, as pure functions: no SQLite, no HTTP, no clock.

The pipeline (and the Library's scheduling and retention verbs) gather the
facts, call these, and carry out the answer; so every rule here is tested
with plain values, the way lemon24/reader's ``Decider`` is.  The header
arithmetic itself lives in :mod:`tui.core.refresh.schedule`.  Which entries
of a document are new, changed or forgotten is decided the same way, by
:func:`tui.core.entries.entry_changes`: it sits below the store, which
applies it in the feed's transaction and imports nothing of the refresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tui.core.models import FeedSettings
from tui.core.refresh import schedule

#: (feed id, last fetched, gone, settings JSON): a feed as scheduling sees it.
FeedState = tuple[int, int | None, bool, Mapping[str, Any]]


def keeps_server_limit(status: int | None, headers: Mapping[str, str]) -> bool:
    """Whether an answer leaves the stored "not before" time as it is.

    A 304 updates only the headers it carries (RFC 9111 4.3.4): one without
    Cache-Control or Expires says nothing new about freshness.
    """
    return status == 304 and "cache-control" not in headers and "expires" not in headers


def server_limit(status: int | None, headers: Mapping[str, str], now: int) -> int | None:
    """The time to store as the earliest next fetch the server allows (None: none)."""
    return schedule.server_not_before(headers, status, now)


def move_to(feed_url: str, permanent_url: str | None) -> str | None:
    """The URL a feed should move to after a fetch, or None to stay.

    ``permanent_url`` is set by the fetcher only when every hop was
    permanent (301/308); a temporary hop (302/307) anywhere leaves it None,
    so the feed keeps its URL.  Whether another feed already has that URL is
    the store's to say.
    """
    return permanent_url if permanent_url and permanent_url != feed_url else None


def due(feeds: Iterable[FeedState], default_interval_minutes: int, now: int) -> list[int]:
    """Ids of the feeds auto-refresh should fetch now, most overdue first.

    Each feed's interval is its own setting, else the default (0: off); gone
    feeds are never due; see :func:`schedule.next_due` for the jitter and the
    server's limit.
    """
    ready: list[tuple[int, int]] = []
    for feed_id, last_fetched, gone, data in feeds:
        if gone:
            continue
        interval = FeedSettings.from_json(data).interval_s(default_interval_minutes)
        when = schedule.next_due(
            last_fetched,
            interval,
            schedule.stored_not_before(data),
            now,
            schedule.feed_rng(feed_id, last_fetched),
        )
        if when is not None and when <= now:
            ready.append((when, feed_id))
    return [feed_id for _when, feed_id in sorted(ready)]


@dataclass(frozen=True, slots=True)
class RetentionRule:
    """Which read articles may go: older than ``older_than`` (None: any age
    is kept) and beyond the newest ``max_per_feed`` (0: no limit)."""

    older_than: int | None
    max_per_feed: int


def retention_rule(keep_read_days: int, max_per_feed: int, now: int) -> RetentionRule:
    """The rule for these settings (``keep_read_days`` 0: keep forever)."""
    older = now - keep_read_days * 86400 if keep_read_days > 0 else None
    return RetentionRule(older, max_per_feed)


def own_retention(
    feeds: Iterable[FeedState], keep_read_days: int, max_per_feed: int, now: int
) -> dict[int, RetentionRule]:
    """The feeds with retention settings of their own, and their rules (a
    setting they leave unset falls back to the config's)."""
    own: dict[int, RetentionRule] = {}
    for feed_id, _last, _gone, data in feeds:
        fs = FeedSettings.from_json(data)
        if fs.keep_read_days is None and fs.max_per_feed is None:
            continue
        days = keep_read_days if fs.keep_read_days is None else fs.keep_read_days
        most = max_per_feed if fs.max_per_feed is None else fs.max_per_feed
        own[feed_id] = retention_rule(days, most, now)
    return own


def retained_away(
    by_config: Iterable[int],
    feed_of: Mapping[int, int],
    by_own_rules: Iterable[int],
    own_feeds: Iterable[int],
) -> list[int]:
    """What cleanup removes, sorted: the config's candidates except those of
    feeds with their own rules (``feed_of`` maps article to feed), plus the
    candidates of those feeds' own rules."""
    exempt = set(own_feeds)
    ids = {i for i in by_config if feed_of.get(i) not in exempt}
    ids.update(by_own_rules)
    return sorted(ids)

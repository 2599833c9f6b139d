"""When a feed may, and should, be fetched next: pure functions, no I/O.

Two questions are kept apart on purpose:

* **What the server allows** (``server_not_before``): from the last
  response's ``Cache-Control: max-age`` (minus ``Age``), else ``Expires``
  (measured against the server's own ``Date`` so clock skew does not
  matter), and ``Retry-After`` on 429/503.  The result is an absolute time
  stored per feed; auto-refresh never fetches before it.
* **What the user wants** (``next_due``): the feed's interval (its own
  setting, else the config's), spread by ±10 % jitter so that feeds added
  together do not all refresh in the same minute forever.

Both take ``now`` and the random source as arguments, so tests pin them.
The per-feed settings they read (:class:`~tui.core.models.FeedSettings`,
kept in the ``feeds.settings`` JSON column) are a public record, read
from that column in :mod:`tui.core.models`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any

from tui.core.models import NOT_BEFORE, settings_count

#: Auto-refresh never fetches one feed more often than this, whatever the settings say.
MIN_INTERVAL_S = 60
#: A server cannot push the next fetch further out than this (a bogus
#: ``Expires: 2099`` or ``max-age=1e9`` would otherwise silence a feed for good).
MAX_SERVER_DELAY_S = 7 * 86400
#: Jitter applied to the interval: the next fetch is interval × (1 ± JITTER).
JITTER = 0.10
#: Statuses whose ``Retry-After`` is honoured (too many requests, unavailable).
RETRY_STATUSES = frozenset({429, 503})

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)\"?\s*(?:,|$)", re.IGNORECASE)
_NO_STORE = re.compile(r"(?:^|,)\s*(?:no-store|no-cache)\s*(?:[,=]|$)", re.IGNORECASE)


def parse_http_date(value: str | None) -> int | None:
    """An HTTP date (RFC 9110, also the obsolete forms) as epoch seconds, or None."""
    if not value or not value.strip():
        return None
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return int(when.timestamp())
    except (OverflowError, OSError, ValueError):
        return None


def max_age(cache_control: str | None) -> int | None:
    """Seconds from ``Cache-Control: max-age=N`` (None when absent or unusable).

    ``no-cache``/``no-store`` mean "do not reuse", not "do not come back", so
    they impose no wait.  ``s-maxage`` is for shared caches and is ignored.
    """
    if not cache_control or _NO_STORE.search(cache_control):
        return None
    match = _MAX_AGE.search(cache_control)
    return int(match.group(1)) if match else None


def retry_after(value: str | None, now: int) -> int | None:
    """``Retry-After`` (delay seconds or an HTTP date) as an absolute time, or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return now + int(value)
    return parse_http_date(value)


def server_not_before(headers: Mapping[str, str], status: int | None, now: int) -> int | None:
    """The earliest time the server wants this feed fetched again, or None.

    ``headers`` are the last response's, with lowercase names.  Freshness
    (max-age, else Expires) counts only for responses that carried the feed
    (2xx, 304); ``Retry-After`` only for 429 and 503.  Anything further out
    than ``MAX_SERVER_DELAY_S`` is clipped to it, and a time not after
    ``now`` means no constraint (None).
    """
    limits: list[int] = []
    if status is not None and (200 <= status < 300 or status == 304):
        age_s = max_age(headers.get("cache-control"))
        if age_s is not None:
            age_header = (headers.get("age") or "").strip()
            already = int(age_header) if age_header.isdigit() else 0
            limits.append(now + age_s - already)
        elif not _NO_STORE.search(headers.get("cache-control") or ""):
            expires = parse_http_date(headers.get("expires"))
            if expires is not None:
                served = parse_http_date(headers.get("date"))
                limits.append(now + (expires - served) if served is not None else expires)
    if status in RETRY_STATUSES:
        after = retry_after(headers.get("retry-after"), now)
        if after is not None:
            limits.append(after)
    if not limits:
        return None
    limit = min(max(limits), now + MAX_SERVER_DELAY_S)
    return limit if limit > now else None


def next_due(
    last_fetched: int | None,
    interval_s: int,
    not_before: int | None,
    now: int,
    rng: random.Random,
    *,
    jitter: float = JITTER,
    min_interval_s: int = MIN_INTERVAL_S,
) -> int | None:
    """When auto-refresh should fetch a feed next (epoch seconds); None: never.

    ``interval_s <= 0`` turns auto-refresh off for the feed.  A feed never
    fetched is due ``now``; otherwise ``last_fetched`` plus the interval
    spread by ``rng`` within ±``jitter`` and floored at ``min_interval_s``.
    The server's ``not_before`` always wins over an earlier due time: the
    jitter only ever moves a fetch within what the server allows.
    """
    if interval_s <= 0:
        return None
    if last_fetched is None:
        due = now
    else:
        spread = rng.uniform(-jitter, jitter) if jitter > 0 else 0.0
        due = last_fetched + max(min_interval_s, round(interval_s * (1 + spread)))
    if not_before is not None:
        due = max(due, not_before)
    return due


def feed_rng(feed_id: int, last_fetched: int | None) -> random.Random:
    """The jitter source for one feed until its next fetch.

    Why seeded: the app asks "is it due?" every minute; a fresh random draw
    each time would make an early fetch ever more likely (the minimum of many
    draws).  Seeding with the feed and its last fetch gives one stable due
    time per fetch that still differs between feeds.
    """
    return random.Random(f"{feed_id}:{last_fetched}")


def stored_not_before(data: Mapping[str, Any]) -> int | None:
    """The server's limit as stored in the settings JSON (None if absent or odd)."""
    return settings_count(data.get(NOT_BEFORE))

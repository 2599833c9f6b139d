"""When feeds are due: the pure rules (schedule.py) and the Library around them.

The rules: interval ±10 % jitter, a one-minute floor, the server's
max-age/Expires/Retry-After as a hard "not before", and a cap on how far a
server can push the next fetch.  Then, against the loopback server, that a
refresh records the server's limit and ``due_feeds`` honours it.
"""

from __future__ import annotations

import random
from email.utils import formatdate

import pytest
from builders import rss
from feedserver import FeedServer

from tui.core.library import Library
from tui.core.models import FeedSettings
from tui.core.refresh import schedule
from tui.core.refresh.schedule import (
    MAX_SERVER_DELAY_S,
    MIN_INTERVAL_S,
    next_due,
    server_not_before,
)

NOW = 1_710_000_000


def http_date(ts: int) -> str:
    return formatdate(ts, usegmt=True)


# -- what the server allows ------------------------------------------------------------


def test_max_age_sets_not_before() -> None:
    assert server_not_before({"cache-control": "public, max-age=3600"}, 200, NOW) == NOW + 3600


def test_max_age_counts_the_age_already_spent_in_caches() -> None:
    headers = {"cache-control": "max-age=600", "age": "100"}
    assert server_not_before(headers, 200, NOW) == NOW + 500


def test_max_age_also_applies_to_a_304() -> None:
    assert server_not_before({"cache-control": "max-age=60"}, 304, NOW) == NOW + 60


def test_no_cache_and_no_store_impose_no_wait() -> None:
    assert server_not_before({"cache-control": "no-cache"}, 200, NOW) is None
    assert server_not_before({"cache-control": "no-store, max-age=600"}, 200, NOW) is None


def test_max_age_wins_over_expires() -> None:
    headers = {"cache-control": "max-age=60", "expires": http_date(NOW + 7200)}
    assert server_not_before(headers, 200, NOW) == NOW + 60


def test_expires_is_measured_against_the_servers_date() -> None:
    # The server's clock is an hour ahead; what counts is "30 minutes from now".
    headers = {"date": http_date(NOW + 3600), "expires": http_date(NOW + 3600 + 1800)}
    assert server_not_before(headers, 200, NOW) == NOW + 1800


def test_expires_without_date_is_absolute() -> None:
    assert server_not_before({"expires": http_date(NOW + 900)}, 200, NOW) == NOW + 900


@pytest.mark.parametrize("value", ["0", "-1", "yesterday", "", http_date(NOW - 60)])
def test_expired_or_invalid_expires_means_no_wait(value: str) -> None:
    assert server_not_before({"expires": value}, 200, NOW) is None


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_seconds_on_429_and_503(status: int) -> None:
    assert server_not_before({"retry-after": "120"}, status, NOW) == NOW + 120


def test_retry_after_as_a_date() -> None:
    headers = {"retry-after": http_date(NOW + 5000)}
    assert server_not_before(headers, 503, NOW) == NOW + 5000


def test_retry_after_is_ignored_on_other_statuses_and_max_age_on_errors() -> None:
    assert server_not_before({"retry-after": "120"}, 200, NOW) is None
    assert server_not_before({"retry-after": "120"}, 500, NOW) is None
    assert server_not_before({"cache-control": "max-age=600"}, 500, NOW) is None


def test_a_server_cannot_silence_a_feed_for_more_than_a_week() -> None:
    far = {"cache-control": "max-age=999999999"}
    assert server_not_before(far, 200, NOW) == NOW + MAX_SERVER_DELAY_S
    assert server_not_before({"retry-after": "99999999"}, 429, NOW) == NOW + MAX_SERVER_DELAY_S


# -- when the user wants it ---------------------------------------------------------------


def test_jitter_stays_within_ten_percent_and_spreads() -> None:
    rng = random.Random(42)
    interval = 3600
    dues = [next_due(NOW, interval, None, NOW, rng) for _ in range(2000)]
    offsets = [d - NOW for d in dues if d is not None]
    assert min(offsets) >= 3240 and max(offsets) <= 3960
    assert max(offsets) - min(offsets) > 600  # it really spreads


def test_seeded_jitter_is_stable_between_checks_and_differs_between_feeds() -> None:
    a = next_due(NOW, 3600, None, NOW, schedule.feed_rng(1, NOW))
    again = next_due(NOW, 3600, None, NOW + 600, schedule.feed_rng(1, NOW))
    other = next_due(NOW, 3600, None, NOW, schedule.feed_rng(2, NOW))
    assert a == again and a != other


def test_never_fetched_is_due_now_and_zero_interval_is_off() -> None:
    rng = random.Random(1)
    assert next_due(None, 3600, None, NOW, rng) == NOW
    assert next_due(NOW - 10**6, 0, None, NOW, rng) is None


def test_minimum_interval_floor() -> None:
    rng = random.Random(1)
    due = next_due(NOW, 1, None, NOW, rng)
    assert due == NOW + MIN_INTERVAL_S


def test_server_limit_wins_over_an_earlier_due_time() -> None:
    rng = random.Random(1)
    assert next_due(NOW, 600, NOW + 7200, NOW, rng) == NOW + 7200
    # ...and a never-fetched feed still waits for it
    assert next_due(None, 600, NOW + 300, NOW, rng) == NOW + 300


def test_feed_settings_read_leniently() -> None:
    odd = {"user_title": "  ", "refresh_minutes": -5, "keep_read_days": "7", "max_per_feed": True}
    assert FeedSettings.from_json(odd) == FeedSettings()
    good = {"user_title": "Mine", "refresh_minutes": 0, "keep_read_days": 3, "max_per_feed": 9}
    fs = FeedSettings.from_json(good)
    assert fs == FeedSettings("Mine", 0, 3, 9)
    assert fs.interval_s(60) == 0 and FeedSettings().interval_s(15) == 900


# -- the Library: record the server's limit, then honour it ----------------------------


@pytest.fixture
def lib(lib: Library) -> Library:
    """The shared library on a fixed clock."""
    lib.clock = lambda: NOW
    return lib


def test_refresh_records_max_age_and_due_feeds_waits_for_it(
    lib: Library, feed_server: FeedServer
) -> None:
    library = lib
    # Always a 200 with max-age (the fixture server's 304s carry no Cache-Control).
    body = rss("A", 2).encode()
    feed_server.route(
        "/a.xml",
        lambda h: h.send_plain(
            200, body, {"Content-Type": "application/rss+xml", "Cache-Control": "max-age=7200"}
        ),
    )
    feed_server.page("/b.xml", rss("B", 2))
    a, _ = library.add_feed(feed_server.url("/a.xml"))
    b, _ = library.add_feed(feed_server.url("/b.xml"))
    library.refresh()
    assert library.store.feed_settings(a.id)["not_before"] == NOW + 7200
    assert "not_before" not in library.store.feed_settings(b.id)
    # 30-minute interval: after 40 minutes B is due, A (max-age 2 h) is not.
    assert library.due_feeds(30, now=NOW + 40 * 60) == [b.id]
    assert set(library.due_feeds(30, now=NOW + 7200)) == {a.id, b.id}
    assert library.due_feeds(0, now=NOW + 10**6) == []


def test_a_304_without_cache_headers_keeps_the_stored_limit(
    lib: Library, feed_server: FeedServer
) -> None:
    library = lib
    feed_server.page("/a.xml", rss("A", 1))
    a, _ = library.add_feed(feed_server.url("/a.xml"))
    library.store.record_cache_headers(a.id, NOW + 900)
    library.refresh()  # the fixture server answers 304 with validators only
    assert feed_server.last_request("/a.xml").status == 304
    assert library.store.feed_settings(a.id)["not_before"] == NOW + 900


def test_retry_after_on_429_is_recorded(lib: Library, feed_server: FeedServer) -> None:
    library = lib
    feed_server.page("/a.xml", rss("A", 1))
    a, _ = library.add_feed(feed_server.url("/a.xml"))
    feed_server.status("/a.xml", 429, headers={"Retry-After": "3600"})
    summary = library.refresh()
    assert summary.failed
    assert library.store.feed_settings(a.id)["not_before"] == NOW + 3600
    assert library.due_feeds(1, now=NOW + 600) == []
    assert library.due_feeds(1, now=NOW + 3600) == [a.id]


def test_per_feed_interval_and_off(lib: Library, feed_server: FeedServer) -> None:
    library = lib
    feed_server.page("/a.xml", rss("A", 1))
    feed_server.page("/b.xml", rss("B", 1))
    a, _ = library.add_feed(feed_server.url("/a.xml"))
    b, _ = library.add_feed(feed_server.url("/b.xml"))
    library.set_feed_settings(a.id, FeedSettings(refresh_minutes=5))
    library.set_feed_settings(b.id, FeedSettings(refresh_minutes=0))
    assert library.due_feeds(60, now=NOW + 6 * 60) == [a.id]
    assert library.due_feeds(60, now=NOW + 10**5) == [a.id]


def test_user_title_survives_refresh_and_clearing_restores_the_feeds(
    lib: Library, feed_server: FeedServer
) -> None:
    library = lib
    feed_server.page("/a.xml", rss("Original", 1))
    a, _ = library.add_feed(feed_server.url("/a.xml"))
    feed = library.set_feed_settings(a.id, FeedSettings(title="My [title]"))
    assert feed.title == "My [title]"
    library.refresh()
    assert library.store.feed(a.id).title == "My [title]"
    assert library.articles()[0].feed_title == "My [title]"
    assert library.feed_settings(a.id).title == "My [title]"
    assert library.set_feed_settings(a.id, FeedSettings()).title == "Original"


def test_per_feed_retention_overrides_the_config(lib: Library, feed_server: FeedServer) -> None:
    library = lib
    feed_server.page("/a.xml", rss("A", 5))
    feed_server.page("/b.xml", rss("B", 5))
    a, _ = library.add_feed(feed_server.url("/a.xml"))
    library.add_feed(feed_server.url("/b.xml"))
    library.set_read([x.id for x in library.articles()], True)
    library.set_feed_settings(a.id, FeedSettings(max_per_feed=0))  # no limit for A
    removed = library.cleanup(keep_read_days=0, max_per_feed=2, dry_run=True)
    assert len(removed) == 3  # only B's three oldest
    library.set_feed_settings(a.id, FeedSettings(max_per_feed=1))
    assert len(library.cleanup(keep_read_days=0, max_per_feed=2, dry_run=True)) == 4 + 3

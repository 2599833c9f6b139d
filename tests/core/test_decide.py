"""The refresh's decisions (refresh/decide.py), with plain values: no SQLite, no HTTP."""

from __future__ import annotations

from typing import Any

from tui.core.refresh import decide
from tui.core.refresh.decide import RetentionRule

NOW = 1_800_000_000
DAY = 86400


def settings(**values: Any) -> dict[str, Any]:
    return values


# -- what the server allows next ------------------------------------------------------


def test_a_bare_304_keeps_the_stored_limit() -> None:
    assert decide.keeps_server_limit(304, {})
    assert decide.keeps_server_limit(304, {"etag": '"x"', "date": "whenever"})


def test_a_304_with_freshness_headers_replaces_it() -> None:
    assert not decide.keeps_server_limit(304, {"cache-control": "max-age=60"})
    assert not decide.keeps_server_limit(304, {"expires": "Tue, 03 Mar 2026 10:00:00 GMT"})
    assert decide.server_limit(304, {"cache-control": "max-age=60"}, NOW) == NOW + 60


def test_any_other_answer_replaces_it_even_with_no_limit() -> None:
    for status in (200, 429, 500, None):
        assert not decide.keeps_server_limit(status, {})
    assert decide.server_limit(200, {}, NOW) is None
    assert decide.server_limit(503, {"retry-after": "120"}, NOW) == NOW + 120
    assert decide.server_limit(500, {"retry-after": "120"}, NOW) is None


# -- whether to follow a move -----------------------------------------------------------


def test_a_permanent_move_to_another_url_is_followed() -> None:
    assert decide.move_to("http://a/feed", "https://a/feed") == "https://a/feed"


def test_no_permanent_url_or_the_same_one_stays() -> None:
    # The fetcher sets permanent_url only when every hop was 301/308: a 302
    # or 307 anywhere in the chain arrives here as None.
    assert decide.move_to("http://a/feed", None) is None
    assert decide.move_to("http://a/feed", "") is None
    assert decide.move_to("http://a/feed", "http://a/feed") is None


# -- what is due ------------------------------------------------------------------------


def test_never_fetched_feeds_are_due_and_gone_ones_never() -> None:
    feeds: list[decide.FeedState] = [(1, None, False, {}), (2, None, True, {})]
    assert decide.due(feeds, 60, NOW) == [1]


def test_due_feeds_come_most_overdue_first() -> None:
    feeds: list[decide.FeedState] = [
        (1, NOW - 2 * 3600, False, {}),  # due about an hour ago
        (2, NOW - 5 * 3600, False, {}),  # due about four hours ago
        (3, NOW - 60, False, {}),  # fetched a minute ago: not due
    ]
    assert decide.due(feeds, 60, NOW) == [2, 1]


def test_own_interval_off_and_server_limit_are_honoured() -> None:
    old = NOW - 10 * 3600
    feeds: list[decide.FeedState] = [
        (1, old, False, settings(refresh_minutes=0)),  # off for this feed
        (2, old, False, settings(not_before=NOW + 600)),  # the server said wait
        (3, old, False, settings(refresh_minutes=24 * 60)),  # once a day
        (4, old, False, {}),
    ]
    assert decide.due(feeds, 60, NOW) == [4]
    assert decide.due(feeds, 0, NOW) == []  # auto-refresh off in the config


# -- what retention removes ----------------------------------------------------------------


def test_retention_rule_from_the_config() -> None:
    assert decide.retention_rule(30, 100, NOW) == RetentionRule(NOW - 30 * DAY, 100)
    assert decide.retention_rule(0, 0, NOW) == RetentionRule(None, 0)  # keep everything


def test_feeds_with_their_own_retention_fall_back_per_setting() -> None:
    feeds: list[decide.FeedState] = [
        (1, None, False, {}),
        (2, None, False, settings(keep_read_days=0)),
        (3, None, False, settings(max_per_feed=5)),
        (4, None, False, settings(refresh_minutes=5)),  # not a retention setting
    ]
    assert decide.own_retention(feeds, 30, 100, NOW) == {
        2: RetentionRule(None, 100),
        3: RetentionRule(NOW - 30 * DAY, 5),
    }


def test_feeds_with_own_rules_are_judged_by_them_only() -> None:
    by_config = [10, 11, 20, 30]
    feed_of = {10: 1, 11: 1, 20: 2, 30: 3}
    # feed 2 keeps everything (own rule: no candidates); feed 3's own rule picks 31
    assert decide.retained_away(by_config, feed_of, [31], [2, 3]) == [10, 11, 31]
    assert decide.retained_away([5, 3], {}, [], []) == [3, 5]

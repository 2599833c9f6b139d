"""Item ids, streams, dialects and Retry-After: the pure parts of sync."""

from __future__ import annotations

import pytest

from tui.core.sync.dialects import (
    BAZQUX,
    FRESHRSS,
    INOREADER,
    MINIFLUX,
    OLD_READER,
    api_root,
    dialect_named,
    guess_dialect,
)
from tui.core.sync.errors import MAX_RETRY_AFTER, retry_after_seconds
from tui.core.sync.ids import (
    canonical_item_id,
    label_name,
    label_stream,
    long_item_id,
    normalise_stream,
)

LONG = "tag:google.com,2005:reader/item/"


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        (LONG + "000662163d59f63b", "1796697518372411"),  # FreshRSS: contents give long ids
        ("1796697518372411", "1796697518372411"),  # ...and ids give short ones
        (LONG + "5d0cfa30041d4348", "6705009029382226760"),  # Google's own examples
        (LONG + "024025978b5e50d2", "162170919393841362"),
        (LONG + "fb115bd6d34a8e9f", "-355401917359550817"),  # signed short form
        (LONG + "FB115BD6D34A8E9F", "-355401917359550817"),
        ("18091342156350000799", "-355401917359550817"),  # unsigned decimal folded
        ("-355401917359550817", "-355401917359550817"),
        ("0042", "42"),
        (" 42 ", "42"),
        ("5f3c1a9e0b7d2c4e6f8a1b3c", "5f3c1a9e0b7d2c4e6f8a1b3c"),  # The Old Reader: opaque
        (LONG + "910533068485", LONG + "910533068485"),  # not 16 hex digits: opaque
        ("99999999999999999999", "99999999999999999999"),  # past 64 bits: opaque
        ("", ""),
    ],
)
def test_canonical_item_id(given: str, canonical: str) -> None:
    assert canonical_item_id(given) == canonical


@pytest.mark.parametrize(
    ("given", "long"),
    [
        ("1796697518372411", LONG + "000662163d59f63b"),
        ("-355401917359550817", LONG + "fb115bd6d34a8e9f"),
        ("31", LONG + "000000000000001f"),
        (LONG + "00000000000000AB", LONG + "00000000000000ab"),
        ("5f3c1a9e0b7d2c4e6f8a1b3c", "5f3c1a9e0b7d2c4e6f8a1b3c"),
    ],
)
def test_long_item_id(given: str, long: str) -> None:
    assert long_item_id(given) == long


def test_the_two_forms_go_round() -> None:
    for n in ("0", "1", "1796697518372411", "-1", str(2**63 - 1), str(-(2**63))):
        assert canonical_item_id(long_item_id(n)) == n


def test_streams_of_a_numbered_user_are_the_own_user() -> None:
    assert normalise_stream("user/1/state/com.google/read") == "user/-/state/com.google/read"
    assert normalise_stream("user/-/label/Tech") == "user/-/label/Tech"
    assert normalise_stream("feed/1") == "feed/1"
    assert label_name("user/42/label/Tech") == "Tech"
    assert label_name("user/-/label/") is None
    assert label_name("user/-/state/com.google/starred") is None
    assert label_stream("A b") == "user/-/label/A b"


def test_dialects_by_name() -> None:
    assert dialect_named("FreshRSS") is FRESHRSS
    assert dialect_named("the old reader") is OLD_READER
    assert dialect_named("miniflux") is MINIFLUX
    with pytest.raises(ValueError, match="known: freshrss"):
        dialect_named("feedly")


@pytest.mark.parametrize(
    ("url", "dialect"),
    [
        ("http://127.0.0.1:8080/api/greader.php", FRESHRSS),
        ("https://rss.example.org/freshrss/p/api/greader.php/reader/api/0", FRESHRSS),
        ("https://miniflux.example.org/reader/api/0", MINIFLUX),
        ("https://example.org/miniflux/", MINIFLUX),
        ("https://www.inoreader.com", INOREADER),
        ("https://theoldreader.com/reader/api/0/", OLD_READER),
        ("https://bazqux.com", BAZQUX),
        ("https://example.org/reader/api/0", None),
    ],
)
def test_guess_dialect(url: str, dialect: object) -> None:
    assert guess_dialect(url) is dialect


@pytest.mark.parametrize(
    ("url", "root"),
    [
        ("http://h:8080/api/greader.php", "http://h:8080/api/greader.php"),
        ("http://h/api/greader.php/reader/api/0/", "http://h/api/greader.php"),
        ("https://m.example.org/reader/api/0", "https://m.example.org"),
        ("https://m.example.org/sub/accounts/ClientLogin", "https://m.example.org/sub"),
        ("https://theoldreader.com/", "https://theoldreader.com"),
    ],
)
def test_api_root(url: str, root: str) -> None:
    assert api_root(url) == root


def test_batches_keep_a_thousand_read_marks_within_five_requests() -> None:
    for d in (FRESHRSS, MINIFLUX, INOREADER, OLD_READER, BAZQUX):
        assert -(-1000 // d.edit_batch) <= 5
    assert not MINIFLUX.labels and MINIFLUX.long_ids
    assert MINIFLUX.ids_per_page == FRESHRSS.ids_per_page == 10_000
    assert INOREADER.ids_per_page == OLD_READER.ids_per_page == 1000


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 1.5 ", 1.5),
        ("-3", 0.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),  # 30 s after "now" below
        ("Wed, 21 Oct 2015 07:28:30 -0000", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # in the past: no wait
        ("99999999999", MAX_RETRY_AFTER),
        ("soon", None),
        ("nan", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_seconds(value: str | None, seconds: float | None) -> None:
    now = 1445412480.0  # Wed, 21 Oct 2015 07:28:00 GMT
    assert retry_after_seconds(value, now) == seconds

"""Small rules every part of the export shares: UTC dates and UTF-8-safe strings."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

# Lone surrogates are valid in a Python str but not in UTF-8.
_SURROGATES = re.compile("[\ud800-\udfff]")


def no_surrogates(s: str) -> str:
    """``s`` encodable as UTF-8: each lone surrogate becomes U+FFFD."""
    return _SURROGATES.sub("\ufffd", s)


def utc(ts: int | None) -> datetime | None:
    """An epoch time as a UTC datetime; None when absent or out of range.

    Built by addition rather than ``fromtimestamp`` so dates before 1970
    work on Windows too.
    """
    if ts is None:
        return None
    try:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=int(ts))
    except (OverflowError, ValueError):
        return None


def iso(ts: int | None) -> str | None:
    """``2024-03-21T00:00:00Z``: the form of every time in the front matter."""
    dt = utc(ts)
    return None if dt is None else dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def day(ts: int | None) -> str | None:
    """``2024-03-21``: the date in file names and meta lines (any year, zero-padded)."""
    dt = utc(ts)
    return None if dt is None else f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}"

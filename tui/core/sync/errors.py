"""Sync failures, each one line naming what failed and where.

The kinds are the ones a sync acts on differently: :class:`AuthFailed`
(ask for the password again; retrying cannot help), :class:`ServerBusy`
(wait as long as the server asked), :class:`Unreachable` (offline: keep the
queue, try later) and plain :class:`SyncError` (the server misbehaved).
"""

from __future__ import annotations

import math
import time
from datetime import UTC
from email.utils import parsedate_to_datetime

from tui.core.errors import GazetteError

__all__ = ["AuthFailed", "ServerBusy", "SyncError", "Unreachable", "retry_after_seconds"]

#: The longest wait a Retry-After may impose (a hostile value is cut to this).
MAX_RETRY_AFTER = 24 * 3600.0


class SyncError(GazetteError):
    """A sync step failed; ``str()`` is one line such as
    ``FreshRSS at 127.0.0.1:8080: HTTP 500 on edit-tag``; ``status`` is the
    HTTP status when the server answered with an error."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AuthFailed(SyncError):
    """Wrong user name or password, or a login the server no longer accepts."""


class Unreachable(SyncError):
    """No answer from the server: refused, timed out, no such host, connection lost."""


class ServerBusy(SyncError):
    """429 or 503: try again later, after ``retry_after`` seconds when the server said."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message, 503)
        self.retry_after = retry_after


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """A ``Retry-After`` header as seconds to wait, or None when absent or unreadable.

    The header is either a number of seconds or an HTTP date; a date in the
    past means no wait (0).  The result is at most :data:`MAX_RETRY_AFTER`.
    """
    text = (value or "").strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:  # a "-0000" zone: UTC, as RFC 5322 says
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - (time.time() if now is None else now)
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)

"""One exception hierarchy whose messages are fit to show a user as they are.

Every message names what failed and where (a feed URL, a file path), on one
line, so the CLI and the UI can print ``str(exc)`` and nothing else.
"""

from __future__ import annotations


class GazetteError(Exception):
    """Base of every error Gazette expects; never shown with a traceback."""


class FetchError(GazetteError):
    """A feed could not be downloaded (network, HTTP status, size cap...)."""

    def __init__(
        self,
        url: str,
        reason: str,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        #: The error response's headers (lowercase names), for Retry-After.
        self.headers: dict[str, str] = headers or {}


class FeedGone(FetchError):
    """The server answered 410 Gone: the feed should not be fetched again."""


class ParseError(GazetteError):
    """A document is not a feed Gazette can read."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class StoreError(GazetteError):
    """The database could not be opened, read or written."""


class NotFound(GazetteError):
    """A feed or article the user named does not exist."""


class InputError(GazetteError):
    """A file or argument from the user is malformed (OPML, config, query)."""


class RefreshStopped(GazetteError):
    """A refresh was told to stop; what it had written by then is kept."""


class ImageError(GazetteError):
    """An article's image could not be shown (not an image, too big, unreadable)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")


class ExtractError(GazetteError):
    """A page gave no article to show (not HTML, a paywall, a hang, a crash)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}" if url else reason)
        self.url = url
        self.reason = reason

"""Messages thread workers post back to the UI.

Why messages: nothing may touch a widget from a worker thread, but
``post_message`` is thread-safe, so workers describe what happened and the
handlers (on the UI thread) update widgets.
"""

from __future__ import annotations

from textual.message import Message

from tui.core import FeedResult, RefreshSummary, SyncResult
from tui.ui.widgets.article_links import Link
from tui.ui.widgets.article_markdown import BodyChunk


class RefreshProgress(Message):
    """One more feed of a refresh is done (``result`` says how it went)."""

    def __init__(self, done: int, total: int, result: FeedResult) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.result = result


class RefreshFinished(Message):
    """A refresh ended; ``error`` is set when it could not run at all, ``synced``
    holds one result per sync account when the accounts were synced after it."""

    def __init__(
        self,
        summary: RefreshSummary | None,
        error: str | None = None,
        synced: tuple[SyncResult, ...] = (),
    ) -> None:
        super().__init__()
        self.summary = summary
        self.error = error
        self.synced = synced


class SyncProgress(Message):
    """The sync after a refresh is at ``step`` ("home: fetching items 1-500 of 900")."""

    def __init__(self, step: str) -> None:
        super().__init__()
        self.step = step


class ArticleBody(Message):
    """An article's body is ready: styled, laid out, in chunks (``prepare_body``).

    ``links`` are the body's links in reading order (link N is ``links[N - 1]``).
    ``full``: the body is the article's full text (reader mode); ``fetch``:
    its feed wants the full text fetched on open, and none was tried.
    """

    def __init__(
        self,
        article_id: int,
        chunks: list[BodyChunk],
        error: str | None = None,
        links: tuple[Link, ...] = (),
        *,
        full: bool = False,
        fetch: bool = False,
    ) -> None:
        super().__init__()
        self.article_id = article_id
        self.chunks = chunks
        self.error = error
        self.links = links
        self.full = full
        self.fetch = fetch


class BodyStored(Message):
    """A body converted on its first open was stored (after it was shown).

    ``clean``: nothing from outside was pending when the article opened, so
    the commit is the app's own (``ReadingBase._own_write_seen``).
    """

    def __init__(self, article_id: int, clean: bool) -> None:
        super().__init__()
        self.article_id = article_id
        self.clean = clean

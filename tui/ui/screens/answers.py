"""The messages the reader screen's lane and workers answer with.

Why a module of their own: each names what a thread worker found or did
(counts read, a flag stored, a note read), and the screen's layers handle
them on the UI thread; kept together they read as the list of everything
that comes back from the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from textual.message import Message

from tui.core import (
    Account,
    Article,
    HistoryEntry,
    Note,
    SavedSearch,
    StateChange,
    TagCount,
    View,
)
from tui.ui.state import Counts, Flag
from tui.ui.workers import Outcome

T = TypeVar("T")

__all__ = [
    "ArticleReread",
    "Counted",
    "Done",
    "FlagWritten",
    "HistoryReplayed",
    "Marked",
    "NextUnread",
    "NoteRead",
    "Recount",
    "SearchCounts",
    "ViewMarked",
]


class SearchCounts(Message):
    """Saved searches re-counted by a worker (their unread counts for the feed list)."""

    def __init__(self, searches: list[SavedSearch]) -> None:
        super().__init__()
        self.searches = searches


class Counted(Message):
    """Every count, read in the lane; ``then`` runs once they are shown."""

    def __init__(
        self,
        outcome: Outcome[Counts],
        then: Callable[[], None] | None = None,
        *,
        with_searches: bool = False,
    ) -> None:
        super().__init__()
        self.outcome = outcome
        self.then = then
        #: The saved searches were read too (else the tally keeps its own).
        self.with_searches = with_searches


@dataclass(frozen=True, slots=True)
class Recount:
    """What one article's change can move, read right after the change (in the lane)."""

    feed_id: int
    unread: int
    smart: dict[str, int]
    #: Every tag, when a tag can be involved (None: not read).
    tags: list[TagCount] | None
    #: The sync accounts, when the article is synced (its change is queued).
    accounts: list[Account] | None = None
    #: Other feeds carry the story (its copies changed with it): count every feed.
    copies: bool = False


class FlagWritten(Message):
    """A read or star change was stored (or not), with the counts it moved."""

    def __init__(
        self,
        article: Article,
        flag: Flag,
        outcome: Outcome[tuple[StateChange, Recount]],
        *,
        clean: bool,
    ) -> None:
        super().__init__()
        self.article = article
        self.flag = flag
        self.outcome = outcome
        #: Nothing from outside was pending when it was queued (see ``_own_write_seen``).
        self.clean = clean


@dataclass(frozen=True, slots=True)
class Marked:
    """What marking a view read (or undoing it) did: the ids, the counts, the open article."""

    ids: list[int]
    counts: Counts
    #: The open article as stored now (None: none open, or it is gone).
    open: Article | None


class ViewMarked(Message):
    """A mark-all-read ended."""

    def __init__(self, outcome: Outcome[Marked], *, clean: bool) -> None:
        super().__init__()
        self.outcome = outcome
        self.clean = clean


class HistoryReplayed(Message):
    """An undo (``verb`` "Undone") or a redo ("Redone") ended: the action it
    replayed, or None when there was nothing to replay."""

    def __init__(self, outcome: Outcome[HistoryEntry | None], verb: str) -> None:
        super().__init__()
        self.outcome = outcome
        self.verb = verb


class NoteRead(Message):
    """An article (None: it is gone) and its note, read to bind the notes panel."""

    def __init__(
        self, article_id: int, outcome: Outcome[tuple[Article | None, Note | None]]
    ) -> None:
        super().__init__()
        self.article_id = article_id
        self.outcome = outcome


class ArticleReread(Message):
    """An article read again after its note was saved, with the counts that moved."""

    def __init__(self, outcome: Outcome[tuple[Article, Recount | None]]) -> None:
        super().__init__()
        self.outcome = outcome


class NextUnread(Message):
    """The next (or previous) unread article of ``view``, looked up in the lane."""

    def __init__(self, view: View, forward: bool, outcome: Outcome[Article | None]) -> None:
        super().__init__()
        self.view = view
        self.forward = forward
        self.outcome = outcome


class Done(Message, Generic[T]):
    """A one-off change made in the lane (a tag or saved search deleted); ``show`` its outcome.

    Why one message for several flows: each such flow has a single place
    that shows what happened, which it passes along as ``show``.
    """

    def __init__(self, outcome: Outcome[T], show: Callable[[Outcome[T]], Any]) -> None:
        super().__init__()
        self.outcome = outcome
        self.show = show

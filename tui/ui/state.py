"""The reader's shown state as values: the counts, the list header, flags in flight.

Why values: the feed list, the list header and the status line all show the
same numbers.  The reader screen holds one ``Counts`` and one ``ListHeader``
in reactive attributes and the widgets are bound to them
(``Widget.data_bind``), so one change of state redraws every place that
shows it; nothing pushes numbers into widgets one by one.  Both are frozen:
a change is a new value, and an unchanged part keeps its identity, which
lets the feed list see cheaply which feeds moved (``changed_feeds``).

``FlagLedger`` is the bookkeeping of optimistic read and star changes: the
row changes at once, the write runs in a worker, and a failed write puts
back what the database still holds, even after several quick presses.
Textual-free, so it is tested on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal

from tui.core import Account, Article, Feed, SavedSearch, TagCount

__all__ = ["Counts", "Flag", "FlagLedger", "ListHeader", "changed_feeds", "with_flag"]

#: The flags of an article that a key changes at once (and a failed write puts back).
Flag = Literal["read", "starred"]

_NO_FEEDS: Mapping[int, Feed] = MappingProxyType({})
_NO_COUNTS: Mapping[str, int] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Counts:
    """Every count the reader shows, as last read from the database together.

    ``feeds`` by id (each with its unread count), ``smart`` the smart views'
    totals (all, unread, starred, noted, hidden), ``tags`` and ``searches`` with
    their unread counts.  ``loaded`` is False until the first read.
    ``folder_copies``: per folder key, the unread copies its feeds count twice
    (``Library.folder_unread_copies``), taken off the folder's sum.
    """

    feeds: Mapping[int, Feed] = field(default_factory=lambda: _NO_FEEDS)
    smart: Mapping[str, int] = field(default_factory=lambda: _NO_COUNTS)
    tags: tuple[TagCount, ...] = ()
    searches: tuple[SavedSearch, ...] = ()
    loaded: bool = False
    #: Sync accounts, with their last sync and the changes waiting to be sent.
    accounts: tuple[Account, ...] = ()
    folder_copies: Mapping[str, int] = field(default_factory=lambda: _NO_COUNTS)

    @classmethod
    def read(
        cls,
        feeds: list[Feed],
        smart: dict[str, int],
        tags: list[TagCount],
        searches: tuple[SavedSearch, ...],
        accounts: list[Account] | tuple[Account, ...] = (),
        folder_copies: Mapping[str, int] = _NO_COUNTS,
    ) -> Counts:
        """A full read (``searches`` are kept from before: a worker counts them apart)."""
        return cls(
            MappingProxyType({f.id: f for f in feeds}),
            MappingProxyType(dict(smart)),
            tuple(tags),
            searches,
            loaded=True,
            accounts=tuple(accounts),
            folder_copies=MappingProxyType(dict(folder_copies)),
        )

    @property
    def pending(self) -> int:
        """Changes waiting to be sent, over every account."""
        return sum(a.pending for a in self.accounts)

    @property
    def offline(self) -> bool:
        """Whether the last sync of an account with changes waiting failed."""
        return any(a.pending and a.last_error for a in self.accounts)

    def with_feed(self, feed: Feed, smart: dict[str, int]) -> Counts:
        """One feed's unread count and the smart totals changed (an article's state did)."""
        feeds = dict(self.feeds)
        feeds[feed.id] = feed
        return replace(self, feeds=MappingProxyType(feeds), smart=MappingProxyType(dict(smart)))

    def with_accounts(self, accounts: list[Account]) -> Counts:
        return replace(self, accounts=tuple(accounts))

    def with_tags(self, tags: list[TagCount]) -> Counts:
        return replace(self, tags=tuple(tags))

    def with_searches(self, searches: list[SavedSearch]) -> Counts:
        return replace(self, searches=tuple(searches))


def changed_feeds(old: Counts, new: Counts) -> list[Feed] | None:
    """The feeds whose entry changed from ``old`` to ``new``, when only entries did.

    None when the set of feeds or accounts, the tags or the searches differ, or
    the Hidden view comes or goes (the feed list must then be rebuilt).
    Unchanged feeds keep their identity (``Counts.with_feed`` copies the
    rest), so this is one identity check a feed, not a comparison of every
    field of 2,000 feeds.
    """
    if (
        old.tags != new.tags
        or old.searches != new.searches
        or old.feeds.keys() != new.feeds.keys()
        or [a.id for a in old.accounts] != [a.id for a in new.accounts]
        or bool(old.smart.get("hidden")) != bool(new.smart.get("hidden"))
    ):
        return None
    return [feed for key, feed in new.feeds.items() if feed is not old.feeds[key]]


@dataclass(frozen=True, slots=True)
class ListHeader:
    """What the header above the article list says, and the view's size.

    ``title`` is the clean name (``#tag`` for a tag, "Search" for results),
    ``order`` the order in words ("" when the title alone is shown, as for a
    search that failed), ``error`` the shown feed's last refresh error.
    The status line's "N here" is ``count`` too.
    """

    title: str = ""
    count: int = 0
    order: str = ""
    error: str | None = None
    #: A sync account's state after the order ("synced 5 min ago, 3 to send").
    detail: str = ""
    #: The error is the last sync's (an account), not the last refresh's (a feed).
    sync: bool = False

    @property
    def text(self) -> str:
        """The header line: "Title · 12 · newest first" (or the title alone)."""
        if not self.order:
            return self.title
        text = f"{self.title} · {self.count} · {self.order}"
        return f"{text} · {self.detail}" if self.detail else text


def with_flag(article: Article, flag: Flag, value: bool) -> Article:
    """The article with ``flag`` set to ``value``."""
    return replace(article, read=value) if flag == "read" else replace(article, starred=value)


@dataclass(slots=True)
class FlagLedger:
    """Read and star changes shown before they are stored: what to put back on failure.

    ``begin`` when a change is shown and its write queued, ``end`` when the
    write answered.  Writes of one article's flag run in order (one write
    queue), so the database holds the value of the last write that
    succeeded, or the value from before the first change shown.  When the
    last write in flight of a flag ends and the row does not show that
    value, ``end`` returns the article as it must be shown again.
    """

    _flight: dict[tuple[int, Flag], int] = field(default_factory=dict)
    _stored: dict[tuple[int, Flag], bool] = field(default_factory=dict)
    _shown: dict[int, Article] = field(default_factory=dict)

    def begin(self, before: Article, after: Article, flag: Flag) -> None:
        """``after`` is shown instead of ``before``; its ``flag`` is being written."""
        key = (before.id, flag)
        if not self._flight.get(key):
            self._stored[key] = bool(getattr(before, flag))
        self._flight[key] = self._flight.get(key, 0) + 1
        self._shown[after.id] = after

    def __contains__(self, article_id: object) -> bool:
        """Whether a change of this article is still being written."""
        return article_id in self._shown

    def shown(self, article: Article) -> Article:
        """Record that ``article`` is what is shown now (another change, e.g. a star)."""
        if article.id in self._shown:
            self._shown[article.id] = article
        return article

    def end(self, article_id: int, flag: Flag, value: bool, *, ok: bool) -> Article | None:
        """The write of ``flag`` = ``value`` ended; the article to show again, if any."""
        key = (article_id, flag)
        if ok:
            self._stored[key] = value
        self._flight[key] -= 1
        if self._flight[key]:
            return None
        del self._flight[key]
        stored = self._stored.pop(key)
        shown = self._shown[article_id]
        if not any(k[0] == article_id for k in self._flight):
            del self._shown[article_id]
        if bool(getattr(shown, flag)) == stored:
            return None
        back = with_flag(shown, flag, stored)
        if article_id in self._shown:
            self._shown[article_id] = back
        return back

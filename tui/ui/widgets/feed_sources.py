"""The feed list's sources: what each node stands for, built from feeds and counts.

Pure (no widget): ``build_sources`` turns feeds, the smart counts, tags and
saved searches into (parent key, ``Source``) pairs in display order, which
``FeedList`` shows and the tests compare with a full recount.

Saved searches and tags are sources too: their articles come from a query
(``Source.query``, run through ``Library.search``) instead of a ``View``, so
the article list, counts and keys treat them like any other source.  They sit
in two foldable sections ("Searches", "Tags") shown only when non-empty; sync
accounts in a third ("Accounts"), each listing its feeds' articles and saying
how its last sync went and how many changes wait to be sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from operator import attrgetter

from tui.core import (
    Account,
    Feed,
    SavedSearch,
    TagCount,
    View,
    folders,
    format_tag_filter,
    plural,
)

__all__ = [
    "HIDDEN",
    "SECTION_ACCOUNTS",
    "SECTION_SEARCHES",
    "SECTION_TAGS",
    "SMART",
    "Source",
    "account_detail",
    "account_source",
    "build_sources",
    "smart_views",
    "tag_key",
]

SECTION_SEARCHES = "section:searches"
SECTION_TAGS = "section:tags"
SECTION_ACCOUNTS = "section:accounts"


def tag_key(name: str) -> str:
    """Feed-list key of a tag: tags match ignoring case, like the core does."""
    return "tag:" + name.casefold()


@dataclass(frozen=True, slots=True)
class Source:
    """What a node of the feed list stands for: a view of articles and its name."""

    kind: str  # "smart", "folder", "feed", "search", "tag" or "section"
    key: str
    title: str
    view: View
    feed: Feed | None = None
    unread: int = 0
    #: The search that lists this source's articles (saved searches, tags).
    query: str | None = None
    #: Articles in all, when the badge shows it too ("unread/total" for tags).
    total: int | None = None
    #: A saved search's id (for rename, edit and delete).
    search_id: int | None = None
    #: The sync account this source is (its node in "Accounts").
    account: Account | None = None

    @property
    def error(self) -> str | None:
        if self.account is not None:
            return self.account.last_error
        return self.feed.error if self.feed else None


SMART: tuple[tuple[str, str, View], ...] = (
    ("all", "All", View()),
    ("unread", "Unread", View(unread=True)),
    ("starred", "Starred", View(starred=True)),
    ("noted", "Noted", View(noted=True)),
)

#: The articles rules hide: a smart view shown only while a rule hides some.
HIDDEN: tuple[str, str, View] = ("hidden", "Hidden", View(hidden=True))


def smart_views(counts: Mapping[str, int]) -> tuple[tuple[str, str, View], ...]:
    """The smart views to show: Hidden only when something is hidden (it is
    an answer to "where did that article go", not a place to read)."""
    return (*SMART, HIDDEN) if counts.get(HIDDEN[0]) else SMART


def account_source(account: Account, feeds: Iterable[Feed]) -> Source:
    """An account's node: its name with the changes waiting, its feeds' unread count."""
    title = account.name
    if account.pending:  # "home ↑3": three changes to send (the status line says it in words)
        title += f" ↑{account.pending}"
    unread = sum(f.unread for f in feeds if f.account == account.name)
    return Source(
        "account",
        f"account:{account.id}",
        title,
        View(account_id=account.id),
        unread=unread,
        account=account,
    )


def account_detail(account: Account, now: float) -> str:
    """ "synced 5 min ago, 3 changes to send": an account's state for the list header."""
    if account.last_sync is None:
        said = "never synced"
    else:
        ago = max(0, int(now) - account.last_sync)
        if ago < 60:
            said = "synced just now"
        elif ago < 3600:
            said = f"synced {ago // 60} min ago"
        elif ago < 2 * 86400:
            said = f"synced {ago // 3600} h ago"
        else:
            said = f"synced {ago // 86400} days ago"
    if account.pending:
        said += f", {plural(account.pending, 'change')} to send"
    return said


def build_sources(
    feeds: Iterable[Feed],
    counts: Mapping[str, int],
    tags: Iterable[TagCount] = (),
    searches: Iterable[SavedSearch] = (),
    accounts: Iterable[Account] = (),
    folder_copies: Mapping[str, int] | None = None,
) -> list[tuple[str, Source]]:
    """(parent key, source) pairs in display order; parents come before children.

    Folder names may nest with "/" ("Tech/Rust"); a folder's count is the sum
    of the feeds below it, less ``folder_copies`` (by folder key: the unread
    copies of stories whose first copy the folder lists too, which its view
    lists once, ``Library.folder_unread_copies``).  Which feeds a folder holds and how it is spelled
    is :mod:`tui.core.folders`' rule (``Tech`` and ``tech`` are one folder),
    the rule the article list, refresh and ``folder:`` search follow too.
    Saved searches, tags and sync accounts come after the smart views, each
    under its section.
    """
    out: list[tuple[str, Source]] = [
        ("", Source("smart", f"smart:{key}", title, view, unread=counts.get(key, 0)))
        for key, title, view in smart_views(counts)
    ]
    searches = list(searches)
    if searches:
        out.append(("", Source("section", SECTION_SEARCHES, "Searches", View())))
        for s in searches:
            out.append(
                (
                    SECTION_SEARCHES,
                    Source(
                        "search",
                        f"search:{s.id}",
                        s.name,
                        View(),
                        unread=s.unread,
                        query=s.query,
                        search_id=s.id,
                    ),
                )
            )
    tags = list(tags)
    if tags:
        out.append(("", Source("section", SECTION_TAGS, "Tags", View())))
        for t in tags:
            source = Source(
                "tag",
                tag_key(t.name),
                t.name,
                View(),
                unread=t.unread,
                query=format_tag_filter(t.name),
            )
            out.append((SECTION_TAGS, replace(source, total=t.articles)))
    feeds = list(feeds)
    accounts = list(accounts)
    if accounts:
        out.append(("", Source("section", SECTION_ACCOUNTS, "Accounts", View())))
        out.extend((SECTION_ACCOUNTS, account_source(a, feeds)) for a in accounts)
    shown = folders.spellings(f.folder for f in sorted(feeds, key=attrgetter("id")))
    # Feeds share a few folders: each distinct folder string is keyed once,
    # and counts climb the tree once per folder, not once per feed.
    keys = {folder: folders.key(folder) for folder in {f.folder for f in feeds}}
    direct: dict[str, int] = {}
    for f in feeds:
        direct[keys[f.folder]] = direct.get(keys[f.folder], 0) + f.unread
    copies = folder_copies or {}
    unread = {folder_key: -copies.get(folder_key, 0) for folder_key in shown}
    for folder_key, count in direct.items():
        while folder_key:  # the feeds' folder and every folder above it
            unread[folder_key] += count
            folder_key = folder_key.rpartition("/")[0]
    for folder_key in sorted(shown):
        path = shown[folder_key]
        parent, _, name = path.rpartition("/")
        out.append(
            (
                f"folder:{parent}" if parent else "",
                Source(
                    "folder", f"folder:{path}", name, View(folder=path), unread=unread[folder_key]
                ),
            )
        )
    for f in sorted(feeds, key=lambda f: (keys[f.folder], f.title.casefold())):
        folder_key = keys[f.folder]
        parent = f"folder:{shown[folder_key]}" if folder_key else ""
        out.append(
            (parent, Source("feed", f"feed:{f.id}", f.title, View(feed_id=f.id), f, f.unread))
        )
    return out

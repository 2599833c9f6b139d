"""Subscriptions: the feed list, folders, unsubscribing, OPML in and out.

Folder paths come from the user, so each verb reads them through
:mod:`tui.core.folders` (one rule for spelling, case and subfolders) before
the store files anything.  The OPML reader and writer (xml.etree, ~7 ms)
load when a verb needs them, not with the reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tui.core import folders
from tui.core.errors import InputError
from tui.core.library.base import LibraryBase
from tui.core.library.fetching import locate
from tui.core.library.history import undoable
from tui.core.models import Feed, ImportReport
from tui.core.wording import plural


class FeedsMixin(LibraryBase):
    """Feeds, folders and OPML."""

    def feeds(self) -> list[Feed]:
        return self.store.feeds()

    def folder_unread_copies(self) -> dict[str, int]:
        """Per folder, by :func:`folders.key` (a folder includes its subfolders):
        how many unread articles its feeds count twice, as copies of a story
        whose first copy is unread in the same folder.  The folder's view
        lists such a story once, so its unread count is the sum of its feeds'
        less this.  Empty with ``[reading] group_duplicates = false``."""
        return self.store.folder_unread_copies()

    def find_feed(self, ref: str) -> Feed:
        return self.store.find_feed(ref)

    def folders(self) -> list[str]:
        """Every folder path as the feed list shows it, sorted ignoring case.

        Subfolders' parents are listed too; for completion in dialogs.
        """
        shown = folders.spellings(f for _id, f in self.store.feed_folders())
        return sorted(shown.values(), key=str.casefold)

    @undoable(
        lambda lib, feed, ref, folder: (
            f"Moved feed {feed.title} to {feed.folder}"
            if feed.folder
            else f"Moved feed {feed.title} out of folders"
        )
    )
    def move_feed(self, ref: str, folder: str) -> Feed:
        """File a feed (id, URL or title) under ``folder``; ``""`` takes it out of folders.

        The path is one a user typed (:func:`folders.from_user`); naming an
        existing folder in another case files the feed there, in that
        folder's spelling.  Returns the feed as it now is.
        """
        path = folders.from_user(folder)
        feed = self.store.find_feed(ref)
        if path:
            others = (f for feed_id, f in self.store.feed_folders() if feed_id != feed.id)
            path = folders.adopt(path, others)
        self.store.set_feed_folder(feed.id, path or None)
        return self.store.feed(feed.id)

    @undoable(
        lambda lib, done, old, new: f"Renamed folder {old} to {done[0]} ({plural(done[1], 'feed')})"
    )
    def rename_folder(self, old: str, new: str) -> tuple[str, int]:
        """Rename a folder, its subfolders and all; returns (new path, feeds moved).

        Renaming onto an existing folder merges the two (that folder takes the
        new spelling as typed, which is also how a folder's case is fixed).
        A folder cannot move into its own subfolder.
        """
        path = folders.from_user(new)
        if not path:
            raise InputError("a folder needs a name (to take feeds out of folders, move them)")
        if folders.contains(old, path) and folders.key(path) != folders.key(old):
            raise InputError(f"{path}: a folder cannot move into its own subfolder")
        return path, self.store.rename_folder(old, path)

    @undoable(lambda lib, done, ref: f"Deleted feed {done[0].title} ({plural(done[1], 'article')})")
    def remove_feed(self, ref: str) -> tuple[Feed, int, int]:
        """Unsubscribe; returns the feed and how many articles and notes went with it."""
        feed = self.store.find_feed(ref)
        articles, notes = self.store.remove_feed(feed.id)
        return feed, articles, notes

    # -- OPML -------------------------------------------------------------

    def import_opml(self, path: str | Path) -> ImportReport:
        """Subscribe to every feed in an OPML file without fetching; duplicates skipped."""
        from tui.core import opml

        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
        entries = opml.parse_opml(data, str(path))
        added: list[str] = []
        skipped: list[str] = []
        for entry in entries:
            url = locate(entry.url)
            if self.store.feed_id_for_url(url) is not None:
                skipped.append(url)
                continue
            feed_id = self.store.add_feed(
                url, title=entry.title, site_url=entry.site_url, folder=entry.folder
            )
            if entry.tags:
                self.store.set_feed_tags(feed_id, entry.tags)
            added.append(url)
        return ImportReport(tuple(added), tuple(skipped))

    def opml_text(self) -> str:
        """Subscriptions as OPML text (``gazette export`` to standard output)."""
        return self._opml_text(self.store.feeds())

    @staticmethod
    def _opml_text(feeds: Sequence[Feed]) -> str:
        """OPML for these feeds, each folder once, spelled as the feed list shows it."""
        from tui.core import opml

        shown = folders.spellings(f.folder for f in sorted(feeds, key=lambda f: f.id))
        return opml.write_opml(
            opml.OpmlFeed(
                url=f.url,
                title=f.title,
                site_url=f.site_url,
                folder=shown.get(folders.key(f.folder)),
                tags=f.tags,
            )
            for f in feeds
        )

    def export_opml(self, path: str | Path) -> int:
        """Write every subscription to an OPML file; returns how many feeds it holds.

        Written the way export writes its files (:func:`atomic_write`: a
        temporary file beside it, then renamed over it), so a full disk or a
        crash never leaves a half-written file in place of a good one.  Errors
        are one-line InputErrors naming the file.
        """
        from tui.core.export.files import atomic_write

        path = Path(path)
        feeds = self.store.feeds()
        try:
            atomic_write(path, self._opml_text(feeds))
        except OSError as exc:
            raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
        return len(feeds)

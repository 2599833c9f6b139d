"""Deleting a feed and its settings dialog, with every Library call in a thread worker.

Why workers: removing a feed deletes its articles and notes, and reading or
writing its settings opens the database; any of them can wait on the disk
or on another program's lock, and the UI thread must keep drawing and
taking keys meanwhile.  Each worker posts one message with what it did (or
the one-line error), and the handler on the UI thread redraws and notifies,
unless the reader has gone meanwhile (``GazetteApp.reader``: quitting).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message

from tui.core import Feed, FeedSettings, plural
from tui.ui import safe
from tui.ui.workers import library_call

if TYPE_CHECKING:
    from tui.ui.app import GazetteApp
    from tui.ui.screens.feed_settings import FeedEdit


class FeedRemoved(Message):
    """The delete worker is done: the feed and what went with it, or the error."""

    def __init__(self, removed: tuple[Feed, int, int] | None, error: str = "") -> None:
        super().__init__()
        self.removed = removed
        self.error = error


class FeedSettingsLoaded(Message):
    """The feed's settings and the folder names are read: the dialog can open."""

    def __init__(
        self, feed: Feed, loaded: tuple[FeedSettings, Sequence[str]] | None, error: str = ""
    ) -> None:
        super().__init__()
        self.feed = feed
        self.loaded = loaded
        self.error = error


class FeedSettingsSaved(Message):
    """The settings (and a changed folder) are stored: the feed as it now is, or the error."""

    def __init__(self, updated: Feed | None, error: str = "") -> None:
        super().__init__()
        self.updated = updated
        self.error = error


class FeedDialogs:
    """The delete confirmation and the Feed settings dialog of the selected feed."""

    def __init__(self, app: GazetteApp) -> None:
        self.app = app
        self.library = app.library

    def _run(self, work: partial[None], name: str) -> None:
        self.app.run_worker(work, name=name, group=name, thread=True, exit_on_error=False)

    # -- delete -------------------------------------------------------------

    def delete(self, feed: Feed) -> None:
        """Ask first; the feed, its articles and notes go in a worker once confirmed."""
        from tui.ui.screens.confirm import ConfirmScreen  # see keys.LATE_SCREENS

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._run(partial(self._remove, feed.id), "delete-feed")

        message = (
            f"Delete the feed {safe.clean(feed.title)}?\n"
            f"Its {plural(feed.total, 'article')} and "
            f"{'its note' if feed.total == 1 else 'their notes'} go with it."
        )
        self.app.push_screen(ConfirmScreen(message, "Delete"), confirmed)

    def _remove(self, feed_id: int) -> None:
        done = library_call(self.library, lambda: self.library.remove_feed(str(feed_id)))
        self.app.post_message(FeedRemoved(done.value, done.error))

    def removed(self, message: FeedRemoved) -> None:
        reader = self.app.reader
        if reader is None:
            return  # the app is quitting: nobody is left to tell
        if message.removed is None:
            self.app.notify(f"Not deleted: {message.error}", severity="error", markup=False)
            return
        feed, articles, notes = message.removed
        reader.feed_removed(feed.id)
        extra = f" and {plural(notes, 'note')}" if notes else ""
        self.app.notify(
            f"Deleted {safe.clean(feed.title)} ({plural(articles, 'article')}{extra}).",
            markup=False,
        )

    # -- settings -----------------------------------------------------------

    def settings(self, feed: Feed) -> None:
        """Read the feed's settings and the folder names in a worker, then open the dialog."""
        self._run(partial(self._load, feed), "feed-settings")

    def _load(self, feed: Feed) -> None:
        def read() -> tuple[FeedSettings, Sequence[str]]:
            return self.library.feed_settings(feed.id), self.library.folders()

        done = library_call(self.library, read)
        self.app.post_message(FeedSettingsLoaded(feed, done.value, done.error))

    def loaded(self, message: FeedSettingsLoaded) -> None:
        if self.app.reader is None:
            return
        if message.loaded is None:
            self.app.notify(message.error, severity="error", markup=False)
            return
        from tui.ui.screens.feed_settings import FeedSettingsScreen  # see keys.LATE_SCREENS

        current, folders = message.loaded
        feed = message.feed
        screen = FeedSettingsScreen(feed, current, self.app.config, folders=folders)
        self.app.push_screen(screen, partial(self._save, feed))

    def _save(self, feed: Feed, edit: FeedEdit | None) -> None:
        if edit is not None:
            self._run(partial(self._store, feed, edit), "feed-settings")

    def _store(self, feed: Feed, edit: FeedEdit) -> None:
        def store() -> Feed:
            updated = self.library.set_feed_settings(feed.id, edit.settings)
            if edit.folder is not None:
                updated = self.library.move_feed(str(feed.id), edit.folder)
            return updated

        done = library_call(self.library, store)
        self.app.post_message(FeedSettingsSaved(done.value, done.error))

    def saved(self, message: FeedSettingsSaved) -> None:
        reader = self.app.reader
        if reader is None:
            return  # stored; the app is quitting (issue 14: this crashed a test once)
        if message.updated is None:
            self.app.notify(message.error, severity="error", markup=False)
            return
        reader.after_refresh()
        self.app.notify(f"Settings saved for {safe.clean(message.updated.title)}.", markup=False)

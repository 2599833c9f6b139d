"""The Gazette app: screens, refresh workers and the app-wide actions.

The reader screen (``screens/main.py``) owns the layout and the keys; this
module owns what spans screens: refreshing in a thread worker that reports
with messages, the add/delete/help dialogs, and quitting without losing a
note.  It talks to the core only through ``Library``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.worker import get_current_worker

from tui.core.library import Library
from tui.ui import safe
from tui.ui.commands import ReaderCommands, key_display
from tui.ui.messages import RefreshFinished, RefreshProgress
from tui.ui.screens.add_feed import AddFeedScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.main import MainScreen
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.article_pane import ArticlePane
from tui.ui.widgets.feed_list import FeedList
from tui.ui.widgets.notes import NotesPanel

# Counts are re-read at most this often while a refresh reports progress.
COUNTS_INTERVAL = 0.5


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with the real stderr.

    Why: ``Library.refresh`` parses in a spawn process pool; the first spawn
    starts the tracker, passing ``sys.stderr.fileno()`` to it, and under
    Textual that is -1 ("bad value(s) in fds_to_keep"), so every refresh of
    eight feeds or more failed.  Started once here (UI thread), it is reused.
    """
    from multiprocessing import resource_tracker

    saved = sys.stderr
    try:
        sys.stderr = sys.__stderr__
        resource_tracker.ensure_running()
    except Exception:  # the pool reports its own error if this was not enough
        pass
    finally:
        sys.stderr = saved


class RefreshCancelled(Exception):
    """Raised from the progress callback to stop a refresh the app abandoned."""


class GazetteApp(App[int]):
    """A terminal news reader over one ``Library``."""

    CSS_PATH = "app.tcss"
    TITLE = "Gazette"
    COMMANDS: ClassVar = App.COMMANDS | {ReaderCommands}

    def __init__(
        self,
        library: Library,
        *,
        clock: Callable[[], float] = time.time,
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.clock = clock
        self._initial_keymap = dict(keymap or {})
        self.refreshing = False
        self.quitting = False
        self._counts_at = 0.0
        self._counts_timer = False
        self._quit_anyway = False

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.library, clock=self.clock)

    def on_mount(self) -> None:
        if self._initial_keymap:  # binding id -> keys, e.g. {"star": "x"}
            self.set_keymap(self._initial_keymap)

    @property
    def main(self) -> MainScreen:
        """The reader screen (always at the bottom of the stack)."""
        screen = self.screen_stack[0] if self.screen_stack else None
        if not isinstance(screen, MainScreen):
            raise LookupError("the reader screen is not running")
        return screen

    # -- refresh ------------------------------------------------------------

    def action_refresh_selected(self) -> None:
        """r: refresh the selected feed (or the feeds of the selected folder)."""
        main = self.main
        source = main.source
        if source is None or source.kind == "smart":
            self.start_refresh(None)
        elif source.feed is not None:
            self.start_refresh([source.feed.id])
        else:
            folder = source.view.folder or ""
            ids = [
                f.id
                for f in main.feeds.values()
                if f.folder and (f.folder == folder or f.folder.startswith(folder + "/"))
            ]
            self.start_refresh(ids)

    def action_refresh_all(self) -> None:
        self.start_refresh(None)

    def start_refresh(self, feed_ids: list[int] | None) -> None:
        """Start a refresh in a thread worker unless one is running."""
        if self.refreshing:
            self.notify("A refresh is already running.", markup=False)
            return
        feeds = self.main.feeds.values()
        total = len(feed_ids) if feed_ids is not None else sum(1 for f in feeds if not f.gone)
        if total == 0:
            self.notify("No feeds to refresh. Press a to add one.", markup=False)
            return
        self.refreshing = True
        self.main.status.refresh_started(total)
        _start_resource_tracker()
        self._refresh(feed_ids)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def _refresh(self, feed_ids: list[int] | None) -> None:
        """Fetch in this thread; progress and the summary go back as messages."""
        worker = get_current_worker()

        def progress(done: int, total: int, result: object) -> None:
            if worker.is_cancelled:
                raise RefreshCancelled
            self.post_message(RefreshProgress(done, total, result))  # type: ignore[arg-type]

        try:
            summary = self.library.refresh(feed_ids, progress=progress)
        except RefreshCancelled:
            return
        except Exception as exc:  # reported in the status line, never a crash
            self.post_message(RefreshFinished(None, error=safe.clean(str(exc)) or repr(exc)))
            return
        finally:
            self.library.release_thread()
        self.post_message(RefreshFinished(summary))

    def on_refresh_progress(self, message: RefreshProgress) -> None:
        main = self.main
        main.status.refresh_progress(message.done, message.total, message.result.failed)
        now = time.monotonic()
        if now - self._counts_at >= COUNTS_INTERVAL:
            self._counts_at = now
            main.refresh_live()
        elif not self._counts_timer:
            self._counts_timer = True
            self.set_timer(COUNTS_INTERVAL, self._late_counts)

    def _late_counts(self) -> None:
        self._counts_timer = False
        self._counts_at = time.monotonic()
        if self.refreshing:
            self.main.refresh_live()

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        self.refreshing = False
        main = self.main
        summary = message.summary
        if summary is None:
            main.status.refresh_finished(f"Refresh failed: {message.error}")
            self.notify(f"Refresh failed: {message.error}", severity="error", markup=False)
            return
        failed = summary.failed
        text = f"Refreshed {len(summary.results)}: {summary.new} new"
        if failed:
            text += f", {len(failed)} failed"
        main.status.refresh_finished(text)
        main.after_refresh()
        if failed:
            first = failed[0]
            self.notify(
                f"{len(failed)} feeds failed. {safe.clean(first.title)}: {safe.clean(first.error)}",
                severity="warning",
                markup=False,
            )
        self._convert_pending()

    @work(thread=True, exclusive=True, group="convert", exit_on_error=False)
    def _convert_pending(self) -> None:
        """Convert new articles to Markdown in the background, so opening them is instant."""
        worker = get_current_worker()
        try:
            while not worker.is_cancelled and self.library.convert_pending(100):
                pass
        finally:
            self.library.release_thread()

    # -- feeds --------------------------------------------------------------

    def action_add_feed(self) -> None:
        def added(feed_id: int | None) -> None:
            if feed_id is not None:
                self.main.select_feed(feed_id)
                self.notify("Feed added.", markup=False)

        self.push_screen(AddFeedScreen(self.library), added)

    def action_delete_feed(self) -> None:
        source = self.main.source
        if source is None or source.feed is None:
            self.notify("Select a feed in the feed list to delete it.", markup=False)
            return
        feed = source.feed

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            removed, articles, notes = self.library.remove_feed(str(feed.id))
            self.main.feed_removed(removed.id)
            extra = f" and {notes} notes" if notes else ""
            self.notify(
                f"Deleted {safe.clean(removed.title)} ({articles} articles{extra}).",
                markup=False,
            )

        message = (
            f"Delete the feed {safe.clean(feed.title)}?\n"
            f"Its {feed.total} articles and their notes go with it."
        )
        self.push_screen(ConfirmScreen(message, "Delete"), confirmed)

    # -- help and quit ------------------------------------------------------

    def key_help(self) -> list[tuple[str, str]]:
        """(key, description) of every binding the reader has, with the keymap applied.

        Reader-wide keys come first; keys that only work in one pane say which.
        """
        keymap: dict[str, str] = getattr(self, "_keymap", {}) or {}
        groups: tuple[tuple[str, Iterable[object]], ...] = (
            ("", MainScreen.BINDINGS),
            ("", [Binding("ctrl+p", "command_palette", tooltip="Command palette", id="palette")]),
            ("Feed list: ", FeedList.BINDINGS),
            ("Article list: ", ArticleList.BINDINGS),
            ("Article: ", ArticlePane.BINDINGS),
            ("Note: ", NotesPanel.BINDINGS),
        )
        rows: list[tuple[str, str]] = []
        for where, bindings in groups:
            for binding in bindings:
                if not isinstance(binding, Binding):
                    continue
                key = keymap.get(binding.id or "", binding.key)
                text = binding.tooltip or binding.description
                rows.append(
                    (key_display(key), where + text[:1].lower() + text[1:] if where else text)
                )
        return rows

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.key_help()))

    async def action_quit(self) -> None:
        """ctrl+q and the palette's Quit also save the note first."""
        self.action_quit_app()

    def action_quit_app(self) -> None:
        """Save the note being written, then leave; a note that cannot be saved holds q once."""
        if not self.main.notes.flush() and not self._quit_anyway:
            self._quit_anyway = True
            self.notify(
                "The note could not be saved (see the notes panel). Press q again to quit anyway.",
                severity="error",
                markup=False,
            )
            return
        self.quitting = True
        self.exit(0)


def run_app(library: Library) -> int:
    """Run the reader until the user quits; returns the exit code."""
    app = GazetteApp(library)
    app.run()
    return app.return_code or 0

"""Refreshing from the app: start, stop, auto-refresh, progress and the summaries.

The refresh runs in a thread worker (``Library.refresh``) that reports each
feed with ``RefreshProgress`` and the end with ``RefreshFinished`` or
``RefreshHalted``; the app's handlers pass those to ``Refresher``, which
keeps the state of the one refresh that may run at a time.  By hand (r, R),
or on a timer for auto-refresh (which asks ``Library.due_feeds`` in a worker
too); ``x`` stops it and keeps the feeds already written.  While it runs the
counts are redrawn at most every ``COUNTS_INTERVAL`` seconds.

Sync accounts are synced by the same worker after the feeds (``Library.sync``,
reporting its steps with ``SyncProgress``): a refresh of everything (R, and
auto-refresh when an account is due) or ``r`` on an account or one of its
feeds.  ``x`` stops a sync too; what it wrote stays, what it had not sent
stays queued.
"""

from __future__ import annotations

import sys
import threading
import time
from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import get_current_worker

from tui.core import (
    Account,
    InputError,
    RefreshStopped,
    RefreshSummary,
    SyncResult,
    folders,
    plural,
)
from tui.ui import safe
from tui.ui.messages import RefreshFinished, RefreshProgress, SyncProgress
from tui.ui.workers import library_call

if TYPE_CHECKING:
    from tui.ui.app import GazetteApp

#: Counts are re-read at most this often while a refresh reports progress.
COUNTS_INTERVAL = 0.5
#: Seconds between auto-refresh checks (which feeds are due); tests pass less.
AUTO_REFRESH_EVERY = 60.0


class RefreshCancelled(Exception):
    """Raised from the progress callback to stop a refresh the app abandoned."""


class RefreshHalted(Message):
    """The refresh worker ended because its stop event was set (``RefreshStopped``).

    Why not ``RefreshFinished``: a stopped refresh has no summary; what it did
    is what its ``RefreshProgress`` messages said, and those were all posted
    (so are handled) before this one.
    """


class FeedsDue(Message):
    """The auto-refresh check found these feeds due (possibly none), and
    whether a sync account is due."""

    def __init__(self, feed_ids: list[int], sync: bool = False) -> None:
        super().__init__()
        self.feed_ids = feed_ids
        self.sync = sync


def start_resource_tracker() -> None:
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


def halted_text(done: int, total: int, new: int, failed: int) -> str:
    """ "Refresh stopped: 3 of 8 feeds done, 5 new articles, 1 failed"."""
    text = f"Refresh stopped: {done} of {plural(total, 'feed')} done, {plural(new, 'new article')}"
    return text + (f", {failed} failed" if failed else "")


def synced_text(results: tuple[SyncResult, ...]) -> str:
    """ "home: 12 new, 3 sent", "home: offline, 3 changes waiting", per account."""
    parts = []
    for r in results:
        if r.stopped:
            parts.append(f"{r.account}: sync stopped")
        elif r.error:
            waiting = f", {plural(r.pending, 'change')} waiting" if r.pending else ""
            parts.append(f"{r.account}: {_sync_problem(r)}{waiting}")
        else:
            sent = f", {r.sent} sent" if r.sent else ""
            refused = f", {r.refused} refused" if r.refused else ""
            parts.append(f"{r.account}: {r.new} new{sent}{refused}")
    return "; ".join(parts)


def _sync_problem(result: SyncResult) -> str:
    """The short word for a failed sync on the status line (the notification says more)."""
    if result.auth_failed:
        return "login needed"
    return "offline" if result.offline else "sync failed"


def finished_text(feeds: int, new: int, failed: int, *, auto: bool) -> str:
    """ "Refreshed 8: 5 new articles, 1 failed", or the quieter auto-refresh line."""
    if auto:
        found = plural(new, "new article") if new else "No new articles"
        text = f"{found} (auto-refresh, {plural(feeds, 'feed')})"
    else:
        text = f"Refreshed {feeds}: {plural(new, 'new article')}"
    return text + (f", {failed} failed" if failed else "")


class Refresher:
    """The app's one refresh at a time: its worker, its state and what it tells the user."""

    def __init__(self, app: GazetteApp) -> None:
        self.app = app
        self.library = app.library
        self.running = False
        self._auto = False
        # The user asked the running refresh to stop (x), as opposed to quitting.
        self._stopping = False
        # Set to make the running refresh stop now (see stop).
        self._stop = threading.Event()
        # New articles and failures reported so far by the running refresh.
        self._new = 0
        self._failed = 0
        self._counts_at = 0.0
        self._counts_timer = False

    # -- starting -----------------------------------------------------------

    def selected(self) -> None:
        """r: refresh the selected feed (or the feeds of the selected folder).

        A folder's feeds are those its node counts and lists, by the one
        folder rule (:func:`tui.core.folders.contains`).
        """
        main = self.app.main
        source = main.source
        if source is None or source.kind == "smart":
            self.start(None)
        elif source.kind == "account" or (source.feed is not None and source.feed.account):
            self.start([], sync=True)
        elif source.feed is not None:
            self.start([source.feed.id])
        else:
            folder = source.view.folder
            self.start([f.id for f in main.feeds.values() if folders.contains(folder, f.folder)])

    def tick(self) -> None:
        """Timer tick: look for due feeds (see ``Library.due_feeds``) in a worker.

        Never starts a second refresh: when one is running (by hand or not),
        the due feeds wait for the next tick.
        """
        app = self.app
        if self.running or app.quitting or not app.screen_stack:
            return
        now = int(app.clock())
        minutes = app.config.refresh.interval_minutes
        app.run_worker(
            partial(self._find_due, minutes, now),
            name="due feeds",
            group="due",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def _find_due(self, minutes: int, now: int) -> None:
        lib = self.library

        def find() -> tuple[list[int], bool]:
            return lib.due_feeds(minutes, now=now), lib.accounts_due(minutes, now=now)

        found = library_call(lib, find)
        if found.value is None or get_current_worker().is_cancelled:
            return
        feed_ids, sync = found.value
        if feed_ids or sync:
            self.app.post_message(FeedsDue(feed_ids, sync))

    def due(self, message: FeedsDue) -> None:
        """The check found due feeds: refresh them, unless a refresh began meanwhile."""
        if not (self.running or self.app.quitting or not self.app.screen_stack):
            self.start(message.feed_ids, auto=True, sync=message.sync)

    def start(
        self,
        feed_ids: list[int] | None,
        *,
        auto: bool = False,
        waited: bool = False,
        sync: bool | None = None,
    ) -> None:
        """Start a refresh in a thread worker unless one is running.

        The feed list is read in the background at startup; a refresh asked
        for before it has arrived waits for it (once: ``waited``) instead of
        finding no feeds to refresh.  ``sync``: sync the accounts after the
        feeds (default: when refreshing everything and there are accounts).
        """
        app = self.app
        if not waited and not app.main.tally.loaded:
            app.main.refresh_counts(
                then=partial(self.start, feed_ids, auto=auto, waited=True, sync=sync)
            )
            return
        if sync is None:
            sync = feed_ids is None and bool(app.main.tally.accounts)
        if self.running:
            if not auto:
                busy = (
                    "The refresh is stopping; try again in a moment."
                    if self._stopping
                    else f"A refresh is already running. {self.stop_hint()}"
                )
                app.notify(busy, markup=False)
            return
        self._auto = auto
        feeds = app.main.feeds.values()
        if feed_ids is None:
            total = sum(1 for f in feeds if not f.gone and f.account is None)
        else:
            total = len(feed_ids)
        if total == 0 and not sync:
            app.notify("No feeds to refresh. Press a to add one.", markup=False)
            return
        self.running = True
        self._stopping = False
        self._new = self._failed = 0
        key = app.key_for("stop_refresh")
        app.main.status.refresh_started(total, hint=f"{key} to stop" if key else "")
        start_resource_tracker()
        self._stop = threading.Event()
        app.run_worker(
            partial(self._run, feed_ids, self._stop, sync),
            name="refresh",
            group="refresh",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def stop_hint(self) -> str:
        """How to stop a refresh, for messages: "Press x to stop it."."""
        key = self.app.key_for("stop_refresh")
        if key:
            return f"Press {key} to stop it."
        return "Run Stop refresh from the command palette (ctrl+p) to stop it."

    # -- stopping -----------------------------------------------------------

    def stop(self) -> None:
        """Make a running refresh stop at once, mid-download included.

        Quitting must not wait for it: the refresh runs in a pooled thread,
        which the interpreter joins on exit, so a feed taking 30 s to answer
        kept the process (and the terminal) for up to 30 s after the reader
        closed.  What the refresh already wrote is kept.
        """
        self._stop.set()

    def stop_by_user(self) -> None:
        """x: stop the running refresh on purpose; the feeds already written stay.

        The worker then ends with ``RefreshStopped`` and reports it as
        ``RefreshHalted``; ``halted`` says how far it got.
        """
        if not self.running:
            self.app.notify("No refresh is running.", markup=False)
            return
        if self._stopping:
            return
        self._stopping = True
        self.app.main.status.refresh_stopping()
        self.stop()

    # -- the worker ---------------------------------------------------------

    def _run(self, feed_ids: list[int] | None, stop: threading.Event, sync: bool) -> None:
        """Fetch (then sync) in this thread; progress and the summary go back as messages."""
        worker = get_current_worker()
        app = self.app

        def progress(done: int, total: int, result: object) -> None:
            if worker.is_cancelled:
                raise RefreshCancelled
            app.post_message(RefreshProgress(done, total, result))  # type: ignore[arg-type]

        def step(what: str) -> None:
            if not worker.is_cancelled:
                app.post_message(SyncProgress(what))

        synced: tuple[SyncResult, ...] = ()
        try:
            if feed_ids is None or feed_ids:
                summary = self.library.refresh(feed_ids, progress=progress, stop=stop)
            else:
                summary = RefreshSummary(())
            if sync and not stop.is_set():
                synced = tuple(self.library.sync(passwords=self._password, stop=stop, report=step))
        except RefreshCancelled:
            return
        except RefreshStopped:
            if not app.quitting:  # quitting: nobody is left to tell
                app.post_message(RefreshHalted())
            return
        except Exception as exc:  # reported in the status line, never a crash
            app.post_message(RefreshFinished(None, error=safe.clean(str(exc)) or repr(exc)))
            return
        finally:
            self.library.release_thread()
        app.post_message(RefreshFinished(summary, synced=synced))

    def _password(self, account: Account) -> str | None:
        """A sync account's password from the config's ``password_command``
        (the app cannot ask on the terminal it draws on)."""
        from tui.config import password_from_command

        command = self.app.config.sync.password_command
        if not command:
            return None
        try:
            return password_from_command(command, account.name, account.username)
        except ValueError as exc:
            raise InputError(str(exc)) from None

    # -- what the worker reports --------------------------------------------

    def sync_progress(self, message: SyncProgress) -> None:
        main = self.app.reader
        if main is not None and self.running:
            main.status.sync_progress(message.step)

    def progress(self, message: RefreshProgress) -> None:
        """One more feed done: the status line at once, the counts at most every interval."""
        self._new += message.result.new
        self._failed += int(message.result.failed)
        main = self.app.reader
        if main is None:
            return
        main.status.refresh_progress(message.done, message.total, message.result.failed)
        now = time.monotonic()
        if now - self._counts_at >= COUNTS_INTERVAL:
            self._counts_at = now
            main.refresh_live()
        elif not self._counts_timer:
            self._counts_timer = True
            self.app.set_timer(COUNTS_INTERVAL, self._late_counts)

    def _late_counts(self) -> None:
        self._counts_timer = False
        self._counts_at = time.monotonic()
        main = self.app.reader
        if self.running and main is not None:
            main.refresh_live()

    def halted(self) -> None:
        """The refresh stopped before its end (the user pressed x): say how far it got.

        The lists and counts are redrawn as after a finished refresh, so what
        was written shows; a new refresh can start at once.
        """
        app = self.app
        main = app.reader
        if app.quitting or main is None:
            return
        self.running = False
        self._stopping = False
        text = halted_text(main.status.done, main.status.total, self._new, self._failed)
        main.status.refresh_finished(text)
        main.after_refresh()
        app.notify(text, markup=False)
        self.convert_pending()

    def finished(self, message: RefreshFinished) -> None:
        """The refresh ended: the summary in the status line, failures in a notification."""
        self.running = False
        self._stopping = False
        app = self.app
        main = app.reader
        if main is None:
            return
        summary = message.summary
        if summary is None:
            main.status.refresh_finished(f"Refresh failed: {message.error}")
            app.notify(f"Refresh failed: {message.error}", severity="error", markup=False)
            return
        failed = summary.failed
        text = finished_text(len(summary.results), summary.new, len(failed), auto=self._auto)
        if message.synced:
            synced = synced_text(message.synced)
            text = synced if not summary.results else f"{text}; {synced}"
        main.status.refresh_finished(text)
        main.after_refresh()
        broken = [r for r in message.synced if r.error and not r.stopped]
        if broken and not self._auto:
            app.notify(safe.clean(broken[0].error), severity="warning", markup=False)
        if failed and not self._auto:  # the feed list marks them; no toast every hour
            first = failed[0]
            app.notify(
                f"{plural(len(failed), 'feed')} failed. "
                f"{safe.clean(first.title)}: {safe.clean(first.error)}",
                severity="warning",
                markup=False,
            )
        self.convert_pending()
        self.fetch_full_texts()

    def fetch_full_texts(self) -> None:
        """Fetch the full articles of feeds set to "always" in the background,
        one page at a time (``Library.fetch_wanted_full_texts``)."""
        self.app.run_worker(
            self._fetch_full_texts,
            name="fetch full texts",
            group="full-texts",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def _fetch_full_texts(self) -> None:
        worker = get_current_worker()
        library_call(
            self.library,
            lambda: self.library.fetch_wanted_full_texts(stop=lambda: worker.is_cancelled),
        )

    def convert_pending(self) -> None:
        """Convert new articles to Markdown in the background, so opening them is instant."""
        self.app.run_worker(
            self._convert,
            name="convert pending",
            group="convert",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def _convert(self) -> None:
        worker = get_current_worker()

        def convert() -> None:
            while not worker.is_cancelled and self.library.convert_pending(100):
                pass

        library_call(self.library, convert)

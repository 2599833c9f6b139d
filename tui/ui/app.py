"""The Gazette app: screens, refresh workers and the app-wide actions.

The reader screen (``screens/main.py``) owns the layout and the keys; this
module owns what spans screens: refreshing in a thread worker that reports
with messages (by hand, and on a timer for auto-refresh; ``x`` stops it and
keeps the feeds already written), the add/delete/help
dialogs, quitting without losing a note, and applying the configuration
(theme, keymap, reading settings, browser).  It talks to the core only
through ``Library``.

SIGTERM and SIGHUP (``kill``, a closed terminal window) save the note
being written and exit, like ``q``: a handler on the running asyncio loop
(installed at mount, on the main thread, removed at unmount) flushes the
notes panel before anything else happens.  Without it Python dies on the
spot and up to a second of typing is lost.  Palette "Export notes" runs the
export in a thread worker and reports its summary in a notification.

Configuration problems never stop the app: ``load_config`` already turned
them into warnings, and this module adds its own (an unknown theme or
binding id, a bad theme file); all are shown once, in one notification,
and the app runs on the defaults for whatever was wrong.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, SuspendNotSupported, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from tui.config import CONFIG_NAME, Config, ReadingConfig
from tui.core import folders
from tui.core.errors import GazetteError, RefreshStopped
from tui.core.export import ExportReport
from tui.core.library import ImportReport, Library
from tui.core.models import Article
from tui.core.wording import plural
from tui.ui import browser, safe, themes
from tui.ui.commands import ReaderCommands, key_display
from tui.ui.messages import RefreshFinished, RefreshProgress
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.main import MainScreen
from tui.ui.settings_commands import SettingsCommands
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.article_pane import ArticlePane
from tui.ui.widgets.feed_list import FeedList
from tui.ui.widgets.notes import NotesPanel

if TYPE_CHECKING:
    from tui.ui.screens.feed_settings import FeedEdit

# Counts are re-read at most this often while a refresh reports progress.
COUNTS_INTERVAL = 0.5
#: Seconds between auto-refresh checks (which feeds are due); tests pass less.
AUTO_REFRESH_EVERY = 60.0
#: Signals that save the note and exit (the ones this platform has).
EXIT_SIGNALS = tuple(
    sig for sig in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if sig
)
#: After a signal, seconds the app has to exit before the process leaves anyway
#: (the note is saved by then; a dead terminal must not keep it running).
SIGNAL_EXIT_GRACE = 5.0
#: Export warnings shown in the notification (the rest are counted).
EXPORT_WARNINGS_SHOWN = 3
#: Dialogs imported when first opened, not at startup (the help screen's table
#: widget alone is a noticeable part of the import time).
LATE_SCREENS = (
    "tui.ui.screens.add_feed",
    "tui.ui.screens.feed_settings",
    "tui.ui.screens.help",
)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def known_binding_ids() -> set[str]:
    """Every binding id a keymap may name: those of all loaded widgets, screens and apps.

    Why walk the classes: widgets and screens declare their own ``BINDINGS``
    (with ids), and a new one must become remappable without a list to
    keep in step.
    """

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for module in LATE_SCREENS:  # their bindings can be remapped before they are opened
        importlib.import_module(module)
    ids: set[str] = set()
    for cls in subclasses(DOMNode):
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


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


class ExportFinished(Message):
    """The export worker is done: a report, or the error that stopped it."""

    def __init__(
        self, folder: Path, report: ExportReport | None, error: str = "", *, query: str | None
    ) -> None:
        super().__init__()
        self.folder = folder
        self.report = report
        self.error = error
        self.query = query


def export_message(folder: Path, report: ExportReport, *, query: str | None = None) -> str:
    """The notification text: the summary line, then a few warnings, one a line."""
    what = "Notes matching the search" if query is not None else "Notes"
    lines = [f"{what} exported to {safe.clean(str(folder))}: {report.summary()}"]
    shown = report.warnings[:EXPORT_WARNINGS_SHOWN]
    lines.extend(safe.clean(w) for w in shown)
    more = len(report.warnings) - len(shown)
    if more:
        lines.append(f"and {more} more")
    return "\n".join(lines)


class RefreshCancelled(Exception):
    """Raised from the progress callback to stop a refresh the app abandoned."""


class RefreshHalted(Message):
    """The refresh worker ended because its stop event was set (``RefreshStopped``).

    Why not ``RefreshFinished``: a stopped refresh has no summary; what it did
    is what its ``RefreshProgress`` messages said, and those were all posted
    (so are handled) before this one.
    """


class ReaderScreen(MainScreen):
    """The reader screen with the ``[reading]`` settings applied.

    Why a subclass: the settings are app configuration, and applying them
    here keeps the reader screen itself free of config handling; what it
    needs is the initial sort, the body width and whether opening marks read.
    """

    def __init__(
        self,
        library: Library,
        *,
        clock: Callable[[], float] = time.time,
        reading: ReadingConfig | None = None,
    ) -> None:
        super().__init__(library, clock=clock)
        self.reading_config = reading or ReadingConfig()

    def on_mount(self) -> None:
        """Runs before ``MainScreen.on_mount`` (handlers run subclass first), so
        every view is shown in the configured order until O flips it."""
        self.newest_first_default = self.reading_config.sort != "oldest"
        width = self.reading_config.article_width
        if width > 0:
            for body in self.query("#article-body"):
                body.styles.max_width = width

    def open_article(self, article: Article, *args: Any, **kwargs: Any) -> None:
        """Open without marking read when ``mark_read_on_open`` is off.

        The screen marks an article read when it opens an unread one; handing
        it the article as already read skips that, and the pane then gets the
        real (unread) state back so "m" still marks it read.
        """
        if article.read or self.reading_config.mark_read_on_open:
            super().open_article(article, *args, **kwargs)
            return
        super().open_article(replace(article, read=True), *args, **kwargs)
        if self.pane.article is not None and self.pane.article.id == article.id:
            self.pane.article = article


class GazetteApp(App[int]):
    """A terminal news reader over one ``Library``."""

    CSS_PATH = "app.tcss"
    TITLE = "Gazette"
    COMMANDS: ClassVar = App.COMMANDS | {ReaderCommands, SettingsCommands}

    def __init__(
        self,
        library: Library,
        *,
        clock: Callable[[], float] = time.time,
        keymap: dict[str, str] | None = None,
        config: Config | None = None,
        warnings: Sequence[str] = (),
        config_file: Path | None = None,
        theme_dirs: Sequence[Path] = (),
        auto_refresh_every: float = AUTO_REFRESH_EVERY,
    ) -> None:
        """``config`` None means "no user configuration": Textual's default
        theme, the default settings.  ``config_file`` is where a theme chosen
        in the app is saved (None: nowhere, as in tests).  ``theme_dirs`` hold
        user themes, loaded after the shipped ones.  ``auto_refresh_every``
        is how often (seconds) to look for due feeds; 0 turns the timer off.
        """
        super().__init__()
        self.library = library
        self.clock = clock
        self.config = config or Config()
        self.config_file = config_file
        self.refreshing = False
        self.quitting = False
        self._counts_at = 0.0
        self._counts_timer = False
        self._quit_anyway = False
        self._auto_refresh = False
        self._auto_refresh_every = auto_refresh_every
        # Set to make the running refresh stop now (see _stop_refresh).
        self._refresh_stop = threading.Event()
        # The user asked the running refresh to stop (x), as opposed to quitting.
        self._stopping = False
        # New articles and failures reported so far by the running refresh.
        self._refresh_new = 0
        self._refresh_failed = 0
        self._where = str(config_file) if config_file else CONFIG_NAME
        self.exporting = False
        self._signals: list[int] = []
        self._startup_notes: list[str] = list(warnings)
        self.theme_names: list[str] = []
        self._install_themes(theme_dirs, apply=config is not None)
        self._initial_keymap = self._checked_keymap({**self.config.keybindings, **(keymap or {})})

    def get_default_screen(self) -> MainScreen:
        return ReaderScreen(self.library, clock=self.clock, reading=self.config.reading)

    def on_mount(self) -> None:
        self._install_signal_handlers()
        if self._initial_keymap:  # binding id -> keys, e.g. {"star": "x"}
            self.set_keymap(self._initial_keymap)
        if self._startup_notes:
            self.notify(
                "\n".join(safe.clean(line) for line in self._startup_notes),
                title="Configuration",
                severity="warning",
                timeout=15,
                markup=False,
            )
            self._startup_notes.clear()
        if self._auto_refresh_every > 0:
            self.set_interval(self._auto_refresh_every, self.auto_refresh, name="auto-refresh")

    def on_unmount(self) -> None:
        self._stop_refresh()
        self._remove_signal_handlers()

    # -- signals ------------------------------------------------------------

    def _install_signal_handlers(self) -> None:
        """SIGTERM/SIGHUP save the note and exit (see the module doc).

        Only on the main thread (Python's rule for signal handlers), and not
        on platforms without ``add_signal_handler`` (Windows).
        """
        if threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        for sig in EXIT_SIGNALS:
            try:
                loop.add_signal_handler(sig, self._exit_on_signal, sig)
            except (NotImplementedError, RuntimeError, ValueError, OSError):
                continue
            self._signals.append(sig)

    def _remove_signal_handlers(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        for sig in self._signals:
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(sig)
        self._signals.clear()

    def _exit_on_signal(self, signum: int) -> None:
        """Flush the note, then exit with 128 + the signal number.

        Runs as a loop callback (not inside the signal handler), so saving is
        an ordinary call on the UI thread.  If the note cannot be saved the app
        still exits: it was told to; the panel's unmount retries once more.
        A watchdog ends the process if leaving takes too long (the exit
        writing to a terminal that is gone, a refresh thread still fetching);
        by then the note is in the database, and SQLite rolls back whatever
        transaction is cut short.  It is a daemon thread: a normal exit ends it.
        """
        with contextlib.suppress(Exception):
            self.main.notes.flush()
        if self.quitting:
            return
        self.quitting = True
        self._stop_refresh()
        code = 128 + int(signum)
        if not self.is_headless:
            watchdog = threading.Timer(SIGNAL_EXIT_GRACE, os._exit, args=(code,))
            watchdog.daemon = True
            watchdog.start()
        self.exit(None, return_code=code)

    # -- configuration ------------------------------------------------------

    def _install_themes(self, theme_dirs: Sequence[Path], *, apply: bool) -> None:
        """Register the shipped and user themes; switch to the configured one."""
        loaded = themes.load_themes([themes.shipped_theme_dir(), *theme_dirs])
        for theme in loaded.themes:
            self.register_theme(theme)
        self.theme_names = [t.name for t in loaded.themes]
        self._startup_notes.extend(loaded.problems)
        if apply:
            name = self.config.theme
            if name not in self.available_themes:
                fallback = (
                    themes.DEFAULT_THEME
                    if themes.DEFAULT_THEME in self.available_themes
                    else "textual-dark"
                )
                self._startup_notes.append(
                    f"{self._where}: theme: no theme named {name!r}; using {fallback}"
                )
                name = fallback
            self.theme = name
        self._saved_theme = self.theme

    def _checked_keymap(self, keymap: dict[str, str]) -> dict[str, str]:
        """The keymap without ids no binding has (each reported as one line)."""
        if not keymap:
            return {}
        known = known_binding_ids()
        good: dict[str, str] = {}
        for binding_id, keys in keymap.items():
            if binding_id in known:
                good[binding_id] = keys
            else:
                self._startup_notes.append(
                    f"{self._where}: keybindings.{binding_id}: no binding has this id "
                    "(see the keys table in the README)"
                )
        return good

    def watch_theme(self, name: str) -> None:
        """Remember a theme chosen in the app in config.toml (one line edited)."""
        if self.config_file is None or name == getattr(self, "_saved_theme", name):
            return
        self._saved_theme = name
        try:
            themes.save_theme_choice(self.config_file, name)
        except (OSError, ValueError) as exc:
            self.notify(f"Theme not saved: {safe.clean(str(exc))}", severity="error", markup=False)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own "Theme" picker is left out: Gazette's palette offers
        each theme by name (``SettingsCommands``), and one way is enough."""
        for command in super().get_system_commands(screen):
            if command.title != "Theme":
                yield command
        yield from self.opml_commands()

    # -- OPML import and export (palette) -----------------------------------
    #
    # "Import OPML…" and "Export OPML…" ask for a path (PromptScreen), which
    # checks only what is cheap and fixable in place: a blank path, a missing
    # file or folder, a file about to be replaced.  Reading, parsing and
    # writing run in a thread worker (through Library) that reports with
    # OpmlFinished; the result or the error is one notification line.

    #: Where "Export OPML…" suggests writing.
    OPML_EXPORT_DEFAULT = "~/gazette-feeds.opml"

    class OpmlFinished(Message):
        """An OPML import or export ended: what it did, or why it failed."""

        def __init__(
            self,
            action: str,
            path: Path,
            *,
            report: ImportReport | None = None,
            written: int | None = None,
            error: str = "",
        ) -> None:
            super().__init__()
            self.action = action  # "Import" or "Export"
            self.path = path
            self.report = report
            self.written = written
            self.error = error

    def opml_commands(self) -> Iterator[SystemCommand]:
        """The palette's OPML commands (help texts are markup: no user text in them)."""
        yield SystemCommand(
            "Import OPML…", "Subscribe to the feeds in an OPML file", self.action_import_opml
        )
        yield SystemCommand(
            "Export OPML…", "Write every subscription to an OPML file", self.action_export_opml
        )

    @staticmethod
    def _typed_path(text: str) -> Path | None:
        text = text.strip()
        return Path(os.path.expanduser(text)) if text else None

    def _opml_busy(self) -> bool:
        if any(w.is_running for w in self.workers if w.group == "opml"):
            self.notify("An OPML import or export is already running.", markup=False)
            return True
        return False

    def action_import_opml(self) -> None:
        """Palette "Import OPML…": ask for the file, then import it in a worker."""
        from tui.ui.screens.prompt import PromptScreen

        if self._opml_busy():
            return

        def check(text: str) -> str | None:
            path = self._typed_path(text)
            if path is None:
                return "Type the path of an OPML file."
            if not path.is_file():
                problem = "Not a file" if path.exists() else "No such file"
                return f"{problem}: {safe.clean(str(path))}"
            return None

        def chosen(text: str | None) -> None:
            path = self._typed_path(text or "")
            if path is not None:
                self._import_opml(path)

        prompt = PromptScreen(
            "Import OPML",
            "Subscribe to the feeds in this OPML file",
            check,
            action="Import",
            placeholder="~/feeds.opml",
        )
        self.push_screen(prompt, chosen)

    def action_export_opml(self) -> None:
        """Palette "Export OPML…": ask where, then write the file in a worker.

        An existing file is replaced only when Enter is pressed again on the
        same path (the dialog says so first).
        """
        from tui.ui.screens.prompt import PromptScreen

        if self._opml_busy():
            return
        confirmed: list[Path] = []

        def check(text: str) -> str | None:
            path = self._typed_path(text)
            if path is None:
                return "Type the path of the file to write."
            if path.is_dir():
                return f"That is a folder: {safe.clean(str(path))}"
            if not path.parent.is_dir():
                return f"No such folder: {safe.clean(str(path.parent))}"
            if path.exists() and path not in confirmed:
                confirmed.append(path)
                return f"{safe.clean(path.name)} exists: press Enter again to replace it."
            return None

        def chosen(text: str | None) -> None:
            path = self._typed_path(text or "")
            if path is not None:
                self._export_opml(path)

        prompt = PromptScreen(
            "Export OPML",
            "Write every subscription to this file",
            check,
            value=self.OPML_EXPORT_DEFAULT,
            action="Export",
        )
        self.push_screen(prompt, chosen)

    @work(thread=True, exclusive=True, group="opml", exit_on_error=False)
    def _import_opml(self, path: Path) -> None:
        try:
            report = self.library.import_opml(path)
        except Exception as exc:  # reported in a notification, never a crash
            self.post_message(self.OpmlFinished("Import", path, error=self._one_line(exc)))
            return
        finally:
            self.library.release_thread()
        self.post_message(self.OpmlFinished("Import", path, report=report))

    @work(thread=True, exclusive=True, group="opml", exit_on_error=False)
    def _export_opml(self, path: Path) -> None:
        try:
            written = self.library.write_opml(path)
        except Exception as exc:  # reported in a notification, never a crash
            self.post_message(self.OpmlFinished("Export", path, error=self._one_line(exc)))
            return
        finally:
            self.library.release_thread()
        self.post_message(self.OpmlFinished("Export", path, written=written))

    @staticmethod
    def _one_line(exc: Exception) -> str:
        return safe.clean(str(exc)) or type(exc).__name__

    @on(OpmlFinished)
    def _opml_finished(self, message: OpmlFinished) -> None:
        if message.error:
            text = f"{message.action} OPML failed: {message.error}"
            self.notify(text, severity="error", timeout=10, markup=False)
            return
        if message.written is not None:
            where = safe.clean(str(message.path))
            self.notify(f"Exported {plural(message.written, 'feed')} to {where}.", markup=False)
            return
        report = message.report
        assert report is not None
        if report.added:
            self.main.refresh_counts()
        self.notify(self._import_text(report, message.path), markup=False)

    def _import_text(self, report: ImportReport, path: Path) -> str:
        """ "Imported 3 feeds from x.opml (1 already subscribed). Press R to fetch them." """
        name = safe.clean(path.name)
        skipped = len(report.skipped)
        if not report.added:
            if not skipped:
                return f"No feeds in {name}."
            return f"No new feeds in {name}: {plural(skipped, 'feed')} already subscribed."
        extra = f" ({skipped} already subscribed)" if skipped else ""
        key = self._key_for("refresh_all")
        fetch = f"Press {key} to fetch them." if key else "Refresh all feeds to fetch them."
        return f"Imported {plural(len(report.added), 'feed')} from {name}{extra}. {fetch}"

    # -- opening links ------------------------------------------------------

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Open a link with the configured browser command, else the system's.

        A terminal browser runs in the foreground while the reader is
        suspended; a graphical one is started in the background (see
        ``tui.ui.browser``).  When nothing can open the link, one line says
        why and how to copy it instead.
        """
        hint = self._copy_hint(url)
        command = self.config.browser
        if not command:
            self._open_with_system_browser(url, hint)
            return
        try:
            launch = browser.configured(command, self.config.browser_mode, url)
        except ValueError as exc:
            self._link_not_opened(f"browser = {command!r} in {self._where}: {exc}", hint)
            return
        if launch.terminal:
            self.run_in_terminal(launch, hint)
        else:
            problem = browser.start_detached(launch.argv)
            if problem:
                self._link_not_opened(problem, hint)

    @work(thread=True, group="browser", exit_on_error=False)
    def _open_with_system_browser(self, url: str, hint: str) -> None:
        """Ask Python's webbrowser (off the UI thread: it may look through PATH or wait)."""
        try:
            found = browser.system(url)
            if isinstance(found, browser.Launch):
                self.call_from_thread(self.run_in_terminal, found, hint)
                return
            if found is not None and found.open(url):
                return
            why = (
                f"No browser found: set browser in {self._where}"
                if found is None
                else "The system's browser did not open it"
            )
        except Exception as exc:  # whatever webbrowser meets is said, never silent
            why = f"The system's browser failed: {exc}"
        self.call_from_thread(self._link_not_opened, why, hint)

    def run_in_terminal(self, launch: browser.Launch, hint: str) -> None:
        """Hand the terminal to a terminal browser until it exits, then redraw.

        Where the app cannot suspend (no real terminal, Textual's web
        driver) the browser is not started: it would draw over the reader.
        """
        if shutil.which(launch.argv[0]) is None:
            self._link_not_opened(f"Cannot run the browser {launch.argv[0]}: not found", hint)
            return
        try:
            with self.suspend():
                problem = browser.run_in_terminal(launch.argv)
        except SuspendNotSupported:
            why = f"Cannot run {launch.name} here: this terminal cannot be handed over"
            self._link_not_opened(why, hint)
            return
        if problem:
            self.notify(safe.clean(problem), severity="warning", markup=False)

    def _copy_hint(self, url: str) -> str:
        """How to copy ``url`` instead: "press y to copy it", or Y and its number.

        The article's own link is copied by ``y``; a link of its text by
        ``Y`` and the number the pane shows after it (the keymap applied).
        """
        article, number = None, None
        with contextlib.suppress(LookupError):
            article = self.main.target()
            number = self.main.pane.link_number(url)
        if number is not None and (article is None or article.url != url):
            key, then = self._key_for("copy_link_number"), f" then {number}"
        else:
            key, then = self._key_for("copy_link"), ""
        if not key:
            return "copy it from the command palette (ctrl+p)"
        return f"press {key}{then} to copy it"

    def _link_not_opened(self, why: str, hint: str) -> None:
        """One line: why the link did not open, and how to copy it instead."""
        self.notify(f"{safe.clean(why)}; {hint}.", severity="warning", markup=False)

    @property
    def main(self) -> MainScreen:
        """The reader screen (always at the bottom of the stack)."""
        screen = self.screen_stack[0] if self.screen_stack else None
        if not isinstance(screen, MainScreen):
            raise LookupError("the reader screen is not running")
        return screen

    # -- refresh ------------------------------------------------------------

    def action_refresh_selected(self) -> None:
        """r: refresh the selected feed (or the feeds of the selected folder).

        A folder's feeds are those its node counts and lists, by the one
        folder rule (:func:`tui.core.folders.contains`).
        """
        main = self.main
        source = main.source
        if source is None or source.kind == "smart":
            self.start_refresh(None)
        elif source.feed is not None:
            self.start_refresh([source.feed.id])
        else:
            folder = source.view.folder
            ids = [f.id for f in main.feeds.values() if folders.contains(folder, f.folder)]
            self.start_refresh(ids)

    def action_refresh_all(self) -> None:
        self.start_refresh(None)

    def auto_refresh(self) -> None:
        """Timer tick: refresh the feeds that are due (see ``Library.due_feeds``).

        Never starts a second refresh: when one is running (by hand or not),
        the due feeds wait for the next tick.
        """
        if self.refreshing or self.quitting or not self.screen_stack:
            return
        ids = self.library.due_feeds(self.config.refresh.interval_minutes, now=int(self.clock()))
        if ids:
            self.start_refresh(ids, auto=True)

    def _key_for(self, binding_id: str) -> str:
        """The key(s) a reader binding has now (the keymap applied), as shown to users.

        A key the keymap also gives to another action is left out: that
        action gets the key press (``star = "x"`` took ``x`` from stopping a
        refresh), so naming it would send the user to the wrong action.
        """
        keymap: dict[str, str] = getattr(self, "_keymap", {}) or {}
        mine: list[str] = []
        taken: set[str] = set()
        for binding in MainScreen.BINDINGS:
            if not isinstance(binding, Binding):
                continue
            keys = [k.strip() for k in keymap.get(binding.id or "", binding.key).split(",")]
            if binding.id == binding_id:
                mine = keys
            else:
                taken.update(keys)
        free = [k for k in mine if k and k not in taken]
        return key_display(",".join(free)) if free else ""

    def _stop_hint(self) -> str:
        """How to stop a refresh, for messages: "Press x to stop it."."""
        key = self._key_for("stop_refresh")
        if key:
            return f"Press {key} to stop it."
        return "Run Stop refresh from the command palette (ctrl+p) to stop it."

    def start_refresh(self, feed_ids: list[int] | None, *, auto: bool = False) -> None:
        """Start a refresh in a thread worker unless one is running."""
        if self.refreshing:
            if not auto:
                busy = (
                    "The refresh is stopping; try again in a moment."
                    if self._stopping
                    else f"A refresh is already running. {self._stop_hint()}"
                )
                self.notify(busy, markup=False)
            return
        self._auto_refresh = auto
        feeds = self.main.feeds.values()
        total = len(feed_ids) if feed_ids is not None else sum(1 for f in feeds if not f.gone)
        if total == 0:
            self.notify("No feeds to refresh. Press a to add one.", markup=False)
            return
        self.refreshing = True
        self._stopping = False
        self._refresh_new = self._refresh_failed = 0
        key = self._key_for("stop_refresh")
        self.main.status.refresh_started(total, hint=f"{key} to stop" if key else "")
        _start_resource_tracker()
        self._refresh_stop = threading.Event()
        self._refresh(feed_ids, self._refresh_stop)

    def _stop_refresh(self) -> None:
        """Make a running refresh stop at once, mid-download included.

        Quitting must not wait for it: the refresh runs in a pooled thread,
        which the interpreter joins on exit, so a feed taking 30 s to answer
        kept the process (and the terminal) for up to 30 s after the reader
        closed.  What the refresh already wrote is kept.
        """
        self._refresh_stop.set()

    def action_stop_refresh(self) -> None:
        """x: stop the running refresh on purpose; the feeds already written stay.

        The worker then ends with ``RefreshStopped`` and reports it as
        ``RefreshHalted``; ``on_refresh_halted`` says how far it got.
        """
        if not self.refreshing:
            self.notify("No refresh is running.", markup=False)
            return
        if self._stopping:
            return
        self._stopping = True
        self.main.status.refresh_stopping()
        self._stop_refresh()

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def _refresh(self, feed_ids: list[int] | None, stop: threading.Event) -> None:
        """Fetch in this thread; progress and the summary go back as messages."""
        worker = get_current_worker()

        def progress(done: int, total: int, result: object) -> None:
            if worker.is_cancelled:
                raise RefreshCancelled
            self.post_message(RefreshProgress(done, total, result))  # type: ignore[arg-type]

        try:
            summary = self.library.refresh(feed_ids, progress=progress, stop=stop)
        except RefreshCancelled:
            return
        except RefreshStopped:
            if not self.quitting:  # quitting: nobody is left to tell
                self.post_message(RefreshHalted())
            return
        except Exception as exc:  # reported in the status line, never a crash
            self.post_message(RefreshFinished(None, error=safe.clean(str(exc)) or repr(exc)))
            return
        finally:
            self.library.release_thread()
        self.post_message(RefreshFinished(summary))

    def on_refresh_progress(self, message: RefreshProgress) -> None:
        self._refresh_new += message.result.new
        self._refresh_failed += int(message.result.failed)
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

    def on_refresh_halted(self, _message: RefreshHalted) -> None:
        """The refresh stopped before its end (the user pressed x): say how far it got.

        The lists and counts are redrawn as after a finished refresh, so what
        was written shows; a new refresh can start at once.
        """
        if self.quitting or not self.screen_stack:
            return
        self.refreshing = False
        self._stopping = False
        main = self.main
        done, total = main.status.done, main.status.total
        text = (
            f"Refresh stopped: {done} of {_plural(total, 'feed')} done, "
            f"{_plural(self._refresh_new, 'new article')}"
        )
        if self._refresh_failed:
            text += f", {self._refresh_failed} failed"
        main.status.refresh_finished(text)
        main.after_refresh()
        self.notify(text, markup=False)
        self._convert_pending()

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        self.refreshing = False
        self._stopping = False
        main = self.main
        summary = message.summary
        if summary is None:
            main.status.refresh_finished(f"Refresh failed: {message.error}")
            self.notify(f"Refresh failed: {message.error}", severity="error", markup=False)
            return
        failed = summary.failed
        if self._auto_refresh:
            found = _plural(summary.new, "new article") if summary.new else "No new articles"
            text = f"{found} (auto-refresh, {_plural(len(summary.results), 'feed')})"
        else:
            text = f"Refreshed {len(summary.results)}: {_plural(summary.new, 'new article')}"
        if failed:
            text += f", {len(failed)} failed"
        main.status.refresh_finished(text)
        main.after_refresh()
        if failed and not self._auto_refresh:  # the feed list marks them; no toast every hour
            first = failed[0]
            self.notify(
                f"{_plural(len(failed), 'feed')} failed. "
                f"{safe.clean(first.title)}: {safe.clean(first.error)}",
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
        from tui.ui.screens.add_feed import AddFeedScreen  # see LATE_SCREENS

        def added(feed_id: int | None) -> None:
            if feed_id is not None:
                self.main.select_feed(feed_id)
                self.notify("Feed added.", markup=False)

        source = self.main.source
        folder = source.view.folder if source is not None and source.kind == "folder" else None
        self.push_screen(AddFeedScreen(self.library, folder=folder or ""), added)

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
            extra = f" and {_plural(notes, 'note')}" if notes else ""
            self.notify(
                f"Deleted {safe.clean(removed.title)} ({_plural(articles, 'article')}{extra}).",
                markup=False,
            )

        message = (
            f"Delete the feed {safe.clean(feed.title)}?\n"
            f"Its {_plural(feed.total, 'article')} and "
            f"{'its note' if feed.total == 1 else 'their notes'} go with it."
        )
        self.push_screen(ConfirmScreen(message, "Delete"), confirmed)

    def action_feed_settings(self) -> None:
        """Palette "Feed settings": the selected feed's own title, interval, retention."""
        source = self.main.source
        if source is None or source.feed is None:
            self.notify("Select a feed in the feed list first.", markup=False)
            return
        feed = source.feed
        try:
            current = self.library.feed_settings(feed.id)
        except GazetteError as exc:
            self.notify(safe.clean(str(exc)), severity="error", markup=False)
            return

        def saved(edit: FeedEdit | None) -> None:
            if edit is None:
                return
            try:
                updated = self.library.set_feed_settings(feed.id, edit.settings)
                if edit.folder is not None:
                    updated = self.library.move_feed(str(feed.id), edit.folder)
            except GazetteError as exc:
                self.notify(safe.clean(str(exc)), severity="error", markup=False)
                return
            self.main.after_refresh()
            self.notify(f"Settings saved for {safe.clean(updated.title)}.", markup=False)

        from tui.ui.screens.feed_settings import FeedSettingsScreen  # see LATE_SCREENS

        screen = FeedSettingsScreen(feed, current, self.config, folders=self.library.folders())
        self.push_screen(screen, saved)

    # -- export -------------------------------------------------------------

    def export_notes(self, *, force: bool = False, query: str | None = None) -> None:
        """Palette "Export notes": write notes into the configured export folder.

        The note being typed is saved first so the export includes it.  With
        ``query`` only the noted articles the search matches are exported.
        """
        if self.exporting:
            self.notify("An export is already running.", markup=False)
            return
        with contextlib.suppress(LookupError):
            self.main.notes.flush()
        try:
            folder = self.config.export_path()
        except (OSError, RuntimeError, ValueError) as exc:  # e.g. ~ with no home
            self.notify(f"Export folder: {safe.clean(str(exc))}", severity="error", markup=False)
            return
        self.exporting = True
        self._export(folder, force, query)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, folder: Path, force: bool, query: str | None) -> None:
        """Export in this thread; the report goes back as a message."""
        try:
            report = self.library.export_notes(folder, force=force, query=query)
        except Exception as exc:  # reported in a notification, never a crash
            error = safe.clean(str(exc)) or type(exc).__name__
            self.post_message(ExportFinished(folder, None, error, query=query))
            return
        finally:
            self.library.release_thread()
        self.post_message(ExportFinished(folder, report, query=query))

    def on_export_finished(self, message: ExportFinished) -> None:
        self.exporting = False
        report = message.report
        if report is None:
            self.notify(
                f"Export failed: {message.error}", severity="error", timeout=10, markup=False
            )
            return
        self.notify(
            export_message(message.folder, report, query=message.query),
            title="Export notes",
            severity="warning" if report.warnings else "information",
            timeout=10 if report.warnings else 5,
            markup=False,
        )

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
        from tui.ui.screens.help import HelpScreen  # see LATE_SCREENS

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
        self._stop_refresh()
        self.exit(0)


def run_app(library: Library, *, config: Config | None = None, warnings: Sequence[str] = ()) -> int:
    """Run the reader until the user quits; returns the exit code.

    ``config`` and its ``warnings`` come from ``load_config`` (the CLI reads
    the file once); the theme choice is saved back to the same file.
    """
    from tui import paths
    from tui.config import config_path

    app = GazetteApp(
        library,
        config=config or Config(),
        warnings=warnings,
        config_file=config_path(),
        theme_dirs=[paths.config_dir() / "themes"],
    )
    app.run()
    return app.return_code or 0

"""The Gazette app: the screens, the configuration applied, the app-wide dialogs.

The reader screen (``screens/main.py``) owns the layout and the keys; this
module owns what spans screens and hands each larger flow to its own module:
refreshing (``refreshing.Refresher``: by hand, on a timer, ``x`` to stop),
exporting notes (``exporting``), the OPML palette commands
(``opml_commands``), deleting a feed and its settings dialog
(``feed_dialogs``), opening links (``browsing``, over ``browser``), keys
and the keymap (``keys``), and SIGTERM/SIGHUP saving the note before exiting
(``signals``).  What stays here: the add and help dialogs, quitting without
losing a note, and applying the configuration (theme, keymap; the reading
settings are handed to ``MainScreen``).  It talks to the core only through
``Library``; refreshing, exporting, OPML files, deleting a feed, its
settings, converting and the auto-refresh check run in thread workers
(``workers.library_call``).

Configuration problems never stop the app: ``load_config`` already turned
them into warnings, and this module adds its own (an unknown theme or
binding id, a bad theme file); all are shown once, in one notification,
and the app runs on the defaults for whatever was wrong.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.screen import Screen

from tui.config import CONFIG_NAME, Config
from tui.core import Feed, Library
from tui.ui import keys, safe, signals, themes, workers
from tui.ui.browsing import LinkOpener
from tui.ui.collector import SETTLE_AFTER, Collector
from tui.ui.commands import ReaderCommands
from tui.ui.exporting import Exporter, ExportFinished
from tui.ui.feed_dialogs import FeedDialogs, FeedRemoved, FeedSettingsLoaded, FeedSettingsSaved
from tui.ui.messages import RefreshFinished, RefreshProgress, SyncProgress
from tui.ui.newsboat_commands import NewsboatCommands, NewsboatFinished
from tui.ui.opml_commands import OpmlCommands, OpmlFinished
from tui.ui.refreshing import AUTO_REFRESH_EVERY, FeedsDue, Refresher, RefreshHalted
from tui.ui.screens.main import MainScreen
from tui.ui.settings_commands import SettingsCommands


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
        #: Where the configuration is said to come from, in messages.
        self.config_where = str(config_file) if config_file else CONFIG_NAME
        self.quitting = False
        self._quit_anyway = False
        self._auto_refresh_every = auto_refresh_every
        self._signals: list[int] = []
        self._startup_notes: list[str] = list(warnings)
        self.theme_names: list[str] = []
        self.refresher = Refresher(self)
        self.exporter = Exporter(self)
        self.opml = OpmlCommands(self)
        self.newsboat = NewsboatCommands(self)
        self.links = LinkOpener(self)
        self.feed_dialogs = FeedDialogs(self)
        self.collector = Collector()
        self._install_themes(theme_dirs, apply=config is not None)
        self._initial_keymap, problems = keys.checked_keymap(
            {**self.config.keybindings, **(keymap or {})}, self.config_where
        )
        self._startup_notes.extend(problems)

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.library, clock=self.clock, reading=self.config.reading)

    def on_mount(self) -> None:
        self._signals = signals.install(partial(signals.save_and_exit, self))
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
            self.set_interval(self._auto_refresh_every, self.refresher.tick, name="auto-refresh")
        self.set_timer(SETTLE_AFTER, self.settle, name="gc-settle")

    def settle(self) -> None:
        """Freeze what starting kept (``Collector.settle``), then collect as usual.

        The command line starts the reader with the collector off (see
        ``tui.cli._read``): this is where it comes back on, after one full
        collection of everything starting made.
        """
        self.collector.settle()
        gc.enable()

    def on_unmount(self) -> None:
        self.refresher.stop()
        signals.remove(self._signals)
        self.collector.restore()

    @property
    def main(self) -> MainScreen:
        """The reader screen (always at the bottom of the stack)."""
        screen = self.screen_stack[0] if self.screen_stack else None
        if not isinstance(screen, MainScreen):
            raise LookupError("the reader screen is not running")
        return screen

    @property
    def reader(self) -> MainScreen | None:
        """The reader screen, or None once it has gone (the app is quitting).

        What a worker answers may arrive after that: its handler asks here
        and drops the answer rather than reach for a screen that is gone.
        """
        screen = self.screen_stack[0] if self.screen_stack else None
        if not isinstance(screen, MainScreen) or workers.gone(screen):
            return None
        return screen

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
                    f"{self.config_where}: theme: no theme named {name!r}; using {fallback}"
                )
                name = fallback
            self.theme = name
        self._saved_theme = self.theme

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
        yield from self.opml.commands()
        yield from self.newsboat.commands()

    def key_for(self, binding_id: str) -> str:
        """The key(s) a reader binding has now, as shown in messages ("" if none)."""
        return keys.key_for(self._keymap, MainScreen.BINDINGS, binding_id)

    def key_help(self) -> list[tuple[str, str]]:
        """(key, description) of every binding the reader has, with the keymap applied."""
        return keys.key_help(self._keymap, MainScreen.BINDINGS)

    # -- refresh (see refreshing.py) -----------------------------------------

    @property
    def refreshing(self) -> bool:
        """Whether a refresh is running (there is at most one)."""
        return self.refresher.running

    def action_refresh_selected(self) -> None:
        """r: refresh the selected feed (or the feeds of the selected folder)."""
        self.refresher.selected()

    def action_refresh_all(self) -> None:
        self.refresher.start(None)

    def action_stop_refresh(self) -> None:
        """x: stop the running refresh; the feeds already written stay."""
        self.refresher.stop_by_user()

    def on_feeds_due(self, message: FeedsDue) -> None:
        self.refresher.due(message)

    def on_refresh_progress(self, message: RefreshProgress) -> None:
        self.refresher.progress(message)

    def on_sync_progress(self, message: SyncProgress) -> None:
        self.refresher.sync_progress(message)

    def on_refresh_halted(self, _message: RefreshHalted) -> None:
        self.refresher.halted()

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        self.refresher.finished(message)

    # -- export, OPML and links (see exporting, opml_commands, browsing) -----

    @property
    def exporting(self) -> bool:
        """Whether a notes export is running (there is at most one)."""
        return self.exporter.running

    def export_notes(self, *, force: bool = False, query: str | None = None) -> None:
        """Palette "Export notes": write notes into the configured export folder."""
        self.exporter.start(force=force, query=query)

    def on_export_finished(self, message: ExportFinished) -> None:
        self.exporter.finished(message)

    def on_opml_finished(self, message: OpmlFinished) -> None:
        self.opml.finished(message)

    def on_newsboat_finished(self, message: NewsboatFinished) -> None:
        self.newsboat.finished(message)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Open a link with the configured browser command, else the system's."""
        self.links.open(url)

    # -- feeds --------------------------------------------------------------

    def action_add_feed(self) -> None:
        from tui.ui.screens.add_feed import AddFeedScreen  # see keys.LATE_SCREENS

        def added(feed_id: int | None) -> None:
            if feed_id is not None:
                self.main.select_feed(feed_id)
                self.notify("Feed added.", markup=False)

        source = self.main.source
        folder = source.view.folder if source is not None and source.kind == "folder" else None
        self.push_screen(AddFeedScreen(self.library, folder=folder or ""), added)

    def _selected_feed(self, hint: str) -> Feed | None:
        """The feed selected in the feed list; else None, and ``hint`` is shown."""
        source = self.main.source
        if source is None or source.feed is None:
            self.notify(hint, markup=False)
            return None
        return source.feed

    def action_delete_feed(self) -> None:
        """d on a feed: delete it with its articles and notes, once confirmed."""
        feed = self._selected_feed("Select a feed in the feed list to delete it.")
        if feed is not None:
            self.feed_dialogs.delete(feed)

    def action_feed_settings(self) -> None:
        """Palette "Feed settings": the selected feed's own title, folder, interval, retention."""
        feed = self._selected_feed("Select a feed in the feed list first.")
        if feed is not None:
            self.feed_dialogs.settings(feed)

    def on_feed_removed(self, message: FeedRemoved) -> None:
        self.feed_dialogs.removed(message)

    def on_feed_settings_loaded(self, message: FeedSettingsLoaded) -> None:
        self.feed_dialogs.loaded(message)

    def on_feed_settings_saved(self, message: FeedSettingsSaved) -> None:
        self.feed_dialogs.saved(message)

    # -- help and quit ------------------------------------------------------

    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen  # see keys.LATE_SCREENS

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
        self.leave(0)

    def leave(self, return_code: int) -> None:
        """Stop the refresh (it must not keep the process) and exit."""
        self.quitting = True
        self.refresher.stop()
        self.exit(return_code, return_code=return_code)


def run_app(library: Library, *, config: Config | None = None, warnings: Sequence[str] = ()) -> int:
    """Run the reader until the user quits; returns the exit code.

    ``config`` and its ``warnings`` come from ``load_config`` (the CLI reads
    the file once); the theme choice is saved back to the same file.
    """
    from tui import paths
    from tui.config import config_path
    from tui.ui import image_support

    config = config or Config()
    # Before the app runs: textual-image asks the terminal what it can draw.
    image_support.prepare(config.reading.images)
    app = GazetteApp(
        library,
        config=config,
        warnings=warnings,
        config_file=config_path(),
        theme_dirs=[paths.config_dir() / "themes"],
    )
    app.run()
    return app.return_code or 0

"""Opening a link from the app: ``browser`` decides and runs, this side talks to Textual.

``tui.ui.browser`` knows nothing about Textual (so its decisions are tested
without a terminal); here a terminal browser gets the terminal through
``App.suspend()``, the system's browser is looked up off the UI thread, and
when nothing can open the link one line says why and how to copy it instead.
"""

from __future__ import annotations

import contextlib
import shutil
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from tui.ui import browser, safe

if TYPE_CHECKING:
    from tui.ui.app import GazetteApp


class LinkOpener:
    """Opens links with the configured browser command, else the system's."""

    def __init__(self, app: GazetteApp) -> None:
        self.app = app

    def open(self, url: str) -> None:
        """A terminal browser runs in the foreground while the reader is
        suspended; a graphical one is started in the background."""
        hint = self._copy_hint(url)
        config = self.app.config
        if not config.browser:
            self.app.run_worker(
                partial(self._open_with_system_browser, url, hint),
                name="system browser",
                group="browser",
                thread=True,
                exit_on_error=False,
            )
            return
        try:
            launch = browser.configured(config.browser, config.browser_mode, url)
        except ValueError as exc:
            where = self.app.config_where
            self._not_opened(f"browser = {config.browser!r} in {where}: {exc}", hint)
            return
        if launch.terminal:
            self.run_in_terminal(launch, hint)
        else:
            problem = browser.start_detached(launch.argv)
            if problem:
                self._not_opened(problem, hint)

    def _open_with_system_browser(self, url: str, hint: str) -> None:
        """Ask Python's webbrowser (off the UI thread: it may look through PATH or wait)."""
        try:
            found = browser.system(url)
            if isinstance(found, browser.Launch):
                self.app.call_from_thread(self.run_in_terminal, found, hint)
                return
            if found is not None and found.open(url):
                return
            why = (
                f"No browser found: set browser in {self.app.config_where}"
                if found is None
                else "The system's browser did not open it"
            )
        except Exception as exc:  # whatever webbrowser meets is said, never silent
            why = f"The system's browser failed: {exc}"
        self.app.call_from_thread(self._not_opened, why, hint)

    def run_in_terminal(self, launch: browser.Launch, hint: str) -> None:
        """Hand the terminal to a terminal browser until it exits, then redraw.

        Where the app cannot suspend (no real terminal, Textual's web
        driver) the browser is not started: it would draw over the reader.
        """
        if shutil.which(launch.argv[0]) is None:
            self._not_opened(f"Cannot run the browser {launch.argv[0]}: not found", hint)
            return
        try:
            with self.app.suspend():
                problem = browser.run_in_terminal(launch.argv)
        except SuspendNotSupported:
            why = f"Cannot run {launch.name} here: this terminal cannot be handed over"
            self._not_opened(why, hint)
            return
        if problem:
            self.app.notify(safe.clean(problem), severity="warning", markup=False)

    def _copy_hint(self, url: str) -> str:
        """How to copy ``url`` instead: "press y to copy it", or Y and its number.

        The article's own link is copied by ``y``; a link of its text by
        ``Y`` and the number the pane shows after it (the keymap applied).
        """
        app = self.app
        article, number = None, None
        with contextlib.suppress(LookupError):
            article = app.main.target()
            number = app.main.pane.link_number(url)
        if number is not None and (article is None or article.url != url):
            key, then = app.key_for("copy_link_number"), f" then {number}"
        else:
            key, then = app.key_for("copy_link"), ""
        if not key:
            return "copy it from the command palette (ctrl+p)"
        return f"press {key}{then} to copy it"

    def _not_opened(self, why: str, hint: str) -> None:
        """One line: why the link did not open, and how to copy it instead."""
        self.app.notify(f"{safe.clean(why)}; {hint}.", severity="warning", markup=False)

"""Which browser opens a link, and how: in the terminal, or detached.

A terminal browser (w3m, lynx, ...) needs the terminal the reader is drawing
on, so the app suspends itself (``App.suspend()``), runs the browser in the
foreground and redraws when it exits.  A graphical browser is started in the
background and the reader carries on.  This module decides which is which and
runs the programs; it knows nothing about Textual, so the decisions are tested
without a terminal, and the app wraps ``run_in_terminal`` in ``suspend()``.

How the two are told apart (``browser_mode = "auto"``): by the program's name,
after following symlinks (Debian's ``www-browser`` is a link to the chosen
one), against ``TERMINAL_BROWSERS``.  ``browser_mode = "terminal"`` or
``"detached"`` in config.toml overrides the guess, for a wrapper script or a
program not in the list.  With no ``browser`` set, Python's ``webbrowser``
picks the system's browser; when the one it picks is a terminal browser (as
it does with no display and w3m installed) it is run in the terminal too,
instead of fighting the reader for the screen.

The link is always its own argument (replacing ``%u`` or ``%s``, else added
at the end); no shell ever sees it, so nothing in a URL can run a command.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import threading
import webbrowser
from collections.abc import Iterator
from dataclasses import dataclass

from tui.config import URL_PLACEHOLDERS, browser_argv

#: Programs that draw in the terminal they are started from (matched by file name).
TERMINAL_BROWSERS = frozenset(
    {"w3m", "lynx", "elinks", "links", "links2", "browsh", "carbonyl", "cha", "chawan", "amfora"}
)


@dataclass(frozen=True, slots=True)
class Launch:
    """A browser command ready to run: its arguments and where it runs."""

    argv: list[str]
    terminal: bool

    @property
    def name(self) -> str:
        """The program's file name, for messages."""
        return os.path.basename(self.argv[0])


def with_url(argv: list[str], url: str) -> list[str]:
    """``argv`` with the link in place of its placeholders, else appended as the last word."""
    if any(p in arg for arg in argv for p in URL_PLACEHOLDERS):
        out = []
        for arg in argv:
            for placeholder in URL_PLACEHOLDERS:
                arg = arg.replace(placeholder, url)
            out.append(arg)
        return out
    return [*argv, url]


def is_terminal_program(program: str) -> bool:
    """Whether ``program`` (a name or a path) is a known terminal browser, links followed."""
    found = shutil.which(program)
    names = {os.path.basename(program)}
    if found:
        names.add(os.path.basename(os.path.realpath(found)))
    return bool(names & TERMINAL_BROWSERS)


def configured(command: str, mode: str, url: str) -> Launch:
    """The launch for the ``browser`` setting (raises ``ValueError`` when it cannot run)."""
    argv = with_url(browser_argv(command), url)
    terminal = mode == "terminal" or (mode == "auto" and is_terminal_program(argv[0]))
    return Launch(argv, terminal)


def system(url: str) -> Launch | webbrowser.BaseBrowser | None:
    """The system's browser for ``url``: a terminal launch, a webbrowser controller, or None.

    Runs in a thread: the first call looks through PATH (and may ask
    ``xdg-settings``).  A console browser that webbrowser would run in the
    foreground, on the terminal the reader owns, comes back as a ``Launch``.
    """
    try:
        controller = webbrowser.get()
    except webbrowser.Error:
        return None
    name = getattr(controller, "name", "") or ""
    background = isinstance(controller, webbrowser.BackgroundBrowser)
    if name and not background:
        try:
            argv = shlex.split(name)
        except ValueError:
            return controller
        if argv and is_terminal_program(argv[0]):
            return Launch(with_url(argv, url), terminal=True)
    return controller


def start_detached(argv: list[str]) -> str | None:
    """Start a graphical browser in the background; the reason when it cannot start."""
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        return f"Cannot run the browser {argv[0]}: {exc.strerror or exc}"
    # Reap it when it exits, so no zombie outlives the browser.
    threading.Thread(target=proc.wait, daemon=True).start()
    return None


@contextlib.contextmanager
def _interrupts_go_to_the_browser() -> Iterator[None]:
    """Ctrl+C in the browser must not stop the reader (they share the terminal's group).

    A Python handler (not SIG_IGN) is used so that the browser, on exec,
    gets the default behaviour back.  Only the main thread may set handlers.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda _sig, _frame: None)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_in_terminal(argv: list[str]) -> str | None:
    """Run a terminal browser in the foreground until it exits; the problem, if any.

    The caller has handed the terminal over (``App.suspend()``): the browser
    inherits it as stdin, stdout and stderr.
    """
    try:
        with _interrupts_go_to_the_browser():
            code = subprocess.run(argv, check=False).returncode
    except OSError as exc:
        return f"Cannot run the browser {argv[0]}: {exc.strerror or exc}"
    name = os.path.basename(argv[0])
    if code == -signal.SIGINT:  # ctrl+c: the user's way out, not a failure
        return None
    if code < 0:
        return f"The browser {name} was stopped by {signal.Signals(-code).name}"
    if code:
        return f"The browser {name} exited with status {code}"
    return None

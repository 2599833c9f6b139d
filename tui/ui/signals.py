"""SIGTERM and SIGHUP (``kill``, a closed terminal window): save the note, then exit.

Without a handler Python dies on the spot and up to a second of typing (the
note's autosave delay) is lost.  The handler goes on the running asyncio
loop, installed at mount on the main thread and removed at unmount, so it
runs as an ordinary loop callback on the UI thread, not inside the signal
handler: saving is then a plain call.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.ui.app import GazetteApp

#: Signals that save the note and exit (the ones this platform has).
EXIT_SIGNALS = tuple(
    sig for sig in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if sig
)
#: After a signal, seconds the app has to exit before the process leaves anyway
#: (the note is saved by then; a dead terminal must not keep it running).
SIGNAL_EXIT_GRACE = 5.0


def install(handler: Callable[[int], None]) -> list[int]:
    """Call ``handler(signum)`` on the running loop for each exit signal; those installed.

    Only on the main thread (Python's rule for signal handlers), and not
    on platforms without ``add_signal_handler`` (Windows).
    """
    if threading.current_thread() is not threading.main_thread():
        return []
    loop = asyncio.get_running_loop()
    installed: list[int] = []
    for sig in EXIT_SIGNALS:
        try:
            loop.add_signal_handler(sig, handler, sig)
        except (NotImplementedError, RuntimeError, ValueError, OSError):
            continue
        installed.append(sig)
    return installed


def remove(signals: list[int]) -> None:
    """Take the handlers ``install`` put on the running loop off again."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    for sig in signals:
        with contextlib.suppress(Exception):
            loop.remove_signal_handler(sig)
    signals.clear()


def save_and_exit(app: GazetteApp, signum: int) -> None:
    """Flush the note, then exit with 128 + the signal number.

    If the note cannot be saved the app still exits: it was told to; the
    panel's unmount retries once more.  A watchdog ends the process if
    leaving takes too long (the exit writing to a terminal that is gone, a
    refresh thread still fetching); by then the note is in the database, and
    SQLite rolls back whatever transaction is cut short.  It is a daemon
    thread: a normal exit ends it.
    """
    with contextlib.suppress(Exception):
        app.main.notes.flush()
    if app.quitting:
        return
    code = 128 + int(signum)
    if not app.is_headless:
        watchdog = threading.Timer(SIGNAL_EXIT_GRACE, os._exit, args=(code,))
        watchdog.daemon = True
        watchdog.start()
    app.leave(code)

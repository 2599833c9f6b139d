"""Process-pool plumbing for parsing, kept in a module that imports almost nothing.

Spawned workers unpickle their initializer by importing its module; keeping
it here (not in library.py, which pulls in httpx and BeautifulSoup) means a
worker loads only the parser.  Ctrl-C belongs to the parent: workers ignore
it, so an interrupted refresh ends in one line instead of a traceback per
worker.
"""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


def start_parser() -> None:
    """Pool initializer: leave Ctrl-C to the parent process, load the parser,
    and move everything loaded so far out of the garbage collector's sight.

    Parsing allocates heavily, so the collector runs often; without the
    freeze its full passes walk every module and class again (about 3% of a
    worker's time).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import tui.core.parse.xmlfeed  # noqa: F401  (what every task needs first)

    gc.freeze()


def noop() -> None:
    """A task that only makes the pool start a worker."""


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C while child processes start, so they inherit SIG_IGN from
    their first instruction (an initializer runs only after the imports).

    Only the main thread may change signal handlers; the UI refreshes from a
    worker thread, but there the terminal is in raw mode and sends no SIGINT.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)

"""The parser pool, kept in a module that imports almost nothing.

Spawned workers unpickle their initializer by importing its module; keeping
it here (not beside the pipeline, which pulls in httpx and the store) means a
worker loads only the parser.  Ctrl-C belongs to the parent: workers ignore
it, so an interrupted refresh ends in one line instead of a traceback per
worker.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager

# Below this many feeds a process pool costs more to start than it saves.
POOL_THRESHOLD = 8


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


def parser_pool(n: int) -> Executor:
    """Where ``n`` feeds are parsed: worker processes, started now, for many
    feeds on a machine with several cores; else one thread."""
    if n >= POOL_THRESHOLD and (os.cpu_count() or 1) > 1:
        # spawn, not fork: the UI calls this from a thread, and forking a
        # threaded process can copy held locks into the child.
        ctx = multiprocessing.get_context("spawn")
        # One parser per core, not one more: each worker holds ~29 MB, and
        # the memory of a refresh's whole process tree counts (issue 15:
        # <= 1.5x newsboat's).  An extra parser once filled the refreshing
        # process's waits on the network and the database (14.9 s -> 13.8 s
        # on 2 cores); measured again with the in-hand bound, on a shared
        # machine, the difference (26-28 s either way) was within the noise.
        size = min(os.cpu_count() or 1, n)
        pool = ProcessPoolExecutor(max_workers=size, mp_context=ctx, initializer=start_parser)
        with sigint_ignored():
            # Each submit to an idle pool starts one worker, right now.
            for _ in range(size):
                pool.submit(noop)
        return pool
    return ThreadPoolExecutor(max_workers=1)

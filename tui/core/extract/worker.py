"""An extractor process's side (:mod:`tui.core.extract.process`).

A plain ``python -c`` child, like the parser pool's workers
(:mod:`tui.core.refresh.parseworker`, whose framing it reuses): it reads one
pickled ``(function, args)`` at a time on stdin and answers ``(True, result)``
or ``(False, exception)`` on stdout.  trafilatura has reported hangs and runs
lxml, a C extension, on hostile pages; here a hang is ended by the parent's
kill and a crash ends only this process.  Its address space is capped, so a
page that makes it allocate without end fails here, with a MemoryError, and
never takes the machine's memory.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from typing import Any

from tui.core.refresh.parseworker import receive, send

#: The child's address-space cap: lxml and trafilatura on a 20 MB page stay
#: well under it (the cap of a fetched page is 20 MB).
MEMORY_LIMIT = 1536 * 1024 * 1024


def _limit_memory() -> None:
    """Cap the address space where the platform can (Unix)."""
    try:
        import resource
    except ImportError:  # not on this platform
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def serve() -> None:
    """The loop: run each task read from stdin until stdin closes.

    Ctrl-C belongs to the parent, and the answers get stdout to themselves:
    anything a library prints goes to stderr.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tasks = sys.stdin.buffer
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    _limit_memory()
    while (message := receive(tasks)) is not None:
        try:
            fn, args = pickle.loads(message)
            answer: tuple[bool, Any] = (True, fn(*args))
        except Exception as exc:
            answer = (False, exc)
        try:
            data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an answer that cannot travel
            data = pickle.dumps((False, RuntimeError(f"unpicklable answer: {exc!r}")))
        send(answers, data)

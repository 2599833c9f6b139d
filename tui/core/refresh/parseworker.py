"""A parser process's side of the parser pool (:mod:`tui.core.refresh.pool`).

Kept apart from the pool, which needs threads, queues and subprocesses, so
that a worker imports this module, the parser, and nothing else: each
worker's memory counts in a refresh's whole process tree.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import struct
import sys
from typing import IO, Any

# The length that precedes each message between a worker and the pool.
_LENGTH = struct.Struct("!Q")
# Never imported in a worker: it parses, never talks to the network, and
# hashes only short strings.  The parser pulls in urllib.request (through
# xml.sax.saxutils), hence http.client and ssl; ssl and hashlib load OpenSSL
# (libssl, libcrypto): ~5 MB of each worker's memory.  A blocked import
# raises ImportError, which those modules expect: http.client goes without
# HTTPS, and hashlib falls back to Python's own SHA-1 (as fast for keys).
BLOCKED = ("ssl", "_ssl", "_hashlib")


def start_parser() -> None:
    """A worker's setup: leave Ctrl-C to the parent process, keep OpenSSL
    out (see ``BLOCKED``; only where it is not loaded already), load the
    parser, and move everything loaded so far out of the garbage collector's
    sight.

    Parsing allocates heavily, so the collector runs often; without the
    freeze its full passes walk every module and class again (about 3% of a
    worker's time).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Started with Ctrl-C blocked (see pool.sigint_ignored): ignored now, so
    # unblocking lets nothing through.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    modules: dict[str, Any] = sys.modules  # None marks a blocked import
    for name in BLOCKED:
        modules.setdefault(name, None)
    import tui.core.parse.xmlfeed  # noqa: F401  (what every task needs first)

    gc.freeze()


def serve() -> None:
    """A worker's loop: run each ``(function, args, kwargs)`` read from stdin
    and write ``(True, result)`` or ``(False, exception)`` to stdout (see
    :func:`send`), until stdin closes (the pool shut down, or the parent died).

    The answers get stdout to themselves: anything printed goes to stderr.
    """
    tasks = sys.stdin.buffer
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    start_parser()
    while (message := receive(tasks)) is not None:
        try:
            fn, args, kwargs = pickle.loads(message)
            answer: tuple[bool, Any] = (True, fn(*args, **kwargs))
        except Exception as exc:
            answer = (False, exc)
        try:
            data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an answer that cannot travel
            data = pickle.dumps((False, RuntimeError(f"unpicklable answer: {exc!r}")))
        send(answers, data)


def send(pipe: IO[bytes], data: bytes) -> None:
    """One message: its length, then its bytes (so that a message that cannot
    be unpickled is still read whole, and the next one starts where it should)."""
    pipe.write(_LENGTH.pack(len(data)))
    pipe.write(data)
    pipe.flush()


def receive(pipe: IO[bytes]) -> bytes | None:
    """The next message, or None once the other end has closed the pipe."""
    head = pipe.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    data = pipe.read(size)
    if len(data) < size:
        return None
    return data

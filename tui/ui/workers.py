"""One Library call in a thread worker: its result or its error, the connection released.

Why a helper: every app worker that calls ``Library`` must hand back the
thread's SQLite connection (``release_thread``: worker threads are pooled,
and a connection left open holds the database), and must turn whatever went
wrong into one clean line for a notification instead of a crash.  Written
once here, a worker is "call, then post what happened".

``Lane`` runs a screen's calls one at a time in the order asked (writes
must land in the order the keys were pressed), each answered by a message.

An answer can come back after the screen (or dialog) that asked has gone:
the user closed the dialog, or the app is quitting.  Such an answer is
dropped, never handled: ``Lane`` does not post it, and every handler of an
answer checks :func:`gone` first (a message already queued is still
dispatched while its screen is being taken down, when its widgets are no
longer there to query).
"""

from __future__ import annotations

import functools
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from textual.dom import DOMNode
from textual.message import Message

from tui.core import Library
from tui.ui import safe

T = TypeVar("T")
N = TypeVar("N", bound=DOMNode)
M = TypeVar("M", bound=Message)


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """What a call gave: ``value``, or ``error`` (one clean line) when it raised."""

    value: T | None
    error: str = ""


def one_line(exc: BaseException) -> str:
    """The error as users see it: its message without control characters, else its type."""
    return safe.clean(str(exc)) or type(exc).__name__


def gone(node: DOMNode) -> bool:
    """Whether ``node`` is past answering: closing, being removed, or its app exiting.

    The test Textual makes before delivering a signal (``signal.py`` at the
    pinned version): not attached to the app, or being pruned.  The app
    itself has no parent to be attached to: it is gone once it is exiting.
    """
    if node._closing or node._closed or node._pruning:
        return True
    if node.parent is None:  # the app
        return not node.is_running
    return not node.is_attached


def unless_gone(handler: Callable[[N, M], None]) -> Callable[[N, M], None]:
    """Wrap the handler of an answer so that it does nothing once its node has gone.

    A message queued before its screen began to close is still dispatched
    while the screen's widgets are being removed; handled then, the first
    ``query_one`` would raise and take the app down with it.
    """

    @functools.wraps(handler)
    def handle(node: N, message: M) -> None:
        if not gone(node):
            handler(node, message)

    return handle


def library_call(library: Library, call: Callable[[], T]) -> Outcome[T]:
    """Run ``call`` in this (worker) thread, then release the thread's connection."""
    try:
        return Outcome(call())
    except Exception as exc:  # reported by the caller, never a crash
        return Outcome(None, one_line(exc))
    finally:
        library.release_thread()


class Lane:
    """Library calls of one screen run one at a time, in the order they were asked.

    Why a lane and not an exclusive worker group: an exclusive group cancels
    the older worker, but a thread cannot be stopped, so two writes could
    still run at once and land in either order; "read" then "unread" typed
    quickly must end unread.  Here one thread worker drains a FIFO queue and
    ends when it is empty (so no worker idles and ``watch_database`` and
    tests see the lane quiet); each call's outcome goes back as the message
    its ``answer`` builds, posted to ``node`` in the same order.
    """

    def __init__(self, node: DOMNode, library: Library, name: str = "library-lane") -> None:
        self._node = node
        self._library = library
        self._name = name
        self._queue: deque[tuple[Callable[[], Any], Callable[[Outcome[Any]], Message], DOMNode]] = (
            deque()
        )
        self._lock = threading.Lock()
        self._draining = False

    def put(
        self,
        call: Callable[[], T],
        answer: Callable[[Outcome[T]], Message],
        *,
        to: DOMNode | None = None,
    ) -> None:
        """Queue ``call``; when it has run, ``answer(outcome)`` is posted (UI thread only).

        The answer goes to the lane's node, or to ``to`` (a widget of the
        screen whose calls must keep their place among the screen's writes).
        """
        with self._lock:
            self._queue.append((call, answer, to or self._node))
            if self._draining:
                return
            self._draining = True
        self._node.run_worker(
            self._drain, name=self._name, group=self._name, thread=True, exit_on_error=False
        )

    def _drain(self) -> None:
        """Worker thread: run what is queued, oldest first, until nothing is left.

        A queued write is never dropped, not even when the app is quitting:
        read and star changes the user saw are user data.  Its answer is,
        when whoever asked has gone.
        """
        while True:
            with self._lock:
                if not self._queue:
                    self._draining = False
                    return
                call, answer, to = self._queue.popleft()
            outcome = library_call(self._library, call)
            if not gone(to):
                to.post_message(answer(outcome))

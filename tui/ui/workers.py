"""One Library call in a thread worker: its result or its error, the connection released.

Why a helper: every app worker that calls ``Library`` must hand back the
thread's SQLite connection (``release_thread``: worker threads are pooled,
and a connection left open holds the database), and must turn whatever went
wrong into one clean line for a notification instead of a crash.  Written
once here, a worker is "call, then post what happened".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from tui.core import Library
from tui.ui import safe

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """What a call gave: ``value``, or ``error`` (one clean line) when it raised."""

    value: T | None
    error: str = ""


def one_line(exc: BaseException) -> str:
    """The error as users see it: its message without control characters, else its type."""
    return safe.clean(str(exc)) or type(exc).__name__


def library_call(library: Library, call: Callable[[], T]) -> Outcome[T]:
    """Run ``call`` in this (worker) thread, then release the thread's connection."""
    try:
        return Outcome(call())
    except Exception as exc:  # reported by the caller, never a crash
        return Outcome(None, one_line(exc))
    finally:
        library.release_thread()

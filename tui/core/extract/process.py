"""The parent's side of extraction: one child process, a hard time limit.

The child is started on first use and kept for the next page (importing
trafilatura and lxml costs ~0.15 s).  Each task runs under a deadline: the
answer is awaited in a helper thread, and when the deadline passes the child
is killed (which also ends the helper's read) and the next task starts a
fresh one.  A child that dies (a crash in lxml, the memory cap) fails its
task the same way.  Not :class:`~tui.core.refresh.pool.ParserProcesses`:
that pool has no deadline, and it cannot kill the one worker that hangs
without failing the tasks of the others.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from tui.core.refresh.parseworker import receive, send

T = TypeVar("T")

_BOOT = (
    "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
    "from tui.core.extract.worker import serve; serve()"
)


class WorkerTimeout(Exception):
    """The task ran past its deadline; the child was killed."""


class WorkerDied(Exception):
    """The child ended (crashed, was killed) before answering."""


class ExtractorProcess:
    """One child process that runs tasks one at a time, each under a deadline.

    Thread-safe: tasks from several threads wait their turn.  ``close`` ends
    the child; a later task starts a new one.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._worker: subprocess.Popen[bytes] | None = None

    def run(self, timeout: float, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in the child; its exception re-raised here.

        Raises :class:`WorkerTimeout` after ``timeout`` seconds and
        :class:`WorkerDied` when the child ends without answering.
        """
        message = pickle.dumps((fn, args), pickle.HIGHEST_PROTOCOL)
        with self._lock:
            worker = self._worker
            if worker is None or worker.poll() is not None:
                worker = self._worker = _start()
            answer: Future[bytes | None] = Future()
            helper = threading.Thread(
                target=_exchange,
                args=(worker, message, answer),
                name="gazette-extract",
                daemon=True,
            )
            helper.start()
            try:
                data = answer.result(timeout)
            except FutureTimeout:
                self._kill()
                helper.join()
                raise WorkerTimeout(f"no answer in {timeout:g} s") from None
            except OSError as exc:  # the pipe broke: the child is gone
                self._kill()
                raise WorkerDied(str(exc)) from None
            if data is None:
                self._kill()
                raise WorkerDied("the process ended without answering")
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        result: T = value
        return result

    def close(self) -> None:
        """End the child, if one runs."""
        with self._lock:
            self._kill()

    def _kill(self) -> None:
        worker, self._worker = self._worker, None
        if worker is None:
            return
        worker.kill()
        worker.wait()  # its end of the pipes is closed now: a pending read ends
        for pipe in (worker.stdin, worker.stdout):
            try:
                if pipe is not None:
                    pipe.close()
            except OSError:
                pass


def _exchange(
    worker: subprocess.Popen[bytes], message: bytes, answer: Future[bytes | None]
) -> None:
    """Send one task and wait for its answer (in a helper thread)."""
    assert worker.stdin is not None and worker.stdout is not None
    try:
        send(worker.stdin, message)
        answer.set_result(receive(worker.stdout))
    except (OSError, ValueError) as exc:  # a broken or closed pipe
        if not answer.done():
            answer.set_exception(OSError(str(exc)))


def _start() -> subprocess.Popen[bytes]:
    from tui.core.refresh.pool import sigint_ignored

    with sigint_ignored():
        worker = subprocess.Popen(
            [sys.executable, "-c", _BOOT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
    assert worker.stdin is not None
    worker.stdin.write(pickle.dumps(sys.path))
    worker.stdin.flush()
    return worker

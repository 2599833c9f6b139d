"""The parser pool: worker processes that parse feeds.

Each worker is a plain child process (``python -c``) that imports only
:mod:`tui.core.refresh.parseworker` and the parser, then parses what it is
sent on its stdin and answers on its stdout, one pickle each way.  Not
``ProcessPoolExecutor``: with the spawn start method (the UI refreshes from
a thread, and forking a threaded process can copy held locks into the
child) every multiprocessing child also needs multiprocessing's resource
tracker, a third process of ~12 MB, and re-imports the parent's
``__main__`` (for the ``gazette`` command, the CLI module); the memory of a
refresh's whole process tree counts (issue 15: <= 1.5x newsboat's).
Ctrl-C belongs to the parent: workers ignore it, so an interrupted refresh
ends in one line instead of a traceback per worker.
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, ParamSpec, TypeVar

from tui.core.refresh import parseworker

# Below this many feeds a process pool costs more to start than it saves.
POOL_THRESHOLD = 8

# What a worker runs: take the parent's import path (so that it finds the
# same ``tui``), then serve.  Nothing else of the parent is imported.
_BOOT = (
    "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
    "from tui.core.refresh.parseworker import serve; serve()"
)

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Task:
    future: Future[Any]
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


class ParserProcesses(Executor):
    """An executor over ``size`` worker processes (see the module docstring),
    each fed by a thread of this process that hands it one task at a time.

    A worker that dies (a crash in a C extension, a kill) fails the task it
    was running; the others carry on, and once none is left every queued
    and later task fails with :class:`BrokenExecutor`.
    """

    def __init__(self, size: int) -> None:
        self._tasks: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._closed = False
        workers: list[subprocess.Popen[bytes]] = []
        try:
            with sigint_ignored():
                for _ in range(size):
                    workers.append(_start_worker())
        except BaseException:
            for worker in workers:  # none left waiting for tasks that never come
                _stop_worker(worker)
            raise
        self._alive = len(workers)
        self._threads = [
            threading.Thread(target=self._feed, args=(w,), name="gazette-parser", daemon=True)
            for w in workers
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot schedule new futures after shutdown")
            if not self._alive:
                raise BrokenExecutor("every parser process has ended")
            future: Future[T] = Future()
            self._tasks.put(_Task(future, fn, args, kwargs))
            return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking tasks; the queued ones still run unless ``cancel_futures``.

        With ``wait``, returns once every worker has ended; without, a task
        still running finishes in the background and its worker then ends.
        """
        with self._lock:
            first = not self._closed
            self._closed = True
            if first and cancel_futures:
                for task in _drain(self._tasks):
                    task.future.cancel()
            if first:
                for _ in self._threads:
                    self._tasks.put(None)
        if wait:
            for thread in self._threads:
                thread.join()

    def _feed(self, worker: subprocess.Popen[bytes]) -> None:
        """One worker's thread: send it the queued tasks one by one."""
        try:
            while (task := self._tasks.get()) is not None:
                if not self._run(task, worker):
                    self._lose_worker()
                    return
                # Not kept while waiting for the next task: its document and result.
                del task
        finally:
            _stop_worker(worker)

    @staticmethod
    def _run(task: _Task, worker: subprocess.Popen[bytes]) -> bool:
        """Run ``task`` in ``worker``; False if the worker has died."""
        if not task.future.set_running_or_notify_cancel():
            return True
        try:
            message = pickle.dumps((task.fn, task.args, task.kwargs), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            task.future.set_exception(exc)
            return True
        assert worker.stdin is not None and worker.stdout is not None
        try:
            ok, value = _exchange(message, worker.stdin, worker.stdout)
        except Exception as exc:
            task.future.set_exception(BrokenExecutor(f"a parser process ended abruptly ({exc!r})"))
            return False
        if ok:
            task.future.set_result(value)
        else:
            task.future.set_exception(value)
        return True

    def _lose_worker(self) -> None:
        """One worker fewer; with none left, fail whatever is queued."""
        with self._lock:
            self._alive -= 1
            if self._alive:
                return
            for task in _drain(self._tasks):
                task.future.set_exception(BrokenExecutor("every parser process has ended"))


def _exchange(message: bytes, to_worker: IO[bytes], from_worker: IO[bytes]) -> tuple[bool, Any]:
    parseworker.send(to_worker, message)
    data = parseworker.receive(from_worker)
    if data is None:
        raise EOFError("no answer")
    answer: tuple[bool, Any] = pickle.loads(data)
    return answer


def _drain(tasks: queue.SimpleQueue[_Task | None]) -> Iterator[_Task]:
    """The tasks queued now (sentinels dropped), taken off the queue."""
    while True:
        try:
            task = tasks.get_nowait()
        except queue.Empty:
            return
        if task is not None:
            yield task


def _start_worker() -> subprocess.Popen[bytes]:
    worker = subprocess.Popen(
        [sys.executable, "-c", _BOOT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert worker.stdin is not None
    worker.stdin.write(pickle.dumps(sys.path))
    worker.stdin.flush()
    return worker


def _stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """Close the worker's stdin (it ends at once) and reap it."""
    for pipe in (worker.stdin, worker.stdout):
        try:
            if pipe is not None:
                pipe.close()
        except OSError:  # the worker is gone already
            pass
    worker.wait()


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """Hold Ctrl-C back while child processes start, so they start with it
    blocked (the signal mask is inherited across exec) and ignore it from
    their first instruction (``start_parser`` then ignores it for good).

    Blocked, not ignored: a Ctrl-C that comes meanwhile waits and reaches
    this process once the children are up (with SIG_IGN it was lost, and an
    interrupted refresh ran on to its end when the user pressed Ctrl-C just
    as the pool started).  Only the main thread may change how signals are
    handled; the UI refreshes from a worker thread, but there the terminal
    is in raw mode and sends no SIGINT.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def parser_pool(n: int) -> Executor:
    """Where ``n`` feeds are parsed: worker processes, started now, for many
    feeds on a machine with several cores; else one thread."""
    if n >= POOL_THRESHOLD and (os.cpu_count() or 1) > 1:
        # One parser per core, not one more: each worker holds ~27 MB, and
        # the memory of a refresh's whole process tree counts.  An extra
        # parser once filled the refreshing process's waits on the network
        # and the database (14.9 s -> 13.8 s on 2 cores); measured again with
        # the in-hand bound, on a shared machine, the difference (26-28 s
        # either way) was within the noise.
        return ParserProcesses(min(os.cpu_count() or 1, n))
    return ThreadPoolExecutor(max_workers=1)

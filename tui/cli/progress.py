"""Refresh progress for `gazette refresh`: a bar on a terminal, a line per feed otherwise.

The bar is Rich's (it comes with Textual), imported only when one is drawn:
a piped or scheduled refresh, and every other command, start without it.
The core reports progress through a plain callback and never sees Rich.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from tui.cli.output import line
from tui.core.wording import plural

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from tui.core.models import FeedResult


class RefreshProgress:
    """The ``progress`` callback of ``Library.refresh``, used as a context manager.

    On a terminal: one bar with "done/total feeds, N failed", started by the
    first feed that finishes.  Otherwise (a pipe, a log file): one plain line
    per feed with its outcome, which is what a log wants.  Leaving the
    ``with`` block always stops the bar, so an interrupted or failed refresh
    still gives back the cursor and ends the bar's line.
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = out.isatty()
        self.failed = 0
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> RefreshProgress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __call__(self, done: int, total: int, result: FeedResult) -> None:
        if result.failed:
            self.failed += 1
        if self.tty:
            self._draw(done, total)
        else:
            self.out.write(f"[{done}/{total}] {line(result.url)}: {_outcome(result)}\n")
            self.out.flush()

    def _draw(self, done: int, total: int) -> None:
        # Only counts go into the bar: no feed text, so nothing untrusted reaches Rich.
        status = f"{done}/{plural(total, 'feed')}, {self.failed} failed"
        if self._bar is None:
            self._bar = _bar(self.out)
            self._task = self._bar.add_task(status, total=total, completed=done)
            self._bar.start()  # draws it: no empty bar before the first feed is counted
            return
        assert self._task is not None  # set with the bar
        self._bar.update(self._task, completed=done, description=status, refresh=True)


def _bar(out: TextIO) -> Progress:
    """A Rich bar drawn on ``out`` only when told to (no refresh thread).

    stdout and stderr are left alone: with ``gazette refresh > log`` the
    summary must still go to the log, not through the bar to the terminal.
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn

    return Progress(
        BarColumn(bar_width=30),
        TextColumn("{task.description}", markup=False),
        console=Console(file=out),
        auto_refresh=False,
        redirect_stdout=False,
        redirect_stderr=False,
    )


def _outcome(result: FeedResult) -> str:
    if result.failed:
        return f"failed: {line(result.error)}"
    if result.not_modified:
        return "not modified"
    return f"{result.new} new, {result.updated} updated"

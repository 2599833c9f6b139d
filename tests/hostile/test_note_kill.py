"""Faults: the reader killed while a note is being written.  The note survives.

The real app runs in a child process on a pseudo-terminal (``pty.fork``: the
child gets the pty as its controlling terminal, like a terminal window), and
the test types into it like a user: enter opens the article, ``e`` the note.

- SIGKILL cannot be caught: what survives is what the autosave (one second
  after typing stops) already committed.
- SIGTERM and SIGHUP (``kill``, or the terminal window closing) are caught:
  the app saves the note at once and exits with 128 + the signal number, so
  even text typed a moment before is kept.
"""

from __future__ import annotations

import contextlib
import os
import pty
import signal
import struct
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator
from fcntl import ioctl
from pathlib import Path

import pytest

from tui.core.library import Library

pytestmark = pytest.mark.hostile

FEED = Path(__file__).parent.parent / "fixtures" / "feeds" / "rss2-seed-article.xml"
ROOT = Path(__file__).parent.parent.parent
ROWS, COLS = 40, 120


class Terminal:
    """``python -m tui`` on a pseudo-terminal, with its output collected."""

    def __init__(self, db: Path) -> None:
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": str(COLS),
            "LINES": str(ROWS),
            "PYTHONPATH": str(ROOT),
        }
        for name in ("NO_COLOR", "TEXTUAL_THEME", "TEXTUAL", "TEXTUAL_DRIVER"):
            env.pop(name, None)
        argv = [sys.executable, "-m", "tui", "--db", str(db)]
        pid, fd = pty.fork()
        if pid == 0:  # the child: exec at once (no Python code of the test runs here)
            try:
                os.chdir(ROOT)
                os.execve(sys.executable, argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.output = bytearray()
        self.status: int | None = None
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        """Drain the terminal: a child blocked on a full pty would never exit."""
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:  # EIO: the child is gone (or we closed our side)
                return
            if not data:
                return
            with self._lock:
                self.output.extend(data)

    def seen(self, text: str) -> bool:
        with self._lock:
            return text.encode() in self.output

    def wait_for(self, text: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.seen(text):
            if self.exited() or time.monotonic() > deadline:
                tail = bytes(self.output[-2000:]).decode(errors="replace")
                raise AssertionError(f"never saw {text!r}; exited={self.status}; tail={tail!r}")
            time.sleep(0.02)

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def exited(self) -> bool:
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
        return self.status is not None

    def wait_exit(self, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        while not self.exited():
            if time.monotonic() > deadline:
                raise AssertionError("the app did not exit")
            time.sleep(0.02)
        assert self.status is not None
        return self.status

    def close(self) -> None:
        if not self.exited():
            os.kill(self.pid, signal.SIGKILL)
            self.wait_exit()
        with contextlib.suppress(OSError):
            os.close(self.fd)


@pytest.fixture
def library_db(tmp_path: Path) -> tuple[Path, int]:
    """A database with the seed article; returns (path, article id)."""
    db = tmp_path / "gazette.db"
    lib = Library(db)
    try:
        lib.add_feed(str(FEED))
        (article,) = lib.articles()
        return db, article.id
    finally:
        lib.close()


@pytest.fixture
def terminal(library_db: tuple[Path, int]) -> Iterator[Terminal]:
    term = Terminal(library_db[0])
    try:
        yield term
    finally:
        term.close()


def write_note(term: Terminal, text: str) -> None:
    """Open the article, open its note and type ``text`` (seen echoed on screen)."""
    term.wait_for("newest first")  # the reader is drawn
    term.send("\r")  # open the article under the cursor
    term.wait_for("Blinken")  # its body is on screen
    term.send("e")
    term.wait_for("Write a note")  # the editor has the focus
    term.send(text)
    term.wait_for(text)


def note_body(db: Path, article_id: int) -> str | None:
    lib = Library(db)
    try:
        note = lib.note(article_id)
        return note.body if note else None
    finally:
        lib.close()


def wait_until(cond: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll ``cond`` (here: the database, from outside the app) until it holds."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        time.sleep(0.02)


def test_sigkill_after_the_autosave_delay_keeps_the_note(
    terminal: Terminal, library_db: tuple[Path, int]
) -> None:
    db, article_id = library_db
    write_note(terminal, "killed-after-autosave")
    wait_until(lambda: note_body(db, article_id) is not None)  # the autosave has run
    os.kill(terminal.pid, signal.SIGKILL)
    assert terminal.wait_exit() == -signal.SIGKILL
    assert note_body(db, article_id) == "killed-after-autosave"


@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP", "terminal closed"])
def test_sigterm_or_hangup_right_after_typing_saves_the_note(
    terminal: Terminal, library_db: tuple[Path, int], how: str
) -> None:
    db, article_id = library_db
    write_note(terminal, "saved-by-the-handler")
    assert note_body(db, article_id) is None  # the autosave has not run yet
    if how == "terminal closed":
        # The kernel sends SIGHUP to the app when its terminal goes away.
        os.close(terminal.fd)
        terminal.fd = os.open(os.devnull, os.O_RDONLY)  # for close()
        expected = 128 + signal.SIGHUP
    else:
        sig = getattr(signal, how)
        os.kill(terminal.pid, sig)
        expected = 128 + sig
    assert terminal.wait_exit() == expected  # caught: exited, not killed by the signal
    assert note_body(db, article_id) == "saved-by-the-handler"

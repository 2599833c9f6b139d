"""Driving TUIs in a private tmux server and timing what reaches the screen.

Every terminal figure is taken the same way for Gazette, the minimal Textual
app and newsboat: ``tmux send-keys``, then ``capture-pane -p`` polled every
2 ms until the expected change is on screen.  A key in a list counts when the
list's lines (the screen without its last ``footer`` lines) change, styles
included (moving the cursor changes only styles); opening an article counts
when the first words of its body appear once more than they did before the
key.  Startup counts from starting the command to a marker on screen.

An open is told apart by its text alone: the first words of every article
the cursor may be on are known, so when Enter shows another article's words
the harness knows where the cursor really was (Gazette's list can move it
back after a reload, see ``time_opens``), moves to the right row and opens
again.  Every open that is still not counted is kept with its reason.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from measure import descendants, proc_table, status_kb

TERM_SIZE = (120, 40)

#: How often the screen is read while waiting for a change.
POLL_S = 0.002

#: How long another article's words must stay on screen, without the expected
#: ones, before an open is taken for that article's (a frame drawn in parts
#: never shows the body's later text long without its first words).
WRONG_HOLD_S = 0.25


class Tmux:
    """A private tmux server (its own socket, no user config) for driving TUIs."""

    def __init__(self) -> None:
        self.socket = f"gazette-bench-{os.getpid()}"
        self._run("-f", "/dev/null", "new-session", "-d", "-s", "idle", "-x", "80", "-y", "24")

    def _run(self, *args: str, check: bool = True) -> str:
        r = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )
        if check and r.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout

    def start(self, name: str, cmd: Sequence[str], env: dict[str, str]) -> int:
        """Start ``cmd`` in a new session of TERM_SIZE; returns the pane's pid."""
        w, h = TERM_SIZE
        full = ["env", *(f"{k}={v}" for k, v in env.items()), *cmd]
        out = self._run(
            "new-session", "-d", "-s", name, "-x", str(w), "-y", str(h),
            "-P", "-F", "#{pane_pid}", *full,
        )  # fmt: skip
        return int(out.strip())

    def screen(self, name: str, styled: bool = False) -> str:
        opts = ["-p", "-e"] if styled else ["-p"]
        return self._run("capture-pane", *opts, "-t", name, check=False)

    def send(self, name: str, key: str) -> None:
        self._run("send-keys", "-t", name, key, check=False)

    def kill(self, name: str) -> None:
        self._run("kill-session", "-t", name, check=False)

    def close(self) -> None:
        self._run("kill-server", check=False)
        tmpdir = os.environ.get("TMUX_TMPDIR", "/tmp")
        with contextlib.suppress(OSError):
            Path(tmpdir, f"tmux-{os.getuid()}", self.socket).unlink()


def app_pid(pane_pid: int, names: Sequence[str]) -> int:
    """The process of the app in a pane (``env`` execs it; a shell might not)."""
    table = proc_table()
    for pid in descendants(pane_pid):
        if any(n in table.get(pid, (0, ""))[1] for n in names):
            return pid
    return pane_pid


@dataclass(frozen=True)
class TuiSpec:
    """How to start one TUI and know that it has painted."""

    who: str
    cmd: list[str]
    env: dict[str, str]
    marker: str  # text on its first painted screen
    names: tuple[str, ...]  # process names to find its pid under the pane
    quit_keys: tuple[str, ...]
    timeout: float = 60.0
    footer: int = 2  # screen lines below the list (status, key bar): not the list's


@dataclass
class TuiRun:
    """What one start of a TUI measured (seconds; KiB for memory)."""

    startup_s: float | None
    hwm_kb: int = 0
    screen: str = ""
    key_s: dict[str, list[float]] = field(default_factory=dict)
    keys_missed: int = 0
    open_s: list[float] = field(default_factory=list)
    #: Why each open that was not counted was not (one line per article).
    open_misses: list[str] = field(default_factory=list)
    #: Opens that showed another article first and were aimed again, counted then.
    open_reaims: list[str] = field(default_factory=list)


def warm_up(tmux: Tmux, spec: TuiSpec) -> None:
    """Start and quit once, untimed: every app is then measured with a warm disk cache."""
    Session(tmux, spec).close()


class Session:
    """One running TUI in the tmux server: started, timed, and quit on ``close``."""

    def __init__(self, tmux: Tmux, spec: TuiSpec) -> None:
        self.tmux = tmux
        self.spec = spec
        self.name = f"run{time.monotonic_ns()}"
        t0 = time.perf_counter()
        pane = tmux.start(self.name, spec.cmd, spec.env)
        seen = self.wait(lambda s: spec.marker in s, spec.timeout, styled=False)
        self.run = TuiRun(None if seen is None else seen - t0)
        self.run.screen = tmux.screen(self.name)
        self.pid = app_pid(pane, spec.names)

    @property
    def started(self) -> bool:
        return self.run.startup_s is not None

    def wait(
        self, done: Callable[[str], bool], timeout: float, styled: bool = True
    ) -> float | None:
        """Poll the screen until ``done(screen)``; the perf_counter time it did, or None."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if done(self.tmux.screen(self.name, styled=styled)):
                return time.perf_counter()
            time.sleep(POLL_S)
        return None

    def _list_lines(self, screen: str) -> list[str]:
        lines = screen.split("\n")
        return lines[: max(1, len(lines) - 1 - self.spec.footer)]

    def key(self, key: str, timeout: float = 2.0) -> float | None:
        """Seconds from sending ``key`` until the list's lines change, or None."""
        before = self._list_lines(self.tmux.screen(self.name, styled=True))
        t = time.perf_counter()
        self.tmux.send(self.name, key)
        seen = self.wait(lambda s: self._list_lines(s) != before, timeout)
        return None if seen is None else seen - t

    def time_keys(self, keys: Sequence[str]) -> None:
        """Key-to-screen of each key, kept per key name."""
        for key in keys:
            lat = self.key(key)
            if lat is None:
                self.run.keys_missed += 1
            else:
                self.run.key_s.setdefault(key, []).append(lat)

    def time_open(
        self, markers: Sequence[str], want: int, timeout: float = 10.0
    ) -> tuple[float | None, int | None]:
        """Enter, then watch which of ``markers`` (articles' first words) shows once more.

        Returns (seconds, ``want``) when ``markers[want]`` did; (None, j) when
        article j's words did instead and stayed ``WRONG_HOLD_S`` without
        ``markers[want]`` (the cursor was on j); (None, None) after ``timeout``.
        """
        screen = self.tmux.screen(self.name)
        before = [screen.count(m) for m in markers]
        other: dict[int, float] = {}  # article shown instead -> when first seen
        shown: list[int] = []

        def done(s: str) -> bool:
            if s.count(markers[want]) > before[want]:
                shown.append(want)
                return True
            now = time.perf_counter()
            for j, m in enumerate(markers):
                if j != want and s.count(m) > before[j]:
                    other.setdefault(j, now)
                else:
                    other.pop(j, None)
            held = [j for j, t0 in other.items() if now - t0 >= WRONG_HOLD_S]
            shown.extend(held[:1])
            return bool(held)

        t = time.perf_counter()
        self.tmux.send(self.name, "Enter")
        seen = self.wait(done, timeout, styled=False)
        if seen is None:
            return None, None
        return (seen - t if shown[0] == want else None), shown[0]

    def _back(self, words: str, back: str) -> None:
        """Leave the open article: ``back``, until its words show fewer times."""
        before = self.tmux.screen(self.name).count(words)
        self.tmux.send(self.name, back)
        self.wait(lambda s: s.count(words) < before, 5.0, styled=False)

    def _move(self, rows: int, down: str, up: str) -> None:
        for _ in range(abs(rows)):
            self.key(down if rows > 0 else up)

    def time_opens(
        self,
        markers: Sequence[str],
        first: int,
        count: int,
        keys: tuple[str, str, str] = ("h", "Down", "Up"),
        tries: int = 3,
        timeout: float = 10.0,
    ) -> None:
        """Open rows ``first`` .. ``first + count - 1`` of the list, each once, timed.

        ``markers[k]`` is the first words of row k's body, for every row the
        cursor may be on; the cursor starts on row ``first``.  ``keys`` are
        back, down and up.  After each open the harness goes back and down.

        The cursor is not always where the keys put it: Gazette reloads its
        list when a worker thread has committed (the body conversion of the
        open before), and that reload puts the cursor back on the article that
        was under it when the reload began, even after a Down since.  Enter
        then opens that article again, and its words, not the expected ones,
        show.  The harness sees whose words they are, moves from that row to
        the wanted one and opens it (not opened yet, so still a first open),
        up to ``tries`` times; each such open is noted in ``open_reaims``,
        and each article never shown in ``open_misses`` with the reason.
        """
        back, down, up = keys
        at = first  # the row the cursor is on, as far as the screen told
        for want in range(first, first + count):
            shown: list[int] = []
            for _ in range(tries):
                self._move(want - at, down, up)
                at = want
                lat, seen = self.time_open(markers, want, timeout)
                if seen is not None:
                    at = seen
                    self._back(markers[seen], back)
                if lat is not None:
                    self.run.open_s.append(lat)
                    break
                if seen is None:
                    on = [j for j, m in enumerate(markers) if m in self.tmux.screen(self.name)]
                    what = f"rows {on} on screen" if on else "no listed article on screen"
                    self.run.open_misses.append(
                        f"row {want} ({markers[want]!r}): its words never showed within "
                        f"{timeout:g} s ({what})"
                    )
                    self.tmux.send(self.name, back)
                    break
                shown.append(seen)
                self.run.open_reaims.append(
                    f"row {want}: Enter showed row {seen}'s body (the cursor was there)"
                )
            else:
                self.run.open_misses.append(
                    f"row {want} ({markers[want]!r}): {tries} Enters showed rows {shown} instead"
                )

    def press(self, keys: Sequence[tuple[str, float]]) -> None:
        """Keys with a pause after each (reading, not timed)."""
        for key, pause in keys:
            self.tmux.send(self.name, key)
            time.sleep(pause)

    def settle(self, seconds: float = 0.5) -> None:
        """Let late paints and workers finish before timing keys."""
        time.sleep(seconds)

    def close(self) -> TuiRun:
        """Note the memory high-water mark, quit, and end the session."""
        self.run.hwm_kb = max((status_kb(p, "VmHWM") for p in descendants(self.pid)), default=0)
        for key in self.spec.quit_keys:
            self.tmux.send(self.name, key)
            time.sleep(0.2)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and Path(f"/proc/{self.pid}").exists():
            time.sleep(0.05)
        self.tmux.kill(self.name)
        return self.run

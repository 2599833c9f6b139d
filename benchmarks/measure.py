"""Running measured child processes: wall time, CPU time and the memory of their process tree.

Memory is measured from outside: a sampler adds up the resident set of the
whole process tree every 50 ms (Gazette parses in a process pool, so its
workers count); ``status_kb`` reads one process's own VmHWM for the terminal
figures.  ``phase`` runs one phase of ``phases.py`` in a fresh interpreter.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def p95(values: Sequence[float]) -> float:
    """The 95th percentile, interpolated between samples (never above the max)."""
    if len(values) >= 2:
        return statistics.quantiles(values, n=20, method="inclusive")[-1]
    return values[0]


def percentiles(values: Sequence[float]) -> dict[str, float]:
    """p50, p95 and max of a list of timings."""
    return {"p50": statistics.median(values), "p95": p95(values), "max": max(values)}


def settle() -> None:
    """Flush the page cache's dirty pages before a timed refresh.

    A cold refresh writes hundreds of MB; without this, the kernel may still
    be writing the previous run's database back while the next run is
    timed, so each run would start from a different state.
    """
    os.sync()


def clean_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(path) + suffix).unlink()


def db_bytes(path: Path) -> int:
    return sum(
        Path(str(path) + s).stat().st_size for s in ("", "-wal") if Path(str(path) + s).exists()
    )


def proc_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command name) of every process we can see."""
    out: dict[int, tuple[int, str]] = {}
    if not os.path.isdir("/proc"):
        return out  # no procfs (macOS): memory figures read 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        name = raw[raw.find("(") + 1 : raw.rfind(")")]
        fields = raw[raw.rfind(")") + 2 :].split()
        out[int(entry.name)] = (int(fields[1]), name)
    return out


def descendants(root: int) -> list[int]:
    """``root`` and every process below it."""
    table = proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _name) in table.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def status_kb(pid: int, key: str) -> int:
    """A ``/proc/PID/status`` field in KiB (VmRSS, VmHWM); 0 if the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeSampler:
    """Peak of the summed RSS of a process tree, sampled every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            if Path(f"/proc/{self.pid}").exists():
                total = sum(status_kb(p, "VmRSS") for p in descendants(self.pid))
                self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak_kb


@dataclass
class Child:
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    tree_peak_kb: int
    maxrss_kb: int  # the largest single process of the tree (wait4)
    cpu_s: float  # user + system time of the process and the children it waited for

    def result(self) -> dict[str, Any]:
        for line in reversed(self.stdout.splitlines()):
            if line.startswith("RESULT "):
                return json.loads(line[7:])
        raise RuntimeError(f"no result from the child:\n{self.stderr[-3000:]}")


def run_child(
    cmd: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    timeout: float = 1800,
    cwd: str | Path | None = None,
) -> Child:
    """Run a command, timing it and watching the memory of its process tree."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        sampler = TreeSampler(proc.pid)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - t
        peak = sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return Child(seconds, proc.returncode, out.read(), err.read(), peak, usage.ru_maxrss, cpu)


def phase(name: str, args: dict[str, Any], *, timeout: float = 1800) -> tuple[dict, Child]:
    """Run one phase of ``phases.py`` in a fresh interpreter; crash loudly if it fails."""
    cmd = [sys.executable, str(HERE / "phases.py"), name, json.dumps(args)]
    child = run_child(cmd, timeout=timeout, cwd=ROOT)
    if child.returncode != 0:
        raise RuntimeError(
            f"phase {name} failed (exit {child.returncode}):\n{child.stderr[-4000:]}"
        )
    return child.result(), child


def load_average() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())

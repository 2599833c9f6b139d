"""Gazette's performance benchmarks, side by side with newsboat when it is installed.

    uv run python benchmarks/run.py            # the full run (~10 min; ~13 building caches)
    uv run python benchmarks/run.py --quick    # small sizes, one run each (CI, < 60 s)

It starts a loopback feed farm (``farm.py``) and measures, each in a fresh
process (``phases.py``): cold and warm refresh (the core and the installed
``gazette`` command), startup to a painted article list, opening a view,
moving through the list, search (FTS5 and a LIKE baseline), peak memory and
database size.  newsboat runs on the same farm in the same run (``-x reload``
with ``reload-threads 8``; its UI in tmux for startup) when the command is
installed; every figure then gets the ratio to newsboat.

Memory is measured from outside: a sampler adds up the resident set of the
whole process tree every 50 ms (Gazette parses in a process pool, so its
workers count), and the terminal figures read the app's own VmHWM.

It prints a table of min / median / max per figure.  Targets (issue 7) are
checked in the full run only, and only reported: the exit code is 0 unless
something crashed (``--strict`` makes failed targets exit 1).  The large
databases are cached under ``--cache-dir`` keyed by content and code version.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _p in (str(ROOT), str(HERE)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from farm import CONTENT_VERSION, FarmProcess, Generator  # noqa: E402

#: Bump when what is measured or how the cached databases are built changes.
BENCH_VERSION = 2

#: newsboat 2.21 on the issue's machine (2 cores, 2026-11-26), used for the
#: targets when newsboat is not installed here.
ISSUE_NEWSBOAT = {"cold": 46.0, "warm": 48.0, "startup": 89.0, "read_mb": 127.0}

TERM_SIZE = (120, 40)


# -- sizes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    refresh_feeds: int
    refresh_items: int
    corpus_feeds: int
    corpus_items: int
    runs: int
    newsboat_runs: int
    newsboat_startup_runs: int
    search_reps: int
    like_queries: int
    view_samples: int
    line_moves: int
    pages: int
    hosts: int = 16
    seed: int = 1

    @property
    def corpus_articles(self) -> int:
        return self.corpus_feeds * self.corpus_items


FULL = Sizes(
    refresh_feeds=1000,
    refresh_items=50,
    corpus_feeds=2000,
    corpus_items=50,
    runs=3,
    newsboat_runs=2,
    newsboat_startup_runs=1,
    search_reps=5,
    like_queries=8,
    view_samples=5,
    line_moves=60,
    pages=30,
)
QUICK = Sizes(
    refresh_feeds=50,
    refresh_items=10,
    corpus_feeds=100,
    corpus_items=50,
    runs=1,
    newsboat_runs=1,
    newsboat_startup_runs=1,
    search_reps=2,
    like_queries=4,
    view_samples=2,
    line_moves=10,
    pages=5,
    hosts=4,
)


# -- measuring child processes ------------------------------------------------------


def _proc_table() -> dict[int, tuple[int, str]]:
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
    table = _proc_table()
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


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# -- tmux ----------------------------------------------------------------------------


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

    def key_latency(self, name: str, key: str, timeout: float = 2.0) -> float | None:
        """Seconds from sending a key to the first change on screen (styles included)."""
        before = self.screen(name, styled=True)
        t = time.perf_counter()
        self._run("send-keys", "-t", name, key, check=False)
        while time.perf_counter() - t < timeout:
            if self.screen(name, styled=True) != before:
                return time.perf_counter() - t
            time.sleep(0.002)
        return None

    def keys(self, name: str, *keys: str, pause: float = 0.02) -> None:
        for key in keys:
            self._run("send-keys", "-t", name, key, check=False)
            time.sleep(pause)

    def wait_for(self, name: str, text: str, timeout: float) -> float | None:
        """Poll the screen until ``text`` shows; the perf_counter time it did, or None."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if text in self.screen(name):
                return time.perf_counter()
            time.sleep(0.01)
        return None

    def kill(self, name: str) -> None:
        self._run("kill-session", "-t", name, check=False)

    def close(self) -> None:
        self._run("kill-server", check=False)
        tmpdir = os.environ.get("TMUX_TMPDIR", "/tmp")
        with contextlib.suppress(OSError):
            Path(tmpdir, f"tmux-{os.getuid()}", self.socket).unlink()


def app_pid(pane_pid: int, names: Sequence[str]) -> int:
    """The process of the app in a pane (``env`` execs it; a shell might not)."""
    table = _proc_table()
    for pid in descendants(pane_pid):
        if any(n in table.get(pid, (0, ""))[1] for n in names):
            return pid
    return pane_pid


@dataclass
class TuiRun:
    startup_s: float | None
    hwm_kb: int
    screen: str = ""
    key_s: list[float] = field(default_factory=list)


def drive_tui(
    tmux: Tmux,
    cmd: Sequence[str],
    env: dict[str, str],
    marker: str,
    latency_keys: Sequence[str],
    reading_keys: Sequence[tuple[str, float]],
    quit_keys: Sequence[str],
    names: Sequence[str],
    timeout: float,
) -> TuiRun:
    """Start a TUI, time it to ``marker`` on screen, time keys to a screen change,
    read with more keys, note VmHWM, quit."""
    name = f"run{time.monotonic_ns()}"
    t0 = time.perf_counter()
    pane = tmux.start(name, cmd, env)
    seen = tmux.wait_for(name, marker, timeout)
    startup = None if seen is None else seen - t0
    screen = tmux.screen(name)
    pid = app_pid(pane, names)
    key_s: list[float] = []
    if seen is not None:
        time.sleep(0.5)  # let it settle (late paints, workers)
        for key in latency_keys:
            lat = tmux.key_latency(name, key)
            if lat is not None:
                key_s.append(lat)
        for key, pause in reading_keys:
            tmux.keys(name, key, pause=pause)
    hwm = max((status_kb(p, "VmHWM") for p in descendants(pid)), default=0)
    tmux.keys(name, *quit_keys, pause=0.2)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        time.sleep(0.05)
    tmux.kill(name)
    return TuiRun(startup, hwm, screen, key_s)


# -- newsboat -----------------------------------------------------------------------------


def newsboat_version() -> str | None:
    exe = shutil.which("newsboat")
    if not exe:
        return None
    r = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    first = (r.stdout or r.stderr).splitlines()
    return first[0].split(" - ")[0].strip() if first else "newsboat"


class Newsboat:
    """One newsboat set-up: its urls file, config and cache in a directory."""

    def __init__(self, directory: Path, urls: Sequence[str] | None = None) -> None:
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "home").mkdir(exist_ok=True)
        if urls is not None:
            (self.dir / "urls").write_text("\n".join(urls) + "\n")
        (self.dir / "config").write_text("reload-threads 8\nconfirm-exit no\n")

    @property
    def cache(self) -> Path:
        return self.dir / "cache.db"

    def env(self) -> dict[str, str]:
        return {
            "HOME": str(self.dir / "home"),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        }

    def args(self) -> list[str]:
        return ["-u", str(self.dir / "urls"), "-c", str(self.cache), "-C", str(self.dir / "config")]

    def reload(self) -> Child:
        child = run_child(["newsboat", "-x", "reload", *self.args()], env=self.env())
        if child.returncode != 0:
            raise RuntimeError(f"newsboat -x reload failed: {child.stderr[-2000:]}")
        return child

    def articles(self) -> int:
        with contextlib.closing(sqlite3.connect(self.cache)) as c:
            return int(c.execute("SELECT count(*) FROM rss_item").fetchone()[0])


# -- figures ------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    unit: str
    gazette: list[float] | str
    newsboat: list[float] | str = "n/a"
    target: str = ""
    check: Callable[[float, float | None], bool] | None = None
    note: str = ""
    passed: bool | None = field(default=None, init=False)

    @staticmethod
    def med(v: list[float] | str) -> float | None:
        return statistics.median(v) if isinstance(v, list) and v else None


def fmt_num(x: float) -> str:
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def fmt_samples(v: list[float] | str) -> str:
    if isinstance(v, str):
        return v
    if not v:
        return "n/a"
    if len(v) == 1:
        return fmt_num(v[0])
    return f"{fmt_num(min(v))} / {fmt_num(statistics.median(v))} / {fmt_num(max(v))}"


def judge(figures: list[Figure], assert_targets: bool) -> None:
    for f in figures:
        g, n = Figure.med(f.gazette), Figure.med(f.newsboat)
        if f.check is None or g is None or not assert_targets:
            f.passed = None
            continue
        f.passed = f.check(g, n)


def ratio(f: Figure) -> str:
    g, n = Figure.med(f.gazette), Figure.med(f.newsboat)
    if g is None or n is None or n == 0:
        return "n/a"
    return f"{g / n:.2f}x"


def verdict(f: Figure, assert_targets: bool) -> str:
    if not f.target:
        return ""
    if not assert_targets:
        return "-"
    if f.passed is None:
        return "n/a"
    return "PASS" if f.passed else "FAIL"


def table_rows(figures: list[Figure], assert_targets: bool) -> list[list[str]]:
    return [
        [
            f.name,
            f.unit,
            fmt_samples(f.gazette),
            fmt_samples(f.newsboat),
            ratio(f),
            f.target,
            verdict(f, assert_targets),
        ]
        for f in figures
    ]


HEADER = ["figure", "unit", "gazette min / med / max", "newsboat", "ratio", "target", "pass"]


def text_table(figures: list[Figure], assert_targets: bool) -> str:
    rows = [HEADER, *table_rows(figures, assert_targets)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = []
    for i, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(figures: list[Figure], assert_targets: bool) -> str:
    rows = table_rows(figures, assert_targets)
    out = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(out)


# -- machine ------------------------------------------------------------------------------


def machine_info() -> dict[str, str]:
    info = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(os.cpu_count()),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "os": platform.platform(),
        "load average at start": "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    try:
        from importlib.metadata import version

        for pkg in ("gazette", "textual", "feedparser", "httpx", "sqlite-utils"):
            with contextlib.suppress(Exception):
                info[pkg] = version(pkg)
    except ImportError:
        pass
    r = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    )
    if r.returncode == 0:
        info["commit"] = r.stdout.strip()
    info["newsboat"] = (newsboat_version() or "not installed").removeprefix("newsboat ")
    with contextlib.suppress(FileNotFoundError):
        info["tmux"] = (
            subprocess.run(["tmux", "-V"], capture_output=True, text=True, check=False)
            .stdout.strip()
            .removeprefix("tmux ")
        )
    return info


# -- the run ------------------------------------------------------------------------------


def code_hash() -> str:
    """The parts of the code that shape a stored database: a cached one is rebuilt on change."""
    h = hashlib.sha1()
    packages = ("tui/core/storage", "tui/core/parse")
    shaping = sorted(str(p.relative_to(ROOT)) for d in packages for p in (ROOT / d).glob("*.py"))
    for rel in (*shaping, "tui/core/urls.py", "tui/core/text.py", "benchmarks/farm.py"):
        with contextlib.suppress(OSError):
            h.update((ROOT / rel).read_bytes())
    return h.hexdigest()[:10]


def gazette_command() -> list[str] | None:
    exe = shutil.which("gazette") or str(Path(sys.executable).parent / "gazette")
    return [exe] if Path(exe).exists() else None


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


def byte_breakdown(path: Path, articles: int) -> str:
    """Where the bytes go: KB per article for each table (its indexes summed in), from dbstat."""
    conn = sqlite3.connect(path)
    try:
        owner = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master"))
        sizes: dict[str, int] = {}
        for name, size in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
            table = owner.get(name, name)
            if table.startswith("articles_fts_"):
                table = "articles_fts"  # its shadow tables
            sizes[table] = sizes.get(table, 0) + size
    except sqlite3.OperationalError as exc:  # an SQLite built without dbstat
        return f"no byte breakdown ({exc})"
    finally:
        conn.close()
    top = sorted(sizes.items(), key=lambda kv: -kv[1])[:4]
    parts = ", ".join(f"{name} {size / articles / 1e3:.2f}" for name, size in top)
    return f"KB per article, with indexes: {parts}"


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.quick: bool = args.quick
        sizes = QUICK if args.quick else FULL
        if args.runs:
            sizes = Sizes(**{**sizes.__dict__, "runs": args.runs})
        if args.newsboat_runs:
            sizes = Sizes(**{**sizes.__dict__, "newsboat_runs": args.newsboat_runs})
        self.sizes = sizes
        self.work = Path(tempfile.mkdtemp(prefix="gazette-bench-"))
        self.cache = Path(args.cache_dir)
        self.cache.mkdir(parents=True, exist_ok=True)
        self.newsboat = None if args.no_newsboat else newsboat_version()
        self.tmux = shutil.which("tmux") is not None and not args.no_tmux
        self.gazette_cmd = gazette_command()
        self.raw: dict[str, Any] = {}
        self.figures: list[Figure] = []
        self.notes: list[str] = []

    def close(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)

    # -- refresh ----------------------------------------------------------------------

    def refresh(self) -> None:
        s = self.sizes
        n_art = s.refresh_feeds * s.refresh_items
        log(f"farm: {s.refresh_feeds} feeds x {s.refresh_items} items on {s.hosts} ports")
        core_cold: list[float] = []
        core_warm: list[float] = []
        core_mem: list[float] = []
        core_single: list[float] = []
        core_cpu: list[float] = []
        nb_cpu: list[float] = []
        cli_cold: list[float] = []
        cli_warm: list[float] = []
        nb_cold: list[float] = []
        nb_warm: list[float] = []
        nb_mem: list[float] = []
        nb_size = "n/a"
        g_size = 0.0
        with FarmProcess(s.refresh_feeds, s.refresh_items, seed=s.seed, hosts=s.hosts) as farm:
            log(f"farm ready (generated in {farm.warm_seconds:.1f} s)")
            urls_file = self.work / "urls.txt"
            urls_file.write_text("\n".join(farm.urls) + "\n")

            def checked(stats: dict[str, int], want: str, what: str) -> None:
                if stats.get(want) != s.refresh_feeds:
                    self.notes.append(f"{what}: farm saw {stats} (expected {want} for every feed)")

            # Gazette and newsboat take turns, run by run, so that a busy moment
            # on the machine hits both rather than one of them.
            env = {**os.environ, "GAZETTE_CONFIG_DIR": str(self.work / "config")}
            nb: Newsboat | None = None
            for run in range(max(s.runs, s.newsboat_runs if self.newsboat else 0)):
                if run < s.runs:
                    db = self.work / f"core-{run}.db"
                    clean_db(db)
                    settle()
                    farm.reset_stats()
                    res, child = phase("refresh", {"db": str(db), "urls": str(urls_file)})
                    checked(farm.stats(), "200", "gazette cold refresh")
                    if res["new"] != n_art or res["failed"]:
                        self.notes.append(f"gazette cold refresh: {res}")
                    core_cold.append(res["seconds"])
                    core_mem.append(child.tree_peak_kb / 1024)
                    core_single.append(child.maxrss_kb / 1024)
                    core_cpu.append(child.cpu_s)
                    log(
                        f"gazette core cold {res['seconds']:.2f} s, new {res['new']}, "
                        f"tree peak {child.tree_peak_kb / 1024:.0f} MB"
                    )
                    farm.reset_stats()
                    res, _ = phase("refresh", {"db": str(db)})
                    checked(farm.stats(), "304", "gazette warm refresh")
                    core_warm.append(res["seconds"])
                    log(f"gazette core warm {res['seconds']:.2f} s, 304s {res['not_modified']}")
                    g_size = db_bytes(db) / (n_art / 1000) / 1e6
                    clean_db(db)

                if run < s.runs and self.gazette_cmd:
                    db = self.work / f"cli-{run}.db"
                    clean_db(db)
                    phase("add_feeds", {"db": str(db), "urls": str(urls_file)})
                    for kind, dest in (("cold", cli_cold), ("warm", cli_warm)):
                        settle()
                        farm.reset_stats()
                        child = run_child([*self.gazette_cmd, "--db", str(db), "refresh"], env=env)
                        if child.returncode != 0:
                            raise RuntimeError(f"gazette refresh failed: {child.stderr[-2000:]}")
                        checked(farm.stats(), "200" if kind == "cold" else "304", f"CLI {kind}")
                        dest.append(child.seconds)
                        log(f"gazette command {kind} {child.seconds:.2f} s")
                    clean_db(db)

                if self.newsboat and run < s.newsboat_runs:
                    if nb is not None:
                        shutil.rmtree(nb.dir, ignore_errors=True)
                    nb = Newsboat(self.work / f"newsboat-{run}", farm.urls)
                    settle()
                    farm.reset_stats()
                    child = nb.reload()
                    checked(farm.stats(), "200", "newsboat cold reload")
                    nb_cold.append(child.seconds)
                    nb_mem.append(child.tree_peak_kb / 1024)
                    nb_cpu.append(child.cpu_s)
                    log(
                        f"newsboat cold {child.seconds:.2f} s, "
                        f"peak {child.tree_peak_kb / 1024:.0f} MB"
                    )

            if nb is not None:
                nb_size = [nb.cache.stat().st_size / (nb.articles() / 1000) / 1e6]
                # newsboat 2.21 saves a feed's validators before the feed's row
                # exists on the first fetch, so only the second fetch stores
                # them: prime once, untimed, so that the warm runs really are 304s.
                farm.reset_stats()
                t = time.perf_counter()
                nb.reload()
                log(f"newsboat priming reload {time.perf_counter() - t:.1f} s (untimed)")
                for _ in range(s.newsboat_runs):
                    farm.reset_stats()
                    child = nb.reload()
                    checked(farm.stats(), "304", "newsboat warm reload")
                    nb_warm.append(child.seconds)
                    log(f"newsboat warm {child.seconds:.2f} s")
                shutil.rmtree(nb.dir, ignore_errors=True)

        nb_ref = self.newsboat is None
        cold_ref = ISSUE_NEWSBOAT["cold"]
        half = "<= 0.5x newsboat" + (f" (issue: {cold_ref / 2:g} s)" if nb_ref else "")

        def cold_check(g: float, n: float | None) -> bool:
            return g <= 0.5 * (n if n is not None else cold_ref)

        label = f"{s.refresh_feeds} feeds x {s.refresh_items}"
        self.figures += [
            Figure(
                f"cold refresh {label} (core)", "s", core_cold, nb_cold or "n/a", half, cold_check
            ),
            Figure(
                f"cold refresh {label} (gazette command)",
                "s",
                cli_cold or "n/a (no command)",
                nb_cold or "n/a",
                half,
                cold_check,
            ),
            Figure(
                "cold refresh: CPU time, user + system (core)",
                "s",
                core_cpu,
                nb_cpu or "n/a",
                note="CPU seconds of the refresh process and its parse workers (wait4 rusage; "
                "the farm is not counted): unlike wall time, barely moved by other load",
            ),
            Figure(
                "warm refresh, all 304 (core)",
                "s",
                core_warm,
                nb_warm or "n/a",
                "<= 2 s",
                lambda g, n: g <= 2.0,
            ),
            Figure(
                "warm refresh, all 304 (gazette command)",
                "s",
                cli_warm or "n/a (no command)",
                nb_warm or "n/a",
                "<= 2 s",
                lambda g, n: g <= 2.0,
            ),
            Figure(
                "peak memory, cold refresh (process tree)",
                "MB",
                core_mem,
                nb_mem or "n/a",
                note="sum of the RSS of the refreshing process and its parse workers, sampled "
                f"every 50 ms; the largest single process peaked at {max(core_single):.0f} MB"
                if core_single
                else "",
            ),
            Figure(
                f"database size per 1,000 articles (after refresh of {n_art:,})",
                "MB",
                [g_size],
                nb_size,
            ),
        ]
        self.raw["refresh"] = {
            "core_cold": core_cold,
            "core_warm": core_warm,
            "core_mem_mb": core_mem,
            "core_largest_process_mb": core_single,
            "cli_cold": cli_cold,
            "cli_warm": cli_warm,
            "newsboat_cold": nb_cold,
            "newsboat_warm": nb_warm,
            "newsboat_mem_mb": nb_mem,
            "core_cpu_s": core_cpu,
            "newsboat_cpu_s": nb_cpu,
        }

    # -- the large database ----------------------------------------------------------------

    def corpus_db(self) -> Path:
        s = self.sizes
        size = f"{s.corpus_feeds}x{s.corpus_items}-s{s.seed}"
        key = f"gazette-{size}-b{BENCH_VERSION}-c{CONTENT_VERSION}"
        path = self.cache / f"{key}-{code_hash()}.db"
        if path.exists() and not self.args.rebuild:
            log(f"reusing {path}")
            return path
        for old in self.cache.glob(f"gazette-{size}-*.db*"):
            old.unlink()  # older versions of this database: each is ~1.3 GB at 100,000
        tmp = Path(str(path) + ".building")
        clean_db(tmp)
        log(f"building {s.corpus_articles:,} articles into {path.name} (cached for next runs)")
        res, child = phase(
            "build_corpus",
            {"db": str(tmp), "feeds": s.corpus_feeds, "items": s.corpus_items, "seed": s.seed},
            timeout=3600,
        )
        log(f"built {res['articles']:,} articles in {child.seconds:.1f} s")
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(tmp) + suffix).unlink()
        tmp.rename(path)
        return path

    def newsboat_corpus(self) -> Newsboat | None:
        if not self.newsboat:
            return None
        s = self.sizes
        ver = self.newsboat.replace(" ", "-")
        size = f"{s.corpus_feeds}x{s.corpus_items}-s{s.seed}"
        key = f"{ver}-{size}-b{BENCH_VERSION}-c{CONTENT_VERSION}"
        directory = self.cache / key
        done = directory / "complete"
        if done.exists() and not self.args.rebuild:
            log(f"reusing {directory}")
            return Newsboat(directory)
        for old in self.cache.glob(f"{ver}-{size}-*"):
            shutil.rmtree(old, ignore_errors=True)
        log(f"building newsboat's cache of {s.corpus_articles:,} articles (cached for next runs)")
        with FarmProcess(s.corpus_feeds, s.corpus_items, seed=s.seed, hosts=s.hosts) as farm:
            nb = Newsboat(directory, farm.urls)
            child = nb.reload()
        log(f"newsboat reload of the corpus took {child.seconds:.1f} s")
        done.write_text(str(nb.articles()))
        return nb

    def reading(self) -> None:
        s = self.sizes
        db = self.corpus_db()
        n = s.corpus_articles
        half = n // 2
        big = f"{n:,}"
        # The app marks what it opens read and stores Markdown: it gets a copy,
        # so the cached database stays as built and runs stay comparable.
        app_db = self.work / "corpus-copy.db"
        shutil.copyfile(db, app_db)

        # core queries and search
        res, _ = phase(
            "queries",
            {
                "db": str(db),
                "samples": s.view_samples,
                "search_reps": s.search_reps,
                "like_queries": s.like_queries,
            },
        )
        self.raw["queries"] = res
        fts, like = res["fts_ms"], res["like_ms"]
        fts_same = res["like_fts_same_queries_ms"]
        p95 = statistics.quantiles(fts, n=20)[-1] if len(fts) >= 2 else fts[0]
        like_p95 = statistics.quantiles(like, n=20)[-1] if len(like) >= 2 else like[0]
        same_p95 = statistics.quantiles(fts_same, n=20)[-1] if len(fts_same) >= 2 else fts_same[0]
        self.figures += [
            Figure(
                f"open a {res['count_folder']:,}-article view (core: count + first page)",
                "ms",
                res["open_folder_ms"],
                target="<= 200 ms",
                check=lambda g, nb: g <= 200,
            ),
            Figure(
                f"open the {res['count_unread']:,}-article Unread view (core)",
                "ms",
                res["open_unread_ms"],
                target="<= 200 ms",
                check=lambda g, nb: g <= 200,
            ),
            Figure(
                f"last page of the {res['count_folder']:,}-article view (core, OFFSET)",
                "ms",
                res["last_page_folder_ms"],
            ),
            Figure(
                f"search p50 at {big} (Library.search, first 50)",
                "ms",
                [statistics.median(fts)],
                target="<= 20 ms",
                check=lambda g, nb: g <= 20,
                note=f"{len(fts)} timings over {len(res['fts_per_query_ms'])} queries "
                "(1-3 words, common to rare)",
            ),
            Figure(f"search p95 at {big} (Library.search, first 50)", "ms", [p95]),
            Figure(
                f"search p50 at {big}, bare FTS5 MATCH + bm25 over all matches",
                "ms",
                [statistics.median(res["fts_raw_ms"])],
            ),
            Figure(
                f"search p50 at {big}, LIKE '%word%' baseline",
                "ms",
                [statistics.median(like)],
                note="first 50 newest matches over title + the words (unpacked per row); "
                "on the same "
                f"{len(fts_same)} queries Library.search has p50 "
                f"{statistics.median(fts_same):.1f} ms, p95 {same_p95:.1f} ms "
                f"(LIKE p95 is {like_p95 / max(same_p95, 1e-6):.0f}x)",
            ),
            Figure(f"search p95 at {big}, LIKE baseline", "ms", [like_p95]),
        ]

        # the UI in-process
        ui_runs = []
        for _ in range(s.runs):
            r, _child = phase(
                "ui",
                {
                    "db": str(app_db),
                    "width": TERM_SIZE[0],
                    "height": TERM_SIZE[1],
                    "line_moves": s.line_moves,
                    "pages": s.pages,
                },
            )
            if "missing" in r:
                break
            ui_runs.append(r)
            log(
                f"pilot startup {r['startup_s']:.2f} s (imports {r['import_s']:.2f} s), "
                f"view {statistics.median(r['view_ms']):.0f} ms, hwm {r['hwm_kb'] / 1024:.0f} MB"
            )
        self.raw["ui"] = ui_runs
        missing = "n/a (no UI yet)"

        # the terminal (tmux): Gazette and newsboat
        term = Terminal()
        nbt = Terminal()
        nb_size: list[float] | str = "n/a"
        if self.tmux and ui_runs and self.gazette_cmd:
            tmux = Tmux()
            try:
                term = self.gazette_terminal(tmux, app_db)
                nbc = self.newsboat_corpus()
                if nbc is not None:
                    nb_size = [nbc.cache.stat().st_size / (nbc.articles() / 1000) / 1e6]
                    # a copy, as for Gazette: reading marks articles read
                    copy = self.work / "newsboat-corpus"
                    shutil.copytree(nbc.dir, copy)
                    nbt = self.newsboat_terminal(tmux, Newsboat(copy))
            finally:
                tmux.close()
        elif self.newsboat:
            nbc = self.newsboat_corpus()
            if nbc is not None:
                nb_size = [nbc.cache.stat().st_size / (nbc.articles() / 1000) / 1e6]
        self.raw["terminal"] = {"gazette": term.__dict__, "newsboat": nbt.__dict__}

        nb_ref = self.newsboat is None
        read_ref = ISSUE_NEWSBOAT["read_mb"]
        mem_target = "<= newsboat" + (f" (issue: {read_ref:g} MB)" if nb_ref else "")

        def mem_check(g: float, nb: float | None) -> bool:
            return g <= (nb if nb is not None else read_ref)

        def ui(key: str, scale: float = 1.0) -> list[float] | str:
            return [r[key] * scale for r in ui_runs] if ui_runs else missing

        no_term = "n/a (no tmux)" if not self.tmux else missing
        self.figures += [
            Figure(
                f"startup to a painted article list, {big} (terminal)",
                "s",
                term.starts or no_term,
                nbt.starts or "n/a",
                "<= 1.0 s",
                lambda g, nb: g <= 1.0,
            ),
            Figure(
                f"startup to a painted article list, {big} (pilot, in-process)",
                "s",
                ui("startup_s"),
                target="<= 1.0 s",
                check=lambda g, nb: g <= 1.0,
            ),
            Figure(
                f"open a {half:,}-article view in the UI (pilot)",
                "ms",
                [statistics.median(r["view_ms"]) for r in ui_runs] if ui_runs else missing,
                target="<= 200 ms",
                check=lambda g, nb: g <= 200,
            ),
            Figure(
                "move through the list: key to screen change, p95 (terminal)",
                "ms",
                term.keys or no_term,
                nbt.keys or "n/a",
                "<= 50 ms",
                lambda g, nb: g <= 50,
                note="Down then PageDown in the article list (newsboat: its feed list), "
                "timed from tmux send-keys to the first change of capture-pane",
            ),
            Figure(
                "move through the list: list work per key, p95 (pilot)",
                "ms",
                [statistics.quantiles(r["key_ms"], n=20)[-1] for r in ui_runs]
                if ui_runs
                else missing,
                target="<= 50 ms",
                check=lambda g, nb: g <= 50,
                note="cursor/page action plus render_line of every visible row",
            ),
            Figure("jump to the end of the list: list work (pilot)", "ms", ui("end_work_ms")),
            Figure("open an article until its body shows (pilot)", "ms", ui("open_article_ms")),
            Figure(
                f"peak memory reading at {big} (terminal, VmHWM)",
                "MB",
                term.mems or no_term,
                nbt.mems or "n/a",
                mem_target,
                mem_check,
            ),
            Figure(
                f"peak memory reading at {big} (pilot, VmHWM)",
                "MB",
                ui("hwm_kb", 1 / 1024),
                nbt.mems or "n/a",
                mem_target,
                mem_check,
            ),
            Figure(
                f"database size per 1,000 articles ({big})",
                "MB",
                [db_bytes(db) / (n / 1000) / 1e6],
                nb_size,
                note=byte_breakdown(db, n),
            ),
        ]

    def terminal(
        self,
        tmux: Tmux,
        who: str,
        cmd: list[str],
        env: dict[str, str],
        marker: str,
        latency_keys: list[str],
        reading_keys: list[tuple[str, float]],
        quit_keys: list[str],
        names: tuple[str, ...],
        runs: int,
        timeout: float,
    ) -> Terminal:
        out = Terminal()
        for _ in range(runs):
            run = drive_tui(
                tmux, cmd, env, marker, latency_keys, reading_keys, quit_keys, names, timeout
            )
            if run.startup_s is None:
                self.notes.append(f"{who} never showed {marker!r}; screen:\n{run.screen}")
                continue
            out.starts.append(run.startup_s)
            out.mems.append(run.hwm_kb / 1024)
            if len(run.key_s) >= 2:
                out.keys.append(statistics.quantiles(run.key_s, n=20)[-1] * 1000)
            log(
                f"{who} terminal startup {run.startup_s:.2f} s, hwm {run.hwm_kb / 1024:.0f} MB, "
                f"keys {len(run.key_s)}/{len(latency_keys)} seen, "
                f"p95 {out.keys[-1] if out.keys else float('nan'):.0f} ms"
            )
        return out

    def gazette_terminal(self, tmux: Tmux, db: Path) -> Terminal:
        assert self.gazette_cmd is not None
        with contextlib.closing(sqlite3.connect(db)) as c:
            title = c.execute(
                "SELECT title FROM articles ORDER BY published DESC, id DESC LIMIT 1"
            ).fetchone()[0]
        env = {
            "GAZETTE_CONFIG_DIR": str(self.work / "config"),
            "LANG": "C.UTF-8",
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", str(self.work)),
        }
        s = self.sizes
        return self.terminal(
            tmux,
            "gazette",
            [*self.gazette_cmd, "--db", str(db)],
            env,
            title[:16],
            ["Down"] * s.line_moves + ["PageDown"] * s.pages,
            [("G", 0.5), ("g", 0.3), ("Enter", 1.0)] + [("space", 0.2)] * 3,
            ["q"],
            ("python", "gazette"),
            s.runs,
            60,
        )

    def newsboat_terminal(self, tmux: Tmux, nb: Newsboat) -> Terminal:
        s = self.sizes
        return self.terminal(
            tmux,
            "newsboat",
            ["newsboat", *nb.args()],
            nb.env(),
            Generator(s.seed).feed_title(0)[:14],
            ["Down"] * s.line_moves + ["PageDown"] * s.pages,
            [("Enter", 1.0)] + [("j", 0.05)] * 5 + [("Enter", 1.0), ("q", 0.3), ("q", 0.3)],
            ["Q"],
            ("newsboat",),
            s.newsboat_startup_runs,
            900,
        )


@dataclass
class Terminal:
    starts: list[float] = field(default_factory=list)
    mems: list[float] = field(default_factory=list)
    keys: list[float] = field(default_factory=list)  # p95 per run, ms


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Gazette benchmarks (see benchmarks/RESULTS.md).")
    p.add_argument("--quick", action="store_true", help="small sizes, one run, no targets")
    p.add_argument("--runs", type=int, help="repetitions of each Gazette figure")
    p.add_argument("--newsboat-runs", type=int, help="repetitions of newsboat's refreshes")
    p.add_argument("--no-newsboat", action="store_true", help="skip newsboat even if installed")
    p.add_argument("--no-tmux", action="store_true", help="skip the terminal (tmux) figures")
    p.add_argument("--only", choices=("refresh", "reading"), help="run one half only")
    p.add_argument(
        "--cache-dir",
        default=os.environ.get("GAZETTE_BENCH_CACHE")
        or str(Path(tempfile.gettempdir()) / "gazette-bench-cache"),
        help="where the large databases are kept between runs",
    )
    p.add_argument("--rebuild", action="store_true", help="rebuild the cached databases")
    p.add_argument("--markdown", metavar="FILE", help="also write the table as Markdown")
    p.add_argument("--json", metavar="FILE", help="also write every sample as JSON")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    args = p.parse_args(argv)

    bench = Bench(args)
    t0 = time.perf_counter()
    info = machine_info()
    log(
        f"{'quick' if bench.quick else 'full'} run on {info['nproc']} cores; "
        f"newsboat: {bench.newsboat or 'not installed'}; tmux: {'yes' if bench.tmux else 'no'}"
    )
    try:
        if args.only in (None, "refresh"):
            bench.refresh()
        if args.only in (None, "reading"):
            bench.reading()
    finally:
        bench.close()
    elapsed = time.perf_counter() - t0
    info["load average at end"] = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    assert_targets = not bench.quick
    judge(bench.figures, assert_targets)

    s = bench.sizes
    head = (
        f"Gazette benchmarks ({'quick' if bench.quick else 'full'}): "
        f"{info['date']}, {info['nproc']} cores, {info.get('memory', '?')}, "
        f"python {info['python']}, sqlite {info['sqlite']}, newsboat {info['newsboat']}; "
        f"{s.runs} run(s) per Gazette figure, {s.newsboat_runs} per newsboat refresh; "
        f"total {elapsed / 60:.1f} min"
    )
    print(head)
    print(text_table(bench.figures, assert_targets))
    for note in bench.notes:
        print("note:", note)
    for f in bench.figures:
        if f.note:
            print(f"note: {f.name}: {f.note}")

    if args.markdown:
        md = [
            f"Run: {info['date']}, {'quick' if bench.quick else 'full'}, {elapsed / 60:.1f} min",
            "",
            markdown_table(bench.figures, assert_targets),
            "",
            *(f"- {f.name}: {f.note}" for f in bench.figures if f.note),
            "",
            "Machine and versions: " + ", ".join(f"{k} {v}" for k, v in info.items()),
        ]
        Path(args.markdown).write_text("\n".join(md) + "\n")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "info": info,
                    "sizes": s.__dict__,
                    "figures": [
                        {k: v for k, v in f.__dict__.items() if k != "check"} for f in bench.figures
                    ],
                    "raw": bench.raw,
                    "notes": bench.notes,
                },
                indent=1,
            )
        )
    failed = [f for f in bench.figures if f.passed is False]
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())

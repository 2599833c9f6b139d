"""The figures table: every measurement with its min / median / max, its reference, the ratio.

A figure's reference is newsboat unless it says otherwise (``ref_name``):
the minimal Textual app, for the terminal figures.  Targets are not judged
here but in ``targets.py``.  ``machine_info`` says where and when a run ran.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import sqlite3
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

from measure import ROOT, load_average
from newsboat import newsboat_version


@dataclass
class Figure:
    name: str
    unit: str
    gazette: list[float] | str
    reference: list[float] | str = "n/a"
    ref_name: str = "newsboat"
    note: str = ""

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


#: The unit of figures that count things (requests): written as whole numbers.
COUNT = "n"


def fmt_count(x: float) -> str:
    """A count as a whole number (a median of two counts may be a half: then as fmt_num)."""
    return f"{x:,.0f}" if float(x).is_integer() else fmt_num(x)


def fmt_samples(v: list[float] | str, unit: str = "") -> str:
    if isinstance(v, str):
        return v
    if not v:
        return "n/a"
    num = fmt_count if unit == COUNT else fmt_num
    if len(v) == 1:
        return num(v[0])
    return f"{num(min(v))} / {num(statistics.median(v))} / {num(max(v))}"


def ratio(f: Figure) -> str:
    g, n = Figure.med(f.gazette), Figure.med(f.reference)
    if g is None or n is None or n == 0:
        return "n/a"
    return f"{g / n:.2f}x"


def table_rows(figures: list[Figure]) -> list[list[str]]:
    rows = []
    for f in figures:
        ref = fmt_samples(f.reference, f.unit)
        if Figure.med(f.reference) is not None and f.ref_name != "newsboat":
            ref += f" ({f.ref_name})"
        rows.append([f.name, f.unit, fmt_samples(f.gazette, f.unit), ref, ratio(f)])
    return rows


HEADER = ["figure", "unit", "gazette min / med / max", "reference (newsboat)", "ratio"]


def text_table(header: list[str], rows: list[list[str]]) -> str:
    rows = [header, *rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for i, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
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
        "load average at start": load_average(),
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

"""First start after an install: does the first launch compile bytecode?

In a temporary tool directory (``UV_TOOL_DIR``, ``UV_TOOL_BIN_DIR``) it runs
``uv tool install`` of this checkout, once with ``--compile-bytecode`` (as the
README says) and once without, and times starting the reader's modules with
the tool's Python (``python -c "import tui.ui.app, tui.cli"``): first
with ``PYTHONDONTWRITEBYTECODE`` set (as on machines that set it: nothing is
ever written, so an install without bytecode compiles at every start), then
unset (the first start writes the caches, the next ones read them).
Full run only: each install takes a while.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess

from context import Bench
from measure import ROOT, log, run_child
from report import Figure

IMPORT = "import tui.ui.app, tui.cli"

#: Starts after the first, for the "later start" figure.
LATER_STARTS = 3


def run_install(bench: Bench) -> None:
    uv = shutil.which("uv")
    if uv is None:
        bench.notes.append("first start after install: uv not found, not measured")
        return
    results: dict[str, dict[str, list[float]]] = {}
    for compiled in (True, False):
        label = "--compile-bytecode" if compiled else "no --compile-bytecode"
        base = bench.work / ("install-compiled" if compiled else "install-plain")
        env = {
            **os.environ,
            "UV_TOOL_DIR": str(base / "tools"),
            "UV_TOOL_BIN_DIR": str(base / "bin"),
        }
        env.pop("VIRTUAL_ENV", None)
        cmd = [uv, "tool", "install", "--quiet", *(["--compile-bytecode"] if compiled else [])]
        r = subprocess.run([*cmd, str(ROOT)], env=env, capture_output=True, text=True, check=False)
        if r.returncode != 0:
            bench.notes.append(f"uv tool install ({label}) failed: {r.stderr.strip()[-800:]}")
            continue
        python = base / "tools" / "gazette" / "bin" / "python"
        starts: dict[str, list[float]] = {"set": [], "unset": []}
        for mode in ("set", "unset"):
            run_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
            if mode == "set":
                run_env["PYTHONDONTWRITEBYTECODE"] = "1"
            for _ in range(1 + LATER_STARTS):
                child = run_child([str(python), "-c", IMPORT], env=run_env, cwd=base)
                if child.returncode != 0:
                    raise RuntimeError(f"{IMPORT!r} failed: {child.stderr[-2000:]}")
                starts[mode].append(child.seconds)
        results[label] = starts
        on, off = starts["set"], starts["unset"]
        log(
            f"install {label}: PYTHONDONTWRITEBYTECODE set: first start {on[0]:.2f} s, "
            f"then {statistics.median(on[1:]):.2f}; unset: first {off[0]:.2f}, "
            f"then {statistics.median(off[1:]):.2f}"
        )
        shutil.rmtree(base, ignore_errors=True)
    bench.raw["install"] = results
    for label, starts in results.items():
        for mode in ("set", "unset"):
            first, later = starts[mode][0], starts[mode][1:]
            bench.figures += [
                Figure(
                    f"first start after uv tool install {label}, PYTHONDONTWRITEBYTECODE {mode}",
                    "s",
                    [first],
                    later,
                    "later starts",
                )
            ]
    compiled_starts = results.get("--compile-bytecode")
    if compiled_starts:
        bench.values["install.first_start_s"] = compiled_starts["set"][0]
        bench.values["install.later_start_s"] = statistics.median(
            compiled_starts["set"][1:] + compiled_starts["unset"][1:]
        )

"""Gazette's performance benchmarks, beside its references measured in the same run.

    uv run python benchmarks/run.py            # the full run (~25 min; more building caches)
    uv run python benchmarks/run.py --quick    # small sizes, one run each (CI, < 90 s)
    uv run python benchmarks/run.py --scale    # also 1,000,000 articles (long)

It starts a loopback feed farm (``farm.py``) and measures, each in a fresh
process (``phases.py``).  The parts, one module each:

* ``refresh.py``: cold and warm refresh (the core and the installed
  ``gazette`` command), CPU time, peak memory, beside newsboat's reloads;
* ``reading.py``: a 100,000-article database (``corpus.py``): opening views,
  search, the app in-process (Pilot) and in tmux (``terminal.py``): startup,
  keys in the list, opening articles, memory; beside the minimal Textual app
  (``minimal_app.py``) and newsboat;
* ``install.py``: the first start after ``uv tool install`` (full run only);
* ``sync.py``: syncing with a real FreshRSS (200 feeds x 50 items) beside
  newsboat's ``feedhq`` source on the same server (issue 16); it needs PHP
  and the FreshRSS harness (``$GAZETTE_FRESHRSS_HARNESS``) and says so in
  one line when either is missing; ``--quick`` runs it on 20 feeds x 10;
* ``scale.py``: the reading figures at 1,000,000 articles and a warm refresh
  of 10,000 feeds (``--scale``);
* ``rules_bench.py``: a cold refresh with 20 rules of mixed kinds beside the
  same refresh without rules (issue 18);
* ``fulltext.py``: reader mode: extraction time per page, and the full text
  of 50 articles fetched from a loopback server (issue 17).

It prints the figures (min / median / max, the reference, the ratio;
``report.py``), then issue 15's and issue 16's targets, each with its measured value, its
reference from the same run, the ratio and PASS / FAIL (``targets.py``).
The exit code is 0 unless something crashed (``--strict``: 1 when a target
fails).  The large databases are cached under ``--cache-dir``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
for _p in (str(HERE.parent), str(HERE)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from context import Bench  # noqa: E402
from fulltext import run_fulltext  # noqa: E402
from images import run_images  # noqa: E402
from install import run_install  # noqa: E402
from measure import load_average, log  # noqa: E402
from reading import run_reading  # noqa: E402
from refresh import run_refresh  # noqa: E402
from report import HEADER, machine_info, markdown_table, table_rows, text_table  # noqa: E402
from rules_bench import run_rules  # noqa: E402
from scale import run_scale  # noqa: E402
from sync import run_sync  # noqa: E402
from targets import HEADER as TARGET_HEADER  # noqa: E402
from targets import ISSUE16_HEADER, ISSUE18_HEADER, issue15, issue16, issue18  # noqa: E402


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Gazette benchmarks (see benchmarks/RESULTS.md).")
    p.add_argument("--quick", action="store_true", help="small sizes, one run (CI)")
    p.add_argument("--runs", type=int, help="repetitions of each Gazette figure")
    p.add_argument("--newsboat-runs", type=int, help="repetitions of newsboat's cold refreshes")
    p.add_argument("--no-newsboat", action="store_true", help="skip newsboat even if installed")
    p.add_argument("--no-tmux", action="store_true", help="skip the terminal (tmux) figures")
    p.add_argument(
        "--only",
        choices=("refresh", "rules", "reading", "images", "fulltext", "install", "sync", "scale"),
        help="run one part only (scale: the --scale part alone)",
    )
    p.add_argument("--scale", action="store_true", help="also measure at 1,000,000 articles")
    p.add_argument("--scale-feeds", type=int, help="feeds (x 50 articles) of the --scale run")
    p.add_argument(
        "--scale-refresh-feeds", type=int, help="feeds of the --scale warm refresh (10,000)"
    )
    p.add_argument(
        "--cache-dir",
        default=os.environ.get("GAZETTE_BENCH_CACHE")
        or str(Path(tempfile.gettempdir()) / "gazette-bench-cache"),
        help="where the large databases are kept between runs",
    )
    p.add_argument("--rebuild", action="store_true", help="rebuild the cached databases")
    p.add_argument("--markdown", metavar="FILE", help="also write the tables as Markdown")
    p.add_argument("--json", metavar="FILE", help="also write every sample as JSON")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    return p.parse_args(argv)


def compile_bytecode() -> str:
    """Compile the bytecode of Gazette and of its environment, as an install does.

    Issue 15 measures with bytecode caches (``uv tool install
    --compile-bytecode``, ``[tool.uv] compile-bytecode``).  On machines that
    set PYTHONDONTWRITEBYTECODE a checkout's own modules (and an environment
    synced without it) would otherwise be compiled again by every child
    process of the benchmark, the app's and the minimal app's alike, and
    that compiling would count in their startups, refreshes and CPU times.
    The first start after an install is measured apart (``install.py``).
    """
    import compileall
    import sysconfig

    t = time.perf_counter()
    for path in (sysconfig.get_paths()["purelib"], str(HERE.parent / "tui")):
        compileall.compile_dir(path, quiet=1, workers=0)
    return f"bytecode compiled (site-packages and tui/) in {time.perf_counter() - t:.1f} s"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    bench = Bench(args)
    t0 = time.perf_counter()
    log(compile_bytecode())
    info = machine_info()
    kind = "quick" if bench.quick else "full"
    log(
        f"{kind} run on {info['nproc']} cores, load {info['load average at start']}; "
        f"newsboat: {bench.newsboat or 'not installed'}; tmux: {'yes' if bench.tmux else 'no'}"
    )
    try:
        if args.only in (None, "refresh"):
            run_refresh(bench)
        if args.only in (None, "rules"):
            run_rules(bench)
        if args.only in (None, "reading"):
            run_reading(bench)
        if args.only in (None, "images"):
            run_images(bench)
        if args.only in (None, "fulltext"):
            run_fulltext(bench)
        if args.only == "install" or (args.only is None and not bench.quick):
            run_install(bench)
        if args.only in (None, "sync"):
            run_sync(bench)
        if args.scale or args.only == "scale":
            run_scale(bench)
    finally:
        bench.close()
    elapsed = time.perf_counter() - t0
    info["load average at end"] = load_average()
    targets = issue15(bench.values)
    targets16 = issue16(bench.values)
    targets18 = issue18(bench.values)

    s = bench.sizes
    head = (
        f"Gazette benchmarks ({kind}): {info['date']}, {info['nproc']} cores, "
        f"{info.get('memory', '?')}, load {info['load average at start']} at start, "
        f"{info['load average at end']} at end; python {info['python']}, "
        f"sqlite {info['sqlite']}, newsboat {info['newsboat']}; "
        f"{s.runs} start(s) per UI figure, {s.refresh_runs} Gazette and "
        f"{s.newsboat_runs} newsboat cold refreshes; total {elapsed / 60:.1f} min"
    )
    rows = table_rows(bench.figures)
    target_rows = [t.row() for t in targets]
    target16_rows = [t.row() for t in targets16]
    target18_rows = [t.row() for t in targets18]
    caveat = (
        "(quick run: small sizes, one start each: the verdicts are not the issue's)"
        if bench.quick
        else ""
    )
    print(head)
    print(text_table(HEADER, rows))
    print()
    print(f"Targets of issue 15 {caveat}".rstrip())
    print(text_table(TARGET_HEADER, target_rows))
    print()
    print(f"Targets of issue 16 {caveat}".rstrip())
    print(text_table(ISSUE16_HEADER, target16_rows))
    print()
    print(f"Targets of issue 18 {caveat}".rstrip())
    print(text_table(ISSUE18_HEADER, target18_rows))
    for note in bench.notes:
        print("note:", note)
    for f in bench.figures:
        if f.note:
            print(f"note: {f.name}: {f.note}")

    if args.markdown:
        md = [
            f"Run: {info['date']}, {kind}, {elapsed / 60:.1f} min",
            "",
            markdown_table(HEADER, rows),
            "",
            f"Targets of issue 15 {caveat}",
            "",
            markdown_table(TARGET_HEADER, target_rows),
            "",
            f"Targets of issue 16 {caveat}",
            "",
            markdown_table(ISSUE16_HEADER, target16_rows),
            "",
            f"Targets of issue 18 {caveat}",
            "",
            markdown_table(ISSUE18_HEADER, target18_rows),
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
                    "figures": [f.__dict__ for f in bench.figures],
                    "values": bench.values,
                    "targets": [dict(zip(TARGET_HEADER, r, strict=True)) for r in target_rows],
                    "targets16": [dict(zip(ISSUE16_HEADER, r, strict=True)) for r in target16_rows],
                    "targets18": [dict(zip(ISSUE18_HEADER, r, strict=True)) for r in target18_rows],
                    "raw": bench.raw,
                    "notes": bench.notes,
                },
                indent=1,
            )
        )
    failed = [t for t in (*targets, *targets16, *targets18) if t.passed is False]
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())

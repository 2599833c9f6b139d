"""The refresh half: cold and warm refreshes of the farm, Gazette and newsboat in turns.

Gazette's core (``phases.py refresh``, a fresh process each time) runs
``refresh_runs`` cold refreshes, each followed by a warm one (all 304); the
installed ``gazette`` command runs ``runs`` of each; newsboat runs
``newsboat_runs`` cold reloads, then (after one untimed priming reload) as
many warm ones.  They take turns run by run, so that a busy moment on the
machine hits both.  The targets take the medians.
"""

from __future__ import annotations

import os
import shutil
import statistics
import time

from context import Bench
from disk import database_figures, mb_per_1k
from farm import FarmProcess
from measure import clean_db, log, phase, run_child, settle
from newsboat import Newsboat
from report import Figure


def run_refresh(bench: Bench) -> None:
    s = bench.sizes
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
    nb_size: list[float] | str = "n/a"
    g_db = bench.work / "core-sized.db"
    with FarmProcess(s.refresh_feeds, s.refresh_items, seed=s.seed, hosts=s.hosts) as farm:
        log(f"farm ready (generated in {farm.warm_seconds:.1f} s)")
        urls_file = bench.work / "urls.txt"
        urls_file.write_text("\n".join(farm.urls) + "\n")

        def checked(stats: dict[str, int], want: str, what: str) -> None:
            if stats.get(want) != s.refresh_feeds:
                bench.notes.append(f"{what}: farm saw {stats} (expected {want} for every feed)")

        env = {**os.environ, "GAZETTE_CONFIG_DIR": str(bench.work / "config")}
        nb: Newsboat | None = None
        nb_runs = s.newsboat_runs if bench.newsboat else 0
        for run in range(max(s.refresh_runs, s.runs, nb_runs)):
            if run < s.refresh_runs:
                db = bench.work / f"core-{run}.db"
                clean_db(db)
                settle()
                farm.reset_stats()
                res, child = phase("refresh", {"db": str(db), "urls": str(urls_file)})
                checked(farm.stats(), "200", "gazette cold refresh")
                if res["new"] != n_art or res["failed"]:
                    bench.notes.append(f"gazette cold refresh: {res}")
                core_cold.append(res["seconds"])
                core_mem.append(child.tree_peak_kb / 1024)
                core_single.append(child.maxrss_kb / 1024)
                core_cpu.append(child.cpu_s)
                log(
                    f"gazette core cold {res['seconds']:.2f} s, cpu {child.cpu_s:.1f} s, "
                    f"new {res['new']}, tree peak {child.tree_peak_kb / 1024:.0f} MB"
                )
                farm.reset_stats()
                res, _ = phase("refresh", {"db": str(db)})
                checked(farm.stats(), "304", "gazette warm refresh")
                core_warm.append(res["seconds"])
                log(f"gazette core warm {res['seconds']:.2f} s, 304s {res['not_modified']}")
                clean_db(g_db)
                db.rename(g_db)  # the last one is measured for size
                for suffix in ("-wal", "-shm"):
                    if os.path.exists(str(db) + suffix):
                        os.rename(str(db) + suffix, str(g_db) + suffix)

            if run < s.runs and bench.gazette_cmd:
                db = bench.work / f"cli-{run}.db"
                clean_db(db)
                phase("add_feeds", {"db": str(db), "urls": str(urls_file)})
                for kind, dest in (("cold", cli_cold), ("warm", cli_warm)):
                    settle()
                    farm.reset_stats()
                    child = run_child([*bench.gazette_cmd, "--db", str(db), "refresh"], env=env)
                    if child.returncode != 0:
                        raise RuntimeError(f"gazette refresh failed: {child.stderr[-2000:]}")
                    checked(farm.stats(), "200" if kind == "cold" else "304", f"CLI {kind}")
                    dest.append(child.seconds)
                    log(f"gazette command {kind} {child.seconds:.2f} s")
                clean_db(db)

            if run < nb_runs:
                if nb is not None:
                    shutil.rmtree(nb.dir, ignore_errors=True)
                nb = Newsboat(bench.work / f"newsboat-{run}", farm.urls)
                settle()
                farm.reset_stats()
                child = nb.reload()
                checked(farm.stats(), "200", "newsboat cold reload")
                nb_cold.append(child.seconds)
                nb_mem.append(child.tree_peak_kb / 1024)
                nb_cpu.append(child.cpu_s)
                log(
                    f"newsboat cold {child.seconds:.2f} s, cpu {child.cpu_s:.1f} s, "
                    f"peak {child.tree_peak_kb / 1024:.0f} MB"
                )

        if nb is not None:
            nb_size = [mb_per_1k(nb.cache, nb.articles())]
            # newsboat 2.21 saves a feed's validators before the feed's row
            # exists on the first fetch, so only the second fetch stores
            # them: prime once, untimed, so that the warm runs really are 304s.
            farm.reset_stats()
            t = time.perf_counter()
            nb.reload()
            log(f"newsboat priming reload {time.perf_counter() - t:.1f} s (untimed)")
            for _ in range(min(nb_runs, 2)):
                farm.reset_stats()
                child = nb.reload()
                checked(farm.stats(), "304", "newsboat warm reload")
                nb_warm.append(child.seconds)
                log(f"newsboat warm {child.seconds:.2f} s")
            shutil.rmtree(nb.dir, ignore_errors=True)

    label = f"{s.refresh_feeds} feeds x {s.refresh_items}"
    bench.figures += [
        Figure(f"cold refresh {label} (core)", "s", core_cold, nb_cold or "n/a"),
        Figure(
            f"cold refresh {label} (gazette command)",
            "s",
            cli_cold or "n/a (no command)",
            nb_cold or "n/a",
        ),
        Figure(
            "cold refresh: CPU time, user + system (core)",
            "s",
            core_cpu,
            nb_cpu or "n/a",
            note="CPU seconds of the refresh process and its parse workers (wait4 rusage; "
            "the farm is not counted): unlike wall time, barely moved by other load",
        ),
        Figure("warm refresh, all 304 (core)", "s", core_warm, nb_warm or "n/a"),
        Figure(
            "warm refresh, all 304 (gazette command)",
            "s",
            cli_warm or "n/a (no command)",
            nb_warm or "n/a",
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
        *database_figures(f"after a refresh of {n_art:,}", g_db, n_art, nb_size),
    ]
    clean_db(g_db)
    v = bench.values
    v["refresh.cold_s"] = statistics.median(core_cold)
    v["refresh.cpu_s"] = statistics.median(core_cpu)
    v["refresh.peak_mb"] = statistics.median(core_mem)
    v["refresh.warm_s"] = statistics.median(core_warm)
    if nb_cold:
        v["newsboat.cold_s"] = statistics.median(nb_cold)
        v["newsboat.cpu_s"] = statistics.median(nb_cpu)
        v["newsboat.refresh_peak_mb"] = statistics.median(nb_mem)
    bench.raw["refresh"] = {
        "core_cold": core_cold,
        "core_warm": core_warm,
        "core_mem_mb": core_mem,
        "core_largest_process_mb": core_single,
        "core_cpu_s": core_cpu,
        "cli_cold": cli_cold,
        "cli_warm": cli_warm,
        "newsboat_cold": nb_cold,
        "newsboat_warm": nb_warm,
        "newsboat_mem_mb": nb_mem,
        "newsboat_cpu_s": nb_cpu,
    }

"""``--scale``: the reading figures at 1,000,000 articles, and a warm refresh of 10,000 feeds.

The database (20,000 farm feeds x 50 by default, ``--scale-feeds``) is built
like the 100,000 one, through the real parser and store, and cached; the
reading figures are ``reading.measure_reading``'s (the "news" folder is the
500,000-article view).  The warm refresh subscribes ``scale_refresh_feeds``
feeds of a farm with few items each, refreshes them once (untimed: it only
stores the validators), then times refreshes where every feed answers 304.
Long: building the database alone takes many minutes.
"""

from __future__ import annotations

import statistics

from context import Bench
from corpus import corpus_db
from farm import FarmProcess
from measure import clean_db, log, phase, settle
from reading import measure_minimal, measure_reading
from report import Figure
from terminal import Tmux

#: Items per feed of the warm-refresh farm (the warm refresh fetches nothing new).
WARM_ITEMS = 2

WARM_RUNS = 3


def run_scale(bench: Bench) -> None:
    s = bench.sizes
    n = s.scale_feeds * s.corpus_items
    db = corpus_db(bench, s.scale_feeds, s.corpus_items)
    tmux = Tmux() if bench.tmux else None
    first = len(bench.figures)
    try:
        if tmux is not None and "minimal.startup_s" not in bench.values:
            measure_minimal(bench, tmux)  # --only scale: the reference is still needed
            first = len(bench.figures)
        measure_reading(bench, db, n, "scale", tmux)
    finally:
        if tmux is not None:
            tmux.close()
    warm_refresh(bench, s.scale_refresh_feeds)
    for f in bench.figures[first:]:
        f.name = "scale: " + f.name


def warm_refresh(bench: Bench, feeds: int) -> None:
    s = bench.sizes
    with FarmProcess(feeds, WARM_ITEMS, seed=s.seed, hosts=s.hosts) as farm:
        urls = bench.work / "scale-urls.txt"
        urls.write_text("\n".join(farm.urls) + "\n")
        db = bench.work / "scale-warm.db"
        clean_db(db)
        settle()
        res, _child = phase("refresh", {"db": str(db), "urls": str(urls)}, timeout=3600)
        log(f"scale: cold refresh of {feeds:,} feeds {res['seconds']:.1f} s (untimed)")
        warm: list[float] = []
        for _ in range(WARM_RUNS):
            farm.reset_stats()
            res, _child = phase("refresh", {"db": str(db)}, timeout=3600)
            stats = farm.stats()
            if stats.get("304") != feeds:
                bench.notes.append(f"scale warm refresh: farm saw {stats} (expected 304s)")
            warm.append(res["seconds"])
            log(f"scale: warm refresh of {feeds:,} feeds {res['seconds']:.2f} s")
        clean_db(db)
    bench.raw["scale.warm_refresh"] = warm
    bench.figures.append(Figure(f"warm refresh of {feeds:,} feeds, all 304 (core)", "s", warm))
    bench.values["scale.warm_10k_s"] = statistics.median(warm)

"""What every part of a run shares: the sizes, the work and cache directories, the results.

``Bench`` holds the options, the directories, whether newsboat and tmux are
here, and what the parts of the run collect: ``figures`` (the table),
``values`` (the medians that ``targets.py`` judges), ``raw`` (every sample,
for ``--json``) and ``notes``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from measure import ROOT
from newsboat import newsboat_version
from report import Figure

#: Bump when what is measured or how the cached databases are built changes.
BENCH_VERSION = 2


@dataclass(frozen=True)
class Sizes:
    refresh_feeds: int
    refresh_items: int
    corpus_feeds: int
    corpus_items: int
    runs: int  # starts of each UI figure
    refresh_runs: int  # cold refreshes of Gazette (the targets take their median)
    newsboat_runs: int
    newsboat_startup_runs: int
    search_reps: int
    like_queries: int
    view_samples: int
    line_moves: int
    pages: int
    opens: int  # articles opened, each once, per start of the app
    hosts: int = 16
    seed: int = 1
    scale_feeds: int = 20_000  # --scale: 20,000 feeds x corpus_items = 1,000,000 articles
    scale_refresh_feeds: int = 10_000
    sync_feeds: int = 200  # the sync part: FreshRSS with 200 feeds x 50 items (issue 16)
    sync_items: int = 50
    sync_runs: int = 3
    sync_marks: int = 1000  # read marks pushed (at most every article)

    @property
    def corpus_articles(self) -> int:
        return self.corpus_feeds * self.corpus_items


FULL = Sizes(
    refresh_feeds=1000,
    refresh_items=50,
    corpus_feeds=2000,
    corpus_items=50,
    runs=3,
    refresh_runs=5,
    newsboat_runs=5,
    newsboat_startup_runs=1,
    search_reps=5,
    like_queries=8,
    view_samples=5,
    line_moves=60,
    pages=30,
    opens=20,
)
QUICK = Sizes(
    refresh_feeds=50,
    refresh_items=10,
    corpus_feeds=100,
    corpus_items=50,
    runs=1,
    refresh_runs=1,
    newsboat_runs=1,
    newsboat_startup_runs=1,
    search_reps=2,
    like_queries=4,
    view_samples=2,
    line_moves=10,
    pages=5,
    opens=5,
    hosts=4,
    scale_feeds=200,
    scale_refresh_feeds=100,
    sync_feeds=20,
    sync_items=10,
    sync_runs=1,
)


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


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.quick: bool = args.quick
        sizes = QUICK if args.quick else FULL
        if args.runs:
            sizes = dataclasses.replace(
                sizes, runs=args.runs, refresh_runs=args.runs, sync_runs=args.runs
            )
        if args.newsboat_runs:
            sizes = dataclasses.replace(sizes, newsboat_runs=args.newsboat_runs)
        if args.scale_feeds:
            sizes = dataclasses.replace(sizes, scale_feeds=args.scale_feeds)
        if args.scale_refresh_feeds:
            sizes = dataclasses.replace(sizes, scale_refresh_feeds=args.scale_refresh_feeds)
        self.sizes = sizes
        self.work = Path(tempfile.mkdtemp(prefix="gazette-bench-"))
        self.cache = Path(args.cache_dir)
        self.cache.mkdir(parents=True, exist_ok=True)
        self.newsboat = None if args.no_newsboat else newsboat_version()
        self.tmux = shutil.which("tmux") is not None and not args.no_tmux
        self.gazette_cmd = gazette_command()
        self.raw: dict[str, Any] = {}
        self.figures: list[Figure] = []
        self.values: dict[str, float] = {}
        self.notes: list[str] = []
        #: The minimal app's first paints (s) and key samples (ms, per key and "all"):
        #: the reference of Gazette's terminal figures.
        self.minimal: dict[str, Any] = {"starts": "n/a", "keys": {}}

    def close(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)

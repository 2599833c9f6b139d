"""The large databases of the reading half, built once and cached between runs.

Gazette's is built through the real parser and ``Store.store_entries``
(``phases.py build_corpus``); newsboat's by its own ``-x reload`` of the same
farm.  Both are keyed by size, seed, content and code version, so that a
change to the storage or the parser rebuilds them.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from context import BENCH_VERSION, Bench, code_hash
from farm import CONTENT_VERSION, FarmProcess
from measure import clean_db, log, phase
from newsboat import Newsboat


def corpus_db(bench: Bench, feeds: int, items: int) -> Path:
    """Gazette's database of ``feeds`` x ``items`` farm articles, half of them read."""
    s = bench.sizes
    size = f"{feeds}x{items}-s{s.seed}"
    key = f"gazette-{size}-b{BENCH_VERSION}-c{CONTENT_VERSION}"
    path = bench.cache / f"{key}-{code_hash()}.db"
    if path.exists() and not bench.args.rebuild:
        log(f"reusing {path}")
        return path
    for old in bench.cache.glob(f"gazette-{size}-*.db*"):
        old.unlink()  # older versions of this database: each is ~1.3 GB at 100,000
    tmp = Path(str(path) + ".building")
    clean_db(tmp)
    log(f"building {feeds * items:,} articles into {path.name} (cached for next runs)")
    res, child = phase(
        "build_corpus",
        {"db": str(tmp), "feeds": feeds, "items": items, "seed": s.seed},
        timeout=6 * 3600,
    )
    log(f"built {res['articles']:,} articles in {child.seconds:.1f} s")
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(tmp) + suffix).unlink()
    tmp.rename(path)
    return path


def newsboat_corpus(bench: Bench) -> Newsboat | None:
    """newsboat's cache of the reading half's corpus (None without newsboat)."""
    if not bench.newsboat:
        return None
    s = bench.sizes
    ver = bench.newsboat.replace(" ", "-")
    size = f"{s.corpus_feeds}x{s.corpus_items}-s{s.seed}"
    key = f"{ver}-{size}-b{BENCH_VERSION}-c{CONTENT_VERSION}"
    directory = bench.cache / key
    done = directory / "complete"
    if done.exists() and not bench.args.rebuild:
        log(f"reusing {directory}")
        return Newsboat(directory)
    for old in bench.cache.glob(f"{ver}-{size}-*"):
        shutil.rmtree(old, ignore_errors=True)
    log(f"building newsboat's cache of {s.corpus_articles:,} articles (cached for next runs)")
    with FarmProcess(s.corpus_feeds, s.corpus_items, seed=s.seed, hosts=s.hosts) as farm:
        nb = Newsboat(directory, farm.urls)
        child = nb.reload()
    log(f"newsboat reload of the corpus took {child.seconds:.1f} s")
    done.write_text(str(nb.articles()))
    return nb

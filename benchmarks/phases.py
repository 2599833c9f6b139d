"""The measured phases of the benchmark, each run in a fresh child process.

``run.py`` starts ``python benchmarks/phases.py NAME JSON-ARGS`` for every
measurement so that each one starts cold (imports, SQLite page cache of the
connection, Python heap) and its memory high-water mark is its own.  A phase
prints one line ``RESULT {json}`` on stdout at the end; anything else it
prints is ignored.

Phases:

* ``add_feeds``: subscribe a database to the URLs in a file (no fetch).
* ``refresh``: ``Library.refresh()`` of every feed, timed (with ``rules``:
  those rules added first, and what they did reported).
* ``build_corpus``: build a large database from farm documents through the
  real parser (a process pool) and ``Store.store_entries`` (one feed per batch).
* ``queries``: opening views (count + first page), deep pages, the queries of
  the first screen, and search (FTS5 and the LIKE baseline).
* ``sync_initial``, ``sync_again``, ``sync_push``: a sync account's syncs
  (``sync_phases.py``).
* ``ui``: the Textual app in-process with ``run_test``: startup to a painted
  article list, opening a 50,000-article view, moving through the list,
  opening articles (each one not opened before), and the memory high-water mark.

This module imports only what each phase needs, inside the phase, so that
import costs land in the phase that pays them.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _p in (str(ROOT), str(HERE)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

T_START = time.perf_counter()  # as early as this process can take it


def hwm_kb() -> int:
    """This process's resident-set high-water mark (VmHWM), in KiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


# -- feeds and refresh ---------------------------------------------------------


def phase_add_feeds(args: dict[str, Any]) -> dict[str, Any]:
    from tui.core.library import Library

    urls = Path(args["urls"]).read_text().split()
    lib = Library(args["db"])
    for url in urls:
        lib.store.add_feed(url)
    lib.close()
    return {"feeds": len(urls)}


def phase_refresh(args: dict[str, Any]) -> dict[str, Any]:
    from tui.core.library import Library

    lib = Library(args["db"])
    if args.get("urls") and not lib.store.feeds():
        for url in Path(args["urls"]).read_text().split():
            lib.store.add_feed(url)
    in_rules = [0.0]
    if args.get("rules"):  # issue 18: rules of mixed kinds, applied inside the refresh
        in_rules = _add_rules(lib, args["rules"])
    t = time.perf_counter()
    summary = lib.refresh()
    seconds = time.perf_counter() - t
    acted = _rules_acted(lib) if args.get("rules") else {}
    lib.close()
    return {
        "rules_acted": acted,
        "rules_s": in_rules[0],
        "seconds": seconds,
        "feeds": len(summary.results),
        "new": summary.new,
        "updated": summary.updated,
        "not_modified": summary.not_modified,
        "failed": len(summary.failed),
        "first_error": summary.failed[0].error if summary.failed else None,
        "hwm_kb": hwm_kb(),
    }


def _add_rules(lib: Any, rules: list[Any]) -> list[float]:
    """Add the rules, and time every run of them inside the refresh's writes
    (the returned list's one number grows as they run)."""
    from tui.core.rules import rule_actions
    from tui.core.storage import Store

    for query, actions in rules:
        lib.add_rule(query, rule_actions(**actions))
    spent = [0.0]
    run = Store.rules_on_written

    def timed(store: Store, ids: Any) -> None:
        t = time.perf_counter()
        try:
            run(store, ids)
        finally:
            spent[0] += time.perf_counter() - t

    Store.rules_on_written = timed  # type: ignore[method-assign]
    return spent


def _rules_acted(lib: Any) -> dict[str, int]:
    """What the rules did in a refresh: articles hidden, read, starred, tagged, matched."""
    from tui.core.models import View

    return {
        "matched": sum(r.matched for r in lib.rules()),
        "hidden": lib.count_articles(View(hidden=True)),
        "read": lib.count_articles(View()) - lib.count_articles(View(unread=True)),
        "starred": lib.smart_counts()["starred"],
        "tagged": sum(t.articles for t in lib.tags()),
    }


# -- the large database ---------------------------------------------------------


def _parse_doc(job: tuple[int, int, int]) -> Any:
    """In a pool worker: generate one farm document and parse it like a refresh would."""
    from farm import Generator, feed_url

    from tui.core.parse import parse_feed

    seed, feed, items = job
    gen = _generator(seed, Generator)
    body = gen.document(feed, items)
    ctype = "application/atom+xml" if gen.is_atom(feed) else "application/rss+xml"
    return feed, parse_feed(body, feed_url([0], feed), ctype)


_GEN: dict[int, Any] = {}


def _generator(seed: int, cls: Callable[[int], Any]) -> Any:
    gen = _GEN.get(seed)
    if gen is None:
        gen = _GEN[seed] = cls(seed)
    return gen


def phase_build_corpus(args: dict[str, Any]) -> dict[str, Any]:
    """Feeds in two folders ("news", "tech"); the "tech" half is then marked read."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from farm import feed_url

    from tui.core.models import View
    from tui.core.storage import Store

    feeds, items, seed = args["feeds"], args["items"], args["seed"]
    db = args["db"]
    store = Store(db)
    ids = [
        store.add_feed(feed_url([0], n), folder="news" if n % 2 == 0 else "tech")
        for n in range(feeds)
    ]
    t = time.perf_counter()
    now = int(time.time())
    ctx = multiprocessing.get_context("spawn")
    jobs = [(seed, n, items) for n in range(feeds)]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=ctx) as pool:
        for feed, parsed in pool.map(_parse_doc, jobs, chunksize=8):
            store.store_entries(ids[feed], parsed, status=200, now=now)
    read = len(store.mark_view_read(View(folder="tech")))
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    total = store.count_articles(View())
    store.close()
    return {"seconds": time.perf_counter() - t, "articles": total, "marked_read": read}


# -- queries on the large database ------------------------------------------------


# Search queries, built from the farm's anchor words (ranked common -> rare).
def search_queries() -> list[str]:
    """1-3 word queries from common to rare, then the rarest word and one that is absent."""
    from farm import ANCHOR_WORDS as W
    from farm import Generator

    singles = list(W)
    pairs = [f"{W[i]} {W[j]}" for i, j in ((0, 4), (2, 8), (4, 10), (6, 12), (9, 14), (12, 17))]
    triples = [f"{W[1]} {W[5]} {W[11]}", f"{W[3]} {W[13]} {W[16]}"]
    return [*singles, *pairs, *triples, Generator(1).vocabulary[-1], "zyzzyva"]


def fts_match(query: str) -> str:
    """Quoted tokens, as the search module is meant to build them (never raw input)."""
    return " ".join('"' + tok.replace('"', '""') + '"' for tok in query.split())


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def phase_queries(args: dict[str, Any]) -> dict[str, Any]:
    import sqlite3

    from tui.core.library import Library
    from tui.core.models import View

    db = args["db"]
    samples = args.get("samples", 5)
    page = args.get("page", 50)
    out: dict[str, Any] = {}

    views = {
        "folder": View(folder="news"),
        "unread": View(unread=True),
        "all": View(),
    }
    # Opening a view: a fresh connection each time (its SQLite cache is cold,
    # as it is for a view not shown yet), then COUNT and the first page.
    # Then pages far down, as the list reads them (by keyset: the last page
    # from the end, a middle one after the row above it), and the last page
    # by OFFSET as the list read it before issue 15, for comparison.
    for name, view in views.items():
        times, last, middle, by_offset = [], [], [], []
        count = 0
        for _ in range(samples):
            lib = Library(db)
            t = time.perf_counter()
            count = lib.count_articles(view)
            lib.articles(view, limit=page, offset=0)
            times.append(_ms(time.perf_counter() - t))
            rest = count - max(0, count - page)
            t = time.perf_counter()
            lib.articles(view, limit=rest, from_end=True)
            last.append(_ms(time.perf_counter() - t))
            above = lib.articles(view, limit=1, offset=max(0, count // 2 - 1))
            if above:
                key = (above[0].published, above[0].id)
                t = time.perf_counter()
                lib.articles(view, limit=page, after=key)
                middle.append(_ms(time.perf_counter() - t))
            t = time.perf_counter()
            lib.articles(view, limit=page, offset=count - rest)
            by_offset.append(_ms(time.perf_counter() - t))
            lib.close()
        out[f"open_{name}_ms"] = times
        out[f"last_page_{name}_ms"] = last
        out[f"middle_page_{name}_ms"] = middle
        out[f"last_page_offset_{name}_ms"] = by_offset
        out[f"count_{name}"] = count

    # What the first screen asks the core for, one by one (fresh connection).
    lib = Library(db)
    first: dict[str, float] = {}
    for label, fn in (
        ("feeds()", lib.feeds),
        ("smart_counts()", lib.smart_counts),
        ("count_articles(All)", lambda: lib.count_articles(View())),
        ("articles(All, 200)", lambda: lib.articles(View(), limit=200)),
    ):
        first[label] = _ms(_timed(fn)[0])
    out["first_screen_ms"] = first
    # The first rows of the All view (the app's first screen), for the terminal figures.
    out["first_rows"] = [
        {"guid": a.guid, "title": a.title}
        for a in lib.articles(View(), limit=args.get("first_rows", 1))
    ]
    lib.close()

    # Search as the app runs it: Library.search(text) builds the MATCH from
    # quoted tokens, ranks with bm25 and returns the first page of articles.
    lib = Library(db)
    queries = search_queries()
    reps = args.get("search_reps", 5)

    def run_search(q: str) -> int:
        result = lib.search(q, limit=page)
        if result.error:
            raise RuntimeError(f"search {q!r}: {result.error}")
        return len(result.articles)

    for q in queries:  # one untimed pass: the index pages come into this connection
        run_search(q)
    fts: list[float] = []
    per_query: dict[str, float] = {}
    hits: dict[str, int] = {}
    for q in queries:
        ts = []
        for _ in range(reps):
            dt, n = _timed(lambda q=q: run_search(q))
            ts.append(_ms(dt))
        hits[q] = n
        fts.extend(ts)
        per_query[q] = statistics.median(ts)
    out["fts_ms"] = fts
    out["fts_per_query_ms"] = per_query
    out["fts_hits"] = hits

    # For reference: FTS5 alone, bm25 over every match (no window), ids only.
    conn = lib.store.conn
    raw: list[float] = []
    matches: dict[str, int] = {}
    for q in queries:
        m = fts_match(q)
        matches[q] = conn.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (m,)
        ).fetchone()[0]
        for _ in range(max(1, reps // 2)):
            dt, _ids = _timed(
                lambda m=m: conn.execute(
                    "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
                    "ORDER BY bm25(articles_fts) LIMIT ?",
                    (m, page),
                ).fetchall()
            )
            raw.append(_ms(dt))
    out["fts_raw_ms"] = raw
    out["fts_matches"] = matches
    lib.close()

    # The baseline: LIKE '%word%' over title and text, newest first, first page.
    # The text is packed (schema 4): gazette_words unpacks each row's words.
    from tui.core.storage import packing

    conn = sqlite3.connect(db)
    packing.register(conn)
    step = max(1, (len(queries) - 2) // args.get("like_queries", 8))
    like_queries = [*queries[:-2:step], *queries[-2:]]
    like: list[float] = []
    like_per: dict[str, float] = {}
    for q in like_queries:
        terms = q.split()
        where = " AND ".join("(title LIKE ? OR gazette_words(body) LIKE ?)" for _ in terms)
        params: list[Any] = [p for t in terms for p in (f"%{t}%", f"%{t}%")]
        sql = f"SELECT id FROM articles WHERE {where} ORDER BY published DESC, id DESC LIMIT ?"
        ts = []
        for _ in range(args.get("like_reps", 1)):
            dt, _rows = _timed(
                lambda sql=sql, params=params: conn.execute(sql, [*params, page]).fetchall()
            )
            ts.append(_ms(dt))
        like.extend(ts)
        like_per[q] = statistics.median(ts)
    conn.close()
    out["like_ms"] = like
    out["like_per_query_ms"] = like_per
    out["like_fts_same_queries_ms"] = [per_query[q] for q in like_queries]
    out["hwm_kb"] = hwm_kb()
    return out


# -- the Textual app ------------------------------------------------------------------


def phase_ui(args: dict[str, Any]) -> dict[str, Any]:
    import asyncio
    import importlib.util

    if importlib.util.find_spec("tui.ui.app") is None:
        return {"missing": "no UI yet"}
    return asyncio.run(_ui(args))


async def _ui(args: dict[str, Any]) -> dict[str, Any]:
    import asyncio

    from tui.core.library import Library
    from tui.core.models import View
    from tui.ui.app import GazetteApp
    from tui.ui.widgets.article_list import ArticleList

    t_import = time.perf_counter() - T_START
    out: dict[str, Any] = {"import_s": t_import}
    lib = Library(args["db"])
    app = GazetteApp(lib)
    size = (args.get("width", 120), args.get("height", 40))

    async def painted(widget: ArticleList, limit: float = 60.0) -> None:
        """Wait until the list has rows and has drawn them (a page was fetched to draw)."""
        deadline = time.perf_counter() + limit
        while not (widget.count and widget.pages_cached()):
            if time.perf_counter() > deadline:
                raise TimeoutError("the article list never painted")
            await asyncio.sleep(0.001)

    async with app.run_test(size=size) as pilot:
        articles = app.query_one(ArticleList)
        await painted(articles)
        out["startup_s"] = time.perf_counter() - T_START
        out["rows"] = articles.count
        await pilot.pause()

        # Opening a 50,000-article view (the "news" folder), until it has drawn again.
        view_ms = []
        for view in (View(folder="news"), View(unread=True)) * args.get("view_reps", 3):
            t = time.perf_counter()
            articles.show(view)
            await painted(articles)
            view_ms.append(_ms(time.perf_counter() - t))
            await pilot.pause()
        out["view_ms"] = view_ms
        out["view_rows"] = articles.count
        articles.show(View(folder="news"))
        await pilot.pause()
        articles.focus()

        # Moving through the list: the list's own work per key, i.e. the action
        # and drawing every visible line (pages come from SQLite while drawing).
        # Pilot.press() itself is not timed: it waits ~60 ms for the app to go idle.
        height = articles.scrollable_content_region.height

        def step(action: Callable[[], None]) -> float:
            t = time.perf_counter()
            action()
            for y in range(height):
                articles.render_line(y)
            return _ms(time.perf_counter() - t)

        moves, pages = args.get("line_moves", 60), args.get("pages", 30)
        key_ms = [step(lambda: articles.action_cursor(1)) for _ in range(moves)]
        key_ms += [step(lambda: articles.action_page(1)) for _ in range(pages)]
        out["key_ms"] = key_ms
        out["end_work_ms"] = step(lambda: articles.action_jump(-1))
        out["home_work_ms"] = step(lambda: articles.action_jump(0))
        await pilot.pause()

        # Open articles not opened before (Markdown made on first open), as in
        # the terminal: from the list of All, on the cursor's row (back from
        # the previous one and down to it, untimed), until the first chunk of
        # the body is mounted and the screen may paint (its first words are on
        # the next frame), and until the whole body is.  (The body widget is
        # recognised by name: importing it here would spare the app its first
        # import.)
        screen = app.screen
        pane = screen.query_one("#article")
        body = pane.query_one("#article-body")
        articles.show(View())
        await painted(articles)
        open_at = args.get("open_at", 0)
        to_open = lib.articles(View(), limit=args.get("opens", 20), offset=open_at)
        first_ms, whole_ms = [], []
        for row, article in enumerate(to_open, open_at):
            screen.action_back()
            articles.move_to(row)
            await pilot.pause()
            old = set(body.children)
            t = time.perf_counter()
            screen.open_article(article)
            deadline = t + 30
            while time.perf_counter() < deadline and not (
                any(type(w).__name__ == "ArticleText" and w not in old for w in body.children)
                and not getattr(getattr(screen, "paint_hold", None), "held", False)
            ):
                await asyncio.sleep(0.001)
            first_ms.append(_ms(time.perf_counter() - t))
            while (pane.article is None or pane.loading_body) and time.perf_counter() < deadline:
                await asyncio.sleep(0.001)
            whole_ms.append(_ms(time.perf_counter() - t))
            await pilot.pause()
        out["open_first_ms"] = first_ms
        out["open_whole_ms"] = whole_ms
        for _ in range(5):
            await pilot.press("space")
        await pilot.pause()
        out["hwm_kb"] = hwm_kb()
    lib.close()
    return out


PHASES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "add_feeds": phase_add_feeds,
    "refresh": phase_refresh,
    "build_corpus": phase_build_corpus,
    "queries": phase_queries,
    "ui": phase_ui,
}


def main(argv: list[str]) -> int:
    name, raw = argv[1], argv[2] if len(argv) > 2 else "{}"
    if name.startswith("sync_"):  # the sync phases: sync_phases.py
        from sync_phases import PHASES as SYNC_PHASES

        result = SYNC_PHASES[name](json.loads(raw))
    else:
        result = PHASES[name](json.loads(raw))
    sys.stdout.write("RESULT " + json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

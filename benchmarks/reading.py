"""The reading half: a large database, read by the core, by the app in-process and in tmux.

At ``corpus_feeds`` x ``corpus_items`` articles (100,000 in the full run) it
measures opening views and search (``phases.py queries``), the app in-process
(``phases.py ui``: startup, views, moving, opening articles), and in tmux:
Gazette, the minimal Textual app (``minimal_app.py``, the reference of the
terminal targets) and newsboat, each started fresh.  ``measure_reading`` is
also what ``scale.py`` runs at 1,000,000 articles.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from context import Bench
from corpus import corpus_db, newsboat_corpus
from disk import database_figures, mb_per_1k
from farm import Generator
from measure import HERE, log, p95, percentiles, phase
from minimal_app import row_text
from newsboat import Newsboat
from report import Figure
from terminal import TERM_SIZE, Session, Tmux, TuiRun, TuiSpec, warm_up

#: Words of an article's body that mark it as on screen (short enough for one line).
FIRST_WORDS = 3


def first_words(html: str, n: int = FIRST_WORDS) -> str:
    """The first ``n`` words of the first paragraph of a farm article's HTML."""
    m = re.search(r"<p>(.*?)</p>", html, re.S)
    text = re.sub(r"<[^>]+>", "", m.group(1) if m else html)
    return " ".join(text.split()[:n])


def body_markers(rows: Sequence[dict[str, Any]], seed: int) -> list[str]:
    """The first words of each row's body, regenerated from the farm (no SQL, no conversion)."""
    gen = Generator(seed)
    out = []
    for row in rows:
        _farm, _seed, feed, index = row["guid"].split("-")
        out.append(first_words(gen.item(int(feed), int(index)).html))
    return out


def run_reading(bench: Bench) -> None:
    s = bench.sizes
    db = corpus_db(bench, s.corpus_feeds, s.corpus_items)
    nb_size: list[float] | str = "n/a"
    nbc = newsboat_corpus(bench)
    if nbc is not None:
        nb_size = [mb_per_1k(nbc.cache, nbc.articles())]
        bench.values["newsboat.db_mb_per_1k"] = nb_size[0]
    tmux = Tmux() if bench.tmux else None
    try:
        if tmux is not None:
            measure_minimal(bench, tmux)
        measure_reading(bench, db, s.corpus_articles, "gazette", tmux)
        if tmux is not None and nbc is not None:
            measure_newsboat(bench, tmux, nbc)
    finally:
        if tmux is not None:
            tmux.close()
    bench.figures += database_figures(f"{s.corpus_articles:,}", db, s.corpus_articles, nb_size)
    bench.values["gazette.db_mb_per_1k"] = mb_per_1k(db, s.corpus_articles)


def key_figures(bench: Bench, who: str, runs: list[TuiRun]) -> dict[str, list[float]]:
    """Key-to-screen samples (ms) of every start, pooled per key and for all keys."""
    pooled: dict[str, list[float]] = {"all": []}
    for run in runs:
        for key, samples in run.key_s.items():
            ms = [x * 1000 for x in samples]
            pooled.setdefault(key, []).extend(ms)
            pooled["all"].extend(ms)
        if run.keys_missed:
            bench.notes.append(f"{who}: {run.keys_missed} keys never changed the screen")
    return pooled


def keys_to_time(bench: Bench) -> list[str]:
    s = bench.sizes
    return ["Down"] * s.line_moves + ["PageDown"] * s.pages


def measure_minimal(bench: Bench, tmux: Tmux) -> None:
    """The reference: the minimal Textual app's first paint and keys, in tmux."""
    spec = TuiSpec(
        "minimal app",
        [sys.executable, str(HERE / "minimal_app.py")],
        {"LANG": "C.UTF-8", "PATH": os.environ.get("PATH", ""), "HOME": str(bench.work)},
        row_text(0),
        ("python",),
        ("q",),
        footer=0,
    )
    warm_up(tmux, spec)
    runs = []
    for _ in range(bench.sizes.runs):
        session = Session(tmux, spec)
        if session.started:
            session.settle()
            session.time_keys(keys_to_time(bench))
        runs.append(session.close())
        log(f"minimal app: first paint {runs[-1].startup_s or float('nan'):.2f} s")
    starts = [r.startup_s for r in runs if r.startup_s is not None]
    keys = key_figures(bench, "minimal app", runs)
    bench.raw["minimal"] = [r.__dict__ for r in runs]
    if not starts or not keys["all"]:
        bench.notes.append(f"the minimal app never painted; screen:\n{runs[-1].screen}")
        return
    bench.values["minimal.startup_s"] = statistics.median(starts)
    bench.values["minimal.key_p95_ms"] = p95(keys["all"])
    bench.minimal = {"starts": starts, "keys": keys}


def measure_reading(bench: Bench, db: Path, n: int, prefix: str, tmux: Tmux | None) -> None:
    """Core queries, the app in-process and (with ``tmux``) in the terminal, on ``db``.

    The app marks what it opens read and stores Markdown: it gets a copy,
    so the cached database stays as built and runs stay comparable.
    """
    s = bench.sizes
    big = f"{n:,}"
    half = n // 2
    app_db = bench.work / f"{prefix}-copy.db"
    shutil.copyfile(db, app_db)
    runs = s.runs
    opens = s.opens

    res, _ = phase(
        "queries",
        {
            "db": str(db),
            "samples": s.view_samples,
            "search_reps": s.search_reps,
            "like_queries": s.like_queries,
            "first_rows": runs * opens + 1,
        },
    )
    bench.raw[f"{prefix}.queries"] = res
    fts, like = res["fts_ms"], res["like_ms"]
    fts_same = res["like_fts_same_queries_ms"]
    bench.values[f"{prefix}.search_p50_ms"] = statistics.median(fts)
    bench.values[f"{prefix}.view_core_ms"] = statistics.median(res["open_folder_ms"])
    bench.figures += [
        Figure(
            f"open a {res['count_folder']:,}-article view (core: count + first page)",
            "ms",
            res["open_folder_ms"],
        ),
        Figure(
            f"open the {res['count_unread']:,}-article Unread view (core)",
            "ms",
            res["open_unread_ms"],
        ),
        Figure(
            f"last page of the {res['count_folder']:,}-article view (core, keyset)",
            "ms",
            res["last_page_folder_ms"],
        ),
        Figure(
            f"middle page of the {res['count_folder']:,}-article view (core, keyset)",
            "ms",
            res["middle_page_folder_ms"],
        ),
        Figure(
            f"last page of the {res['count_folder']:,}-article view (core, OFFSET as before)",
            "ms",
            res["last_page_offset_folder_ms"],
        ),
        Figure(
            f"search p50 at {big} (Library.search, first 50)",
            "ms",
            [statistics.median(fts)],
            note=f"{len(fts)} timings over {len(res['fts_per_query_ms'])} queries "
            "(1-3 words, common to rare)",
        ),
        Figure(f"search p95 at {big} (Library.search, first 50)", "ms", [p95(fts)]),
        Figure(
            f"search p50 at {big}, bare FTS5 MATCH + bm25 over all matches",
            "ms",
            [statistics.median(res["fts_raw_ms"])],
        ),
        Figure(
            f"search p50 at {big}, LIKE '%word%' baseline",
            "ms",
            [statistics.median(like)],
            note=f"first 50 newest matches over title + the words (unpacked per row); on the same "
            f"{len(fts_same)} queries Library.search has p50 "
            f"{statistics.median(fts_same):.1f} ms, p95 {p95(fts_same):.1f} ms "
            f"(LIKE p95 is {p95(like) / max(p95(fts_same), 1e-6):.0f}x)",
        ),
        Figure(f"search p95 at {big}, LIKE baseline", "ms", [p95(like)]),
    ]

    # The app in-process: each start opens articles that the terminal runs
    # (rows 0 .. runs * opens of the All view) do not.
    ui_runs = []
    for run in range(runs):
        r, _child = phase(
            "ui",
            {
                "db": str(app_db),
                "width": TERM_SIZE[0],
                "height": TERM_SIZE[1],
                "line_moves": s.line_moves,
                "pages": s.pages,
                "opens": opens,
                "open_at": runs * opens + 1 + run * opens,
            },
        )
        ui_runs.append(r)
        log(
            f"{prefix} pilot startup {r['startup_s']:.2f} s (imports {r['import_s']:.2f} s), "
            f"view {statistics.median(r['view_ms']):.0f} ms, "
            f"open p95 {p95(r['open_first_ms']):.0f} ms, hwm {r['hwm_kb'] / 1024:.0f} MB"
        )
    bench.raw[f"{prefix}.ui"] = ui_runs
    open_first = [x for r in ui_runs for x in r["open_first_ms"]]
    open_whole = [x for r in ui_runs for x in r["open_whole_ms"]]
    bench.values[f"{prefix}.open_pilot_p95_ms"] = p95(open_first)
    bench.values[f"{prefix}.view_ms"] = statistics.median(
        [statistics.median(r["view_ms"]) for r in ui_runs]
    )
    pf = percentiles(open_first)
    pw = percentiles(open_whole)

    def ui(key: str, scale: float = 1.0) -> list[float]:
        return [r[key] * scale for r in ui_runs]

    bench.figures += [
        Figure(
            f"startup to a painted article list, {big} (pilot, in-process)", "s", ui("startup_s")
        ),
        Figure(
            f"open a {half:,}-article view in the UI (pilot)",
            "ms",
            [statistics.median(r["view_ms"]) for r in ui_runs],
        ),
        Figure(
            "move through the list: list work per key, p95 (pilot)",
            "ms",
            [p95(r["key_ms"]) for r in ui_runs],
            note="cursor/page action plus render_line of every visible row",
        ),
        Figure("jump to the end of the list: list work (pilot)", "ms", ui("end_work_ms")),
        Figure(
            "open an article: first chunk of the body mounted, p50 / p95 / max (pilot)",
            "ms",
            [pf["p50"], pf["p95"], pf["max"]],
            note=f"{len(open_first)} articles, each opened once, the first open of each start "
            "included; whole body mounted: "
            f"p50 {pw['p50']:.0f} ms, p95 {pw['p95']:.0f} ms, max {pw['max']:.0f} ms",
        ),
        Figure(f"peak memory reading at {big} (pilot, VmHWM)", "MB", ui("hwm_kb", 1 / 1024)),
    ]
    if tmux is not None and bench.gazette_cmd:
        markers = body_markers(res["first_rows"], s.seed)
        measure_gazette_terminal(
            bench, tmux, app_db, res["first_rows"][0]["title"], markers, big, prefix
        )
    app_db.unlink()


def opens_counted(runs: Sequence[TuiRun], per_start: int) -> tuple[str, bool]:
    """How many of the opens the started runs tried were counted, and whether all were.

    The text goes in the open figures' note; an incomplete count says so in
    capitals, and its p95 is not judged against the target.
    """
    wanted = per_start * sum(1 for r in runs if r.startup_s is not None)
    got = sum(len(r.open_s) for r in runs)
    text = f"{got} of {wanted} opens counted"
    reaimed = sum(len(r.open_reaims) for r in runs)
    if reaimed:
        text += f", {reaimed} Enters showed another article first and were aimed again"
    if got < wanted:
        return f"INCOMPLETE, {text}: not judged against the target", False
    return text, True


def measure_gazette_terminal(
    bench: Bench,
    tmux: Tmux,
    db: Path,
    first_title: str,
    markers: list[str],
    big: str,
    prefix: str,
) -> None:
    """Gazette in tmux: startup, keys in the list, opening articles, memory."""
    assert bench.gazette_cmd is not None
    s = bench.sizes
    env = {
        "GAZETTE_CONFIG_DIR": str(bench.work / "config"),
        "LANG": "C.UTF-8",
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(bench.work)),
    }
    spec = TuiSpec(
        "gazette",
        [*bench.gazette_cmd, "--db", str(db)],
        env,
        first_title[:16],
        ("python", "gazette"),
        ("q",),
    )
    warm_up(tmux, spec)
    runs: list[TuiRun] = []
    for run in range(s.runs):
        session = Session(tmux, spec)
        if session.started:
            session.settle()
            session.time_keys(keys_to_time(bench))
            # Back to the top, down to this start's first article not opened yet.
            session.press([("g", 0.5)])
            for _ in range(run * s.opens):
                session.key("Down")
            session.time_opens(markers, run * s.opens, s.opens)
            session.press([("Enter", 0.5)] + [("space", 0.2)] * 3)
        else:
            bench.notes.append(
                f"gazette never showed {spec.marker!r}; screen:\n{session.run.screen}"
            )
        r = session.close()
        runs.append(r)
        log(
            f"{prefix} terminal startup {r.startup_s or float('nan'):.2f} s, "
            f"hwm {r.hwm_kb / 1024:.0f} MB, opens counted {len(r.open_s)} of {s.opens} "
            f"({len(r.open_reaims)} aimed again), keys missed {r.keys_missed}"
        )
        for why in r.open_misses:
            log(f"{prefix} terminal: OPEN NOT COUNTED: {why}")
            bench.notes.append(f"gazette ({prefix}, tmux): open not counted: {why}")
    bench.raw[f"{prefix}.terminal"] = [r.__dict__ for r in runs]
    starts = [r.startup_s for r in runs if r.startup_s is not None]
    mems = [r.hwm_kb / 1024 for r in runs if r.startup_s is not None]
    keys = key_figures(bench, "gazette", runs)
    opens = [x * 1000 for r in runs for x in r.open_s]
    counted, complete = opens_counted(runs, s.opens)
    if not complete:  # a p95 without the opens never seen reads better than it is
        log(f"{prefix} terminal: open an article: {counted}")
        bench.notes.append(f"gazette ({prefix}, tmux): open an article: {counted}")
    if not starts:
        return
    minimal = bench.minimal
    mk: dict[str, list[float]] = minimal["keys"]
    v = bench.values
    v[f"{prefix}.startup_s"] = statistics.median(starts)
    v[f"{prefix}.read_mb"] = statistics.median(mems)
    if keys["all"]:
        v[f"{prefix}.key_p95_ms"] = p95(keys["all"])
    figs = [
        Figure(
            f"startup to a painted article list, {big} (tmux)",
            "s",
            starts,
            minimal["starts"],
            "minimal app",
        ),
    ]
    for key in ("Down", "PageDown", "all"):
        if keys.get(key):
            ref = [p95(mk[key])] if mk.get(key) else "n/a"
            figs.append(
                Figure(
                    f"key to screen, p95, {key if key != 'all' else 'Down + PageDown'} (tmux)",
                    "ms",
                    [p95(keys[key])],
                    ref,
                    "minimal app",
                )
            )
    if opens:
        po = percentiles(opens)
        if complete:
            v[f"{prefix}.open_tmux_p95_ms"] = po["p95"]
        ref2 = [2 * p95(mk["all"])] if mk.get("all") else "n/a"
        figs += [
            Figure(
                f"open an article, Enter to its first words on screen, p50 (tmux, {big})",
                "ms",
                [po["p50"]],
            ),
            Figure(
                f"open an article, Enter to its first words on screen, p95 (tmux, {big})",
                "ms",
                [po["p95"]],
                ref2,
                "2x minimal key p95",
                note=f"{counted}; each article opened once (first open of each start "
                f"included); max {po['max']:.0f} ms",
            ),
        ]
    figs.append(Figure(f"peak memory reading at {big} (tmux, VmHWM)", "MB", mems))
    bench.figures += figs


def measure_newsboat(bench: Bench, tmux: Tmux, nbc: Newsboat) -> None:
    """newsboat in tmux on a copy of its corpus (reading marks articles read)."""
    s = bench.sizes
    copy = bench.work / "newsboat-corpus"
    shutil.copytree(nbc.dir, copy)
    nb = Newsboat(copy)
    spec = TuiSpec(
        "newsboat",
        ["newsboat", *nb.args()],
        nb.env(),
        Generator(s.seed).feed_title(0)[:14],
        ("newsboat",),
        ("Q",),
        timeout=900,
    )
    runs = []
    for _ in range(s.newsboat_startup_runs):
        session = Session(tmux, spec)
        if session.started:
            session.settle()
            session.time_keys(keys_to_time(bench))
            session.press(
                [("Enter", 1.0)] + [("j", 0.05)] * 5 + [("Enter", 1.0), ("q", 0.3), ("q", 0.3)]
            )
        r = session.close()
        runs.append(r)
        log(
            f"newsboat terminal startup {r.startup_s or float('nan'):.2f} s, "
            f"hwm {r.hwm_kb / 1024:.0f} MB"
        )
    shutil.rmtree(copy, ignore_errors=True)
    bench.raw["newsboat.terminal"] = [r.__dict__ for r in runs]
    starts = [r.startup_s for r in runs if r.startup_s is not None]
    if not starts:
        bench.notes.append(f"newsboat never showed {spec.marker!r}; screen:\n{runs[-1].screen}")
        return
    mems = [r.hwm_kb / 1024 for r in runs if r.startup_s is not None]
    keys = key_figures(bench, "newsboat", runs)
    bench.values["newsboat.read_mb"] = statistics.median(mems)
    big = f"{s.corpus_articles:,}"
    bench.figures += [
        Figure(f"newsboat: startup at {big} (tmux)", "s", starts),
        Figure(
            "newsboat: key to screen, p95, Down + PageDown in its feed list (tmux)",
            "ms",
            [p95(keys["all"])] if keys["all"] else "n/a",
        ),
    ]
    for f in bench.figures:
        if f.name == f"peak memory reading at {big} (tmux, VmHWM)":
            f.reference = mems

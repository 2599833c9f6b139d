"""The sync part: Gazette syncing with a real FreshRSS, beside newsboat 2.21 on the same server.

Issue 16's benchmark.  The loopback feed farm serves ``sync_feeds`` feeds of
``sync_items`` items; FreshRSS (the harness of ``shared/freshrss``:
``start.sh``, PHP's built-in server, SQLite) subscribes to them from an
OPML and fetches them all before anything is timed; then the farm stops
(the server has the items).  Each run, each phase a fresh process
(``sync_phases.py``):

* Gazette: the initial sync of an empty database (log in, then the whole
  sync), a sync right after it with nothing new, and a sync pushing
  ``sync_marks`` read marks made with ``Library.set_read``; the requests of
  the push are those the engine's push step sent (the action token and the
  edit-tags; the pull after it is not counted), its edit-tag requests apart.  Then the server's read
  state is put back (those items marked unread through the API), so every
  run starts from the same server.
* newsboat 2.21 (``urls-source "feedhq"``): a cold ``newsboat -x reload`` on
  an empty cache, and a warm one right after.  newsboat 2.21 reads items
  from an Atom stream FreshRSS lacks: the server runs with
  ``start.sh --newsboat-shim``, a router that adds that one endpoint (and
  passes every other request, Gazette's too, to FreshRSS unchanged).

Gazette and newsboat take turns run by run.  The server is stopped
(``stop.sh``) whatever happens.  Without PHP or the harness the part says
why in one line and is skipped.  The harness directory is
``$GAZETTE_FRESHRSS_HARNESS``, else ``../shared/freshrss`` beside the
repository.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import statistics
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from context import Bench
from farm import FarmProcess
from measure import ROOT, clean_db, log, phase, settle
from newsboat import Newsboat
from report import Figure
from sync_phases import PUSH

#: The environment variable naming the directory of start.sh.
HARNESS_VAR = "GAZETTE_FRESHRSS_HARNESS"
#: FreshRSS folders the feeds are spread over (as make-opml.sh does).
FOLDERS = 8
#: The Google Reader read state, as a tag.
READ = "user/-/state/com.google/read"
READING_LIST = "user/-/state/com.google/reading-list"
#: Said beside newsboat's figures.
SHIM_NOTE = (
    "newsboat 2.21's feedhq source needs an Atom stream FreshRSS lacks: the server runs "
    "with start.sh --newsboat-shim, an adapter adding that one endpoint (every other "
    "request, Gazette's too, goes to FreshRSS unchanged)"
)
_LOOPBACK = "127.0.0.1,localhost,::1"


# -- the harness ----------------------------------------------------------------------------


def harness_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where start.sh is: ``$GAZETTE_FRESHRSS_HARNESS``, else ``../shared/freshrss``."""
    where = environ.get(HARNESS_VAR, "").strip()
    return Path(where) if where else ROOT.parent / "shared" / "freshrss"


def missing(harness: Path, php: str | None) -> str | None:
    """Why the part cannot run, in one line; None when it can."""
    if not (harness / "start.sh").is_file():
        return f"no FreshRSS harness at {harness} (set {HARNESS_VAR} to the directory of start.sh)"
    if php is None:
        return "no php: apt-get install -y php-cli php-sqlite3 php-curl php-xml php-mbstring"
    return None


def opml(urls: Sequence[str], folders: int = FOLDERS) -> str:
    """An OPML of ``urls``, feed k in folder ``Folder(k mod folders)``, as make-opml.sh writes."""
    groups: dict[int, list[str]] = {}
    for k, url in enumerate(urls):
        groups.setdefault(k % max(1, folders), []).append(
            f'  <outline type="rss" text="Feed {k}" title="Feed {k}" xmlUrl={quoteattr(url)}/>'
        )
    body = [
        f'<outline text="Folder{f}" title="Folder{f}">\n' + "\n".join(lines) + "\n</outline>"
        for f, lines in sorted(groups.items())
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<opml version="2.0"><head><title>feeds</title></head><body>\n'
        + "\n".join(body)
        + "\n</body></opml>\n"
    )


def server_env(text: str) -> dict[str, str]:
    """The values of start.sh's server.env (``KEY=value`` lines)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip():
            out[key.strip()] = value.strip()
    return out


def _env() -> dict[str, str]:
    """This environment with loopback kept away from any proxy (PHP's curl honours them)."""
    env = dict(os.environ)
    for name in ("NO_PROXY", "no_proxy"):
        env[name] = ",".join(filter(None, [env.get(name), _LOOPBACK]))
    return env


@contextmanager
def freshrss(harness: Path, workdir: Path, opml_file: Path) -> Iterator[dict[str, str]]:
    """A FreshRSS server with the newsboat shim, stopped on the way out whatever happens."""
    try:
        done = subprocess.run(
            [str(harness / "start.sh"), str(workdir), "--opml", str(opml_file), "--newsboat-shim"],
            capture_output=True,
            text=True,
            timeout=900,
            env=_env(),
            check=False,
        )
        if done.returncode != 0:
            tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
            raise RuntimeError(f"start.sh failed ({done.returncode}): {tail}")
        yield server_env((workdir / "server.env").read_text())
    finally:
        if (workdir / "server.env").exists():
            subprocess.run(
                [str(harness / "stop.sh"), str(workdir)],
                capture_output=True,
                timeout=60,
                check=False,
            )


class Reader:
    """A few Google Reader API calls, apart from Gazette's client: the benchmark's own
    view of the server (how many unread) and its reset (mark items unread)."""

    def __init__(self, api: str, user: str, password: str) -> None:
        self.api = api.rstrip("/")
        self._open = urllib.request.build_opener(urllib.request.ProxyHandler({})).open
        body = self._request("accounts/ClientLogin", form=[("Email", user), ("Passwd", password)])
        auth = [ln[5:] for ln in body.splitlines() if ln.startswith("Auth=")]
        if not auth:
            raise RuntimeError("FreshRSS login gave no Auth token")
        self.auth = auth[0].strip()
        self.token = self._request("reader/api/0/token").strip()

    def _request(
        self,
        path: str,
        params: Sequence[tuple[str, str]] = (),
        form: Sequence[tuple[str, str]] | None = None,
    ) -> str:
        url = f"{self.api}/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(list(params))
        data = urllib.parse.urlencode(list(form)).encode() if form is not None else None
        req = urllib.request.Request(url, data=data)
        if getattr(self, "auth", None):
            req.add_header("Authorization", f"GoogleLogin auth={self.auth}")
        with self._open(req, timeout=120) as resp:
            return str(resp.read().decode())

    def unread(self) -> int:
        """The number of unread items of the reading list."""
        body = self._request(
            "reader/api/0/stream/items/ids",
            [("s", READING_LIST), ("xt", READ), ("n", "100000"), ("output", "json")],
        )
        return len(json.loads(body).get("itemRefs") or [])

    def mark_unread(self, ids: Sequence[str], batch: int = 1000) -> None:
        for start in range(0, len(ids), batch):
            form = [("i", i) for i in ids[start : start + batch]]
            form += [("r", READ), ("T", self.token)]
            self._request("reader/api/0/edit-tag", [("output", "json")], form)


def newsboat_config(env: Mapping[str, str], items: int) -> list[str]:
    """newsboat's config lines for the server of ``env`` (server.env), ``items`` per feed."""
    return [
        'urls-source "feedhq"',
        f'feedhq-url "{env["FRESHRSS_API"]}"',
        f'feedhq-login "{env["FRESHRSS_USER"]}"',
        f'feedhq-password "{env["FRESHRSS_API_PASSWORD"]}"',
        f"feedhq-min-items {items}",
        "feedhq-show-special-feeds no",
    ]


# -- the part -------------------------------------------------------------------------------


def run_sync(bench: Bench) -> None:
    harness = harness_dir()
    why = missing(harness, shutil.which("php"))
    if why:
        log(f"sync part skipped: {why}")
        bench.notes.append(f"sync part skipped: {why}")
        return
    s = bench.sizes
    total = s.sync_feeds * s.sync_items
    marks = min(s.sync_marks, total)
    work = bench.work / "sync"
    work.mkdir()
    log(f"sync: farm of {s.sync_feeds} feeds x {s.sync_items} items, FreshRSS from {harness}")
    with contextlib.ExitStack() as stack:
        farm = stack.enter_context(
            FarmProcess(s.sync_feeds, s.sync_items, seed=s.seed, hosts=s.hosts)
        )
        opml_file = work / "feeds.opml"
        opml_file.write_text(opml(farm.urls))
        t = time.perf_counter()
        env = stack.enter_context(freshrss(harness, work / "freshrss", opml_file))
        log(f"FreshRSS ready in {time.perf_counter() - t:.0f} s at {env.get('FRESHRSS_API')}")
        farm.stop()  # the server has every item
        _measure(bench, env, total, marks, work)
    log("FreshRSS stopped")


def _phase_args(db: Path, run: int, name: str, extra: dict[str, Any]) -> dict[str, Any]:
    """A sync phase's arguments; with $GAZETTE_SYNC_PROFILE (a directory) it is profiled."""
    args = {"db": str(db), **extra}
    profile = os.environ.get("GAZETTE_SYNC_PROFILE")
    if profile:
        args["profile"] = str(Path(profile) / f"{name}-{run}.prof")
    return args


def _measure(bench: Bench, env: dict[str, str], total: int, marks: int, work: Path) -> None:
    s = bench.sizes
    api, user, password = env["FRESHRSS_API"], env["FRESHRSS_USER"], env["FRESHRSS_API_PASSWORD"]
    reader = Reader(api, user, password)
    if reader.unread() != total:
        bench.notes.append(f"sync: FreshRSS has {reader.unread()} unread items, not {total}")
    login = {"api": api, "user": user, "password": password}
    r: dict[str, list[Any]] = {
        k: []
        for k in (
            "initial_s",
            "initial_cpu_s",
            "initial_mb",
            "initial_requests",
            "again_s",
            "again_process_s",
            "again_requests",
            "push_s",
            "push_requests",
            "push_edit_tags",
            "nb_cold_s",
            "nb_cpu_s",
            "nb_mb",
            "nb_warm_s",
        )
    }
    nb_runs = s.newsboat_runs if bench.newsboat else 0

    def check(what: str, got: object, want: object) -> None:
        if got != want:
            bench.notes.append(f"sync: {what}: {got!r}, expected {want!r}")

    for run in range(max(s.sync_runs, nb_runs)):
        if run < s.sync_runs:
            db = work / f"sync-{run}.db"
            clean_db(db)
            settle()
            res, child = phase("sync_initial", _phase_args(db, run, "initial", login))
            check("initial sync error", res["error"], None)
            check("initial sync new articles", res["new"], total)
            r["initial_s"].append(res["seconds"])
            r["initial_cpu_s"].append(child.cpu_s)
            r["initial_mb"].append(child.tree_peak_kb / 1024)
            r["initial_requests"].append(res["requests"])
            log(
                f"gazette initial sync {res['seconds']:.2f} s, cpu {child.cpu_s:.1f} s, "
                f"{res['requests']} requests {res['by_endpoint']}, new {res['new']}"
            )
            res, child = phase("sync_again", _phase_args(db, run, "again", {}))
            check("sync with nothing new: error", res["error"], None)
            check("sync with nothing new: new", res["new"], 0)
            r["again_s"].append(res["seconds"])
            r["again_process_s"].append(child.seconds)
            r["again_requests"].append(res["requests"])
            log(
                f"gazette sync, nothing new {res['seconds']:.2f} s "
                f"(process {child.seconds:.2f} s), {res['requests']} requests {res['by_endpoint']}"
            )
            res, _ = phase("sync_push", _phase_args(db, run, "push", {"marks": marks}))
            check("push error", res["error"], None)
            check("read marks made", res["marked"], marks)
            check("read marks sent", res["sent"], marks)
            check("changes left queued", res["pending"], 0)
            edits = res["by_endpoint"].get("edit-tag", 0)
            r["push_s"].append(res["seconds"])
            r["push_requests"].append(res["by_endpoint"].get(PUSH, 0))
            r["push_edit_tags"].append(edits)
            log(
                f"gazette push of {res['marked']} read marks {res['seconds']:.2f} s, "
                f"{res['requests']} requests {res['by_endpoint']}"
            )
            check("server unread after the push", reader.unread(), total - marks)
            reader.mark_unread(res["remote_ids"])
            check("server unread after the reset", reader.unread(), total)
            clean_db(db)
        if run < nb_runs:
            nb = Newsboat(work / f"newsboat-{run}", [], newsboat_config(env, s.sync_items))
            settle()
            child = nb.reload()
            check("newsboat cold reload articles", nb.articles(), total)
            r["nb_cold_s"].append(child.seconds)
            r["nb_cpu_s"].append(child.cpu_s)
            r["nb_mb"].append(child.tree_peak_kb / 1024)
            warm = nb.reload()
            r["nb_warm_s"].append(warm.seconds)
            log(
                f"newsboat (feedhq) cold reload {child.seconds:.2f} s, cpu {child.cpu_s:.1f} s; "
                f"warm {warm.seconds:.2f} s"
            )
            shutil.rmtree(nb.dir, ignore_errors=True)
    _report(bench, r, marks)


def _report(bench: Bench, r: dict[str, list[Any]], marks: int) -> None:
    s = bench.sizes
    nb = "newsboat feedhq + shim"

    def ref(key: str) -> list[float] | str:
        return r[key] or "n/a"

    label = f"{s.sync_feeds} feeds x {s.sync_items}"
    bench.figures += [
        Figure(
            f"sync: initial sync {label} (core)",
            "s",
            r["initial_s"],
            ref("nb_cold_s"),
            nb,
            note="log in + the first sync of an empty database, in-process; the reference "
            "is newsboat's cold reload (empty cache), through the shim (see below)",
        ),
        Figure(
            "sync: initial sync: CPU time, user + system",
            "s",
            r["initial_cpu_s"],
            ref("nb_cpu_s"),
            nb,
        ),
        Figure(
            "sync: initial sync: peak memory (process tree)",
            "MB",
            r["initial_mb"],
            ref("nb_mb"),
            nb,
        ),
        Figure("sync: initial sync: requests", "n", r["initial_requests"]),
        Figure(
            "sync: nothing new (core)",
            "s",
            r["again_s"],
            ref("nb_warm_s"),
            nb,
            note="newsboat's warm reload downloads every item again",
        ),
        Figure("sync: nothing new (whole process)", "s", r["again_process_s"]),
        Figure("sync: nothing new: requests", "n", r["again_requests"]),
        Figure(f"sync: push {marks:,} read marks (core)", "s", r["push_s"]),
        Figure(
            f"sync: push {marks:,} read marks: requests of the push",
            "n",
            r["push_requests"],
            note="the requests of the sync's push step (the pull after it not counted); "
            f"edit-tag requests among them: {sorted(set(r['push_edit_tags']))}",
        ),
    ]
    v = bench.values
    for key in ("initial_s", "initial_cpu_s", "again_s", "push_s", "push_requests"):
        if r[key]:
            v[f"sync.{key}"] = statistics.median(r[key])
    v["sync.marks"], v["sync.feeds"], v["sync.items"] = marks, s.sync_feeds, s.sync_items
    for key in ("nb_cold_s", "nb_warm_s", "nb_cpu_s"):
        if r[key]:
            v[f"newsboat.sync_{key.removeprefix('nb_')}"] = statistics.median(r[key])
    if r["nb_cold_s"]:
        bench.notes.append(SHIM_NOTE)
    bench.raw["sync"] = r

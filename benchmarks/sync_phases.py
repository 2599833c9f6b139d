"""The measured sync phases, each run in a fresh child process by ``phases.py``.

``sync.py`` runs them in turn on one database: ``sync_initial`` (log in and
the first sync of an empty database), ``sync_again`` (nothing new),
``sync_push`` (mark articles read, then sync: the read marks go up).  Each
prints one ``RESULT`` line, as every phase does: the time of the call
(``Library.add_account`` + ``Library.sync``, or ``Library.sync``), what the
sync said, and the requests it sent by endpoint, counted by wrapping the
client's one request method (``GReaderClient._call``: every request goes
through it), and those of the push step (the engine's ``_push``), so that a
push is counted apart from the pull that follows it in the same sync.

``profile`` (a file name) runs the timed call under cProfile and writes its
statistics there, for ``python -m pstats``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: The key, among the counts by endpoint, of the requests sent by the engine's push step.
PUSH = "(push)"


@contextmanager
def counting_requests() -> Iterator[Counter[str]]:
    """Count every request of every Google Reader client, by endpoint, while inside;
    those sent while the engine pushes the queue are counted under ``PUSH`` too."""
    from tui.core.sync import engine
    from tui.core.sync.greader import GReaderClient

    counts: Counter[str] = Counter()
    call, push = GReaderClient._call, engine._push

    async def counted(self: GReaderClient, method: str, endpoint: str, **kw: Any) -> Any:
        counts[endpoint] += 1
        return await call(self, method, endpoint, **kw)

    async def pushing(store: Any, client: GReaderClient, *args: Any) -> None:
        before = client.requests
        try:
            await push(store, client, *args)
        finally:
            counts[PUSH] += client.requests - before

    GReaderClient._call = counted  # type: ignore[method-assign]
    engine._push = pushing
    try:
        yield counts
    finally:
        GReaderClient._call = call  # type: ignore[method-assign]
        engine._push = push


def _timed(fn: Callable[[], Any], profile: str | None) -> tuple[float, Any]:
    if profile:
        import cProfile

        prof = cProfile.Profile()
        t = time.perf_counter()
        out = prof.runcall(fn)
        seconds = time.perf_counter() - t
        prof.dump_stats(profile)
        return seconds, out
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def _result(results: list[Any]) -> dict[str, Any]:
    """What the (one) account's sync said."""
    if len(results) != 1:
        raise RuntimeError(f"expected one account, got {len(results)} results")
    r = results[0]
    return {
        "requests": r.requests,
        "sent": r.sent,
        "new": r.new,
        "feeds_added": r.feeds_added,
        "state_changes": r.state_changes,
        "pending": r.pending,
        "error": r.error,
    }


def phase_sync_initial(args: dict[str, Any]) -> dict[str, Any]:
    """Add the account to an empty database and sync it (the time of both)."""
    from tui.core.library import Library
    from tui.core.models import View

    lib = Library(args["db"])

    def initial() -> list[Any]:
        lib.add_account(args["api"], args["user"], args["password"], name="bench")
        return lib.sync()

    with counting_requests() as counts:
        seconds, results = _timed(initial, args.get("profile"))
    out = {"seconds": seconds, **_result(results), "by_endpoint": dict(counts)}

    out["articles"] = lib.count_articles(View())
    out["unread"] = lib.count_articles(View(unread=True))
    lib.close()
    return out


def phase_sync_again(args: dict[str, Any]) -> dict[str, Any]:
    """Sync once more (nothing new on the server, nothing queued here)."""
    from tui.core.library import Library

    lib = Library(args["db"])
    with counting_requests() as counts:
        seconds, results = _timed(lib.sync, args.get("profile"))
    lib.close()
    return {"seconds": seconds, **_result(results), "by_endpoint": dict(counts)}


def phase_sync_push(args: dict[str, Any]) -> dict[str, Any]:
    """Mark ``marks`` synced unread articles read (untimed), then sync (timed).

    Returns the server's ids of those articles, so that the benchmark can
    mark them unread again on the server before the next run.
    """
    from tui.core.library import Library
    from tui.core.models import View

    lib = Library(args["db"])
    ids = [a.id for a in lib.articles(View(unread=True), limit=args["marks"])]
    t = time.perf_counter()
    changed = lib.set_read(ids, True).changed
    mark_s = time.perf_counter() - t
    queued = lib.pending_changes()
    by_article = dict(lib.store.conn.execute("SELECT article_id, remote_id FROM remote_items"))
    remote = [str(by_article[i]) for i in changed if i in by_article]
    with counting_requests() as counts:
        seconds, results = _timed(lib.sync, args.get("profile"))
    lib.close()
    return {
        "seconds": seconds,
        "mark_s": mark_s,
        "marked": len(changed),
        "queued": queued,
        **_result(results),
        "by_endpoint": dict(counts),
        "remote_ids": remote,
    }


PHASES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "sync_initial": phase_sync_initial,
    "sync_again": phase_sync_again,
    "sync_push": phase_sync_push,
}

"""The parser pool's worker processes (issue 15: the memory of a refresh's process tree).

Functions handed to the workers here are this module's: a worker imports it
by name, from the import path the pool passes on.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
from concurrent.futures import BrokenExecutor
from pathlib import Path

import pytest

from tui.core.errors import ParseError
from tui.core.parse import parse_feed
from tui.core.refresh.pool import ParserProcesses

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
URL = "https://example.org/feed.xml"
WAIT = 60  # seconds: a worker starting on a busy machine, never a measure


def loaded(names: list[str]) -> list[str]:
    """In a worker: which of ``names`` it has imported."""
    return [name for name in names if sys.modules.get(name) is not None]


def shout(text: str) -> str:
    """In a worker: print (as a stray debugging line would) and answer."""
    print(text)
    return text.upper()


@pytest.fixture
def pool() -> ParserProcesses:
    return ParserProcesses(2)


def test_workers_parse_as_the_refreshing_process_does(pool: ParserProcesses) -> None:
    docs = sorted(FEEDS.glob("*.xml"))[:6]
    assert docs
    with pool:
        futures = [pool.submit(parse_feed, d.read_bytes(), URL) for d in docs]
        parsed = [f.result(timeout=WAIT) for f in futures]
    assert parsed == [parse_feed(d.read_bytes(), URL) for d in docs]


def test_a_worker_loads_the_parser_and_nothing_of_the_network_or_the_cli(
    pool: ParserProcesses,
) -> None:
    names = ["feedparser", "ssl", "_hashlib", "httpx", "multiprocessing", "tui.cli"]
    with pool:
        assert pool.submit(loaded, names).result(timeout=WAIT) == ["feedparser"]
        with pytest.raises(ImportError):
            pool.submit(importlib.import_module, "ssl").result(timeout=WAIT)


def test_a_parse_error_comes_back_as_itself(pool: ParserProcesses) -> None:
    with pool:
        future = pool.submit(parse_feed, b"<html><body>hello</body></html>", URL)
        with pytest.raises(ParseError, match="not a feed"):
            future.result(timeout=WAIT)


def test_what_a_worker_prints_does_not_garble_its_answers(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with ParserProcesses(1) as pool:
        assert pool.submit(shout, "psst").result(timeout=WAIT) == "PSST"
        doc = (FEEDS / "atom-heise-developer.xml").read_bytes()
        assert pool.submit(parse_feed, doc, URL).result(timeout=WAIT).entries
    assert "psst" in capfd.readouterr().err


def test_a_task_that_cannot_travel_fails_alone(pool: ParserProcesses) -> None:
    with pool:
        with pytest.raises(Exception, match="pickle"):
            pool.submit(lambda: 1).result(timeout=WAIT)
        assert pool.submit(shout, "next").result(timeout=WAIT) == "NEXT"


def test_a_dead_worker_fails_its_task_and_the_others_carry_on() -> None:
    with ParserProcesses(2) as pool:
        with pytest.raises(BrokenExecutor):
            pool.submit(os._exit, 3).result(timeout=WAIT)
        assert pool.submit(shout, "alive").result(timeout=WAIT) == "ALIVE"
        with pytest.raises(BrokenExecutor):
            pool.submit(os._exit, 3).result(timeout=WAIT)
        # None left: what is queued or submitted now fails at once.
        with pytest.raises(BrokenExecutor):
            pool.submit(shout, "nobody").result(timeout=WAIT)


def test_shutdown_can_drop_what_is_queued() -> None:
    pool = ParserProcesses(1)
    first = pool.submit(time.sleep, 0.2)
    queued = [pool.submit(shout, str(n)) for n in range(5)]
    pool.shutdown(wait=True, cancel_futures=True)
    assert all(f.cancelled() for f in queued)
    assert first.done()
    with pytest.raises(RuntimeError, match="after shutdown"):
        pool.submit(shout, "late")


def test_shutdown_without_cancelling_runs_what_is_queued() -> None:
    pool = ParserProcesses(1)
    futures = [pool.submit(shout, str(n)) for n in range(5)]
    pool.shutdown(wait=True)
    assert [f.result(timeout=0) for f in futures] == ["0", "1", "2", "3", "4"]


def test_workers_already_started_end_when_the_next_cannot_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tui.core.refresh import pool as pool_module

    started: list[subprocess.Popen[bytes]] = []
    real_start = pool_module._start_worker

    def start_one_then_fail() -> subprocess.Popen[bytes]:
        if started:
            raise OSError("no more processes")
        started.append(real_start())
        return started[0]

    monkeypatch.setattr(pool_module, "_start_worker", start_one_then_fail)
    with pytest.raises(OSError, match="no more processes"):
        ParserProcesses(2)
    assert started[0].returncode == 0  # ended and reaped


def test_ctrl_c_while_workers_start_is_held_back_not_lost() -> None:
    """Ctrl-C pressed as the pool starts its workers reaches this process once
    they are up (it was lost: an interrupted refresh ran on to its end)."""
    import signal

    from tui.core.refresh.pool import sigint_ignored

    held: set[signal.Signals] = set()
    with pytest.raises(KeyboardInterrupt), sigint_ignored():  # raised on leaving
        os.kill(os.getpid(), signal.SIGINT)
        held = signal.sigpending()
    assert signal.SIGINT in held

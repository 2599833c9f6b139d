"""Library.sync around the engine: when auto-refresh syncs, and a server's "wait"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from reader_double import ReaderDouble

from tui.core.library import Library

T0 = 1_800_000_000


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[Library, ReaderDouble, Clock]]:
    double = ReaderDouble()
    double.feed(1, 2)
    clock = Clock()
    with double.serve() as api:
        lib = Library(tmp_path / "lib.db", clock=clock)
        lib.add_account(api, "me", double.password, name="home")
        yield lib, double, clock
        lib.close()


def test_auto_refresh_syncs_on_its_interval_and_retries_sooner_after_failures(
    setup: tuple[Library, ReaderDouble, Clock],
) -> None:
    lib, double, clock = setup
    assert lib.accounts_due(60)  # never synced
    assert not lib.accounts_due(0)  # auto-refresh off
    assert lib.sync()[0].error is None
    assert not lib.accounts_due(60)
    clock.now += 3600
    assert lib.accounts_due(60)
    double.vanish_after = len(double.log)
    lib.sync()  # first failure: retried a minute later
    clock.now += 59
    assert not lib.accounts_due(60)
    clock.now += 1
    assert lib.accounts_due(60)
    lib.sync()  # second: two minutes
    clock.now += 119
    assert not lib.accounts_due(60)
    clock.now += 1
    assert lib.accounts_due(60)


def test_a_server_that_asked_to_wait_is_left_alone_until_then(
    setup: tuple[Library, ReaderDouble, Clock],
) -> None:
    lib, double, clock = setup
    double.busy = ("subscription/list", "600")
    busy = lib.sync()[0]
    assert busy.error is not None and "busy" in busy.error
    asked = len(double.log)
    double.busy = None
    waiting = lib.sync()[0]
    assert waiting.error is not None and "left alone until" in waiting.error
    assert len(double.log) == asked  # not asked again
    assert not lib.accounts_due(1)
    clock.now += 600
    assert lib.accounts_due(1)
    assert lib.sync()[0].error is None

"""Shared pytest fixtures.

``feed_server`` gives each test its own loopback HTTP server (see
``tests/feedserver.py``) serving ``tests/fixtures/``, so no test touches the
internet and tests cannot see each other's routes or request logs.

``store`` and ``lib`` are a ``Store`` and a ``Library`` on a new database file in
the test's ``tmp_path``, closed after it.  A module that needs the library set up
differently (a fixed clock, short timeouts, feeds already in it) overrides ``lib``
by asking for it, so the setting is written where it matters (``db`` is the path
of a database file not yet made, for the command line's ``--db``)::

    @pytest.fixture
    def lib(lib: Library) -> Library:
        lib.clock = lambda: NOW
        return lib

The reader's tests have their own ``library`` (a copied, pre-filled database) in
``tests/ui/conftest.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from feedserver import FeedServer

from tui.core.library import Library
from tui.core.storage import Store

FIXTURES = Path(__file__).parent / "fixtures"
LOOPBACK = "127.0.0.1,localhost,::1"


@pytest.fixture
def feed_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    """A started :class:`FeedServer` on 127.0.0.1 (free port) rooted at ``tests/fixtures``.

    ``feed_server.url("/feeds/x.xml")`` is the URL of ``tests/fixtures/feeds/x.xml``.
    Loopback is added to ``NO_PROXY`` because the Fetcher honours proxy
    variables, and a developer's ``HTTP_PROXY`` must not swallow test traffic.
    """
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, ",".join(filter(None, [os.environ.get(name), LOOPBACK])))
    with FeedServer(FIXTURES) as server:
        yield server


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A Store on a new database file (``store.path``)."""
    s = Store(tmp_path / "gazette.db")
    yield s
    s.close()


@pytest.fixture
def db(tmp_path: Path) -> str:
    """The path of a database file not yet made, as the command line takes it (``--db``)."""
    return str(tmp_path / "gazette.db")


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    """A Library on a new database file (``lib.db_path``): the real clock, default
    fetch settings."""
    library = Library(tmp_path / "gazette.db")
    yield library
    library.close()


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep every test away from the real user's config and database."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("GAZETTE_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("GAZETTE_DB", str(home / "data" / "gazette.db"))
    monkeypatch.setenv("GAZETTE_CACHE_DIR", str(home / "cache"))

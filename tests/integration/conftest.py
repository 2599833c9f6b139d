"""Fixtures of the integration tests against a real FreshRSS (marked ``freshrss``).

They run only when asked for (``uv run pytest -m freshrss``: the default
``addopts`` deselects them) and need ``GAZETTE_FRESHRSS_HARNESS`` (the
directory of start.sh) and PHP; when those are missing the tests fail with
one line saying what to set or install.  One server serves the whole
session: tests that change its state must not assume a fresh one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import freshrss_harness as harness
import pytest
from feedserver import FeedServer

_deselected: list[pytest.Item] = []


def pytest_deselected(items: list[pytest.Item]) -> None:
    _deselected.extend(i for i in items if i.get_closest_marker("freshrss"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say in one line how to run the FreshRSS tests when a run left them out."""
    if _deselected:
        n = len(_deselected)
        terminalreporter.write_line(
            f"{n} FreshRSS integration test{'s' if n != 1 else ''} not run: "
            f"{harness.HARNESS_VAR}=$(cd ../shared/freshrss && pwd) uv run pytest -m freshrss "
            f"(needs apt-get install -y {harness.APT_PACKAGES})"
        )


@pytest.fixture(scope="session")
def freshrss_feeds() -> Iterator[FeedServer]:
    """The loopback feed server FreshRSS reads (``/feeds/N.xml``, N <= FEEDS)."""
    for name in ("NO_PROXY", "no_proxy"):
        os.environ[name] = ",".join(filter(None, [os.environ.get(name), "127.0.0.1,localhost"]))
    with FeedServer(Path(__file__).parent) as server:
        harness.serve_feeds(server, harness.FEEDS + 1, harness.ITEMS)
        yield server


@pytest.fixture(scope="session")
def freshrss(
    tmp_path_factory: pytest.TempPathFactory, freshrss_feeds: FeedServer
) -> Iterator[dict[str, str]]:
    """A FreshRSS subscribed to ``FEEDS`` feeds in folders ``Folder0`` and ``Folder1``.

    Yields its server.env values (FRESHRSS_API, FRESHRSS_USER,
    FRESHRSS_API_PASSWORD, ...); stopped at the end of the session.
    """
    problem = harness.missing()
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    base = tmp_path_factory.mktemp("freshrss")
    urls = [freshrss_feeds.url(f"/feeds/{i}.xml") for i in range(harness.FEEDS)]
    half = harness.FEEDS // 2
    opml_file = base / "feeds.opml"
    opml_file.write_text(harness.opml({"Folder0": urls[:half], "Folder1": urls[half:]}))
    workdir = base / "srv"
    try:
        env = harness.start(workdir, opml_file)
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield env
    finally:
        harness.stop(workdir)

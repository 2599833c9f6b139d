"""`gazette refresh` progress: a Rich bar on a terminal, one line per feed in a pipe,
and a command line that loads neither Rich nor the handlers until it needs them."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from typing_extensions import override

from tui.cli.progress import RefreshProgress
from tui.core.models import FeedResult

SEED = Path(__file__).parent / "fixtures" / "feeds" / "rss2-seed-article.xml"
SHOW_CURSOR = "\x1b[?25h"


class FakeTerminal(io.StringIO):
    """A stream that says it is a terminal, as stderr does in an interactive shell."""

    @override
    def isatty(self) -> bool:
        return True


def results(n: int, failing: int) -> list[FeedResult]:
    return [
        FeedResult(
            i, f"https://feed-{i}.example/rss", "t", error="HTTP 404" if i == failing else None
        )
        for i in range(1, n + 1)
    ]


def test_on_a_terminal_one_bar_counts_feeds_and_failures_and_ends_its_line() -> None:
    out = FakeTerminal()
    with RefreshProgress(out) as progress:
        for done, result in enumerate(results(3, failing=2), start=1):
            progress(done, 3, result)
    text = out.getvalue()
    assert "1/3 feeds, 0 failed" in text and "3/3 feeds, 1 failed" in text
    assert text.endswith("\n" + SHOW_CURSOR)
    assert "feed-1.example" not in text  # the bar carries counts, no feed text


def test_an_interrupted_refresh_gives_the_cursor_back_and_ends_the_bar_line() -> None:
    out = FakeTerminal()
    with pytest.raises(KeyboardInterrupt), RefreshProgress(out) as progress:
        progress(1, 3, results(1, failing=0)[0])
        raise KeyboardInterrupt
    assert out.getvalue().endswith("1/3 feeds, 0 failed\n" + SHOW_CURSOR)


def test_in_a_pipe_one_plain_line_per_feed_says_how_it_went() -> None:
    out = io.StringIO()
    with RefreshProgress(out) as progress:
        for done, result in enumerate(results(2, failing=2), start=1):
            progress(done, 2, result)
    assert out.getvalue() == (
        "[1/2] https://feed-1.example/rss: 0 new, 0 updated\n"
        "[2/2] https://feed-2.example/rss: failed: HTTP 404\n"
    )


def test_no_feeds_draws_no_bar() -> None:
    out = FakeTerminal()
    with RefreshProgress(out):
        pass
    assert out.getvalue() == ""


def imported(*argv: str) -> set[str]:
    """The modules ``python -m tui ARGV`` imports (from -X importtime)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tui", *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return {
        line.split("|")[2].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "self [us]" not in line
    }


def test_a_piped_refresh_never_loads_rich(tmp_path: Path) -> None:
    db = str(tmp_path / "g.db")
    feed = tmp_path / "f.xml"
    feed.write_bytes(SEED.read_bytes())
    from tui.core.library import Library

    lib = Library(db)
    lib.store.add_feed(str(feed))
    lib.close()
    modules = imported("--db", db, "refresh")
    assert "tui.cli.progress" in modules  # the progress ran...
    assert not {m for m in modules if m.split(".")[0] == "rich"}  # ...without Rich


def test_help_loads_the_parser_only() -> None:
    """`gazette --help` stays cheap: no handlers, no core library, no output helpers."""
    modules = imported("--help")
    assert "tui.cli.parser" in modules
    late = {"tui.cli.commands", "tui.cli.output", "tui.core.library", "tui.core.text", "rich"}
    assert not modules & late

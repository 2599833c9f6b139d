"""The core must stay usable without the UI toolkit (a house rule)."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_neither_textual_nor_rich() -> None:
    code = (
        "import sys, tui.core.library, tui.cli; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'rich'}); "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_library_loads_fetching_and_parsing_only_when_used() -> None:
    """httpx and feedparser cost ~90 ms of a startup that reads from the cache."""
    code = (
        "import sys, tui.core.library; "
        "late = ('httpx', 'feedparser', 'tui.core.fetch', 'tui.core.parse'); "
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in late "
        "or m in late)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

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
        "print(','.join(sorted(m for m in sys.modules "
        "if any(m == p or m.startswith(p + '.') for p in late))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_no_fetch_module_loads_httpx_command_line_tool() -> None:
    """httpx's CLI pulls in Rich and click: tui/core/fetch/__init__.py keeps it
    out, whichever of the package's modules is imported first."""
    for module in ("client", "hostpools", "decoding", "reasons", "discovery"):
        code = (
            f"import sys, tui.core.fetch.{module}; "
            "print(','.join(sorted(m for m in sys.modules "
            "if m.split('.')[0] in {'rich', 'click', 'pygments'})))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "", module


def test_finding_feed_links_loads_without_httpx() -> None:
    """Reading a page's feed links needs no network library."""
    code = (
        "import sys; from tui.core.fetch.discovery import find_feed_links; "
        "print('httpx' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

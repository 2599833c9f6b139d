"""tui.core's public names: every one resolves, and importing the package stays free.

Every ``tui.core.*`` import runs ``tui/core/__init__.py`` first, the parse
pool's workers included, so the facade's names must load on first use only.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import tui.core


def test_every_public_name_resolves_from_its_home() -> None:
    for name in tui.core.__all__:
        assert getattr(tui.core, name) is not None, name
    assert tui.core.Library.__module__ == "tui.core.library"
    assert tui.core.TagCount.__module__ == "tui.core.models"


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchName"):
        _ = tui.core.NoSuchName


def test_importing_the_core_package_loads_none_of_the_facade() -> None:
    code = (
        "import sys, tui.core, tui.core.errors, tui.core.parse\n"
        "heavy = ('tui.core.library', 'tui.core.storage', 'tui.core.refresh.pipeline', 'asyncio')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"

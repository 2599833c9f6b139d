"""The README screenshot script (``python -m tui.ui.screenshots``) is reproducible.

Every shot is taken in this process, and two of the quick ones again in a child
process whose wall clock (``time.time``) runs 400 days ahead from before
anything is imported, so a default ``clock=time.time`` that slipped past the
script's fixed clock would change the pictures.  Both runs must give the same
bytes, and the files must be SVGs showing the demo data.

The committed ``screenshots/`` must also be what the script writes today.
Regenerating them once changed ``help.svg`` (and ``search.svg``) although the
script is deterministic: the files had been taken before the stop key (x) and
the search highlight in the article were added, and nothing compared them
with the app again.  A UI change that shows in a screenshot now fails here
until the screenshots are rebuilt.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tui.ui import screenshots

SHOTS = ["help", "search"]
#: The committed screenshots the README shows.
COMMITTED = Path(__file__).resolve().parents[2] / "screenshots"

#: Runs the script with the wall clock 400 days ahead (patched before any import).
SHIFTED_CLOCK = """
import sys, time
_real = time.time
time.time = lambda: _real() + 400 * 86400
from tui.ui.screenshots import main
sys.exit(main(sys.argv[1:]))
"""


def svg_text(path: Path) -> str:
    """The text an SVG shows (it must parse as XML and be an <svg>)."""
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return " ".join("".join(root.itertext()).replace("\xa0", " ").split())


def test_screenshots_are_byte_identical_current_and_show_the_demo(tmp_path: Path) -> None:
    second_dir = tmp_path / "second"
    # The child runs while this process takes every shot (the two overlap).
    child = subprocess.Popen(
        [sys.executable, "-c", SHIFTED_CLOCK, "--out", str(second_dir), *SHOTS],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        first = screenshots.make_screenshots(tmp_path / "first")
        output, _ = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, output.decode(errors="replace")
    assert [p.name for p in first] == [f"{name}.svg" for name in screenshots.SHOTS]
    for name in SHOTS:
        again = (second_dir / f"{name}.svg").read_bytes()
        assert again == (tmp_path / "first" / f"{name}.svg").read_bytes(), (
            f"{name}.svg differs between runs"
        )

    assert sorted(p.name for p in COMMITTED.glob("*.svg")) == sorted(p.name for p in first)
    stale = [p.name for p in first if p.read_bytes() != (COMMITTED / p.name).read_bytes()]
    assert not stale, (
        f"screenshots/ is out of date ({', '.join(stale)}): look at the change, then rebuild "
        "with `uv run python -m tui.ui.screenshots`"
    )

    help_text = svg_text(tmp_path / "first" / "help.svg")
    assert "Show every key" in help_text
    assert "Daring Fireball" in help_text  # the demo feeds behind the dialog

    search_text = svg_text(tmp_path / "first" / "search.svg")
    assert f"/{screenshots.SEARCH}" in search_text  # the query in the box
    assert "Search · 6 · best first" in search_text
    assert "Google Will Stop Reading Your Emails for Gmail Ads" in search_text  # opened
    assert "The Cloudflare Blog" in search_text


def test_unknown_shot_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown screenshots: nope"):
        screenshots.make_screenshots(tmp_path, ["main", "nope"])
    assert not any(tmp_path.iterdir())  # nothing built or written

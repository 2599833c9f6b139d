"""`gazette undo [--list] [--json]` and `gazette redo`: the history from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import rss_feed, rss_item
from builders import run_cli as run

from tui.core.library import Library


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A database with one feed of two articles, alpha and beta."""
    feed = tmp_path / "f.xml"
    items = (rss_item(f"g{i}", t, link=f"https://e.example/{i}") for i, t in enumerate("ab"))
    feed.write_text(rss_feed(*items, title="F", link=None), encoding="utf-8")
    path = str(tmp_path / "undo.db")
    lib = Library(path)
    lib.add_feed(str(feed))
    lib.close()
    return path


def _read(db: str) -> list[bool]:
    lib = Library(db)
    try:
        return sorted(a.read for a in lib.articles())
    finally:
        lib.close()


def test_nothing_to_undo_or_redo_is_one_line_and_an_error(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    assert run(capsys, "--db", db, "undo") == (2, "", "gazette: nothing to undo\n")
    assert run(capsys, "--db", db, "redo") == (2, "", "gazette: nothing to redo\n")


def test_undo_and_redo_a_command(capsys: pytest.CaptureFixture[str], db: str) -> None:
    assert run(capsys, "--db", db, "read", "--query", "")[0] == 0
    assert _read(db) == [True, True]
    assert run(capsys, "--db", db, "undo") == (0, "Undone: marked 2 articles read\n", "")
    assert _read(db) == [False, False]
    assert run(capsys, "--db", db, "redo") == (0, "Redone: marked 2 articles read\n", "")
    assert _read(db) == [True, True]


def test_undo_list_and_json(capsys: pytest.CaptureFixture[str], db: str) -> None:
    assert run(capsys, "--db", db, "star", "--query", "")[0] == 0
    assert run(capsys, "--db", db, "remove", "F")[0] == 0
    code, out, _ = run(capsys, "--db", db, "undo", "--json")
    assert code == 0
    assert json.loads(out)["undone"]["label"] == "Deleted feed F (2 articles)"
    code, out, _ = run(capsys, "--db", db, "undo", "--list")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert "undone" in lines[0] and lines[0].endswith("Deleted feed F (2 articles)")
    assert "undone" not in lines[1] and lines[1].endswith("Starred 2 articles")
    code, out, _ = run(capsys, "--db", db, "undo", "--list", "--json")
    listed = json.loads(out)
    assert [(e["label"], e["undone"]) for e in listed] == [
        ("Deleted feed F (2 articles)", True),
        ("Starred 2 articles", False),
    ]
    assert listed[0]["created"].endswith("+00:00")


def test_an_empty_history_lists_as_such(capsys: pytest.CaptureFixture[str], db: str) -> None:
    assert run(capsys, "--db", db, "undo", "--list") == (0, "No actions to undo.\n", "")

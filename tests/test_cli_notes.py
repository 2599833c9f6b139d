"""`gazette notes` and `export-notes --query` over several notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import run_cli as run

from tui.core.library import Library

FEED = Path(__file__).parent / "fixtures" / "feeds" / "jsonfeed-inessential.json"


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A database with one feed and notes on its first four articles (newest first)."""
    path = str(tmp_path / "notes.db")
    lib = Library(path)
    lib.add_feed(str(FEED))
    for a in lib.articles(limit=4):
        lib.set_note(a.id, f"first line of {a.id}\nmore of {a.id}")
    lib.close()
    return path


def test_notes_lists_every_noted_article_with_its_own_note_newest_first(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, _ = run(capsys, "--db", db, "articles", "--json")
    newest = [a["id"] for a in json.loads(out)][:4]

    code, out, _ = run(capsys, "--db", db, "notes", "--json")
    rows = json.loads(out)
    assert code == 0 and [r["id"] for r in rows] == newest
    assert all(r["note"] == f"first line of {r['id']}\nmore of {r['id']}" for r in rows)
    assert all(r["noted"] and r["note_updated"] for r in rows)

    code, out, _ = run(capsys, "--db", db, "notes")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 8
    for (heading, first), aid in zip(
        zip(lines[::2], lines[1::2], strict=True), newest, strict=True
    ):
        assert heading.split()[0] == str(aid)
        assert first.strip() == f"first line of {aid}"


def test_export_notes_query_limits_the_folder_and_the_digest(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    (row, *_) = json.loads(run(capsys, "--db", db, "notes", "--json")[1])
    run(capsys, "--db", db, "tag", str(row["id"]), "+keep")

    code, out, _ = run(
        capsys, "--db", db, "export-notes", str(tmp_path / "v"), "--query", "tag:keep"
    )
    assert code == 0 and "1 written" in out and len(list((tmp_path / "v").glob("*.md"))) == 1

    digest = tmp_path / "d.md"
    code, out, _ = run(
        capsys, "--db", db, "export-notes", "--single", str(digest), "--query", "tag:keep"
    )
    assert code == 0 and "Wrote 1 note to" in out

    code, _, err = run(
        capsys, "--db", db, "export-notes", str(tmp_path / "x"), "--query", "before:x"
    )
    assert code == 2 and err.count("\n") == 1 and "before:x" in err
    assert not (tmp_path / "x").exists()

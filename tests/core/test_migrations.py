"""Databases from every earlier schema version open with all their user data."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tui.core.library import Library
from tui.core.storage import SCHEMA_VERSION

DBS = Path(__file__).parent.parent / "fixtures" / "db"


@pytest.mark.parametrize("name", sorted(p.name for p in DBS.glob("schema-v*.db")))
def test_old_database_upgrades_with_user_data(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    shutil.copy(DBS / name, path)
    with sqlite3.connect(path) as old:
        had_rules = old.execute("SELECT 1 FROM sqlite_master WHERE name = 'rules'").fetchone()
    lib = Library(path)
    try:
        assert lib.store.schema_version == SCHEMA_VERSION
        (art,) = lib.articles()
        assert art.read and art.starred and art.has_note
        assert sorted(t.casefold() for t in art.tags) == ["gaza", "read-later"]
        version = int(name.removeprefix("schema-v").removesuffix(".db"))
        assert (
            note := lib.note(art.id)
        ) is not None and note.body == f"A note written at schema {version}."
        assert [a.id for a in lib.search("written").articles] == [art.id]  # notes stay indexed
        assert lib.find_feed("https://example.org/seed.xml").tags == ("News",)
        assert [s.name for s in lib.saved_searches()] == ["Unread news"]
        assert "Qatar" in lib.markdown(art.id)
        assert [a.id for a in lib.search("qatar").articles] == [art.id]
        if version >= 6:  # a full text: kept, shown and indexed
            full = lib.store.full_text(art.id)
            assert full is not None and full.shown and full.markdown
            assert "fulltextonlyword" in lib.markdown(art.id)
            assert [a.id for a in lib.search("fulltextonlyword").articles] == [art.id]
        if had_rules:  # a rule, and what it matched, stay
            assert [(r.name, r.matched) for r in lib.rules()] == [("Qatar", 1)]
            assert art.highlight == "yellow"
    finally:
        lib.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Schema 2 dropped the FTS prefix indexes (they slowed every refresh).
    (fts_sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'articles_fts'"
    ).fetchone()
    assert "prefix" not in fts_sql
    conn.close()


def test_there_is_a_fixture_for_every_schema_version() -> None:
    versions = {int(p.stem.split("-v")[1]) for p in DBS.glob("schema-v*.db")}
    assert versions == set(range(1, SCHEMA_VERSION + 1))

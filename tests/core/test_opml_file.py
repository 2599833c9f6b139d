"""Library.export_opml: the palette's and `export-opml FILE`'s one way to write OPML."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.errors import InputError
from tui.core.library import Library
from tui.core.opml import parse_opml


@pytest.fixture
def lib(lib: Library) -> Library:
    """The shared library with two feeds, one in a folder."""
    lib.store.add_feed("https://a.example/feed", title="A", folder="News")
    lib.store.add_feed("https://b.example/feed", title="B")
    return lib


def test_export_opml_writes_every_feed_and_says_how_many(lib: Library, tmp_path: Path) -> None:
    target = tmp_path / "subs.opml"
    target.write_text("old", encoding="utf-8")
    assert lib.export_opml(target) == 2
    entries = parse_opml(target.read_bytes(), str(target))
    assert sorted((e.url, e.folder) for e in entries) == [
        ("https://a.example/feed", "News"),
        ("https://b.example/feed", None),
    ]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_failed_write_is_one_line_and_leaves_no_temporary_file(
    lib: Library, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match=r"^.*missing/subs\.opml: cannot write \(") as exc:
        lib.export_opml(tmp_path / "missing" / "subs.opml")
    assert "\n" not in str(exc.value)

    folder = tmp_path / "taken"
    folder.mkdir()  # a folder where the file should go: the rename fails
    with pytest.raises(InputError, match="cannot write"):
        lib.export_opml(folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [lib.db_path.name, "taken", *_wal(lib.db_path)]
    )


def _wal(db: Path) -> list[str]:
    """The names of the database's WAL and shared-memory files, where they exist."""
    return [p.name for p in db.parent.iterdir() if p.name.startswith(f"{db.name}-")]

"""A database path the user gives must be in an existing folder.

Only the default locations are created on demand: ``--db /nonexistent/dir/x.db``
(a typo) is an error, not a new tree of folders with an empty database in it,
for every command and for the reader alike.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from tui.cli import main


def _reader_must_not_start(monkeypatch: pytest.MonkeyPatch) -> None:
    def run_app(*_args: object, **_kwargs: object) -> int:
        raise AssertionError("the reader started")

    monkeypatch.setattr("tui.ui.app.run_app", run_app)


@pytest.mark.parametrize("argv", [["feeds"], ["articles", "--json"], []], ids=str)
def test_db_in_a_missing_folder_is_one_line_exit_2_and_creates_nothing(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
) -> None:
    _reader_must_not_start(monkeypatch)
    missing = tmp_path / "nonexistent" / "dir"
    code = main(["--db", str(missing / "x.db"), *argv])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == f"gazette: database folder does not exist: {missing}\n"
    assert not (tmp_path / "nonexistent").exists()


def test_gazette_db_in_a_missing_folder_says_where_the_path_came_from(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reader_must_not_start(monkeypatch)
    missing = tmp_path / "typo"
    monkeypatch.setenv("GAZETTE_DB", str(missing / "g.db"))
    for argv in (["feeds"], []):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err == f"gazette: database folder does not exist: {missing} (from GAZETTE_DB)\n"
    assert not missing.exists()


def test_db_whose_folder_is_a_file_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plain = tmp_path / "plain"
    plain.write_text("not a folder")
    assert main(["--db", str(plain / "x.db"), "feeds"]) == 2
    assert capsys.readouterr().err == f"gazette: database folder is a file: {plain}\n"
    assert plain.read_text() == "not a folder"


def test_demo_with_db_in_a_missing_folder_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["--demo", "--db", str(tmp_path / "no" / "demo.db"), "feeds"]) == 2
    assert "database folder does not exist" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()


def test_the_default_location_is_still_created_on_demand(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GAZETTE_DB")
    data = tmp_path / "xdg-data" / "gazette"
    monkeypatch.setattr("tui.paths._DIRS", SimpleNamespace(user_data_dir=str(data)))
    assert main(["feeds"]) == 0
    assert (data / "gazette.db").is_file()


def test_db_in_an_existing_folder_still_works(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["--db", str(tmp_path / "new.db"), "feeds"]) == 0
    assert (tmp_path / "new.db").is_file()


def test_an_older_database_is_upgraded_once_and_says_so_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "db" / "schema-v3.db", db)
    assert main(["--db", str(db), "feeds"]) == 0
    first = capsys.readouterr().err
    assert f"gazette: upgrading {db}" in first and first.count("\n") == 1
    assert main(["--db", str(db), "feeds"]) == 0
    assert "upgrading" not in capsys.readouterr().err


def test_a_new_database_is_not_an_upgrade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(tmp_path / "new.db"), "feeds"]) == 0
    assert "upgrading" not in capsys.readouterr().err

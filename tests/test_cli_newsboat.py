"""``gazette import-newsboat``: the report, --json, --dry-run, newsboat's own places, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import run_cli as run
from newsboat_fixtures import copy_fixtures

from tui.core.importing.newsboat.sources import NewsboatFiles


@pytest.fixture
def files(tmp_path: Path) -> NewsboatFiles:
    return copy_fixtures(tmp_path / "nb")


def _args(files: NewsboatFiles) -> list[str]:
    return ["--urls", str(files.urls), "--config", str(files.config), "--cache", str(files.cache)]


def test_import_prints_the_report(
    capsys: pytest.CaptureFixture[str], db: str, files: NewsboatFiles
) -> None:
    code, out, err = run(capsys, "--db", db, "import-newsboat", *_args(files))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Imported from newsboat (")
    assert "  feeds: 3 (1 renamed, 1 hidden, in folder Hidden)" in lines
    assert "  rules: 4" in lines
    assert "Not imported (13 lines):" in lines
    assert lines[-1] == "Run `gazette refresh` to fetch what newsboat had not cached."
    code, out, _ = run(capsys, "--db", db, "feeds", "--json")
    assert sorted(f["title"] for f in json.loads(out)) == [
        "Alpha Renamed",
        "Beta Science",
        "Gamma (hidden)",
    ]


def test_dry_run_then_json(
    capsys: pytest.CaptureFixture[str], db: str, files: NewsboatFiles
) -> None:
    code, out, _ = run(capsys, "--db", db, "import-newsboat", "--dry-run", *_args(files))
    assert code == 0 and out.startswith("Would import from newsboat")
    assert "Run `gazette refresh`" not in out
    code, out, _ = run(capsys, "--db", db, "feeds", "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, "--db", db, "import-newsboat", "--json", *_args(files))
    data = json.loads(out)
    assert (code, data["dry_run"], data["feeds"], data["articles"]) == (0, False, 3, 8)
    assert data["drafts"][0] == {
        "query": "title:/^sponsored/",
        "action": "hide",
        "colour": None,
        "feed_url": None,
    }
    assert len(data["not_imported"]) == 13
    code, out, _ = run(capsys, "--db", db, "import-newsboat", "--json", *_args(files))
    again = json.loads(out)
    assert (again["feeds"], again["feeds_known"], again["articles"]) == (0, 3, 0)


def test_newsboats_own_places(
    capsys: pytest.CaptureFixture[str],
    db: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "home"
    copy_fixtures(home / ".newsboat")
    monkeypatch.setenv("HOME", str(home))
    code, out, _ = run(capsys, "--db", db, "import-newsboat", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["read_files"] == [
        str(home / ".newsboat" / name) for name in ("urls", "config", "cache.db")
    ]


def test_nothing_to_read_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "empty"))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    code, out, err = run(capsys, "--db", db, "import-newsboat")
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert err.startswith("gazette: nothing to import: ")
    assert ".config/newsboat/urls: no such file" in err


def test_lines_not_imported_do_not_fail_the_command(
    capsys: pytest.CaptureFixture[str], db: str, files: NewsboatFiles
) -> None:
    files.urls.write_text('http://example.org/a.xml "unclosed\nexec:x\n')
    code, out, _ = run(capsys, "--db", db, "import-newsboat", *_args(files))
    assert code == 0
    assert '  urls:1: http://example.org/a.xml "unclosed: a quote is not closed' in out

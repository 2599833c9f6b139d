"""``gazette account`` and ``gazette sync`` against a Google Reader server on loopback."""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import run_cli
from reader_double import ReaderDouble


@pytest.fixture
def server() -> ReaderDouble:
    double = ReaderDouble()
    double.feed(1, 4, folder="News")
    return double


@pytest.fixture
def api(server: ReaderDouble) -> Iterator[str]:
    with server.serve() as url:
        yield url


def _login(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db: str,
    api: str,
    password: str = "secret",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return run_cli(capsys, "--db", db, "account", "add", api, "--user", "me", "--password-stdin")


def test_a_wrong_password_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: str, api: str
) -> None:
    code, out, err = _login(capsys, monkeypatch, db, api, password="nope")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "wrong user name or password" in err
    assert run_cli(capsys, "--db", db, "account", "list", "--json")[1].strip() == "[]"


def test_adding_an_account_keeps_a_private_token_not_the_password(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: str, api: str
) -> None:
    code, out, _ = _login(capsys, monkeypatch, db, api)
    assert code == 0 and "Added account 127.0.0.1 (freshrss" in out
    path = Path(db)
    tokens = list((path.parent / f"{path.name}.accounts").iterdir())
    assert [t.name for t in tokens] == ["1.token"]
    assert stat.S_IMODE(tokens[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(tokens[0].parent.stat().st_mode) == 0o700
    assert b"secret" not in path.read_bytes() and "secret" not in tokens[0].read_text()


def test_sync_brings_the_feeds_in_and_sends_changes(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db: str,
    api: str,
    server: ReaderDouble,
) -> None:
    _login(capsys, monkeypatch, db, api)
    code, out, _ = run_cli(capsys, "--db", db, "sync")
    assert code == 0 and out.startswith("Synced 127.0.0.1: 4 new, 1 feed added")
    code, out, _ = run_cli(capsys, "--db", db, "feeds", "--json")
    (feed,) = json.loads(out)
    assert (feed["title"], feed["total"]) == ("Feed 1", 4)
    code, out, _ = run_cli(capsys, "--db", db, "articles", "--json")
    first = json.loads(out)[0]["id"]
    assert run_cli(capsys, "--db", db, "read", str(first))[0] == 0
    (account,) = json.loads(run_cli(capsys, "--db", db, "account", "list", "--json")[1])
    assert account["pending"] == 1 and account["feeds"] == 1
    code, out, _ = run_cli(capsys, "--db", db, "sync", "--json")
    (result,) = json.loads(out)
    assert code == 0 and (result["sent"], result["pending"], result["error"]) == (1, 0, None)
    assert sum(e.read for e in server.items.values()) == 1


def test_refresh_syncs_too_and_an_offline_server_leaves_changes_waiting(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db: str,
    api: str,
    server: ReaderDouble,
) -> None:
    _login(capsys, monkeypatch, db, api)
    code, out, _ = run_cli(capsys, "--db", db, "refresh")
    assert code == 0 and "Synced 127.0.0.1: 4 new" in out
    first = json.loads(run_cli(capsys, "--db", db, "articles", "--json")[1])[0]["id"]
    run_cli(capsys, "--db", db, "star", str(first))
    server.vanish_after = 0
    code, out, _ = run_cli(capsys, "--db", db, "sync")
    assert code == 1
    assert out.startswith("127.0.0.1: FreshRSS at 127.0.0.1") and "(1 change waiting)" in out
    server.vanish_after = None
    assert run_cli(capsys, "--db", db, "sync")[0] == 0
    assert sum(e.starred for e in server.items.values()) == 1


def test_subscribing_on_an_account_is_queued_then_sent(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db: str,
    api: str,
    server: ReaderDouble,
) -> None:
    _login(capsys, monkeypatch, db, api)
    code, out, _ = run_cli(
        capsys,
        "--db",
        db,
        "add",
        "https://new.example/feed",
        "--account",
        "127.0.0.1",
        "--folder",
        "Tech",
    )
    assert code == 0 and "Queued https://new.example/feed for 127.0.0.1" in out
    assert run_cli(capsys, "--db", db, "sync")[0] == 0
    feeds = {
        f["url"]: f["folder"] for f in json.loads(run_cli(capsys, "--db", db, "feeds", "--json")[1])
    }
    assert feeds["https://new.example/feed"] == "Tech"


def test_removing_an_account_keeps_what_you_starred_tagged_or_noted(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: str, api: str
) -> None:
    _login(capsys, monkeypatch, db, api)
    run_cli(capsys, "--db", db, "sync")
    first, second, *_ = [
        a["id"] for a in json.loads(run_cli(capsys, "--db", db, "articles", "--json")[1])
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("a note\n"))
    run_cli(capsys, "--db", db, "note", str(first), "-")
    run_cli(capsys, "--db", db, "star", str(second))
    code, out, _ = run_cli(capsys, "--db", db, "account", "remove", "127.0.0.1")
    assert code == 0 and out.startswith("Removed account 127.0.0.1: 2 articles of 1 feed")
    (feed,) = json.loads(run_cli(capsys, "--db", db, "feeds", "--json")[1])
    assert (feed["total"], feed["gone"]) == (2, True)
    kept = {a["id"] for a in json.loads(run_cli(capsys, "--db", db, "articles", "--json")[1])}
    assert kept == {first, second}
    assert json.loads(run_cli(capsys, "--db", db, "account", "list", "--json")[1]) == []


def test_the_password_can_come_from_password_command(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db: str,
    api: str,
    tmp_path: Path,
) -> None:
    config = Path(os.environ["GAZETTE_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    script = tmp_path / "pw.py"
    script.write_text(
        "import os\nprint('secret' if os.environ['GAZETTE_USER'] == 'me' else 'no')\n"
    )
    (config / "config.toml").write_text(f'[sync]\npassword_command = "{sys.executable} {script}"\n')
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = run_cli(capsys, "--db", db, "account", "add", api, "--user", "me")
    assert code == 0 and out.startswith("Added account"), err

"""The command line end to end: real subcommands over a real database and server."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from builders import run_cli as run
from feedserver import FeedServer

from tui import __version__
from tui.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
SEED = "/feeds/rss2-seed-article.xml"


def test_add_refresh_feeds_articles_show(
    capsys: pytest.CaptureFixture[str], db: str, feed_server: FeedServer
) -> None:
    code, out, _ = run(capsys, "--db", db, "add", feed_server.url(SEED), "--tag", "News")
    assert code == 0 and "Seed article feed" in out and out.endswith(": 1 article\n")

    code, out, err = run(capsys, "--db", db, "refresh")
    assert code == 0
    assert "1 not modified" in out and "0 failed" in out
    assert "not modified" in err  # progress lines when not on a terminal

    code, out, _ = run(capsys, "--db", db, "feeds", "--json")
    (feed,) = json.loads(out)
    assert {"id", "url", "title", "total", "unread", "last_status", "error"} <= set(feed)
    assert (feed["total"], feed["unread"], feed["last_status"], feed["tags"]) == (
        1,
        1,
        304,
        ["News"],
    )

    code, out, _ = run(capsys, "--db", db, "articles", "--json", "--unread")
    (art,) = json.loads(out)
    assert {"id", "feed_url", "title", "url", "author", "published", "read", "starred", "tags"} <= (
        set(art)
    )
    assert art["feed_url"] == feed_server.url(SEED)
    assert art["published"].startswith("2024-03-21")

    code, out, _ = run(capsys, "--db", db, "show", str(art["id"]))
    assert code == 0 and out.startswith("# Israel") and "Blinken" in out

    code, out, _ = run(capsys, "--db", db, "articles")
    assert "Israel" in out and "Seed article feed" in out


def test_refresh_with_a_failing_feed_exits_1_and_names_it(
    capsys: pytest.CaptureFixture[str], db: str, feed_server: FeedServer
) -> None:
    feed_server.status("/dead.xml", 404)
    assert run(capsys, "--db", db, "add", feed_server.url(SEED))[0] == 0
    from tui.core.library import Library

    lib = Library(db)
    lib.store.add_feed(feed_server.url("/dead.xml"))
    lib.close()
    code, out, _ = run(capsys, "--db", db, "refresh")
    assert code == 1
    assert f"failed: {feed_server.url('/dead.xml')}: HTTP 404" in out
    code, out, _ = run(capsys, "--db", db, "feeds")
    assert "error: HTTP 404" in out


def test_add_lists_several_feeds_and_takes_the_first_with_flag(
    capsys: pytest.CaptureFixture[str], db: str, feed_server: FeedServer
) -> None:
    feed_server.feed_page("/site/", SEED, "/feeds/atom-numist-content-xmlbase.xml")
    code, out, _ = run(capsys, "--db", db, "add", feed_server.url("/site/"))
    assert code == 2 and "offers 2 feeds" in out and "--first" in out
    code, out, _ = run(capsys, "--db", db, "add", feed_server.url("/site/"), "--first")
    assert code == 0 and "Seed article feed" in out


def test_usage_and_input_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path, feed_server: FeedServer
) -> None:
    code, _, err = run(capsys, "--db", db, "remove", "nothing-like-this")
    assert code == 2 and err.count("\n") == 1 and "no such feed" in err

    code, _, err = run(capsys, "--db", db, "import", str(FIXTURES / "opml" / "truncated.opml"))
    assert code == 2 and err.count("\n") == 1 and "truncated.opml" in err

    code, _, err = run(capsys, "--db", db, "show", "999")
    assert code == 2 and "no article with id 999" in err

    code, _, err = run(capsys, "--db", db, "add", feed_server.url("/nope.xml"))
    assert code == 2 and "404" in err and err.count("\n") == 1

    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"garbage" * 1000)
    code, _, err = run(capsys, "--db", str(corrupt), "feeds")
    assert code == 2 and str(corrupt) in err and err.count("\n") == 1

    with pytest.raises(SystemExit) as exc:
        main(["--db", db, "no-such-command"])
    assert exc.value.code == 2


def test_opml_import_export_round_trip(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "--db", db, "import", str(FIXTURES / "opml" / "nested.opml"))
    assert code == 0 and "Imported" in out
    imported = int(out.split()[1])
    code, out, _ = run(capsys, "--db", db, "import", str(FIXTURES / "opml" / "nested.opml"))
    assert f"Imported 0 feeds, skipped {imported}" in out

    target = tmp_path / "out.opml"
    assert run(capsys, "--db", db, "export-opml", str(target))[0] == 0
    other = str(tmp_path / "other.db")
    code, out, _ = run(capsys, "--db", other, "import", str(target))
    assert code == 0 and f"Imported {imported} feeds" in out
    a = json.loads(run(capsys, "--db", db, "feeds", "--json")[1])
    b = json.loads(run(capsys, "--db", other, "feeds", "--json")[1])
    key = lambda f: (f["url"], f["folder"], f["title"], f["tags"])  # noqa: E731
    assert sorted(map(key, a)) == sorted(map(key, b))
    assert any(f["folder"] and "/" in f["folder"] for f in a)  # nesting kept


def test_remove_feed(capsys: pytest.CaptureFixture[str], db: str) -> None:
    run(capsys, "--db", db, "add", str(FIXTURES / "feeds" / "rss2-seed-article.xml"))
    code, out, _ = run(capsys, "--db", db, "remove", "Seed article feed")
    assert code == 0 and "Removed Seed article feed" in out and "(1 article)" in out
    assert json.loads(run(capsys, "--db", db, "feeds", "--json")[1]) == []


def test_gazette_db_environment_variable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "env.db"
    monkeypatch.setenv("GAZETTE_DB", str(target))
    run(capsys, "add", str(FIXTURES / "feeds" / "rss2-seed-article.xml"))
    assert target.exists()


def test_installed_command_runs_as_a_process(tmp_path: Path) -> None:
    env = {**os.environ, "GAZETTE_DB": str(tmp_path / "p.db")}
    out = subprocess.run(
        [sys.executable, "-m", "tui", "--version"], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0 and out.stdout.strip() == f"gazette {__version__}"
    out = subprocess.run(
        [sys.executable, "-m", "tui", "--demo", "--db", str(tmp_path / "demo.db"), "feeds"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert "Seed article feed" in out.stdout and out.stderr == ""


def test_refresh_in_a_process_pool_from_python_m(tmp_path: Path) -> None:
    # Enough feeds to use the spawn process pool, which re-imports __main__.
    seed = (FIXTURES / "feeds" / "rss2-seed-article.xml").read_bytes()
    db = str(tmp_path / "pool.db")
    from tui.core.library import Library
    from tui.core.refresh.pool import POOL_THRESHOLD

    lib = Library(db)
    for i in range(POOL_THRESHOLD + 2):
        path = tmp_path / f"f{i}.xml"
        path.write_bytes(seed)
        lib.store.add_feed(str(path))
    lib.close()
    out = subprocess.run(
        [sys.executable, "-m", "tui", "--db", db, "refresh"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert f"{POOL_THRESHOLD + 2} new" in out.stdout and "0 failed" in out.stdout


def test_config_path_show_and_warnings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAZETTE_CONFIG_DIR", str(tmp_path / "conf"))
    code, out, _ = run(capsys, "config", "path")
    assert code == 0 and out.strip() == str(tmp_path / "conf" / "config.toml")
    code, out, _ = run(capsys, "config", "show")
    assert code == 0 and 'theme = "gazette-dark"' in out and "[refresh]" in out
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "config.toml").write_text("[refresh]\nconcurrency = 0\n")
    code, out, err = run(capsys, "config", "show")
    assert code == 2 and "refresh.concurrency: must be at least 1" in err
    assert "concurrency = 8" in out  # the default stands in for the bad value


def test_config_edit_runs_the_editor_on_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAZETTE_CONFIG_DIR", str(tmp_path / "conf"))
    script = tmp_path / "ed.sh"
    script.write_text('#!/bin/sh\necho \'theme = "paper"\' >> "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)
    assert run(capsys, "config", "edit")[0] == 0
    assert 'theme = "paper"' in run(capsys, "config", "show")[1]


def test_refresh_uses_the_configured_user_agent(
    capsys: pytest.CaptureFixture[str],
    db: str,
    tmp_path: Path,
    feed_server: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GAZETTE_CONFIG_DIR", str(tmp_path / "conf"))
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "config.toml").write_text('[refresh]\nuser_agent = "my-reader/1"\n')
    run(capsys, "--db", db, "add", feed_server.url(SEED))
    assert feed_server.last_request(SEED).headers["user-agent"] == "my-reader/1"


def test_cleanup_dry_run_and_nothing_configured(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    run(capsys, "--db", db, "add", str(FIXTURES / "feeds" / "rss2-seed-article.xml"))
    code, out, _ = run(capsys, "--db", db, "cleanup")
    assert code == 0 and "Nothing to do" in out
    code, out, _ = run(capsys, "--db", db, "cleanup", "--days", "1", "--dry-run")
    assert code == 0 and out.startswith("Would remove 0 articles")  # still unread


def _seeded(capsys: pytest.CaptureFixture[str], db: str) -> int:
    run(capsys, "--db", db, "add", str(FIXTURES / "feeds" / "rss2-seed-article.xml"))
    article_id: int = json.loads(run(capsys, "--db", db, "articles", "--json")[1])[0]["id"]
    return article_id


def test_note_from_stdin_notes_listing_and_export(
    capsys: pytest.CaptureFixture[str],
    db: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    import yaml

    aid = _seeded(capsys, db)
    monkeypatch.setattr("sys.stdin", io.StringIO("Ceasefire talks: *watch* this.\n"))
    code, out, _ = run(capsys, "--db", db, "note", str(aid), "-")
    assert code == 0 and "Saved note" in out

    (row,) = json.loads(run(capsys, "--db", db, "notes", "--json")[1])
    assert row["id"] == aid and row["note"].startswith("Ceasefire talks")
    assert "Ceasefire talks" in run(capsys, "--db", db, "notes")[1]

    target = tmp_path / "vault"
    code, out, _ = run(capsys, "--db", db, "export-notes", str(target))
    assert code == 0 and "1 written" in out
    (file,) = target.glob("*.md")
    assert file.name.startswith("2024-03-21-israel")
    front = yaml.safe_load(file.read_text().split("---")[1])
    assert front["title"].startswith("Israel") and front["feed"] == "Seed article feed"
    code, out, _ = run(capsys, "--db", db, "export-notes", str(target))
    assert "1 unchanged" in out

    digest = tmp_path / "digest.md"
    code, out, _ = run(capsys, "--db", db, "export-notes", "--single", str(digest))
    assert code == 0 and "Wrote 1 note to" in out and "Ceasefire talks" in digest.read_text()

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert "Note deleted" in run(capsys, "--db", db, "note", str(aid), "-")[1]
    assert json.loads(run(capsys, "--db", db, "notes", "--json")[1]) == []
    assert file.exists()  # deleting a note never deletes its file


def test_note_in_editor(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    aid = _seeded(capsys, db)
    script = tmp_path / "ed.sh"
    script.write_text('#!/bin/sh\nprintf "from the editor\\n" >> "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)
    assert run(capsys, "--db", db, "note", str(aid))[0] == 0
    (row,) = json.loads(run(capsys, "--db", db, "notes", "--json")[1])
    assert row["note"] == "from the editor\n"
    monkeypatch.setenv("EDITOR", "false")
    code, _, err = run(capsys, "--db", db, "note", str(aid))
    assert code == 2 and "note unchanged" in err


def test_tag_tags_and_search(
    capsys: pytest.CaptureFixture[str], db: str, feed_server: FeedServer
) -> None:
    run(capsys, "--db", db, "add", feed_server.url("/feeds/atom-numist-content-xmlbase.xml"))
    aid = _seeded(capsys, db)
    code, out, _ = run(capsys, "--db", db, "tag", str(aid), "+Read-Later", "+gaza")
    assert code == 0 and out.strip() == f"{aid}: gaza, Read-Later"
    code, out, _ = run(capsys, "--db", db, "tag", str(aid), "-gaza", "+read-later")
    assert out.strip() == f"{aid}: Read-Later"  # case-insensitive, first spelling kept
    (tag,) = json.loads(run(capsys, "--db", db, "tags", "--json")[1])
    assert tag == {"name": "Read-Later", "articles": 1, "unread": 1, "feeds": 0}
    hostile = ['"', "\x1b]0;PWNED\x07t\x00", "x" * 10_000]
    code, out, err = run(capsys, "--db", db, "tag", str(aid), *hostile)
    assert code == 0 and err == ""
    assert out.strip() == f'{aid}: ", Read-Later, t, {"x" * 64}'
    run(capsys, "--db", db, "tag", str(aid), '-", -t', "-" + "x" * 64)
    # The one tag grammar: a bare name adds, one argument may hold several changes.
    code, out, _ = run(capsys, "--db", db, "tag", str(aid), "later", "-read-later, +Gaza")
    assert code == 0 and out.strip() == f"{aid}: Gaza, later"
    code, out, _ = run(capsys, "--db", db, "tag", str(aid), "-later", "-gaza", "Read-Later")
    assert code == 0 and out.strip() == f"{aid}: Read-Later"
    for nothing in ([], ["+"], ["-", ",", " , "]):
        code, out, err = run(capsys, "--db", db, "tag", str(aid), *nothing)
        assert code == 2 and out == "" and err.count("\n") == 1 and "+name or -name" in err

    code, out, _ = run(capsys, "--db", db, "search", "ceasefire", "--json")
    hits = json.loads(out)
    assert code == 0 and [h["id"] for h in hits] == [aid] and hits[0]["tags"] == ["Read-Later"]
    code, out, _ = run(capsys, "--db", db, "search", "tag:read-later is:unread")
    assert "Israel" in out
    for query in ['"foo', "c++", "-", "AND", "*", "NEAR(", "tag:", "x" * 10_000]:
        code, out, err = run(capsys, "--db", db, "search", query)
        assert code in (0, 2) and "Traceback" not in err and err.count("\n") <= 1

    export = Path(db).parent / "q"
    code, out, _ = run(capsys, "--db", db, "export-notes", str(export), "--query", "tag:nothing")
    assert code == 0 and "0 written" in out


@pytest.mark.hostile
@pytest.mark.parametrize(
    "argv",
    [
        ["articles", "--limit", "99999999999999999999"],
        ["articles", "--limit", "-5"],
        ["show", "99999999999999999999999"],
        ["show", "abc"],
        ["cleanup", "--days", "-1"],
    ],
)
def test_absurd_numbers_are_usage_errors(
    capsys: pytest.CaptureFixture[str], db: str, argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--db", db, *argv])
    assert exc.value.code == 2
    assert "unexpected error" not in capsys.readouterr().err


@pytest.mark.hostile
def test_empty_db_path_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", "", "feeds")
    assert code == 2 and "--db" in err


@pytest.mark.hostile
def test_non_utf8_note_on_stdin_is_kept_readable(
    capsys: pytest.CaptureFixture[str], db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    aid = _seeded(capsys, db)
    fake = io.TextIOWrapper(io.BytesIO(b"caf\xe9 ok\n"), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", fake)
    assert run(capsys, "--db", db, "note", str(aid), "-")[0] == 0
    (row,) = json.loads(run(capsys, "--db", db, "notes", "--json")[1])
    assert row["note"] == "caf\ufffd ok\n"


@pytest.mark.hostile
def test_human_output_never_carries_terminal_sequences(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    evil = "&#27;]0;PWNED&#7;Evil &#27;[31mred&#155;2J &#8238;txet"
    feed = tmp_path / "evil.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel>'
        f"<title>{evil}</title><item><title>{evil}</title><guid>1</guid>"
        f"<author>a@b.c ({evil})</author><description>{evil}</description>"
        '<enclosure url="https://e.example/a.mp3&#155;2J" type="audio/mpeg"/>'
        "</item></channel></rss>",
        encoding="utf-8",
    )
    outputs = [run(capsys, "--db", db, "add", str(feed))]
    aid = json.loads(run(capsys, "--db", db, "articles", "--json")[1])[0]["id"]
    for argv in (["feeds"], ["articles"], ["show", str(aid)], ["search", "evil"], ["refresh"]):
        outputs.append(run(capsys, "--db", db, *argv))
    for code, out, err in outputs:
        assert code == 0
        for stream in (out, err):
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", stream), stream
            assert "PWNED" not in stream


# -- folders ------------------------------------------------------------------


def _folders(capsys: pytest.CaptureFixture[str], db: str) -> dict[str, str | None]:
    feeds = json.loads(run(capsys, "--db", db, "feeds", "--json")[1])
    return {f["title"]: f["folder"] for f in feeds}


def test_add_with_a_folder(capsys: pytest.CaptureFixture[str], db: str) -> None:
    seed = str(FIXTURES / "feeds" / "rss2-seed-article.xml")
    code, out, _ = run(capsys, "--db", db, "add", seed, "--folder", " /Tech //Rust/ ")
    assert code == 0 and "Seed article feed" in out
    other = str(FIXTURES / "feeds" / "atom-heise-developer.xml")
    assert run(capsys, "--db", db, "add", other, "--folder", "TECH")[0] == 0
    folders = _folders(capsys, db)
    assert folders["Seed article feed"] == "Tech/Rust"
    assert sorted(folders.values(), key=str) == [
        "Tech",
        "Tech/Rust",
    ]  # one spelling: the existing one


def test_add_refuses_a_folder_with_control_characters_before_fetching(
    capsys: pytest.CaptureFixture[str], db: str, feed_server: FeedServer
) -> None:
    code, out, err = run(capsys, "--db", db, "add", feed_server.url(SEED), "--folder", "a\x1b[2Jb")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "control characters are not allowed" in err and "\x1b" not in err
    assert feed_server.hits(SEED) == 0
    assert _folders(capsys, db) == {}


def test_move_files_a_feed_by_id_url_or_title(capsys: pytest.CaptureFixture[str], db: str) -> None:
    seed = str(FIXTURES / "feeds" / "rss2-seed-article.xml")
    run(capsys, "--db", db, "add", seed, "--folder", "News")
    feed_id = json.loads(run(capsys, "--db", db, "feeds", "--json")[1])[0]["id"]

    code, out, err = run(capsys, "--db", db, "move", str(feed_id), "Tech/ Rust")
    assert (code, err) == (0, "")
    assert out == f"Moved Seed article feed (id {feed_id}) to Tech/Rust\n"
    code, out, _ = run(capsys, "--db", db, "move", "seed article feed", "Tech/Rust")
    assert out == f"Seed article feed (id {feed_id}) is already in Tech/Rust\n"
    code, out, _ = run(capsys, "--db", db, "move", seed, "tech/rust")  # its own folder: respelled
    assert out == f"Moved Seed article feed (id {feed_id}) to tech/rust\n"
    code, out, _ = run(capsys, "--db", db, "move", seed, "")
    assert (code, out) == (0, f"Moved Seed article feed (id {feed_id}) out of tech/rust\n")
    assert _folders(capsys, db) == {"Seed article feed": None}


def test_move_errors_exit_2_with_one_line(capsys: pytest.CaptureFixture[str], db: str) -> None:
    run(capsys, "--db", db, "add", str(FIXTURES / "feeds" / "rss2-seed-article.xml"))
    code, out, err = run(capsys, "--db", db, "move", "no-such-feed", "Tech")
    assert code == 2 and out == "" and err.count("\n") == 1 and "no such feed" in err
    code, out, err = run(capsys, "--db", db, "move", "Seed article feed", "Te\u202ech")
    assert code == 2 and out == "" and err.count("\n") == 1 and "U+202E" in err
    assert "\u202e" not in err
    assert _folders(capsys, db) == {"Seed article feed": None}

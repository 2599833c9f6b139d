"""Command-line wording: counts agree with their nouns, and count tables have headers."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from builders import run_cli as run

from tui.core.wording import plural

SEED = Path(__file__).parent / "fixtures" / "feeds" / "rss2-seed-article.xml"


def test_plural_says_one_in_the_singular_and_the_rest_in_the_plural() -> None:
    assert [plural(n, "article") for n in (0, 1, 2)] == ["0 articles", "1 article", "2 articles"]
    assert plural(1, "new article") == "1 new article"
    assert plural(3, "entry", "entries") == "3 entries"
    assert plural(1, "entry", "entries") == "1 entry"


def test_single_counts_are_singular_in_every_command(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(capsys, "--db", db, "add", str(SEED))
    assert code == 0 and out.endswith("): 1 article\n")

    code, out, _ = run(capsys, "--db", db, "refresh")
    assert out.startswith("Refreshed 1 feed: ")

    opml = tmp_path / "one.opml"
    code, out, _ = run(capsys, "--db", db, "export-opml", str(opml))
    assert out == f"Wrote 1 feed to {opml}\n"
    code, out, _ = run(capsys, "--db", str(tmp_path / "other.db"), "import", str(opml))
    assert out.startswith("Imported 1 feed, skipped 0 already subscribed\n")

    aid = json.loads(run(capsys, "--db", db, "articles", "--json")[1])[0]["id"]
    monkeypatch.setattr("sys.stdin", io.StringIO("a note\n"))
    run(capsys, "--db", db, "note", str(aid), "-")
    digest = tmp_path / "digest.md"
    code, out, _ = run(capsys, "--db", db, "export-notes", "--single", str(digest))
    assert out == f"Wrote 1 note to {digest}\n"

    code, out, _ = run(capsys, "--db", db, "cleanup", "--days", "1", "--dry-run")
    assert "older than 1 day;" in out and "1 days" not in out

    code, out, _ = run(capsys, "--db", db, "remove", "Seed article feed")
    assert out.endswith("(1 article, 1 note)\n")


def test_tags_and_feeds_print_a_header_over_their_counts(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    run(capsys, "--db", db, "add", str(SEED))
    aid = json.loads(run(capsys, "--db", db, "articles", "--json")[1])[0]["id"]
    run(capsys, "--db", db, "tag", str(aid), "+later")

    header, row = run(capsys, "--db", db, "tags")[1].splitlines()
    assert header.split() == ["UNREAD/TOTAL", "TAG"]
    assert row.split() == ["1/1", "later"]
    assert row.index("/") == header.index("/")  # the counts sit under their header
    assert row.index("later") == header.index("TAG")

    header, row = run(capsys, "--db", db, "feeds")[1].splitlines()
    assert header.split() == ["ID", "UNREAD/TOTAL", "FEED"]
    assert row.index("/") == header.index("/")
    assert row.index("Seed article feed") == header.index("FEED")


def test_empty_lists_say_so_without_a_header(capsys: pytest.CaptureFixture[str], db: str) -> None:
    assert run(capsys, "--db", db, "tags")[1].startswith("No tags yet.")
    assert run(capsys, "--db", db, "feeds")[1].startswith("No feeds yet.")

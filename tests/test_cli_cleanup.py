"""`gazette cleanup --dry-run` lists what it would remove, not only how many."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import rss_feed, rss_item
from builders import run_cli as run

from tui.core.library import Library


@pytest.fixture
def db(tmp_path: Path) -> str:
    """One feed "Daily" with four read articles (one starred) and one unread."""
    items = (
        rss_item(f"g{i}", f"Story {i}", date=f"0{i} Jun 2026 10:00:00 GMT") for i in range(1, 6)
    )
    feed = tmp_path / "daily.xml"
    feed.write_text(rss_feed(*items, title="Daily", link=None), encoding="utf-8")
    path = str(tmp_path / "c.db")
    lib = Library(path)
    lib.add_feed(str(feed))
    by_title = {a.title: a.id for a in lib.articles()}
    lib.set_read([by_title[f"Story {i}"] for i in (1, 2, 3, 5)])
    lib.set_starred([by_title["Story 1"]])
    lib.close()
    return path


def titles(db: str) -> list[str]:
    lib = Library(db)
    try:
        return [a.title for a in lib.articles()]
    finally:
        lib.close()


def test_dry_run_lists_title_feed_and_date_then_the_count(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, _ = run(capsys, "--db", db, "cleanup", "--max-per-feed", "1", "--dry-run")
    assert code == 0
    *rows, summary = out.splitlines()
    # Story 5 is the newest (kept by the maximum), 4 is unread, 1 is starred.
    assert [row.split(maxsplit=1)[1] for row in rows] == [
        "2026-06-03 10:00  Story 3  [Daily]",
        "2026-06-02 10:00  Story 2  [Daily]",
    ]
    assert summary.startswith("Would remove 2 articles (read and beyond the newest 1 ")
    assert len(titles(db)) == 5  # nothing removed


def test_dry_run_json_is_a_list_of_article_objects(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, _ = run(capsys, "--db", db, "cleanup", "--max-per-feed", "1", "--dry-run", "--json")
    rows = json.loads(out)
    assert code == 0 and [(r["title"], r["feed_title"]) for r in rows] == [
        ("Story 3", "Daily"),
        ("Story 2", "Daily"),
    ]
    assert rows[0]["published"].startswith("2026-06-03") and rows[0]["read"] is True
    assert len(titles(db)) == 5


def test_cleanup_json_lists_what_it_removed(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = run(capsys, "--db", db, "cleanup", "--max-per-feed", "1", "--json")
    assert code == 0 and [r["title"] for r in json.loads(out)] == ["Story 3", "Story 2"]
    assert sorted(titles(db)) == ["Story 1", "Story 4", "Story 5"]


def test_cleanup_without_rules_keeps_json_parseable(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, err = run(capsys, "--db", db, "cleanup", "--dry-run", "--json")
    assert code == 0 and json.loads(out) == [] and "Nothing to do" in err

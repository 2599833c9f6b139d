"""`gazette read|unread|star|unstar`: article state from the command line.

By id or by every match of a search; what changed is printed (as JSON with
--json); unknown ids are one line each on stderr with exit 2, and the other
articles are still changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import rss_feed, rss_item
from builders import run_cli as run

from tui.cli import main
from tui.core.library import Library


def _feed(path: Path, titles: list[str]) -> Path:
    items = (
        rss_item(
            f"g{i}",
            t,
            link=f"https://e.example/{i}",
            date=f"{i % 28 + 1:02d} Jun 2026 10:{i % 60:02d}:00 GMT",
        )
        for i, t in enumerate(titles)
    )
    path.write_text(rss_feed(*items, title="F", link=None), encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A database with articles titled alpha one, alpha two, beta."""
    path = str(tmp_path / "state.db")
    lib = Library(path)
    lib.add_feed(str(_feed(tmp_path / "f.xml", ["alpha one", "alpha two", "beta"])))
    lib.close()
    return path


def ids(db: str) -> dict[str, int]:
    lib = Library(db)
    try:
        return {a.title: a.id for a in lib.articles()}
    finally:
        lib.close()


def state(db: str) -> dict[str, tuple[bool, bool]]:
    """title -> (read, starred)"""
    lib = Library(db)
    try:
        return {a.title: (a.read, a.starred) for a in lib.articles()}
    finally:
        lib.close()


def test_read_and_unread_by_id_print_what_changed(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    a = ids(db)
    one, two = a["alpha one"], a["alpha two"]
    code, out, err = run(capsys, "--db", db, "read", str(one), str(two))
    assert code == 0 and err == ""
    assert out == f"{one}: read\n{two}: read\n2 articles marked read\n"
    assert state(db)["alpha one"] == (True, False) and state(db)["beta"] == (False, False)

    code, out, _ = run(capsys, "--db", db, "read", str(one))
    assert out == "0 articles marked read, 1 already read\n"

    code, out, _ = run(capsys, "--db", db, "unread", str(two), "--json")
    assert code == 0 and json.loads(out) == [{"id": two, "read": False}]
    assert state(db)["alpha two"] == (False, False)


def test_star_and_unstar_with_json(capsys: pytest.CaptureFixture[str], db: str) -> None:
    beta = ids(db)["beta"]
    code, out, _ = run(capsys, "--db", db, "star", str(beta), "--json")
    assert code == 0 and json.loads(out) == [{"id": beta, "starred": True}]
    assert state(db)["beta"] == (False, True)
    code, out, _ = run(capsys, "--db", db, "unstar", str(beta))
    assert out == f"{beta}: not starred\n1 article unstarred\n"
    assert state(db)["beta"] == (False, False)


def test_query_changes_every_match(capsys: pytest.CaptureFixture[str], db: str) -> None:
    a = ids(db)
    code, out, _ = run(capsys, "--db", db, "read", "--query", "alpha", "--json")
    assert code == 0
    assert sorted(row["id"] for row in json.loads(out)) == sorted([a["alpha one"], a["alpha two"]])
    assert state(db)["beta"] == (False, False)


def test_query_reaches_beyond_the_first_page_of_results(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Sixty matches: more than one page of `gazette search` (50 by default)."""
    db = str(tmp_path / "big.db")
    lib = Library(db)
    lib.add_feed(str(_feed(tmp_path / "big.xml", [f"delta {i}" for i in range(60)])))
    lib.close()
    code, out, _ = run(capsys, "--db", db, "read", "--query", "delta", "--json")
    assert code == 0 and len(json.loads(out)) == 60
    assert all(read for read, _s in state(db).values())


def test_unknown_ids_are_reported_and_the_rest_applied(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    beta = ids(db)["beta"]
    code, out, err = run(capsys, "--db", db, "star", "999", str(beta), "998")
    assert code == 2
    assert err == "gazette: no article with id 999\ngazette: no article with id 998\n"
    assert out == f"{beta}: starred\n1 article starred\n"
    assert state(db)["beta"] == (False, True)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["read"], "read: give article ids (or --query QUERY)"),
        (["unstar", "1", "--query", "x"], "unstar: give article ids or --query, not both"),
        (["read", "--query", "tag:"], "search 'tag:'"),
    ],
)
def test_usage_errors_are_one_line_and_change_nothing(
    capsys: pytest.CaptureFixture[str], db: str, argv: list[str], message: str
) -> None:
    before = state(db)
    code, out, err = run(capsys, "--db", db, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err
    assert state(db) == before


def test_ids_that_are_not_numbers_are_usage_errors(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--db", db, "read", "abc"])
    assert exc.value.code == 2
    assert "not an article id" in capsys.readouterr().err


def test_library_set_read_reports_changed_unchanged_and_missing(db: str) -> None:
    a = ids(db)
    lib = Library(db)
    try:
        first = lib.set_read([a["beta"], 12345, a["alpha one"], a["beta"]])
        assert first.changed == (a["beta"], a["alpha one"])  # each once, in the order given
        assert (first.unchanged, first.missing) == ((), (12345,))
        again = lib.set_read([a["beta"]], True)
        assert (again.changed, again.unchanged) == ((), (a["beta"],))
        starred = lib.set_starred([a["alpha two"]])
        assert starred.changed == (a["alpha two"],) and lib.article(a["alpha two"]).starred
    finally:
        lib.close()

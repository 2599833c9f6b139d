"""`gazette rule ...` and `gazette rules ...`: each verb, the dry run, the TOML
round trip and bad input (one line, exit 2, nothing stored)."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest
from builders import entry, parsed_feed, run_cli

from tui.cli.ruleparser import COLORS
from tui.core.rules import HIGHLIGHT_COLORS
from tui.core.storage import Store

NOW = 1_800_000_000
item = partial(entry, published=NOW - 100)


@pytest.fixture
def db(db: str) -> str:
    store = Store(db)
    feed_id = store.add_feed("https://a.example/rss")
    titles = ("python one", "python two", "rust one", "other")
    store.store_entries(feed_id, parsed_feed(*(item(t, t) for t in titles)), now=NOW)
    store.close()
    return db


def _rules(capsys: pytest.CaptureFixture[str], db: str) -> list[dict]:  # type: ignore[type-arg]
    code, out, _ = run_cli(capsys, "--db", db, "rule", "list", "--json")
    assert code == 0
    return json.loads(out)  # type: ignore[no-any-return]


def _titles(capsys: pytest.CaptureFixture[str], db: str) -> list[str]:
    code, out, _ = run_cli(capsys, "--db", db, "articles", "--json")
    assert code == 0
    return sorted(a["title"] for a in json.loads(out))


def test_the_colours_the_parser_offers_are_the_cores() -> None:
    assert COLORS == HIGHLIGHT_COLORS


def test_add_list_apply_and_remove(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = run_cli(
        capsys, "--db", db, "rule", "add", "python", "--hide", "--tag", "py", "--name", "Snakes"
    )
    assert code == 0, err
    assert out.startswith("Added rule 1:") and "hide, tag py" in out
    code, out, _ = run_cli(capsys, "--db", db, "rule", "list")
    assert code == 0 and "Snakes: python" in out and "(0 hidden)" in out
    code, out, _ = run_cli(capsys, "--db", db, "rules", "apply", "--dry-run")
    assert code == 0
    assert "rule 1 (Snakes): 2 matched, 2 hidden, 2 tagged py" in out
    assert "python one" in out and "2 articles would change" in out
    assert len(_titles(capsys, db)) == 4  # a dry run writes nothing
    code, out, _ = run_cli(capsys, "--db", db, "rules", "apply", "--json")
    report = json.loads(out)
    assert code == 0 and not report["dry_run"] and report["changed"] == 2
    assert report["rules"][0]["hidden"] == 2 and report["rules"][0]["tagged"] == {"py": 2}
    assert _titles(capsys, db) == ["other", "rust one"]
    assert _rules(capsys, db)[0]["hidden"] == 2
    code, out, _ = run_cli(capsys, "--db", db, "rule", "remove", "1")
    assert code == 0 and "2 hidden articles shown again" in out
    assert len(_titles(capsys, db)) == 4 and _rules(capsys, db) == []


def test_edit_enable_disable(capsys: pytest.CaptureFixture[str], db: str) -> None:
    assert run_cli(capsys, "--db", db, "rule", "add", "python", "--hide")[0] == 0
    assert run_cli(capsys, "--db", db, "rules", "apply")[0] == 0
    code, out, _ = run_cli(capsys, "--db", db, "rule", "disable", "1")
    assert code == 0 and out.startswith("Disabled rule 1: off")
    assert len(_titles(capsys, db)) == 4
    assert run_cli(capsys, "--db", db, "rule", "enable", "1")[0] == 0
    assert len(_titles(capsys, db)) == 2
    code, out, err = run_cli(
        capsys,
        "--db", db, "rule", "edit", "1", "--query", "rust", "--mark-read",
        "--highlight", "green", "--feed", "https://a.example/rss", "--json",
    )  # fmt: skip
    assert code == 0, err
    edited = json.loads(out)
    assert (edited["query"], edited["actions"]) == ("rust", ["mark read", "highlight green"])
    assert edited["feed_id"] == 1 and edited["matched"] == 0
    assert run_cli(capsys, "--db", db, "rules", "apply", "1")[0] == 0
    code, out, _ = run_cli(capsys, "--db", db, "articles", "--json")
    rust = next(a for a in json.loads(out) if a["title"] == "rust one")
    assert rust["read"] is True and rust["highlight"] == "green"
    code, out, _ = run_cli(capsys, "--db", db, "rule", "edit", "1", "--all-feeds", "--json")
    assert code == 0 and json.loads(out)["feed_id"] is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("rule", "add", "is:bogus", "--hide"), "is:bogus is unknown"),
        (("rule", "add", "python"), "say what the rule does"),
        (("rule", "add", "python", "--highlight", "pink"), "not a colour"),
        (("rule", "add", "python", "--hide", "--feed", "nowhere"), "no such feed"),
        (("rule", "remove", "7"), "no rule with id 7"),
        (("rule", "edit", "7", "--star"), "no rule with id 7"),
        (("rules", "apply", "7"), "no rule with id 7"),
    ],
)
def test_bad_input_is_one_line_and_nothing_is_stored(
    capsys: pytest.CaptureFixture[str], db: str, argv: tuple[str, ...], message: str
) -> None:
    code, out, err = run_cli(capsys, "--db", db, *argv)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1
    assert _rules(capsys, db) == []


def test_a_rule_id_must_be_a_number(capsys: pytest.CaptureFixture[str], db: str) -> None:
    with pytest.raises(SystemExit) as caught:
        run_cli(capsys, "--db", db, "rule", "remove", "x")
    assert caught.value.code == 2 and "not a rule id" in capsys.readouterr().err


def test_export_import_round_trip(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    run_cli(capsys, "--db", db, "rule", "add", 'say "hi"', "--star", "--tag", "a b")
    run_cli(capsys, "--db", db, "rule", "add", "python", "--hide", "--feed", "1", "--name", "N")
    path = tmp_path / "rules.toml"
    code, out, _ = run_cli(capsys, "--db", db, "rules", "export", str(path))
    assert code == 0 and "Wrote 2 rules" in out
    other = str(tmp_path / "other.db")
    Store(other).add_feed("https://a.example/rss")
    code, out, err = run_cli(capsys, "--db", other, "rules", "import", str(path))
    assert code == 0, err
    assert "Imported 2 rules" in out

    def shape(rules: list[dict]) -> list[tuple]:  # type: ignore[type-arg]
        return [(r["query"], r["actions"], r["name"], r["feed_id"]) for r in rules]

    assert shape(_rules(capsys, other)) == shape(_rules(capsys, db))
    code, out, _ = run_cli(capsys, "--db", other, "rules", "import", str(path), "--json")
    assert code == 0 and json.loads(out) == {"added": [], "skipped": 2}


def test_a_broken_file_names_the_line_and_imports_nothing(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[[rule]]\nquery = "python"\nhide = true\n\n[[rule]]\nquery = "x\n')
    code, out, err = run_cli(capsys, "--db", db, "rules", "import", str(path))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert str(path) in err and "line 6" in err
    code, _, err = run_cli(capsys, "--db", db, "rules", "import", str(tmp_path / "none.toml"))
    assert code == 2 and "cannot read" in err
    assert _rules(capsys, db) == []


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        ('[[rule]]\nquery = "python"\nhide = true\nfeed = ""\n', "feed is empty"),
    ],
)
def test_a_hostile_or_empty_value_in_the_file_is_one_line(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path, text: str, said: str
) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    code, out, err = run_cli(capsys, "--db", db, "rules", "import", str(path))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert str(path) in err and said in err
    assert _rules(capsys, db) == []


def test_articles_json_names_the_other_feeds_of_a_story(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    """Duplicate stories: one row, its ``also_in`` the other feeds carrying it."""
    store = Store(db)
    first = store.add_feed("https://b.example/rss")
    second = store.add_feed("https://c.example/rss")
    story = "https://news.example/story"
    store.store_entries(first, parsed_feed(item("s1", "Story", url=story), title="Bee"), now=NOW)
    store.store_entries(
        second,
        parsed_feed(item("s2", "Story", url=story + "?utm_source=feed"), title="Sea"),
        now=NOW,
    )
    store.close()
    code, out, _ = run_cli(capsys, "--db", db, "articles", "--json")
    rows = [a for a in json.loads(out) if a["title"] == "Story"]
    assert code == 0 and [(a["feed_title"], a["also_in"]) for a in rows] == [("Bee", ["Sea"])]
    assert all(a["also_in"] == [] for a in json.loads(out) if a["title"] != "Story")

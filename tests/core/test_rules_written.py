"""Rules at a write run together (``tui.core.storage.rules_written``): a few
statements for all of them, yet the same outcome as running them one at a
time, in order, each seeing what the ones before it did."""

from __future__ import annotations

import random
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from builders import entry, parsed_feed

from tui.core.models import View
from tui.core.query.sql import Compiled
from tui.core.rules import Rule, rule_actions
from tui.core.storage import Store, rules
from tui.core.storage.rules_written import reads_state, stages

NOW = 1_800_000_000
item = partial(entry, published=NOW - 100)

WORDS = ("python", "rust", "java", "spoiler", "release", "pythonic")
AUTHORS = ("Ann Lee", "Bob", None)
QUERIES = (
    "python",
    "rust OR java",
    "python -rust",
    "pyth*",
    '"python rust"',
    "in:title spoiler",
    "title:/ja/",
    "author:ann",
    "feed:a.example",
    "is:unread",
    "is:read",
    "is:starred",
    "is:tagged",
    "tag:one",
    "tag:two python",
)
ACTIONS: tuple[dict[str, Any], ...] = (
    {"hide": True},
    {"mark_read": True},
    {"star": True},
    {"tags": ["one"]},
    {"tags": ["two", "one"]},
    {"highlight": "red"},
    {"mark_read": True, "tags": ["two"]},
    {"hide": True, "star": True},
)


def _state(store: Store) -> tuple[object, ...]:
    """What a rule can change, by article title (ids may differ).  Not the
    tags table: applying to what is stored makes a rule's tags even when it
    matches nothing, a write only when it acts."""
    conn = store.conn
    return (
        sorted(conn.execute("SELECT title, read, starred FROM articles")),
        sorted(
            conn.execute(
                "SELECT a.title, t.name FROM article_tags at JOIN articles a "
                "ON a.id = at.article_id JOIN tags t ON t.id = at.tag_id"
            )
        ),
        sorted(
            conn.execute(
                "SELECT a.title, h.rule_id FROM rule_hits h JOIN articles a ON a.id = h.article_id"
            )
        ),
    )


@pytest.mark.parametrize("seed", range(40))
def test_rules_at_a_write_act_as_one_at_a_time_in_order(tmp_path: Path, seed: int) -> None:
    rnd = random.Random(seed)
    chosen = [(rnd.choice(QUERIES), rnd.choice(ACTIONS)) for _ in range(rnd.randint(1, 8))]
    entries = parsed_feed(
        *(
            item(
                f"k{i}",
                " ".join(rnd.sample(WORDS, rnd.randint(1, 3))) + f" {i}",
                author=rnd.choice(AUTHORS),
            )
            for i in range(rnd.randint(1, 12))
        )
    )
    written, applied = Store(tmp_path / "written.db"), Store(tmp_path / "applied.db")
    try:
        # Together, inside the write; and one at a time in order on what is stored.
        for query, actions in chosen:
            written.add_rule(query, rule_actions(**actions), now=NOW)
        written.store_entries(written.add_feed("https://a.example/rss"), entries, now=NOW)
        applied.store_entries(applied.add_feed("https://a.example/rss"), entries, now=NOW)
        for query, actions in chosen:
            applied.add_rule(query, rule_actions(**actions), now=NOW)
        applied.apply_rules(None, now=NOW)
        assert _state(written) == _state(applied), chosen
    finally:
        written.close()
        applied.close()


def test_a_rule_reading_state_sees_what_the_rules_before_it_did(store: Store) -> None:
    store.add_rule("python", rule_actions(mark_read=True), now=NOW)
    store.add_rule("is:unread", rule_actions(tags=["fresh"]), now=NOW)
    store.add_rule("tag:fresh", rule_actions(hide=True), now=NOW)
    store.add_rule("rust", rule_actions(star=True), now=NOW)
    feed_id = store.add_feed("https://a.example/rss")
    store.store_entries(feed_id, parsed_feed(item("1", "python"), item("2", "rust")), now=NOW)
    assert [(a.title, a.read, a.starred) for a in store.articles(View())] == [
        ("python", True, False)
    ]
    assert [(a.title, a.starred) for a in store.articles(View(hidden=True))] == [("rust", True)]


def test_two_rules_making_the_same_new_tag_in_a_write_without_tags(store: Store) -> None:
    # Each rule once made the tag afresh when no tag existed at all: the
    # second failed on the unique name and the whole write was undone.
    store.add_rule("python", rule_actions(tags=["news"]), now=NOW)
    store.add_rule("rust", rule_actions(tags=["news"]), now=NOW)
    feed_id = store.add_feed("https://a.example/rss")
    store.store_entries(feed_id, parsed_feed(item("1", "python"), item("2", "rust")), now=NOW)
    tagged = "SELECT t.name, count(*) FROM article_tags a JOIN tags t ON t.id = a.tag_id"
    assert store.conn.execute(tagged).fetchall() == [("news", 2)]


def test_a_rule_whose_statement_fails_is_skipped_and_the_others_act(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom() -> int:
        raise ValueError("no")

    store.conn.create_function("boom", 0, boom)
    planned = rules._plan

    def plan(rule: Rule, now: int) -> Compiled | None:
        if rule.actions.mark_read:  # this rule's statement fails when it runs
            return Compiled("boom() = 1", [], None)
        return planned(rule, now)

    monkeypatch.setattr(rules, "_plan", plan)
    store.add_rule("python", rule_actions(star=True), now=NOW)
    store.add_rule("rust", rule_actions(mark_read=True), now=NOW)
    store.add_rule("rust", rule_actions(tags=["r"]), now=NOW)
    feed_id = store.add_feed("https://a.example/rss")
    store.store_entries(feed_id, parsed_feed(item("1", "python rust")), now=NOW)
    [article] = store.articles(View())
    assert (article.starred, article.read) == (True, False)
    assert store.conn.execute("SELECT count(*) FROM article_tags").fetchone()[0] == 1


def test_rules_reading_state_start_a_stage_of_their_own() -> None:
    def plan(where: str) -> tuple[Rule, Compiled]:
        rule = Rule(
            id=len(where),
            query=where,
            actions=rule_actions(hide=True),
            feed_id=None,
            feed_title=None,
            name=None,
            enabled=True,
            created=NOW,
        )
        return rule, Compiled(where, [], None)

    a, b, unread, c, tagged, d = (
        plan(w)
        for w in (
            "1",
            "title = ?",
            "+id IN (SELECT id FROM articles WHERE read = 0)",
            "url = ?",
            "+id IN (SELECT article_id FROM article_tags)",
            "author = ?",
        )
    )
    assert reads_state(unread[1]) and reads_state(tagged[1]) and not reads_state(a[1])
    assert list(stages([a, b, unread, c, tagged, d])) == [[a, b], [unread], [c], [tagged], [d]]

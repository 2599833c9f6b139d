"""Rules in the store and the Library: storing, applying set-based, hiding
(never deleting), highlighting, the Hidden view, counts and the TOML file."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from builders import entry, parsed_feed

from tui.core.errors import InputError, NotFound
from tui.core.library import Library
from tui.core.models import Article, View
from tui.core.rules import HIGHLIGHT_COLORS, Rule, RuleActions, rule_actions
from tui.core.storage import SCHEMA_VERSION, Store

NOW = 1_800_000_000
item = partial(entry, published=NOW - 100)


def _feed(store: Store, url: str = "https://a.example/rss", *titles: str) -> int:
    feed_id = store.add_feed(url)
    store.store_entries(
        feed_id, parsed_feed(*(item(f"{url}-{i}", t) for i, t in enumerate(titles))), now=NOW
    )
    return feed_id


def _ids(store: Store, *titles: str) -> list[int]:
    marks = ",".join("?" * len(titles))
    rows = store.conn.execute(f"SELECT id FROM articles WHERE title IN ({marks})", titles)
    return sorted(r[0] for r in rows)


def _titles(articles: list[Article]) -> list[str]:
    return sorted(a.title for a in articles)


def test_the_schema_has_the_rules_tables(store: Store) -> None:
    assert store.schema_version == SCHEMA_VERSION
    assert store.rules() == []


def test_rules_apply_to_new_articles_inside_the_write(store: Store) -> None:
    store.add_rule("python", rule_actions(hide=True), now=NOW)
    store.add_rule("rust", rule_actions(mark_read=True, star=True, tags=["Lang"]), now=NOW)
    store.add_rule("go", rule_actions(highlight="cyan"), now=NOW)
    _feed(store, "https://a.example/rss", "python news", "rust news", "go news", "other")
    listed = {a.title: a for a in store.articles(View())}
    assert sorted(listed) == ["go news", "other", "rust news"]
    rust = listed["rust news"]
    assert (rust.read, rust.starred, rust.tags) == (True, True, ("Lang",))
    assert listed["go news"].highlight == "cyan" and listed["other"].highlight is None
    assert _titles(store.articles(View(hidden=True))) == ["python news"]


def test_hidden_articles_are_in_no_view_count_or_search(store: Store) -> None:
    rule = store.add_rule("python", rule_actions(hide=True), now=NOW)
    feed_id = _feed(store, "https://a.example/rss", "python one", "python two", "kept")
    store.set_tags(_ids(store, "python one", "kept"), add=["t"])
    assert store.count_articles(View()) == 1
    assert store.count_articles(View(feed_id=feed_id, unread=True)) == 1
    assert store.smart_counts() == {"all": 1, "unread": 1, "starred": 0, "noted": 0, "hidden": 2}
    assert store.count_articles(View(hidden=True)) == 2
    feed = store.feed(feed_id)
    assert (feed.total, feed.unread) == (1, 1)
    assert [(t.name, t.articles, t.unread) for t in store.all_tags()] == [("t", 1, 1)]
    assert [a.title for a in store.search("python OR kept", now=NOW).articles] == ["kept"]
    assert store.count_search("python", NOW) == 0
    assert sorted(store.search_ids("python", NOW, within=View(hidden=True))) == _ids(
        store, "python one", "python two"
    )
    assert store.mark_view_read(View()) == _ids(store, "kept")  # the hidden stay unread
    hiding = store.hiding_rules(_ids(store, "python one", "kept"))
    assert [r.id for r in hiding[_ids(store, "python one")[0]]] == [rule]
    assert _ids(store, "kept")[0] not in hiding


def test_disabling_or_removing_a_rule_brings_its_articles_back(store: Store) -> None:
    rule = store.add_rule("python", rule_actions(hide=True, highlight="red"), now=NOW)
    _feed(store, "https://a.example/rss", "python one", "kept")
    assert store.count_articles(View()) == 1
    store.set_rule_enabled(rule, False)
    assert store.count_articles(View()) == 2
    assert store.articles(View(hidden=True)) == []
    assert all(a.highlight is None for a in store.articles(View()))
    store.set_rule_enabled(rule, True)
    assert store.count_articles(View()) == 1
    store.remove_rule(rule)
    assert store.count_articles(View()) == 2 and store.count_articles(View(hidden=True)) == 0
    with pytest.raises(NotFound):
        store.remove_rule(rule)


def test_a_rule_scoped_to_a_feed_leaves_other_feeds_alone(store: Store) -> None:
    a = store.add_feed("https://a.example/rss")
    store.add_rule("news", rule_actions(star=True), feed_id=a, now=NOW)
    store.store_entries(a, parsed_feed(item("a1", "news a")), now=NOW)
    _feed(store, "https://b.example/rss", "news b")
    starred = {a.title: a.starred for a in store.articles(View())}
    assert starred == {"news a": True, "news b": False}


def test_rules_act_on_updated_articles_and_forget_what_no_longer_matches(store: Store) -> None:
    feed_id = store.add_feed("https://a.example/rss")
    store.add_rule("python", rule_actions(hide=True), now=NOW)
    store.store_entries(feed_id, parsed_feed(item("k", "python")), now=NOW)
    assert store.count_articles(View()) == 0
    store.store_entries(feed_id, parsed_feed(item("k", "changed")), now=NOW + 10)
    assert _titles(store.articles(View())) == ["changed"]
    store.store_entries(feed_id, parsed_feed(item("k", "python again")), now=NOW + 20)
    assert store.count_articles(View()) == 0


def test_a_refresh_batch_runs_the_rules_once_its_index_is_written(store: Store) -> None:
    store.add_rule("python", rule_actions(mark_read=True), now=NOW)
    feed_id = store.add_feed("https://a.example/rss")
    store.begin_batch()
    store.store_entries(feed_id, parsed_feed(item("k", "python")), now=NOW)
    store.commit_batch()
    assert [a.read for a in store.articles(View())] == [True]


def test_a_rule_whose_query_no_longer_runs_never_stops_a_write(store: Store) -> None:
    store.add_rule("python", rule_actions(hide=True), now=NOW)
    store.conn.execute("UPDATE rules SET query = 'is:nonsense'")
    _feed(store, "https://a.example/rss", "python")
    assert store.count_articles(View()) == 1
    with pytest.raises(InputError, match="rule 1"):
        store.apply_rules(None, now=NOW)


def test_applying_to_stored_articles_reports_what_changed(store: Store) -> None:
    _feed(store, "https://a.example/rss", "python one", "python two", "other")
    store.set_read(_ids(store, "python one"), True)
    rule = store.add_rule("python", rule_actions(hide=True, mark_read=True, tags=["py"]), now=NOW)
    dry = store.apply_rules(None, now=NOW, dry_run=True)
    assert dry.dry_run and len(dry.outcomes) == 1
    o = dry.outcomes[0]
    assert (len(o.matched), len(o.hidden), o.marked_read) == (
        2,
        2,
        tuple(_ids(store, "python two")),
    )
    assert o.tagged == (("py", tuple(sorted(o.matched, reverse=True))),)
    assert sorted(o.titles) == ["python one", "python two"]
    assert dry.changed == 2
    assert store.count_articles(View()) == 3 and store.all_tags() == []  # nothing written
    done = store.apply_rules([rule], now=NOW)
    assert not done.dry_run and done.outcomes[0].hidden == o.hidden
    assert _titles(store.articles(View())) == ["other"]
    assert all(a.read and a.tags == ("py",) for a in store.articles(View(hidden=True)))
    again = store.apply_rules(None, now=NOW).outcomes[0]
    assert (again.hidden, again.marked_read, again.tagged) == ((), (), (("py", ()),))
    assert store.rule(rule).matched == 2 and store.rule(rule).hidden == 2
    with pytest.raises(NotFound):
        store.apply_rules([rule + 1], now=NOW)


def test_a_rule_never_deletes(store: Store) -> None:
    _feed(store, "https://a.example/rss", "python", "other")
    store.add_rule("python", rule_actions(hide=True, mark_read=True), now=NOW)
    store.apply_rules(None, now=NOW)
    assert store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 2


def test_actions_are_checked() -> None:
    assert rule_actions(tags=["a", "A", " b "]).tags == ("a", "b")
    assert rule_actions(highlight="Red").highlight == "red"
    with pytest.raises(InputError, match="not a colour"):
        rule_actions(highlight="pink")
    with pytest.raises(InputError, match="needs an action"):
        rule_actions()
    with pytest.raises(InputError, match="tag"):
        rule_actions(tags=[","])
    assert RuleActions(hide=True, tags=("x",), highlight="red").words() == (
        "hide",
        "tag x",
        "highlight red",
    )
    assert HIGHLIGHT_COLORS == ("red", "green", "yellow", "blue", "magenta", "cyan")


# -- the Library --------------------------------------------------------------------------


@pytest.fixture
def lib(lib: Library) -> Library:
    lib.clock = lambda: NOW
    return lib


def test_library_refuses_a_bad_query_with_where(lib: Library) -> None:
    with pytest.raises(InputError, match="is:bogus"):
        lib.add_rule("is:bogus", rule_actions(hide=True))
    assert lib.rules() == []


def test_library_edit_enable_remove(lib: Library) -> None:
    _feed(lib.store, "https://a.example/rss", "python", "rust")
    rule = lib.add_rule("python", rule_actions(hide=True), name="No snakes")
    lib.apply_rules()
    assert lib.rule(rule.id).hidden == 1 and lib.rule(rule.id).label == "No snakes"
    edited = lib.edit_rule(rule.id, actions=rule_actions(hide=True, highlight="green"))
    assert edited.hidden == 1  # new actions keep the matches
    edited = lib.edit_rule(rule.id, query="rust", name=None)
    assert (edited.query, edited.name, edited.matched) == ("rust", None, 0)
    assert lib.count_articles(View()) == 2
    lib.apply_rules([rule.id])
    assert [h.article.title for h in lib.hidden_articles()] == ["rust"]
    assert [r.id for r in lib.hidden_articles()[0].rules] == [rule.id]
    assert not lib.set_rule_enabled(rule.id, False).enabled
    assert lib.hidden_articles() == []
    assert lib.remove_rule(rule.id).id == rule.id
    with pytest.raises(NotFound):
        lib.rule(rule.id)


def test_rules_file_round_trip(lib: Library, tmp_path: Path) -> None:
    feed_id = _feed(lib.store, "https://a.example/rss", "x")
    lib.add_rule('say "hi" \\ there', rule_actions(hide=True), name='q"uote')
    lib.add_rule(
        "tag:x", rule_actions(star=True, tags=["a b", "ü"], highlight="blue"), feed_id=feed_id
    )
    lib.set_rule_enabled(lib.rules()[1].id, False)
    path = tmp_path / "rules.toml"
    assert lib.export_rules(path) == 2
    other = Library(tmp_path / "other.db")
    try:
        other.store.add_feed("https://a.example/rss")
        added, skipped = other.import_rules(path)
        assert skipped == 0

        def shape(r: Rule) -> tuple[object, ...]:
            return (r.query, r.actions, r.name, r.enabled, r.feed_id is not None)

        assert [shape(r) for r in added] == [shape(r) for r in lib.rules()]
        assert other.import_rules(path) == ([], 2)  # identical rules are not added twice
    finally:
        other.close()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[rule]]\nquery = "x"\nhide = true\n[[rule\n', "line 4"),
        (
            '[[rule]]\nquery = "x"\nhide = true\n\n[[rule]]\nquery = "is:bad"\nhide = true\n',
            "rule 2",
        ),
        ('[[rule]]\nquery = "x"\nhighlight = "pink"\n', "not a colour"),
        ('[[rule]]\nquery = "x"\nhide = 1\n', "hide must be a bool"),
        (
            '[[rule]]\nquery = "y"\nstar = true\n[[rule]]\nquery = "x"\nhide = true\n'
            'feed = "https://nowhere/"\n',
            "rule 2: no feed",
        ),
        ('[[rule]]\nquery = "x"\nhide = true\nsmell = "bad"\n', "unknown key"),
    ],
)
def test_a_broken_rules_file_imports_nothing(
    lib: Library, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises((InputError, NotFound), match=message) as caught:
        lib.import_rules(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
    assert lib.rules() == []


def test_a_write_runs_rules_on_its_own_articles_only(store: Store) -> None:
    feed_id = _feed(store, "https://a.example/rss", "python old")
    store.add_rule("python", rule_actions(star=True), now=NOW)
    store.add_rule("is:unread", rule_actions(hide=True), feed_id=feed_id, now=NOW)
    store.store_entries(feed_id, parsed_feed(item("n", "python new")), now=NOW + 1)
    starred = {a.title: a.starred for a in store.articles(View(hidden=True))}
    assert starred == {"python new": True}
    assert _titles(store.articles(View())) == ["python old"]


def test_a_writes_ids_become_a_few_ranges() -> None:
    from tui.core.storage.rules import MAX_RANGES, RANGE_GAP, _ranges

    assert _ranges([5, 6, 7, 9]) == [(5, 9)]
    assert _ranges([3, 5000, 5001]) == [(3, 3), (5000, 5001)]
    scattered = [i * (RANGE_GAP + 1) for i in range(MAX_RANGES + 1)]
    assert _ranges(scattered) == [(0, scattered[-1])]


def test_an_edited_rule_acts_at_the_next_write(store: Store) -> None:
    feed_id = store.add_feed("https://a.example/rss")
    rule = store.add_rule("python", rule_actions(hide=True), now=NOW)
    store.store_entries(feed_id, parsed_feed(item("1", "python"), item("2", "rust")), now=NOW)
    store.update_rule(rule, "rust", rule_actions(hide=True), feed_id=None, name=None)
    store.store_entries(feed_id, parsed_feed(item("3", "python 3"), item("4", "rust 4")), now=NOW)
    assert _titles(store.articles(View(hidden=True))) == ["rust 4"]


def test_hits_go_with_their_article_and_their_rule(store: Store) -> None:
    a = _feed(store, "https://a.example/rss", "python a")
    b = _feed(store, "https://b.example/rss", "python b")
    store.add_rule("python", rule_actions(hide=True), now=NOW)
    scoped = store.add_rule("python", rule_actions(highlight="red"), feed_id=b, now=NOW)
    store.apply_rules(None, now=NOW)
    hits = "SELECT rule_id, count(*) FROM rule_hits GROUP BY rule_id ORDER BY rule_id"
    assert store.conn.execute(hits).fetchall() == [(1, 2), (scoped, 1)]
    store.remove_feed(a)  # its article and hits go; the rule stays
    store.remove_feed(b)  # the rule scoped to it goes too, with its hits
    assert store.conn.execute(hits).fetchall() == []
    assert [r.id for r in store.rules()] == [1]

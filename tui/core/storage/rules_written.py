"""Running the enabled rules on the articles a write just stored, in a few
statements per write rather than a few per rule.

A refresh commits every few hundred articles and runs every enabled rule at
each commit, from its writer thread.  Each statement there costs more than
its SQLite work: the thread gives up the GIL for it and waits to take it back
from the event loop that is parsing and fetching meanwhile, so with 20 rules
the ~60 statements of one rule at a time (and the one step per id of
filling the scope) spent more than half their time waiting (1,000 feeds x
50: ~65 ms a commit, ~27 of it CPU).  So, per *stage*:

* every rule's matches are found by one ``INSERT ... SELECT`` (a
  ``UNION ALL`` of the rules' compiled queries, each bounded to the write's
  ids, see :func:`bounded_arms`) into ``temp.rule_matches`` (rule, article);
* each action is one statement over the matches of every rule that has it
  (hits kept, mark read, star, and one for every tag of every rule).

A stage is a run of rules whose queries read nothing that a rule's action
changes (read, starred, tags, hits), so finding all of their matches before
any acts finds what one rule at a time found.  A rule whose query reads that
state (``is:unread``, ``tag:x``, ...) is a stage of its own, after the
actions of the rules before it, as when rules ran one by one, in order.

A rule whose statement fails is skipped, the others stand: when the joint
statement fails, each rule's part runs alone.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from tui.core.query.sql import Compiled
from tui.core.rules import Rule
from tui.core.storage.tags import ensure_tag, tag_index

#: How compiled SQL looks words up in the index (``tui.core.query.sql``):
#: bounded to id ranges when rules run on a write's articles.
FTS_LOOKUP = "articles_fts MATCH ?"
#: The most rule queries joined in one statement (SQLite allows 500 in a
#: compound SELECT; a rule with words has one per id range).
MAX_ARMS = 100
#: What the SQL of a query that reads state a rule's action changes
#: contains (``is:read``, ``is:unread``, ``is:starred``, ``is:tagged``,
#: ``tag:``, hidden articles).  Reading too much only splits a stage.
_STATE = ("read", "starred", "article_tags", "rule_hits")
_TEMP = (
    "CREATE TEMP TABLE IF NOT EXISTS rule_scope (id INTEGER PRIMARY KEY)",
    "CREATE TEMP TABLE IF NOT EXISTS rule_matches "
    "(rule_id INTEGER, id INTEGER, PRIMARY KEY (rule_id, id)) WITHOUT ROWID",
)
_INSERT = "INSERT OR IGNORE INTO temp.rule_matches(rule_id, id) "

Plan = tuple[Rule, Compiled]


def select_ids(
    plan: Compiled, feed_id: int | None, *, rule_id: int | None = None
) -> tuple[str, list[Any]]:
    """The SELECT of a plan's article ids (in one feed, if given) and its
    parameters: over ``articles`` (ids as ``id``) or, with words, over the
    index (ids as ``rowid``); with ``rule_id``, as (rule id, article id) rows."""
    head = "" if rule_id is None else f"{int(rule_id):d}, "
    if plan.match is None:
        sql, args, ident = f"SELECT {head}id FROM articles WHERE {plan.where}", [*plan.params], "id"
    else:
        sql = f"SELECT {head}rowid FROM articles_fts WHERE articles_fts MATCH ? AND {plan.where}"
        args, ident = [plan.match, *plan.params], "rowid"
    if feed_id is not None:
        sql += f" AND +{ident} IN (SELECT id FROM articles WHERE feed_id = ?)"
        args.append(feed_id)
    return sql, args


def kept(rule: Rule) -> bool:
    """Whether the rule's matches are kept in ``rule_hits``: only while they
    mean something (hiding, highlighting); the other actions change the
    articles themselves, and keeping every match was a third of the rules'
    cost in a refresh."""
    return rule.actions.hide or rule.actions.highlight is not None


def reads_state(plan: Compiled) -> bool:
    """Whether the query may read what a rule's action writes."""
    where = plan.where.casefold()
    return any(word in where for word in _STATE)


def stages(plans: Sequence[Plan]) -> Iterator[list[Plan]]:
    """The rules, in order, cut into stages (see the module docstring)."""
    stage: list[Plan] = []
    for rule, plan in plans:
        if reads_state(plan):
            if stage:
                yield stage
            yield [(rule, plan)]
            stage = []
        else:
            stage.append((rule, plan))
    if stage:
        yield stage


def bounded_arms(
    rule: Rule, plan: Compiled, ranges: Sequence[tuple[int, int]]
) -> list[tuple[str, list[Any]]]:
    """The rule's (rule id, article id) matches among ``temp.rule_scope``, as
    SELECTs with their parameters.  Every lookup in the index (the words,
    ``author:``, exclusions) is bounded to one range of the write's ids,
    one SELECT per range: FTS5 seeks to a rowid range, where a plain rowid
    list would run the MATCH once per id, and no bound at all walked a
    common word's or a prefix's every entry at every commit."""
    base, args = select_ids(plan, rule.feed_id, rule_id=rule.id)
    ident = "id" if plan.match is None else "+rowid"
    scoped = f"{base} AND {ident} IN (SELECT id FROM temp.rule_scope)"
    if FTS_LOOKUP not in scoped:
        return [(scoped, args)]
    return [
        (scoped.replace(FTS_LOOKUP, f"{FTS_LOOKUP} AND rowid BETWEEN {lo:d} AND {hi:d}"), args)
        for lo, hi in ranges
    ]


def run_on_written(
    conn: sqlite3.Connection,
    plans: Sequence[Plan],
    ids: Sequence[int],
    ranges: Sequence[tuple[int, int]],
) -> None:
    """Run the rules on the articles ``ids`` (sorted) in the open
    transaction, stage by stage (see the module docstring)."""
    for statement in _TEMP:
        conn.execute(statement)
    conn.execute(
        "INSERT OR IGNORE INTO temp.rule_scope(id) SELECT value FROM json_each(?)",
        (json.dumps(list(ids)),),
    )
    # Hits of earlier matches exist only for updated articles: new ones have none.
    stale = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM rule_hits WHERE article_id IN "
        "(SELECT id FROM temp.rule_scope))"
    ).fetchone()[0]
    # The tags by name, read once the first rule that tags acts (and kept up
    # to date as rules make tags: an empty one too, which ``or {}`` lost).
    index: dict[str, tuple[int, str]] | None = None
    try:
        for n, stage in enumerate(stages(plans)):
            if n:
                conn.execute("DELETE FROM temp.rule_matches")
            if stale:
                _forget(conn, [rule for rule, _ in stage if kept(rule)])
            matched = _match(conn, stage, ranges)
            acting = [rule for rule, _ in stage if rule.id in matched]
            if index is None and any(rule.actions.tags for rule in acting):
                index = tag_index(conn)
            _act(conn, acting, {} if index is None else index)
    finally:
        if conn.in_transaction:
            conn.execute("DELETE FROM temp.rule_matches")
            conn.execute("DELETE FROM temp.rule_scope")


def _listed(rules: Sequence[Rule]) -> str:
    return ",".join(f"{int(rule.id):d}" for rule in rules)


def _step(conn: sqlite3.Connection, sql: str, args: Sequence[Any] = ()) -> None:
    """Run one statement; one that fails is undone alone and the others
    stand (a stored rule must never stop a refresh)."""
    try:
        conn.execute(sql, args)
    except sqlite3.OperationalError:
        if not conn.in_transaction:  # SQLite gave up the whole write
            raise


def _forget(conn: sqlite3.Connection, rules: Sequence[Rule]) -> None:
    """Drop these rules' earlier hits on the write's articles (updated ones)."""
    if rules:
        _step(
            conn,
            "DELETE FROM rule_hits WHERE article_id IN (SELECT id FROM temp.rule_scope) "
            f"AND rule_id IN ({_listed(rules)})",
        )


def _match(
    conn: sqlite3.Connection, stage: Sequence[Plan], ranges: Sequence[tuple[int, int]]
) -> set[int]:
    """Fill ``temp.rule_matches`` with the stage's matches; the ids of the
    rules that matched something."""
    group: list[list[tuple[str, list[Any]]]] = []
    for rule, plan in stage:
        arms = bounded_arms(rule, plan, ranges)
        if group and sum(map(len, group)) + len(arms) > MAX_ARMS:
            _match_group(conn, group)
            group = []
        group.append(arms)
    if group:
        _match_group(conn, group)
    (found,) = conn.execute(
        "SELECT json_group_array(rule_id) FROM (SELECT DISTINCT rule_id FROM temp.rule_matches)"
    ).fetchone()
    return set(json.loads(found))


def _match_group(
    conn: sqlite3.Connection, group: Sequence[Sequence[tuple[str, list[Any]]]]
) -> None:
    """One statement for these rules' SELECTs; if it fails, each rule's
    alone, and a rule whose own statement fails is skipped."""
    arms = [arm for rule_arms in group for arm in rule_arms]
    try:
        conn.execute(
            _INSERT + " UNION ALL ".join(sql for sql, _ in arms),
            [a for _, args in arms for a in args],
        )
    except sqlite3.OperationalError:
        if not conn.in_transaction:  # SQLite gave up the whole write
            raise
        if len(group) > 1:
            for rule_arms in group:
                _match_group(conn, [rule_arms])


def _act(
    conn: sqlite3.Connection, rules: Sequence[Rule], index: dict[str, tuple[int, str]]
) -> None:
    """The rules' actions on ``temp.rule_matches``: one statement each."""
    ids = "SELECT id FROM temp.rule_matches WHERE rule_id IN ({})"
    if keep := [r for r in rules if kept(r)]:
        _step(
            conn,
            "INSERT OR IGNORE INTO rule_hits(article_id, rule_id) "
            f"SELECT id, rule_id FROM temp.rule_matches WHERE rule_id IN ({_listed(keep)})",
        )
    if reading := [r for r in rules if r.actions.mark_read]:
        _step(
            conn,
            "UPDATE articles SET read = 1 WHERE read = 0 "
            f"AND id IN ({ids.format(_listed(reading))})",
        )
    if starring := [r for r in rules if r.actions.star]:
        _step(
            conn,
            "UPDATE articles SET starred = 1 WHERE starred = 0 "
            f"AND id IN ({ids.format(_listed(starring))})",
        )
    # Tags are made in rule order, only for rules that matched (as one by one).
    pairs = [(r.id, ensure_tag(conn, index, name)) for r in rules for name in r.actions.tags]
    if pairs:
        _step(
            conn,
            "INSERT OR IGNORE INTO article_tags(article_id, tag_id) SELECT m.id, t.column2 "
            f"FROM (VALUES {','.join(['(?, ?)'] * len(pairs))}) t "
            "CROSS JOIN temp.rule_matches m WHERE m.rule_id = t.column1",
            [v for pair in pairs for v in pair],
        )

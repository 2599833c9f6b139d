"""Rules: the ``rules`` table, and applying rules with set-based SQL.

A rule runs as its compiled query (the one compiler,
:func:`~tui.core.query.sql.compile_query`) restricted to a set of article
ids, and each action is one statement over the matches, never a loop over
articles in Python.  Two ways in:

* :meth:`RulesMixin.rules_on_written`, inside the write of a refresh or sync
  pull (see :meth:`~tui.core.storage.base.StoreBase.commit_batch`), with the
  ids of the articles that write stored or changed (every rule together,
  see :mod:`.rules_written`).  It runs after the search
  index rows are written (a rule with words needs them), and outside the
  pull's ``sync_flags.pulling``, so a rule's mark-read, star or tag on a
  synced article is queued for the server like a user's change.
* :meth:`RulesMixin.apply_rules`, on what is stored, reporting (or, dry,
  only reporting) what changed, in one transaction.

Matches are kept in ``rule_hits`` (hiding and highlighting last as long as
the rule is enabled; see :mod:`.schema_rules`).  A rule never deletes.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from typing import Any

from tui.core.errors import InputError, NotFound
from tui.core.query.parse import parse_query, show_value
from tui.core.query.sql import Compiled, compile_query
from tui.core.rules import Rule, RuleActions, RuleOutcome, RulesReport
from tui.core.storage.base import StoreBase, in_chunks
from tui.core.storage.rules_written import kept, run_on_written, select_ids
from tui.core.storage.schema_rules import HIDDEN_IDS
from tui.core.storage.tags import ensure_tag, tag_index

_RULE_FIELDS = (
    "r.id, r.query, r.feed_id, f.title, r.name, r.enabled, r.created, r.hide, r.mark_read, "
    "r.star, r.tags, r.highlight"
)
_RULE_COLUMNS = f"{_RULE_FIELDS}, coalesce(n.hits, 0)"
#: A rule to store: (query, actions, feed id, name, enabled).
NewRule = tuple[str, RuleActions, int | None, str | None, bool]
_RULE_FROM = "FROM rules r LEFT JOIN feeds f ON f.id = r.feed_id"
# The hits of every rule, counted in one pass over rule_hits (it has no index by rule).
_RULE_HITS = (
    " LEFT JOIN (SELECT rule_id, count(*) AS hits FROM rule_hits GROUP BY rule_id) n "
    "ON n.rule_id = r.id"
)
_TEMP = "CREATE TEMP TABLE IF NOT EXISTS rule_match (id INTEGER PRIMARY KEY)"
#: A gap between article ids that splits a write's ids into separate ranges
#: (see ``_ranges``), and the most ranges looked up one by one.
RANGE_GAP = 1000
MAX_RANGES = 8
#: Seconds a compiled rule query is reused inside refreshes (relative dates move).
PLAN_TTL_S = 60
_MATCHES = "SELECT id FROM temp.rule_match"
# What compiling a stored query can raise (dates out of range, mostly).
_COMPILE_ERRORS = (InputError, ValueError, OverflowError, OSError)


def _tags(raw: str) -> tuple[str, ...]:
    try:
        found = json.loads(raw)
    except ValueError:
        return ()
    return tuple(t for t in found if isinstance(t, str)) if isinstance(found, list) else ()


def _plan(rule: Rule, now: int) -> Compiled | None:
    """A rule's compiled query, or None when it no longer compiles."""
    try:
        return compile_query(parse_query(rule.query), now, counting=True)
    except _COMPILE_ERRORS:
        return None


def _ranges(ids: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted ids as a few (low, high) ranges: a refresh's new articles are
    one run of ids, an updated older one a range of its own; past
    ``MAX_RANGES`` ranges, one range over them all."""
    ranges: list[tuple[int, int]] = []
    for i in ids:
        if ranges and i - ranges[-1][1] <= RANGE_GAP:
            ranges[-1] = (ranges[-1][0], i)
        else:
            ranges.append((i, i))
    if len(ranges) > MAX_RANGES:
        return [(ranges[0][0], ranges[-1][1])]
    return ranges


def _rule(r: Sequence[Any]) -> Rule:
    actions = RuleActions(bool(r[7]), bool(r[8]), bool(r[9]), _tags(r[10]), r[11])
    return Rule(
        id=r[0],
        query=r[1],
        actions=actions,
        feed_id=r[2],
        feed_title=r[3],
        name=r[4],
        enabled=bool(r[5]),
        created=r[6],
        matched=r[12],
        hidden=r[12] if r[5] and r[7] else 0,
    )


def _action_values(actions: RuleActions) -> tuple[int, int, int, str, str | None]:
    return (
        int(actions.hide),
        int(actions.mark_read),
        int(actions.star),
        json.dumps(list(actions.tags)),
        actions.highlight,
    )


class RulesMixin(StoreBase):
    """Stored rules, applying them, and which rules hide which articles."""

    #: Compiled rule queries reused across a refresh's commits (see ``_plans``).
    _rule_plans: dict[Rule, tuple[int, Compiled | None]]

    # -- the table ------------------------------------------------------------------

    def add_rule(
        self,
        query: str,
        actions: RuleActions,
        *,
        feed_id: int | None = None,
        name: str | None = None,
        enabled: bool = True,
        now: int,
    ) -> int:
        """Store a rule (query and actions already checked, see :mod:`tui.core.rules`)."""
        return self.add_rules([(query, actions, feed_id, name, enabled)], now=now)[0]

    def add_rules(self, rules: Sequence[NewRule], *, now: int) -> list[int]:
        """Store several rules in one transaction (an import is all or nothing)."""
        ids: list[int] = []
        with self.transaction() as conn:
            for query, actions, feed_id, name, enabled in rules:
                self._check_feed(conn, feed_id)
                cur = conn.execute(
                    "INSERT INTO rules(query, feed_id, name, enabled, created, hide, mark_read, "
                    "star, tags, highlight) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (query, feed_id, name, int(enabled), now, *_action_values(actions)),
                )
                ids.append(int(cur.lastrowid or 0))
        return ids

    def update_rule(
        self,
        rule_id: int,
        query: str,
        actions: RuleActions,
        *,
        feed_id: int | None,
        name: str | None,
    ) -> None:
        """Replace a rule's query, actions, scope and name.

        A new query or scope forgets what the rule matched (its hidden
        articles come back until it is applied again); new actions alone
        keep the matches, so hiding or highlighting follows at once.
        """
        with self.transaction() as conn:
            old = self._rule_row(conn, rule_id)
            self._check_feed(conn, feed_id)
            if (old.query, old.feed_id) != (query, feed_id):
                conn.execute("DELETE FROM rule_hits WHERE rule_id = ?", (rule_id,))
            conn.execute(
                "UPDATE rules SET query = ?, feed_id = ?, name = ?, hide = ?, mark_read = ?, "
                "star = ?, tags = ?, highlight = ? WHERE id = ?",
                (query, feed_id, name, *_action_values(actions), rule_id),
            )

    def set_rule_enabled(self, rule_id: int, enabled: bool) -> None:
        """Turn a rule on or off; off, it hides and highlights nothing and runs
        at no refresh, and its matches are kept for when it is on again."""
        with self.transaction() as conn:
            cur = conn.execute("UPDATE rules SET enabled = ? WHERE id = ?", (int(enabled), rule_id))
            if cur.rowcount == 0:
                raise NotFound(f"no rule with id {rule_id}")

    def remove_rule(self, rule_id: int) -> None:
        """Delete a rule; what it hid comes back (no article is touched)."""
        with self.transaction() as conn:
            cur = conn.execute("DELETE FROM rules WHERE id = ?", (rule_id,))
            if cur.rowcount == 0:
                raise NotFound(f"no rule with id {rule_id}")

    def rules(self) -> list[Rule]:
        """Every rule, oldest first (the order they run in), with match counts."""
        rows = self.conn.execute(f"SELECT {_RULE_COLUMNS} {_RULE_FROM}{_RULE_HITS} ORDER BY r.id")
        return [_rule(r) for r in rows]

    def rule(self, rule_id: int) -> Rule:
        return self._rule_row(self.conn, rule_id)

    @staticmethod
    def _rule_row(conn: sqlite3.Connection, rule_id: int) -> Rule:
        row = conn.execute(
            f"SELECT {_RULE_COLUMNS} {_RULE_FROM}{_RULE_HITS} WHERE r.id = ?", (int(rule_id),)
        ).fetchone()
        if row is None:
            raise NotFound(f"no rule with id {rule_id}")
        return _rule(row)

    @staticmethod
    def _check_feed(conn: sqlite3.Connection, feed_id: int | None) -> None:
        if (
            feed_id is not None
            and not conn.execute("SELECT 1 FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        ):
            raise NotFound(f"no feed with id {feed_id}")

    def hiding_rules(self, article_ids: Sequence[int]) -> dict[int, tuple[Rule, ...]]:
        """article id -> the enabled rules that hide it (hidden articles only)."""
        found: dict[int, list[Rule]] = {}
        rules = {r.id: r for r in self.rules()}
        for marks, chunk in in_chunks([int(i) for i in article_ids]):
            for aid, rule_id in self.conn.execute(
                "SELECT h.article_id, h.rule_id FROM rule_hits h JOIN rules r ON r.id = h.rule_id "
                f"WHERE r.enabled = 1 AND r.hide = 1 AND h.article_id IN ({marks}) "
                "ORDER BY h.rule_id",
                chunk,
            ):
                found.setdefault(aid, []).append(rules[rule_id])
        return {aid: tuple(rules) for aid, rules in found.items()}

    def count_rule_matches(self, rule_id: int, *, now: int) -> int:
        """How many stored articles the rule's query (and scope) matches now."""
        rule = self.rule(rule_id)
        try:
            plan = compile_query(parse_query(rule.query), now, counting=True)
        except _COMPILE_ERRORS as exc:
            raise InputError(f"rule {rule.id} ({show_value(rule.query, 60)}): {exc}") from exc
        sql, args = select_ids(plan, rule.feed_id)
        return int(self.conn.execute(f"SELECT count(*) FROM ({sql})", args).fetchone()[0])

    # -- applying ---------------------------------------------------------------------

    def rules_on_written(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Run every enabled rule on these just-written articles, in the open
        transaction (the refresh's or pull's own write).

        ``rows`` are their search index rows (id first).  The rules run
        together, a few statements per write (:mod:`.rules_written`), with
        every index lookup bounded to the id range(s) of these articles
        (``_ranges``).  A refresh commits often, so compiled queries are kept
        (``_plans``).  A rule whose query no longer compiles, or whose
        statement fails, is skipped: a stored rule must never stop a refresh.
        """
        if not rows:
            return
        plans = self._plans(self.conn)
        if plans:
            ids = sorted({int(r[0]) for r in rows})
            run_on_written(self.conn, plans, ids, _ranges(ids))

    def _plans(self, conn: sqlite3.Connection) -> list[tuple[Rule, Compiled]]:
        """The enabled rules and their compiled queries, compiled again when a
        rule changed or a minute has passed (dates like ``after:7d`` move)."""
        now = int(time.time())
        # Without the match counts of rules(): this runs at every commit of a
        # refresh, in its writer thread, so as one row (each row fetched is a
        # round trip for the GIL, which the event loop holds meanwhile).
        (found,) = conn.execute(
            f"SELECT json_group_array(json_array({_RULE_FIELDS})) {_RULE_FROM} WHERE r.enabled = 1"
        ).fetchone()
        rules = sorted((_rule((*r, 0)) for r in json.loads(found)), key=lambda r: r.id)
        cache = self._rule_plans = getattr(self, "_rule_plans", {})
        plans: list[tuple[Rule, Compiled]] = []
        for rule in rules:
            when, plan = cache.get(rule, (0, None))
            if now - when >= PLAN_TTL_S:
                when, plan = now, _plan(rule, now)
                cache[rule] = (when, plan)
            if plan is not None:
                plans.append((rule, plan))
        for gone in cache.keys() - set(rules):
            del cache[gone]
        return plans

    def apply_rules(
        self, rule_ids: Sequence[int] | None, *, now: int, dry_run: bool = False, sample: int = 10
    ) -> RulesReport:
        """Apply rules (these, else every enabled one) to every stored article.

        One transaction, so it is one action to undo; each outcome lists the
        ids whose state changed.  ``dry_run`` reports the same and writes
        nothing.  A rule's matches are recounted: articles it no longer
        matches stop being hidden by it.
        """
        chosen = self.rules()
        if rule_ids is not None:
            known = {r.id for r in chosen}
            for rid in rule_ids:
                if rid not in known:
                    raise NotFound(f"no rule with id {rid}")
            chosen = [r for r in chosen if r.id in set(rule_ids)]
        else:
            chosen = [r for r in chosen if r.enabled]
        outcomes: list[RuleOutcome] = []
        with self.transaction() as conn:
            conn.execute(_TEMP)
            index = tag_index(conn)
            for rule in chosen:
                try:
                    plan = compile_query(parse_query(rule.query), now, counting=True)
                except _COMPILE_ERRORS as exc:
                    shown = show_value(rule.query, 60)
                    raise InputError(f"rule {rule.id} ({shown}): {exc}") from exc
                self._match(conn, rule, plan)
                outcomes.append(self._outcome(conn, rule, index, sample))
                if not dry_run:
                    # Only the hits it no longer has go (and only the new ones
                    # come, in ``_act``): applying a rule that changes nothing
                    # writes nothing, so the undo history gets no entry.
                    stale = "" if not kept(rule) else f" AND article_id NOT IN ({_MATCHES})"
                    conn.execute(f"DELETE FROM rule_hits WHERE rule_id = ?{stale}", (rule.id,))
                    self._act(conn, rule, index)
            conn.execute("DELETE FROM temp.rule_match")
        return RulesReport(tuple(outcomes), dry_run)

    @staticmethod
    def _match(conn: sqlite3.Connection, rule: Rule, plan: Compiled) -> None:
        """Fill ``temp.rule_match`` with the rule's matches among all articles."""
        conn.execute("DELETE FROM temp.rule_match")
        base, args = select_ids(plan, rule.feed_id)
        conn.execute(f"INSERT OR IGNORE INTO temp.rule_match(id) {base}", args)

    @staticmethod
    def _act(conn: sqlite3.Connection, rule: Rule, index: dict[str, tuple[int, str]]) -> None:
        """The rule's actions on ``temp.rule_match``: one statement each."""
        if kept(rule):
            conn.execute(
                "INSERT OR IGNORE INTO rule_hits(article_id, rule_id) "
                f"SELECT id, ? FROM ({_MATCHES})",
                (rule.id,),
            )
        a = rule.actions
        if a.mark_read:
            conn.execute(f"UPDATE articles SET read = 1 WHERE read = 0 AND id IN ({_MATCHES})")
        if a.star:
            conn.execute(
                f"UPDATE articles SET starred = 1 WHERE starred = 0 AND id IN ({_MATCHES})"
            )
        for name in a.tags:
            tag_id = ensure_tag(conn, index, name)
            conn.execute(
                "INSERT OR IGNORE INTO article_tags(article_id, tag_id) "
                f"SELECT id, ? FROM ({_MATCHES})",
                (tag_id,),
            )

    @staticmethod
    def _outcome(
        conn: sqlite3.Connection, rule: Rule, index: dict[str, tuple[int, str]], sample: int
    ) -> RuleOutcome:
        """What the rule's actions would change on ``temp.rule_match``."""

        def ids(sql: str, *args: Any) -> tuple[int, ...]:
            return tuple(r[0] for r in conn.execute(sql, args))

        newest = " ORDER BY published DESC, id DESC"
        a = rule.actions
        matched = ids(f"SELECT id FROM articles WHERE id IN ({_MATCHES}){newest}")
        hidden: tuple[int, ...] = ()
        if a.hide and rule.enabled:
            hidden = ids(
                f"SELECT id FROM articles WHERE id IN ({_MATCHES}) "
                f"AND id NOT IN ({HIDDEN_IDS}){newest}"
            )
        tagged: list[tuple[str, tuple[int, ...]]] = []
        for name in a.tags:
            tag = index.get(name.casefold())
            tagged.append(
                (name, matched)
                if tag is None
                else (
                    name,
                    ids(
                        f"SELECT id FROM articles WHERE id IN ({_MATCHES}) AND id NOT IN "
                        f"(SELECT article_id FROM article_tags WHERE tag_id = ?){newest}",
                        tag[0],
                    ),
                )
            )
        unread = f"SELECT id FROM articles WHERE read = 0 AND id IN ({_MATCHES}){newest}"
        unstarred = f"SELECT id FROM articles WHERE starred = 0 AND id IN ({_MATCHES}){newest}"
        titles = [
            r[0]
            for r in conn.execute(
                f"SELECT title FROM articles WHERE id IN ({_MATCHES}){newest} LIMIT ?",
                (max(0, sample),),
            )
        ]
        return RuleOutcome(
            rule=rule,
            matched=matched,
            hidden=hidden,
            marked_read=ids(unread) if a.mark_read else (),
            starred=ids(unstarred) if a.star else (),
            tagged=tuple(tagged),
            titles=tuple(titles),
        )

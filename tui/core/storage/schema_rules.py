"""Rules (issue 18): the ``rules`` table and ``rule_hits``, and the hidden set.

A rule is a query plus actions.  Its state-changing actions (mark read, star,
tag) write the article like a user would (and, for a synced article, are
queued by the sync triggers like a user's change).  Hiding and highlighting
are not article state: ``rule_hits`` records which rule matched which article
when it was applied, and an article is hidden while a hit of an *enabled*
hiding rule names it, so disabling or removing the rule brings it back (the
hits go with the rule, and with the article, by trigger).  ``rule_hits`` is keyed by
article first, so "is this article hidden, which colour" is one seek; it
has no index by rule (a second b-tree written for every match in a refresh):
counting or dropping one rule's hits reads the table once, which only a
listing of the rules or removing one does.  Only hiding and highlighting
rules keep their matches (the other actions change the articles).

A rule scoped to a feed goes with the feed: a scope that names no feed would
otherwise read as "every feed".
"""

from __future__ import annotations

import sqlite3

from tui.core.storage.schema_history import install_history_triggers

#: Ids of the hidden articles: hit by an enabled rule that hides.
HIDDEN_IDS = (
    "SELECT h.article_id FROM rule_hits h JOIN rules r ON r.id = h.rule_id "
    "WHERE r.enabled = 1 AND r.hide = 1"
)

#: Whether anything can be hidden (lists skip the hidden test when not).
HIDING = "SELECT EXISTS (SELECT 1 FROM rules WHERE enabled = 1 AND hide = 1)"


def hidden_per_feed(conn: sqlite3.Connection) -> dict[int, tuple[int, int]]:
    """feed id -> (hidden articles, hidden unread ones), to take off the counts,
    which stay index-only this way (the hidden set is read once)."""
    return {
        feed_id: (n, unread)
        for feed_id, n, unread in conn.execute(
            "SELECT feed_id, count(*), coalesce(sum(read = 0), 0) FROM articles "
            f"WHERE id IN ({HIDDEN_IDS}) GROUP BY feed_id"
        )
    }


_RULES_TABLES = (
    """
    CREATE TABLE rules (
        id INTEGER PRIMARY KEY,
        name TEXT,
        query TEXT NOT NULL,
        feed_id INTEGER REFERENCES feeds(id) ON DELETE CASCADE,
        hide INTEGER NOT NULL DEFAULT 0,
        mark_read INTEGER NOT NULL DEFAULT 0,
        star INTEGER NOT NULL DEFAULT 0,
        tags TEXT NOT NULL DEFAULT '[]',
        highlight TEXT,
        enabled INTEGER NOT NULL DEFAULT 1,
        created INTEGER NOT NULL
    )""",
    "CREATE INDEX rules_feed ON rules(feed_id) WHERE feed_id IS NOT NULL",
    """
    CREATE TABLE rule_hits (
        article_id INTEGER NOT NULL,
        rule_id INTEGER NOT NULL,
        PRIMARY KEY (article_id, rule_id)
    ) WITHOUT ROWID""",
    # What foreign keys would do, without their check on every insert (that
    # check was 40 times the insert itself: most of the rules' cost in a refresh).
    "CREATE TRIGGER rule_hits_article AFTER DELETE ON articles BEGIN "
    "DELETE FROM rule_hits WHERE article_id = old.id; END",
    # BEFORE: the undo history then records the hits going before the rule, and
    # an undo (newest first) puts the rule back before its hits, which it
    # puts back only while their rule is there.
    "CREATE TRIGGER rule_hits_rule BEFORE DELETE ON rules BEGIN "
    "DELETE FROM rule_hits WHERE rule_id = old.id; END",
)


def migrate_rules(db: sqlite3.Connection) -> None:
    """Add the rules tables (no data changes: no rule exists yet), and the
    undo history's triggers on them: a feed deleted takes its rules and their
    hits with it, and its undo brings them back."""
    for statement in _RULES_TABLES:
        db.execute(statement)
    install_history_triggers(db)

"""Duplicate stories (issue 18): the columns, indexes and trigger, and grouping what is stored.

``articles.story_id`` is NULL for the first copy of a story (and for every
article without copies), else that first copy's id (see
``storage/stories.py``).  ``link_key`` and ``title_key`` are the 64-bit keys
of the article's canonical link and normal title (:mod:`tui.core.stories`),
indexed so that a refresh finds an article's earlier copies by index seeks.
The indexes are partial: only copies, and only articles with a key, are in
them.  When a story's first copy is deleted (retention, a feed removed), the
trigger makes the next copy the first, so no copy points at nothing.
"""

from __future__ import annotations

import sqlite3

from tui.core.storage.schema_history import install_history_triggers
from tui.core.stories import story_keys

STORY_SCHEMA = (
    "ALTER TABLE articles ADD COLUMN story_id INTEGER",
    "ALTER TABLE articles ADD COLUMN link_key INTEGER",
    "ALTER TABLE articles ADD COLUMN title_key INTEGER",
    "CREATE INDEX articles_story ON articles(story_id) WHERE story_id IS NOT NULL",
    "CREATE INDEX articles_link_key ON articles(link_key) WHERE link_key IS NOT NULL",
    "CREATE INDEX articles_title_key ON articles(title_key, published) WHERE title_key IS NOT NULL",
    "CREATE TRIGGER articles_story_delete AFTER DELETE ON articles "
    "WHEN old.story_id IS NULL AND EXISTS (SELECT 1 FROM articles WHERE story_id = old.id) "
    "BEGIN "
    "UPDATE articles SET story_id = (SELECT min(id) FROM articles WHERE story_id = old.id) "
    "WHERE story_id = old.id AND id != (SELECT min(id) FROM articles WHERE story_id = old.id); "
    "UPDATE articles SET story_id = NULL WHERE story_id = old.id; END",
)


def migrate_stories(db: sqlite3.Connection) -> None:
    """Add the story columns and group the articles already stored, oldest first."""
    # Imported here: storage.stories reads storage.base, which imports this module.
    from tui.core.storage.stories import group_copies

    for statement in STORY_SCHEMA:
        db.execute(statement)
    candidates = [
        (aid, feed_id, published, *story_keys(url, title))
        for aid, feed_id, published, url, title in db.execute(
            "SELECT id, feed_id, published, url, title FROM articles ORDER BY id"
        )
    ]
    db.executemany(
        "UPDATE articles SET link_key = ?, title_key = ? WHERE id = ?",
        [(c[3], c[4], c[0]) for c in candidates if c[3] is not None or c[4] is not None],
    )
    group_copies(db, candidates)
    # The undo history's triggers copy a deleted article's columns: the new
    # ones too, and a story's first copy handed on is recorded and undone.
    install_history_triggers(db)

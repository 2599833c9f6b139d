"""Duplicate stories in SQL: grouping copies, hiding them from views, naming them.

An article's story is ``coalesce(story_id, id)``: ``articles.story_id`` is
NULL for the first stored copy of a story (and for every article that has
no copy), else the id of that first copy.  The first copy is the story's
copy in views that gather feeds; a view of one feed lists that feed's own
copy.  Which articles are copies is read from the small partial index
``articles_story`` (copies only), never from article rows, so views that
hide copies cost a set lookup per row (see ``storage/articles.py``).

What makes two articles one story is :mod:`tui.core.stories` (pure); the
matching here runs over the keys it computes (``link_key``, ``title_key``,
indexed), set-based in the transaction that stores the articles.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from tui.core import folders
from tui.core.storage.base import in_chunks
from tui.core.storage.schema_rules import HIDDEN_IDS
from tui.core.stories import TITLE_WINDOW

#: Ids of the copies of stories (not their first copies), from the partial index.
COPY_IDS = "SELECT id FROM articles WHERE story_id IS NOT NULL"

# The earliest article of another feed with the same link key, or with the
# same title key published within the window (``n`` is the new article).
_BY_LINK = (
    "SELECT min(o.id) FROM articles o WHERE o.link_key = n.link_key "
    "AND o.feed_id != n.feed_id AND o.id < n.id"
)
_BY_TITLE = (
    "SELECT min(o.id) FROM articles o WHERE o.title_key = n.title_key "
    f"AND o.published BETWEEN n.published - {TITLE_WINDOW} AND n.published + {TITLE_WINDOW} "
    "AND o.feed_id != n.feed_id AND o.id < n.id"
)


#: An article as :func:`group_copies` matches it: (id, feed id, published, link key, title key).
Candidate = tuple[int, int, int, int | None, int | None]

# How many candidates one statement takes (five parameters each).
_GROUP_CHUNK = 400


def group_copies(conn: sqlite3.Connection, candidates: Sequence[Candidate]) -> int:
    """Give the candidates (articles just stored, oldest first) that copy an
    earlier article of another feed their story's id; returns how many.

    The candidates' keys come from the caller, not from their rows (the keys
    sit after the body in a row, and reading them back would walk its
    overflow pages): one SELECT over them finds every match by index seeks,
    then only the copies are written.  A copy of a copy found in the same
    call joins the first copy's story (the migration groups a whole database
    in one call; a refresh, one feed's new articles).
    """
    matches: list[tuple[int, int]] = []
    for start in range(0, len(candidates), _GROUP_CHUNK):
        chunk = [c for c in candidates[start : start + _GROUP_CHUNK] if c[3] or c[4]]
        if not chunk:
            continue
        rows = ", ".join(["(?, ?, ?, ?, ?)"] * len(chunk))
        matches.extend(
            (aid, min(m for m in found if m is not None))
            for aid, *found in conn.execute(
                f"WITH n(id, feed_id, published, link_key, title_key) AS (VALUES {rows}) "
                f"SELECT n.id, ({_BY_LINK}), ({_BY_TITLE}) FROM n",
                [v for c in chunk for v in c],
            )
            if found != [None, None]
        )
    if not matches:
        return 0
    stored: dict[int, int | None] = {}
    for marks, ids in in_chunks(sorted({m for _, m in matches})):
        stored.update(conn.execute(f"SELECT id, story_id FROM articles WHERE id IN ({marks})", ids))
    roots: dict[int, int] = {}
    for aid, match in sorted(matches):
        root = stored.get(match) or match
        roots[aid] = roots.get(root, root)
    conn.executemany(
        "UPDATE articles SET story_id = ? WHERE id = ?", [(r, a) for a, r in roots.items()]
    )
    return len(roots)


def story_members(conn: sqlite3.Connection, ids: Iterable[int]) -> list[int]:
    """``ids`` (each once, in the order given) followed by every other copy of their stories."""
    given = list(dict.fromkeys(int(i) for i in ids))
    out = dict.fromkeys(given)
    for marks, chunk in in_chunks(given):
        roots = f"SELECT coalesce(story_id, id) FROM articles WHERE id IN ({marks})"
        out.update(
            dict.fromkeys(
                r[0]
                for r in conn.execute(
                    f"SELECT id FROM articles WHERE id IN ({roots}) "
                    f"UNION SELECT id FROM articles WHERE story_id IN ({roots}) ORDER BY 1",
                    [*chunk, *chunk],
                )
            )
        )
    return list(out)


def also_in(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """For each of these articles that has copies: the titles of the other
    copies' feeds (their URLs when untitled), each once, in copy order."""
    out: dict[int, dict[str, None]] = {}
    for marks, chunk in in_chunks(ids):
        rows = conn.execute(
            "WITH g(id, root) AS MATERIALIZED (SELECT id, coalesce(story_id, id) FROM articles "
            f"WHERE id IN ({marks})), "
            "m(gid, id) AS (SELECT g.id, a.id FROM g JOIN articles a ON a.story_id = g.root "
            "UNION SELECT g.id, g.root FROM g WHERE g.root != g.id) "
            "SELECT m.gid, coalesce(nullif(f.title, ''), f.url) FROM m "
            "JOIN articles a ON a.id = m.id JOIN feeds f ON f.id = a.feed_id "
            "WHERE m.id != m.gid AND a.feed_id != (SELECT feed_id FROM articles WHERE id = m.gid) "
            "ORDER BY m.gid, m.id",
            chunk,
        )
        for gid, name in rows:
            out.setdefault(gid, {})[name] = None
    return {gid: tuple(names) for gid, names in out.items()}


def folder_unread_copies(conn: sqlite3.Connection, *, hiding: bool) -> dict[str, int]:
    """Per folder (by :func:`tui.core.folders.key`, ancestors included): the
    unread copies whose story's first copy is unread and in that folder too.

    A folder's view lists such a story once (``storage/articles.py``,
    ``story_where``) while its feeds' unread counts hold both copies: the
    feed list takes this off the sum.  With ``hiding`` (some enabled rule
    hides), a copy or first copy a rule hides is in no count and is left
    out, as the view leaves it.  One statement over the copies alone (the
    partial index ``articles_story``), grouped by the two feeds' folders;
    which folders hold both is the folder rule, in Python, once a pair.
    """
    visible = f" AND c.id NOT IN ({HIDDEN_IDS}) AND p.id NOT IN ({HIDDEN_IDS})"
    rows = conn.execute(
        "SELECT fc.folder, fp.folder, count(*) "
        "FROM articles c CROSS JOIN articles p ON p.id = c.story_id "
        "JOIN feeds fc ON fc.id = c.feed_id JOIN feeds fp ON fp.id = p.feed_id "
        "WHERE c.story_id IS NOT NULL AND c.read = 0 AND p.read = 0 "
        f"AND fc.folder > '' AND fp.folder > ''{visible if hiding else ''} "
        "GROUP BY fc.folder, fp.folder"
    )
    out: dict[str, int] = {}
    for copy_folder, first_folder, n in rows:
        # The folders holding both feeds: the names their paths share from the top.
        shared: list[str] = []
        for mine, theirs in zip(
            folders.key(copy_folder).split(folders.SEP),
            folders.key(first_folder).split(folders.SEP),
            strict=False,
        ):
            if mine != theirs or not mine:
                break
            shared.append(mine)
            path = folders.SEP.join(shared)
            out[path] = out.get(path, 0) + n
    return out

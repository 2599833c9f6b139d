"""Tags on articles and feeds: the query layer for the tag feature.

Tags are matched ignoring case (Unicode ``casefold``, so ``Über`` and ``über``
are one tag, which SQLite's ASCII-only ``NOCASE`` alone would not give) while
the name keeps the spelling the user typed first.  A tag exists only while
something carries it: removing its last article or feed link deletes the row,
so completions never offer dead names.  Removing a tag never removes articles.

Every function takes a :class:`~tui.core.store.Store` and runs its writes in
one ``store.transaction()``, so a bulk edit of a whole view is all or nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tui.core.errors import InputError, NotFound
from tui.core.store import Store
from tui.core.text import clean_line

MAX_TAG_LEN = 64
# SQLite caps the number of bound parameters; stay far below it.
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class TagCount:
    """A tag with how many articles carry it (directly or through their feed)."""

    name: str
    articles: int
    unread: int
    feeds: int = 0


def clean_tag(name: str) -> str:
    """A tag name fit to store, or ``""`` when nothing is left.

    Cleaned like any one-line text (:func:`~tui.core.text.clean_line`: escape
    sequences, control, bidi and zero width characters would corrupt the
    terminal or reorder the tag list when shown).  Commas are cut too, because
    the CLI, OPML ``category`` and the tag editor all use them as separators;
    a tag containing one could never be typed back.
    """
    text = " ".join(clean_line(str(name)).replace(",", " ").split())
    return text[:MAX_TAG_LEN].rstrip()


def tag_key(name: str) -> str:
    """The identity of a tag name: two names with the same key are one tag."""
    return clean_tag(name).casefold()


def _index(conn: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """Every tag by key -> (id, name); the oldest wins if keys collide.

    The tag table is small (hundreds of rows), so matching in Python is cheap
    and gives full Unicode case folding.
    """
    out: dict[str, tuple[int, str]] = {}
    for tag_id, name in conn.execute("SELECT id, name FROM tags ORDER BY id"):
        out.setdefault(name.casefold(), (tag_id, name))
    return out


def _ensure(conn: sqlite3.Connection, index: dict[str, tuple[int, str]], name: str) -> int:
    """The id of the tag named ``name`` (already clean), creating it if needed."""
    key = name.casefold()
    found = index.get(key)
    if found is not None:
        return found[0]
    cur = conn.execute("INSERT INTO tags(name) VALUES (?)", (name,))
    tag_id = int(cur.lastrowid or 0)
    index[key] = (tag_id, name)
    return tag_id


def _drop_orphans(conn: sqlite3.Connection, tag_ids: Iterable[int]) -> None:
    """Delete the given tags if no article or feed carries them any more."""
    conn.executemany(
        "DELETE FROM tags WHERE id = ? "
        "AND NOT EXISTS (SELECT 1 FROM article_tags WHERE tag_id = tags.id) "
        "AND NOT EXISTS (SELECT 1 FROM feed_tags WHERE tag_id = tags.id)",
        [(i,) for i in set(tag_ids)],
    )


def _unique(names: Iterable[str]) -> list[str]:
    """Cleaned names, empties dropped, duplicates (ignoring case) keeping the first."""
    seen: set[str] = set()
    out: list[str] = []
    for raw in names:
        name = clean_tag(raw)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out


def _existing_ids(conn: sqlite3.Connection, ids: Sequence[int]) -> list[int]:
    """The ids among ``ids`` that are articles, in chunks to respect parameter limits."""
    found: list[int] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        found.extend(
            r[0] for r in conn.execute(f"SELECT id FROM articles WHERE id IN ({marks})", chunk)
        )
    return found


def set_tags(
    store: Store,
    article_ids: Iterable[int | str],
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
) -> int:
    """Add and remove tags on many articles in one transaction.

    Removals are applied first, then additions, so naming a tag in both keeps
    it.  Adding a tag that exists under another case links the existing one
    (its first spelling stays).  Ids of articles that no longer exist (a
    retention run may race with a bulk edit) are skipped; the return value is
    how many of the given articles exist, so a caller can report a bad id.
    """
    ids = sorted({int(i) for i in article_ids})
    to_add = _unique(add)
    to_remove = _unique(remove)
    with store.transaction() as conn:
        ids = _existing_ids(conn, ids)
        if not ids:
            return 0
        index = _index(conn)
        removed: list[int] = []
        for name in to_remove:
            found = index.get(name.casefold())
            if found is None:
                continue
            removed.append(found[0])
            conn.executemany(
                "DELETE FROM article_tags WHERE article_id = ? AND tag_id = ?",
                [(aid, found[0]) for aid in ids],
            )
        for name in to_add:
            tag_id = _ensure(conn, index, name)
            conn.executemany(
                "INSERT OR IGNORE INTO article_tags(article_id, tag_id) VALUES (?, ?)",
                [(aid, tag_id) for aid in ids],
            )
        _drop_orphans(conn, removed)
    return len(ids)


def article_tags(store: Store, article_id: int) -> list[str]:
    """The tags set directly on one article, sorted ignoring case."""
    names = [
        r[0]
        for r in store.conn.execute(
            "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id "
            "WHERE at.article_id = ?",
            (int(article_id),),
        )
    ]
    return sorted(names, key=str.casefold)


def all_tags(store: Store) -> list[TagCount]:
    """Every tag in use with article and unread counts, sorted ignoring case.

    An article counts once per tag whether it carries the tag itself, through
    its feed, or both; this is exactly what a ``tag:x`` search lists.  Counts
    are built from per-feed totals plus the (small) article_tags table rather
    than a join over all articles, so this stays fast at 100k articles.
    """
    conn = store.conn
    totals = dict(conn.execute("SELECT feed_id, count(*) FROM articles GROUP BY feed_id"))
    unread = dict(
        conn.execute("SELECT feed_id, count(*) FROM articles WHERE read = 0 GROUP BY feed_id")
    )
    counts: dict[int, list[int]] = {}  # tag id -> [articles, unread, feeds]
    for tag_id, feed_id in conn.execute("SELECT tag_id, feed_id FROM feed_tags"):
        c = counts.setdefault(tag_id, [0, 0, 0])
        c[0] += totals.get(feed_id, 0)
        c[1] += unread.get(feed_id, 0)
        c[2] += 1
    # Direct links, minus those already counted through the article's feed.
    for tag_id, n, n_unread in conn.execute(
        "SELECT at.tag_id, count(*), coalesce(sum(a.read = 0), 0) "
        "FROM article_tags at JOIN articles a ON a.id = at.article_id "
        "WHERE NOT EXISTS (SELECT 1 FROM feed_tags ft "
        "WHERE ft.feed_id = a.feed_id AND ft.tag_id = at.tag_id) "
        "GROUP BY at.tag_id"
    ):
        c = counts.setdefault(tag_id, [0, 0, 0])
        c[0] += n
        c[1] += n_unread
    out = [
        TagCount(name, *counts[tag_id])
        for tag_id, name in conn.execute("SELECT id, name FROM tags")
        if tag_id in counts
    ]
    return sorted(out, key=lambda t: t.name.casefold())


def _find(conn: sqlite3.Connection, name: str) -> tuple[int, str]:
    found = _index(conn).get(tag_key(name))
    if found is None:
        raise NotFound(f"{clean_tag(name) or name!r}: no such tag")
    return found


def rename_tag(store: Store, old: str, new: str) -> str:
    """Rename a tag; renaming onto another existing tag merges the two.

    The result takes the new spelling exactly as typed (renaming is how a
    user fixes the case of a tag).  Returns the final name.
    """
    name = clean_tag(new)
    if not name:
        raise InputError(f"{new!r}: a tag name needs letters, digits or symbols")
    with store.transaction() as conn:
        old_id, _ = _find(conn, old)
        target = _index(conn).get(name.casefold())
        if target is not None and target[0] != old_id:
            new_id = target[0]
            conn.execute(
                "INSERT OR IGNORE INTO article_tags(article_id, tag_id) "
                "SELECT article_id, ? FROM article_tags WHERE tag_id = ?",
                (new_id, old_id),
            )
            conn.execute(
                "INSERT OR IGNORE INTO feed_tags(feed_id, tag_id) "
                "SELECT feed_id, ? FROM feed_tags WHERE tag_id = ?",
                (new_id, old_id),
            )
            conn.execute("DELETE FROM tags WHERE id = ?", (old_id,))
        else:
            new_id = old_id
        conn.execute("UPDATE tags SET name = ? WHERE id = ?", (name, new_id))
    return name


def delete_tag(store: Store, name: str) -> int:
    """Delete a tag from every article and feed; returns how many articles lost it.

    Articles themselves are never touched.  The links are deleted explicitly
    rather than through ``ON DELETE CASCADE``, which silently does nothing on
    a connection without ``PRAGMA foreign_keys``.
    """
    with store.transaction() as conn:
        tag_id, _ = _find(conn, name)
        n = conn.execute("SELECT count(*) FROM article_tags WHERE tag_id = ?", (tag_id,))
        untagged = int(n.fetchone()[0])
        conn.execute("DELETE FROM article_tags WHERE tag_id = ?", (tag_id,))
        conn.execute("DELETE FROM feed_tags WHERE tag_id = ?", (tag_id,))
        conn.execute("DELETE FROM tags WHERE id = ?", (tag_id,))
    return untagged


def feed_tags(store: Store, feed_id: int) -> list[str]:
    """The tags of one feed (its folder tags), sorted ignoring case."""
    names = [
        r[0]
        for r in store.conn.execute(
            "SELECT t.name FROM feed_tags ft JOIN tags t ON t.id = ft.tag_id WHERE ft.feed_id = ?",
            (int(feed_id),),
        )
    ]
    return sorted(names, key=str.casefold)


def set_feed_tags(store: Store, feed_id: int, tags: Iterable[str]) -> list[str]:
    """Replace a feed's tags with ``tags``; returns the names now on the feed."""
    feed_id = int(feed_id)
    wanted = _unique(tags)
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM feeds WHERE id = ?", (feed_id,)).fetchone() is None:
            raise NotFound(f"no feed with id {feed_id}")
        index = _index(conn)
        keep = {_ensure(conn, index, name) for name in wanted}
        current = {
            r[0] for r in conn.execute("SELECT tag_id FROM feed_tags WHERE feed_id = ?", (feed_id,))
        }
        gone = current - keep
        conn.executemany(
            "DELETE FROM feed_tags WHERE feed_id = ? AND tag_id = ?",
            [(feed_id, t) for t in gone],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO feed_tags(feed_id, tag_id) VALUES (?, ?)",
            [(feed_id, t) for t in keep - current],
        )
        _drop_orphans(conn, gone)
    return feed_tags(store, feed_id)


def tag_completions(
    store: Store, prefix: str, *, exclude: Iterable[str] = (), limit: int = 20
) -> list[str]:
    """Existing tag names for the tag editor's completion, best first.

    Names starting with ``prefix`` come first, then names containing it, each
    group sorted ignoring case; names in ``exclude`` (the tags the article
    already has) are left out.  An empty prefix lists every tag.
    """
    key = tag_key(prefix)
    skip = {tag_key(x) for x in exclude}
    starts: list[str] = []
    contains: list[str] = []
    for (name,) in store.conn.execute("SELECT name FROM tags"):
        folded = name.casefold()
        if folded in skip:
            continue
        if folded.startswith(key):
            starts.append(name)
        elif key in folded:
            contains.append(name)
    starts.sort(key=str.casefold)
    contains.sort(key=str.casefold)
    return (starts + contains)[: max(0, limit)]

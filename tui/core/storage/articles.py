"""Articles: which rows a view selects, counts, flags and the Markdown cache.

``view_where`` is the one SQL form of a :class:`~tui.core.models.View`; pages
and positions (:mod:`.pages`), counts, "mark all read" and "tag the whole
view" all use it, so a view lists, counts and acts on the same rows.  Its
conditions are on ``articles a`` alone, so the (published, id) indexes
answer without a join.  Also here: the converted-Markdown cache, which
lives in the article row's packed body (:mod:`.packing`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from tui.core import folders
from tui.core.errors import NotFound
from tui.core.models import Article, Enclosure, View
from tui.core.storage.base import StoreBase, in_chunks
from tui.core.storage.packing import unpack, with_markdown
from tui.core.storage.schema_rules import HIDDEN_IDS, HIDING
from tui.core.storage.stories import COPY_IDS, also_in, story_members

#: The most distinct folder names for which a folder's feeds are found by name
#: (``ArticlesMixin._where``); past it, the folder rule runs for each feed.
MAX_SPELLINGS = 200

# What an Article is read from: ``articles a JOIN feeds f ON f.id = a.feed_id``.
ARTICLE_COLUMNS = (
    "a.id, a.feed_id, f.title, f.url, a.guid, a.url, a.title, a.author, a.published, "
    "a.updated, a.summary, a.read, a.starred, a.first_seen, a.enclosures, "
    "EXISTS (SELECT 1 FROM notes n WHERE n.article_id = a.id), "
    # The colour of the oldest enabled rule that highlights the article.
    "(SELECT r.highlight FROM rule_hits h JOIN rules r ON r.id = h.rule_id "
    "WHERE h.article_id = a.id AND r.enabled = 1 AND r.highlight IS NOT NULL "
    "ORDER BY r.id LIMIT 1)"
)


def _enclosures(raw: str | None) -> tuple[Enclosure, ...]:
    if not raw:
        return ()
    try:
        return tuple(Enclosure(u, t, n) for u, t, n in json.loads(raw))
    except (ValueError, TypeError):
        return ()


def view_where(
    view: View,
    spellings: Sequence[str] | None = None,
    *,
    hiding: bool = False,
    stories: bool = False,
    alias: str = "a",
) -> tuple[str, list[Any]]:
    """``(" WHERE ...", params)`` on ``articles a`` alone selecting a view ("" for all).

    ``hiding`` (some enabled rule hides) leaves the hidden articles out, or
    with ``view.hidden`` keeps only them; without it no article is hidden,
    and lists and counts skip the test.

    No join to ``feeds``: with the folder as a set of feed ids, list pages,
    counts and positions are answered from the article indexes.  With
    ``spellings`` (the stored folder names inside the view's folder, see
    ``ArticlesMixin._where``) a folder's feeds are found by name; without,
    by the folder rule called from SQL for every feed.  With ``stories``
    (duplicate stories grouped, see :func:`story_where`) a story is listed
    once.  ``alias`` names the articles table (``p`` for a story's first copy).
    """
    a = alias
    clauses: list[str] = []
    params: list[Any] = []
    if view.feed_id is not None:
        clauses.append(f"{a}.feed_id = ?")
        params.append(view.feed_id)
    if view.folder is not None and spellings is not None:
        marks = ", ".join("?" * len(spellings))
        clauses.append(f"{a}.feed_id IN (SELECT id FROM feeds WHERE folder IN ({marks}))")
        params.extend(spellings)
    elif view.folder is not None:
        # The folder rule of tui.core.folders, called from SQL (see StoreBase).
        clauses.append(f"{a}.feed_id IN (SELECT id FROM feeds WHERE {folders.SQL_MEMBER})")
        params.append(view.folder)
    if view.account_id is not None:
        clauses.append(f"{a}.feed_id IN (SELECT id FROM feeds WHERE account_id = ?)")
        params.append(view.account_id)
    if view.unread:
        clauses.append(f"{a}.read = 0")
    if view.starred:
        clauses.append(f"{a}.starred = 1")
    if view.noted:
        clauses.append(f"{a}.id IN (SELECT article_id FROM notes)")
    if view.hidden:
        clauses.append(f"{a}.id IN ({HIDDEN_IDS})" if hiding else "0")
    elif hiding:
        clauses.append(f"{a}.id NOT IN ({HIDDEN_IDS})")
    if stories and (story := story_where(view, spellings, hiding=hiding)) is not None:
        clauses.append(story[0])
        params.extend(story[1])
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def story_where(
    view: View, spellings: Sequence[str] | None, *, hiding: bool = False
) -> tuple[str, list[Any]] | None:
    """The condition listing each story once in a view (None: every row is listed).

    A view of one feed lists that feed's own copy of each story.  A view
    gathering feeds hides the copies whose story's first copy is in the view
    too (all, unread, starred, a folder, an account): the first copy is the
    one listed, and a copy whose first copy is elsewhere (another folder,
    read while the copy is not) still shows.  The hidden set is built once a
    statement from the copies alone (the partial index ``articles_story``),
    so it costs nothing where no feed shares a story.  A first copy a rule
    hides does not count as in the view (``hiding``), so its story still
    shows through another copy; the Hidden view lists every copy it has.
    """
    if view.feed_id is not None or view.hidden:
        return None
    first, params = view_where(view, spellings, hiding=hiding, alias="p")
    if not first:
        return f"a.id NOT IN ({COPY_IDS})", []
    first = first.replace(" WHERE ", " AND ", 1)
    return (
        "a.id NOT IN (SELECT c.id FROM articles c CROSS JOIN articles p ON p.id = c.story_id "
        f"WHERE c.story_id IS NOT NULL{first})",
        params,
    )


class ArticlesMixin(StoreBase):
    """Article rows as :class:`Article` records, per view, page or id."""

    # -- rows -------------------------------------------------------------------

    def _article(
        self, r: Sequence[Any], tags: Iterable[str] = (), also: Iterable[str] = ()
    ) -> Article:
        """A row of ``ARTICLE_COLUMNS`` as a record (the one place that knows their order);
        ``also`` names the feeds of the story's other copies."""
        return Article(
            id=r[0],
            feed_id=r[1],
            feed_title=r[2] or r[3],
            feed_url=r[3],
            guid=r[4],
            url=r[5],
            title=r[6],
            author=r[7],
            published=r[8],
            updated=r[9],
            summary=r[10],
            read=bool(r[11]),
            starred=bool(r[12]),
            first_seen=r[13],
            enclosures=_enclosures(r[14]),
            has_note=bool(r[15]),
            highlight=r[16],
            tags=tuple(tags),
            also_in=tuple(also),
        )

    def _also_in(self, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        """The other feeds carrying each article's story (none when stories are not grouped)."""
        return also_in(self.conn, ids) if self.group_stories else {}

    def _tags_for(self, ids: Sequence[int]) -> dict[int, list[str]]:
        """The tags set directly on each of these articles, sorted ignoring case."""
        out: dict[int, list[str]] = {}
        for marks, chunk in in_chunks(ids):
            for aid, name in self.conn.execute(
                "SELECT at.article_id, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id "
                f"WHERE at.article_id IN ({marks}) ORDER BY t.name COLLATE NOCASE",
                chunk,
            ):
                out.setdefault(aid, []).append(name)
        return out

    # -- views: pages, counts, ids ------------------------------------------------

    def _where(self, view: View) -> tuple[str, list[Any]]:
        """``view_where`` with a folder's feeds found by the names they are filed under."""
        return view_where(
            view,
            self._spellings(view.folder),
            hiding=self._hiding(),
            stories=self.group_stories,
        )

    def _hiding(self) -> bool:
        """Whether an enabled rule hides (one row of the small rules table)."""
        return bool(self.conn.execute(HIDING).fetchone()[0])

    def _spellings(self, folder: str | None) -> list[str] | None:
        """The stored folder names inside ``folder`` (None: no folder, or too many names).

        The folder rule is Python, and SQL called it for every feed on every
        page, count and position (1.2 us a feed: 24 ms at 20,000 feeds); the
        distinct names are few, so the rule runs once a name and the feeds
        are matched in SQL.  Past ``MAX_SPELLINGS`` names, the rule per feed.
        """
        if folder is None:
            return None
        names = [
            r[0] for r in self.conn.execute("SELECT DISTINCT folder FROM feeds WHERE folder > ''")
        ]
        if len(names) > MAX_SPELLINGS:
            return None
        return [n for n in names if folders.contains(folder, n)]

    def count_articles(self, view: View = View()) -> int:
        where, params = self._where(view)
        sql = f"SELECT count(*) FROM articles a{where}"
        return int(self.conn.execute(sql, params).fetchone()[0])

    def mark_view_read(self, view: View) -> list[int]:
        """Mark every unread article of a view read; returns their ids (for undo)."""
        where, params = self._where(replace(view, unread=True))
        with self.transaction() as conn:
            ids = [r[0] for r in conn.execute(f"SELECT a.id FROM articles a{where}", params)]
            if self.group_stories:
                # The hidden copies of the stories listed are read with them.
                copies = story_members(conn, ids)[len(ids) :]
                ids += [r[0] for r in _unread(conn, copies)]
            conn.executemany("UPDATE articles SET read = 1 WHERE id = ?", [(i,) for i in ids])
        return ids

    def smart_counts(self) -> dict[str, int]:
        """Counts for the smart views: all, unread, starred, noted (each story once
        when stories are grouped, as the views list them), and hidden.

        Articles rules hide are in none but "hidden" (the size of
        ``View(hidden=True)``, which lists every copy): they are counted
        apart and taken off, so the others stay index-only counts and the
        hidden set is read once.
        """
        # Separate counts so each uses its (partial) index instead of a table scan.
        row = self.conn.execute(
            "SELECT (SELECT count(*) FROM articles), "
            "(SELECT count(*) FROM articles WHERE read = 0), "
            "(SELECT count(*) FROM articles WHERE starred = 1), "
            "(SELECT count(*) FROM notes)"
        ).fetchone()
        hid = self.conn.execute(
            "SELECT count(*), coalesce(sum(read = 0), 0), coalesce(sum(starred = 1), 0), "
            "coalesce(sum(EXISTS (SELECT 1 FROM notes n WHERE n.article_id = a.id)), 0) "
            f"FROM articles a WHERE a.id IN ({HIDDEN_IDS})"
        ).fetchone()
        hidden = hid[0]
        row = tuple(n - h for n, h in zip(row, hid, strict=True))
        if self.group_stories:
            # Less the copies those views hide (whose first copy they list): few
            # rows.  A copy a rule hides is taken off above already, and one whose
            # first copy a rule hides is listed (see ``story_where``).
            visible = f" AND c.id NOT IN ({HIDDEN_IDS}) AND p.id NOT IN ({HIDDEN_IDS})"
            copies = self.conn.execute(
                "SELECT count(*), coalesce(sum(c.read = 0 AND p.read = 0), 0), "
                "coalesce(sum(c.starred = 1 AND p.starred = 1), 0), "
                "coalesce(sum(c.id IN (SELECT article_id FROM notes) "
                "AND p.id IN (SELECT article_id FROM notes)), 0) "
                "FROM articles c CROSS JOIN articles p ON p.id = c.story_id "
                f"WHERE c.story_id IS NOT NULL{visible if self._hiding() else ''}"
            ).fetchone()
            row = tuple(n - h for n, h in zip(row, copies, strict=True))
        return {
            "all": row[0],
            "unread": row[1],
            "starred": row[2],
            "noted": row[3],
            "hidden": hidden,
        }

    def view_ids(self, view: View) -> list[int]:
        """Ids of every article in a view, newest first (for tagging a whole view)."""
        where, params = self._where(view)
        sql = f"SELECT a.id FROM articles a{where} ORDER BY a.published DESC, a.id DESC"
        return [r[0] for r in self.conn.execute(sql, params)]

    # -- one article and its Markdown cache ----------------------------------------

    def article(self, article_id: int) -> Article:
        row = self.conn.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
            "WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no article with id {article_id}")
        tags, also = self._tags_for([article_id]), self._also_in([article_id])
        return self._article(row, tags.get(article_id, ()), also.get(article_id, ()))

    def article_body(self, article_id: int) -> tuple[str | None, str | None, str | None]:
        """(stored Markdown or None, HTML, base URL) of one article."""
        row = self.conn.execute(
            "SELECT body, summary, base_url FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no article with id {article_id}")
        texts = unpack(row[0])
        return texts.markdown, texts.html if texts.html is not None else row[1], row[2]

    def save_markdown(self, items: Iterable[tuple[int, str]]) -> None:
        """Store converted Markdown (article id, markdown) in one transaction.

        The Markdown joins the HTML and words in the packed body, which is
        read and written again here (tens of microseconds an article).
        """
        with self.transaction() as conn:
            for aid, md in items:
                row = conn.execute("SELECT body FROM articles WHERE id = ?", (aid,)).fetchone()
                if row is not None:
                    conn.execute(
                        "UPDATE articles SET body = ?, converted = 1 WHERE id = ?",
                        (with_markdown(row[0], md), aid),
                    )

    def unconverted(self, limit: int) -> list[tuple[int, str | None, str | None]]:
        """Articles whose current version has no Markdown yet: (id, HTML, base URL)."""
        rows = self.conn.execute(
            "SELECT id, body, summary, base_url FROM articles "
            "WHERE converted = 0 ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        out: list[tuple[int, str | None, str | None]] = []
        for aid, body, summary, base in rows:
            html = unpack(body).html
            out.append((aid, html if html is not None else summary, base))
        return out

    # -- read and starred ----------------------------------------------------------

    def set_read(self, ids: Sequence[int], read: bool) -> None:
        """Mark articles (and, with stories grouped, their stories' copies) read or unread."""
        with self.transaction() as conn:
            ids = self._stories(conn, ids)
            conn.executemany(
                "UPDATE articles SET read = ? WHERE id = ?", [(int(read), i) for i in ids]
            )

    def set_starred(self, ids: Sequence[int], starred: bool) -> None:
        """Star or unstar articles (and their stories' copies, as ``set_read``)."""
        with self.transaction() as conn:
            ids = self._stories(conn, ids)
            conn.executemany(
                "UPDATE articles SET starred = ? WHERE id = ?", [(int(starred), i) for i in ids]
            )

    def _stories(self, conn: sqlite3.Connection, ids: Iterable[int]) -> list[int]:
        """``ids`` and, when stories are grouped, the other copies of their stories:
        what reading, starring and tagging act on (in the caller's transaction)."""
        if not self.group_stories:
            return list(ids)
        return story_members(conn, ids)

    def set_flag(
        self, ids: Sequence[int], column: str, value: bool
    ) -> tuple[list[int], list[int], list[int]]:
        """Set ``read`` or ``starred`` on articles in one transaction.

        Returns the ids (each once, in the order given) that changed, that
        already had that state, and that name no article: the command line
        reports all three, and only the first is worth an undo.  With stories
        grouped the other copies of their stories are set too, in the same
        write, and come after the ids given.
        """
        if column not in ("read", "starred"):
            raise ValueError(f"not an article flag: {column!r}")
        wanted = list(dict.fromkeys(int(i) for i in ids))
        current: dict[int, bool] = {}
        with self.transaction() as conn:
            wanted = self._stories(conn, wanted)
            for marks, chunk in in_chunks(wanted):
                current.update(
                    (aid, bool(flag))
                    for aid, flag in conn.execute(
                        f"SELECT id, {column} FROM articles WHERE id IN ({marks})", chunk
                    )
                )
            changed = [i for i in wanted if i in current and current[i] != value]
            conn.executemany(
                f"UPDATE articles SET {column} = ? WHERE id = ?", [(int(value), i) for i in changed]
            )
        unchanged = [i for i in wanted if current.get(i) == value]
        missing = [i for i in wanted if i not in current]
        return changed, unchanged, missing

    # -- sets of ids that no view describes -----------------------------------------

    def articles_by_id(self, ids: Sequence[int]) -> list[Article]:
        """These articles (unknown ids skipped), newest first as lists show them.

        For listings of a set of ids that no view describes, such as what
        retention would remove; read in chunks under SQLite's parameter limit.
        """
        ids = list(dict.fromkeys(int(i) for i in ids))
        articles: list[Article] = []
        for marks, chunk in in_chunks(ids):
            tags, also = self._tags_for(chunk), self._also_in(chunk)
            articles.extend(
                self._article(r, tags.get(r[0], ()), also.get(r[0], ()))
                for r in self.conn.execute(
                    f"SELECT {ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
                    f"WHERE a.id IN ({marks})",
                    chunk,
                )
            )
        articles.sort(key=lambda a: (a.published or 0, a.id), reverse=True)
        return articles

    def article_feed_ids(self, ids: Sequence[int]) -> dict[int, int]:
        """article id -> feed id for the given articles (gone ones left out)."""
        out: dict[int, int] = {}
        for marks, chunk in in_chunks(ids):
            out.update(
                self.conn.execute(
                    f"SELECT id, feed_id FROM articles WHERE id IN ({marks})", chunk
                ).fetchall()
            )
        return out

    def unread_among(self, ids: Sequence[int]) -> list[int]:
        """The unread articles among ``ids``, in the order given (for marking a
        search's results read, whose ids come from the index, not a view)."""
        out: list[int] = []
        for marks, chunk in in_chunks(ids):
            out.extend(
                r[0]
                for r in self.conn.execute(
                    f"SELECT id FROM articles WHERE read = 0 AND id IN ({marks})", chunk
                )
            )
        return out


def _unread(conn: sqlite3.Connection, ids: Sequence[int]) -> list[tuple[int]]:
    """The unread articles among ``ids``, as rows."""
    out: list[tuple[int]] = []
    for marks, chunk in in_chunks(ids):
        out.extend(
            conn.execute(f"SELECT id FROM articles WHERE read = 0 AND id IN ({marks})", chunk)
        )
    return out

"""Full texts of articles (reader mode, schema 6): the page's extracted
article, kept beside the feed's own version.

Storing or dropping one rewrites the article's search-index row by trigger
(see ``schema._FULL_TEXT_TRIGGERS``), so search finds words of either
version.  A refresh that changes the feed's version leaves this table alone.
"""

from __future__ import annotations

from tui.core.errors import NotFound
from tui.core.models import FULL_TEXT, FullText
from tui.core.storage.base import StoreBase
from tui.core.storage.packing import pack, unpack


class FullTextMixin(StoreBase):
    def full_text(self, article_id: int) -> FullText | None:
        """The article's full text (or its failed fetch), None if never fetched."""
        row = self.conn.execute(
            "SELECT url, fetched, shown, error, body FROM full_texts WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        markdown = None if row[4] is None else unpack(row[4]).markdown
        return FullText(article_id, row[0], row[1], bool(row[2]), markdown, row[3])

    def save_full_text(
        self, article_id: int, url: str, markdown: str, words: str, now: int
    ) -> None:
        """Keep an article's full text (replacing any), shown from now on."""
        with self.transaction() as conn:
            if (
                conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
                is None
            ):
                raise NotFound(f"no article with id {article_id}")
            # Not INSERT OR REPLACE: its implicit delete fires no trigger, and
            # the index row would keep the old words.
            conn.execute("DELETE FROM full_texts WHERE article_id = ?", (article_id,))
            conn.execute(
                "INSERT INTO full_texts(article_id, url, fetched, shown, body) "
                "VALUES (?, ?, ?, 1, ?)",
                (article_id, url, now, pack(None, words, markdown)),
            )

    def save_full_text_error(self, article_id: int, url: str, error: str, now: int) -> None:
        """Remember why an article's page gave no full text; a full text
        already kept stays (a later failure never throws it away)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO full_texts(article_id, url, fetched, shown, error) "
                "SELECT ?, ?, ?, 0, ? WHERE EXISTS (SELECT 1 FROM articles WHERE id = ?) "
                "ON CONFLICT(article_id) DO UPDATE SET error = excluded.error, "
                "fetched = excluded.fetched WHERE body IS NULL",
                (article_id, url, now, error, article_id),
            )

    def show_full_text(self, article_id: int, shown: bool) -> bool:
        """Show the full text (or the feed's version); False if there is no full text."""
        with self.transaction() as conn:
            cur = conn.execute(
                "UPDATE full_texts SET shown = ? WHERE article_id = ? AND body IS NOT NULL",
                (int(shown), article_id),
            )
            return cur.rowcount > 0

    def drop_full_text(self, article_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM full_texts WHERE article_id = ?", (article_id,))

    def full_text_state(self, article_id: int) -> tuple[str | None, bool]:
        """(the full text's Markdown when it is the one shown, whether opening
        the article should fetch it): one read for the reader's body thread.
        A fetch is due when the feed says "on_open" or "always", the article
        has a link, and no fetch was tried."""
        row = self.conn.execute(
            "SELECT t.body, t.shown, t.article_id IS NOT NULL, "
            "CASE WHEN json_valid(f.settings) THEN json_extract(f.settings, ?) END, a.url "
            "FROM articles a JOIN feeds f ON f.id = a.feed_id "
            "LEFT JOIN full_texts t ON t.article_id = a.id WHERE a.id = ?",
            (f"$.{FULL_TEXT}", article_id),
        ).fetchone()
        if row is None:
            return None, False
        body, shown, tried, mode, url = row
        markdown = unpack(body).markdown if body is not None and shown else None
        return markdown, not tried and bool(url) and mode in ("on_open", "always")

    def wanting_full_text(self, limit: int) -> list[tuple[int, str, str]]:
        """(article id, page URL, feed URL) of the newest articles of feeds set
        to "always" that have no full text and no failed fetch yet."""
        rows = self.conn.execute(
            "SELECT a.id, a.url, f.url FROM feeds f JOIN articles a ON a.feed_id = f.id "
            "WHERE json_valid(f.settings) AND json_extract(f.settings, ?) = 'always' "
            "AND a.url IS NOT NULL AND a.url != '' "
            "AND NOT EXISTS (SELECT 1 FROM full_texts t WHERE t.article_id = a.id) "
            "ORDER BY a.published DESC, a.id DESC LIMIT ?",
            (f"$.{FULL_TEXT}", limit),
        ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

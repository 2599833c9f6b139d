"""Opening articles, changing their state, and keeping them fresh.

``ReadingBase`` sits on ``SourcesBase``: it opens an article (marks it
read, loads its note, converts the body in a thread worker), applies read
and star changes everywhere at once, and redraws after a refresh or when
another program (the CLI, cron) changed the database (``watch_database``).
"""

from __future__ import annotations

from dataclasses import replace

from textual import on, work
from textual.content import Content
from textual.widgets import TextArea
from textual.worker import get_current_worker

from tui.core import Article, NotFound, View, match_snippet
from tui.ui import safe
from tui.ui.messages import ArticleBody
from tui.ui.screens.sources import SourcesBase
from tui.ui.widgets.article_pane import BodyMatch, prepare_body
from tui.ui.widgets.notes import NotesPanel

__all__ = ["WATCH_EVERY", "ReadingBase"]

#: Seconds between looks at whether another program changed the database.
WATCH_EVERY = 2.0


class ReadingBase(SourcesBase):
    """Open articles and their state; navigation, notes and links build on it."""

    # -- opening articles ---------------------------------------------------------

    def open_article(self, article: Article) -> None:
        """Show an article, load its note and, as ``[reading] mark_read_on_open``
        says, mark it read; the body loads in a thread."""
        if not article.read and self.reading_config.mark_read_on_open:
            self.library.set_read([article.id], True)
            article = replace(article, read=True)
            self.article_list.replace_article(article)
            self._recount_article(article)
        terms = self.article_list.terms
        self.pane.show_article(article, terms)
        self._load_note(article)
        self.notes.query_one(TextArea).placeholder = Content("Write a note (Markdown)…")
        self._set_reading(True)
        if not self.notes.has_focus_within:
            self.pane.focus()
        self._load_body(article.id, terms)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _load_body(self, article_id: int, terms: tuple[str, ...] = ()) -> None:
        """Convert (if not done yet) and split the Markdown off the UI thread.

        With search terms it also finds the body snippet that shows them.
        """
        worker = get_current_worker()
        try:
            md = safe.clean_block(self.library.markdown(article_id))
            chunks, links = prepare_body(md)
            snippet = match_snippet(md, terms) if terms else ""
            # The pane's Markdown widget is imported on first use; the first
            # time, do it here rather than on the UI thread when mounting.
            import textual.widgets._markdown  # noqa: F401
        except Exception as exc:  # shown in the pane; never kills the app
            if not worker.is_cancelled:
                self.post_message(ArticleBody(article_id, [], error=safe.clean(str(exc))))
            return
        finally:
            self.library.release_thread()
        if not worker.is_cancelled:
            if snippet:
                self.post_message(BodyMatch(article_id, snippet))
            self.post_message(ArticleBody(article_id, chunks, links=links))

    def _load_note(self, article: Article) -> None:
        note = self.library.note(article.id)
        self.notes.load(
            article.id,
            note.body if note else "",
            article.title,
            created=note.created if note else None,
            updated=note.updated if note else None,
        )

    def on_article_body(self, message: ArticleBody) -> None:
        self.pane.show_body(message.article_id, message.chunks, message.error, message.links)

    def on_body_match(self, message: BodyMatch) -> None:
        self.pane.show_match(message.article_id, message.snippet)

    # -- article state ------------------------------------------------------------

    def _apply(self, article: Article) -> None:
        """An article changed state: show it everywhere and recount."""
        self.article_list.replace_article(article)
        self.pane.update_header(article)
        self._recount_article(article)

    def _save_note(self, article_id: int, body: str) -> None:
        self.library.set_note(article_id, body)

    @on(NotesPanel.Saved)
    def _note_saved(self, event: NotesPanel.Saved) -> None:
        article = self.library.article(event.article_id)
        self._apply(article)

    def action_toggle_read(self) -> None:
        article = self.target()
        if article is None:
            return
        self.library.set_read([article.id], not article.read)
        self._apply(replace(article, read=not article.read))

    def action_star(self) -> None:
        article = self.target()
        if article is None:
            return
        self.library.set_starred([article.id], not article.starred)
        self._apply(replace(article, starred=not article.starred))

    def action_mark_all_read(self) -> None:
        """A: mark the whole view read (u undoes it)."""
        lst = self.article_list
        if lst.searching and lst.notice:
            ids = []
        elif lst.searching:
            ids = self.library.mark_view_read(View(query=lst.search_query or ""))
        else:
            ids = self.library.mark_view_read(lst.view)
        if not ids:
            self.app.notify("Nothing unread here.", markup=False)
            return
        self._undo = ids
        lst.reload()
        self._refresh_open()
        self.refresh_counts()
        self.app.notify(f"Marked {len(ids)} read. Press u to undo.", markup=False)

    def action_undo(self) -> None:
        if not self._undo:
            self.app.notify("Nothing to undo.", markup=False)
            return
        ids, self._undo = self._undo, []
        self.library.set_read(ids, False)
        self.article_list.reload()
        self._refresh_open()
        self.refresh_counts()
        self.app.notify(f"Marked {len(ids)} unread again.", markup=False)

    def _refresh_open(self) -> None:
        if self.pane.article is not None:
            self.pane.update_header(self.library.article(self.pane.article.id))

    # -- refresh and outside changes ----------------------------------------------

    def refresh_live(self) -> None:
        """During a refresh: recount, and show new articles if the view grew."""
        self.refresh_counts()
        lst = self.article_list
        if lst.source_count() != lst.count - len(lst.gone_rows):
            lst.reload(keep=lst.current)
            self._show_source_header()
            self.status.set_counts(self.counts, lst.count)

    def after_refresh(self) -> None:
        """New articles arrived: recount, and reload the list keeping the cursor's article.

        What is shown is now up to date, so the database's version is noted:
        the refresh's own writes do not make ``watch_database`` reload again.
        """
        self.refresh_counts()
        self.article_list.reload(keep=self.article_list.current)
        self._show_source_header()
        self.status.set_counts(self.counts, self.article_list.count)
        self._seen_version = self.library.data_version()

    def watch_database(self) -> bool:
        """Timer: reload when another program (the CLI, cron) changed the database.

        SQLite's ``data_version`` on the UI thread's connection (a few
        microseconds, no table read) changes when any other connection
        commits, this app's own worker threads included.  While a worker
        runs nothing is reloaded (a refresh redraws when it ends), and each
        reload notes the version it saw, so an outside change costs one
        reload, not one per tick.  Returns whether it reloaded (for tests).
        """
        if getattr(self.app, "quitting", False):
            return False
        if any(worker.is_running for worker in self.app.workers):
            return False
        if self.library.data_version() == self._seen_version:
            return False
        self.after_refresh()
        self._reload_open()
        return True

    def _reload_open(self) -> None:
        """The open article after an outside change: its header, its note, or gone."""
        article = self.pane.article
        if article is None:
            return
        try:
            fresh = self.library.article(article.id)
        except NotFound:  # removed by the CLI (remove, cleanup)
            self.close_article()
            return
        self.pane.update_header(fresh)
        note = self.library.note(fresh.id)
        if not self.notes.dirty and (note.body if note else "") != self.notes.text:
            self._load_note(fresh)  # written with `gazette note` while shown here

"""Opening articles, changing their state, and keeping them fresh.

``ReadingBase`` sits on ``SourcesBase``: it opens an article (marks it
read, loads its note, converts the body in a thread worker), applies read
and star changes everywhere at once, and redraws after a refresh or when
another program (the CLI, cron) changed the database (``watch_database``).

Every Library call here runs in the screen's lane (``PanesBase.lane``: one
thread worker at a time, in the order asked) and answers with a message.
Read and star changes show at once: the row and the header change before
the write, the counts follow with its answer, and a write that fails (the
article removed by another program, a full disk) puts the row back
(``FlagLedger``) and says so on the status line.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.content import Content
from textual.widget import AwaitMount
from textual.widgets import TextArea

from tui.core import Article, Note, NotFound, StateChange, View
from tui.ui.collector import collect_when_idle
from tui.ui.messages import ArticleBody, BodyStored
from tui.ui.screens.answers import (
    ArticleReread,
    FlagWritten,
    Marked,
    NoteRead,
    Recount,
    ViewMarked,
)
from tui.ui.screens.sources import SourcesBase
from tui.ui.state import Counts, Flag, with_flag
from tui.ui.widgets.article_pane import BodyMatch
from tui.ui.widgets.notes import NotesPanel
from tui.ui.workers import Outcome, gone, unless_gone

__all__ = ["WATCH_EVERY", "ReadingBase"]

#: Seconds between looks at whether another program changed the database.
WATCH_EVERY = 2.0


class ReadingBase(SourcesBase):
    """Open articles and their state; navigation, notes and links build on it."""

    # -- opening articles ---------------------------------------------------------

    def open_article(self, article: Article, then: Callable[[], None] | None = None) -> None:
        """Show an article, load its note and, as ``[reading] mark_read_on_open``
        says, mark it read; the body loads in a thread.

        ``then`` runs once its note is loaded (``e`` focuses the editor then).
        """
        terms = self.article_list.terms
        clean = self._own_write_clean()
        if not clean:  # something changed outside: bodies prepared ahead may be stale
            self.bodies.forget()
        self.bodies.load(article.id, terms, self.pane.body_width, clean=clean)
        self.paint_hold.hold(self.app)
        if not article.read and self.reading_config.mark_read_on_open:
            article = self._set_flag(article, "read", True, opened=True)
        self.pane.show_article(article, terms)
        self._load_note(article)
        if then is not None:
            self.after_note(article.id, then)
        self.notes.query_one(TextArea).placeholder = Content("Write a note (Markdown)…")
        self._set_reading(True)
        if not self.notes.has_focus_within:
            self.pane.focus()

    def _load_note(self, article: Article) -> None:
        """Read the note in the lane, then bind the notes panel to the article.

        Until the note is read the panel is bound to nothing (its previous
        article's note is saved first), so no keystroke can land in the
        wrong note; what waits for it runs then (``after_note``).
        """
        if self.notes.article_id != article.id:
            self.notes.load(None, "")
            self._note_then = None
        self._note_wanted = article.id

        def read() -> tuple[Article | None, Note | None]:
            return article, self.library.note(article.id)

        self.lane.put(read, lambda outcome: NoteRead(article.id, outcome))

    def after_note(self, article_id: int, then: Callable[[], None]) -> None:
        """Run ``then`` once the notes panel holds this article's note (now, if it does)."""
        if self.notes.article_id == article_id:
            then()
        else:
            self._note_then = then

    @unless_gone
    def on_note_read(self, message: NoteRead) -> None:
        """Bind the panel to the note just read, if its article is still the open one.

        After an outside change the article was read again too: it is gone
        (the pane closes), or its header is redrawn.  A note typed into
        since it was asked for is kept, not replaced.
        """
        shown = self.pane.article
        if message.article_id != self._note_wanted or shown is None:
            return
        if shown.id != message.article_id:
            return
        if message.outcome.value is None:
            self.status.flash(f"Note not loaded: {message.outcome.error}")
            return
        fresh, note = message.outcome.value
        if fresh is None:  # removed by the CLI (remove, cleanup)
            self.close_article()
            return
        if fresh is not shown and fresh.id not in self.ledger:
            self.pane.update_header(fresh)
        body = note.body if note else ""
        same = self.notes.article_id == message.article_id
        if not (same and (self.notes.dirty or body == self.notes.text)):
            self.notes.load(
                message.article_id,
                body,
                shown.title,
                created=note.created if note else None,
                updated=note.updated if note else None,
            )
        then, self._note_then = self._note_then, None
        if then is not None:
            then()

    def on_unmount(self) -> None:
        self.bodies.close()
        self.paint_hold.release()

    @unless_gone
    def on_article_body(self, message: ArticleBody) -> None:
        """Show the body, and paint the opened article at last (``bodies`` says why).

        The paint waits for the body's widgets to be mounted, so that the
        first frame of the article has its text (released at once, that
        frame showed the pane without it, and the text came a frame later).
        The wait runs beside the screen's messages, not in their way.
        """
        mounted = self.pane.show_body(
            message.article_id, message.chunks, message.error, message.links, full=message.full
        )
        self.run_worker(
            self._paint_when_mounted(message.article_id, mounted),
            name="article-paint",
            group="article-paint",
            exit_on_error=False,
        )

    async def _paint_when_mounted(self, article_id: int, mounted: AwaitMount | None) -> None:
        """Let the screen paint once the body is mounted (``HOLD_AT_MOST`` still
        bounds the hold), then, after that paint, let the body thread store a
        fresh conversion and prepare the next bodies, and collect garbage."""
        if mounted is not None:
            await mounted
        shown = self.pane.article
        if not gone(self) and shown is not None and shown.id == article_id:
            self.paint_hold.release()
            self.call_after_refresh(self.bodies.painted, article_id)
            self.call_after_refresh(self._read_ahead, article_id)
            self.call_after_refresh(collect_when_idle, self.app)

    def _read_ahead(self, article_id: int) -> None:
        """Once the article has painted: prepare the bodies of the two rows
        after it and of the one before (``Bodies.prefetch``), where the reader
        goes from here (rows the list holds; the cursor's row is looked at first)."""
        lst = self.article_list
        shown = self.pane.article
        if gone(self) or shown is None or shown.id != article_id:
            return
        here = lst.held_article_at(lst.cursor)
        at = lst.cursor if here is not None and here.id == article_id else None
        if at is None and (at := lst.held_row_of(article_id)) is None:
            return
        near = (lst.held_article_at(i) for i in (at + 1, at + 2, at - 1))
        ids = [article.id for article in near if article is not None]
        self.bodies.prefetch(ids, lst.terms, self.pane.body_width)

    @unless_gone
    def on_body_stored(self, message: BodyStored) -> None:
        """A body converted on its first open was stored: that commit is the
        app's own, not a change from outside to reload for."""
        self._own_write_seen(message.clean)

    @unless_gone
    def on_body_match(self, message: BodyMatch) -> None:
        self.pane.show_match(message.article_id, message.snippet)

    # -- article state ------------------------------------------------------------

    def _apply(self, article: Article) -> None:
        """An article's new state: its row and, if open, the pane's header."""
        self.article_list.replace_article(article)
        if self.pane.article is not None and self.pane.article.id == article.id:
            self.pane.update_header(article)

    def _set_flag(
        self, article: Article, flag: Flag, value: bool, *, opened: bool = False
    ) -> Article:
        """Show ``flag`` = ``value`` at once, and store it in the lane.

        The answer (``FlagWritten``) brings the counts it moved, or puts the
        row back when it failed.  Returns the article as now shown.
        ``opened``: the read mark that opening makes, kept out of the undo
        history (see ``Library.read_on_open``).
        """
        after = self.ledger.shown(with_flag(article, flag, value))
        self.ledger.begin(article, after, flag)
        self._apply(after)
        setter = self.library.set_read if flag == "read" else self.library.set_starred
        if opened:
            setter = self.library.read_on_open
        recount = self._recount(article)
        clean = self._own_write_clean()

        def write() -> tuple[StateChange, Recount]:
            return setter([article.id], value), recount()

        def answer(outcome: Outcome[tuple[StateChange, Recount]]) -> FlagWritten:
            return FlagWritten(after, flag, outcome, clean=clean)

        self.lane.put(write, answer)
        return after

    @unless_gone
    def on_flag_written(self, message: FlagWritten) -> None:
        """Show the counts a change moved; put the row back if it was not stored."""
        article, flag, outcome = message.article, message.flag, message.outcome
        value = bool(getattr(article, flag))
        error = outcome.error
        if outcome.value is not None and outcome.value[0].missing:
            error = "the article is gone (removed by another program)"
        back = self.ledger.end(article.id, flag, value, ok=not error)
        if back is not None:
            self._apply(back)
        if error:
            self.status.flash(f"Not saved: {error}")
        if outcome.value is not None:
            self._apply_recount(outcome.value[1])
            if not error:
                self._own_write_seen(message.clean)

    def _save_note(self, article_id: int, body: str) -> None:
        """The notes panel's save: in the lane while typing, here when flushed."""
        self.library.set_note(article_id, body)

    @on(NotesPanel.Saved)
    @unless_gone
    def _note_saved(self, event: NotesPanel.Saved) -> None:
        """A note was saved: its row's marker and the Noted count follow (read in the lane).

        An autosave wrote on the lane's connection: that commit is the app's own.
        """
        article_id = event.article_id
        if event.clean is not None:
            self._own_write_seen(event.clean)

        def read() -> tuple[Article, Recount | None]:
            article = self.library.article(article_id)
            return article, self._recount(article)()

        self.lane.put(read, ArticleReread)

    def _reread(self, article_id: int) -> None:
        """Read an article again (its tags changed): its row and header follow."""

        def read() -> tuple[Article, Recount | None]:
            return self.library.article(article_id), None

        self.lane.put(read, ArticleReread)

    @unless_gone
    def on_article_reread(self, message: ArticleReread) -> None:
        if message.outcome.value is None:
            return  # gone since: the next outside-change reload shows that
        article, recount = message.outcome.value
        self._apply(self.ledger.shown(article))
        if recount is not None:
            self._apply_recount(recount)

    def action_toggle_read(self) -> None:
        article = self.target()
        if article is not None:
            self._set_flag(article, "read", not article.read)

    def action_star(self) -> None:
        article = self.target()
        if article is not None:
            self._set_flag(article, "starred", not article.starred)

    def action_mark_all_read(self) -> None:
        """A: mark the whole view read (u undoes it)."""
        lst = self.article_list
        if lst.searching and lst.notice:
            self.app.notify("Nothing unread here.", markup=False)
            return
        view = View(query=lst.search_query or "") if lst.searching else lst.view
        self._mark(lambda: self.library.mark_view_read(view))

    def _mark(self, change: Callable[[], list[int]]) -> None:
        """Run a change of many articles in the lane, then read what it moved."""
        open_id = self.pane.article.id if self.pane.article is not None else None
        clean = self._own_write_clean()

        def run() -> Marked:
            ids = change()
            lib = self.library
            counts = Counts.read(
                lib.feeds(),
                lib.smart_counts(),
                lib.tags(),
                (),
                lib.accounts(),
                lib.folder_unread_copies(),
            )
            try:
                shown = lib.article(open_id) if open_id is not None else None
            except NotFound:
                shown = None
            return Marked(ids, counts, shown)

        def answer(outcome: Outcome[Marked]) -> ViewMarked:
            return ViewMarked(outcome, clean=clean)

        self.lane.put(run, answer)

    @unless_gone
    def on_view_marked(self, message: ViewMarked) -> None:
        marked = message.outcome.value
        if marked is None:
            self.app.notify(f"Not saved: {message.outcome.error}", severity="error", markup=False)
            return
        if not marked.ids:
            self.app.notify("Nothing unread here.", markup=False)
            return
        self.article_list.reload()
        shown = self.pane.article
        if marked.open is not None and shown is not None and shown.id == marked.open.id:
            self.pane.update_header(marked.open)
        self._show_counts(marked.counts)
        self._own_write_seen(message.clean)
        self.app.notify(f"Marked {len(marked.ids)} read. Press u to undo.", markup=False)

    # -- refresh and outside changes ----------------------------------------------

    def _own_write_clean(self) -> bool:
        """Before a write: whether everything committed elsewhere is already shown."""
        return self.library.data_version() == self._seen_version

    def _own_write_seen(self, clean: bool) -> None:
        """After this screen's own write: its commit is no outside change.

        Writes run on the lane's connection, so the UI thread's
        ``data_version`` moves with them; noting the new version keeps
        ``watch_database`` from reloading everything after each key.  Only
        when nothing from outside was pending before the write (``clean``):
        a change that lands while the write runs is taken for the app's own,
        as one that lands during a refresh is (``after_refresh``).
        """
        if clean:
            self._seen_version = self.library.data_version()

    def refresh_live(self) -> None:
        """During a refresh: recount, and show new articles if the view grew
        (the list counts its view in the lane).  Bodies prepared ahead may be
        stale now."""
        self.bodies.forget()
        self.refresh_counts()
        self.article_list.recount(self._show_source_header)

    def after_refresh(self) -> None:
        """New articles arrived: recount, and reload the list keeping the cursor's article.

        What is shown is now up to date, so the database's version is noted:
        the refresh's own writes do not make ``watch_database`` reload again.
        """
        self.bodies.forget()
        self.refresh_counts()
        self.article_list.reload(keep=self.article_list.current)
        self._show_source_header()
        self._seen_version = self.library.data_version()

    def watch_database(self) -> bool:
        """Timer: reload when another program (the CLI, cron) changed the database.

        SQLite's ``data_version`` on the UI thread's connection (a few
        microseconds, no table read) changes when any other connection
        commits, this app's own worker threads included.  While a worker
        runs nothing is reloaded (a refresh redraws when it ends; the lane's
        own writes are noted as seen when they answer, ``_own_write_seen``),
        and each reload notes the version it saw, so an outside change costs
        one reload, not one per tick.  Returns whether it reloaded (for tests).
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
        article_id = article.id

        def read() -> tuple[Article | None, Note | None]:
            try:
                return self.library.article(article_id), self.library.note(article_id)
            except NotFound:
                return None, None

        self._note_wanted = article_id
        self.lane.put(read, lambda outcome: NoteRead(article_id, outcome))

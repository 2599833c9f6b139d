"""The notes keys: write a note (e), quote into it (Q), show or hide the panel (E).

``NoteActions`` is a layer of ``MainScreen`` on ``ReadingBase``.  A note is
only ever typed beside the article it belongs to: these actions open that
article first, and the panel takes keys only while it shows
(``PanesBase._sync_panes``).  The note is read in the lane, so what these
keys do to the panel waits for it (``ReadingBase.after_note``).
"""

from __future__ import annotations

from tui.ui.screens.reading import ReadingBase
from tui.ui.widgets.notes import quote_block

__all__ = ["NoteActions"]


class NoteActions(ReadingBase):
    """e, Q and E."""

    # -- notes --------------------------------------------------------------------

    def action_edit_note(self) -> None:
        """e: write in the note of the article keys act on, with it on screen.

        That article is opened first unless it is the one the pane shows, so
        a note is only ever typed beside the article it belongs to.
        """
        article = self.target()
        if article is None:
            return
        shown = self.pane.article
        if not self.reader_shown or shown is None or shown.id != article.id:
            self.open_article(article)
        self.add_class("-notes")
        self._sync_panes()
        self.after_note(article.id, self.notes.focus_editor)

    def action_quote_to_note(self) -> None:
        """Q: append the selection (or the current paragraph) to the note as a quote.

        The quote is followed by a link to the article, the notes panel opens
        with the cursor after it, and the note is saved at once.  A selection
        is quoted once: it is cleared afterwards, so the next Q quotes the
        paragraph again.
        """
        article = self.pane.article
        if article is None:
            self.app.notify("Open an article to quote from it.", markup=False)
            return
        selected = self.pane.selected_text()
        text = selected or self.pane.current_block_text()
        if not text:
            loading = self.pane.loading_body
            self.app.notify(
                "The article is still loading." if loading else "Nothing to quote here.",
                markup=False,
            )
            return
        if self.notes.article_id != article.id:  # never quote into another article's note
            self._load_note(article)
        self._set_reading(True)
        self.add_class("-notes")
        self._sync_panes()  # the panel takes text only while it shows

        def quote() -> None:
            if not self.notes.append(quote_block(text, article.title, article.url)):
                return
            if selected:
                self.clear_selection()
            self.notes.flush()
            self.notes.focus_editor()

        self.after_note(article.id, quote)

    def action_toggle_notes(self) -> None:
        """E: show or hide the notes panel (it shows beside an open article)."""
        if self.has_class("-notes"):
            self.notes.flush()
            self.remove_class("-notes")
            self._sync_panes()
            if self.reader_shown:
                self.pane.focus()
        else:
            self.add_class("-notes")
            self._sync_panes()
            if not self.notes_shown:
                self.status.flash("The notes panel shows beside an open article.")

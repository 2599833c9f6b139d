"""Notes: an article's note, read and written; noted articles listed and exported
(one Markdown file per note, or one digest: :mod:`tui.core.export`, loaded by
the verbs that export: ~6 ms the reader's first screen does not need)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from tui.core.library.articles import ArticlesMixin
from tui.core.library.base import LibraryBase
from tui.core.library.history import undoable
from tui.core.models import Article, ExportReport, Note, View


class NotesMixin(ArticlesMixin):
    """Notes and their export (one file per note, or one digest)."""

    def note(self, article_id: int) -> Note | None:
        return self.store.note(article_id)

    def noted_articles(self) -> list[tuple[Article, Note]]:
        """Every noted article with its note, newest first, read in one go
        (a listing of notes need not ask for each note on its own)."""
        return self.store.noted_articles()

    @undoable(lambda lib, _, article_id, body: _note_label(lib, article_id, body))
    def set_note(self, article_id: int, body: str) -> None:
        """Save (or, when blank, delete) an article's note, atomically."""
        self.store.save_note(article_id, body, self._now())

    # -- export -----------------------------------------------------------

    def export_notes(
        self, folder: Path, *, force: bool = False, query: str | None = None
    ) -> ExportReport:
        """Write noted articles (those matching ``query`` if given) as Markdown
        files into ``folder`` (see :mod:`tui.core.export`)."""
        from tui.core import export

        items = export.notes_for_export(self.store, article_ids=self._query_ids(query))
        return export.export_notes(items, folder, force=force, now=self._now())

    def export_digest(
        self,
        path: Path,
        *,
        group_by: Literal["feed", "tag"] = "feed",
        query: str | None = None,
    ) -> int:
        """Write every note (or those on articles matching ``query``) into one
        digest file; returns how many notes it holds."""
        from tui.core import export

        items = export.notes_for_export(self.store, article_ids=self._query_ids(query))
        return export.export_digest(items, path, group_by=group_by, now=self._now())

    def _query_ids(self, query: str | None) -> list[int] | None:
        """The articles an export is limited to: None (all) without a query.

        Here rather than in each caller, so the command line and the reader
        cannot come to disagree on what "export the notes matching" means.
        """
        return None if query is None else self.view_ids(View(query=query))


def _note_label(lib: LibraryBase, article_id: int, body: str) -> str:
    """ "Edited note on <title>" (or "Deleted note on ...", for a blank note)."""
    verb = "Deleted" if not body.strip() else "Edited"
    return f"{verb} note on {lib.store.article(article_id).title or 'an untitled article'}"

"""Undo and redo on the reader screen: ``u``, and ``U`` or ``ctrl+r``.

``UndoActions`` is a layer of ``MainScreen`` on ``ReadingBase``.  The history
is the database's (:meth:`Library.undo`), so ``u`` takes back the newest
change whoever made it: this session, an earlier one, or the command line.
The call runs in the screen's lane like every other write; the status line
says what was undone ("Undone: marked 12 articles read"), and the feed list,
the counts, the article list and the open article are read again, since an
undo may bring back a deleted feed or change any tag, note or saved search.
"""

from __future__ import annotations

from collections.abc import Callable

from tui.core import HistoryEntry, history_line
from tui.ui.screens.answers import HistoryReplayed
from tui.ui.screens.reading import ReadingBase
from tui.ui.workers import unless_gone

__all__ = ["UndoActions"]


class UndoActions(ReadingBase):
    """u undoes the newest change; U and ctrl+r redo the one undone last."""

    def action_undo(self) -> None:
        """u: undo the newest change (this session's or an earlier one's, or the CLI's)."""
        self._replay(self.library.undo, "Undone")

    def action_redo(self) -> None:
        """U, ctrl+r: redo the change undone last."""
        self._replay(self.library.redo, "Redone")

    def _replay(self, call: Callable[[], HistoryEntry | None], verb: str) -> None:
        """Undo or redo in the lane; the answer redraws everything it may have moved."""
        self.lane.put(call, lambda outcome: HistoryReplayed(outcome, verb))

    @unless_gone
    def on_history_replayed(self, message: HistoryReplayed) -> None:
        """Say what was undone or redone, then show the data as it now is: an
        undo may touch any feed, tag, note or saved search, so the lists, the
        counts and the open article are all read again (as after an outside
        change, whose redraw this is)."""
        outcome, what = message.outcome, "undo" if message.verb == "Undone" else "redo"
        if outcome.value is None:
            self.status.flash(
                f"Cannot {what}: {outcome.error}" if outcome.error else f"Nothing to {what}."
            )
            return
        self.status.flash(history_line(message.verb, outcome.value.label))
        self.show_changed_data()

    def show_changed_data(self) -> None:
        """Read the lists, the counts and the open article again (after an undo,
        or a rule changed or applied in the Rules screen)."""
        self.bodies.forget()
        self.refresh_counts(with_searches=True)
        self.article_list.reload(keep=self.article_list.current)
        self._show_source_header()
        self._reload_open()
        # The write is this app's own: no reload for it from watch_database.
        self._seen_version = self.library.data_version()

"""The status line: article counts and refresh progress (with how to stop it).

It holds numbers only, plus short messages the app writes (never untrusted
text, which would go through ``safe`` anyway), and renders them as
``Content`` so nothing in it is ever parsed as markup.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui.ui import safe


class StatusBar(Static):
    """One line: the view's size, the smart counts, then refresh progress or its result."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Content(""), id=id)
        self.counts: dict[str, int] = {}
        self.view_count = 0
        self.refreshing = False
        self.done = 0
        self.total = 0
        self.failed = 0
        self.stopping = False
        #: Shown after the progress while refreshing, e.g. "x to stop".
        self.hint = ""
        self.message = ""

    def set_counts(self, counts: dict[str, int], view_count: int) -> None:
        self.counts = dict(counts)
        self.view_count = view_count
        self._draw()

    def refresh_started(self, total: int, hint: str = "") -> None:
        self.refreshing, self.done, self.total, self.failed = True, 0, total, 0
        self.stopping = False
        self.hint = hint
        self.message = ""
        self._draw()

    def refresh_stopping(self) -> None:
        """The user asked the refresh to stop; it ends within moments."""
        self.stopping = True
        self._draw()

    def refresh_progress(self, done: int, total: int, failed: bool) -> None:
        self.done, self.total = done, total
        self.failed += int(failed)
        self._draw()

    def refresh_finished(self, message: str) -> None:
        self.refreshing = self.stopping = False
        self.message = message
        self._draw()

    @property
    def plain(self) -> str:
        """What the line says (for tests)."""
        return self._text()

    def _text(self) -> str:
        c = self.counts
        parts = [
            f"{self.view_count} here",
            f"{c.get('unread', 0)} unread",
            f"{c.get('starred', 0)} starred",
            f"{c.get('noted', 0)} noted",
            f"{c.get('all', 0)} total",
        ]
        left = " · ".join(parts)
        if self.refreshing:
            verb = "Stopping the refresh at" if self.stopping else "Refreshing"
            right = f"{verb} {self.done}/{self.total}"
            if self.failed:
                right += f", {self.failed} failed"
            if self.hint and not self.stopping:
                right += f" ({self.hint})"
        else:
            right = safe.clean(self.message)
        return f"{left}   {right}" if right else left

    def _draw(self) -> None:
        self.update(Content(self._text()))

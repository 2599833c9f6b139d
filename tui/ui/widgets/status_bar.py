"""The status line: article counts, refresh and sync progress (with how to stop
them), and the changes waiting for a sync account ("offline: 3 changes waiting").

It holds numbers only, plus short messages the app writes (never untrusted
text, which would go through ``safe`` anyway), and renders them as
``Content`` so nothing in it is ever parsed as markup.  The numbers are the
reader screen's ``Counts`` and ``ListHeader`` (reactives bound with
``data_bind``), the ones the feed list and the list header show.

It always fits its width (issue 13: at 80 columns "Refreshing 0/7 (x to
stop)" was cut to "(x to"): the least useful parts go first (the total, the
noted and starred counts, the stop hint, the view's size), and a message
still too long is shortened at a word with "…", never in the middle of one.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static

from tui.core import plural
from tui.ui import safe
from tui.ui.state import Counts, ListHeader

#: Seconds a notice ("No more unread in this view") stays on the line.
NOTICE_SECONDS = 6.0
#: Parts of the line in the order they are dropped when it does not fit.
DROP_ORDER = ("total", "noted", "starred", "hint", "sync", "here")
#: Between the counts and the progress or message.
GAP = "   "


def cut_at_word(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, cut after a whole word with "…".

    A single word longer than the width is the one case cut inside a word.
    """
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    head = safe.truncate(text, width)[:-1]  # fits with the ellipsis
    space = head.rfind(" ")
    if space > 0 and text[len(head)] != " ":
        head = head[:space]
    return head.rstrip(" ·,;:(") + "…"


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

    counts: reactive[Counts] = reactive(Counts(), init=False, layout=False, repaint=False)
    """The smart views' totals (bound to the screen's)."""
    header: reactive[ListHeader] = reactive(ListHeader(), init=False, layout=False, repaint=False)
    """The view's size, "N here" (bound to the screen's)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Content(""), id=id)
        self.refreshing = False
        self.done = 0
        self.total = 0
        self.failed = 0
        self.stopping = False
        #: Shown after the progress while refreshing, e.g. "x to stop".
        self.hint = ""
        #: What the sync that follows the refresh is doing ("home: fetching items").
        self.syncing = ""
        self.message = ""
        #: A short-lived answer to a key ("No more unread in this view"); wins over the rest.
        self.notice = ""
        self._notice_timer: Timer | None = None

    def watch_counts(self) -> None:
        self._draw()

    def watch_header(self) -> None:
        self._draw()

    def refresh_started(self, total: int, hint: str = "") -> None:
        self.refreshing, self.done, self.total, self.failed = True, 0, total, 0
        self.stopping = False
        self.syncing = ""
        self.hint = hint
        self.message = ""
        self._end_notice()

    def refresh_stopping(self) -> None:
        """The user asked the refresh to stop; it ends within moments."""
        self.stopping = True
        self._draw()

    def refresh_progress(self, done: int, total: int, failed: bool) -> None:
        self.done, self.total = done, total
        self.failed += int(failed)
        self._draw()

    def sync_progress(self, step: str) -> None:
        """The sync (after the feeds) is at ``step``."""
        self.syncing = step
        self._draw()

    def refresh_finished(self, message: str) -> None:
        self.refreshing = self.stopping = False
        self.syncing = ""
        self.message = message
        self._end_notice()

    def flash(self, notice: str, seconds: float = NOTICE_SECONDS) -> None:
        """Answer a key on the line for a few seconds (instead of a pop-up)."""
        self._end_notice()
        self.notice = notice
        self._notice_timer = self.set_timer(seconds, self._end_notice, name="status-notice")
        self._draw()

    def _end_notice(self) -> None:
        """The notice goes (its time is up, or a refresh has news), and the line is redrawn."""
        if self._notice_timer is not None:
            self._notice_timer.stop()
            self._notice_timer = None
        self.notice = ""
        self._draw()

    @property
    def plain(self) -> str:
        """What the line says at its current width (for tests)."""
        return self._text(self._width())

    def _width(self) -> int | None:
        """Cells for the text (None before the first layout: say everything)."""
        width = self.content_region.width
        return width if width > 0 else None

    def _text(self, width: int | None = None) -> str:
        """The fullest wording that fits ``width``, dropping parts in ``DROP_ORDER``."""
        dropped: set[str] = set()
        line = self._line(dropped)
        for part in DROP_ORDER:
            if width is None or cell_len(line) <= width:
                return line
            dropped.add(part)
            line = self._line(dropped)
        return line if width is None else cut_at_word(line, width)

    def _line(self, dropped: set[str]) -> str:
        c = self.counts.smart
        parts = [
            ("here", f"{self.header.count} here"),
            ("unread", f"{c.get('unread', 0)} unread"),
            ("starred", f"{c.get('starred', 0)} starred"),
            ("noted", f"{c.get('noted', 0)} noted"),
            ("total", f"{c.get('all', 0)} total"),
        ]
        waiting = self.counts.pending
        if waiting:
            changes = plural(waiting, "change")
            said = f"offline: {changes} waiting" if self.counts.offline else f"{changes} to send"
            parts.append(("sync", said))
        left = " · ".join(text for key, text in parts if key not in dropped)
        right = self._right(hint="hint" not in dropped)
        return f"{left}{GAP}{right}" if right else left

    def _right(self, *, hint: bool) -> str:
        """The notice, else the refresh's progress (with the stop hint), else its result."""
        if self.notice:
            return safe.clean(self.notice)
        if not self.refreshing:
            return safe.clean(self.message)
        if self.syncing:
            right = f"{'Stopping: ' if self.stopping else 'Syncing '}{safe.clean(self.syncing)}"
        else:
            verb = "Stopping the refresh at" if self.stopping else "Refreshing"
            right = f"{verb} {self.done}/{self.total}"
            if self.failed:
                right += f", {self.failed} failed"
        if hint and self.hint and not self.stopping:
            right += f" ({self.hint})"
        return right

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        self.update(Content(self._text(self._width())))

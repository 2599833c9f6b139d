"""The reader screen's panes: its state, its widgets and which of them show.

``PanesBase`` is the bottom layer of ``MainScreen`` (see ``screens/main.py``
for how the layers stack): it holds the screen's state and the rules of the
layout by width, and keeps what may take keys in step with what is on
screen (``_sync_panes``).  The layers above it read and write that state;
only this module decides which pane shows.

The counts and the list header are reactive state (``tally``,
``list_header``): the feed list, the header, the banner and the status line
are bound to them in ``compose``, so setting one redraws every place that
shows it.  The screen's Library calls go through ``lane`` (one thread
worker at a time, in order), and come back as messages.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from textual.reactive import reactive
from textual.screen import Screen

from tui.config import ReadingConfig
from tui.core import Article, Feed, Library, SavedSearch, TagCount
from tui.ui.screens.bodies import Bodies
from tui.ui.screens.paint_hold import PaintHold
from tui.ui.state import Counts, FlagLedger, ListHeader
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.article_pane import ArticlePane
from tui.ui.widgets.feed_list import FeedList, Source
from tui.ui.widgets.notes import NotesPanel
from tui.ui.widgets.search_bar import SearchBar
from tui.ui.widgets.status_bar import StatusBar
from tui.ui.workers import Lane

__all__ = ["MEDIUM", "WIDE", "PanesBase"]

WIDE = 150
MEDIUM = 100

#: The screen's width classes, set on resize (``_layout``).
LAYOUTS = ("-wide", "-medium", "-narrow")

#: Each pane's width (None: hidden) by layout, while browsing and while
#: reading: feeds, list, reader.  Three panes show the reader once an article
#: is open; two panes swap the feeds for the reader while reading; one pane
#: shows only the reader while reading.
PANE_WIDTHS: dict[tuple[str, bool], tuple[str | None, str | None, str | None]] = {
    ("-wide", False): ("30", "1fr", None),
    ("-wide", True): ("30", "1fr", "1fr"),
    ("-medium", False): ("28", "1fr", None),
    ("-medium", True): (None, "2fr", "3fr"),
    ("-narrow", False): ("24", "1fr", None),
    ("-narrow", True): (None, None, "1fr"),
}


class PanesBase(Screen[None]):
    """The reader's state and panes; ``MainScreen`` builds on it."""

    tally: reactive[Counts] = reactive(Counts, init=False, layout=False, repaint=False)
    """Every count on screen, read together (the feed list and status line show it)."""
    list_header: reactive[ListHeader] = reactive(
        ListHeader, init=False, layout=False, repaint=False
    )
    """What the article list shows (the header, the banner and "N here" show it)."""

    # -- state --------------------------------------------------------------------

    def __init__(
        self,
        library: Library,
        *,
        clock: Callable[[], float] = time.time,
        reading: ReadingConfig | None = None,
    ) -> None:
        """``reading``: the ``[reading]`` settings (None: the defaults), which
        decide the initial order, the body width and whether opening marks read."""
        super().__init__(id="main")
        self.library = library
        self.clock = clock
        self.reading_config = reading or ReadingConfig()
        self.source: Source | None = None
        #: The screen's Library calls, one at a time in the order asked.
        self.lane = Lane(self, library, name="reader-lane")
        #: Article bodies, prepared in their own thread (``bodies`` says why).
        self.bodies = Bodies(self, library)
        #: The paint held while an article opens, until its body is shown.
        self.paint_hold = PaintHold()
        #: Read and star changes shown before they are stored.
        self.ledger = FlagLedger()
        #: What the list showed when the search box opened: (source, article under the cursor).
        self._before_search: tuple[Source | None, Article | None] | None = None
        #: Whether the list holds the search box's results (not the view it replaced).
        self._results_shown = False
        #: The order of a view flipped with O (by source key), kept for the session.
        self._order: dict[str, bool] = {}
        #: The order of every other view (the ``[reading] sort`` setting).
        self.newest_first_default = self.reading_config.sort != "oldest"
        #: SQLite's data_version as of the last reload (see watch_database).
        self._seen_version = 0
        #: Whether the article pane shows the open article in place of other panes.
        self._reading = False
        #: The article whose note the lane is reading (the notes panel waits for it).
        self._note_wanted: int | None = None
        #: What waits for that note (``e`` focusing the editor, ``Q`` quoting).
        self._note_then: Callable[[], None] | None = None

    # -- counts, as shown ---------------------------------------------------------

    @property
    def feeds(self) -> Mapping[int, Feed]:
        """Every feed by id, with its unread count."""
        return self.tally.feeds

    @property
    def counts(self) -> Mapping[str, int]:
        """The smart views' totals: all, unread, starred, noted."""
        return self.tally.smart

    @property
    def tags(self) -> tuple[TagCount, ...]:
        return self.tally.tags

    @property
    def searches(self) -> tuple[SavedSearch, ...]:
        """Saved searches with their unread counts (as last counted by the worker)."""
        return self.tally.searches

    # -- widgets ------------------------------------------------------------------

    @property
    def feed_list(self) -> FeedList:
        return self.query_one("#feeds", FeedList)

    @property
    def article_list(self) -> ArticleList:
        return self.query_one("#articles", ArticleList)

    @property
    def pane(self) -> ArticlePane:
        return self.query_one("#article", ArticlePane)

    @property
    def notes(self) -> NotesPanel:
        return self.query_one("#notes", NotesPanel)

    @property
    def status(self) -> StatusBar:
        return self.query_one("#status", StatusBar)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one("#search", SearchBar)

    # -- layout -------------------------------------------------------------------

    def _layout(self, width: int) -> None:
        self._set_width_class(width)
        self._sync_panes()

    def _set_width_class(self, width: int, *, update: bool = True) -> None:
        """``-wide``, ``-medium`` or ``-narrow`` by the terminal's width (see LAYOUTS)."""
        self.set_class(width >= WIDE, "-wide", update=update)
        self.set_class(MEDIUM <= width < WIDE, "-medium", update=update)
        self.set_class(width < MEDIUM, "-narrow", update=update)

    @property
    def reading(self) -> bool:
        return self._reading

    def _set_reading(self, reading: bool) -> None:
        self._reading = reading
        self._sync_panes()

    def _place_panes(self) -> None:
        """Show, hide and size the three panes by the layout and whether one reads.

        Set on the panes themselves (``PANE_WIDTHS``), not as a class of the
        screen: Textual restyles every widget under a node whose classes
        change, and opening an article and going back did that each time
        (tens of milliseconds, most of an open).  The width classes
        (``-wide`` and so on) change only when the terminal is resized.
        """
        layout = next(c for c in LAYOUTS if self.has_class(c))
        showing = self.reading if layout != "-wide" else self.pane.article is not None
        panes = (self.query_one("#feeds"), self.query_one("#list-pane"), self.query_one("#reader"))
        for pane, width in zip(panes, PANE_WIDTHS[layout, showing], strict=True):
            pane.display = width is not None
            if width is not None:
                pane.styles.width = width

    @property
    def reader_shown(self) -> bool:
        """Whether the article pane is on screen, by the layout rules (``PANE_WIDTHS``).

        Worked out from the layout rather than read from the styles, which
        Textual applies only after the key being handled: three panes show
        the article pane once an article is open, fewer panes while reading.
        """
        if self.has_class("-wide"):
            return self.pane.article is not None
        return self.reading

    @property
    def notes_shown(self) -> bool:
        """Whether the notes panel is on screen (and so may take focus and keys)."""
        return self.reader_shown and self.has_class("-notes") and self.pane.article is not None

    def _sync_panes(self) -> None:
        """Keep what may take keys in step with what is on screen.

        Why: a notes editor left focused after its pane was hidden took the
        user's typing into a note nobody could see (issue 13).  The notes
        panel is told whether it shows: hidden, it saves its note to its own
        article and its editor cannot be focused; focus it had moves to a
        pane on screen.  The panes are placed first (``_place_panes``).
        """
        if not any(self.has_class(c) for c in LAYOUTS):
            return  # before the first layout (the screen has no size yet)
        self._place_panes()
        shown = self.notes_shown
        focused = self.focused
        if not shown and focused is not None and self.notes in focused.ancestors_with_self:
            (self.pane if self.reader_shown else self.article_list).focus()
        self.notes.set_shown(shown)

    def close_article(self) -> None:
        """Close the open article: its note is saved to it, the pane and notes empty.

        The notes panel is unbound (nothing can be typed into it) until the
        next article opens and binds it to that article.  Focus in the
        article or its note moves to the list.
        """
        focused = self.focused
        if focused is not None and self.query_one("#reader") in focused.ancestors_with_self:
            self.article_list.focus()
        self.paint_hold.release()
        self.notes.flush()
        self.pane.clear()
        self.notes.load(None, "")
        self._set_reading(False)

    def target(self) -> Article | None:
        """The article keys act on: the open one when reading, else the list's."""
        focused = self.focused
        in_reader = focused is not None and (
            focused is self.pane or self.query_one("#reader") in focused.ancestors
        )
        if self.pane.article is not None and (in_reader or self.reading):
            return self.pane.article
        return self.article_list.current

"""The search box: a one-line input docked above the article list.

Why a debounce and a thread worker: a full-text query takes milliseconds to
tens of milliseconds on a large cache, and running one per keystroke on the
UI thread would make typing stutter.  So each change restarts a short timer
(``DEBOUNCE``); when it fires, the query runs in a thread worker of the
exclusive group "search" (a newer query cancels the older one) and the first
page comes back as a ``Results`` message.  The screen then shows it in the
article list, which pages further rows itself.  A result that arrives for a
query the box no longer holds is dropped, so results never go backwards.

The box never raises on input: ``Library.search`` turns any unusable query
into a one-line ``error``, shown in place of the results.  ``?`` alone (or
F1) shows the query syntax instead of searching.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Static
from textual.worker import get_current_worker

from tui.core import SYNTAX_HELP, Article, Library, View
from tui.ui import safe

#: Seconds of quiet typing before a query runs.
DEBOUNCE = 0.2
#: Rows fetched with the first page of results (the list pages the rest).
FIRST_PAGE = 200


class SearchBar(Vertical):
    """``/`` opens it; typing searches; enter moves to the results; escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="search.close", tooltip="Close the search"),
        Binding("enter", "results", "Results", id="search.results", tooltip="Go to the results"),
        Binding("down", "results", "Results", show=False, id="search.down"),
        Binding(
            "ctrl+s", "save", "Save", id="search.save", tooltip="Save this search in the feed list"
        ),
        Binding("f1", "syntax", "Syntax", id="search.syntax", tooltip="Show the search syntax"),
    ]

    DEFAULT_CSS = """
    SearchBar {
        height: auto;
        display: none;
        background: $boost;
    }
    SearchBar.-open { display: block; }
    SearchBar > #search-row { height: 1; }
    SearchBar #search-prompt { width: 2; padding: 0 0 0 1; color: $text-accent; text-style: bold; }
    SearchBar #search-input { width: 1fr; }
    SearchBar > #search-help {
        display: none;
        height: auto;
        max-height: 18;
        overflow-y: auto;
        padding: 0 1;
        color: $text-muted;
        border-top: hkey $foreground 15%;
    }
    SearchBar.-help > #search-help { display: block; }
    """

    class Results(Message):
        """The first page of results for ``text`` (or a one-line ``error``)."""

        def __init__(
            self,
            text: str,
            articles: list[Article],
            count: int,
            terms: tuple[str, ...],
            error: str | None,
        ) -> None:
            super().__init__()
            self.text = text
            self.articles = articles
            self.count = count
            self.terms = terms
            self.error = error

    class Cleared(Message):
        """The box was emptied: show what was there before the search."""

    class Closed(Message):
        """Escape: the search is over; restore the previous view."""

    class Done(Message):
        """Enter (or down): the user wants to move through the results."""

    class SaveRequested(Message):
        """Ctrl+s: save ``text`` as a named search."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, library: Library, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library
        self._timer: Timer | None = None
        #: The query whose results are shown (None while one is pending).
        self.shown: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-row"):
            yield Label(Content("/"), id="search-prompt")
            yield Input(
                placeholder='Search: words, "phrases", tag:x, is:unread…  (? or F1: syntax)',
                compact=True,
                select_on_focus=False,
                id="search-input",
            )
        yield Static(Content(SYNTAX_HELP), id="search-help")

    # -- state --------------------------------------------------------------

    @property
    def input(self) -> Input:
        return self.query_one("#search-input", Input)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    @property
    def value(self) -> str:
        """The query as typed."""
        return self.input.value

    @property
    def help_shown(self) -> bool:
        return self.has_class("-help")

    def open(self) -> None:
        """Show the box and put the cursor in it (keeping any query already typed)."""
        self.add_class("-open")
        self.input.focus()

    def close(self) -> None:
        """Hide and empty the box; a pending or running query is dropped."""
        self._stop_timer()
        self.workers.cancel_group(self, "search")
        self.remove_class("-open", "-help")
        self.shown = None
        with self.prevent(Input.Changed):
            self.input.value = ""

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    # -- typing -------------------------------------------------------------

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._stop_timer()
        text = event.value
        self.set_class(text.strip() == "?", "-help")
        if text.strip() == "?":
            return
        if not text.strip():
            self.workers.cancel_group(self, "search")
            self.shown = None
            self.post_message(self.Cleared())
            return
        self.shown = None
        self._timer = self.set_timer(DEBOUNCE, self._fire)

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_results()

    def _fire(self) -> None:
        self._timer = None
        if self.is_open:
            self._search(self.value)

    def search_now(self) -> None:
        """Run the query in the box without waiting for the debounce."""
        self._stop_timer()
        if self.value.strip() and self.value.strip() != "?":
            self._search(self.value)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, text: str) -> None:
        """Run one query off the UI thread; the result goes back as a message."""
        worker = get_current_worker()
        try:
            result = self.library.search(text, limit=FIRST_PAGE)
            if worker.is_cancelled:
                return
            count = 0 if result.error else self.library.count_articles(View(query=text))
            message = self.Results(text, result.articles, count, result.terms, result.error)
        except Exception as exc:  # Library.search should not raise; never crash the app
            message = self.Results(text, [], 0, (), f"search failed: {safe.clean(str(exc))}")
        finally:
            self.library.release_thread()
        if not worker.is_cancelled:
            self.post_message(message)

    @on(Results)
    def _results(self, message: Results) -> None:
        """Drop results of a query the box no longer holds; let the rest through."""
        if not self.is_open or message.text != self.value:
            message.stop()
            return
        self.shown = message.text

    # -- actions ------------------------------------------------------------

    def action_close(self) -> None:
        self.post_message(self.Closed())

    def action_results(self) -> None:
        """Enter: run a pending query at once, then hand over to the results."""
        if self._timer is not None:
            self.search_now()
        self.post_message(self.Done())

    def action_save(self) -> None:
        text = self.value.strip()
        if not text or text == "?":
            self.app.notify("Type a query to save first.", markup=False)
            return
        self.post_message(self.SaveRequested(text))

    def action_syntax(self) -> None:
        """F1: show or hide the query syntax under the box."""
        self.toggle_class("-help")

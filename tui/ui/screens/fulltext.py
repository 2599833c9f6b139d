"""Reader mode on the reader screen: ``F`` (and the palette) toggles the
article pane between the feed's text and the full article from its page.

``FullTextActions`` is a layer of ``MainScreen`` on ``ReadingBase``.  The
page is fetched and extracted in a thread worker of its own, not in the
screen's lane: it can take the fetch's deadline (30 s), and read marks,
notes and counts must not wait behind it.  The status line says "Fetching
the full article…", then what happened, in one line; a page that gives no
article leaves the pane as it was.  A feed set to fetch on open
(``full_text = on_open`` or ``always``) starts the same fetch once the body
is shown, when no fetch was tried before.
"""

from __future__ import annotations

from textual import on
from textual.message import Message

from tui.core import ExtractError, FetchError, FullText
from tui.ui.messages import ArticleBody
from tui.ui.screens.reading import ReadingBase
from tui.ui.workers import Outcome, library_call, unless_gone

__all__ = ["FullTextActions", "FullTextFetched"]

#: How long "Fetching the full article…" may stay (the answer replaces it).
FETCHING_SECONDS = 90.0


class FullTextFetched(Message):
    """A full-text fetch ended: the full text, or the one-line reason there is none."""

    def __init__(self, article_id: int, outcome: Outcome[FullText], clean: bool) -> None:
        super().__init__()
        self.article_id = article_id
        self.outcome = outcome
        self.clean = clean


class FullTextShown(Message):
    """The feed's text or the full text was chosen (``shown``) for an article."""

    def __init__(self, article_id: int, outcome: Outcome[bool], shown: bool, clean: bool) -> None:
        super().__init__()
        self.article_id = article_id
        self.outcome = outcome
        self.shown = shown
        self.clean = clean


class FullTextActions(ReadingBase):
    """F: the full article, or back to the feed's text."""

    def action_full_text(self) -> None:
        """F: fetch (or show the kept) full article; pressed again, the feed's text."""
        article = self.pane.article
        if article is None:
            self.app.notify("Open an article to fetch its full text.", markup=False)
            return
        if self.pane.full_text:
            self._choose(article.id, shown=False)
        else:
            self.fetch_full_text(article.id)

    def fetch_full_text(self, article_id: int) -> None:
        """Fetch (or take the kept) full text of the open article, in a worker."""
        self.status.flash("Fetching the full article…", FETCHING_SECONDS)
        clean = self._own_write_clean()

        def fetch() -> None:
            outcome = library_call(self.library, lambda: self._fetch(article_id))
            self.post_message(FullTextFetched(article_id, outcome, clean))

        self.run_worker(
            fetch, name="full-text", group="full-text", thread=True, exit_on_error=False
        )

    def _fetch(self, article_id: int) -> FullText:
        """Worker: the full text; a bad page's one-line reason as the error."""
        try:
            return self.library.fetch_full_text(article_id)
        except (FetchError, ExtractError) as exc:
            raise _Reason(exc.reason) from None

    def _choose(self, article_id: int, *, shown: bool) -> None:
        clean = self._own_write_clean()
        self.lane.put(
            lambda: self.library.show_full_text(article_id, shown),
            lambda outcome: FullTextShown(article_id, outcome, shown, clean),
        )

    @on(ArticleBody)
    def _fetch_on_open(self, message: ArticleBody) -> None:
        """The feed wants its articles' full text on open: fetch it now."""
        shown = self.pane.article
        if message.fetch and shown is not None and shown.id == message.article_id:
            self.fetch_full_text(message.article_id)

    @unless_gone
    def on_full_text_fetched(self, message: FullTextFetched) -> None:
        self._own_write_seen(message.clean)
        if message.outcome.value is None:
            self.status.flash(f"No full article: {message.outcome.error}")
            return
        self._reload_body(message.article_id)
        words = len((message.outcome.value.markdown or "").split())
        self.status.flash(f"Full article: about {words:,} words.")

    @unless_gone
    def on_full_text_shown(self, message: FullTextShown) -> None:
        self._own_write_seen(message.clean)
        if message.outcome.error:
            self.status.flash(f"Not changed: {message.outcome.error}")
            return
        self._reload_body(message.article_id)
        self.status.flash("The feed's text." if not message.shown else "Full article.")

    def _reload_body(self, article_id: int) -> None:
        """Show the article's body again (the version shown changed), if it is still open."""
        shown = self.pane.article
        if shown is None or shown.id != article_id:
            return
        self.bodies.forget()
        self.bodies.load(article_id, self.article_list.terms, self.pane.body_width, clean=True)


class _Reason(Exception):
    """A bad page's reason alone (not its URL): the status line has little room."""

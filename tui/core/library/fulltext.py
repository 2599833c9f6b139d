"""Reader mode's verbs: an article's full text, fetched from its page,
extracted, kept beside the feed's version, and which of the two is shown.

The page goes through :mod:`tui.core.fetch.pages` (by way of
:class:`~tui.core.library.fetching.PageSession`) and the extractor's child
process (:mod:`tui.core.extract`), so a bad page costs at most the fetch's
and the extraction's deadlines and ends in one line: the error it raises,
also kept with the article so that "always" does not fetch it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.core.errors import ExtractError, FetchError
from tui.core.library.base import LibraryBase
from tui.core.library.fetching import PageSession
from tui.core.models import FeedSettings, FullText

if TYPE_CHECKING:
    # Loaded on the first extraction: the converter (BeautifulSoup,
    # markdownify) stays off the reader's startup path.
    from tui.core.extract import Extracted

#: Articles fetched by one background pass of "always" (newest first); the
#: rest wait for the next refresh.
BACKGROUND_BATCH = 50


class FullTextMixin(LibraryBase):
    """Full texts (reader mode)."""

    def _extract(self, page: bytes, url: str) -> Extracted:
        """One page's article, in the Library's extractor process (started on first use)."""
        from tui.core.extract import Extractor

        with self._extractor_lock:
            if self._extractor is None:
                self._extractor = Extractor()
            extractor = self._extractor
        return extractor.extract(page, url)

    def full_text(self, article_id: int) -> FullText | None:
        """The article's full text or its failed fetch; None if never fetched."""
        return self.store.full_text(article_id)

    def fetch_full_text(self, article_id: int, *, again: bool = False) -> FullText:
        """The article's full text, shown from now on: the one kept, or (with
        none kept, or ``again``) fetched from its page and extracted now.

        Raises FetchError or ExtractError, whose ``reason`` is one line for
        the user (not HTML, little text, a timeout, a 404, too big...); the
        feed's version stays as it was, and the reason is kept.
        """
        if not again:
            kept = self.store.full_text(article_id)
            if kept is not None and kept.markdown is not None:
                self.store.show_full_text(article_id, True)
                return FullText(kept.article_id, kept.url, kept.fetched, True, kept.markdown)
        article = self.store.article(article_id)
        if not article.url:
            raise ExtractError("", "the article has no link to its page")
        with PageSession(self.fetch_settings) as session:
            self._fetch_one(session, article_id, article.url, article.feed_url)
        got = self.store.full_text(article_id)
        assert got is not None
        return got

    def _fetch_one(self, session: PageSession, article_id: int, url: str, feed_url: str) -> None:
        """Fetch, extract and keep one article's full text (or why not)."""
        try:
            final, body = session.get(url, feed_url)
            extracted = self._extract(body, final)
        except (FetchError, ExtractError) as exc:
            self.store.save_full_text_error(article_id, url, exc.reason, self._now())
            raise
        self.store.save_full_text(
            article_id, final, extracted.markdown, extracted.words, self._now()
        )

    def show_full_text(self, article_id: int, shown: bool) -> bool:
        """Show the article's full text (True) or the feed's version (False);
        False when there is no full text to show."""
        return self.store.show_full_text(article_id, shown)

    def fetch_wanted_full_texts(
        self, *, limit: int = BACKGROUND_BATCH, stop: Callable[[], bool] | None = None
    ) -> tuple[int, int]:
        """Fetch the full texts of the newest articles of feeds set to
        "always" that have none (one page at a time: see PageSession);
        returns (fetched, failed).  ``stop`` returning True ends it between
        pages (the reader quitting)."""
        wanted = self.store.wanting_full_text(limit)
        done = failed = 0
        if not wanted:
            return 0, 0
        with PageSession(self.fetch_settings) as session:
            for article_id, url, feed_url in wanted:
                if stop is not None and stop():
                    break
                try:
                    self._fetch_one(session, article_id, url, feed_url)
                    done += 1
                except (FetchError, ExtractError):
                    failed += 1
        return done, failed

    def full_text_on_open(self, article_id: int) -> bool:
        """Whether opening the article should fetch its full text: its feed
        says "on_open" (or "always", not fetched yet) and no fetch was tried."""
        if self.store.full_text(article_id) is not None:
            return False
        article = self.store.article(article_id)
        if not article.url:
            return False
        mode = FeedSettings.from_json(self.store.feed_settings(article.feed_id)).full_text
        return mode in ("on_open", "always")

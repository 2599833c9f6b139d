"""A web page -> the article in it, as sanitised Markdown: :class:`Extractor`.

Reader mode (issue 17).  trafilatura finds the article (it scored a token F1
of 0.960 on a public extraction benchmark, at ~44 ms a page), but it
sanitises nothing and has reported hangs, so:

* it runs in a child process with a hard deadline (:mod:`.process`, the
  child's loop in :mod:`.worker`): a hang is killed, a crash ends only the
  child, and the app never waits longer than the deadline;
* it is asked for HTML (:mod:`.trafilatura_html`), which goes through the
  one sanitising converter, :func:`tui.core.convert.html_to_markdown`, so
  every rule that holds for feed content (only http(s) and mailto links, no
  terminal controls, bounded size and depth) holds for pages;
* a page with little text left (a paywall, a login or consent page) is
  refused with a line that says so, rather than shown as "the article".

Pure but for the child process: no storage, network, UI or command line
(an import-linter contract).
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.convert import html_to_markdown
from tui.core.errors import ExtractError
from tui.core.extract.process import ExtractorProcess, WorkerDied, WorkerTimeout
from tui.core.extract.trafilatura_html import article_html
from tui.core.text import html_text

__all__ = ["MIN_WORDS", "TIMEOUT", "Extracted", "Extractor"]

#: Fewer words than this is not an article: a paywall, a login or consent
#: page, a video page with a caption.  A news brief runs to 100 words or
#: more (the shortest held-out test page has 156); a paywall teaser to a
#: headline and a sentence or two.
MIN_WORDS = 50

#: Seconds one page may take.  trafilatura takes ~5-50 ms on a news page,
#: and well under a second on a 20 MB one (the cap of a fetched page).
TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Extracted:
    """An extracted article: its Markdown (sanitised), and the words the
    search index is given."""

    markdown: str
    words: str

    @property
    def word_count(self) -> int:
        return len(self.words.split())


class Extractor:
    """Extracts articles from pages in a child process (see the module docstring).

    One per Library; thread-safe (pages wait their turn).  ``close`` ends the
    child.
    """

    def __init__(self, *, timeout: float = TIMEOUT, min_words: int = MIN_WORDS) -> None:
        self.timeout = timeout
        self.min_words = min_words
        self._process = ExtractorProcess()

    def extract(self, page: bytes, url: str) -> Extracted:
        """The article of ``page`` (fetched from ``url``, which relative links
        are resolved against).

        Raises :class:`~tui.core.errors.ExtractError` with a one-line reason
        when there is no article to show; nothing else.
        """
        try:
            html = self._process.run(self.timeout, article_html, page, url)
        except WorkerTimeout:
            raise ExtractError(url, f"extraction took longer than {self.timeout:g} s") from None
        except WorkerDied:
            raise ExtractError(url, "the extractor crashed on this page") from None
        except MemoryError:
            raise ExtractError(url, "the page is too big to extract") from None
        except Exception as exc:
            raise ExtractError(
                url, f"could not extract the article ({type(exc).__name__})"
            ) from exc
        return self.checked(html, url)

    def checked(self, html: str | None, url: str) -> Extracted:
        """The extracted HTML made safe, or ExtractError when it is too short."""
        markdown = html_to_markdown(html, url) if html else ""
        if not markdown.strip():
            raise ExtractError(url, "no article found on the page")
        words = html_text(html)
        count = len(words.split())
        if count < self.min_words:
            raise ExtractError(
                url,
                f"only {count} words found: a paywall, a login page or no article",
            )
        return Extracted(markdown, words)

    def close(self) -> None:
        self._process.close()

"""The call into trafilatura, run only in an extractor process.

Asks for HTML, not text or Markdown, so that the structure survives
(headings, lists, links, quotes, tables, images) and the one sanitising
converter (:func:`tui.core.convert.html_to_markdown`) turns it into what the
article pane shows: trafilatura itself keeps ``javascript:`` and ``file:``
links and sanitises nothing.
"""

from __future__ import annotations


def article_html(page: bytes, url: str) -> str | None:
    """The main text of ``page`` as HTML, or None when trafilatura finds none.

    Comments are left out (they are not the article); links, images,
    formatting and tables are kept.  ``url`` lets trafilatura make links
    absolute.
    """
    import trafilatura

    return trafilatura.extract(
        page,
        url=url,
        output_format="html",
        include_comments=False,
        include_links=True,
        include_images=True,
        include_formatting=True,
        include_tables=True,
        with_metadata=False,
        deduplicate=False,
    )

"""Article HTML -> sanitised Markdown: :func:`html_to_markdown`.

Everything that comes out of a feed is hostile until it has been through this package.
``html_to_markdown`` runs once per article version (see DESIGN.md: nothing is converted
twice), so it parses exactly once with ``html.parser`` and does all sanitising inside a
single markdownify pass plus one cheap line-oriented tidy.  It takes any HTML body: a
feed entry's today, a page's extracted article tomorrow.  One-line strings (titles,
authors, feed names) are cleaned by :mod:`tui.core.text`, which also owns the control
character rules used here.  Each module owns a part, and says why its rules exist:

* :mod:`.tree`: HTML -> a bs4 tree in linear time, whatever the markup (unfinished
  tags, deep nesting); which elements hold no readable text, which are blocks;
* :mod:`.converter`: ``SafeConverter``, the markdownify subclass (dropped subtrees,
  controls, emphasis around code, lists, tables, HTML5 blocks);
* :mod:`.links`: links, images and media, through the one URL policy
  (:mod:`tui.core.urls`);
* :mod:`.code`: code spans and fences sized so nothing inside can close them; MathML;
* :mod:`.plain`: bodies with no markup (kept as their author laid them out) and the
  plain-text fallbacks;
* :mod:`.tidy`: the last pass (blank lines, trailing spaces, controls).

Images stay where the markup puts them, glued or not: the article pane, which shows an
image as its alt text, sets images apart from each other and from words when it renders
(``tui.ui.widgets.article_links``), whatever version wrote the stored Markdown.

This package must not import Textual or Rich (``tui.core`` is UI-free, enforced by
import-linter).
"""

from __future__ import annotations

import logging
import threading

from tui.core.convert.converter import SafeConverter
from tui.core.convert.plain import has_markup, plain_markdown, stripped_markdown, tree_markdown
from tui.core.convert.tidy import tidy
from tui.core.convert.tree import parse_html

__all__ = ["html_to_markdown"]

log = logging.getLogger(__name__)

_local = threading.local()


def _converter(base_url: str | None) -> SafeConverter:
    """This thread's converter, reset for a new document (conversion runs in workers)."""
    conv: SafeConverter | None = getattr(_local, "converter", None)
    if conv is None:
        conv = _local.converter = SafeConverter(base_url)
    else:
        conv.reset(base_url)
    return conv


def html_to_markdown(html: str | None, base_url: str | None = None) -> str:
    """Sanitised Markdown for an article body, with links made absolute.

    ``base_url`` is the URL relative links are resolved against (the entry's xml:base,
    article link or feed link; the caller chooses).  The result is safe to hand to
    Textual's ``Markdown``: no raw HTML, no live non-http(s)/mailto links, no terminal
    controls, and code blocks that cannot swallow the text after them.

    Never raises: a converter failure (such as running out of stack, which the parser's
    nesting cap leaves to callers already deep in their own) degrades to escaped plain
    paragraphs, and an unparseable document to its tag-stripped text.
    """
    if not html:
        return ""
    try:
        conv = _converter(base_url)
        if not has_markup(html):
            return tidy(plain_markdown(html, conv.escape))
        try:
            soup = parse_html(html)
        except Exception:
            log.debug("html.parser rejected an article; using a regex strip", exc_info=True)
            return tidy(stripped_markdown(html, conv.escape))
        try:
            md = conv.convert_soup(soup)
        except RecursionError:
            log.debug("article nested too deeply for markdownify; plain text fallback")
            md = tree_markdown(soup, conv.escape)
        except Exception:
            log.debug("markdownify failed on an article; plain text fallback", exc_info=True)
            md = tree_markdown(soup, conv.escape)
        return tidy(md)
    except Exception:  # last resort: the UI must get a string
        log.debug("html_to_markdown gave up on an article", exc_info=True)
        return ""

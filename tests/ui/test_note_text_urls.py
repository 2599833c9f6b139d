""" "Quote to note" links the article by the one URL policy (``tui.core.urls``).

The notes panel once had its own copy of the schemes it links, which took
``http:page`` (no host) for a link and raised on ``http://[::1``; it now asks
``urls.is_link``, as the article pane and the export do.
"""

from __future__ import annotations

from tui.core import urls
from tui.ui.widgets.note_text import quote_block


def test_a_web_url_without_a_host_is_not_linked() -> None:
    assert not urls.is_link("http:page")
    assert quote_block("q", "T", "http:page").endswith("\n— T\n\n")


def test_a_url_that_does_not_parse_is_left_out_not_raised() -> None:
    assert quote_block("q", "T", "http://[::1").endswith("\n— T\n\n")


def test_mail_and_web_links_are_kept() -> None:
    assert quote_block("q", "T", "mailto:a@example.org").endswith("— [T](mailto:a@example.org)\n\n")
    assert quote_block("q", "T", "HTTPS://e.example/x").endswith("— [T](HTTPS://e.example/x)\n\n")

"""Markup-safe text for widgets: every string from a feed goes through here.

Why: plain ``str`` is parsed as markup by Label, Static, Tree, DataTable,
OptionList and ``notify`` (a title holding ``[/]`` kills the app and
``[@click=app.quit]`` runs an action), and ESC sequences reach the terminal
untouched (they recolour it and set its title).  So untrusted text is first
cleaned of whole escape sequences, then of stray control and bidi characters,
then wrapped in ``Text``/``Content`` that is never parsed as markup.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.content import Content

from tui.core import clean_block, clean_line

__all__ = ["clean", "clean_block", "content", "text", "truncate"]


def clean(s: str | None) -> str:
    """One line of untrusted text: no escape sequences, controls or bidi overrides.

    The cleaning itself lives in ``tui.core.text`` so the CLI, the store and
    the UI all strip exactly the same things.
    """
    return clean_line(s)


def text(s: str | None, style: str | Style = "", *, fallback: str = "") -> Text:
    """A Rich ``Text`` (Tree labels, list rows) that is never parsed as markup."""
    return Text(clean(s) or fallback, style=style, no_wrap=True, end="")


def content(s: str | None, *, fallback: str = "") -> Content:
    """A Textual ``Content`` (Label, Static) that is never parsed as markup."""
    return Content(clean(s) or fallback)


def truncate(s: str, width: int) -> str:
    """Cut an already-clean string to ``width`` cells with an ellipsis."""
    t = Text(s)
    t.truncate(max(width, 0), overflow="ellipsis")
    return t.plain

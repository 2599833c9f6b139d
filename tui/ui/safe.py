"""Markup-safe text for widgets: every string from a feed goes through here.

Why: plain ``str`` is parsed as markup by Label, Static, Tree, DataTable,
OptionList and ``notify`` (a title holding ``[/]`` kills the app and
``[@click=app.quit]`` runs an action), and ESC sequences reach the terminal
untouched (they recolour it and set its title).  So untrusted text is first
cleaned of whole escape sequences, then of stray control and bidi characters,
then wrapped in ``Text``/``Content`` that is never parsed as markup.
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text
from textual.content import Content

from tui.core.text import clean_line

# Whole terminal sequences first, so their printable tails ("]0;PWNED") go too.
_OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")
_CSI = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?")
_ESC_OTHER = re.compile(r"\x1b[@-Z\\-_]")
# Block text (Markdown bodies, notes) keeps newlines and tabs.
_BLOCK_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _strip_sequences(s: str) -> str:
    if "\x1b" not in s and "\x9b" not in s:
        return s
    return _ESC_OTHER.sub("", _CSI.sub("", _OSC.sub("", s)))


def clean(s: str | None) -> str:
    """One line of untrusted text with no escape sequences or control characters."""
    if not s:
        return ""
    return clean_line(_strip_sequences(s))


def clean_block(s: str | None) -> str:
    """Multi-line untrusted text (Markdown bodies): controls gone, lines kept."""
    if not s:
        return ""
    s = _strip_sequences(s.replace("\r\n", "\n").replace("\r", "\n"))
    return _BLOCK_CTRL.sub("", s)


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

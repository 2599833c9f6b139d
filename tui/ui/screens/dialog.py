"""The base of every dialog: a modal box centred over the reader, styled once.

Why a base class rather than the rules in ``app.tcss``: the dialogs are
also pushed by other apps (the tests' hosts, the screenshot script), and
they must look the same there, so the shared look travels with the class
as its ``DEFAULT_CSS``.  A dialog marks its outer box with the
``dialog-box`` class and states in its own CSS only what differs (its
width, a taller limit, a warning border).
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

__all__ = ["Dialog"]

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A modal screen whose ``.dialog-box`` child is the framed, centred dialog."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    Dialog > .dialog-box {
        max-width: 95%;
        height: auto;
        border: thick $primary 80%;
        background: $surface;
        padding: 0 1;
        border-title-style: bold;
    }
    """

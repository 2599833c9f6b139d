"""What the tag editor offers as the user types: the name being typed, and its completions.

Existing tag names come from the database (``Library.tag_completions``), so
the editor asks for them in its lane and they arrive after the keystroke
that asked.  An ``Offer`` remembers which prefix its names answer; the
editor keeps the latest, and these pure functions use it only while that
prefix is still the one typed, so a slow answer for "ru" never shows once
the user has typed "rx".  Names to remove (``-name``) are the article's
current tags, which the editor already holds: they need no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.suggester import Suggester

if TYPE_CHECKING:
    from tui.ui.screens.tag_editor import TagEditorScreen

__all__ = ["MAX_COMPLETIONS", "Offer", "TagSuggester", "candidates", "completed", "split_last"]

MAX_COMPLETIONS = 8


def split_last(value: str) -> tuple[str, str, str]:
    """(text before the last name, its +/- sign, the last name being typed)."""
    head, comma, last = value.rpartition(",")
    head = head + comma
    stripped = last.lstrip()
    head += last[: len(last) - len(stripped)]
    sign = stripped[:1] if stripped[:1] in "+-" and stripped else ""
    return head, sign, stripped[len(sign) :]


@dataclass(frozen=True, slots=True)
class Offer:
    """Existing tag names that complete ``prefix`` (read in the lane)."""

    prefix: str
    names: tuple[str, ...] = ()


def candidates(sign: str, prefix: str, offer: Offer | None, current: Sequence[str]) -> list[str]:
    """Names to offer for ``sign`` + ``prefix``: the current tags for ``-``, else the
    existing tags of ``offer``, but only if it answers this very prefix."""
    if sign == "-":
        key = prefix.casefold()
        return [n for n in current if n.casefold().startswith(key)] + [
            n for n in current if key in n.casefold() and not n.casefold().startswith(key)
        ]
    if offer is None or offer.prefix != prefix:
        return []  # not asked yet, or an answer for what was typed before
    return list(offer.names[:MAX_COMPLETIONS])


def completed(value: str, offer: Offer | None, current: Sequence[str]) -> str | None:
    """``value`` with the name being typed completed (its typed part kept), or None."""
    head, sign, name = split_last(value)
    if not name:
        return None
    for candidate in candidates(sign, name, offer, current):
        if candidate.casefold().startswith(name.casefold()) and len(candidate) > len(name):
            return head + sign + name + candidate[len(name) :]
    return None


class TagSuggester(Suggester):
    """Inline completion of the name being typed, from the editor's latest offer.

    It never reads the database: the editor posts the suggestion itself when
    an offer arrives for the prefix still typed.
    """

    def __init__(self, editor: TagEditorScreen) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.editor = editor

    async def get_suggestion(self, value: str) -> str | None:
        return self.editor.completed(value)

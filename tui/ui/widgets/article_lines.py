"""The article list's drawn lines, kept per look and width (issue 15).

Why more than one set: opening an article narrows the list (the reader
takes part of the screen) and takes the focus from it (the cursor's row
turns from the focused colour to the blurred one); going back undoes both.
With one set of lines, each open and each back drew every row on screen
again (8-9 ms of the UI thread, in the first frame of the open).  Kept per
(look, width), the lines of both layouts stay: an open or a back draws only
the rows whose article, cursor or date changed.

A look is everything the list's styles put into a line (its own style and
each of its component classes' styles), so a new theme is a new look and
can never reuse a line drawn in the old one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from textual.strip import Strip

from tui.core import Article

__all__ = ["LOOKS_KEPT", "DrawnLines", "Line"]

#: (article, cursor, width, date label, line): a row as drawn, and what it showed.
#: The article record is compared by identity: a new highlight colour (or any
#: other change) is a new record, so the colour is part of what keys a line.
Line = tuple[Article, bool, int, str, Strip]

#: Sets of lines kept (the list's focused and blurred looks, at two widths each).
LOOKS_KEPT = 4


class DrawnLines:
    """The lines drawn, one set per (look, width); the oldest set goes past ``LOOKS_KEPT``."""

    def __init__(self) -> None:
        self._sets: OrderedDict[tuple[Hashable, int], dict[int, Line]] = OrderedDict()
        #: The look the list draws in (None: its styles changed, to be worked out again).
        self.look: Hashable | None = None

    def lines(self, look: Hashable, width: int) -> dict[int, Line]:
        """The lines drawn in this look at this width, by row index (to read and add to)."""
        key = (look, width)
        lines = self._sets.get(key)
        if lines is None:
            lines = self._sets[key] = {}
            while len(self._sets) > LOOKS_KEPT:
                self._sets.popitem(last=False)
        else:
            self._sets.move_to_end(key)
        return lines

    def clear(self) -> None:
        """Forget every line (the list loaded other rows)."""
        self._sets.clear()

"""Known places between the article list's rows, so pages are read by keyset (issue 15).

A view's rows are ordered by (published, id).  Once a page is read, the
places just above its first row and just below its last are known: an
``Edges`` keeps them by row (edge r is the split between rows r-1 and r).
A page is then read from the known place fewest rows away (the top, the
bottom once the view is counted, or an edge) with ``Library.articles``'
``after``/``before``/``from_end``: an index seek, where an ``OFFSET``
walked every row above the page.

A place has half an id (``(published, id + 0.5)``) so that it falls
strictly between two rows whatever their keys, ties on the date included.
Rows that left the view keep their rows in the list until it is reloaded
(``ListPages._gone``), so an edge holds for the whole load; the rows
between a place and a page are counted without them (``gone_in``).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tui.core import Article

__all__ = ["Edges", "Place", "Seek"]

#: A place in a view's order: (published, id), the id with a half between rows.
Place = tuple[int, float]


@dataclass(frozen=True, slots=True)
class Seek:
    """Where a page read starts: ``offset`` rows past the top, past ``after``,
    or (reading upwards) before ``before`` or the bottom (``from_end``)."""

    offset: int
    after: Place | None = None
    before: Place | None = None
    from_end: bool = False


class Edges:
    """Places between rows, by row, learnt from the pages read since the view loaded."""

    def __init__(self) -> None:
        self._places: dict[int, Place] = {}
        self._rows: list[int] = []  # sorted keys of _places

    def clear(self) -> None:
        self._places.clear()
        self._rows.clear()

    def mark(self, start: int, rows: Sequence[Article], newest_first: bool) -> None:
        """Note the places above and below ``rows``, read at row ``start``."""
        if not rows:
            return
        # Half an id past the article, on the side of its neighbour in list order.
        half = 0.5 if newest_first else -0.5
        first, last = rows[0], rows[-1]
        self._put(start, (first.published, first.id + half))
        self._put(start + len(rows), (last.published, last.id - half))

    def _put(self, row: int, place: Place) -> None:
        if row not in self._places:
            bisect.insort(self._rows, row)
        self._places[row] = place

    def drop_from(self, start: int) -> None:
        """Forget the edges from row ``start`` down (a row was put in above them)."""
        cut = bisect.bisect_left(self._rows, start)
        for row in self._rows[cut:]:
            del self._places[row]
        del self._rows[cut:]

    def inside(self, start: int, end: int) -> tuple[int, Place] | None:
        """An edge strictly inside rows [start, end) and its place, if one is known."""
        i = bisect.bisect_right(self._rows, start)
        if i < len(self._rows) and self._rows[i] < end:
            return self._rows[i], self._places[self._rows[i]]
        return None

    def seek(
        self, start: int, end: int, count: int | None, gone_in: Callable[[int, int], int]
    ) -> Seek:
        """Where to read rows [start, end) from: the known place fewest rows away.

        ``count``: the rows of the list (None while it is not counted yet,
        when its bottom is not a known place); ``gone_in(a, b)``: the rows in
        [a, b) the database no longer holds.
        """
        best = Seek(start - gone_in(0, start))
        if count is not None:
            below = count - end - gone_in(end, count)
            if below < best.offset:
                best = Seek(below, from_end=True)
        rows = self._rows
        i = bisect.bisect_right(rows, start)
        if i:  # the nearest edge at or above the page
            edge = rows[i - 1]
            skip = start - edge - gone_in(edge, start)
            if skip < best.offset:
                best = Seek(skip, after=self._places[edge])
        j = bisect.bisect_left(rows, end)
        if j < len(rows):  # the nearest edge at or below it
            edge = rows[j]
            skip = edge - end - gone_in(end, edge)
            if skip < best.offset:
                best = Seek(skip, before=self._places[edge])
        return best

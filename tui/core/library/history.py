"""Undo and redo: every user action one entry of a history kept in the database.

A write verb becomes one undoable action with one line, the :func:`undoable`
decorator, whose argument says in a line what the action did (a string, or
a function of the verb's result and arguments).  The verb then runs in one
transaction with the history recording (see :mod:`tui.core.storage.history`):
whatever it changes in feeds, articles' read and starred state, tags, notes
and saved searches, however many store calls it makes, is undone as one.
A verb that changed nothing leaves no entry.  Refreshes and sync pulls are
never wrapped, so they are not in the history.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from tui.core.library.base import LibraryBase
from tui.core.models import HistoryEntry, View
from tui.core.storage.history import HISTORY_LIMIT

P = ParamSpec("P")
R = TypeVar("R")
L = TypeVar("L", bound=LibraryBase)

#: What an action did, in a line: fixed, or made from (library, result, *args, **kwargs).
Describe = str | Callable[..., str]


def undoable(
    describe: Describe,
) -> Callable[[Callable[Concatenate[L, P], R]], Callable[Concatenate[L, P], R]]:
    """Make a Library write verb one undoable action labelled by ``describe``.

    The label is made after the verb returns, inside its transaction, so a
    function may read the store (a feed's title) as the action left it.
    """

    def wrap(method: Callable[Concatenate[L, P], R]) -> Callable[Concatenate[L, P], R]:
        @functools.wraps(method)
        def run(self: L, /, *args: P.args, **kwargs: P.kwargs) -> R:
            with self.store.recording() as action:
                result = method(self, *args, **kwargs)
                label = (
                    describe
                    if isinstance(describe, str)
                    else describe(self, result, *args, **kwargs)
                )
                action.label = _one_line(label)
            return result

        return run

    return wrap


def _one_line(text: str) -> str:
    """A label on one line and of a sane length (titles and names come from feeds)."""
    line = " ".join(text.split())
    return line if len(line) <= 200 else line[:199] + "…"


def view_name(lib: LibraryBase, view: View) -> str:
    """Where a view's articles are, for a label: "in Tech", "in search 'x'"."""
    if view.feed_id is not None:
        return f"in {lib.store.feed(view.feed_id).title}"
    if view.folder is not None:
        return f"in {view.folder}"
    if view.query:
        return f"in search {view.query!r}"
    if view.starred:
        return "in Starred"
    return "everywhere"


class HistoryMixin(LibraryBase):
    """The history of user actions, and undoing and redoing them."""

    def undo(self) -> HistoryEntry | None:
        """Undo the newest action; None when there is nothing to undo.

        StoreError (one line) when later changes make it impossible (a feed
        deleted and then subscribed again): that action is dropped.
        """
        return self.store.undo_last()

    def redo(self) -> HistoryEntry | None:
        """Redo the action undone last; None when there is nothing to redo.
        A new action empties what can be redone."""
        return self.store.redo_next()

    def history(self, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
        """The recorded actions, newest first; ``undone`` ones can be redone."""
        return self.store.history(limit)

"""undo and redo: take back (or make again) the newest user action, or list them.

The history is the database's (see :mod:`tui.core.library.history`): what the
reader did can be undone here and the other way round.  Nothing to undo is
one line on stderr and a non-zero exit, so a script can tell.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tui.cli.exitcodes import EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    import argparse

    from tui.core.library import Library
    from tui.core.models import HistoryEntry


def _entry_json(entry: HistoryEntry) -> dict[str, object]:
    from tui.cli.output import iso

    return {
        "id": entry.id,
        "label": entry.label,
        "created": iso(entry.created),
        "undone": entry.undone,
    }


def cmd_undo(lib: Library, args: argparse.Namespace) -> int:
    """Undo the newest action, or (--list) list the history, newest first."""
    if args.list:
        return _list(lib, args.json)
    return _replay(lib.undo(), "Undone", "undo", args.json)


def cmd_redo(lib: Library, args: argparse.Namespace) -> int:
    """Redo the action undone last."""
    return _replay(lib.redo(), "Redone", "redo", args.json)


def _replay(entry: HistoryEntry | None, verb: str, name: str, as_json: bool) -> int:
    from tui.cli.output import line, print_json
    from tui.core.wording import history_line

    if entry is None:
        print(f"gazette: nothing to {name}", file=sys.stderr)
        return EXIT_USAGE
    if as_json:
        print_json({verb.lower(): _entry_json(entry)})
    else:
        print(line(history_line(verb, entry.label)))
    return EXIT_OK


def _list(lib: Library, as_json: bool) -> int:
    """The history: undone actions (the ones redo brings back) are marked."""
    from tui.cli.output import date, line, print_json

    entries = lib.history()
    if as_json:
        print_json([_entry_json(e) for e in entries])
        return EXIT_OK
    if not entries:
        print("No actions to undo.")
    for e in entries:
        mark = "undone" if e.undone else "      "
        print(f"{e.id:>6} {date(e.created)} {mark}  {line(e.label)}")
    return EXIT_OK

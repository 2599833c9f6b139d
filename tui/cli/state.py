"""The state verbs: read, unread, star, unstar, by article ids or by a search query.

One handler serves the four; the table says which flag each sets and how the
result is worded, and the parser builds the four subcommands from it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NamedTuple

from tui.cli.exitcodes import EXIT_OK, EXIT_USAGE
from tui.core.wording import plural

if TYPE_CHECKING:
    import argparse

    from tui.core.library import Library


class StateVerb(NamedTuple):
    """How one of read, unread, star, unstar sets a flag and words the result."""

    flag: str  # the article flag ("read" or "starred"), also the JSON key
    value: bool
    done: str  # the summary's verb: "2 articles marked read"
    state: str  # one article's new state: "12: not starred"
    help: str


STATE_VERBS = {
    "read": StateVerb("read", True, "marked read", "read", "mark articles read"),
    "unread": StateVerb("read", False, "marked unread", "unread", "mark articles unread"),
    "star": StateVerb("starred", True, "starred", "starred", "star articles"),
    "unstar": StateVerb("starred", False, "unstarred", "not starred", "unstar articles"),
}


def cmd_state(lib: Library, args: argparse.Namespace) -> int:
    """read, unread, star, unstar: set the state of articles named by id or by a query.

    Unknown ids are one line each on stderr and make the exit code 2, but the
    other articles are still changed (the state is easy to set again, and a
    stale id in a list should not hold up the rest).
    """
    from tui.cli.output import print_json  # here: the parser imports this module for --help

    flag, value, done, state, _help = STATE_VERBS[args.command]
    ids = _chosen_ids(lib, args)
    setter = lib.set_read if flag == "read" else lib.set_starred
    change = setter(ids, value)
    for missing in change.missing:
        print(f"gazette: no article with id {missing}", file=sys.stderr)
    if args.json:
        print_json([{"id": i, flag: value} for i in change.changed])
    else:
        for i in change.changed:
            print(f"{i}: {state}")
        already = f", {len(change.unchanged)} already {state}" if change.unchanged else ""
        print(f"{plural(len(change.changed), 'article')} {done}{already}")
    return EXIT_USAGE if change.missing else EXIT_OK


def _chosen_ids(lib: Library, args: argparse.Namespace) -> list[int]:
    """The ids given, or every match of --query; one of the two, never both."""
    from tui.core.errors import InputError
    from tui.core.models import View

    if args.query is not None and args.articles:
        raise InputError(f"{args.command}: give article ids or --query, not both")
    if args.query is not None:
        return lib.view_ids(View(query=args.query))
    if args.articles:
        return list(args.articles)
    raise InputError(f"{args.command}: give article ids (or --query QUERY)")

"""Which handler runs each subcommand (``config`` aside: it needs no Library).

Every handler is ``(Library, argparse.Namespace) -> exit code``.  Kept apart
from the parser so that ``gazette --help`` does not import the handlers.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.cli import accounts, articles, feeds, history, importing, notes, rules, state

if TYPE_CHECKING:
    from tui.core.library import Library

Handler = Callable[["Library", argparse.Namespace], int]

COMMANDS: dict[str, Handler] = {
    "add": feeds.cmd_add,
    "remove": feeds.cmd_remove,
    "move": feeds.cmd_move,
    "feeds": feeds.cmd_feeds,
    "refresh": feeds.cmd_refresh,
    "import": feeds.cmd_import,
    "export-opml": feeds.cmd_export_opml,
    "import-newsboat": importing.cmd_import_newsboat,
    "articles": articles.cmd_articles,
    "show": articles.cmd_show,
    "search": articles.cmd_search,
    "tag": articles.cmd_tag,
    "tags": articles.cmd_tags,
    "cleanup": articles.cmd_cleanup,
    "note": notes.cmd_note,
    "notes": notes.cmd_notes,
    "export-notes": notes.cmd_export_notes,
    "account": accounts.cmd_account,
    "sync": accounts.cmd_sync,
    "undo": history.cmd_undo,
    "redo": history.cmd_redo,
    "rule": rules.cmd_rule,
    "rules": rules.cmd_rules,
    **dict.fromkeys(state.STATE_VERBS, state.cmd_state),
}

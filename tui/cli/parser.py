"""The ``gazette`` command line grammar (argparse).

Numbers and ids are checked here, as argparse types, so that absurd input is
a usage error (exit 2) before any database is opened.  Importing this module
must stay cheap: ``gazette --help`` loads it and little else.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from tui import __version__
from tui.cli.ruleparser import add_rule_verbs
from tui.cli.state import STATE_VERBS

if TYPE_CHECKING:
    from typing import TypeAlias

    # argparse has no public name for what add_subparsers returns.
    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]


def _count(text: str) -> int:
    """A non-negative count for --limit and friends, refused early when absurd."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 0 <= value <= 10**9:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1000000000, got {text}")
    return value


def _article_id(text: str) -> int:
    """An article id as `gazette articles` prints it."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an article id: {text!r}") from None
    if not 0 < value < 2**63:
        raise argparse.ArgumentTypeError(f"not an article id: {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gazette",
        description="A terminal news reader. With no command, opens the reader.",
    )
    parser.add_argument("--version", action="version", version=f"gazette {__version__}")
    parser.add_argument(
        "--db", metavar="PATH", help="database file (default: $GAZETTE_DB or the user data dir)"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use a demo database built from feeds shipped with Gazette (no network needed)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _feed_verbs(sub)
    _reading_verbs(sub)
    _opml_verbs(sub)
    _tag_and_state_verbs(sub)
    _note_verbs(sub)
    _sync_verbs(sub)
    add_rule_verbs(sub)
    _maintenance_verbs(sub)
    return parser


# The groups below only split one long function; the order of the
# add_parser calls is the order `gazette --help` lists the commands in.


def _feed_verbs(sub: Subparsers) -> None:
    p = sub.add_parser("add", help="subscribe to a feed (or a site that links to one)")
    p.add_argument("url")
    p.add_argument("--tag", action="append", default=[], help="folder tag (repeatable)")
    p.add_argument("--first", action="store_true", help="take the first feed a site offers")
    p.add_argument("--folder", metavar="PATH", help='file it in this folder ("/" nests: Tech/Rust)')
    p.add_argument(
        "--account", metavar="NAME", help="subscribe on this sync account (sent at the next sync)"
    )

    p = sub.add_parser("remove", help="unsubscribe from a feed (with its articles)")
    p.add_argument("feed", help="feed id, URL or title")

    p = sub.add_parser("move", help="file a feed in another folder")
    p.add_argument("feed", help="feed id, URL or title")
    p.add_argument("folder", help='folder path ("/" nests: Tech/Rust; "" takes it out of folders)')

    p = sub.add_parser("feeds", help="list feeds with counts and errors")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("refresh", help="fetch new articles")
    p.add_argument(
        "feeds", nargs="*", metavar="FEED", help="feed ids, URLs or titles (default: all)"
    )


def _reading_verbs(sub: Subparsers) -> None:
    p = sub.add_parser("articles", help="list articles, newest first")
    p.add_argument("--feed", help="feed id, URL or title")
    p.add_argument("--unread", action="store_true")
    p.add_argument("--limit", type=_count, default=50)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("show", help="print an article as Markdown")
    p.add_argument("article", type=_article_id, help="article id (from `gazette articles`)")
    p.add_argument(
        "--full",
        action="store_true",
        help="the full article, fetched from its page if not kept yet (reader mode)",
    )


def _opml_verbs(sub: Subparsers) -> None:
    p = sub.add_parser("import", help="subscribe to the feeds in an OPML file")
    p.add_argument("file")

    p = sub.add_parser("export-opml", help="write subscriptions as OPML 2.0")
    p.add_argument("file", nargs="?", help="output file (default: standard output)")

    p = sub.add_parser(
        "import-newsboat",
        help="import newsboat's feeds, tags, query feeds, filters and read state (no fetching)",
    )
    p.add_argument("--urls", metavar="FILE", help="newsboat's urls file (default: newsboat's own)")
    p.add_argument("--config", metavar="FILE", help="newsboat's config file")
    p.add_argument("--cache", metavar="FILE", help="newsboat's cache.db (opened read-only)")
    p.add_argument("--dry-run", action="store_true", help="print the report, write nothing")
    p.add_argument("--json", action="store_true")


def _tag_and_state_verbs(sub: Subparsers) -> None:
    p = sub.add_parser("tag", help="add (name, +name) or remove (-name) tags on an article")
    p.add_argument("article", type=_article_id, help="article id")
    p.add_argument("changes", nargs=argparse.REMAINDER, metavar="[+|-]TAG")

    p = sub.add_parser("tags", help="list tags with counts")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("search", help="ranked full-text search (see the README for the syntax)")
    p.add_argument("query")
    p.add_argument("--limit", type=_count, default=50)
    p.add_argument("--json", action="store_true")

    for verb, spec in STATE_VERBS.items():
        p = sub.add_parser(verb, help=f"{spec.help} (by id, or every match of --query)")
        p.add_argument(
            "articles", nargs="*", type=_article_id, metavar="ARTICLE", help="article ids"
        )
        p.add_argument("--query", help="every article matching this search query")
        p.add_argument("--json", action="store_true", help="print what changed as JSON")


def _note_verbs(sub: Subparsers) -> None:
    p = sub.add_parser("note", help="write an article's note in $EDITOR (or from stdin with -)")
    p.add_argument("article", type=_article_id, help="article id")
    p.add_argument("source", nargs="?", choices=["-"], help="- reads the note from stdin")

    p = sub.add_parser("notes", help="list noted articles")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("export-notes", help="export notes as Markdown files into a folder")
    p.add_argument("dir", nargs="?", help="target folder (default: export folder from config)")
    p.add_argument("--query", help="only articles matching this search")
    p.add_argument("--force", action="store_true", help="overwrite blocks you edited")
    p.add_argument("--single", metavar="FILE", help="write one digest file instead")
    p.add_argument("--group-by", choices=["feed", "tag"], default="feed", help="for --single")


def _sync_verbs(sub: Subparsers) -> None:
    p = sub.add_parser(
        "account", help="sync accounts (FreshRSS, Miniflux, Inoreader...: Google Reader API)"
    )
    acts = p.add_subparsers(dest="account_command", metavar="ACTION")
    a = acts.add_parser("add", help="log in to a server and keep the account (not the password)")
    a.add_argument("url", help="the API address, e.g. https://rss.example.com/api/greader.php")
    a.add_argument("--user", required=True, help="the user name on the server")
    a.add_argument("--name", help="what to call the account (default: the server's host)")
    a.add_argument(
        "--dialect",
        choices=["freshrss", "miniflux", "inoreader", "oldreader", "bazqux", "generic"],
        help="the server's kind (default: guessed from the address)",
    )
    a.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    a = acts.add_parser("login", help="log in again (a new password, or an expired token)")
    a.add_argument("account", help="account name")
    a.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    a = acts.add_parser("list", help="list accounts, their last sync and waiting changes")
    a.add_argument("--json", action="store_true")
    a = acts.add_parser(
        "remove", help="remove an account and its feeds (starred, tagged, noted articles stay)"
    )
    a.add_argument("account", help="account name")
    p.set_defaults(account_command="list", json=False)

    p = sub.add_parser("sync", help="send queued changes to sync accounts and bring theirs in")
    p.add_argument("accounts", nargs="*", metavar="ACCOUNT", help="account names (default: all)")
    p.add_argument("--json", action="store_true")


def _maintenance_verbs(sub: Subparsers) -> None:
    p = sub.add_parser("undo", help="undo the newest change you made (--list: the history)")
    p.add_argument("--list", action="store_true", help="list the history, newest first")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("redo", help="redo the change undone last")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("cleanup", help="remove old read articles (never starred, tagged, noted)")
    p.add_argument("--dry-run", action="store_true", help="only list what would be removed")
    p.add_argument("--days", type=_count, help="keep read articles this many days (config default)")
    p.add_argument("--max-per-feed", type=_count, help="keep at most this many per feed")
    p.add_argument("--json", action="store_true", help="the articles removed (or to be) as JSON")

    p = sub.add_parser("config", help="show, locate or edit the configuration")
    p.add_argument("action", choices=["path", "show", "edit"])

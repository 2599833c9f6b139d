"""The ``gazette`` command line: a thin front over ``Library``.

Human output by default, ``--json`` for scripts.  Exit codes: 0 success,
1 some feeds failed, 2 usage or input errors.  Every expected error is one
line on stderr; no traceback reaches the user.  With no subcommand the
Textual app opens; it is imported only then, so scripted use stays fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from tui import __version__
from tui.core.text import clean_block, clean_line
from tui.core.wording import plural

if TYPE_CHECKING:
    from tui.config import Config
    from tui.core.library import Library
    from tui.core.models import Article, Feed, FeedResult

EXIT_OK, EXIT_FEEDS_FAILED, EXIT_USAGE = 0, 1, 2


def _iso(ts: int | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat()


def _date(ts: int | None) -> str:
    return "-" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M")


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

    p = sub.add_parser("add", help="subscribe to a feed (or a site that links to one)")
    p.add_argument("url")
    p.add_argument("--tag", action="append", default=[], help="folder tag (repeatable)")
    p.add_argument("--first", action="store_true", help="take the first feed a site offers")
    p.add_argument("--folder", metavar="PATH", help='file it in this folder ("/" nests: Tech/Rust)')

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

    p = sub.add_parser("articles", help="list articles, newest first")
    p.add_argument("--feed", help="feed id, URL or title")
    p.add_argument("--unread", action="store_true")
    p.add_argument("--limit", type=_count, default=50)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("show", help="print an article as Markdown")
    p.add_argument("article", type=_article_id, help="article id (from `gazette articles`)")

    p = sub.add_parser("import", help="subscribe to the feeds in an OPML file")
    p.add_argument("file")

    p = sub.add_parser("export-opml", help="write subscriptions as OPML 2.0")
    p.add_argument("file", nargs="?", help="output file (default: standard output)")

    p = sub.add_parser("tag", help="add (+name) or remove (-name) tags on an article")
    p.add_argument("article", type=_article_id, help="article id")
    p.add_argument("changes", nargs=argparse.REMAINDER, metavar="+TAG|-TAG")

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

    p = sub.add_parser("cleanup", help="remove old read articles (never starred, tagged, noted)")
    p.add_argument("--dry-run", action="store_true", help="only list what would be removed")
    p.add_argument("--days", type=_count, help="keep read articles this many days (config default)")
    p.add_argument("--max-per-feed", type=_count, help="keep at most this many per feed")
    p.add_argument("--json", action="store_true", help="the articles removed (or to be) as JSON")

    p = sub.add_parser("config", help="show, locate or edit the configuration")
    p.add_argument("action", choices=["path", "show", "edit"])
    return parser


def _library(args: argparse.Namespace) -> tuple[Library, Config, list[str]]:
    """The Library for this run, with fetch limits from the config file.

    Also returns the config and its warnings: the reader applies the rest of
    it and shows the warnings itself (stderr is hidden while it runs), so
    they are printed here only for the other commands.
    """
    from tui.config import load_config
    from tui.core.library import FetchSettings, Library

    config, warnings = load_config()
    if args.command is not None:
        for warning in warnings:
            print(f"gazette: {warning}", file=sys.stderr)
    fetch = FetchSettings(
        max_connections=config.refresh.concurrency,
        per_host=config.refresh.per_host,
        connect_timeout=config.refresh.connect_timeout,
        total_timeout=config.refresh.timeout,
        user_agent=config.refresh.user_agent or None,
    )
    path = _database_path(args)
    if args.demo:
        from tui.demo import build_demo

        path = build_demo(path)
    return Library(path, fetch=fetch), config, warnings


def _database_path(args: argparse.Namespace) -> Path:
    """The database file for this run.

    Only the default locations (the user data dir, the demo's cache dir) are
    created on demand; a path the user gave (``--db``, ``$GAZETTE_DB``) must
    be in an existing folder, so a typo is reported instead of creating
    folders and an empty database there.
    """
    from tui import paths

    if args.db is not None:
        return _in_existing_folder(_db_arg(args.db), "")
    if args.demo:
        return paths.demo_database_path()
    chosen = paths.chosen_database_path()
    if chosen is not None:
        return _in_existing_folder(chosen, " (from GAZETTE_DB)")
    return paths.database_path()


def _in_existing_folder(path: Path, source: str) -> Path:
    """``path`` itself, once its folder is known to exist (InputError if not)."""
    from tui.core.errors import InputError

    folder = path.parent
    if not folder.is_dir():
        problem = "is a file" if folder.exists() else "does not exist"
        raise InputError(f"database folder {problem}: {folder}{source}")
    return path


def _db_arg(value: str) -> Path:
    """The --db path; an empty one is refused rather than read as "the default"."""
    from tui.core.errors import InputError

    if not value.strip():
        raise InputError("--db: the database path is empty")
    return Path(os.path.expanduser(value))


def _t(s: str | None) -> str:
    """Untrusted text for one line of terminal output: escape sequences,
    control and bidi characters gone (a feed title must not retitle or
    recolour the user's terminal)."""
    return clean_line(s)


#: The header over `feeds` and `tags` counts; _counts puts the slash under its slash.
COUNTS_HEADER = "UNREAD/TOTAL"


def _counts(unread: int, total: int) -> str:
    return f"{unread:>6}/{total:<5}"


def _row(a: Article) -> str:
    return f"{_t(a.title) or '(untitled)'}  [{_t(a.feed_title)}]"


def _feed_json(f: Feed) -> dict[str, Any]:
    return {
        "id": f.id,
        "url": f.url,
        "title": f.title,
        "site_url": f.site_url,
        "folder": f.folder,
        "tags": list(f.tags),
        "total": f.total,
        "unread": f.unread,
        "last_status": f.last_status,
        "last_fetched": _iso(f.last_fetched),
        "error": f.error,
        "gone": f.gone,
    }


def _article_json(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "feed_id": a.feed_id,
        "feed_url": a.feed_url,
        "feed_title": a.feed_title,
        "title": a.title,
        "url": a.url,
        "author": a.author,
        "published": _iso(a.published),
        "read": a.read,
        "starred": a.starred,
        "tags": list(a.tags),
        "noted": a.has_note,
        "enclosures": [{"url": e.url, "type": e.type, "length": e.length} for e in a.enclosures],
    }


class _Progress:
    """A one-line progress bar on a terminal, one plain line per feed otherwise."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = out.isatty()
        self.failed = 0

    def __call__(self, done: int, total: int, result: FeedResult) -> None:
        if result.failed:
            self.failed += 1
        if self.tty:
            width = 30
            filled = width * done // total
            bar = "#" * filled + "-" * (width - filled)
            self.out.write(f"\r[{bar}] {done}/{plural(total, 'feed')}, {self.failed} failed")
            if done == total:
                self.out.write("\n")
        else:
            if result.failed:
                state = f"failed: {_t(result.error)}"
            elif result.not_modified:
                state = "not modified"
            else:
                state = f"{result.new} new, {result.updated} updated"
            self.out.write(f"[{done}/{total}] {_t(result.url)}: {state}\n")
        self.out.flush()


def cmd_add(lib: Library, args: argparse.Namespace) -> int:
    from tui.core import folders
    from tui.core.errors import InputError

    folder = folders.from_user(args.folder)  # refused before anything is fetched
    candidates = lib.discover(args.url)
    if not candidates:
        raise InputError(f"{args.url}: no feed found there")
    if len(candidates) > 1 and not args.first:
        print(f"{args.url} offers {len(candidates)} feeds:")
        for url in candidates:
            print(f"  {_t(url)}")
        print("Add one of them by URL, or use --first to take the first.")
        return EXIT_USAGE
    feed, result = lib.add_feed(candidates[0], tags=args.tag, folder=folder)
    new = plural(result.new, "article")
    print(f"Added {_t(feed.title)} <{_t(feed.url)}> (id {feed.id}): {new}")
    if result.warning:
        print(f"  warning: {_t(result.warning)}")
    return EXIT_OK


def cmd_remove(lib: Library, args: argparse.Namespace) -> int:
    feed, articles, notes = lib.remove_feed(args.feed)
    extra = f", {plural(notes, 'note')}" if notes else ""
    gone = plural(articles, "article")
    print(f"Removed {_t(feed.title)} <{_t(feed.url)}> ({gone}{extra})")
    return EXIT_OK


def cmd_move(lib: Library, args: argparse.Namespace) -> int:
    before = lib.find_feed(args.feed).folder
    feed = lib.move_feed(args.feed, args.folder)
    title = f"{_t(feed.title)} (id {feed.id})"
    if feed.folder == before:
        where = f"in {_t(feed.folder)}" if feed.folder else "in no folder"
        print(f"{title} is already {where}")
    elif feed.folder:
        print(f"Moved {title} to {_t(feed.folder)}")
    else:
        print(f"Moved {title} out of {_t(before)}")
    return EXIT_OK


def cmd_feeds(lib: Library, args: argparse.Namespace) -> int:
    feeds = lib.feeds()
    if args.json:
        json.dump([_feed_json(f) for f in feeds], sys.stdout, indent=2, ensure_ascii=False)
        print()
        return EXIT_OK
    if not feeds:
        print("No feeds yet. Add one with: gazette add URL")
        return EXIT_OK
    print(f"{'ID':>5}  {COUNTS_HEADER}  FEED")
    for f in feeds:
        folder = f"{_t(f.folder)}/" if f.folder else ""
        print(f"{f.id:>5}  {_counts(f.unread, f.total)}  {folder}{_t(f.title)}  <{_t(f.url)}>")
        if f.error:
            print(f"{'':>21}error: {_t(f.error)}")
    return EXIT_OK


def cmd_refresh(lib: Library, args: argparse.Namespace) -> int:
    ids = [lib.find_feed(ref).id for ref in args.feeds] if args.feeds else None
    summary = lib.refresh(ids, progress=_Progress(sys.stderr))
    failed = summary.failed
    feeds = plural(len(summary.results), "feed")
    print(
        f"Refreshed {feeds}: {summary.new} new, {summary.updated} updated, "
        f"{summary.not_modified} not modified, {len(failed)} failed"
    )
    for r in failed:
        print(f"  failed: {_t(r.url)}: {_t(r.error)}")
    return EXIT_FEEDS_FAILED if failed else EXIT_OK


def cmd_articles(lib: Library, args: argparse.Namespace) -> int:
    from tui.core.models import View

    feed_id = lib.find_feed(args.feed).id if args.feed else None
    arts = lib.articles(View(feed_id=feed_id, unread=args.unread), limit=args.limit)
    if args.json:
        json.dump([_article_json(a) for a in arts], sys.stdout, indent=2, ensure_ascii=False)
        print()
        return EXIT_OK
    for a in arts:
        mark = ("N" if not a.read else " ") + ("*" if a.starred else " ")
        print(f"{a.id:>7} {mark} {_date(a.published)}  {_row(a)}")
    return EXIT_OK


def cmd_show(lib: Library, args: argparse.Namespace) -> int:
    a = lib.article(args.article)
    print(f"# {_t(a.title) or '(untitled)'}\n")
    print(f"Feed: {_t(a.feed_title)}")
    if a.author:
        print(f"Author: {_t(a.author)}")
    print(f"Published: {_date(a.published)} UTC")
    if a.url:
        print(f"Link: {_t(a.url)}")
    for e in a.enclosures:
        print(f"Enclosure: {_t(e.url)} ({_t(e.type) or 'unknown type'})")
    print()
    print(clean_block(lib.markdown(a.id)))
    return EXIT_OK


def cmd_import(lib: Library, args: argparse.Namespace) -> int:
    report = lib.import_opml(args.file)
    added = plural(len(report.added), "feed")
    print(f"Imported {added}, skipped {len(report.skipped)} already subscribed")
    if report.added:
        print("Run `gazette refresh` to fetch them.")
    return EXIT_OK


def cmd_export_opml(lib: Library, args: argparse.Namespace) -> int:
    if not args.file:
        sys.stdout.write(lib.export_opml())
        return EXIT_OK
    n = lib.write_opml(args.file)
    print(f"Wrote {plural(n, 'feed')} to {args.file}")
    return EXIT_OK


def _edit_text(initial: str, suffix: str = ".md") -> str:
    """Let the user edit ``initial`` in $VISUAL/$EDITOR; returns the result."""
    import shlex
    import subprocess
    import tempfile

    from tui.core.errors import InputError

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.TemporaryDirectory(prefix="gazette-") as tmp:
        path = Path(tmp) / f"note{suffix}"
        path.write_text(initial, encoding="utf-8")
        try:
            done = subprocess.run([*shlex.split(editor), str(path)], check=False)
        except OSError as exc:
            raise InputError(f"cannot run editor {editor!r} ({exc.strerror})") from exc
        if done.returncode != 0:
            raise InputError(f"editor {editor!r} exited with {done.returncode}; note unchanged")
        return path.read_text(encoding="utf-8")


def cmd_tag(lib: Library, args: argparse.Namespace) -> int:
    from tui.core.errors import InputError

    add = [c[1:] for c in args.changes if c.startswith("+")]
    remove = [c[1:] for c in args.changes if c.startswith("-")]
    odd = [c for c in args.changes if not c.startswith(("+", "-"))]
    if odd or not args.changes:
        raise InputError("tag: give changes as +name or -name (e.g. gazette tag 12 +read-later)")
    article = lib.article(args.article)
    lib.set_tags([article.id], add=add, remove=remove)
    now = lib.article(article.id).tags
    print(f"{article.id}: {', '.join(now) if now else '(no tags)'}")
    return EXIT_OK


def cmd_tags(lib: Library, args: argparse.Namespace) -> int:
    tags = lib.tags()
    if args.json:
        rows = [
            {"name": t.name, "articles": t.articles, "unread": t.unread, "feeds": t.feeds}
            for t in tags
        ]
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return EXIT_OK
    if not tags:
        print("No tags yet. Tag an article with: gazette tag ARTICLE +name")
        return EXIT_OK
    print(f"{COUNTS_HEADER}  TAG")
    for t in tags:
        print(f"{_counts(t.unread, t.articles)}  {_t(t.name)}")
    return EXIT_OK


def cmd_search(lib: Library, args: argparse.Namespace) -> int:
    from tui.core.errors import InputError

    result = lib.search(args.query, limit=args.limit)
    if result.error:
        raise InputError(f"search {args.query!r}: {result.error}")
    if args.json:
        rows = [_article_json(a) for a in result.articles]
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return EXIT_OK
    if not result.articles:
        print("No matches.")
    for a in result.articles:
        mark = ("N" if not a.read else " ") + ("*" if a.starred else " ")
        print(f"{a.id:>7} {mark} {_date(a.published)}  {_row(a)}")
    return EXIT_OK


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
    from tui.core.errors import InputError

    flag, value, done, state, _help = STATE_VERBS[args.command]
    if args.query is not None and args.articles:
        raise InputError(f"{args.command}: give article ids or --query, not both")
    if args.query is not None:
        ids = lib.search_ids(args.query)
    elif args.articles:
        ids = args.articles
    else:
        raise InputError(f"{args.command}: give article ids (or --query QUERY)")
    setter = lib.set_read if flag == "read" else lib.set_starred
    change = setter(ids, value)
    for missing in change.missing:
        print(f"gazette: no article with id {missing}", file=sys.stderr)
    if args.json:
        json.dump([{"id": i, flag: value} for i in change.changed], sys.stdout, indent=2)
        print()
    else:
        for i in change.changed:
            print(f"{i}: {state}")
        already = f", {len(change.unchanged)} already {state}" if change.unchanged else ""
        print(f"{plural(len(change.changed), 'article')} {done}{already}")
    return EXIT_USAGE if change.missing else EXIT_OK


def cmd_note(lib: Library, args: argparse.Namespace) -> int:
    article = lib.article(args.article)
    note = lib.note(article.id)
    old = note.body if note else ""
    if args.source == "-":
        raw = getattr(sys.stdin, "buffer", None)
        body = raw.read().decode("utf-8", errors="replace") if raw else sys.stdin.read()
    else:
        body = _edit_text(old)
    if body == old:
        print("Note unchanged.")
        return EXIT_OK
    lib.save_note(article.id, body)
    print("Note deleted." if not body.strip() else f"Saved note on {_t(article.title)}.")
    return EXIT_OK


def cmd_notes(lib: Library, args: argparse.Namespace) -> int:
    from tui.core.models import View

    arts = lib.articles(View(noted=True))
    if args.json:
        rows = []
        for a in arts:
            note = lib.note(a.id)
            rows.append(
                {
                    **_article_json(a),
                    "note": note.body if note else "",
                    "note_updated": _iso(note.updated) if note else None,
                }
            )
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return EXIT_OK
    if not arts:
        print("No notes yet. Write one in the reader (e) or with: gazette note ARTICLE")
    for a in arts:
        note = lib.note(a.id)
        first = (note.body.strip().splitlines() or [""])[0][:60] if note else ""
        print(f"{a.id:>7}  {_t(a.title) or '(untitled)'}  [{_t(a.feed_title)}]\n{'':>9}{_t(first)}")
    return EXIT_OK


def cmd_export_notes(lib: Library, args: argparse.Namespace) -> int:
    from tui.config import load_config

    ids = None
    if args.query:
        ids = lib.search_ids(args.query)
    if args.single:
        n = lib.export_digest(Path(args.single), group_by=args.group_by, article_ids=ids)
        print(f"Wrote {plural(n, 'note')} to {args.single}")
        return EXIT_OK
    folder = Path(args.dir).expanduser() if args.dir else load_config()[0].export_path()
    report = lib.export_notes(folder, force=args.force, article_ids=ids)
    for warning in report.warnings:
        print(f"warning: {_t(warning)}", file=sys.stderr)
    print(f"{folder}: {report.summary()}")
    return EXIT_OK


def cmd_cleanup(lib: Library, args: argparse.Namespace) -> int:
    from tui.config import load_config

    retention = load_config()[0].retention
    days = retention.keep_read_days if args.days is None else args.days
    most = retention.max_per_feed if args.max_per_feed is None else args.max_per_feed
    if days <= 0 and most <= 0:
        hint = "Nothing to do: set retention.keep_read_days or max_per_feed, or pass --days."
        if args.json:
            print("[]")
        print(hint, file=sys.stderr if args.json else sys.stdout)
        return EXIT_OK
    limits = {"keep_read_days": max(days, 0), "max_per_feed": max(most, 0)}
    if args.dry_run or args.json:
        gone = lib.cleanup_articles(**limits, dry_run=args.dry_run)
        n = len(gone)
        if args.json:
            json.dump([_article_json(a) for a in gone], sys.stdout, indent=2, ensure_ascii=False)
            print()
            return EXIT_OK
        for a in gone:
            print(f"{a.id:>7}  {_date(a.published)}  {_row(a)}")
    else:
        n = lib.cleanup(**limits)
    rules = []
    if days > 0:
        rules.append(f"read and older than {plural(days, 'day')}")
    if most > 0:
        rules.append(f"read and beyond the newest {most} of their feed")
    verb = "Would remove" if args.dry_run else "Removed"
    kept = "starred, tagged and noted kept"
    print(f"{verb} {plural(n, 'article')} ({' or '.join(rules)}; {kept})")
    return EXIT_OK


def cmd_config(args: argparse.Namespace) -> int:
    """``config`` needs no database, so it runs before one is opened."""
    import shlex
    import subprocess

    from tui.config import config_path, dump_config, load_config

    path = config_path()
    if args.action == "path":
        print(path)
        return EXIT_OK
    if args.action == "edit":
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text("# Gazette configuration: see `gazette config show`\n", "utf-8")
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        try:
            subprocess.run([*shlex.split(editor), str(path)], check=False)
        except OSError as exc:
            print(f"gazette: cannot run editor {editor!r} ({exc.strerror})", file=sys.stderr)
            return EXIT_USAGE
    config, warnings = load_config(path)
    for warning in warnings:
        print(f"gazette: {warning}", file=sys.stderr)
    if args.action == "show":
        sys.stdout.write(dump_config(config))
    return EXIT_USAGE if warnings else EXIT_OK


COMMANDS = {
    "add": cmd_add,
    "remove": cmd_remove,
    "move": cmd_move,
    "feeds": cmd_feeds,
    "refresh": cmd_refresh,
    "articles": cmd_articles,
    "show": cmd_show,
    "import": cmd_import,
    "export-opml": cmd_export_opml,
    "cleanup": cmd_cleanup,
    "tag": cmd_tag,
    "tags": cmd_tags,
    "search": cmd_search,
    "note": cmd_note,
    "notes": cmd_notes,
    "export-notes": cmd_export_notes,
    **dict.fromkeys(STATE_VERBS, cmd_state),
}


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # A title in a script the terminal's encoding lacks must not end the run.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    from tui.core.errors import GazetteError

    try:
        if args.command == "config":
            return cmd_config(args)
        lib, config, warnings = _library(args)
        if args.command is None:
            from tui.ui.app import run_app

            try:
                return run_app(lib, config=config, warnings=warnings)
            finally:
                lib.close()
        try:
            return COMMANDS[args.command](lib, args)
        finally:
            lib.close()
    except GazetteError as exc:
        print(f"gazette: {_t(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("gazette: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `gazette articles | head`: the reader went away; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        if os.environ.get("GAZETTE_DEBUG"):
            raise
        print(
            f"gazette: unexpected error: {exc!r} (set GAZETTE_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return EXIT_USAGE

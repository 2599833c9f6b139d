"""Verbs on subscriptions: add, remove, move, feeds, refresh, import, export-opml.

Each handler takes the open ``Library`` and the parsed arguments, asks the
Library to do the work and only words the outcome; it returns the exit code.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tui.cli.exitcodes import EXIT_FEEDS_FAILED, EXIT_OK, EXIT_USAGE
from tui.cli.output import COUNTS_HEADER, counts, feed_json, line, print_json
from tui.core.wording import plural

if TYPE_CHECKING:
    import argparse

    from tui.core.library import Library


def cmd_add(lib: Library, args: argparse.Namespace) -> int:
    """Subscribe; a site offering several feeds is listed rather than guessed at."""
    from tui.core import folders
    from tui.core.errors import InputError

    folder = folders.from_user(args.folder)  # refused before anything is fetched
    if args.account:
        account = lib.subscribe_on_account(args.account, args.url, folder=folder)
        print(
            f"Queued {line(args.url)} for {line(account.name)}: "
            "the next `gazette sync` subscribes and brings its articles in"
        )
        return EXIT_OK
    candidates = lib.discover(args.url)
    if not candidates:
        raise InputError(f"{args.url}: no feed found there")
    if len(candidates) > 1 and not args.first:
        print(f"{args.url} offers {len(candidates)} feeds:")
        for url in candidates:
            print(f"  {line(url)}")
        print("Add one of them by URL, or use --first to take the first.")
        return EXIT_USAGE
    feed, result = lib.add_feed(candidates[0], tags=args.tag, folder=folder)
    new = plural(result.new, "article")
    print(f"Added {line(feed.title)} <{line(feed.url)}> (id {feed.id}): {new}")
    if result.warning:
        print(f"  warning: {line(result.warning)}")
    return EXIT_OK


def cmd_remove(lib: Library, args: argparse.Namespace) -> int:
    feed, articles, notes = lib.remove_feed(args.feed)
    extra = f", {plural(notes, 'note')}" if notes else ""
    gone = plural(articles, "article")
    print(f"Removed {line(feed.title)} <{line(feed.url)}> ({gone}{extra})")
    return EXIT_OK


def cmd_move(lib: Library, args: argparse.Namespace) -> int:
    """File a feed elsewhere; the folder it had is looked up first to word a no-op."""
    before = lib.find_feed(args.feed).folder
    feed = lib.move_feed(args.feed, args.folder)
    title = f"{line(feed.title)} (id {feed.id})"
    if feed.folder == before:
        where = f"in {line(feed.folder)}" if feed.folder else "in no folder"
        print(f"{title} is already {where}")
    elif feed.folder:
        print(f"Moved {title} to {line(feed.folder)}")
    else:
        print(f"Moved {title} out of {line(before)}")
    return EXIT_OK


def cmd_feeds(lib: Library, args: argparse.Namespace) -> int:
    feeds = lib.feeds()
    if args.json:
        print_json([feed_json(f) for f in feeds])
        return EXIT_OK
    if not feeds:
        print("No feeds yet. Add one with: gazette add URL")
        return EXIT_OK
    print(f"{'ID':>5}  {COUNTS_HEADER}  FEED")
    for f in feeds:
        folder = f"{line(f.folder)}/" if f.folder else ""
        print(f"{f.id:>5}  {counts(f.unread, f.total)}  {folder}{line(f.title)}  <{line(f.url)}>")
        if f.error:
            print(f"{'':>21}error: {line(f.error)}")
    return EXIT_OK


def cmd_refresh(lib: Library, args: argparse.Namespace) -> int:
    """Fetch, then sync the accounts (when no feed is named); progress goes
    to stderr so stdout holds only the summary."""
    from tui.cli.accounts import run_sync, sync_exit
    from tui.cli.progress import RefreshProgress

    ids = [lib.find_feed(ref).id for ref in args.feeds] if args.feeds else None
    with RefreshProgress(sys.stderr) as progress:
        summary = lib.refresh(ids, progress=progress)
    failed = summary.failed
    feeds = plural(len(summary.results), "feed")
    print(
        f"Refreshed {feeds}: {summary.new} new, {summary.updated} updated, "
        f"{summary.not_modified} not modified, {len(failed)} failed"
    )
    for r in failed:
        print(f"  failed: {line(r.url)}: {line(r.error)}")
    code = EXIT_FEEDS_FAILED if failed else EXIT_OK
    fetched, missed = lib.fetch_wanted_full_texts()  # feeds set to full_text = always
    if fetched or missed:
        print(f"Full articles: {fetched} fetched, {missed} failed")
    if not args.feeds and lib.accounts():
        code = max(code, sync_exit(run_sync(lib, None)))
    return code


def cmd_import(lib: Library, args: argparse.Namespace) -> int:
    report = lib.import_opml(args.file)
    added = plural(len(report.added), "feed")
    print(f"Imported {added}, skipped {len(report.skipped)} already subscribed")
    if report.added:
        print("Run `gazette refresh` to fetch them.")
    return EXIT_OK


def cmd_export_opml(lib: Library, args: argparse.Namespace) -> int:
    if not args.file:
        sys.stdout.write(lib.opml_text())
        return EXIT_OK
    n = lib.export_opml(args.file)
    print(f"Wrote {plural(n, 'feed')} to {args.file}")
    return EXIT_OK

"""Verbs on articles: articles, show, search, tag, tags, cleanup.

Listings print one row per article (see ``output.listing``) or, with
``--json``, the article shape of ``output.article_json``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tui.cli.exitcodes import EXIT_OK
from tui.cli.output import (
    COUNTS_HEADER,
    article_json,
    counts,
    date,
    line,
    listing,
    print_json,
    tag_json,
    title_and_feed,
)
from tui.core.text import clean_block
from tui.core.wording import plural

if TYPE_CHECKING:
    import argparse

    from tui.core.library import Library


def cmd_articles(lib: Library, args: argparse.Namespace) -> int:
    from tui.core.models import View

    feed_id = lib.find_feed(args.feed).id if args.feed else None
    arts = lib.articles(View(feed_id=feed_id, unread=args.unread), limit=args.limit)
    if args.json:
        print_json([article_json(a) for a in arts])
        return EXIT_OK
    for a in arts:
        print(listing(a))
    return EXIT_OK


def cmd_show(lib: Library, args: argparse.Namespace) -> int:
    """An article as Markdown, headed by its metadata, for reading or piping on."""
    a = lib.article(args.article)
    # Fetched before anything is printed: a page that gives no article is one
    # line on stderr (and exit 2), not half an output.
    body = (lib.fetch_full_text(a.id).markdown or "") if args.full else lib.markdown(a.id)
    print(f"# {line(a.title) or '(untitled)'}\n")
    print(f"Feed: {line(a.feed_title)}")
    if a.also_in:
        print(f"Also in: {', '.join(line(name) for name in a.also_in)}")
    if a.author:
        print(f"Author: {line(a.author)}")
    print(f"Published: {date(a.published)} UTC")
    if a.url:
        print(f"Link: {line(a.url)}")
    for e in a.enclosures:
        print(f"Enclosure: {line(e.url)} ({line(e.type) or 'unknown type'})")
    print()
    print(clean_block(body))
    return EXIT_OK


def cmd_search(lib: Library, args: argparse.Namespace) -> int:
    """Ranked search; an unusable query is an input error (exit 2), not "no matches"."""
    from tui.core.errors import InputError

    result = lib.search(args.query, limit=args.limit)
    if result.error:
        raise InputError(f"search {args.query!r}: {result.error}")
    if args.json:
        print_json([article_json(a) for a in result.articles])
        return EXIT_OK
    if not result.articles:
        print("No matches.")
    for a in result.articles:
        print(listing(a))
    return EXIT_OK


def cmd_tag(lib: Library, args: argparse.Namespace) -> int:
    """Change an article's tags, then print the tags it has.

    Each argument is read in the one tag grammar (``tui.core.tags.parse_tag_changes``),
    as if they were typed comma-separated in the tag editor: ``name`` or ``+name``
    adds, ``-name`` removes, and one argument may hold several (``"a, -b"``).
    """
    from tui.core.errors import InputError
    from tui.core.tags import parse_tag_changes

    add, remove = parse_tag_changes(",".join(args.changes))
    if not add and not remove:
        raise InputError(
            "tag: give tags as name, +name or -name (e.g. gazette tag 12 later -inbox)"
        )
    article = lib.article(args.article)
    lib.set_tags([article.id], add=add, remove=remove)
    now = lib.article(article.id).tags
    print(f"{article.id}: {', '.join(now) if now else '(no tags)'}")
    return EXIT_OK


def cmd_tags(lib: Library, args: argparse.Namespace) -> int:
    tags = lib.tags()
    if args.json:
        print_json([tag_json(t) for t in tags])
        return EXIT_OK
    if not tags:
        print("No tags yet. Tag an article with: gazette tag ARTICLE +name")
        return EXIT_OK
    print(f"{COUNTS_HEADER}  TAG")
    for t in tags:
        print(f"{counts(t.unread, t.articles)}  {line(t.name)}")
    return EXIT_OK


def cmd_cleanup(lib: Library, args: argparse.Namespace) -> int:
    """Remove (or, with --dry-run, list) old read articles by the retention rules.

    The options override the config's retention settings one by one.  With
    --json the articles are listed before they go, so a script can log them.
    """
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
    days, most = max(days, 0), max(most, 0)
    gone = lib.cleanup(keep_read_days=days, max_per_feed=most, dry_run=args.dry_run)
    n = len(gone)
    if args.json:
        print_json([article_json(a) for a in gone])
        return EXIT_OK
    if args.dry_run:
        for a in gone:
            print(f"{a.id:>7}  {date(a.published)}  {title_and_feed(a)}")
    verb = "Would remove" if args.dry_run else "Removed"
    kept = "starred, tagged and noted kept"
    print(f"{verb} {plural(n, 'article')} ({_rules(days, most)}; {kept})")
    return EXIT_OK


def _rules(days: int, most: int) -> str:
    """The retention rules in force, in words, for the cleanup summary."""
    rules = []
    if days > 0:
        rules.append(f"read and older than {plural(days, 'day')}")
    if most > 0:
        rules.append(f"read and beyond the newest {most} of their feed")
    return " or ".join(rules)

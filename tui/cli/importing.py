"""``gazette import-newsboat``: newsboat's feeds, queries, filters and cache, in one go.

The report is the output: what was imported and every line that was not,
with why (``--json`` for scripts).  Lines not imported do not fail the
command: the exit code is non-zero only when no file could be read (an
InputError from the Library, one line on stderr).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.cli.exitcodes import EXIT_OK
from tui.cli.output import line, print_json

if TYPE_CHECKING:
    import argparse

    from tui.core.library import Library


def cmd_import_newsboat(lib: Library, args: argparse.Namespace) -> int:
    from tui.core.importing.newsboat.sources import choose_files

    files = choose_files(args.urls, args.config, args.cache)
    report = lib.import_newsboat(files, dry_run=args.dry_run)
    if args.json:
        print_json(report.as_json())
        return EXIT_OK
    for text in report.lines():
        body = text.lstrip(" ")
        print(" " * (len(text) - len(body)) + line(body))  # the indent shows the nesting
    if report.feeds and not args.dry_run:
        print("Run `gazette refresh` to fetch what newsboat had not cached.")
    return EXIT_OK

"""The ``gazette`` command line: a thin front over ``Library``.

Human output by default, ``--json`` for scripts.  Exit codes: 0 success,
1 some feeds failed, 2 usage or input errors.  Every expected error is one
line on stderr; no traceback reaches the user.  With no subcommand the
Textual app opens; it is imported only then, so scripted use stays fast.

The package: ``parser`` (the grammar), ``commands`` (which handler runs a
verb) and the handlers by concern (``feeds``, ``articles``, ``notes``,
``state``, ``config``), ``output`` (terminal-safe text, rows, JSON shapes),
``progress`` (the refresh bar).  This module opens the database and
dispatches; only ``main`` is meant to be imported from outside.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui.cli.exitcodes import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from tui.cli.parser import build_parser

if TYPE_CHECKING:
    from tui.config import Config
    from tui.core.library import Library

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``gazette`` command line; returns the exit code.

    Expected errors (``GazetteError``) become one line on stderr and exit 2;
    anything else is reported as unexpected, with a traceback only when
    ``GAZETTE_DEBUG`` is set.
    """
    for stream in (sys.stdout, sys.stderr):
        # A title in a script the terminal's encoding lacks must not end the run.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    # Only the parser is loaded up to here: `gazette --help` and a usage
    # error stop in parse_args, before any handler, the core or the output.
    args = build_parser().parse_args(argv)
    from tui.core.errors import GazetteError

    try:
        return _run(args)
    except GazetteError as exc:
        from tui.cli.output import line

        print(f"gazette: {line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("gazette: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
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


def _run(args: argparse.Namespace) -> int:
    """Dispatch: ``config`` without a database, the reader with none, else a handler."""
    if args.command == "config":
        from tui.cli.config import cmd_config

        return cmd_config(args)
    if args.command is None:
        return _read(args)
    lib, _config, _warnings = _library(args)
    try:
        from tui.cli.commands import COMMANDS

        return COMMANDS[args.command](lib, args)
    finally:
        lib.close()


def _read(args: argparse.Namespace) -> int:
    """Open the reader, with the garbage collector off until it has started.

    Starting builds some 100,000 objects that live as long as the app; the
    collections they set off before the first paint walk them for nothing
    (~40 ms of CPU at 100,000 articles, a tenth of the start).  The reader
    turns the collector back on when it settles (``GazetteApp.settle``:
    one full collection, then the long-lived objects frozen); ``finally``
    covers a reader that ends before that.
    """
    gc.disable()
    try:
        lib, config, warnings = _library(args)
        try:
            from tui.ui.app import run_app

            return run_app(lib, config=config, warnings=warnings)
        finally:
            lib.close()
    finally:
        gc.enable()


def _library(args: argparse.Namespace) -> tuple[Library, Config, list[str]]:
    """The Library for this run, with fetch limits from the config file.

    Also returns the config and its warnings: the reader applies the rest of
    it and shows the warnings itself (stderr is hidden while it runs), so
    they are printed here only for the other commands.
    """
    from tui import paths
    from tui.config import load_config
    from tui.core.library import FetchSettings, ImageSettings, Library

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
    if Library.upgrade_pending(path):
        # Said before the wait (opening the database upgrades it), so the
        # reader's first screen is not a minute late without a word.
        print(
            f"gazette: upgrading {path} (once; about a minute per 100,000 articles)",
            file=sys.stderr,
        )
    images = ImageSettings(
        cache_dir=paths.image_cache_dir(), user_agent=config.refresh.user_agent or None
    )
    library = Library(
        path, fetch=fetch, images=images, group_stories=config.reading.group_duplicates
    )
    return library, config, warnings


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

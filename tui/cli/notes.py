"""Verbs on notes: note (write one), notes (list them), export-notes."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tui.cli.exitcodes import EXIT_OK
from tui.cli.output import line, noted_json, print_json, title_and_feed
from tui.core.wording import plural

if TYPE_CHECKING:
    import argparse

    from tui.core.library import Library


def cmd_note(lib: Library, args: argparse.Namespace) -> int:
    """Write an article's note in $EDITOR, or from stdin with ``-``.

    Stdin is read as bytes and decoded leniently: a note piped from a file in
    another encoding is kept (with replacement characters), not refused.
    """
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
    lib.set_note(article.id, body)
    print("Note deleted." if not body.strip() else f"Saved note on {line(article.title)}.")
    return EXIT_OK


def cmd_notes(lib: Library, args: argparse.Namespace) -> int:
    """Noted articles, newest first, each with its note's first line (or all of it in JSON)."""
    noted = lib.noted_articles()
    if args.json:
        print_json([noted_json(a, note) for a, note in noted])
        return EXIT_OK
    if not noted:
        print("No notes yet. Write one in the reader (e) or with: gazette note ARTICLE")
    for a, note in noted:
        first = (note.body.strip().splitlines() or [""])[0][:60]
        print(f"{a.id:>7}  {title_and_feed(a)}\n{'':>9}{line(first)}")
    return EXIT_OK


def cmd_export_notes(lib: Library, args: argparse.Namespace) -> int:
    """Export into a folder (or, with --single, one digest file), limited by --query."""
    query = args.query or None  # an empty --query has always meant every note
    if args.single:
        n = lib.export_digest(Path(args.single), group_by=args.group_by, query=query)
        print(f"Wrote {plural(n, 'note')} to {args.single}")
        return EXIT_OK
    folder = Path(args.dir).expanduser() if args.dir else _configured_export_folder()
    report = lib.export_notes(folder, force=args.force, query=query)
    for warning in report.warnings:
        print(f"warning: {line(warning)}", file=sys.stderr)
    print(f"{folder}: {report.summary()}")
    return EXIT_OK


def _configured_export_folder() -> Path:
    from tui.config import load_config

    return load_config()[0].export_path()


def _edit_text(initial: str, suffix: str = ".md") -> str:
    """Let the user edit ``initial`` in $VISUAL/$EDITOR; returns the result.

    A failed editor (it cannot start, or exits non-zero) is an InputError, so
    a crashed or aborted editor session never saves or deletes a note.
    """
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

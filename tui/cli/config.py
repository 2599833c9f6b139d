"""The ``config`` verb: show, locate or edit the configuration file.

It needs no database, so ``main`` runs it before one is opened: a broken
database must not stop the user from fixing the config.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from tui.cli.exitcodes import EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    import argparse


def cmd_config(args: argparse.Namespace) -> int:
    """path prints where it is; edit opens it (created if missing) and then
    checks it like show does, so a mistake is reported at once (exit 2)."""
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

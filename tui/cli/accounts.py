"""Verbs on sync accounts: ``account add|list|remove|login`` and ``sync``.

A password comes from a terminal prompt, from stdin (``--password-stdin``,
for scripts), or from the config's ``password_command``; it is handed to the
server once and never written anywhere.
"""

from __future__ import annotations

import getpass
import sys
from typing import TYPE_CHECKING

from tui.cli.exitcodes import EXIT_FEEDS_FAILED, EXIT_OK, EXIT_USAGE
from tui.cli.output import iso, line, print_json
from tui.core.errors import InputError
from tui.core.wording import plural

if TYPE_CHECKING:
    import argparse

    from tui.core.library import Library
    from tui.core.models import Account, SyncResult


def cmd_account(lib: Library, args: argparse.Namespace) -> int:
    action = args.account_command
    if action == "add":
        password = _password(
            args, f"Password for {args.user} at {args.url}: ", args.name or "", args.user
        )
        account = lib.add_account(
            args.url, args.user, password, name=args.name, dialect=args.dialect
        )
        print(
            f"Added account {line(account.name)} ({account.dialect}, {line(account.username)} "
            f"at {line(account.url)}). Run `gazette sync` to bring its feeds in."
        )
        return EXIT_OK
    if action == "login":
        account = lib.find_account(args.account)
        password = _password(
            args,
            f"Password for {account.username} at {account.url}: ",
            account.name,
            account.username,
        )
        lib.login_account(args.account, password)
        print(f"Logged in to {line(account.name)} again.")
        return EXIT_OK
    if action == "remove":
        account, feeds, articles = lib.remove_account(args.account)
        print(
            f"Removed account {line(account.name)}: {plural(articles, 'article')} of "
            f"{plural(feeds, 'feed')} (the server keeps them; what you starred, "
            "tagged or noted stays)"
        )
        return EXIT_OK
    return _list(lib.accounts(), args.json)


def _list(accounts: list[Account], as_json: bool) -> int:
    if as_json:
        print_json([_account_json(a) for a in accounts])
        return EXIT_OK
    if not accounts:
        print("No sync accounts. Add one with: gazette account add URL --user NAME")
        return EXIT_OK
    for a in accounts:
        synced = f"last sync {iso(a.last_sync)}" if a.last_sync else "never synced"
        waiting = f", {plural(a.pending, 'change')} waiting" if a.pending else ""
        print(
            f"{line(a.name)}  {a.dialect}  {line(a.username)} at {line(a.url)}  "
            f"{plural(a.feeds, 'feed')}, {synced}{waiting}"
        )
        if a.last_error:
            print(f"  last error: {line(a.last_error)}")
    return EXIT_OK


def _account_json(a: Account) -> dict[str, object]:
    return {
        "id": a.id,
        "name": a.name,
        "kind": a.kind,
        "dialect": a.dialect,
        "url": a.url,
        "username": a.username,
        "feeds": a.feeds,
        "pending": a.pending,
        "last_sync": iso(a.last_sync),
        "last_attempt": iso(a.last_attempt),
        "last_error": a.last_error,
    }


def cmd_sync(lib: Library, args: argparse.Namespace) -> int:
    """Sync every account (or those named); exit 2 when a login failed, 1 when
    another error stopped an account, 0 otherwise."""
    if not lib.accounts():
        print("No sync accounts. Add one with: gazette account add URL --user NAME")
        return EXIT_OK
    results = run_sync(lib, args.accounts or None, quiet=args.json)
    if args.json:
        print_json([_result_json(r) for r in results])
    return sync_exit(results)


def run_sync(lib: Library, refs: list[str] | None, *, quiet: bool = False) -> list[SyncResult]:
    """Sync and word each account's result (also used by ``refresh``)."""

    def report(what: str) -> None:
        if not quiet and sys.stderr.isatty():
            print(f"\r\x1b[K{line(what)[:100]}", end="", file=sys.stderr, flush=True)

    results = lib.sync(refs, passwords=_password_for, report=report)
    if not quiet and sys.stderr.isatty():
        print("\r\x1b[K", end="", file=sys.stderr, flush=True)
    if not quiet:
        for r in results:
            print(result_line(r))
    return results


def result_line(r: SyncResult) -> str:
    """One line per account: what came, what went, what waits."""
    if r.error and not r.stopped:
        waiting = f" ({plural(r.pending, 'change')} waiting)" if r.pending else ""
        return f"{line(r.account)}: {line(r.error)}{waiting}"
    parts = [f"{r.new} new"]
    if r.sent:
        parts.append(f"{plural(r.sent, 'change')} sent")
    if r.refused:
        parts.append(f"{r.refused} refused by the server")
    if r.feeds_added:
        parts.append(f"{plural(r.feeds_added, 'feed')} added")
    if r.feeds_removed:
        parts.append(f"{plural(r.feeds_removed, 'feed')} removed")
    if r.state_changes:
        parts.append(f"{plural(r.state_changes, 'state change')} from the server")
    if r.pending:
        parts.append(f"{plural(r.pending, 'change')} waiting")
    head = f"{line(r.account)}: stopped" if r.stopped else f"Synced {line(r.account)}"
    return f"{head}: {', '.join(parts)}"


def sync_exit(results: list[SyncResult]) -> int:
    if any(r.auth_failed for r in results):
        return EXIT_USAGE
    if any(r.error and not r.stopped for r in results):
        return EXIT_FEEDS_FAILED
    return EXIT_OK


def _result_json(r: SyncResult) -> dict[str, object]:
    return {
        "account": r.account,
        "new": r.new,
        "sent": r.sent,
        "requests": r.requests,
        "feeds_added": r.feeds_added,
        "feeds_removed": r.feeds_removed,
        "state_changes": r.state_changes,
        "skipped": r.skipped,
        "refused": r.refused,
        "pending": r.pending,
        "error": r.error,
    }


def _password(args: argparse.Namespace, prompt: str, name: str, user: str) -> str:
    """The password from stdin (``--password-stdin``: its first line), else the
    config's ``password_command``, else a prompt on the terminal."""
    from tui.config import load_config, password_from_command

    command = load_config()[0].sync.password_command
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif command:
        try:
            password = password_from_command(command, name, user) or ""
        except ValueError as exc:
            raise InputError(str(exc)) from None
    elif sys.stdin.isatty():
        password = getpass.getpass(prompt)
    else:
        raise InputError(
            "no terminal to ask for the password: use --password-stdin or password_command"
        )
    if not password:
        raise InputError("the password is empty")
    return password


def _password_for(account: Account) -> str | None:
    """A password when a server dropped the token: the config's
    ``password_command``, else a prompt on a terminal, else None."""
    from tui.config import load_config, password_from_command

    command = load_config()[0].sync.password_command
    if command:
        try:
            return password_from_command(command, account.name, account.username)
        except ValueError as exc:
            raise InputError(str(exc)) from None
    if sys.stdin.isatty():
        return getpass.getpass(f"{account.name}: password for {account.username}: ") or None
    return None

"""Sync accounts: adding one (a login), listing, removing, and syncing them.

The password is never stored.  Logging in gives an auth token, kept in a
file of its own beside the database, readable by the user alone (0600, in a
0700 folder), so that a database copied elsewhere carries no credential.
When the server stops taking the token, the sync says so in one line; with
``password_command`` in the config, it logs in again by itself.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from tui.core import folders
from tui.core.errors import GazetteError, InputError
from tui.core.library.base import LibraryBase
from tui.core.library.fetching import locate, sync_login, sync_run
from tui.core.models import Account, SyncResult

#: The first retry after a failed sync (auto-refresh doubles it up to its interval).
RETRY_FIRST_S = 60

#: Asked for an account's password when its token no longer works (None: no way to
#: ask); a GazetteError it raises becomes the account's result.
Passwords = Callable[[Account], str | None]


class SyncMixin(LibraryBase):
    """Accounts on Google Reader API servers (FreshRSS, Miniflux, Inoreader...)."""

    def accounts(self) -> list[Account]:
        return self.store.accounts()

    def find_account(self, ref: str) -> Account:
        return self.store.find_account(ref)

    def add_account(
        self,
        url: str,
        username: str,
        password: str,
        *,
        name: str | None = None,
        dialect: str | None = None,
    ) -> Account:
        """Log in to the server at ``url`` and keep the account (its token, not
        the password).  The first sync brings its feeds in."""
        url = url.strip().rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise InputError(f"{url}: the server's API address must start with http:// or https://")
        if not username.strip():
            raise InputError("the user name is empty")
        name = (name or "").strip() or _default_name(url, [a.name for a in self.accounts()])
        token, dialect_name = sync_login(self.fetch_settings, url, username, password, dialect)
        account_id = self.store.add_account(
            name, kind="greader", dialect=dialect_name, url=url, username=username
        )
        self._write_token(account_id, token)
        return self.store.find_account(str(account_id))

    def login_account(self, ref: str, password: str) -> Account:
        """Log in again (a new password, or a token the server dropped)."""
        account = self.store.find_account(ref)
        token, _ = sync_login(
            self.fetch_settings, account.url, account.username, password, account.dialect
        )
        self._write_token(account.id, token)
        return account

    def remove_account(self, ref: str) -> tuple[Account, int, int]:
        """Remove an account; (account, feeds let go, articles removed).

        What the user starred, tagged or noted stays, in local feeds (see
        ``Store.remove_account``).  The server is not told.
        """
        account = self.store.find_account(ref)
        feeds, articles = self.store.remove_account(account.id)
        self._token_path(account.id).unlink(missing_ok=True)
        return account, feeds, articles

    def subscribe_on_account(self, ref: str, url: str, *, folder: str | None = None) -> Account:
        """Queue a subscription on the account: the next sync asks the server
        for it and brings its items in (so it works offline too)."""
        account = self.store.find_account(ref)
        url = locate(url)
        if "://" not in url:
            raise InputError(f"{url}: a sync account subscribes to web addresses only")
        self.store.queue(account.id, "subscribe", url, folders.normalise(folder))
        return account

    def accounts_due(self, interval_minutes: int, *, now: int | None = None) -> bool:
        """Whether auto-refresh should sync: an account last tried ``interval_minutes``
        ago or more (0: never), sooner after a failure (1, 2, 4... minutes, up to
        the interval), never before the server said it may be asked again."""
        if interval_minutes <= 0:
            return False
        now = self._now() if now is None else now

        def due(a: Account) -> bool:
            if a.retry_at is not None and a.retry_at > now:
                return False
            if a.last_attempt is None:
                return True
            wait = interval_minutes * 60
            if a.failures:
                wait = min(wait, RETRY_FIRST_S * 2 ** min(a.failures - 1, 12))
            return a.last_attempt + wait <= now

        return any(due(a) for a in self.store.accounts())

    def pending_changes(self) -> int:
        """Changes waiting to be sent, over every account."""
        return sum(a.pending for a in self.store.accounts())

    def sync(
        self,
        refs: Iterable[str] | None = None,
        *,
        passwords: Passwords | None = None,
        stop: threading.Event | None = None,
        report: Callable[[str], None] | None = None,
    ) -> list[SyncResult]:
        """Sync each account (every one when ``refs`` is None), one after the other.

        Failures are recorded on the account and returned, never raised.  An
        account whose token the server refused logs in again when
        ``passwords`` gives its password, then syncs once more.
        """
        accounts = (
            self.store.accounts() if refs is None else [self.store.find_account(r) for r in refs]
        )
        results: list[SyncResult] = []
        for account in accounts:
            result = self._sync_one(account, stop, report)
            if result.auth_failed and passwords is not None:
                try:
                    password = passwords(account)
                    if password:
                        self.login_account(str(account.id), password)
                        result = self._sync_one(account, stop, report)
                except GazetteError as exc:
                    result = replace(result, error=str(exc))
            results.append(result)
        return results

    def _sync_one(
        self,
        account: Account,
        stop: threading.Event | None,
        report: Callable[[str], None] | None,
    ) -> SyncResult:
        if account.retry_at is not None and account.retry_at > self._now():
            until = time.strftime("%H:%M UTC", time.gmtime(account.retry_at))
            return SyncResult(
                account=account.name,
                error=f"{account.name}: the server asked to be left alone until {until}",
                pending=account.pending,
            )
        token = self._read_token(account.id)
        if token is None:
            return SyncResult(
                account=account.name,
                error=f"{account.name}: not logged in (gazette account login {account.name})",
                auth_failed=True,
                pending=account.pending,
            )
        return asyncio.run(
            sync_run(
                self.fetch_settings,
                self.store,
                account,
                token,
                now=self._now,
                stop=stop,
                report=report,
            )
        )

    # -- the token file ---------------------------------------------------------------

    def _token_path(self, account_id: int) -> Path:
        return self.db_path.parent / f"{self.db_path.name}.accounts" / f"{account_id}.token"

    def _write_token(self, account_id: int, token: str) -> None:
        """Write the token readable by the user alone, whole or not at all."""
        path = self._token_path(account_id)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        temp = path.with_suffix(".tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, token.encode())
        finally:
            os.close(fd)
        os.replace(temp, path)

    def _read_token(self, account_id: int) -> str | None:
        try:
            token = self._token_path(account_id).read_text().strip()
        except OSError:
            return None
        return token or None


def _default_name(url: str, taken: list[str]) -> str:
    """The server's host name, numbered when taken."""
    from urllib.parse import urlsplit

    base = urlsplit(url).hostname or "account"
    lowered = {t.casefold() for t in taken}
    name, n = base, 2
    while name.casefold() in lowered:
        name, n = f"{base}-{n}", n + 1
    return name

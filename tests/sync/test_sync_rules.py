"""Rules on what a sync pull brings in: applied inside the pull's write, and
their state changes queued for the server like a user's (not taken as the
server's own state)."""

from __future__ import annotations

from pathlib import Path

import pytest
from reader_double import ReaderDouble

from tui.core.models import View
from tui.core.rules import rule_actions
from tui.core.storage import Store
from tui.core.sync.dialects import FRESHRSS
from tui.core.sync.engine import sync_account

NOW = 1_800_000_100


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "rules.db")


async def _sync(store: Store, server: ReaderDouble) -> None:
    client = server.client(FRESHRSS)
    try:
        result = await sync_account(
            store, client, store.find_account("home"), FRESHRSS, now=lambda: NOW
        )
    finally:
        await client.api.aclose()
    assert result.error is None


async def test_a_pull_applies_rules_and_queues_their_changes(store: Store) -> None:
    server = ReaderDouble()
    server.feed(1, 3)
    store.add_account("home", kind="greader", dialect="freshrss", url="x", username="me")
    account = store.find_account("home")
    store.add_rule('"item 0"', rule_actions(mark_read=True, star=True), now=NOW)
    store.add_rule('"item 1"', rule_actions(tags=["later"]), now=NOW)
    store.add_rule('"item 2"', rule_actions(hide=True), now=NOW)
    await _sync(store, server)
    state = {a.title: (a.read, a.starred, a.tags) for a in store.articles(View())}
    assert state == {
        "Feed 1 item 0": (True, True, ()),
        "Feed 1 item 1": (False, False, ("later",)),
    }
    assert [a.title for a in store.articles(View(hidden=True))] == ["Feed 1 item 2"]
    item0 = next(k for k, e in server.items.items() if e.title == "Feed 1 item 0")
    item1 = next(k for k, e in server.items.items() if e.title == "Feed 1 item 1")
    queued = {(c.kind, c.target, c.arg, c.value) for c in store.queued(account.id)}
    assert {(k, t, v) for k, t, _, v in queued} >= {("read", item0, 1), ("star", item0, 1)}
    assert any(k == "label" and t == item1 and "later" in a for k, t, a, _ in queued)
    assert not any(t not in (item0, item1) for _, t, _, _ in queued)  # hiding is local
    await _sync(store, server)  # sent, and the server now agrees
    assert server.items[item0].read and server.items[item0].starred
    assert store.queued(account.id) == []

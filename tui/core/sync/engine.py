"""One sync of one account: send what is queued, then bring the server's state in.

The order is the conflict rule.  Changes made here first (the queue) are
sent before anything is pulled, and the pull leaves alone whatever is still
queued (a change that could not be sent), so local changes win until the
server has them; everything else is the server's.  Nothing is half-written:
each batch of items is one transaction, the state of every article one more,
and a change leaves the queue only once the server answered it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future
from dataclasses import dataclass, field

from tui.core.entries import prepared
from tui.core.errors import GazetteError
from tui.core.models import Account, ParsedFeed, SyncResult
from tui.core.parse.fields import plain, web_url
from tui.core.storage import Store
from tui.core.storage.accounts import QueuedChange, RemoteFeed
from tui.core.storage.packing import words_and_packs
from tui.core.sync.dialects import Dialect
from tui.core.sync.errors import AuthFailed, ServerBusy, SyncError, Unreachable
from tui.core.sync.greader import GReaderClient
from tui.core.sync.ids import READ, READING_LIST, STARRED, label_stream
from tui.core.sync.items import body_of, entry_of, label_names
from tui.core.sync.records import Item
from tui.core.urls import is_web_url

#: Items of the reading list a first sync brings in, besides every unread and starred one.
INITIAL_ITEMS = 10_000
#: A later sync asks for items since the last one less this: servers date
#: items by when they fetched them, and a slow fetch lands late.
OVERLAP_S = 3600
#: Items fetched and written together: one request or a few, one transaction.
ITEMS_BATCH = 2000
#: Contents requests out at once: the server answers one while this process
#: reads the last answer (FreshRSS took them one at a time all the same).
CONTENTS_IN_FLIGHT = 2
#: How long to wait after a server said it is busy without saying how long.
BUSY_WAIT_S = 300
#: The most ids taken from one list (a server that never ends its list stops here).
MAX_IDS = 1_000_000
#: The most ids remembered as asked for and not stored.
MAX_UNSTORED = 20_000

Report = Callable[[str], None]


class Stopped(Exception):
    """The user stopped the sync (``x``); what was written stays."""


@dataclass
class _Tally:
    sent: int = 0
    new: int = 0
    added: int = 0
    removed: int = 0
    changes: int = 0
    skipped: int = 0
    refused: int = 0
    unstored: set[str] = field(default_factory=set)


async def sync_account(
    store: Store,
    client: GReaderClient,
    account: Account,
    dialect: Dialect,
    *,
    now: Callable[[], int],
    stop: threading.Event | None = None,
    report: Report | None = None,
    worker: Callable[[], Executor] | None = None,
) -> SyncResult:
    """Push then pull one account; failures are recorded on the account and
    returned in the result, never raised (one account never stops another).

    ``worker`` gives a worker process to make the words and packed bodies
    of new items in, asked for only when more than one batch of items comes
    in: see :func:`_fetch_items`."""
    tally = _Tally()
    started = now()
    error: str | None = None
    retry_at: int | None = None
    auth_failed = stopped = offline = False
    state: dict[str, object] | None = None

    def step(what: str) -> None:
        if stop is not None and stop.is_set():
            raise Stopped
        if report is not None:
            report(f"{account.name}: {what}")

    try:
        step("sending changes")
        await _push(store, client, account, dialect, tally, step)
        step("reading subscriptions")
        state = await _pull(store, client, account, dialect, tally, step, now, worker)
        state["since"] = started
    except Stopped:
        stopped = True
        error = "stopped"
    except AuthFailed as exc:
        auth_failed = True
        error = str(exc)
    except Unreachable as exc:
        offline = True
        error = str(exc)
    except ServerBusy as exc:
        error = str(exc)
        retry_at = started + int(exc.retry_after if exc.retry_after is not None else BUSY_WAIT_S)
    except GazetteError as exc:  # a SyncError, or the store (locked, a full disk)
        error = str(exc)
    pending = 0
    with contextlib.suppress(GazetteError):  # the store may be what failed
        if not stopped:  # stopping is not a failure: the account stays as it was
            store.record_sync(account.id, now=now(), error=error, retry_at=retry_at, state=state)
        pending = len(store.queued(account.id))
    return SyncResult(
        account=account.name,
        sent=tally.sent,
        requests=client.requests,
        new=tally.new,
        feeds_added=tally.added,
        feeds_removed=tally.removed,
        state_changes=tally.changes,
        skipped=tally.skipped,
        refused=tally.refused,
        pending=pending,
        error=error,
        auth_failed=auth_failed,
        stopped=stopped,
        offline=offline,
    )


# -- push ----------------------------------------------------------------------------------


_ITEM_KINDS = ("read", "star", "label")
#: Answers that refuse one change for good (it names a feed or label the server
#: does not have, say): that change is dropped, so it cannot block the queue.
REFUSED = frozenset({400, 404, 409, 410, 422})


async def _push(
    store: Store,
    client: GReaderClient,
    account: Account,
    dialect: Dialect,
    tally: _Tally,
    step: Callable[[str], None],
) -> None:
    """Send the queue in an order that keeps each change meaningful:
    subscriptions, then item state (one edit-tag per kind of change, batched
    by the client), then feed edits and label renames (after the items that
    still name the old label).  A change the server refuses for good is
    dropped and counted; anything else that fails stops the push with the
    rest still queued."""
    changes = store.queued(account.id)
    if not changes:
        return
    push = _Push(store, client, dialect, tally)
    for change in changes:
        if change.kind == "subscribe":
            step("sending changes")
            await push.one(change)
    groups: dict[tuple[str, str, int], list[QueuedChange]] = {}
    for change in changes:
        if change.kind in _ITEM_KINDS:
            groups.setdefault((change.kind, change.arg, change.value), []).append(change)
    for (kind, arg, value), group in groups.items():
        step("sending changes")
        await push.items(kind, arg, value, group)
    for change in changes:
        if change.kind not in _ITEM_KINDS and change.kind != "subscribe":
            step("sending changes")
            await push.one(change)


class _Push:
    """One push: the server's lists read at most once, refusals counted."""

    def __init__(
        self, store: Store, client: GReaderClient, dialect: Dialect, tally: _Tally
    ) -> None:
        self.store = store
        self.client = client
        self.dialect = dialect
        self.tally = tally
        self._folders: dict[str, tuple[str, ...]] | None = None
        self._labels: dict[str, str] | None = None

    async def one(self, change: QueuedChange) -> None:
        try:
            await self._send(change)
        except SyncError as exc:
            if isinstance(exc, AuthFailed | ServerBusy) or exc.status not in REFUSED:
                raise
            self.tally.refused += 1
        else:
            self.tally.sent += 1
        self.store.confirm([change.id])

    async def items(self, kind: str, arg: str, value: int, group: list[QueuedChange]) -> None:
        ids = [c.target for c in group]
        if kind == "label":
            if not self.dialect.labels:
                self.store.confirm([c.id for c in group])  # tags stay local on this server
                return
            stream = label_stream(await self._label_name(arg))
        else:
            stream = READ if kind == "read" else STARRED
        try:
            if value:
                await self.client.edit_tag(ids, add=(stream,))
            else:
                await self.client.edit_tag(ids, remove=(stream,))
        except SyncError as exc:
            if isinstance(exc, AuthFailed | ServerBusy) or exc.status not in REFUSED:
                raise
            self.tally.refused += len(group)
        else:
            self.tally.sent += len(group)
        self.store.confirm([c.id for c in group])

    async def _label_name(self, tag: str) -> str:
        """The server's spelling of the label a tag stands for (tags match
        labels as the tag editor matches tags: cleaned and case-folded)."""
        if self._labels is None:
            self._labels = {}
            for label in await self.client.labels():
                if not label.is_folder:
                    for key in label_names([label.name], ()):
                        self._labels.setdefault(key.casefold(), label.name)
        return self._labels.get(tag.casefold(), tag)

    async def _send(self, change: QueuedChange) -> None:
        client = self.client
        if change.kind == "subscribe":
            stream = await client.quickadd(change.target)
            if change.arg:
                await client.edit_subscription(stream, add_folder=change.arg)
        elif change.kind == "unsubscribe":
            await client.edit_subscription(change.target, action="unsubscribe")
        elif change.kind == "rename":
            await client.edit_subscription(change.target, title=change.arg)
        elif change.kind == "folder":
            if self._folders is None:
                self._folders = {s.stream_id: s.folders for s in await client.subscriptions()}
            old = self._folders.get(change.target, ())
            for folder in old:
                if folder != change.arg:
                    await client.edit_subscription(change.target, remove_folder=folder)
            if change.arg and change.arg not in old:
                await client.edit_subscription(change.target, add_folder=change.arg)
            self._folders[change.target] = (change.arg,) if change.arg else ()
        elif change.kind == "rename_label" and self.dialect.labels:
            await client.rename_label(await self._label_name(change.target), change.arg)


# -- pull ------------------------------------------------------------------------------------


async def _pull(
    store: Store,
    client: GReaderClient,
    account: Account,
    dialect: Dialect,
    tally: _Tally,
    step: Callable[[str], None],
    now: Callable[[], int],
    worker: Callable[[], Executor] | None = None,
) -> dict[str, object]:
    """Feeds, then new items, then every synced article's state; the state to
    keep for the next sync."""
    subscriptions = await client.subscriptions()
    labels = await client.labels() if dialect.labels else []
    folder_names = {lb.name for lb in labels if lb.is_folder}
    listed: list[RemoteFeed] = []
    for sub in subscriptions:
        folder_names.update(sub.folders)
        if not is_web_url(sub.url):
            tally.skipped += 1
            continue
        listed.append(
            RemoteFeed(
                remote_id=sub.stream_id,
                url=sub.url,
                title=plain(sub.title or ""),
                site_url=web_url(sub.html_url),
                folder=plain(sub.folders[0]) if sub.folders else None,
            )
        )
    tally.added, tally.removed = store.sync_feeds(account.id, listed)
    feeds = store.remote_feeds(account.id)

    step("reading unread and starred items")
    unread = await client.item_ids(READING_LIST, exclude=READ, limit=MAX_IDS)
    starred = await client.item_ids(STARRED, limit=MAX_IDS)
    state = store.account_state(account.id)
    since = state.get("since")
    if isinstance(since, int) and not isinstance(since, bool):
        recent = await client.item_ids(
            READING_LIST, newer_than=max(0, since - OVERLAP_S), limit=MAX_IDS
        )
    else:
        recent = await client.item_ids(READING_LIST, limit=INITIAL_ITEMS)
    on_server = _unique((recent, unread, starred))
    # Items asked for before and not stored (a starred item of a feed no longer
    # subscribed, say) are not asked for again while the server lists them.
    before = state.get("unstored")
    unstored = {i for i in before if isinstance(i, str)} if isinstance(before, list) else set()
    known = store.known_items(account.id)
    wanted = [i for i in on_server if i not in known and i not in unstored]
    pool = worker() if worker is not None and len(wanted) > ITEMS_BATCH else None
    await _bring_items(store, client, account, feeds, wanted, folder_names, tally, step, now, pool)
    still = set(on_server)
    unstored = {i for i in unstored | tally.unstored if i in still}

    step("updating read and starred")
    tally.changes += store.apply_remote_state(account.id, set(unread), set(starred))
    kept: dict[str, object] = {"unstored": sorted(unstored)[:MAX_UNSTORED]}
    if dialect.labels:
        names = {lb.name: lb.name for lb in labels if not lb.is_folder}
        tags = {name: next(iter(label_names([name], folder_names)), "") for name in names}
        by_tag: dict[str, set[str]] = {}
        for name, tag in tags.items():
            if tag:
                step(f"reading label {tag}")
                ids = await client.item_ids(label_stream(name), limit=MAX_IDS)
                by_tag.setdefault(tag, set()).update(ids)
        before = state.get("labels")
        dropped = set(before) - set(by_tag) if isinstance(before, list) else set()
        tally.changes += store.apply_remote_labels(
            account.id, by_tag, [d for d in dropped if isinstance(d, str)]
        )
        kept["labels"] = sorted(by_tag)
    return kept


async def _bring_items(
    store: Store,
    client: GReaderClient,
    account: Account,
    feeds: dict[str, int],
    wanted: Sequence[str],
    folders: set[str],
    tally: _Tally,
    step: Callable[[str], None],
    now: Callable[[], int],
    pool: Executor | None = None,
) -> None:
    """Fetch the contents of ``wanted`` in batches and store each batch.

    The next batch is asked for and made ready (its entries cleaned, their
    words and fingerprints computed: :func:`_prepare`) while the last one is
    written, in a thread: the store is used by one thread at a time, this one
    waiting meanwhile.  SQLite lets go of the interpreter while it works, so
    the server's time, the Python work of one batch and the database's work
    on the other overlap.
    """
    batches = [wanted[i : i + ITEMS_BATCH] for i in range(0, len(wanted), ITEMS_BATCH)]
    if not batches:
        return
    fetching = asyncio.ensure_future(_fetch_items(client, batches[0], folders, feeds, pool))
    try:
        for n, batch in enumerate(batches):
            first = n * ITEMS_BATCH + 1
            step(f"fetching items {first}-{first + len(batch) - 1} of {len(wanted)}")
            ready = await fetching
            if ready is None:  # none of these ids exist any more
                tally.skipped += len(batch)
                ready = _Ready({}, set(), 0)
            if n + 1 < len(batches):
                fetching = asyncio.ensure_future(
                    _fetch_items(client, batches[n + 1], folders, feeds, pool)
                )
            writing = asyncio.ensure_future(
                asyncio.to_thread(_store_batch, store, account, batch, ready, tally, now)
            )
            try:
                await asyncio.shield(writing)
            except asyncio.CancelledError:
                # Stopped: the write runs on to its commit (or rollback) before
                # anything else may use the store.
                with contextlib.suppress(BaseException):
                    await writing
                raise
    finally:
        if not fetching.done():
            fetching.cancel()
            with contextlib.suppress(BaseException):
                await fetching


@dataclass(frozen=True, slots=True)
class _Group:
    """One feed's items of a batch: its entries (prepared), each item's
    (read, starred), and the packed bodies made already, by item id."""

    parsed: ParsedFeed
    states: dict[str, tuple[bool, bool]]
    packed: dict[str, bytes]


@dataclass(frozen=True, slots=True)
class _Ready:
    """One batch of items made ready to store: each feed's, by feed id; the
    ids among them, and how many items named a feed not stored here."""

    by_feed: dict[int, _Group]
    stored: set[str]
    skipped: int


async def _fetch_items(
    client: GReaderClient,
    ids: Sequence[str],
    folders: set[str],
    feeds: dict[str, int],
    pool: Executor | None,
) -> _Ready | None:
    """The items of ``ids``, ready to store; None when the server says none
    of them exist (Miniflux answers 400 for ids read and purged since they
    were listed).

    Two requests are out at a time (``CONTENTS_IN_FLIGHT``), so the server
    is not idle while this process reads an answer.  With a ``pool`` (a
    worker process), the words of their bodies and the
    packed bodies the store writes are made there
    (:func:`~tui.core.storage.packing.words_and_packs`), each request's
    while the next is asked for: two thirds of the Python work of a batch,
    which this process would otherwise do while the last batch is written.
    Only the bodies go, and only the words and packed values come back, so
    the pickling costs a tenth of what it moves.  Should the worker be gone,
    the store makes them as it does for a refresh.
    """
    items: list[Item] = []
    making: list[Future[list[tuple[str, bytes]]]] | None = [] if pool is not None else None
    step = client.dialect.contents_batch  # one request each, as the client sends them
    pieces = deque(ids[i : i + step] for i in range(0, len(ids), step))
    asking: deque[asyncio.Future[list[Item]]] = deque()
    try:
        await client.token()  # once, before requests that would each ask for it
        while pieces or asking:
            while pieces and len(asking) < CONTENTS_IN_FLIGHT:
                piece = pieces.popleft()
                asking.append(asyncio.ensure_future(client.items(piece, folders=folders)))
            got = await asking.popleft()
            items += got
            if pool is not None and making is not None and got:
                try:
                    making.append(pool.submit(words_and_packs, [body_of(i) for i in got]))
                except BrokenExecutor:
                    making = None
    except SyncError as exc:
        if exc.status != 400:
            raise
        return None
    finally:
        for left in asking:  # one failed, or the sync was stopped
            left.cancel()
        with contextlib.suppress(BaseException):
            await asyncio.gather(*asking, return_exceptions=True)
    texts: list[tuple[str, bytes]] | None = None
    if making is not None:
        try:
            done = await asyncio.gather(*(asyncio.wrap_future(f) for f in making))
        except BrokenExecutor:
            pass
        else:
            texts = [t for piece in done for t in piece]
    return _prepare(items, feeds, texts)


def _prepare(
    items: list[Item],
    feeds: dict[str, int],
    texts: Sequence[tuple[str, bytes]] | None = None,
) -> _Ready:
    """Group ``items`` by feed as entries with their words and fingerprints
    (:func:`~tui.core.entries.prepared`), and with their packed bodies when
    ``texts`` gives them (with the words, one per item; else the words are
    made here and the store packs): the Python work of a batch, done in the
    fetching thread, so that the writing thread does little but SQLite
    (which runs without the interpreter's lock) while this one works."""
    each: Sequence[tuple[str, bytes] | None] = [None] * len(items) if texts is None else texts
    groups: dict[int, list[tuple[Item, tuple[str, bytes] | None]]] = {}
    skipped = 0
    for item, text in zip(items, each, strict=True):
        feed_id = feeds.get(item.feed)
        if feed_id is None:  # a starred item of a feed no longer subscribed, say
            skipped += 1
            continue
        groups.setdefault(feed_id, []).append((item, text))
    by_feed: dict[int, _Group] = {}
    for feed_id, group in groups.items():
        packed: dict[str, bytes] = {}
        for item, text in group:
            if text is not None:
                # An id the answer repeats is stored once, as its first item.
                packed.setdefault(item.id, text[1])
        entries = (prepared(entry_of(i, None if t is None else t[0])) for i, t in group)
        by_feed[feed_id] = _Group(
            ParsedFeed("greader", None, None, tuple(entries)),
            {i.id: (i.read, i.starred) for i, _ in group},
            packed,
        )
    return _Ready(by_feed, {i.id for group in groups.values() for i, _ in group}, skipped)


def _store_batch(
    store: Store,
    account: Account,
    ids: Sequence[str],
    ready: _Ready,
    tally: _Tally,
    now: Callable[[], int],
) -> None:
    """Write one batch of items in one transaction: the reading list mixes the
    feeds, and a commit per feed was ~3 commits (and index flushes) per 10 items."""
    tally.skipped += ready.skipped
    tally.unstored.update(i for i in ids if i not in ready.stored)
    store.begin_batch()
    try:
        for feed_id, group in ready.by_feed.items():
            tally.new += store.store_items(
                account.id, feed_id, group.parsed, group.states, now=now(), packed=group.packed
            )
        store.commit_batch()
    except BaseException:
        store.abort_batch()
        raise


def _unique(lists: Iterable[Sequence[str]]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for ids in lists:
        for i in ids:
            if i not in seen:
                seen.add(i)
                out.append(i)
    return out

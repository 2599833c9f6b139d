"""Library: the one facade the command line and the UI call.

Verbs here combine the pure pieces (fetch, parse, convert, opml) with the
store.  A Library may be used from several threads: each thread gets its own
SQLite connection.  ``refresh`` runs its own event loop, so the UI calls it
from a thread worker and gets progress through a callback.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tui.core import export, folders, opml
from tui.core.errors import InputError
from tui.core.models import (
    Article,
    ExportReport,
    Feed,
    FeedResult,
    FetchResult,
    ImportReport,
    Note,
    RefreshSummary,
    SavedSearch,
    SearchResult,
    StateChange,
    TagCount,
    View,
)
from tui.core.refresh import decide, schedule
from tui.core.refresh.pipeline import Progress, Refresher, Source, http_source
from tui.core.storage import Store

if TYPE_CHECKING:
    # httpx and feedparser load only when something is fetched or parsed:
    # the reader's first screen needs neither (see the startup benchmark).
    from tui.core.fetch.client import Fetcher

__all__ = ["FetchSettings", "Library", "Progress"]

# How long a document fetched by discovery may stand in for adding's fetch.
DISCOVERED_FOR_S = 120


def _locate(url: str) -> str:
    """A feed address as stored: URLs normalised, local paths made absolute,
    so that a refresh from another directory still finds the file."""
    from tui.core.urls import normalise_url

    url = normalise_url(url)
    if "://" in url:
        return url
    return str(Path(url).expanduser().resolve())


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Politeness and safety limits for fetching (configurable later)."""

    max_connections: int = 8
    per_host: int = 2
    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_redirects: int = 5
    max_bytes: int = 20 * 1024 * 1024
    user_agent: str | None = None

    def fetcher(self) -> Fetcher:
        from tui.core.fetch.client import Fetcher

        return Fetcher(
            max_connections=self.max_connections,
            per_host=self.per_host,
            connect_timeout=self.connect_timeout,
            total_timeout=self.total_timeout,
            max_redirects=self.max_redirects,
            max_bytes=self.max_bytes,
            user_agent=self.user_agent,
        )


class Library:
    """Everything Gazette can do to a cache, by verb."""

    def __init__(
        self,
        db_path: str | Path,
        *,
        fetch: FetchSettings | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db_path = Path(db_path)
        self.fetch_settings = fetch or FetchSettings()
        self.clock = clock
        self._local = threading.local()
        self._stores: list[Store] = []
        self._lock = threading.Lock()
        self.store  # noqa: B018 - open (and migrate) now so errors surface early

    @property
    def store(self) -> Store:
        """This thread's connection, opened on first use."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.db_path)
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._stores:
                store.close()
            self._stores.clear()
        self._local = threading.local()

    def _now(self) -> int:
        return int(self.clock())

    # -- feeds ------------------------------------------------------------

    def feeds(self) -> list[Feed]:
        return self.store.feeds()

    def find_feed(self, ref: str) -> Feed:
        return self.store.find_feed(ref)

    def discover(self, url: str) -> list[str]:
        """Feed URLs reachable from ``url`` (itself when it is a feed).

        When ``url`` is itself a feed, its document is kept (one, for this
        thread, for a short while) for :meth:`add_feed`, which then does not
        download it a second time.
        """
        from tui.core.fetch.discovery import discover
        from tui.core.urls import normalise_url

        url = normalise_url(url)
        self._local.discovered = None

        def keep(result: FetchResult) -> None:
            located = _locate(result.permanent_url or url)
            self._local.discovered = (located, self._now(), result)

        async def run() -> list[str]:
            async with self.fetch_settings.fetcher() as fetcher:
                return await discover(fetcher, url, on_feed=keep)

        return asyncio.run(run())

    def _discovered(self, url: str) -> dict[str, FetchResult]:
        """The document discovery just fetched for ``url``, if any (taken: used once)."""
        kept: tuple[str, int, FetchResult] | None = getattr(self._local, "discovered", None)
        self._local.discovered = None
        if kept is None or kept[0] != url or self._now() - kept[1] > DISCOVERED_FOR_S:
            return {}
        return {url: kept[2]}

    def add_feed(
        self, url: str, *, tags: Sequence[str] = (), folder: str | None = None
    ) -> tuple[Feed, FeedResult]:
        """Subscribe to a feed URL after fetching it once to prove it is a feed.

        The refresh pipeline fetches, parses and stores it (one download: a
        feed :meth:`discover` just fetched is not fetched again).  ``folder``
        is a path typed by the user (see :func:`folders.from_user`), checked
        before anything is fetched and spelled as an existing folder when it
        names one.
        """
        folder = folders.from_user(folder)
        url = _locate(url)
        if self.store.feed_id_for_url(url) is not None:
            raise InputError(f"{url}: already subscribed")
        refresher = self._refresher(fetched=self._discovered(url))
        return asyncio.run(refresher.add(url, folder=folder, tags=tags))

    def folders(self) -> list[str]:
        """Every folder path as the feed list shows it, sorted ignoring case.

        Subfolders' parents are listed too; for completion in dialogs.
        """
        shown = folders.spellings(f for _id, f in self.store.feed_folders())
        return sorted(shown.values(), key=str.casefold)

    def move_feed(self, ref: str, folder: str) -> Feed:
        """File a feed (id, URL or title) under ``folder``; ``""`` takes it out of folders.

        The path is one a user typed (:func:`folders.from_user`); naming an
        existing folder in another case files the feed there, in that
        folder's spelling.  Returns the feed as it now is.
        """
        path = folders.from_user(folder)
        feed = self.store.find_feed(ref)
        if path:
            others = (f for feed_id, f in self.store.feed_folders() if feed_id != feed.id)
            path = folders.adopt(path, others)
        self.store.set_feed_folder(feed.id, path or None)
        return self.store.feed(feed.id)

    def rename_folder(self, old: str, new: str) -> tuple[str, int]:
        """Rename a folder, its subfolders and all; returns (new path, feeds moved).

        Renaming onto an existing folder merges the two (that folder takes the
        new spelling as typed, which is also how a folder's case is fixed).
        A folder cannot move into its own subfolder.
        """
        path = folders.from_user(new)
        if not path:
            raise InputError("a folder needs a name (to take feeds out of folders, move them)")
        if folders.contains(old, path) and folders.key(path) != folders.key(old):
            raise InputError(f"{path}: a folder cannot move into its own subfolder")
        return path, self.store.rename_folder(old, path)

    def remove_feed(self, ref: str) -> tuple[Feed, int, int]:
        """Unsubscribe; returns the feed and how many articles and notes went with it."""
        feed = self.store.find_feed(ref)
        articles, notes = self.store.remove_feed(feed.id)
        return feed, articles, notes

    # -- refresh ----------------------------------------------------------

    def refresh(
        self,
        feed_ids: Iterable[int] | None = None,
        *,
        progress: Progress | None = None,
        stop: threading.Event | None = None,
    ) -> RefreshSummary:
        """Fetch, parse and store feeds concurrently; returns one result per feed.

        With no ids, every feed not marked gone.  Failures are recorded on the
        feed and returned, never raised: one bad feed never stops the others.

        Setting ``stop`` (from another thread) ends the refresh within about
        0.1 s, even in the middle of a slow download: feeds still fetching or
        parsing are dropped (requests in flight cancelled; a parse already
        running finishes in the background), feeds already handed to the
        writer are written and counted, and :class:`RefreshStopped` is raised.
        """
        feeds = self.store.feeds()
        if feed_ids is None:
            targets = [f for f in feeds if not f.gone]
        else:
            wanted = set(feed_ids)
            targets = [f for f in feeds if f.id in wanted]
        if not targets:
            return RefreshSummary(())
        refresher = self._refresher(progress=progress, stop=stop)
        return asyncio.run(refresher.run(targets))

    def _refresher(
        self,
        *,
        progress: Progress | None = None,
        stop: threading.Event | None = None,
        fetched: dict[str, FetchResult] | None = None,
    ) -> Refresher:
        """A pipeline over this thread's store, feeds fetched over HTTP."""
        settings = self.fetch_settings

        def source(n: int) -> contextlib.AbstractAsyncContextManager[Source]:
            return http_source(
                settings.fetcher,
                n,
                max_connections=settings.max_connections,
                stop=stop,
                fetched=fetched,
            )

        return Refresher(self.store, source, now=self._now, progress=progress, stop=stop)

    # -- articles ---------------------------------------------------------

    def articles(
        self,
        view: View = View(),
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = True,
    ) -> list[Article]:
        """A page of a view's articles, read straight from SQLite.

        A query's matches are paged by :meth:`search` instead (ranked, with the
        words to highlight), so a view with a query is refused here.
        """
        if view.query is not None:
            raise ValueError("list a query's articles with Library.search")
        return self.store.articles(view, limit=limit, offset=offset, newest_first=newest_first)

    def count_articles(self, view: View = View()) -> int:
        """How many articles a view holds; 0 for a view whose query is unusable
        (a broken saved search shows an empty badge, not an error)."""
        if view.query is not None:
            return self.store.count_search(view.query, self._now(), within=view)
        return self.store.count_articles(view)

    def smart_counts(self) -> dict[str, int]:
        """Totals for the smart views (all, unread, starred, noted)."""
        return self.store.smart_counts()

    def mark_view_read(self, view: View) -> list[int]:
        """Mark a whole view read; returns the ids changed so the UI can undo.

        InputError for a view whose query is unusable.
        """
        if view.query is None:
            return self.store.mark_view_read(view)
        unread = self.store.unread_among(self.view_ids(view))
        self.store.set_read(unread, True)
        return unread

    def note(self, article_id: int) -> Note | None:
        return self.store.note(article_id)

    def noted_articles(self) -> list[tuple[Article, Note]]:
        """Every noted article with its note, newest first, read in one go
        (a listing of notes need not ask for each note on its own)."""
        return self.store.noted_articles()

    def set_note(self, article_id: int, body: str) -> None:
        """Save (or, when blank, delete) an article's note, atomically."""
        self.store.save_note(article_id, body, self._now())

    def article(self, article_id: int) -> Article:
        return self.store.article(article_id)

    def markdown(self, article_id: int) -> str:
        """The article as Markdown, converted now (and stored) if not done yet."""
        md, html, base = self.store.article_body(article_id)
        if md is None:
            from tui.core.convert import html_to_markdown  # BeautifulSoup: off the startup path

            md = html_to_markdown(html, base)
            self.store.save_markdown([(article_id, md)])
        return md

    def convert_pending(self, batch: int = 200) -> int:
        """Convert up to ``batch`` unconverted articles; returns how many were done."""
        rows = self.store.unconverted(batch)
        if rows:
            from tui.core.convert import html_to_markdown

            self.store.save_markdown([(aid, html_to_markdown(h, b)) for aid, h, b in rows])
        return len(rows)

    def set_read(self, ids: Iterable[int], read: bool = True) -> StateChange:
        """Mark articles read (or unread) in one transaction and say what changed.

        Unknown ids are reported in ``missing``, not raised: the others are
        still marked (as ``chmod`` does with the files it can reach).
        """
        return self._set_flag(ids, "read", read)

    def set_starred(self, ids: Iterable[int], starred: bool = True) -> StateChange:
        """Star (or unstar) articles in one transaction; see :meth:`set_read`."""
        return self._set_flag(ids, "starred", starred)

    def _set_flag(self, ids: Iterable[int], column: str, value: bool) -> StateChange:
        changed, unchanged, missing = self.store.set_flag(list(ids), column, value)
        return StateChange(tuple(changed), tuple(unchanged), tuple(missing))

    # -- OPML -------------------------------------------------------------

    def import_opml(self, path: str | Path) -> ImportReport:
        """Subscribe to every feed in an OPML file without fetching; duplicates skipped."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
        entries = opml.parse_opml(data, str(path))
        added: list[str] = []
        skipped: list[str] = []
        for entry in entries:
            url = _locate(entry.url)
            if self.store.feed_id_for_url(url) is not None:
                skipped.append(url)
                continue
            feed_id = self.store.add_feed(
                url, title=entry.title, site_url=entry.site_url, folder=entry.folder
            )
            if entry.tags:
                self.store.set_feed_tags(feed_id, entry.tags)
            added.append(url)
        return ImportReport(tuple(added), tuple(skipped))

    def opml_text(self) -> str:
        """Subscriptions as OPML text (``gazette export`` to standard output)."""
        return self._opml_text(self.store.feeds())

    @staticmethod
    def _opml_text(feeds: Sequence[Feed]) -> str:
        """OPML for these feeds, each folder once, spelled as the feed list shows it."""
        shown = folders.spellings(f.folder for f in sorted(feeds, key=lambda f: f.id))
        return opml.write_opml(
            opml.OpmlFeed(
                url=f.url,
                title=f.title,
                site_url=f.site_url,
                folder=shown.get(folders.key(f.folder)),
                tags=f.tags,
            )
            for f in feeds
        )

    def export_opml(self, path: str | Path) -> int:
        """Write every subscription to an OPML file; returns how many feeds it holds.

        Written to a temporary file beside it and then renamed over it, so a
        full disk or a crash never leaves a half-written file in place of a
        good one.  Errors are one-line InputErrors naming the file.
        """
        path = Path(path)
        feeds = self.store.feeds()
        text = self._opml_text(feeds)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
        return len(feeds)

    # -- tags ---------------------------------------------------------------

    def set_tags(
        self, article_ids: Sequence[int], *, add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> int:
        """Add and remove article tags in one transaction; returns articles touched."""
        return self.store.set_tags(article_ids, add=add, remove=remove)

    def tags(self) -> list[TagCount]:
        """Every tag with its article and unread counts."""
        return self.store.all_tags()

    def rename_tag(self, old: str, new: str) -> str:
        return self.store.rename_tag(old, new)

    def remove_tag(self, name: str) -> int:
        return self.store.delete_tag(name)

    def tag_completions(self, prefix: str, *, exclude: Iterable[str] = ()) -> list[str]:
        return self.store.tag_completions(prefix, exclude=exclude)

    # -- search -------------------------------------------------------------

    def search(self, text: str, *, limit: int = 50, offset: int = 0) -> SearchResult:
        """Ranked full-text search with filters; never raises on user input."""
        return self.store.search(text, now=self._now(), limit=limit, offset=offset)

    def saved_searches(self) -> list[SavedSearch]:
        """Saved searches with live unread counts (the smart folders)."""
        return self.store.saved_searches(now=self._now())

    def save_search(self, name: str, query: str) -> int:
        return self.store.save_search(name, query)

    def rename_search(self, search_id: int, name: str) -> None:
        self.store.rename_search(search_id, name)

    def update_search(self, search_id: int, query: str) -> None:
        self.store.update_search(search_id, query)

    def remove_search(self, search_id: int) -> None:
        self.store.delete_search(search_id)

    # -- notes export -----------------------------------------------------

    def export_notes(
        self, folder: Path, *, force: bool = False, query: str | None = None
    ) -> ExportReport:
        """Write noted articles (those matching ``query`` if given) as Markdown
        files into ``folder`` (see export.py)."""
        items = export.notes_for_export(self.store, article_ids=self._query_ids(query))
        return export.export_notes(items, folder, force=force, now=self._now())

    def export_digest(
        self,
        path: Path,
        *,
        group_by: Literal["feed", "tag"] = "feed",
        query: str | None = None,
    ) -> int:
        """Write every note (or those on articles matching ``query``) into one
        digest file; returns how many notes it holds."""
        items = export.notes_for_export(self.store, article_ids=self._query_ids(query))
        return export.export_digest(items, path, group_by=group_by, now=self._now())

    def _query_ids(self, query: str | None) -> list[int] | None:
        """The articles an export is limited to: None (all) without a query.

        Here rather than in each caller, so the command line and the reader
        cannot come to disagree on what "export the notes matching" means.
        """
        return None if query is None else self.view_ids(View(query=query))

    # -- retention --------------------------------------------------------

    def cleanup(
        self, *, keep_read_days: int, max_per_feed: int, dry_run: bool = False
    ) -> list[Article]:
        """Remove old read articles; starred, tagged and noted ones always stay.

        Returns the articles removed (or, with ``dry_run``, those that would
        be), newest first, as they were before: so that a dry run can show the
        user what would go, not only how many.
        """
        ids = self._retention_ids(keep_read_days, max_per_feed)
        articles = self.store.articles_by_id(ids)
        if not dry_run and ids:
            self.store.remove_articles(ids, self._now())
        return articles

    # -- views for the UI --

    def article_position(
        self, view: View, article_id: int, *, newest_first: bool = True
    ) -> int | None:
        """Index of an article in a view's list (where it would be if it left the view)."""
        return self.store.article_position(view, article_id, newest_first=newest_first)

    def next_unread(
        self,
        view: View,
        after_id: int | None = None,
        *,
        newest_first: bool = True,
        forward: bool = True,
    ) -> Article | None:
        """The next (or previous) unread article of a view in list order, by keyset."""
        return self.store.next_unread(view, after_id, newest_first=newest_first, forward=forward)

    def data_version(self) -> int:
        """A number that changes when another connection has committed.

        Per connection (this thread's): the reader polls it on the UI
        thread to notice changes made by the CLI, cron or its own worker
        threads, and its own UI-thread writes never change it.
        """
        return self.store.data_version()

    def release_thread(self) -> None:
        """Close the calling thread's connection.

        UI thread workers run on pooled threads; each calls this when done so
        that its connection is closed on the thread that opened it (SQLite
        refuses to close it from another thread, which ``close`` would try).
        """
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            return
        with self._lock:
            if store in self._stores:
                self._stores.remove(store)
        self._local.store = None
        store.close()

    def view_ids(self, view: View) -> list[int]:
        """Ids of every article in a view, newest first (for tagging or exporting
        a whole view); InputError for a view whose query is unusable."""
        if view.query is None:
            return self.store.view_ids(view)
        try:
            return self.store.search_ids(view.query, self._now(), within=view)
        except InputError as exc:
            raise InputError(f"search {view.query!r}: {exc}") from exc

    def tags_on(self, article_ids: Sequence[int]) -> list[tuple[str, int]]:
        """Tags set directly on any of these articles, with how many carry each.

        The bulk tag editor shows these as the view's current tags; feed
        (folder) tags are left out because removing them here would not work.
        """
        return self.store.tags_on(article_ids)

    # -- scheduling and per-feed settings --

    def due_feeds(self, default_interval_minutes: int, *, now: int | None = None) -> list[int]:
        """Ids of the feeds auto-refresh should fetch now, most overdue first.

        Each feed's interval is its own setting, else ``default_interval_minutes``
        (0: off); gone feeds are never due; see ``schedule.next_due``.
        """
        now = self._now() if now is None else now
        return decide.due(self.store.all_feed_settings(), default_interval_minutes, now)

    def feed_settings(self, feed_id: int) -> schedule.FeedSettings:
        """A feed's own settings (title, refresh interval, retention)."""
        return schedule.FeedSettings.from_json(self.store.feed_settings(feed_id))

    def set_feed_settings(self, feed_id: int, settings: schedule.FeedSettings) -> Feed:
        """Save a feed's own settings; returns the feed as it now reads.

        A title replaces the feed's own everywhere until it is cleared (None),
        and refreshes do not overwrite it.
        """
        for name in ("refresh_minutes", "keep_read_days", "max_per_feed"):
            value = getattr(settings, name)
            if value is not None and (isinstance(value, bool) or value < 0):
                raise InputError(f"{name}: must be a whole number of at least 0")
        title = (settings.title or "").strip() or None
        self.store.update_feed_settings(feed_id, settings.json_changes(), title=title)
        return self.store.feed(feed_id)

    def _retention_ids(self, keep_read_days: int, max_per_feed: int) -> list[int]:
        """What cleanup removes: the config's rules, except for feeds with their own."""
        now = self._now()
        rule = decide.retention_rule(keep_read_days, max_per_feed, now)
        own = decide.own_retention(
            self.store.all_feed_settings(), keep_read_days, max_per_feed, now
        )
        ids = self.store.cleanup_candidates(
            older_than=rule.older_than, max_per_feed=rule.max_per_feed
        )
        if not own:
            return sorted(set(ids))
        by_own = [
            i
            for feed_id, r in own.items()
            for i in self.store.cleanup_candidates(
                older_than=r.older_than, max_per_feed=r.max_per_feed, feed_id=feed_id
            )
        ]
        feed_of = self.store.article_feed_ids(sorted(set(ids)))
        return decide.retained_away(ids, feed_of, by_own, own)

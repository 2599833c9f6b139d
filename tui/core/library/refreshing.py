"""Refreshing and subscribing: feeds fetched, parsed and stored by the pipeline.

``refresh`` runs its own event loop, so the reader calls it from a thread
worker and hears of progress through a callback.  Adding a feed runs the
same pipeline on one feed, and downloads it once: a document discovery just
fetched is kept (one per thread, for a short while) and handed over.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from tui.core import folders
from tui.core.errors import InputError
from tui.core.library.base import LibraryBase
from tui.core.library.fetching import discover, locate, refresher
from tui.core.models import Feed, FeedResult, FetchResult, RefreshSummary

if TYPE_CHECKING:
    from tui.core.library.fetching import Progress

# How long a document fetched by discovery may stand in for adding's fetch.
DISCOVERED_FOR_S = 120


class RefreshMixin(LibraryBase):
    """Discovery, subscribing and refreshing."""

    def discover(self, url: str) -> list[str]:
        """Feed URLs reachable from ``url`` (itself when it is a feed).

        When ``url`` is itself a feed, its document is kept (one, for this
        thread, for a short while) for :meth:`add_feed`, which then does not
        download it a second time.
        """
        self._local.discovered = None
        found, document = discover(self.fetch_settings, url)
        if document is not None:
            self._local.discovered = (locate(found[0]), self._now(), document)
        return found

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
        url = locate(url)
        if self.store.feed_id_for_url(url) is not None:
            raise InputError(f"{url}: already subscribed")
        pipeline = refresher(
            self.store, self.fetch_settings, now=self._now, fetched=self._discovered(url)
        )
        return asyncio.run(pipeline.add(url, folder=folder, tags=tags))

    def refresh(
        self,
        feed_ids: Iterable[int] | None = None,
        *,
        progress: Progress | None = None,
        stop: threading.Event | None = None,
    ) -> RefreshSummary:
        """Fetch, parse and store feeds concurrently; returns one result per feed.

        With no ids, every feed not marked gone.  A sync account's feeds are
        never fetched here: they come with the account's sync.  Failures are recorded on the
        feed and returned, never raised: one bad feed never stops the others.

        Setting ``stop`` (from another thread) ends the refresh within about
        0.1 s, even in the middle of a slow download: feeds still fetching or
        parsing are dropped (requests in flight cancelled; a parse already
        running finishes in the background), feeds already handed to the
        writer are written and counted, and :class:`RefreshStopped` is raised.
        """
        feeds = [f for f in self.store.feeds() if f.account is None]
        if feed_ids is None:
            targets = [f for f in feeds if not f.gone]
        else:
            wanted = set(feed_ids)
            targets = [f for f in feeds if f.id in wanted]
        if not targets:
            return RefreshSummary(())
        pipeline = refresher(
            self.store, self.fetch_settings, now=self._now, progress=progress, stop=stop
        )
        return asyncio.run(pipeline.run(targets))

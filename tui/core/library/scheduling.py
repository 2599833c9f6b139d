"""Per-feed settings, and the two things they steer: when auto-refresh fetches
a feed, and what cleanup removes.

The rules are pure functions in :mod:`tui.core.refresh.decide` (tested
without SQLite); this part gathers their facts from the store, calls them
and carries out the answer.  ``decide`` (with ``email.utils``, ~5 ms) is
imported by the verbs that use it: the reader's first screen needs none.
"""

from __future__ import annotations

from tui.core.errors import InputError
from tui.core.library.base import LibraryBase
from tui.core.library.history import undoable
from tui.core.models import FULL_TEXT, FULL_TEXT_MODES, Article, Feed, FeedSettings


class ScheduleMixin(LibraryBase):
    """Feed settings, due feeds and retention."""

    def feed_settings(self, feed_id: int) -> FeedSettings:
        """A feed's own settings (title, refresh interval, retention)."""
        return FeedSettings.from_json(self.store.feed_settings(feed_id))

    @undoable(lambda lib, feed, feed_id, settings: f"Changed the settings of feed {feed.title}")
    def set_feed_settings(self, feed_id: int, settings: FeedSettings) -> Feed:
        """Save a feed's own settings; returns the feed as it now reads.

        A title replaces the feed's own everywhere until it is cleared (None),
        and refreshes do not overwrite it.  A number the stored settings would
        not read back (:meth:`FeedSettings.from_json` is the one rule: a whole
        number of at least 0) is refused rather than silently dropped.
        """
        changes = settings.json_changes()
        kept = FeedSettings.from_json(changes).json_changes()
        for name, value in changes.items():
            if value is not None and kept[name] != value:
                if name == FULL_TEXT:
                    raise InputError(f"{name}: must be one of {', '.join(FULL_TEXT_MODES)}")
                raise InputError(f"{name}: must be a whole number of at least 0")
        title = (settings.title or "").strip() or None
        self.store.update_feed_settings(feed_id, changes, title=title)
        return self.store.feed(feed_id)

    def due_feeds(self, default_interval_minutes: int, *, now: int | None = None) -> list[int]:
        """Ids of the feeds auto-refresh should fetch now, most overdue first.

        Each feed's interval is its own setting, else ``default_interval_minutes``
        (0: off); gone feeds are never due; see ``schedule.next_due``.
        """
        from tui.core.refresh import decide

        now = self._now() if now is None else now
        return decide.due(self.store.all_feed_settings(), default_interval_minutes, now)

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

    def _retention_ids(self, keep_read_days: int, max_per_feed: int) -> list[int]:
        """What cleanup removes: the config's rules, except for feeds with their own."""
        from tui.core.refresh import decide

        now = self._now()
        rule = decide.retention_rule(keep_read_days, max_per_feed, now)
        own = decide.own_retention(
            self.store.all_feed_settings(), keep_read_days, max_per_feed, now
        )
        ids = self.store.cleanup_candidates(
            older_than=rule.older_than, max_per_feed=rule.max_per_feed
        )
        by_own = [
            i
            for feed_id, r in own.items()
            for i in self.store.cleanup_candidates(
                older_than=r.older_than, max_per_feed=r.max_per_feed, feed_id=feed_id
            )
        ]
        # Which feed each candidate is in matters only to feeds with rules of their own.
        feed_of = self.store.article_feed_ids(ids) if own else {}
        return decide.retained_away(ids, feed_of, by_own, own)

"""Importing from newsboat: its files read and planned (``tui.core.importing``),
then written through the store's verbs; a dry run only counts.

Nothing is fetched: feeds are subscribed as OPML import subscribes them and
their cached articles stored as a refresh would store them, so the next
refresh carries on from there.  Every step that may meet bad input ends in
a line of the report, never an exception, unless no file could be read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from tui.core.errors import GazetteError, InputError
from tui.core.library.base import LibraryBase
from tui.core.library.fetching import locate
from tui.core.wording import plural

if TYPE_CHECKING:  # the importer loads with the verb, not with the reader
    from tui.core.importing.drafts import RuleDraft
    from tui.core.importing.newsboat.plan import Plan, PlannedArticle, PlannedFeed
    from tui.core.importing.newsboat.report import NewsboatReport
    from tui.core.importing.newsboat.sources import NewsboatFiles
    from tui.core.storage.imported import ImportedArticle

#: Creates one rule; False when an equal rule exists already (the rules' own verb).


@dataclass(slots=True)
class _Tally:
    """Counts gathered while a plan is written (or, in a dry run, checked): the
    report's counts, by the same names, plus the lines not imported."""

    feeds: int = 0
    feeds_known: int = 0
    renamed: int = 0
    hidden: int = 0
    articles: int = 0
    articles_known: int = 0
    read: int = 0
    starred: int = 0
    flagged: int = 0
    searches: int = 0
    searches_known: int = 0
    rules: int = 0
    rules_known: int = 0
    lines: list[str] = field(default_factory=list)


class ImportingMixin(LibraryBase):
    """``import_newsboat``."""

    def import_newsboat(
        self,
        files: NewsboatFiles | None = None,
        *,
        dry_run: bool = False,
        star_flags: str = "s",
    ) -> NewsboatReport:
        """Import feeds, tags, query feeds, filters and cached articles from newsboat.

        ``files`` defaults to newsboat's own places (:func:`default_files`).
        ``ignore-article`` and ``highlight-article`` lines become rules,
        applied at once to what is stored.  ``star_flags`` are the flag letters that
        mean starred.  InputError only when none of the three files could be
        read; everything else becomes a line of the report.
        """
        from tui.core.importing.newsboat.read import read_files
        from tui.core.importing.newsboat.report import NewsboatReport
        from tui.core.importing.newsboat.sources import default_files

        found = read_files(files or default_files(), star_flags=star_flags)
        if not found.read:
            raise InputError("nothing to import: " + "; ".join(found.problems))
        plan = found.plan
        tally = _Tally(lines=list(found.problems))
        tally.lines += plan.problems
        tally.lines += [s.describe() for s in plan.skipped]
        now = self._now()
        for planned in plan.feeds:
            self._import_feed(planned, plan, tally, dry_run=dry_run, now=now)
        self._import_searches(plan, tally, dry_run=dry_run)
        made = self._import_rules(plan.rules, tally, dry_run=dry_run, now=now)
        counts: dict[str, Any] = {
            f.name: getattr(tally, f.name) for f in fields(tally) if f.name != "lines"
        }
        return NewsboatReport(
            dry_run=dry_run,
            read_files=tuple(found.read),
            drafts=tuple(made),
            not_imported=tuple(tally.lines),
            **counts,
        )

    def _import_feed(
        self, planned: PlannedFeed, plan: Plan, tally: _Tally, *, dry_run: bool, now: int
    ) -> None:
        store = self.store
        url = locate(planned.url)
        feed_id = store.feed_id_for_url(url)
        if feed_id is None:
            tally.feeds += 1
            tally.renamed += planned.name is not None
            tally.hidden += planned.folder is not None
            if not dry_run:
                feed_id = store.add_feed(url, title=planned.title, folder=planned.folder)
                if planned.tags:
                    store.set_feed_tags(feed_id, planned.tags)
                if planned.name:
                    store.update_feed_settings(feed_id, {}, title=planned.name)
        else:
            tally.feeds_known += 1
            have = store.feed_tags(feed_id)
            keys = {t.casefold() for t in have}
            if not dry_run and any(t.casefold() not in keys for t in planned.tags):
                store.set_feed_tags(feed_id, [*have, *planned.tags])
        articles = plan.articles.get(planned.url, ())
        removed = plan.removed.get(planned.url, ())
        account = store.feed(feed_id).account if feed_id is not None else None
        if account is not None and articles:
            # Its articles come with the account's sync, keyed by the server's ids.
            tally.lines.append(
                f"cache: {plural(len(articles), 'article')} of {planned.url}: not imported "
                f"(the feed comes through the sync account {account})"
            )
        elif articles or removed:
            self._import_articles(feed_id, articles, removed, tally, dry_run=dry_run, now=now)

    def _import_articles(
        self,
        feed_id: int | None,
        articles: Sequence[PlannedArticle],
        removed: Sequence[str],
        tally: _Tally,
        *,
        dry_run: bool,
        now: int,
    ) -> None:
        rows: list[ImportedArticle] = [(a.entry, a.read, a.starred, a.tags) for a in articles]
        if feed_id is None:  # a dry run, and the feed is new: all of them would be
            fresh = rows
        elif dry_run:
            fresh = self.store.not_stored(feed_id, rows)
        else:
            fresh = self.store.store_imported(feed_id, rows, removed=removed, now=now)
        tally.articles += len(fresh)
        tally.articles_known += len(rows) - len(fresh)
        tally.read += sum(1 for r in fresh if r[1])
        tally.starred += sum(1 for r in fresh if r[2])
        tally.flagged += sum(1 for r in fresh if r[3])

    def _import_searches(self, plan: Plan, tally: _Tally, *, dry_run: bool) -> None:
        names = {s.name.casefold(): s.query for s in self.store.saved_searches(now=self._now())}
        for name, query in plan.searches:
            if name.casefold() in names:
                tally.searches_known += 1
                if names[name.casefold()] != query:
                    tally.lines.append(f"urls: query {name}: a saved search has this name")
                continue
            names[name.casefold()] = query
            if dry_run:
                tally.searches += 1
                continue
            try:
                self.store.save_search(name, query)
            except GazetteError as exc:
                tally.lines.append(f"urls: query {name}: {exc}")
            else:
                tally.searches += 1

    def _import_rules(
        self, drafts: Sequence[RuleDraft], tally: _Tally, *, dry_run: bool, now: int
    ) -> list[RuleDraft]:
        """Store each draft as a rule (a dry run only checks it), skipping one
        equal to a rule already there so a second import adds none; apply the
        new ones to what is stored, as newsboat's filters act on its cache.
        Returns the drafts made (or that would be)."""
        from tui.core.rules import rule_actions, rule_query

        have = {(r.query, r.actions, r.feed_id) for r in self.store.rules()}
        made: list[RuleDraft] = []
        ids: list[int] = []
        for draft in drafts:
            try:
                feed_id = None
                if draft.feed_url is not None:
                    feed_id = self.store.feed_id_for_url(locate(draft.feed_url))
                    if feed_id is None and not dry_run:
                        raise InputError(f"no feed {draft.feed_url} to limit it to")
                query = rule_query(draft.query)
                actions = rule_actions(
                    hide=draft.action == "hide",
                    highlight=draft.colour if draft.action == "highlight" else None,
                )
            except GazetteError as exc:
                tally.lines.append(f"config: rule {draft.query}: {exc}")
                continue
            if (query, actions, feed_id) in have:
                tally.rules_known += 1
                continue
            have.add((query, actions, feed_id))
            made.append(draft)
            tally.rules += 1
            if not dry_run:
                ids.append(self.store.add_rule(query, actions, feed_id=feed_id, now=now))
        if ids:
            self.store.apply_rules(ids, now=now)
        return made

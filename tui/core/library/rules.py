"""Rules: a query plus actions, kept in the database (issue 18).

Rules act by themselves on what a refresh or a sync brings in (the store runs
them inside that write, see :mod:`tui.core.storage.rules`); here are the
verbs a front end needs: the list, adding, editing, turning on and off,
removing, applying to what is stored (with a dry run), the Hidden view, and
the TOML file.  Every query and action is checked here first
(:mod:`tui.core.rules`), so a bad rule is refused with one line and never
stored.  Nothing here deletes an article.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tui.core.errors import InputError, NotFound
from tui.core.library.base import LibraryBase
from tui.core.library.history import undoable
from tui.core.models import View
from tui.core.rules import HiddenArticle, Rule, RuleActions, RulesReport, rule_name, rule_query
from tui.core.rulesfile import rules_from_toml, rules_to_toml
from tui.core.wording import plural

#: Passed for an ``edit_rule`` argument that stays as it is.
KEEP: object = object()


class RulesMixin(LibraryBase):
    """Rules: the list, edits, applying them, what they hide, the TOML file."""

    def rules(self) -> list[Rule]:
        """Every rule in the order they run (oldest first), each with how many
        articles it matched when last applied and how many it hides now."""
        return self.store.rules()

    def rule(self, rule_id: int) -> Rule:
        """One rule; NotFound if there is none."""
        return self.store.rule(rule_id)

    @undoable(lambda lib, rule, *args, **kwargs: f"Added rule {rule.label}")
    def add_rule(
        self,
        query: str,
        actions: RuleActions,
        *,
        feed_id: int | None = None,
        name: str | None = None,
    ) -> Rule:
        """Check and store a rule; it acts from the next refresh or sync on
        (``apply_rules`` applies it to what is stored).  InputError, with the
        query's own one-line message, for a query that cannot run."""
        query = rule_query(query)
        rule_id = self.store.add_rule(
            query, actions, feed_id=feed_id, name=rule_name(name), now=self._now()
        )
        return self.store.rule(rule_id)

    @undoable(lambda lib, rule, *args, **kwargs: f"Edited rule {rule.label}")
    def edit_rule(
        self,
        rule_id: int,
        *,
        query: str | None = None,
        actions: RuleActions | None = None,
        feed_id: int | object | None = KEEP,
        name: str | object | None = KEEP,
    ) -> Rule:
        """Change what is given (``feed_id=None``: every feed; ``name=None``:
        no name).  A new query or scope forgets what the rule matched."""
        old = self.store.rule(rule_id)
        new_feed = old.feed_id if feed_id is KEEP else feed_id
        new_name = old.name if name is KEEP else name
        if new_feed is not None and not isinstance(new_feed, int):
            raise InputError("a rule's feed is a feed id")
        if new_name is not None and not isinstance(new_name, str):
            raise InputError("a rule's name is text")
        self.store.update_rule(
            rule_id,
            old.query if query is None else rule_query(query),
            old.actions if actions is None else actions,
            feed_id=new_feed,
            name=rule_name(new_name),
        )
        return self.store.rule(rule_id)

    @undoable(
        lambda lib, rule, *args, **kwargs: (
            f"Turned rule {rule.label} {'on' if rule.enabled else 'off'}"
        )
    )
    def set_rule_enabled(self, rule_id: int, enabled: bool) -> Rule:
        """Turn a rule on or off (off: what it hid shows again, until it is on)."""
        self.store.set_rule_enabled(rule_id, enabled)
        return self.store.rule(rule_id)

    @undoable(lambda lib, rule, *args, **kwargs: f"Removed rule {rule.label}")
    def remove_rule(self, rule_id: int) -> Rule:
        """Delete a rule (returned as it was); what it hid comes back, and what
        it marked, starred or tagged stays as it is."""
        rule = self.store.rule(rule_id)
        self.store.remove_rule(rule_id)
        return rule

    @undoable(lambda lib, report, *args, **kwargs: _applied_label(report))
    def apply_rules(
        self, rule_ids: Sequence[int] | None = None, *, dry_run: bool = False, sample: int = 10
    ) -> RulesReport:
        """Apply rules (these, else every enabled one) to every stored article,
        in one transaction: one action to undo, whose outcomes name the
        articles each action changed.  ``dry_run`` writes nothing and
        reports the same; ``sample`` titles per rule are included."""
        return self.store.apply_rules(rule_ids, now=self._now(), dry_run=dry_run, sample=sample)

    def count_rule_matches(self, rule_id: int) -> int:
        """How many stored articles a rule's query (and feed) matches now,
        whatever its actions (``Rule.matched`` counts only the matches a
        hiding or highlighting rule keeps).  One query over the store: call
        it from a worker."""
        return self.store.count_rule_matches(rule_id, now=self._now())

    # -- the Hidden view ----------------------------------------------------------

    def hidden_articles(self, *, limit: int = 50, offset: int = 0) -> list[HiddenArticle]:
        """A page of the articles rules hide, newest first, each with the rules
        that hide it (``View(hidden=True)`` lists and counts the same set)."""
        page = self.store.articles(View(hidden=True), limit=limit, offset=offset)
        hiding = self.store.hiding_rules([a.id for a in page])
        return [HiddenArticle(a, hiding.get(a.id, ())) for a in page]

    def hiding_rules(self, article_ids: Sequence[int]) -> dict[int, tuple[Rule, ...]]:
        """article id -> the enabled rules hiding it (articles not hidden left out)."""
        return self.store.hiding_rules(article_ids)

    # -- the TOML file --------------------------------------------------------------

    def export_rules(self, path: str | Path) -> int:
        """Write every rule to a TOML file; returns how many."""
        rules = self.store.rules()
        urls = {f.id: f.url for f in self.store.feeds()}
        target = Path(path)
        try:
            target.write_text(rules_to_toml(rules, urls), encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{target}: cannot write ({exc.strerror})") from exc
        return len(rules)

    def import_rules(self, path: str | Path) -> tuple[list[Rule], int]:
        """Add the rules of a TOML file, all or none: (rules added, rules
        skipped because an identical one exists).  InputError naming the file
        and the line or rule when anything is wrong; nothing is stored then."""
        source = Path(path)
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise InputError(f"{source}: cannot read ({reason})") from exc
        drafts = rules_from_toml(text, str(source))
        by_url = {f.url: f.id for f in self.store.feeds()}
        have = {(r.query, r.feed_id, r.actions) for r in self.store.rules()}
        rows: list[tuple[str, RuleActions, int | None, str | None, bool]] = []
        for n, d in enumerate(drafts, 1):
            feed_id = None
            if d.feed_url is not None:
                feed_id = by_url.get(d.feed_url)
                if feed_id is None:
                    raise NotFound(f"{source}: rule {n}: no feed with URL {d.feed_url!r}")
            if (d.query, feed_id, d.actions) not in have:
                have.add((d.query, feed_id, d.actions))
                rows.append((d.query, d.actions, feed_id, d.name, d.enabled))
        ids = self.store.add_rules(rows, now=self._now())
        return [self.store.rule(i) for i in ids], len(drafts) - len(rows)


def _applied_label(report: RulesReport) -> str:
    """The history's line for rules applied to stored articles."""
    names = [o.rule.label for o in report.outcomes]
    which = f"rule {names[0]}" if len(names) == 1 else plural(len(names), "rule")
    return f"Applied {which} to {plural(report.changed, 'article')}"

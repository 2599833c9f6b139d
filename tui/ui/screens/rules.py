"""The Rules screen (issue 18): the rules listed, added, edited, toggled, removed, applied.

A dialog over the reader, opened by its key or the palette ("Rules…").  The
list is read in the dialog's own ``Lane``, where every change runs too (in
the order the keys were pressed); how many stored articles each rule
matches now is one query a rule (``Library.count_rule_matches``), so a
thread worker counts them after the list is shown and each count appears
when ready ("…" until then).

Applying rules to what is stored first runs a dry run in the lane and asks,
quoting what would change; the apply is one entry in the history, so ``u``
(here, or in the reader) takes it back.  After any change ``changed`` runs:
the reader reads its lists, counts and open article again, as after an
undo, and ``say`` puts the line in the reader's status line as well.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Label
from textual.worker import get_current_worker

from tui.core import HistoryEntry, Library, Rule, RulesReport, history_line
from tui.ui import safe
from tui.ui.screens.dialog import Dialog
from tui.ui.screens.rule_words import applied_line, dry_run_message, rule_cells
from tui.ui.workers import Lane, Outcome, library_call, unless_gone

__all__ = ["RulesScreen"]

COLUMNS = ("On", "Rule", "Actions", "Feed", "Matches")
HINT = "a add · enter edit · space on/off · d remove · r apply · R apply all · u undo · esc close"


class RulesRead(Message):
    """The rules, read in the lane (after a change, with the line saying what it was)."""

    def __init__(self, outcome: Outcome[list[Rule]], said: str = "") -> None:
        super().__init__()
        self.outcome = outcome
        self.said = said


class MatchesCounted(Message):
    """A worker counted one rule's matches."""

    def __init__(self, rule_id: int, count: int) -> None:
        super().__init__()
        self.rule_id = rule_id
        self.count = count


class Changed(Message):
    """A change ran in the lane: ``said(value)`` words it (None: nothing to say)."""

    def __init__(self, outcome: Outcome[object], said: Callable[[object], str]) -> None:
        super().__init__()
        self.outcome = outcome
        self.said = said


class DryRun(Message):
    """What applying would do (``rule_ids`` None: every enabled rule)."""

    def __init__(self, outcome: Outcome[RulesReport], rule_ids: list[int] | None) -> None:
        super().__init__()
        self.outcome = outcome
        self.rule_ids = rule_ids


class RulesScreen(Dialog[None]):
    """Every rule with its actions, scope, state and matches; keys change them."""

    AUTO_FOCUS = "#rules-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="rules.close"),
        Binding("a", "add", "Add", id="rules.add", tooltip="Add a rule"),
        Binding("e", "edit", "Edit", id="rules.edit", tooltip="Edit the rule (or enter)"),
        Binding("space", "switch", "On/off", id="rules.toggle", tooltip="Turn the rule on or off"),
        Binding("d,delete", "remove", "Remove", id="rules.remove", tooltip="Remove the rule"),
        Binding("r", "apply(False)", "Apply", id="rules.apply", tooltip="Apply the rule"),
        Binding("R", "apply(True)", "Apply all", id="rules.apply_all", tooltip="Apply all"),
        Binding("u", "undo", "Undo", id="rules.undo", tooltip="Undo the last change"),
    ]

    DEFAULT_CSS = """
    RulesScreen > #rules-box { width: 100%; max-width: 120; height: 80%; max-height: 30; }
    RulesScreen #rules-table { height: 1fr; }
    RulesScreen #rules-status { width: 100%; height: auto; color: $text-accent; }
    RulesScreen #rules-hint { width: 100%; color: $text-muted; }
    """

    def __init__(
        self,
        library: Library,
        feeds: Sequence[tuple[int, str]],
        *,
        changed: Callable[[], None] = lambda: None,
        say: Callable[[str], None] = lambda _line: None,
        undo_key: str = "u",
    ) -> None:
        """``feeds``: (id, title) a rule may be scoped to; ``changed`` redraws the reader."""
        super().__init__()
        self._library = library
        self._feeds = list(feeds)
        self._changed = changed
        self._say = say
        self._undo_key = undo_key
        self._lane = Lane(self, library, name="rules")
        self.rules: list[Rule] = []
        #: Matches counted now, by rule id (a rule not in it is being counted).
        self.matches: dict[int, int] = {}
        self._widths: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="rules-box", classes="dialog-box") as box:
            box.border_title = safe.content("Rules")
            table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True)
            table.id = "rules-table"
            yield table
            yield Label(safe.content(""), id="rules-status")
            yield Label(safe.content(HINT), id="rules-hint")

    def on_mount(self) -> None:
        self._fit(self.app.size.width)
        self._read()

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        """Columns sized to the dialog, the rule's label taking what is left (no
        sideways scrolling); the rows are drawn again in them."""
        box = min(120, width * 95 // 100) - 5  # border, padding, scrollbar
        narrow = box < 100
        widths = {"On": 3, "Actions": 16 if narrow else 22, "Feed": 10 if narrow else 18}
        widths["Matches"] = 7
        widths["Rule"] = max(12, box - sum(widths.values()) - 2 * len(COLUMNS))
        if widths == self._widths:
            return
        self._widths = widths
        table = self.query_one(DataTable)
        table.clear(columns=True)
        for name in COLUMNS:
            table.add_column(Text(name), width=widths[name], key=name)
        self._fill()

    # -- the list ---------------------------------------------------------------

    @property
    def status_text(self) -> str:
        """The line under the list (for tests)."""
        return str(self.query_one("#rules-status", Label).content)

    def _status(self, line: str) -> None:
        self.query_one("#rules-status", Label).update(safe.content(line))

    def _read(self, said: str = "") -> None:
        self._lane.put(self._library.rules, lambda outcome: RulesRead(outcome, said))

    @on(RulesRead)
    @unless_gone
    def _rules_read(self, message: RulesRead) -> None:
        if message.outcome.value is None:
            self._status(f"Rules not read: {message.outcome.error}")
            return
        selected = self.selected
        self.rules = message.outcome.value
        self.matches = {}
        self._fill(selected.id if selected is not None else None)
        self._status(message.said or ("" if self.rules else "No rules yet. Press a to add one."))
        self._count([r.id for r in self.rules])

    def _fill(self, keep: int | None = None) -> None:
        """The rows, from the rules read (the cursor on rule ``keep`` if given)."""
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for rule in self.rules:
            table.add_row(*self._cells(rule), key=str(rule.id))
        ids = [r.id for r in self.rules]
        table.move_cursor(row=ids.index(keep) if keep in ids else row)

    def _cells(self, rule: Rule) -> list[Text]:
        on, label, actions, feed, matches = rule_cells(rule, self.matches.get(rule.id))
        dim = "" if rule.enabled else "dim"
        return [
            Text(on, style="bold" if rule.enabled else "dim", no_wrap=True),
            Text(label, style=dim, no_wrap=True, overflow="ellipsis"),
            Text(actions, style=dim, no_wrap=True, overflow="ellipsis"),
            Text(feed, style=dim, no_wrap=True, overflow="ellipsis"),
            Text(matches, style=dim, justify="right", no_wrap=True),
        ]

    @work(thread=True, exclusive=True, group="rule-counts", exit_on_error=False)
    def _count(self, rule_ids: list[int]) -> None:
        """Count each rule's matches now, one query a rule, each shown when ready."""
        worker = get_current_worker()
        count = self._library.count_rule_matches
        for rule_id in rule_ids:
            if worker.is_cancelled:
                break
            outcome = library_call(self._library, partial(count, rule_id))
            if outcome.value is not None and not worker.is_cancelled:
                self.post_message(MatchesCounted(rule_id, outcome.value))

    @on(MatchesCounted)
    @unless_gone
    def _matches_counted(self, message: MatchesCounted) -> None:
        self.matches[message.rule_id] = message.count
        key = str(message.rule_id)
        table = self.query_one(DataTable)
        if key in table.rows:
            rule = next(r for r in self.rules if r.id == message.rule_id)
            table.update_cell(key, "Matches", self._cells(rule)[-1])

    @property
    def selected(self) -> Rule | None:
        """The rule under the cursor (None when there are none)."""
        table = self.query_one(DataTable)
        if not self.rules or not 0 <= table.cursor_row < len(self.rules):
            return None
        return self.rules[table.cursor_row]

    # -- changes ------------------------------------------------------------------

    def _change(self, call: Callable[[], object], said: Callable[[object], str]) -> None:
        """Run a change in the lane; its answer re-reads the list and redraws the reader."""
        self._lane.put(call, lambda outcome: Changed(outcome, said))

    @on(Changed)
    @unless_gone
    def _changed_done(self, message: Changed) -> None:
        outcome = message.outcome
        if outcome.error:
            self._status(outcome.error)
            return
        line = message.said(outcome.value)
        self._read(line)
        self._changed()
        if line:
            self._say(line)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a rule edits it (the table takes enter before the screen's keys)."""
        event.stop()
        self.action_edit()

    def action_add(self) -> None:
        self._form(None)

    def action_edit(self) -> None:
        rule = self.selected
        if rule is not None:
            self._form(rule)

    def _form(self, rule: Rule | None) -> None:
        from tui.ui.screens.rule_form import RuleFormScreen  # see keys.LATE_SCREENS

        def stored(saved: Rule | None) -> None:
            if saved is None:
                return
            verb = "Saved" if rule is not None else "Added"
            line = f"{verb} rule {safe.clean(saved.label)}: it acts on what arrives; r applies it"
            self._read(line + " to stored articles.")
            self._changed()

        self.app.push_screen(RuleFormScreen(self._library, self._feeds, rule), stored)

    def action_switch(self) -> None:
        rule = self.selected
        if rule is None:
            return
        on = not rule.enabled
        self._change(
            lambda: self._library.set_rule_enabled(rule.id, on),
            lambda _r: f"Rule {safe.clean(rule.label)} {'on' if on else 'off'}.",
        )

    def action_remove(self) -> None:
        from tui.ui.screens.confirm import ConfirmScreen  # see keys.LATE_SCREENS

        rule = self.selected
        if rule is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._change(
                    lambda: self._library.remove_rule(rule.id),
                    lambda _r: f"Removed rule {safe.clean(rule.label)}.",
                )

        question = (
            f"Remove rule {safe.clean(rule.label)}?\n\nWhat it hides shows again; "
            "what it marked read, starred or tagged stays."
        )
        self.app.push_screen(ConfirmScreen(question, "Remove"), answered)

    def action_apply(self, every: bool) -> None:
        """r: the selected rule, R: every enabled one; a dry run first, then a confirm."""
        rule = self.selected
        if not every and rule is None:
            return
        ids = None if every else [rule.id] if rule is not None else None
        self._status("Counting what would change…")
        self._lane.put(
            lambda: self._library.apply_rules(ids, dry_run=True),
            lambda outcome: DryRun(outcome, ids),
        )

    @on(DryRun)
    @unless_gone
    def _dry_run(self, message: DryRun) -> None:
        from tui.ui.screens.confirm import ConfirmScreen  # see keys.LATE_SCREENS

        report = message.outcome.value
        if report is None:
            self._status(message.outcome.error)
            return
        if not report.outcomes:
            self._status("No enabled rule to apply.")
            return
        if not any(o.matched for o in report.outcomes):
            self._status("Nothing to apply: no stored article matches.")
            return
        self._status("")
        ids = message.rule_ids

        def answered(yes: bool | None) -> None:
            if yes:
                self._change(
                    lambda: self._library.apply_rules(ids),
                    lambda done: (
                        applied_line(done, self._undo_key) if isinstance(done, RulesReport) else ""
                    ),
                )

        question = dry_run_message(report, self._undo_key)
        self.app.push_screen(ConfirmScreen(question, "Apply"), answered)

    def action_undo(self) -> None:
        """u: undo the newest change (an apply made here, or anything before it)."""

        def said(entry: object) -> str:
            if isinstance(entry, HistoryEntry):
                return history_line("Undone", entry.label)
            return "Nothing to undo."

        self._change(self._library.undo, said)

    def action_close(self) -> None:
        self.dismiss(None)

"""The dialog that adds or edits a rule: a query, its actions, a feed, a name.

One line a field (compact inputs), so it fits an 80x24 terminal with room
around it.  Checking is the core's: ``rule_actions`` (pure) refuses an
empty set of actions or a bad tag at once, and the query is checked by
storing the rule (``Library.add_rule`` / ``edit_rule``), which runs in the
dialog's own ``Lane`` like every write; a refused rule leaves the dialog
open with the one-line reason under the fields (the search language's own
message for a query, which says where), as the prompt dialog does.  Every
string shown may quote user text: all of it goes through ``safe``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, Select

from tui.core import HIGHLIGHT_COLORS, GazetteError, Library, Rule, RuleActions, rule_actions
from tui.ui import safe
from tui.ui.screens.dialog import Dialog
from tui.ui.workers import Lane, Outcome, unless_gone

__all__ = ["RuleFormScreen", "split_tags"]


def split_tags(text: str) -> list[str]:
    """ "later, Lang" -> ["later", "Lang"]: tags as the tag editor reads them (comma-separated)."""
    return [t.strip() for t in text.split(",") if t.strip()]


class RuleFormScreen(Dialog[Rule | None]):
    """Adds a rule, or edits ``rule``; dismisses with the stored rule, or ``None``."""

    class Stored(Message):
        """The lane stored the rule (``outcome.value``) or says why not (``outcome.error``)."""

        def __init__(self, outcome: Outcome[Rule]) -> None:
            super().__init__()
            self.outcome = outcome

    AUTO_FOCUS = "#rule-query"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="rule_form.cancel"),
        Binding("ctrl+s", "submit", "Save", id="rule_form.save"),
    ]

    DEFAULT_CSS = """
    RuleFormScreen > #rule-form { width: 72; }
    RuleFormScreen .rule-row { height: 1; margin-bottom: 1; }
    RuleFormScreen .rule-label { width: 10; color: $text-muted; }
    RuleFormScreen .rule-row Input, RuleFormScreen .rule-row Select { width: 1fr; }
    RuleFormScreen .rule-row Checkbox { margin-right: 2; }
    RuleFormScreen #rule-error { color: $text-error; width: 100%; height: auto; max-height: 3; }
    RuleFormScreen #rule-buttons { height: auto; align-horizontal: right; }
    RuleFormScreen #rule-buttons Button { margin-left: 2; }
    """

    def __init__(
        self,
        library: Library,
        feeds: Sequence[tuple[int, str]],
        rule: Rule | None = None,
    ) -> None:
        """``feeds``: (id, title) of the feeds a rule may be scoped to."""
        super().__init__()
        self._library = library
        self._feeds = list(feeds)
        self._rule = rule
        self._lane = Lane(self, library, name="rule-form")
        self._saving = False

    def compose(self) -> ComposeResult:
        rule = self._rule
        actions = rule.actions if rule is not None else RuleActions()
        with Vertical(id="rule-form", classes="dialog-box") as box:
            box.border_title = safe.content("Edit rule" if rule else "New rule")
            with Horizontal(classes="rule-row"):
                yield Label(safe.content("Query"), classes="rule-label")
                yield Input(
                    safe.clean(rule.query) if rule else "",
                    placeholder="a search: sponsored OR title:deal",
                    compact=True,
                    id="rule-query",
                )
            with Horizontal(classes="rule-row"):
                yield Label(safe.content("Actions"), classes="rule-label")
                yield Checkbox("Hide", actions.hide, compact=True, id="rule-hide")
                yield Checkbox("Mark read", actions.mark_read, compact=True, id="rule-read")
                yield Checkbox("Star", actions.star, compact=True, id="rule-star")
            with Horizontal(classes="rule-row"):
                yield Label(safe.content("Tags"), classes="rule-label")
                yield Input(
                    ", ".join(safe.clean(t) for t in actions.tags),
                    placeholder="tags to add, comma-separated",
                    compact=True,
                    id="rule-tags",
                )
            with Horizontal(classes="rule-row"):
                yield Label(safe.content("Colour"), classes="rule-label")
                yield Select(
                    [(c, c) for c in HIGHLIGHT_COLORS],
                    prompt="no highlight",
                    value=actions.highlight or Select.NULL,
                    compact=True,
                    id="rule-colour",
                )
            with Horizontal(classes="rule-row"):
                yield Label(safe.content("Feed"), classes="rule-label")
                yield Select(
                    [(safe.text(title, fallback="(untitled)"), fid) for fid, title in self._feeds],
                    prompt="every feed",
                    value=rule.feed_id if rule and rule.feed_id is not None else Select.NULL,
                    compact=True,
                    id="rule-feed",
                )
            with Horizontal(classes="rule-row"):
                yield Label(safe.content("Name"), classes="rule-label")
                yield Input(
                    safe.clean(rule.name) if rule and rule.name else "",
                    placeholder="optional; the list shows the query without one",
                    compact=True,
                    id="rule-name",
                )
            yield Label(safe.content(""), id="rule-error")
            with Horizontal(id="rule-buttons"):
                yield Button(safe.content("Cancel"), compact=True, id="rule-cancel")
                yield Button(
                    safe.content("Save" if rule else "Add"),
                    variant="primary",
                    compact=True,
                    id="rule-ok",
                )

    def on_mount(self) -> None:
        self.query_one("#rule-error").display = False

    @property
    def error_text(self) -> str:
        """The error under the fields ("" when none), for tests."""
        label = self.query_one("#rule-error", Label)
        return str(label.content) if label.display else ""

    def _set_error(self, text: str) -> None:
        label = self.query_one("#rule-error", Label)
        label.update(safe.content(text))
        label.display = bool(text)

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _edited(self, event: Input.Changed | Checkbox.Changed | Select.Changed) -> None:
        event.stop()
        self._set_error("")

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed, "#rule-ok")
    def _ok(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed, "#rule-cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def _actions(self) -> RuleActions:
        """The actions ticked and typed (InputError when there are none, or a bad tag)."""
        colour = self.query_one("#rule-colour", Select).value
        return rule_actions(
            hide=self.query_one("#rule-hide", Checkbox).value,
            mark_read=self.query_one("#rule-read", Checkbox).value,
            star=self.query_one("#rule-star", Checkbox).value,
            tags=split_tags(self.query_one("#rule-tags", Input).value),
            highlight=colour if isinstance(colour, str) else None,
        )

    def action_submit(self) -> None:
        """Check the actions here, then store the rule in the lane (which checks the query)."""
        if self._saving:
            return
        try:
            actions = self._actions()
        except GazetteError as exc:
            self._set_error(safe.clean(str(exc)))
            return
        query = self.query_one("#rule-query", Input).value
        name = self.query_one("#rule-name", Input).value.strip() or None
        feed = self.query_one("#rule-feed", Select).value
        feed_id = feed if isinstance(feed, int) else None
        library, rule = self._library, self._rule

        def store() -> Rule:
            if rule is None:
                return library.add_rule(query, actions, feed_id=feed_id, name=name)
            return library.edit_rule(
                rule.id, query=query, actions=actions, feed_id=feed_id, name=name
            )

        self._saving = True
        self.query_one("#rule-ok", Button).disabled = True
        self._lane.put(store, self.Stored)

    @on(Stored)
    @unless_gone
    def _stored(self, message: Stored) -> None:
        self._saving = False
        self.query_one("#rule-ok", Button).disabled = False
        outcome = message.outcome
        if outcome.value is None:
            self._set_error(outcome.error or "The rule was not stored.")
            self.query_one("#rule-query", Input).focus()
            return
        self.dismiss(outcome.value)

    def action_cancel(self) -> None:
        self.dismiss(None)

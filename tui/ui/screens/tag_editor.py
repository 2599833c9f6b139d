"""The tag editor: add and remove tags on one article or on a whole view.

Typing completes from the tags that exist (``Library.tag_completions``):
inline, accepted with tab or the right arrow, and as a list under the input that
down and enter pick from.  Enter applies what was typed, in the one tag
grammar (:func:`tui.core.tags.parse_tag_changes`): names separated by
commas, ``-name`` removes a tag, ``name`` or ``+name`` adds one.  The current tags are
listed below; delete (or ctrl+d) on one removes it.

Why changes apply at once rather than on closing: the list marker and the
article header behind the dialog update as the user works, and nothing is
lost if the dialog is closed with escape.  Every Library call (the first
read of the tags, completions, each change) runs in the dialog's ``Lane``,
one at a time in the order asked, so the dialog never freezes on the disk
and changes land in the order they were typed.  A change is checked
against the tags as stored when it runs ("Not tagged: x"), not as last
shown.  For a whole view (thousands of ids) the ids are read first, the
input waits for them, and further changes wait while one is written
(``busy``).  Completions follow typing (``tag_completion``): an answer for
a prefix no longer typed is dropped.  An answer that comes after the dialog
closed is dropped too; a change it reports was stored all the same, and the
reader's watch on the database redraws it.  Tag names are user text: every
one is shown through ``safe`` (never markup).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import SuggestionReady
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.core import Library, parse_tag_changes
from tui.ui import safe
from tui.ui.screens.dialog import Dialog
from tui.ui.screens.tag_completion import (
    MAX_COMPLETIONS,
    Offer,
    TagSuggester,
    candidates,
    completed,
    split_last,
)
from tui.ui.workers import Lane, Outcome, unless_gone

__all__ = ["TagEditorScreen"]

#: Tags on the articles, with how many of them carry each.
TagList = list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class Applied:
    """A change ran: the tags now, the names asked to go that were not there."""

    tags: TagList
    missing: list[str]
    changed: bool


class TagEditorScreen(Dialog[bool]):
    """Edits the tags of some articles; dismisses with whether anything changed.

    Give ``ids`` for known articles (one article), or ``load_ids`` (run in a
    thread) for a whole view.  ``changed`` is called with the ids after each
    change so the reader can redraw them.
    """

    AUTO_FOCUS = "#tag-input"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="tags.close", tooltip="Close the tag editor"),
        Binding(
            "delete,ctrl+d", "remove", "Remove", id="tags.remove", tooltip="Remove the chosen tag"
        ),
        Binding("down", "down", "Completions", show=False, id="tags.down"),
        Binding("tab", "complete", "Complete", show=False, id="tags.complete"),
    ]

    DEFAULT_CSS = """
    TagEditorScreen > #tag-box { width: 64; max-height: 95%; }
    TagEditorScreen .tag-caption { color: $text-muted; width: 100%; }
    TagEditorScreen #tag-subject { text-style: bold; width: 100%; }
    TagEditorScreen OptionList { border: none; padding: 0 1; background: $boost; }
    TagEditorScreen OptionList:focus { border: none; background-tint: $foreground 5%; }
    TagEditorScreen #tag-completions { height: auto; max-height: 6; margin-bottom: 1; }
    TagEditorScreen #tag-current { height: auto; max-height: 8; min-height: 1; }
    TagEditorScreen #tag-status { height: auto; width: 100%; color: $text-warning; }
    """

    class _Read(Message):
        """The articles' ids (read for a whole view) and their tags."""

        def __init__(self, outcome: Outcome[tuple[list[int], TagList]]) -> None:
            super().__init__()
            self.outcome = outcome

    class _Applied(Message):
        """A change was written (or not)."""

        def __init__(self, outcome: Outcome[Applied]) -> None:
            super().__init__()
            self.outcome = outcome

    class _Offered(Message):
        """Existing tags completing a prefix were read."""

        def __init__(self, prefix: str, outcome: Outcome[list[str]]) -> None:
            super().__init__()
            self.prefix = prefix
            self.outcome = outcome

    def __init__(
        self,
        library: Library,
        subject: str,
        *,
        ids: Sequence[int] | None = None,
        load_ids: Callable[[], list[int]] | None = None,
        changed: Callable[[list[int]], None] | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.subject = subject
        self.bulk = ids is None
        self.ids: list[int] = list(ids or [])
        self._load_ids = load_ids
        self._changed = changed
        #: Tags on the articles now, with how many of them carry each.
        self.current: list[tuple[str, int]] = []
        self.busy = self.bulk
        self.did_change = False
        self._lane = Lane(self, library, name="tag-editor")
        #: The latest existing names read for a typed prefix.
        self._offer: Offer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="tag-box", classes="dialog-box") as box:
            box.border_title = safe.content("Tags")
            yield Label(safe.content(self.subject, fallback="(untitled)"), id="tag-subject")
            yield Input(
                placeholder="Add a tag; -name removes; commas separate",
                suggester=TagSuggester(self),
                id="tag-input",
            )
            yield OptionList(id="tag-completions")
            yield Label(safe.content("Current tags (delete removes one)"), classes="tag-caption")
            yield OptionList(id="tag-current")
            yield Label(safe.content(""), id="tag-status")
            yield Label(
                safe.content("enter adds · tab completes · ↓ picks · esc closes"),
                classes="tag-caption",
            )

    def on_mount(self) -> None:
        """The tags are read in the lane; a whole view's input waits for its ids."""
        self.query_one("#tag-completions").display = False
        if self.bulk:
            self._set_status("Reading the articles of this view…")
            self.query_one("#tag-input", Input).disabled = True
        else:
            self._set_status("")
        load_ids = self._load_ids

        def read() -> tuple[list[int], TagList]:
            ids = list(self.ids) if not self.bulk else load_ids() if load_ids is not None else []
            return ids, self._tags_of(ids)

        self._lane.put(read, self._Read)

    # -- shown state ----------------------------------------------------------

    @property
    def status_text(self) -> str:
        label = self.query_one("#tag-status", Label)
        return str(label.content) if label.display else ""

    @property
    def current_names(self) -> list[str]:
        return [name for name, _n in self.current]

    @property
    def completions(self) -> list[str]:
        """The names listed under the input (for tests)."""
        box = self.query_one("#tag-completions", OptionList)
        return [str(box.get_option_at_index(i).id) for i in range(box.option_count)]

    def _set_status(self, text: str) -> None:
        label = self.query_one("#tag-status", Label)
        label.update(safe.content(text))
        label.display = bool(text)

    def _show_current(self, tags: list[tuple[str, int]]) -> None:
        self.current = tags
        box = self.query_one("#tag-current", OptionList)
        highlighted = box.highlighted
        box.clear_options()
        if not tags:
            box.add_option(Option(Text("(none)", style="dim"), disabled=True))
            return
        total = len(self.ids)
        for name, n in tags:
            label = safe.text("#" + name)
            if self.bulk:
                label.append(f"  {n} of {total}", style="dim")
            box.add_option(Option(label, id=name))
        if highlighted is not None:
            box.highlighted = min(highlighted, len(tags) - 1)

    def _tags_of(self, ids: Sequence[int]) -> TagList:
        """The tags of ``ids`` as stored (lane thread): an article's own, or a view's."""
        if self.bulk:
            return self.library.tags_on(ids)
        return [(name, 1) for name in self.library.article(ids[0]).tags] if ids else []

    def completed(self, value: str) -> str | None:
        """``value`` with the name being typed completed (its typed part kept), or None."""
        return completed(value, self._offer, self.current_names)

    # -- typing ---------------------------------------------------------------

    @on(Input.Changed, "#tag-input")
    def _typed(self, event: Input.Changed) -> None:
        """Offer what is known for the name typed now; ask the lane for existing tags."""
        event.stop()
        _head, sign, name = split_last(event.value)
        self._show_completions(sign, name, event.value)
        if sign != "-" and (name or event.value.strip()):
            exclude = [] if self.bulk else self.current_names

            def read() -> list[str]:
                return self.library.tag_completions(name, exclude=exclude)[:MAX_COMPLETIONS]

            self._lane.put(read, lambda outcome: self._Offered(name, outcome))

    def _show_completions(self, sign: str, name: str, value: str) -> None:
        box = self.query_one("#tag-completions", OptionList)
        box.clear_options()
        names = candidates(sign, name, self._offer, self.current_names) if value.strip() else []
        for candidate in names:
            box.add_option(Option(safe.text(sign + candidate), id=candidate))
        box.display = bool(names)

    @on(_Offered)
    @unless_gone
    def _offered(self, message: _Offered) -> None:
        """Existing tags for a prefix: shown only if that prefix is still the one typed."""
        field = self.query_one("#tag-input", Input)
        _head, sign, name = split_last(field.value)
        if sign == "-" or name != message.prefix:
            return  # typed past it: an answer for an older prefix is never shown
        if message.outcome.value is None:
            self._set_status(f"Completions not read: {message.outcome.error}")
            return
        self._offer = Offer(message.prefix, tuple(message.outcome.value))
        self._show_completions(sign, name, field.value)
        suggestion = self.completed(field.value)
        if suggestion is not None:
            field.post_message(SuggestionReady(field.value, suggestion))

    @on(Input.Submitted, "#tag-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit(event.value)

    @on(OptionList.OptionSelected, "#tag-completions")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        """Enter or a click on a completion: put it in place of the name being typed."""
        event.stop()
        field = self.query_one("#tag-input", Input)
        head, sign, _name = split_last(field.value)
        self.submit(head + sign + str(event.option.id))
        field.focus()

    def submit(self, raw: str) -> None:
        """Apply what was typed: names to add, ``-names`` to remove."""
        if self.busy:
            return
        add, remove = parse_tag_changes(raw)
        if not add and not remove:
            self._set_status("Type a tag name to add, or -name to remove one.")
            return
        self._apply(add, remove)
        self.query_one("#tag-input", Input).value = ""

    def _apply(self, add: Sequence[str], remove: Sequence[str]) -> None:
        """Write a change in the lane; a view's waits for it (``busy``)."""
        ids = list(self.ids)
        if self.bulk:
            self.busy = True
            n = len(ids)
            self._set_status(f"Tagging {n} article{'' if n == 1 else 's'}…")

        def write() -> Applied:
            keys = {name.casefold() for name, _n in self._tags_of(ids)}
            present = [n for n in remove if n.casefold() in keys]
            if add or present:
                self.library.set_tags(ids, add=add, remove=present)
            missing = [n for n in remove if n.casefold() not in keys]
            return Applied(self._tags_of(ids), missing, bool(add or present))

        self._lane.put(write, self._Applied)

    def _notify_changed(self) -> None:
        self.did_change = True
        if self._changed is not None:
            self._changed(list(self.ids))

    # -- actions --------------------------------------------------------------

    def action_remove(self) -> None:
        """Delete or ctrl+d on a current tag removes it (in the input they edit text)."""
        box = self.query_one("#tag-current", OptionList)
        if self.focused is not box or box.highlighted is None or not self.current:
            return
        name = self.current[box.highlighted][0]
        if not self.busy:
            self._apply([], [name])

    def action_down(self) -> None:
        """Down from the input: into the completions when shown, else the current tags."""
        completions = self.query_one("#tag-completions", OptionList)
        target = completions if completions.display else self.query_one("#tag-current")
        target.focus()
        if isinstance(target, OptionList) and target.highlighted is None and target.option_count:
            target.highlighted = 0

    def action_complete(self) -> None:
        """Tab in the input takes the inline completion (as → does); else next field."""
        field = self.query_one("#tag-input", Input)
        done = self.completed(field.value) if self.focused is field else None
        if done is None:
            self.focus_next()
            return
        field.value = done
        field.cursor_position = len(done)

    def action_close(self) -> None:
        self.dismiss(self.did_change)

    # -- answers from the lane -----------------------------------------------

    @on(_Read)
    @unless_gone
    def _read(self, message: _Read) -> None:
        if message.outcome.value is None:
            self.busy = False
            self._set_status(message.outcome.error)
            return
        ids, tags = message.outcome.value
        self.ids = ids
        self._show_current(tags)
        if not self.bulk:
            return
        self.busy = False
        field = self.query_one("#tag-input", Input)
        field.disabled = not self.ids
        if self.ids:
            self._set_status("")
            field.focus()
        else:
            self._set_status("This view has no articles.")

    @on(_Applied)
    @unless_gone
    def _applied(self, message: _Applied) -> None:
        self.busy = False
        self.query_one("#tag-input", Input).disabled = not self.ids
        applied = message.outcome.value
        if applied is None:
            self._set_status(message.outcome.error)
            return
        self._show_current(applied.tags)
        self._set_status(f"Not tagged: {', '.join(applied.missing)}" if applied.missing else "")
        if applied.changed and self.ids:
            self._notify_changed()

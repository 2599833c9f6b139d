"""The tag editor: add and remove tags on one article or on a whole view.

Typing completes from the tags that exist (``Library.tag_completions``):
inline, accepted with tab or the right arrow, and as a list under the input that
down and enter pick from.  Enter applies what was typed, in the one tag
grammar (:func:`tui.core.tags.parse_tag_changes`): names separated by
commas, ``-name`` removes a tag, ``name`` or ``+name`` adds one.  The current tags are
listed below; delete (or ctrl+d) on one removes it.

Why changes apply at once rather than on closing: the list marker and the
article header behind the dialog update as the user works, and nothing is
lost if the dialog is closed with escape.  For one article the write is a
few rows and runs on the UI thread; for a whole view (thousands of ids) the
ids are read and every change is written in a thread worker, so the dialog
never freezes.  Tag names are user text: every one is shown through
``safe`` (never markup).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tui.core import Library, parse_tag_changes
from tui.ui import safe
from tui.ui.screens.dialog import Dialog

__all__ = ["TagEditorScreen"]

MAX_COMPLETIONS = 8


def _split_last(value: str) -> tuple[str, str, str]:
    """(text before the last name, its +/- sign, the last name being typed)."""
    head, comma, last = value.rpartition(",")
    head = head + comma
    stripped = last.lstrip()
    head += last[: len(last) - len(stripped)]
    sign = stripped[:1] if stripped[:1] in "+-" and stripped else ""
    return head, sign, stripped[len(sign) :]


class _TagSuggester(Suggester):
    """Inline completion of the name being typed, from the editor's candidates."""

    def __init__(self, editor: TagEditorScreen) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.editor = editor

    async def get_suggestion(self, value: str) -> str | None:
        return self.editor.completed(value)


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

    class _Loaded(Message):
        """The view's ids and their tags were read (bulk mode)."""

        def __init__(self, ids: list[int], tags: list[tuple[str, int]]) -> None:
            super().__init__()
            self.ids = ids
            self.tags = tags

    class _Applied(Message):
        """A bulk change was written; ``tags`` are the view's tags now."""

        def __init__(self, tags: list[tuple[str, int]], error: str | None) -> None:
            super().__init__()
            self.tags = tags
            self.error = error

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

    def compose(self) -> ComposeResult:
        with Vertical(id="tag-box", classes="dialog-box") as box:
            box.border_title = safe.content("Tags")
            yield Label(safe.content(self.subject, fallback="(untitled)"), id="tag-subject")
            yield Input(
                placeholder="Add a tag; -name removes; commas separate",
                suggester=_TagSuggester(self),
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
        self.query_one("#tag-completions").display = False
        if self.bulk:
            self._set_status("Reading the articles of this view…")
            self.query_one("#tag-input", Input).disabled = True
            self._load()
        else:
            self._reload_single()
            self._set_status("")

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

    def _reload_single(self) -> None:
        tags = self.library.article(self.ids[0]).tags if self.ids else ()
        self._show_current([(name, 1) for name in tags])

    def completed(self, value: str) -> str | None:
        """``value`` with the name being typed completed (its typed part kept), or None."""
        head, sign, name = _split_last(value)
        if not name:
            return None
        for candidate in self.candidates(sign, name):
            if candidate.casefold().startswith(name.casefold()) and len(candidate) > len(name):
                return head + sign + name + candidate[len(name) :]
        return None

    def candidates(self, sign: str, prefix: str) -> list[str]:
        """Names to offer: existing tags for adding, the current ones for ``-``."""
        if sign == "-":
            key = prefix.casefold()
            names = self.current_names
            return [n for n in names if n.casefold().startswith(key)] + [
                n for n in names if key in n.casefold() and not n.casefold().startswith(key)
            ]
        exclude = [] if self.bulk else self.current_names
        return self.library.tag_completions(prefix, exclude=exclude)[:MAX_COMPLETIONS]

    # -- typing ---------------------------------------------------------------

    @on(Input.Changed, "#tag-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        _head, sign, name = _split_last(event.value)
        box = self.query_one("#tag-completions", OptionList)
        box.clear_options()
        names = self.candidates(sign, name) if (name or event.value.strip()) else []
        for candidate in names:
            box.add_option(Option(safe.text(sign + candidate), id=candidate))
        box.display = bool(names)

    @on(Input.Submitted, "#tag-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit(event.value)

    @on(OptionList.OptionSelected, "#tag-completions")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        """Enter or a click on a completion: put it in place of the name being typed."""
        event.stop()
        field = self.query_one("#tag-input", Input)
        head, sign, _name = _split_last(field.value)
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
        keys = {n.casefold() for n in self.current_names}
        missing = [n for n in remove if n.casefold() not in keys]
        self._apply(add, [n for n in remove if n.casefold() in keys])
        field = self.query_one("#tag-input", Input)
        field.value = ""
        if missing:
            self._set_status(f"Not tagged: {', '.join(missing)}")

    def _apply(self, add: Sequence[str], remove: Sequence[str]) -> None:
        if not add and not remove:
            return
        if self.bulk:
            self.busy = True
            n = len(self.ids)
            self._set_status(f"Tagging {n} article{'' if n == 1 else 's'}…")
            self._apply_bulk(list(self.ids), add, remove)
            return
        try:
            self.library.set_tags(self.ids, add=add, remove=remove)
        except Exception as exc:  # a one-line message, never a crash
            self._set_status(safe.clean(str(exc)) or type(exc).__name__)
            return
        self._set_status("")
        self._reload_single()
        self._notify_changed()

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

    # -- bulk workers (threads: no widget access) -----------------------------

    @work(thread=True, exclusive=True, group="tag-editor", exit_on_error=False)
    def _load(self) -> None:
        worker = get_current_worker()
        try:
            ids = self._load_ids() if self._load_ids is not None else []
            tags = self.library.tags_on(ids)
        except Exception as exc:
            if not worker.is_cancelled:
                self.post_message(self._Applied([], safe.clean(str(exc)) or repr(exc)))
            return
        finally:
            self.library.release_thread()
        if not worker.is_cancelled:
            self.post_message(self._Loaded(ids, tags))

    @work(thread=True, exclusive=True, group="tag-editor", exit_on_error=False)
    def _apply_bulk(self, ids: list[int], add: Sequence[str], remove: Sequence[str]) -> None:
        try:
            self.library.set_tags(ids, add=add, remove=remove)
            self.post_message(self._Applied(self.library.tags_on(ids), None))
        except Exception as exc:
            self.post_message(self._Applied(self.current, safe.clean(str(exc)) or repr(exc)))
        finally:
            self.library.release_thread()

    @on(_Loaded)
    def _loaded(self, message: _Loaded) -> None:
        self.ids = message.ids
        self.busy = False
        field = self.query_one("#tag-input", Input)
        field.disabled = not self.ids
        self._show_current(message.tags)
        if self.ids:
            self._set_status("")
            field.focus()
        else:
            self._set_status("This view has no articles.")

    @on(_Applied)
    def _applied(self, message: _Applied) -> None:
        was_busy, self.busy = self.busy, False
        self._show_current(message.tags)
        self.query_one("#tag-input", Input).disabled = not self.ids
        if message.error:
            self._set_status(message.error)
            return
        self._set_status("")
        if was_busy and self.ids:
            self._notify_changed()

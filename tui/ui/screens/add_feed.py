"""The "add a feed" dialog.

The user types a URL (a feed, a page that announces feeds, a bare site) or
a local path, optional tags and an optional folder (existing folders are
suggested as the user types, once the dialog's lane has read them; "/"
nests, as in "Tech/Rust").  Tags are read in
the one tag grammar (:func:`tui.core.tags.parse_tag_changes`: comma-separated,
``name`` or ``+name``); a ``-name`` is refused with a message rather than
dropped, since a new feed has no tag to remove.  Checking it needs the
network, so discovery and the first fetch run in a thread worker; the worker
never touches a widget, it posts messages back.  Every failure (a
``GazetteError`` with its one-line message, or anything unexpected) is shown
as one line under the input and the dialog stays open so the user can fix
the URL.  Success dismisses with the new feed's id.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tui.core import GazetteError, Library, folders, parse_tag_changes
from tui.ui import safe
from tui.ui.screens.dialog import Dialog
from tui.ui.workers import Lane, Outcome, unless_gone

__all__ = ["AddFeedScreen"]


def _describe(exc: BaseException) -> str:
    """A one-line message for an error; Gazette's own errors are already user-facing."""
    if isinstance(exc, GazetteError):
        return safe.clean(str(exc)) or "could not add the feed"
    detail = safe.clean(str(exc))
    name = type(exc).__name__
    return (
        f"Could not add the feed: {name}: {detail}" if detail else f"Could not add the feed: {name}"
    )


class AddFeedScreen(Dialog[int | None]):
    """Asks for a feed URL or path, checks it, subscribes; dismisses with the feed id.

    Escape or Cancel dismisses with ``None``.  While a check runs, the status
    line says "Checking…" and further submits are ignored.  When a page
    announces several feeds, they are listed to pick from (enter or a click
    picks one; Add adds the highlighted one).
    """

    AUTO_FOCUS = "#add-url"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="add_feed.cancel"),
    ]

    DEFAULT_CSS = """
    AddFeedScreen > #add-box {
        width: 72;
        max-height: 95%;
    }
    AddFeedScreen .add-caption {
        color: $text-muted;
    }
    AddFeedScreen #add-error {
        color: $error;
        height: auto;
        max-height: 3;
        width: 100%;
    }
    AddFeedScreen #add-status {
        color: $text-muted;
        height: auto;
    }
    AddFeedScreen #add-extras {
        height: auto;
    }
    AddFeedScreen #add-extras > Vertical {
        width: 1fr;
        height: auto;
    }
    AddFeedScreen #add-folder-box {
        margin-left: 1;
    }
    AddFeedScreen #add-choices {
        height: auto;
        max-height: 8;
    }
    AddFeedScreen #add-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    AddFeedScreen #add-buttons Button {
        margin-left: 2;
    }
    """

    class _Found(Message):
        """Several feeds were discovered; the user must choose."""

        def __init__(self, urls: list[str], tags: list[str], folder: str) -> None:
            super().__init__()
            self.urls = urls
            self.tags = tags
            self.folder = folder

    class _Failed(Message):
        """The check or the subscription failed; ``text`` is one line."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class _Folders(Message):
        """The existing folder names, read in the lane to suggest from."""

        def __init__(self, outcome: Outcome[list[str]]) -> None:
            super().__init__()
            self.outcome = outcome

    class _Added(Message):
        """Subscribed: ``feed_id`` is the new feed."""

        def __init__(self, feed_id: int) -> None:
            super().__init__()
            self.feed_id = feed_id

    def __init__(self, library: Library, *, folder: str = "") -> None:
        """``folder`` fills the folder field (the folder selected in the feed list)."""
        super().__init__()
        self.library = library
        self._folder = folder
        self._busy = False
        self._choices: list[str] = []
        self._choice_tags: list[str] = []
        self._choice_folder = ""
        self._lane = Lane(self, library, name="add-feed")

    def compose(self) -> ComposeResult:
        with Vertical(id="add-box", classes="dialog-box") as box:
            box.border_title = Content("Add a feed")
            yield Label(Content("Feed or site URL, or a local file"), classes="add-caption")
            yield Input(placeholder="https://example.com/feed.xml", id="add-url")
            yield Label(Content(""), id="add-error")
            with Horizontal(id="add-extras"):
                with Vertical(id="add-tags-box"):
                    yield Label(Content("Tags (optional, comma-separated)"), classes="add-caption")
                    yield Input(placeholder="news, tech", id="add-tags")
                with Vertical(id="add-folder-box"):
                    yield Label(Content("Folder (optional)"), classes="add-caption")
                    yield Input(
                        safe.clean(self._folder),
                        placeholder="Tech/Rust",
                        id="add-folder",
                    )
            yield Label(Content(""), id="add-status")
            yield OptionList(id="add-choices")
            with Horizontal(id="add-buttons"):
                yield Button(Content("Cancel"), id="add-cancel")
                yield Button(Content("Add"), variant="primary", id="add-ok")

    def on_mount(self) -> None:
        for hidden in ("#add-choices", "#add-error", "#add-status"):
            self.query_one(hidden).display = False
        self._lane.put(self.library.folders, self._Folders)

    @on(_Folders)
    @unless_gone
    def _folders_read(self, message: _Folders) -> None:
        """The folder names arrived: the folder field suggests them from now on."""
        names = message.outcome.value
        if names is None:
            if not self._busy:
                self._set_busy(False, f"Folders not read: {message.outcome.error}")
            return
        field = self.query_one("#add-folder", Input)
        field.suggester = SuggestFromList(names, case_sensitive=False)

    # -- state shown ----------------------------------------------------------

    @property
    def error_text(self) -> str:
        """The inline error line ("" when none), for tests."""
        label = self.query_one("#add-error", Label)
        return str(label.content) if label.display else ""

    @property
    def busy(self) -> bool:
        """True while a check or subscription is running."""
        return self._busy

    def _set_error(self, text: str) -> None:
        label = self.query_one("#add-error", Label)
        label.update(safe.content(text))
        label.display = bool(text)

    def _set_busy(self, busy: bool, status: str = "") -> None:
        self._busy = busy
        label = self.query_one("#add-status", Label)
        label.update(safe.content(status))
        label.display = bool(status)
        self.query_one("#add-ok", Button).disabled = busy

    def _hide_choices(self) -> None:
        choices = self.query_one("#add-choices", OptionList)
        choices.clear_options()
        choices.display = False
        self._choices = []

    # -- user input -----------------------------------------------------------

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    @on(Input.Changed, "#add-url")
    def _url_changed(self, event: Input.Changed) -> None:
        # A new URL makes the previous error and the previous choices stale.
        if not self._busy:
            self._set_error("")
            if self._choices:
                self._hide_choices()

    @on(Button.Pressed, "#add-ok")
    def _ok_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit()

    @on(Button.Pressed, "#add-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    @on(OptionList.OptionSelected, "#add-choices")
    def _choice_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._add_choice(event.option_index)

    def submit(self) -> None:
        """Check the URL (or add the highlighted choice when a choice is shown)."""
        if self._busy:
            return
        if self._choices:
            index = self.query_one("#add-choices", OptionList).highlighted
            self._add_choice(0 if index is None else index)
            return
        url = self.query_one("#add-url", Input).value.strip()
        if not url:
            self._set_error("Enter a feed URL or a file path.")
            self.query_one("#add-url", Input).focus()
            return
        tags, remove = parse_tag_changes(self.query_one("#add-tags", Input).value)
        if remove:
            self._set_error(f"Tags: a new feed has no tag to remove (-{remove[0]}).")
            self.query_one("#add-tags", Input).focus()
            return
        try:
            folder = folders.from_user(self.query_one("#add-folder", Input).value)
        except GazetteError as exc:
            self._set_error(safe.clean(str(exc)))
            self.query_one("#add-folder", Input).focus()
            return
        self._set_error("")
        self._set_busy(True, "Checking…")
        self._check(url, list(tags), folder)

    def _add_choice(self, index: int) -> None:
        if self._busy or not (0 <= index < len(self._choices)):
            return
        url = self._choices[index]
        self._set_error("")
        self._set_busy(True, "Adding…")
        self._subscribe(url, self._choice_tags, self._choice_folder)

    def action_cancel(self) -> None:
        """Close without adding (a running check is cancelled with the screen)."""
        self.dismiss(None)

    # -- workers (threads: no widget access here) ----------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="add-feed")
    def _check(self, url: str, tags: list[str], folder: str) -> None:
        worker = get_current_worker()
        try:
            found = self.library.discover(url)
            if worker.is_cancelled:
                return
            if not found:
                self.post_message(self._Failed(f"{url}: no feed found there"))
            elif len(found) == 1:
                feed, _result = self.library.add_feed(found[0], tags=tags, folder=folder)
                self.post_message(self._Added(feed.id))
            else:
                self.post_message(self._Found(found, tags, folder))
        except Exception as exc:
            if not worker.is_cancelled:
                self.post_message(self._Failed(_describe(exc)))
        finally:
            self.library.release_thread()

    @work(thread=True, exclusive=True, exit_on_error=False, group="add-feed")
    def _subscribe(self, url: str, tags: list[str], folder: str) -> None:
        worker = get_current_worker()
        try:
            feed, _result = self.library.add_feed(url, tags=tags, folder=folder)
            self.post_message(self._Added(feed.id))
        except Exception as exc:
            if not worker.is_cancelled:
                self.post_message(self._Failed(_describe(exc)))
        finally:
            self.library.release_thread()

    # -- results (UI thread) --------------------------------------------------

    @on(_Failed)
    @unless_gone
    def _on_failed(self, message: _Failed) -> None:
        self._set_busy(False)
        self._set_error(message.text)
        target = "#add-choices" if self._choices else "#add-url"
        self.query_one(target).focus()

    @on(_Found)
    @unless_gone
    def _on_found(self, message: _Found) -> None:
        self._set_busy(False, f"{len(message.urls)} feeds found: pick one")
        self._choices = list(message.urls)
        self._choice_tags = list(message.tags)
        self._choice_folder = message.folder
        choices = self.query_one("#add-choices", OptionList)
        choices.clear_options()
        choices.add_options(Option(safe.text(u)) for u in self._choices)
        choices.display = True
        choices.highlighted = 0
        choices.focus()

    @on(_Added)
    @unless_gone
    def _on_added(self, message: _Added) -> None:
        self._busy = False
        self.dismiss(message.feed_id)

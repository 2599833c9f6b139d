"""The per-feed settings dialog: title, folder, refresh interval, retention,
when to fetch the full article (reader mode).

Every field may be left empty, meaning "as the configuration says" (for the
folder: in no folder), so a feed only carries the settings the user really
changed.  Numbers are checked here (whole, at least 0, not absurd), the
folder by the folder rule (:func:`tui.core.folders.from_user`), and a
problem is one line under the form; the dialog stays open until the values
are good or the user cancels.  It dismisses with a ``FeedEdit`` (Save) or
None (Cancel, escape); the caller stores the settings through
``Library.set_feed_settings`` and a changed folder through
``Library.move_feed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Select, Static

from tui.config import Config
from tui.core import Feed, FeedSettings, InputError, folders
from tui.ui import safe
from tui.ui.screens.dialog import Dialog

__all__ = ["FeedEdit", "FeedSettingsScreen", "parse_count"]

MAX_TITLE = 200
#: Upper bounds that catch typos (an interval of a year, a century of retention).
LIMITS = {"refresh_minutes": 525_600, "keep_read_days": 36_500, "max_per_feed": 1_000_000}


def parse_count(label: str, raw: str, limit: int) -> int | None:
    """An empty field is None ("use the config"); else a whole number 0..limit.

    Raises ``ValueError`` with a one-line message naming the field.
    """
    text = raw.strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"{label}: enter a whole number (0 or more), or leave it empty")
    value = int(text)
    if value > limit:
        raise ValueError(f"{label}: at most {limit:,}")
    return value


#: The full-text setting's choices, as the dialog words them.
FULL_TEXT_CHOICES = (
    ("Never (the F key still fetches it)", "never"),
    ("When an article is opened", "on_open"),
    ("After each refresh, in the background", "always"),
)


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True, slots=True)
class FeedEdit:
    """What Save asks for: the feed's settings, and its new folder path
    (``""``: in no folder; None: the folder was left as it was)."""

    settings: FeedSettings
    folder: str | None = None


class FeedSettingsScreen(Dialog[FeedEdit | None]):
    """Edit one feed's own settings; empty fields follow the configuration."""

    AUTO_FOCUS = "#fs-title"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="feed_settings.cancel", tooltip="Close, unsaved"),
    ]

    DEFAULT_CSS = """
    FeedSettingsScreen > #fs-box {
        width: 72;
        padding: 1 2;
        max-height: 95%;
    }
    FeedSettingsScreen .fs-url {
        color: $text-muted;
        width: 100%;
    }
    FeedSettingsScreen .fs-caption {
        color: $text-muted;
        margin-top: 1;
        width: 100%;
    }
    FeedSettingsScreen Input {
        background: $foreground 10%;
    }
    FeedSettingsScreen Input:focus {
        background: $primary 25%;
    }
    FeedSettingsScreen #fs-error {
        color: $text-error;
        height: auto;
        width: 100%;
    }
    FeedSettingsScreen #fs-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    FeedSettingsScreen #fs-buttons Button {
        margin-left: 2;
    }
    """

    def __init__(
        self,
        feed: Feed,
        settings: FeedSettings,
        config: Config | None = None,
        *,
        folders: Sequence[str] = (),
    ) -> None:
        """``folders``: the existing folder paths, offered as the user types one."""
        super().__init__()
        self.feed = feed
        self.settings = settings
        self.config = config or Config()
        self.folders = list(folders)

    def compose(self) -> ComposeResult:
        config = self.config
        every = config.refresh.interval_minutes
        days = config.retention.keep_read_days
        most = config.retention.max_per_feed
        fields = (
            (
                "fs-refresh",
                "Refresh every N minutes",
                "0: never",
                self.settings.refresh_minutes,
                "off" if every == 0 else f"{every}",
            ),
            (
                "fs-days",
                "Remove read articles after N days",
                "0: keep them",
                self.settings.keep_read_days,
                "keep" if days == 0 else f"{days}",
            ),
            (
                "fs-max",
                "Keep at most N articles",
                "0: no limit",
                self.settings.max_per_feed,
                "no limit" if most == 0 else f"{most}",
            ),
        )
        with VerticalScroll(id="fs-box", classes="dialog-box") as box:
            box.border_title = "Feed settings"
            yield Static(safe.content(self.feed.url), classes="fs-url")
            yield Static(Content("Title (empty: the feed's own)"), classes="fs-caption")
            yield Input(
                value=self.settings.title or "", max_length=MAX_TITLE, compact=True, id="fs-title"
            )
            yield Static(
                Content('Folder (empty: none; "/" nests, as in Tech/Rust)'), classes="fs-caption"
            )
            yield Input(
                value=safe.clean(self.feed.folder),
                max_length=folders.MAX_PATH,
                suggester=SuggestFromList(self.folders, case_sensitive=False),
                compact=True,
                id="fs-folder",
            )
            for field_id, label, zero, value, default in fields:
                yield Static(
                    Content(f"{label} ({zero}; empty: as configured, {default})"),
                    classes="fs-caption",
                )
                yield Input(value=_text(value), compact=True, id=field_id)
            yield Static(
                Content("Starred, tagged and noted articles are always kept."),
                classes="fs-caption",
            )
            yield Static(Content("Fetch the full article from its page"), classes="fs-caption")
            yield Select(
                FULL_TEXT_CHOICES,
                value=self.settings.full_text or "never",
                allow_blank=False,
                compact=True,
                id="fs-full-text",
            )
            yield Static(Content(""), id="fs-error")
            with Horizontal(id="fs-buttons"):
                yield Button("Cancel", compact=True, id="fs-cancel")
                yield Button("Save", variant="primary", compact=True, id="fs-save")

    def folder(self) -> str | None:
        """The folder field's path, None when it names the feed's folder as it is.

        ``ValueError`` (one line) for a path the folder rule refuses.
        """
        try:
            path = folders.from_user(self.query_one("#fs-folder", Input).value)
        except InputError as exc:
            raise ValueError(str(exc)) from exc
        return None if path == folders.normalise(self.feed.folder) else path

    def values(self) -> FeedSettings:
        """The form as settings; ``ValueError`` (one line) when a field is wrong."""
        title = safe.clean(self.query_one("#fs-title", Input).value)
        return FeedSettings(
            title=title or None,
            refresh_minutes=parse_count(
                "Refresh every",
                self.query_one("#fs-refresh", Input).value,
                LIMITS["refresh_minutes"],
            ),
            keep_read_days=parse_count(
                "Remove read after",
                self.query_one("#fs-days", Input).value,
                LIMITS["keep_read_days"],
            ),
            max_per_feed=parse_count(
                "Keep at most", self.query_one("#fs-max", Input).value, LIMITS["max_per_feed"]
            ),
            full_text=str(self.query_one("#fs-full-text", Select).value),
        )

    def _show_error(self, text: str) -> None:
        self.query_one("#fs-error", Static).update(Content(text))

    @on(Button.Pressed, "#fs-save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        try:
            edit = FeedEdit(self.values(), self.folder())
        except ValueError as exc:
            self._show_error(str(exc))
            return
        self.dismiss(edit)

    @on(Button.Pressed, "#fs-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

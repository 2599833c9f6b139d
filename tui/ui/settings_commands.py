"""Palette commands for settings: switch theme, edit the selected feed's settings.

Why a provider of its own: these are not key bindings (``ReaderCommands``
lists those), and the theme list depends on which theme files loaded.
Gazette's themes come first, then Textual's built-in ones; choosing one
switches at once and the app saves the choice to config.toml.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content


class SettingsCommands(Provider):
    """ "Theme: <name>" for every theme, and "Feed settings" for the selected feed."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        app = self.app
        current = app.theme
        ours: list[str] = list(getattr(app, "theme_names", []))
        others = sorted(name for name in app.available_themes if name not in ours)
        for name in [*ours, *others]:
            where = "Gazette theme" if name in ours else "Textual theme"
            help_text = f"{where} (current)" if name == current else where
            yield f"Theme: {name}", help_text, partial(setattr, app, "theme", name)
        feed_settings = getattr(app, "action_feed_settings", None)
        if feed_settings is not None:
            # The palette parses help text as markup: no feed title in it.
            yield (
                "Feed settings",
                "Title, refresh interval and retention of the feed",
                feed_settings,
            )

    async def discover(self) -> Hits:
        for name, help_text, run in self._commands():
            yield DiscoveryHit(Content(name), run, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text)

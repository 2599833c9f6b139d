"""Command palette (ctrl+p): every action of the reader, found by name.

Why a Provider built from the bindings: the palette then lists exactly what
the keys do, with the key shown in the help text, and a binding added to the
reader screen appears here without a second list to keep in step.

The screen may add commands that are not keys (``palette_commands``): save
the search, and rename/delete for each tag and saved search.  Their names
quote user text, so they are highlighted here on a ``Content`` built from the
plain name; ``Matcher.highlight`` would parse the name as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from tui.ui.keys import key_display


def palette_bindings(screen: object) -> Iterator[Binding]:
    """The reader's bindings that make sense as commands (all of them, once each)."""
    seen: set[str] = set()
    for binding in getattr(screen, "BINDINGS", []):
        if isinstance(binding, Binding) and binding.id and binding.id not in seen:
            seen.add(binding.id)
            yield binding


def safe_highlight(matcher: Matcher, name: str) -> Content:
    """The matcher's highlight on a name that is never parsed as markup."""
    content = Content(name)
    score, offsets = matcher.fuzzy_search.match(matcher.query, name)
    if not score:
        return content
    style = matcher.match_style
    for offset in offsets:
        if not name[offset].isspace():
            content = content.stylize(style, offset, offset + 1)
    return content


class ReaderCommands(Provider):
    """Offers each reader action (open, refresh, star, add feed...) by name."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        keymap: dict[str, str] = getattr(self.app, "_keymap", {}) or {}
        for binding in palette_bindings(screen):
            key = keymap.get(binding.id or "", binding.key)
            run = partial(screen.run_action, binding.action)
            yield binding.description, f"{binding.tooltip} ({key_display(key)})", run

    def _extra_commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        """Commands the screen offers beyond its keys (tags, saved searches)."""
        extra = getattr(self.screen, "palette_commands", None)
        if callable(extra):
            yield from extra()

    def _all(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        yield from self._commands()
        yield from self._extra_commands()

    async def discover(self) -> Hits:
        for name, help_text, run in self._all():
            yield DiscoveryHit(Content(name), run, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self._all():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, safe_highlight(matcher, name), run, text=name, help=help_text)

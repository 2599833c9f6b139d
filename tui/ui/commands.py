"""Command palette (ctrl+p): every action of the reader, found by name.

Why a Provider built from the bindings: the palette then lists exactly what
the keys do, with the key shown in the help text, and a binding added to the
reader screen appears here without a second list to keep in step.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content


def key_display(key: str) -> str:
    """ "question_mark" -> "?", "shift+tab" -> "shift+tab", "enter,l" -> "enter/l"."""
    names = {"question_mark": "?", "escape": "esc", "space": "space"}
    return "/".join(names.get(k.strip(), k.strip()) for k in key.split(","))


def palette_bindings(screen: object) -> Iterator[Binding]:
    """The reader's bindings that make sense as commands (all of them, once each)."""
    seen: set[str] = set()
    for binding in getattr(screen, "BINDINGS", []):
        if isinstance(binding, Binding) and binding.id and binding.id not in seen:
            seen.add(binding.id)
            yield binding


class ReaderCommands(Provider):
    """Offers each reader action (open, refresh, star, add feed...) by name."""

    def _commands(self) -> Iterator[tuple[str, str, partial[object]]]:
        screen = self.screen
        keymap: dict[str, str] = getattr(self.app, "_keymap", {}) or {}
        for binding in palette_bindings(screen):
            key = keymap.get(binding.id or "", binding.key)
            run = partial(screen.run_action, binding.action)
            yield binding.description, f"{binding.tooltip} ({key_display(key)})", run

    async def discover(self) -> Hits:
        for name, help_text, run in self._commands():
            yield DiscoveryHit(Content(name), run, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text)

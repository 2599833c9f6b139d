"""The footer of keys: Textual's, rebuilt only when the keys it shows change.

Textual's ``Footer`` removes and mounts all of its key widgets again each
time the screen's bindings may have changed, which is every change of
focus: opening an article and going back each cost two or three extra
layout frames (10-15 ms of the UI thread on these machines) for a footer
that, most of the time, shows the same keys as before.  This one compares
what it would show with what it shows, and rebuilds only on a difference.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

__all__ = ["KeyFooter"]


def shown_keys(screen: Screen[object]) -> tuple[Hashable, ...]:
    """What a footer on ``screen`` shows: every shown binding, enabled or not,
    with its tooltip, and the command palette's key."""
    app = screen.app
    keys: list[Hashable] = [
        (binding.key, binding.description, binding.action, binding.group, enabled, tooltip)
        for _node, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    ]
    palette = screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
    if palette is not None:
        _node, binding, enabled, tooltip = palette
        keys.append(("palette", binding.key, binding.description, enabled, tooltip))
    return tuple(keys)


class KeyFooter(Footer):
    """A ``Footer`` that skips rebuilds which would show the same keys."""

    _shown: tuple[Hashable, ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        if (
            self._shown is not None
            and self.is_attached
            and screen is self.screen
            and shown_keys(screen) == self._shown
        ):
            return
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = shown_keys(self.screen)
        yield from super().compose()

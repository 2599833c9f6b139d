"""The footer of keys: Textual's, rebuilt only when the keys it shows change.

Textual's ``Footer`` removes and mounts all of its key widgets again each
time the screen's bindings may have changed, which is every change of
focus: opening an article and going back each cost two or three extra
layout frames (10-15 ms of the UI thread on these machines) for a footer
that, most of the time, shows the same keys as before.  This one compares
what it would show with what it shows, and rebuilds only on a difference.

It also lets go of the keys it removed.  Each key is bound to the footer's
``compact`` (``data_bind``), which adds a watcher on the footer that holds
the key; Textual prunes a watcher list only when the value changes, which
``compact`` never does, so every rebuild kept its dozen removed keys alive
with all their styles and caches (textual 8.2.8): 958 of them after 40
articles opened, the live objects doubled, and the full garbage
collections, which walk them all, took ever longer.

And its keys are made compact already: each key is bound to the footer's
``compact``, whose watcher adds the ``-compact`` class once the key is
mounted, and so restyles it (with its parts) a second time; an open
rebuilt about fifteen keys, and that second restyle of each was a third of
the rebuild.  A key that has the class already is left as it is.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["KeyFooter"]


def shown_keys(screen: Screen[object]) -> tuple[Hashable, ...]:
    """What a footer on ``screen`` shows: every shown binding, enabled or not,
    with its tooltip, and the command palette's key (compared, never hashed)."""
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
        self._drop_removed_watchers()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def _drop_removed_watchers(self) -> None:
        """Forget the watchers of nodes no longer in the DOM (the old keys: a
        rebuild removes them before it composes the new ones)."""
        # Where textual.reactive._watch keeps them (a plain attribute name).
        watchers: dict[str, list[tuple[DOMNode, object]]] = getattr(self, "__watchers", {})
        for watching in watchers.values():
            watching[:] = [(node, call) for node, call in watching if node.is_attached]

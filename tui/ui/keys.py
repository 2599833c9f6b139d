"""Keys as users see them: binding ids, keymap checks, the key help and key names.

Why one module: the keymap from config.toml is checked against the binding
ids, and every message that names a key ("Press x to stop it") must name
the key the keymap gives, not the default; the help screen, the palette and
those messages all read the bindings the same way here.

The screen's bindings are passed in rather than imported, so the palette
(``commands.py``) can use ``key_display`` without importing the reader screen.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator, Mapping

from textual.binding import Binding
from textual.dom import DOMNode

from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.article_pane import ArticlePane
from tui.ui.widgets.feed_list import FeedList
from tui.ui.widgets.notes import NotesPanel

#: Dialogs imported when first opened, not at startup (the help screen's table
#: widget alone is a noticeable part of the import time).
LATE_SCREENS = (
    "tui.ui.screens.add_feed",
    "tui.ui.screens.confirm",
    "tui.ui.screens.feed_settings",
    "tui.ui.screens.help",
    "tui.ui.screens.prompt",
    "tui.ui.screens.rule_form",
    "tui.ui.screens.rules",
    "tui.ui.screens.tag_editor",
)


def key_display(key: str) -> str:
    """ "question_mark" -> "?", "shift+tab" -> "shift+tab", "enter,l" -> "enter/l"."""
    names = {"question_mark": "?", "escape": "esc", "space": "space", "slash": "/"}
    return "/".join(names.get(k.strip(), k.strip()) for k in key.split(","))


def known_binding_ids() -> set[str]:
    """Every binding id a keymap may name: those of all loaded widgets, screens and apps.

    Why walk the classes: widgets and screens declare their own ``BINDINGS``
    (with ids), and a new one must become remappable without a list to
    keep in step.
    """

    def subclasses(cls: type[DOMNode]) -> Iterator[type[DOMNode]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for module in LATE_SCREENS:  # their bindings can be remapped before they are opened
        importlib.import_module(module)
    ids: set[str] = set()
    for cls in subclasses(DOMNode):
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def checked_keymap(keymap: Mapping[str, str], where: str) -> tuple[dict[str, str], list[str]]:
    """The keymap without ids no binding has, and one line for each id left out."""
    if not keymap:
        return {}, []
    known = known_binding_ids()
    good = {binding_id: keys for binding_id, keys in keymap.items() if binding_id in known}
    problems = [
        f"{where}: keybindings.{binding_id}: no binding has this id "
        "(see the keys table in the README)"
        for binding_id in keymap
        if binding_id not in known
    ]
    return good, problems


def key_for(keymap: Mapping[str, str], bindings: Iterable[object], binding_id: str) -> str:
    """The key(s) a reader binding has now (the keymap applied), as shown to users.

    A key the keymap also gives to another action is left out: that
    action gets the key press (``star = "x"`` took ``x`` from stopping a
    refresh), so naming it would send the user to the wrong action.
    """
    mine: list[str] = []
    taken: set[str] = set()
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        keys = [k.strip() for k in keymap.get(binding.id or "", binding.key).split(",")]
        if binding.id == binding_id:
            mine = keys
        else:
            taken.update(keys)
    free = [k for k in mine if k and k not in taken]
    return key_display(",".join(free)) if free else ""


def key_help(keymap: Mapping[str, str], screen_bindings: Iterable[object]) -> list[tuple[str, str]]:
    """(key, description) of every binding the reader has, with the keymap applied.

    Reader-wide keys (``screen_bindings``) come first; keys that only work
    in one pane say which.
    """
    groups: tuple[tuple[str, Iterable[object]], ...] = (
        ("", screen_bindings),
        ("", [Binding("ctrl+p", "command_palette", tooltip="Command palette", id="palette")]),
        ("Feed list: ", FeedList.BINDINGS),
        ("Article list: ", ArticleList.BINDINGS),
        ("Article: ", ArticlePane.BINDINGS),
        ("Note: ", NotesPanel.BINDINGS),
    )
    rows: list[tuple[str, str]] = []
    for where, bindings in groups:
        for binding in bindings:
            if not isinstance(binding, Binding):
                continue
            key = keymap.get(binding.id or "", binding.key)
            text = binding.tooltip or binding.description
            rows.append((key_display(key), where + text[:1].lower() + text[1:] if where else text))
    return rows

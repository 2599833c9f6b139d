"""Tag names: what a tag may be called and when two names are one tag.

Tags are matched ignoring case (Unicode ``casefold``, so ``Über`` and ``über``
are one tag, which SQLite's ASCII-only ``NOCASE`` alone would not give) while
the name keeps the spelling the user typed first.  These rules are pure, so
the UI's tag editor and the store (:mod:`tui.core.storage.tags`, which owns
the tag tables) apply the same ones.

Typed tag input has one grammar, :func:`parse_tag_changes`, shared by the tag
editor, the add-feed dialog and ``gazette tag`` so that what works in one
works in all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from tui.core.text import clean_line

MAX_TAG_LEN = 64


def clean_tag(name: str) -> str:
    """A tag name fit to store, or ``""`` when nothing is left.

    Cleaned like any one-line text (:func:`~tui.core.text.clean_line`: escape
    sequences, control, bidi and zero width characters would corrupt the
    terminal or reorder the tag list when shown).  Commas are cut too, because
    the CLI, OPML ``category`` and the tag editor all use them as separators;
    a tag containing one could never be typed back.
    """
    text = " ".join(clean_line(str(name)).replace(",", " ").split())
    return text[:MAX_TAG_LEN].rstrip()


def tag_key(name: str) -> str:
    """The identity of a tag name: two names with the same key are one tag."""
    return clean_tag(name).casefold()


def unique_tags(names: Iterable[str]) -> list[str]:
    """Cleaned names, empties dropped, duplicates (ignoring case) keeping the first."""
    seen: set[str] = set()
    out: list[str] = []
    for raw in names:
        name = clean_tag(raw)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out


class TagChanges(NamedTuple):
    """Tags to add and tags to remove, as typed; no name is in both."""

    add: tuple[str, ...]
    remove: tuple[str, ...]


def parse_tag_changes(text: str) -> TagChanges:
    """Typed tag input -> the tags to add and to remove.

    The one grammar for every place a user types tags:

    * names are separated by commas (a name may contain spaces);
    * ``+name`` adds, ``-name`` removes, a bare ``name`` adds; only the first
      sign is one (``+-x`` adds the tag ``-x``), and space after it is allowed;
    * each name is cleaned by :func:`clean_tag` (control characters dropped,
      spaces collapsed, at most :data:`MAX_TAG_LEN` characters); parts left
      empty, such as ``,,`` or a lone ``-``, are ignored;
    * a name given twice (ignoring case) is one change: it keeps the spelling
      typed first and the sign typed last, as if the changes were applied in
      order (``a, -A`` removes ``a``).

    Order of first mention is kept, so feedback lists names as typed.
    """
    spelling: dict[str, str] = {}
    adds: dict[str, bool] = {}
    for part in text.split(","):
        part = clean_line(part).strip()
        sign = part[:1] if part[:1] in ("+", "-") else ""
        name = clean_tag(part[len(sign) :])
        if name:
            key = name.casefold()
            spelling.setdefault(key, name)
            adds[key] = sign != "-"
    return TagChanges(
        add=tuple(spelling[k] for k, on in adds.items() if on),
        remove=tuple(spelling[k] for k, on in adds.items() if not on),
    )

"""Tag names: what a tag may be called and when two names are one tag.

Tags are matched ignoring case (Unicode ``casefold``, so ``Über`` and ``über``
are one tag, which SQLite's ASCII-only ``NOCASE`` alone would not give) while
the name keeps the spelling the user typed first.  These rules are pure, so
the UI's tag editor and the store (:mod:`tui.core.storage.tags`, which owns
the tag tables) apply the same ones.
"""

from __future__ import annotations

from collections.abc import Iterable

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

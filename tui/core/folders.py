"""Folders: the one rule for what a folder path is and which feeds are in it.

A feed has at most one folder, a path of names joined by ``/`` ("Tech/Rust").
Four places ask which feeds a folder holds: the feed list (its nodes and
unread badges), the article list (the store's SQL for ``View.folder``), the
reader's "refresh selected" and the ``folder:`` search filter.  They used to
answer with four slightly different rules (SQLite's ASCII-only NOCASE, exact
strings, accent folding), so ``Tech`` and ``tech`` showed a badge of 1 each,
listed 2 articles and refreshed 1 feed.  Every one of them now asks here.

The rule:

* **Path form** (:func:`normalise`): each name is cleaned like any one-line
  text (control and escape characters gone, whitespace trimmed and runs of
  it collapsed), empty names are dropped, so ``" Tech / /Rust/"`` is
  ``"Tech/Rust"``; ``""`` means "in no folder".
* **Identity** (:func:`key`): two paths name the same folder when their path
  forms are equal after Unicode case folding (``str.casefold``: ``Tech`` and
  ``TECH`` are one folder, so are ``Straße`` and ``STRASSE``).  Accents count:
  ``Café`` and ``Cafe`` are two folders.
* **Membership** (:func:`contains`): a feed is in a folder when its folder
  is that folder or one below it (``Tech`` holds ``Tech/Rust``, never
  ``Technology``).  Characters such as ``%``, ``_`` and ``\\`` are plain
  characters here; SQL reaches the rule through the ``gazette_in_folder``
  function (:func:`register`, :data:`SQL_MEMBER`), never through ``LIKE``.
* **Spelling shown** (:func:`spellings`): when feeds spell one folder
  differently, the folder is shown as most of its feeds spell it (a tie goes
  to the oldest feed's spelling).
* **Typed by a user** (:func:`from_user`): control characters are refused
  rather than dropped, and a path may be at most :data:`MAX_PATH` characters.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from tui.core.errors import InputError
from tui.core.text import clean_line

__all__ = [
    "MAX_PATH",
    "SQL_MEMBER",
    "adopt",
    "contains",
    "from_user",
    "key",
    "normalise",
    "register",
    "renamed",
    "spellings",
]

SEP = "/"
#: Longest folder path a user may give (a typo guard, not a storage limit).
MAX_PATH = 200
#: SQL condition on ``feeds``: the row's folder is in the folder given as the
#: one parameter.  Needs :func:`register` on the connection (``Store`` does it).
SQL_MEMBER = "gazette_in_folder(?, folder)"

# What a typed path may not hold: C0 controls but tab and line breaks (which
# are whitespace, trimmed like spaces), DEL, C1 controls, and the invisible
# characters that reorder or hide text (bidi overrides and isolates, zero
# width space, marks, BOM).  Zero width joiners are allowed: emoji need them.
_REFUSED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def normalise(path: str | None) -> str:
    """The path form of ``path``: cleaned names joined by ``/``; ``""`` for none."""
    if not path:
        return ""
    names = (clean_line(name) for name in path.split(SEP))
    return SEP.join(name for name in names if name)


@lru_cache(maxsize=4096)
def key(path: str | None) -> str:
    """The identity of a folder: paths with equal keys are one folder.

    Cached because SQL calls it once per feed row whenever a folder view is
    counted or paged, with the same few paths each time.
    """
    return normalise(path).casefold()


def contains(folder: str | None, feed_folder: str | None) -> bool:
    """Whether a feed filed under ``feed_folder`` is in ``folder`` or below it.

    No folder (``None`` or an empty path) holds nothing.
    """
    want = key(folder)
    if not want:
        return False
    have = key(feed_folder)
    return have == want or have.startswith(want + SEP)


def from_user(path: str | None) -> str:
    """A folder path typed by a user, in path form (``""``: no folder).

    Raises :class:`InputError` (one line) for a control character or a path
    longer than :data:`MAX_PATH`: silently dropping what the user typed would
    file the feed somewhere they did not ask for.
    """
    raw = path or ""
    bad = _REFUSED.search(raw)
    if bad is not None:
        shown = clean_line(_REFUSED.sub("?", raw[:40]))
        raise InputError(
            f"folder {shown!r}: control characters are not allowed "
            f"(U+{ord(bad.group()):04X} at character {bad.start() + 1})"
        )
    out = normalise(raw)
    if len(out) > MAX_PATH:
        raise InputError(f"folder {out[:40]!r}…: at most {MAX_PATH} characters")
    return out


def spellings(feed_folders: Iterable[str | None]) -> dict[str, str]:
    """The path shown for every folder, by :func:`key`, ancestors included.

    ``feed_folders`` has one entry per feed, oldest feed first.  Each name of
    a path is spelled as most feeds at or below it spell it there; on a tie
    the first spelling met wins.  A child's shown path starts with its
    parent's, so the tree never shows ``Tech`` holding ``tech/Rust``.
    """
    votes: dict[str, dict[str, int]] = {}  # folder key -> spelling of its last name -> feeds
    # Thousands of feeds share a few dozen folders: each distinct one is split once.
    for folder, feeds in Counter(f for f in feed_folders if f).items():
        names = normalise(folder).split(SEP)
        for depth in range(1, len(names) + 1):
            counts = votes.setdefault(SEP.join(names[:depth]).casefold(), {})
            name = names[depth - 1]
            counts[name] = counts.get(name, 0) + feeds
    shown: dict[str, str] = {}
    for folder_key in sorted(votes, key=lambda k: k.count(SEP)):  # parents first
        counts = votes[folder_key]
        name = max(counts, key=counts.__getitem__)  # first of the most common
        parent = folder_key.rpartition(SEP)[0]
        shown[folder_key] = f"{shown[parent]}{SEP}{name}" if parent else name
    return shown


def adopt(path: str, existing: Iterable[str | None]) -> str:
    """``path`` spelled as the folders that already exist spell it.

    Filing a feed under ``tech`` when ``Tech`` exists puts it in ``Tech``
    (one folder either way; this keeps one spelling in lists and exports).
    The names below the deepest existing folder keep the user's spelling.
    """
    names = path.split(SEP) if path else []
    shown = spellings(existing)
    for depth in range(len(names), 0, -1):
        found = shown.get(SEP.join(names[:depth]).casefold())
        if found is not None:
            return SEP.join([found, *names[depth:]])
    return path


def renamed(feed_folder: str | None, old: str, new: str) -> str | None:
    """The folder of a feed once ``old`` is renamed ``new`` (None: unchanged).

    Feeds in ``old`` (or below) move under ``new``, keeping their subfolders.
    Renaming onto an existing folder merges the two, and that folder's feeds
    take ``new``'s spelling as typed: renaming is also how a user fixes the
    case of a folder, as with tags.
    """
    for source in (old, new):
        if contains(source, feed_folder):
            depth = len(normalise(source).split(SEP))
            rest = normalise(feed_folder).split(SEP)[depth:]
            result = SEP.join([new, *rest])
            return None if result == feed_folder else result
    return None


def register(conn: sqlite3.Connection) -> None:
    """Give ``conn`` the SQL function :data:`SQL_MEMBER` calls (idempotent)."""
    conn.create_function("gazette_in_folder", 2, _sql_contains, deterministic=True)


def _sql_contains(folder: object, feed_folder: object) -> int:
    if not isinstance(folder, str) or not isinstance(feed_folder, str):
        return 0
    return int(contains(folder, feed_folder))

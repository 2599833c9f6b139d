"""The export folder: safe file names, the folder scan, and writes that stay inside it.

Export only ever creates or replaces ``*.md`` files directly inside the
folder: names are sanitised (ASCII slug, at most :data:`MAX_NAME` characters,
no Windows-reserved names or characters), the final path is checked to be in
the folder, symlinks are neither read nor written through, and every write
goes to a temporary file in the folder followed by ``os.replace``.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.errors import InputError
from tui.core.export.common import day
from tui.core.export.frontmatter import read_id
from tui.core.text import clean_line

if TYPE_CHECKING:
    from tui.core.export.notes import NoteExport

#: Longest file name written (Windows and most sync services cope with this).
MAX_NAME = 100

# Windows refuses these as a file's stem, whatever the extension.
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{c}" for c in "0123456789¹²³"}
    | {f"lpt{c}" for c in "0123456789¹²³"}
)
_BAD_NAME_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# Letters NFKD does not decompose to ASCII but that have a usual spelling.
_TRANSLIT = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "đ": "d"}
    | {"Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ı": "i"}
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


# -- names -----------------------------------------------------------------------


def is_safe_filename(name: str) -> bool:
    """Whether ``name`` is one plain file name usable on Linux, macOS and Windows.

    ASCII only (no normalisation surprises between file systems), at most
    :data:`MAX_NAME` characters, no path separators or characters Windows
    refuses, no trailing dot or space, and no reserved device name such as
    ``CON`` or ``aux.txt`` (Windows ignores the extension).
    """
    if not name or len(name) > MAX_NAME or not name.isascii() or name in {".", ".."}:
        return False
    if _BAD_NAME_CHARS.search(name) or name[-1] in ". ":
        return False
    return name.split(".", 1)[0].rstrip(" ").casefold() not in _RESERVED


def _slug(title: str, limit: int) -> str:
    """An ASCII, lowercase, hyphenated slug of at most ``limit`` characters."""
    ascii_ = unicodedata.normalize("NFKD", title.translate(_TRANSLIT))
    slug = _NOT_SLUG.sub("-", ascii_.encode("ascii", "ignore").decode().lower()).strip("-")
    if len(slug) > limit:
        cut = slug[:limit]
        # Cut at a word boundary when one is not too far back.
        if slug[limit] != "-" and cut.rfind("-") >= limit // 2:
            cut = cut[: cut.rfind("-")]
        slug = cut.strip("-")
    return slug or "untitled"


def note_filename(item: NoteExport, n: int = 1) -> str:
    """The file name for a new export of ``item``; ``n`` > 1 adds the ``-n`` clash suffix.

    The date is the article's publication day, else the note's; the slug is
    shortened so the whole name fits in :data:`MAX_NAME`.  The date prefix
    alone already rules out every reserved name; the final check is a guard.
    """
    date = day(item.published) or day(item.note_updated) or "undated"
    suffix = "" if n <= 1 else f"-{n}"
    limit = MAX_NAME - len(date) - 1 - len(suffix) - len(".md")
    name = f"{date}-{_slug(item.title, limit)}{suffix}.md"
    return name if is_safe_filename(name) else f"{date}-untitled{suffix}.md"


# -- the folder --------------------------------------------------------------------


def prepare_folder(folder: Path) -> Path:
    """Create ``folder`` if needed; its resolved path.  InputError when it cannot be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        real = Path(os.path.realpath(folder))
    except OSError as exc:
        raise InputError(f"{folder}: cannot create the export folder ({exc.strerror})") from exc
    if not real.is_dir():
        raise InputError(f"{folder}: not a folder")
    return real


def inside(folder: Path, path: Path) -> bool:
    """``path`` is a non-symlink entry directly inside ``folder`` (already resolved)."""
    return (
        path.parent == folder
        and path.name not in {"", ".", ".."}
        and not path.is_symlink()
        and Path(os.path.realpath(path)).parent == folder
    )


def atomic_write(path: Path, text: str, mode: int | None = None) -> None:
    """Write via a temporary file in the same folder, then ``os.replace``.

    A crash leaves either the old file or the new one, never half of one.
    ``O_EXCL`` (and ``O_NOFOLLOW`` where it exists) means the temporary name
    cannot be a planted symlink; ``os.replace`` replaces a symlink at the
    destination rather than writing through it.
    """
    tmp = path.with_name(f".gazette-{secrets.token_hex(8)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@dataclass(slots=True)
class Folder:
    """What a scan of the export folder found."""

    path: Path
    by_id: dict[str, Path] = field(default_factory=dict)
    duplicates: dict[str, list[str]] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set)  # casefolded: macOS/Windows ignore case


def scan(folder: Path) -> Folder:
    """Index the folder's ``*.md`` files by front-matter ``id`` (symlinks are not followed)."""
    found = Folder(folder)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise InputError(f"{folder}: cannot list the export folder ({exc.strerror})") from exc
    for entry in entries:
        found.names.add(entry.name.casefold())
        if entry.name.startswith(".") or not entry.name.lower().endswith(".md"):
            continue
        try:
            if entry.is_symlink() or not entry.is_file(follow_symlinks=False):
                continue
            uid = read_id(Path(entry.path))
        except OSError as exc:
            found.unreadable.append(clean_line(f"{entry.path}: cannot read ({exc.strerror})"))
            continue
        if uid is None:
            continue
        if uid in found.by_id:
            found.duplicates.setdefault(uid, []).append(entry.name)
        else:
            found.by_id[uid] = Path(entry.path)
    return found


def new_name(folder: Folder, item: NoteExport) -> str:
    """The first ``note_filename`` not taken by any entry of the folder (any case)."""
    n = 1
    while True:
        name = note_filename(item, n)
        if name.casefold() not in folder.names and not os.path.lexists(folder.path / name):
            return name
        n += 1

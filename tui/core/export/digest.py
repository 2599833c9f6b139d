"""Every note in one Markdown file, grouped by feed or by tag (``export-notes --digest``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from tui.core.errors import InputError
from tui.core.export.block import md_inline, meta_line, note_markdown
from tui.core.export.common import iso
from tui.core.export.files import atomic_write
from tui.core.export.notes import NoteExport, sanitised

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")


def _demote_headings(markdown: str, by: int) -> str:
    """Push a note's ATX headings down ``by`` levels (max 6) outside code fences.

    A ``# Heading`` in a note would otherwise outrank the digest's own
    group and article headings and break its outline.
    """
    out: list[str] = []
    fence: str | None = None
    for line in markdown.split("\n"):
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
        elif m:
            fence = m.group(1)
        else:
            line = _ATX.sub(lambda h: h.group(1) + "#" * min(6, len(h.group(2)) + by), line)
        out.append(line)
    return "\n".join(out)


def _groups(
    notes: list[NoteExport], group_by: Literal["feed", "tag"]
) -> list[tuple[str, list[NoteExport]]]:
    """(heading, members) in alphabetical order; untagged notes last under "Untagged"."""
    groups: dict[str, tuple[str, list[NoteExport]]] = {}
    untagged: list[NoteExport] = []
    for item in notes:
        names = [item.feed or "Unknown feed"] if group_by == "feed" else list(item.tags)
        if not names:
            untagged.append(item)
        for name in names:
            groups.setdefault(name.casefold(), (name, []))[1].append(item)
    ordered = [groups[k] for k in sorted(groups)]
    if untagged:
        ordered.append(("Untagged", untagged))
    return ordered


def _newest(item: NoteExport) -> tuple[int, str]:
    return (-(item.published or item.note_updated), item.title.casefold())


def export_digest(
    items: Iterable[NoteExport],
    path: Path,
    *,
    group_by: Literal["feed", "tag"],
    now: int,
) -> int:
    """Write every note into one Markdown file grouped by feed or tag; returns the note count.

    With ``group_by="tag"`` an article appears under each of its tags, and
    untagged ones under "Untagged" at the end.  Groups are in alphabetical
    order, articles newest first.  The file is replaced atomically; an
    OSError raises :class:`InputError` naming the file.
    """
    if group_by not in ("feed", "tag"):
        raise ValueError(f"group_by must be 'feed' or 'tag', not {group_by!r}")
    notes = [sanitised(i) for i in items]
    count = len(notes)
    plural = "note" if count == 1 else "notes"
    lines = ["# Gazette notes", "", f"{count} {plural} by {group_by}, exported {iso(now)}", ""]
    if not notes:
        lines += ["No notes to export.", ""]
    for name, members in _groups(notes, group_by):
        lines += [f"## {md_inline(name) or 'Untitled'}", ""]
        for item in sorted(members, key=_newest):
            lines += [f"### {md_inline(item.title) or 'Untitled'}", ""]
            meta = meta_line(item)
            if meta:
                lines += [meta, ""]
            note = note_markdown(item.note)
            if note:
                lines += [_demote_headings(note, 3), ""]
    text = "\n".join(lines).rstrip("\n") + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise InputError(f"{path}: is a folder; give a file name for the digest")
        atomic_write(path, text)
    except OSError as exc:
        raise InputError(f"{path}: cannot write the digest ({exc.strerror})") from exc
    return count

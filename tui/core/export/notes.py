"""Exporting notes to one Markdown file each: what to export, and the per-file policy.

A file already holding an item's ``id`` is refreshed in place under its
current name (the user may have renamed it); otherwise a new one is named by
:func:`~tui.core.export.files.note_filename`.  ``exported`` is the time
Gazette last *changed* the file: a re-export that would change nothing else
leaves the file alone (content and mtime), so sync tools and git see no churn.

Errors: a folder that cannot be created or listed raises :class:`InputError`
(nothing can be exported); a single file that cannot be read or written is
counted as skipped with a one-line warning naming it, so one bad file does
not stop the export of hundreds of others.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.export.block import (
    block_content,
    content_hash,
    find_block,
    generated_block,
    normalised,
)
from tui.core.export.common import iso, no_surrogates
from tui.core.export.files import Folder, atomic_write, inside, new_name, prepare_folder, scan
from tui.core.export.frontmatter import (
    Doc,
    exported_stamp,
    merge,
    owned_lines,
    segments,
    split_document,
)
from tui.core.models import ExportReport
from tui.core.text import clean_line

if TYPE_CHECKING:
    from tui.core.storage import Store


@dataclass(frozen=True, slots=True)
class NoteExport:
    """Everything one exported note needs, detached from the database.

    ``uid`` is the article's portable id (front matter ``id``); times are
    epoch seconds, UTC.  ``feed`` is the feed's display title.
    """

    uid: str
    title: str
    url: str | None
    feed: str
    author: str | None
    published: int | None
    tags: tuple[str, ...]
    starred: bool
    note: str
    note_updated: int


def notes_for_export(store: Store, *, article_ids: Iterable[int] | None = None) -> list[NoteExport]:
    """Every noted article (or those of ``article_ids`` that have a note), oldest first.

    Oldest first so that, when two titles clash on the same day, the older
    article keeps the plain name and the newer one gets the ``-2``.
    """
    return [
        NoteExport(
            uid=uid,
            title=title or "",
            url=url or None,
            feed=feed or "",
            author=author or None,
            published=published,
            tags=tags,
            starred=bool(starred),
            note=note,
            note_updated=updated,
        )
        for uid, title, url, feed, author, published, tags, starred, note, updated in (
            store.export_rows(article_ids)
        )
    ]


def sanitised(item: NoteExport) -> NoteExport:
    """The item with every string encodable as UTF-8 (lone surrogates -> U+FFFD)."""

    def fix(s: str | None) -> str | None:
        return None if s is None else no_surrogates(s)

    return replace(
        item,
        uid=no_surrogates(item.uid),
        title=no_surrogates(item.title),
        url=fix(item.url),
        feed=no_surrogates(item.feed),
        author=fix(item.author),
        tags=tuple(no_surrogates(t) for t in item.tags),
        note=no_surrogates(item.note),
    )


class _Skip(Exception):
    """A file left alone; the message says why, and the report adds the file's path."""


def _warn(report: ExportReport, path: Path, message: str) -> None:
    report.warnings.append(clean_line(f"{path}: {message}"))


def _export_new(folder: Folder, item: NoteExport, now: int, report: ExportReport) -> None:
    name = new_name(folder, item)
    path = folder.path / name
    if not inside(folder.path, path):  # cannot happen with a safe name; a guard
        report.skipped += 1
        _warn(report, path, "skipped, the name does not stay inside the export folder")
        return
    owned = owned_lines(item, iso(now) or "null")
    text = merge(None, owned) + "\n" + generated_block(block_content(item)) + "\n"
    try:
        atomic_write(path, text)
    except OSError as exc:
        report.skipped += 1
        _warn(report, path, f"cannot write ({exc.strerror})")
        return
    folder.names.add(name.casefold())
    folder.by_id[item.uid] = path
    report.written += 1


def _read_text(path: Path) -> tuple[str, int]:
    """The file's text and permission bits (kept by the rewrite)."""
    try:
        raw = path.read_bytes()
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError as exc:
        raise _Skip(f"cannot read ({exc.strerror})") from exc
    try:
        return raw.decode("utf-8"), mode
    except UnicodeDecodeError:
        raise _Skip("skipped, not valid UTF-8") from None


def _refreshed_body(doc: Doc, content: str, eol: str, *, force: bool) -> str:
    """The body with the block replaced; the user's text around it kept byte for byte."""
    generated = generated_block(content).replace("\n", eol)
    found = find_block(doc.body)
    if found is None:
        if not force:
            raise _Skip(
                "skipped: its gazette:begin/end markers are missing (--force adds the block back)"
            )
        rest = doc.body.lstrip("\r\n")
        return eol + generated + eol + (eol + rest if rest else "")
    start, old, stored, end = found
    edited = stored is None or stored != content_hash(old)
    if edited and normalised(old) != normalised(content) and not force:
        raise _Skip("skipped: edited inside the gazette block (--force replaces the block)")
    return doc.body[:start] + generated + doc.body[end:]


def _refresh(folder: Folder, path: Path, item: NoteExport, *, force: bool, now: int) -> bool:
    """Bring one existing file up to date; False when it already was (left untouched)."""
    if not inside(folder.path, path):
        raise _Skip("skipped, no longer a plain file inside the export folder")
    text, mode = _read_text(path)
    doc = split_document(text)
    if doc is None:
        raise _Skip("skipped, its front matter is no longer readable")
    # A file the user's editor turned to CRLF stays CRLF throughout.
    eol = "\r\n" if doc.opener.endswith("\r\n") else "\n"
    body = _refreshed_body(doc, block_content(item), eol, force=force)
    previous = exported_stamp(segments(doc.lines))
    if previous is not None and merge(doc, owned_lines(item, previous, eol)) + body == text:
        return False
    new_text = merge(doc, owned_lines(item, iso(now) or "null", eol)) + body
    try:
        atomic_write(path, new_text, mode)
    except OSError as exc:
        raise _Skip(f"cannot write ({exc.strerror})") from exc
    return True


def _export_existing(
    folder: Folder, path: Path, item: NoteExport, *, force: bool, now: int, report: ExportReport
) -> None:
    try:
        changed = _refresh(folder, path, item, force=force, now=now)
    except _Skip as skip:
        report.skipped += 1
        _warn(report, path, str(skip))
        return
    if changed:
        report.updated += 1
    else:
        report.unchanged += 1


def export_notes(
    items: Iterable[NoteExport], folder: Path, *, force: bool = False, now: int
) -> ExportReport:
    """Write or refresh one Markdown file per note in ``folder`` (created if missing).

    A file already holding an item's ``id`` is refreshed in place under its
    current name; otherwise a new file is named by ``note_filename``,
    with ``-2``, ``-3``... when the name is taken by any other entry.  A file
    whose generated block the user edited is skipped with a warning unless
    ``force``.  Raises :class:`InputError` only when the folder itself cannot
    be created or listed; per-file failures become skips with a warning.
    """
    report = ExportReport()
    found = scan(prepare_folder(folder))
    report.warnings.extend(found.unreadable)
    for original in items:
        item = sanitised(original)
        path = found.by_id.get(item.uid)
        for other in found.duplicates.get(item.uid, ()):
            _warn(report, found.path / other, f"has the same id as {path}; not updated")
        if path is None:
            _export_new(found, item, now, report)
        else:
            _export_existing(found, path, item, force=force, now=now, report=report)
    return report

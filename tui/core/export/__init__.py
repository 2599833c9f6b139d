"""Noted articles -> Markdown files the user owns (README, "Notes export format").

The exported folder is meant to live inside the user's own notes (Obsidian,
a git repository, plain files), so the rules favour the user's text over ours:

* One file per noted article, ``YYYY-MM-DD-slug.md``.  The name is chosen
  once, when the file is first written; a file is found again by its front
  matter ``id`` (the article's portable ``uid``), so the user may rename it.
* The front matter is YAML: any title is valid YAML, the keys Gazette owns
  are regenerated, the user's keys are kept verbatim (:mod:`.frontmatter`).
* The generated part of the body sits between two marker comments whose
  hash tells a block the user edited from one Gazette may refresh; text
  before and after the markers is kept byte for byte (:mod:`.block`).
* A re-export that would change nothing leaves the file alone, content and
  mtime (:mod:`.notes`).  Deleting a note never deletes a file.
* Export only ever creates or replaces ``*.md`` files directly inside the
  folder, with safe names and atomic writes, never through a symlink
  (:mod:`.files`).
* :mod:`.digest` writes every note into one file instead.

The names below are the package's public API; the modules' other names are
shared between them only.
"""

from __future__ import annotations

from tui.core.export.digest import export_digest
from tui.core.export.files import MAX_NAME, is_safe_filename, note_filename
from tui.core.export.frontmatter import OWNED_KEYS, yaml_string
from tui.core.export.notes import NoteExport, export_notes, notes_for_export

__all__ = [
    "MAX_NAME",
    "OWNED_KEYS",
    "NoteExport",
    "export_digest",
    "export_notes",
    "is_safe_filename",
    "note_filename",
    "notes_for_export",
    "yaml_string",
]

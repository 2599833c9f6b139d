"""The YAML front matter of a note file: writing Gazette's keys, reading them back, merging.

The keys Gazette owns (:data:`OWNED_KEYS`) are regenerated on each export;
any other top-level key the user added is kept verbatim, where it was.

Reading a value back (the ``id`` that finds a file again, the ``exported``
time that is kept when nothing changed) is done by PyYAML's safe loader.
Two parts stay hand-written, because no YAML library gives them:

* **Writing.** The file format is fixed by the files already exported: an
  unchanged note must give the same bytes, or a re-export would rewrite every
  user's files.  PyYAML's emitter differs from that format (it writes emoji as
  ``\\U0001F389``, NEL/LS/PS as ``\\N``/``\\L``/``\\P``, leaves bidi overrides
  raw), and it cannot promise every string in double quotes on one line.
  :func:`yaml_string` is one regex substitution whose output any YAML 1.1/1.2
  parser reads back exactly; the tests check that with PyYAML.
* **Merging.** The user's keys must survive byte for byte, comments, blank
  lines, odd indentation and all, even when the front matter as a whole is
  not valid YAML.  A load/dump round trip (PyYAML, or ruamel.yaml's
  round-trip mode) reformats what it keeps, so the merge works on lines:
  :func:`segments` groups them per top-level key, and only Gazette's
  segments are replaced.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.export.common import iso, no_surrogates

if TYPE_CHECKING:
    from tui.core.export.notes import NoteExport

#: Front-matter keys Gazette writes and regenerates; any other key is the user's.
OWNED_KEYS = ("id", "title", "url", "feed", "author", "published", "tags", "starred", "exported")

# What a YAML double-quoted scalar must (or, for legibility and safety,
# should) not hold raw: the quote and backslash, C0/DEL/C1 controls, the
# YAML 1.1 line breaks NEL/LS/PS (PyYAML would fold them), bidi overrides
# (Trojan-source style confusion), BOM and the non-characters U+FFFE/FFFF.
_YAML_ESCAPE = re.compile(
    '[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]'
)
_YAML_SHORT = {
    "\\": "\\\\",
    '"': '\\"',
    "\0": "\\0",
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
}
# A top-level YAML mapping key: not indented, not a comment, not a sequence
# item; the key ends at the first ":" followed by a blank or the line end.
_KEY_LINE = re.compile(r"^(?![#\s]|-(?:[ \t]|\r?\n|$))([^\n]*?)[ \t]*:(?=[ \t]|\r?\n|$)")
_ISO_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")

# How far into a file the scan reads looking for the end of the front matter.
_SCAN_LIMIT = 1 << 20

Segments = list[tuple[str | None, list[str]]]


# -- writing ------------------------------------------------------------------


def _yaml_escape_char(m: re.Match[str]) -> str:
    ch = m.group(0)
    short = _YAML_SHORT.get(ch)
    if short is not None:
        return short
    cp = ord(ch)
    return f"\\x{cp:02X}" if cp <= 0xFF else f"\\u{cp:04X}"


def yaml_string(s: str) -> str:
    """``s`` as a YAML double-quoted scalar that any YAML 1.1/1.2 parser reads back as ``s``.

    Double quotes are the only YAML style in which every character can be
    written (escapes), and in which nothing -- ``: ``, `` #``, ``---``, a
    leading ``*``/``&``/``!``, ``yes``/``null`` -- changes meaning.
    """
    return '"' + _YAML_ESCAPE.sub(_yaml_escape_char, no_surrogates(s)) + '"'


def _yaml_opt(s: str | None) -> str:
    return "null" if not s else yaml_string(s)


def owned_lines(item: NoteExport, exported: str, eol: str = "\n") -> list[str]:
    """The owned front-matter lines, one key each, in a fixed order."""
    tags = ", ".join(yaml_string(t) for t in item.tags)
    return [
        f"id: {yaml_string(item.uid)}{eol}",
        f"title: {yaml_string(item.title)}{eol}",
        f"url: {_yaml_opt(item.url)}{eol}",
        f"feed: {yaml_string(item.feed)}{eol}",
        f"author: {_yaml_opt(item.author)}{eol}",
        f"published: {iso(item.published) or 'null'}{eol}",
        f"tags: [{tags}]{eol}",
        f"starred: {'true' if item.starred else 'false'}{eol}",
        f"exported: {exported}{eol}",
    ]


# -- splitting a file ----------------------------------------------------------


def _lines(text: str) -> Iterator[str]:
    """Lines with their endings, split on "\\n" only (not on NEL, LS, PS like splitlines)."""
    pos = 0
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl + 1
        yield text[pos:end]
        pos = end


@dataclass(slots=True)
class Doc:
    """A file split into BOM, front matter (opener, lines, closer) and body."""

    bom: str
    opener: str
    lines: list[str]
    closer: str
    body: str


def split_document(text: str) -> Doc | None:
    """Split off the front matter; None when the file does not start with one."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = _lines(text[len(bom) :])
    opener = next(lines, "")
    if opener.rstrip() != "---":
        return None
    inner: list[str] = []
    pos = len(bom) + len(opener)
    for line in lines:
        pos += len(line)
        if line.rstrip() in {"---", "..."} and line.endswith("\n"):
            return Doc(bom, opener, inner, line, text[pos:])
        if line.rstrip() in {"---", "..."}:  # closer on the last line, no newline
            return Doc(bom, opener, inner, line + "\n", text[pos:])
        inner.append(line)
    return None


def _key(line: str) -> str | None:
    m = _KEY_LINE.match(line)
    if m is None:
        return None
    key = m.group(1).strip()
    if len(key) >= 2 and key[0] == key[-1] and key[0] in "\"'":
        key = key[1:-1]
    return key


def segments(lines: list[str]) -> Segments:
    """Front-matter lines grouped per top-level key (continuations follow their key).

    Comment lines and blank lines between keys stand alone (key None), so
    they stay where the user put them even when the key above them is
    regenerated; blank lines inside a multi-line value stay with it.
    """
    segs: Segments = []
    blanks: list[str] = []
    for line in lines:
        if not line.strip():
            blanks.append(line)
            continue
        key = _key(line)
        if key is None and not line.startswith("#") and segs:
            segs[-1][1].extend([*blanks, line])
        else:
            segs.extend((None, [b]) for b in blanks)
            segs.append((key, [line]))
        blanks = []
    segs.extend((None, [b]) for b in blanks)
    return segs


# -- reading values back -------------------------------------------------------


def scalar_value(line: str) -> str | None:
    """The text of the one scalar in a ``key: value`` line; None if it holds no such scalar.

    Any YAML scalar style on one line reads back (a user may have re-quoted
    Gazette's ``id``), as its text: ``0123`` stays ``"0123"``, never the
    number 83, because an id or a time is matched as written.  A block
    scalar, a collection, an empty value or a line that is not valid YAML is
    not a value Gazette wrote, so it gives None.

    PyYAML (YAML 1.1) refuses a tab where YAML 1.2 allows a blank; the values
    read here (a hex id, an ISO time) never hold one, so tabs are read as
    spaces.  The import is deferred: PyYAML costs ~50 ms, and only an export
    reads front matter, never the app's start.
    """
    import yaml

    try:
        node = yaml.compose(line.replace("\t", " "), Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
        return None
    value = node.value[0][1]
    if not isinstance(value, yaml.ScalarNode) or value.style in ("|", ">"):
        return None
    if value.style is None and not value.value:
        return None
    return str(value.value)


def owned_value(segs: Segments, key: str) -> str | None:
    """The scalar of the first one-line ``key`` segment; None when there is none."""
    for k, lines in segs:
        if k == key and len(lines) == 1:
            return scalar_value(lines[0])
    return None


def exported_stamp(segs: Segments) -> str | None:
    """The ``exported`` time as written, when it is one Gazette could have written."""
    previous = owned_value(segs, "exported")
    return previous if previous is not None and _ISO_RE.fullmatch(previous) else None


def read_id(path: Path) -> str | None:
    """The ``id`` in a file's front matter, reading no further than the front matter."""
    head: list[str] = []
    size = 0
    with open(path, "rb") as f:
        first = f.readline(_SCAN_LIMIT).decode("utf-8", "replace")
        if first.lstrip("\ufeff").rstrip() != "---":
            return None
        while size <= _SCAN_LIMIT:
            raw = f.readline(_SCAN_LIMIT)
            if not raw:
                return None
            size += len(raw)
            line = raw.decode("utf-8", "replace")
            if line.rstrip() in {"---", "..."}:
                return owned_value(segments(head), "id")
            head.append(line)
    return None


# -- merging ---------------------------------------------------------------------


def merge(doc: Doc | None, owned: list[str]) -> str:
    """Owned keys regenerated at the place of the first one; the user's keys kept verbatim."""
    if doc is None:
        return "---\n" + "".join(owned) + "---\n"
    out: list[str] = []
    emitted = False
    for key, lines in segments(doc.lines):
        if key in OWNED_KEYS:
            if not emitted:
                out.extend(owned)
                emitted = True
        else:
            out.extend(line if line.endswith("\n") else line + "\n" for line in lines)
    if not emitted:
        out[:0] = owned
    return doc.bom + doc.opener + "".join(out) + doc.closer

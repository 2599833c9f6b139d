"""Themes as data: TOML files with the fields of ``textual.theme.Theme``.

Why files and not Python: users add a theme by dropping a file into
``<config dir>/themes/`` (Posting does the same), and the shipped ones are
the examples.  Why check every colour first: Textual accepts a ``Theme``
with ``primary = "notacolor"`` and only fails when it is activated, and that
failure takes the whole app down.  So each file is parsed, type-checked and
colour-checked here; a bad one becomes one line ("file: reason") and is
skipped, and the others still load.

The shipped themes live in the repository's top-level ``themes/`` folder
and are packed into the wheel as ``tui/themes`` (pyproject
``force-include``); ``shipped_theme_dir`` finds whichever exists.

The chosen theme is written back to ``config.toml`` by editing the one
top-level ``theme = ...`` line, so the user's comments, order and other
settings stay exactly as they wrote them.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

DEFAULT_THEME = "gazette-dark"

_FIELDS = {f.name: f for f in dataclasses.fields(Theme)}
_COLOUR_FIELDS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
_BOOL_FIELDS = ("dark", "ansi")
_FLOAT_FIELDS = ("luminosity_spread", "text_alpha")
# A variable value that starts like a colour must be one (optionally with an
# alpha percentage, as in "#81a1c1 35%"); other values ("bold", "auto 87%",
# "$primary", "transparent") are CSS that Textual checks itself.
_COLOURISH = re.compile(r"^(#|rgba?\(|hsla?\(|ansi_)", re.IGNORECASE)
_WITH_ALPHA = re.compile(r"^(?P<colour>.+?)\s+(?P<alpha>\d+(?:\.\d+)?)%$")


class ThemeFileError(Exception):
    """A theme file that cannot be used; the message is one line without the path."""


@dataclass(frozen=True, slots=True)
class LoadedThemes:
    """What loading found: good themes in load order, and one line per bad file."""

    themes: list[Theme] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def shipped_theme_dir() -> Traversable | None:
    """The folder of themes that ship with Gazette.

    Installed from a wheel they are package data (``tui/themes``); in a
    checkout (``uv run`` installs the project editable) they are the
    repository's ``themes/`` next to the package.
    """
    package = Path(__file__).parent.parent
    packaged: Path | Traversable = package / "themes"
    if not (package / "__init__.py").is_file():
        # Not a plain folder (a zip, say): ask importlib.  A plain folder is
        # what ``resources.files`` would give, without importing
        # ``importlib.resources`` (and zipfile) on every start.
        from importlib import resources

        packaged = resources.files("tui") / "themes"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "themes"
    return checkout if checkout.is_dir() else None


def _check_colour(where: str, value: Any) -> None:
    if not isinstance(value, str):
        raise ThemeFileError(f"{where}: expected a colour string, got {value!r}")
    try:
        Color.parse(value)
    except (ColorParseError, ValueError):
        raise ThemeFileError(f"{where}: {value!r} is not a colour") from None


def _check_variable(name: Any, value: Any) -> None:
    if not isinstance(name, str) or not isinstance(value, str):
        raise ThemeFileError(f"variables.{name}: expected a string, got {value!r}")
    text = value.strip()
    if not _COLOURISH.match(text):
        return
    alpha = _WITH_ALPHA.match(text)
    colour = alpha.group("colour") if alpha else text
    if alpha and float(alpha.group("alpha")) > 100:
        raise ThemeFileError(f"variables.{name}: {value!r} has an alpha above 100%")
    _check_colour(f"variables.{name}", colour)


def theme_from_data(data: dict[str, Any]) -> Theme:
    """A checked ``Theme`` from a parsed TOML table; ``ThemeFileError`` says why not."""
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        raise ThemeFileError(
            f"unknown key {unknown[0]!r} (theme keys: {', '.join(sorted(_FIELDS))})"
        )
    for required in ("name", "primary"):
        if required not in data:
            raise ThemeFileError(f"missing {required!r}")
    name = data["name"]
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise ThemeFileError(f"name: expected a non-empty name, got {name!r}")
    for key in _COLOUR_FIELDS:
        if key in data:
            _check_colour(key, data[key])
    for key in _BOOL_FIELDS:
        if key in data and not isinstance(data[key], bool):
            raise ThemeFileError(f"{key}: expected true or false, got {data[key]!r}")
    for key in _FLOAT_FIELDS:
        value = data.get(key, 0.5)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ThemeFileError(f"{key}: expected a number from 0 to 1, got {value!r}")
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeFileError(f"variables: expected a table [variables], got {variables!r}")
    for var, value in variables.items():
        _check_variable(var, value)
    values = dict(data)
    for key in _FLOAT_FIELDS:
        if key in values:
            values[key] = float(values[key])
    try:
        theme = Theme(**values)
        # Builds every derived colour: catches what the checks above let through.
        theme.to_color_system().generate()
    except TypeError as exc:
        raise ThemeFileError(str(exc)) from None
    except (ColorParseError, ValueError) as exc:
        raise ThemeFileError(f"bad colour ({exc})") from None
    return theme


def load_theme_file(path: Path | Traversable) -> Theme:
    """Read and check one theme file."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ThemeFileError(f"cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ThemeFileError("not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(f"not valid TOML ({exc})") from None
    return theme_from_data(data)


def _theme_files(folder: Path | Traversable) -> Iterator[Path | Traversable]:
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.endswith(".toml") and entry.is_file():
            yield entry


def load_themes(folders: Iterable[Path | Traversable | None]) -> LoadedThemes:
    """Every good theme in ``folders`` (later folders override same-named themes).

    A folder that does not exist is simply empty: most users have no
    ``themes/`` folder in their config directory.
    """
    loaded = LoadedThemes()
    by_name: dict[str, Theme] = {}
    for folder in folders:
        if folder is None or not folder.is_dir():
            continue
        for path in _theme_files(folder):
            try:
                theme = load_theme_file(path)
            except ThemeFileError as exc:
                loaded.problems.append(f"{path}: {exc}; skipped")
                continue
            by_name.pop(theme.name, None)
            by_name[theme.name] = theme
    loaded.themes.extend(by_name.values())
    return loaded


# -- remembering the choice in config.toml ---------------------------------------------

_TABLE = re.compile(r"^\s*\[")
_THEME_LINE = re.compile(r"^(?P<lead>\s*(?:theme|\"theme\"|'theme')\s*=\s*)(?P<rest>.*)$")
_VALUE_AND_COMMENT = re.compile(r"^(?P<value>\"(?:[^\"\\]|\\.)*\"|'[^']*')(?P<tail>\s*(?:#.*)?)$")


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def set_theme_line(text: str, name: str) -> str:
    """``text`` (a config.toml) with its top-level ``theme`` set to ``name``.

    Only the ``theme = ...`` line before the first table changes (its
    trailing comment is kept); without one, the line goes just before the
    first table, where top-level keys must be.  Raises ``ValueError`` if the
    file is not valid TOML, before or after, or the edit changed anything
    else (so a file we do not understand is never rewritten).
    """
    before = tomllib.loads(text)
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    first_table = next((i for i, line in enumerate(lines) if _TABLE.match(line)), len(lines))
    new_value = _toml_string(name)
    for i in range(first_table):
        match = _THEME_LINE.match(lines[i].rstrip("\r\n"))
        if match is None:
            continue
        rest = _VALUE_AND_COMMENT.match(match.group("rest"))
        tail = rest.group("tail") if rest else ""
        ending = lines[i][len(lines[i].rstrip("\r\n")) :] or newline
        lines[i] = f"{match.group('lead')}{new_value}{tail}{ending}"
        break
    else:
        if lines and not lines[-1].endswith(("\n", "\r")) and first_table == len(lines):
            lines[-1] += newline
        at = first_table
        if at < len(lines):
            # Keep a comment that introduces the first table next to it.
            while at > 0 and lines[at - 1].lstrip().startswith("#"):
                at -= 1
        lines.insert(at, f"theme = {new_value}{newline}")
        if at < len(lines) - 1 and lines[at + 1].strip():
            lines.insert(at + 1, newline)
    result = "".join(lines)
    after = tomllib.loads(result)
    if after.get("theme") != name or {k: v for k, v in after.items() if k != "theme"} != {
        k: v for k, v in before.items() if k != "theme"
    }:
        raise ValueError("the theme line could not be edited safely")
    return result


def save_theme_choice(path: Path, name: str) -> None:
    """Write ``theme = "name"`` into the config file, keeping everything else.

    Creates the file when there is none.  The write is atomic (temporary
    file, then rename) so a crash never leaves half a config behind.
    Raises ``OSError`` or ``ValueError`` with a message fit for one line.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    try:
        new = set_theme_line(text, name)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path} is not valid TOML ({exc}); theme not saved") from None
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}; theme not saved") from None
    if new == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(new)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

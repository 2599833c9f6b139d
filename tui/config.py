"""User configuration: ``config.toml`` loaded into frozen dataclasses.

A broken config must never stop the reader from starting: every problem
(bad TOML, unknown key, wrong type, out-of-range value) becomes one warning
line naming the file, the key and the reason, and that setting keeps its
default.  ``load_config`` therefore returns warnings instead of raising.
"""

from __future__ import annotations

import dataclasses
import math
import shlex
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from tui import paths

CONFIG_NAME = "config.toml"


@dataclass(frozen=True, slots=True)
class RefreshConfig:
    """How and how often feeds are fetched."""

    interval_minutes: int = 60  # 0 turns auto-refresh off
    concurrency: int = 8
    per_host: int = 2
    connect_timeout: float = 10.0
    timeout: float = 30.0
    user_agent: str = ""  # empty: gazette/<version>


@dataclass(frozen=True, slots=True)
class ReadingConfig:
    """Reading behaviour in the app."""

    mark_read_on_open: bool = True
    sort: str = "newest"  # or "oldest"
    article_width: int = 0  # 0: use the pane's width
    # Pictures in articles: "auto" where the terminal speaks a graphics protocol
    # (Kitty, Sixel), "halfcell" to draw them with coloured half blocks anywhere,
    # "off" for their alt text only.
    images: str = "auto"
    # The same story from several feeds (same link without tracking parameters,
    # or same title within two days): listed once, with "also in: ...", and
    # read, starred and tagged as one. false: every copy listed on its own.
    group_duplicates: bool = True


@dataclass(frozen=True, slots=True)
class RetentionConfig:
    """What cleanup may remove; starred, tagged and noted articles are always kept."""

    keep_read_days: int = 0  # 0: keep forever
    max_per_feed: int = 0  # 0: no limit


@dataclass(frozen=True, slots=True)
class SyncConfig:
    """Sync accounts: how to get a password when a server drops its token."""

    # A command printing the password (run without a shell; $GAZETTE_ACCOUNT and
    # $GAZETTE_USER name the account), e.g. "pass show freshrss". Empty: ask.
    password_command: str = ""


@dataclass(frozen=True, slots=True)
class Config:
    """The effective configuration: the file's values over the defaults."""

    theme: str = "gazette-dark"
    browser: str = ""  # empty: the system's default browser; "w3m %u": %u is the link
    browser_mode: str = "auto"  # or "terminal" (suspend and run it) or "detached" (background)
    export_folder: str = ""  # empty: a Gazette folder in the user's documents
    keybindings: dict[str, str] = field(default_factory=dict)
    refresh: RefreshConfig = field(default_factory=RefreshConfig)
    reading: ReadingConfig = field(default_factory=ReadingConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    sync: SyncConfig = field(default_factory=SyncConfig)

    def export_path(self) -> Path:
        if self.export_folder:
            return Path(self.export_folder).expanduser()
        return paths.export_dir()


_CHOICES: dict[str, tuple[str, ...]] = {
    "reading.sort": ("newest", "oldest"),
    "reading.images": ("auto", "off", "halfcell"),
    "browser_mode": ("auto", "terminal", "detached"),
}
_MINIMUM: dict[str, float] = {
    "refresh.interval_minutes": 0,
    "refresh.concurrency": 1,
    "refresh.per_host": 1,
    "refresh.connect_timeout": 0.1,
    "refresh.timeout": 0.1,
    "reading.article_width": 0,
    "retention.keep_read_days": 0,
    "retention.max_per_feed": 0,
}
_TYPE_NAMES = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}


#: Where a browser command takes the link (``%s`` as in Python's webbrowser, ``%u`` as in newsboat).
URL_PLACEHOLDERS = ("%u", "%s")


def browser_argv(command: str) -> list[str]:
    """The ``browser`` command split into its arguments, as a shell would split it.

    Why here: the same rule checks the setting when the file is read (one
    warning at startup) and builds the command when a link opens.  Raises
    ``ValueError`` with a short reason when the command cannot be run:
    blank, unbalanced quotes, or no program before the link.
    """
    if not command.strip():
        raise ValueError("the command is blank")
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise ValueError(f"cannot be split into words ({str(exc).lower()})") from None
    if any(p in argv[0] for p in URL_PLACEHOLDERS):
        raise ValueError("the command must start with the program to run")
    return argv


def _browser_problem(value: str) -> str | None:
    """Why the ``browser`` setting cannot be used ("" is the default: the system's browser)."""
    if value == "":
        return None
    try:
        browser_argv(value)
    except ValueError as exc:
        return f"{exc}: {value!r}; using the system's browser"
    return None


#: Checks beyond type, choice and minimum, by key: the reason a value is refused, or None.
_VALIDATORS: dict[str, Callable[[Any], str | None]] = {"browser": _browser_problem}


def config_path() -> Path:
    return paths.config_dir() / CONFIG_NAME


def _check(key: str, value: Any, kind: type) -> str | None:
    """Why ``value`` is not acceptable for ``key`` (None when it is)."""
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    else:
        ok = isinstance(value, kind) and not isinstance(value, bool)
    if not ok:
        return f"expected {_TYPE_NAMES.get(kind, kind.__name__)}, got {value!r}"
    if key in _CHOICES and value not in _CHOICES[key]:
        return f"expected one of {', '.join(_CHOICES[key])}, got {value!r}"
    if key in _MINIMUM and value < _MINIMUM[key]:
        return f"must be at least {_MINIMUM[key]:g}, got {value!r}"
    if key in _VALIDATORS:
        return _VALIDATORS[key](value)
    return None


def _build(cls: type, data: dict[str, Any], prefix: str, where: str, warnings: list[str]) -> Any:
    """An instance of the dataclass ``cls`` from ``data``, skipping what is wrong."""
    hints = get_type_hints(cls)
    values: dict[str, Any] = {}
    known = {f.name for f in dataclasses.fields(cls)}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if key not in known:
            warnings.append(f"{where}: {name}: unknown setting")
            continue
        kind = hints[key]
        if isinstance(kind, type) and dataclasses.is_dataclass(kind):
            if not isinstance(value, dict):
                warnings.append(f"{where}: {name}: expected a table [{name}], got {value!r}")
                continue
            values[key] = _build(kind, value, f"{name}.", where, warnings)
        elif key == "keybindings":
            if not isinstance(value, dict):
                warnings.append(f"{where}: {name}: expected a table [keybindings]")
                continue
            good = {}
            for bid, keys in value.items():
                if isinstance(keys, str) and keys.strip():
                    good[bid] = keys
                else:
                    warnings.append(f"{where}: keybindings.{bid}: expected keys as a string")
            values[key] = good
        else:
            reason = _check(name, value, kind)
            if reason:
                warnings.append(f"{where}: {name}: {reason}")
                continue
            values[key] = float(value) if kind is float else value
    return cls(**values)


def parse_config(text: str, where: str = CONFIG_NAME) -> tuple[Config, list[str]]:
    """The configuration in ``text`` and the warnings about it."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Config(), [f"{where}: not valid TOML ({exc}); using the defaults"]
    warnings: list[str] = []
    return _build(Config, data, "", where, warnings), warnings


def load_config(path: Path | None = None) -> tuple[Config, list[str]]:
    """Read the config file (defaults when it does not exist)."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(), []
    except (OSError, UnicodeDecodeError) as exc:
        return Config(), [f"{path}: cannot read ({exc}); using the defaults"]
    return parse_config(text, str(path))


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def dump_config(config: Config) -> str:
    """The effective configuration as TOML, defaults included (``config show``)."""
    top: list[str] = []
    tables: list[str] = []
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        if dataclasses.is_dataclass(value):
            tables.append(f"\n[{f.name}]")
            for sub in dataclasses.fields(value):
                tables.append(f"{sub.name} = {_toml_value(getattr(value, sub.name))}")
        elif isinstance(value, dict):
            tables.append(f"\n[{f.name}]")
            tables.extend(f"{_toml_value(k)} = {_toml_value(v)}" for k, v in value.items())
        else:
            top.append(f"{f.name} = {_toml_value(value)}")
    return "\n".join(top + tables) + "\n"


#: How long a ``password_command`` may take (a password manager may ask for a passphrase).
PASSWORD_COMMAND_TIMEOUT_S = 120


def password_from_command(command: str, account: str, username: str) -> str | None:
    """The first line a ``password_command`` prints (None when it prints nothing).

    Run without a shell, with ``$GAZETTE_ACCOUNT`` and ``$GAZETTE_USER`` set,
    so one command can serve several accounts.  Raises ``ValueError`` with
    one line when it cannot be run or fails.
    """
    import os
    import subprocess

    env = {**os.environ, "GAZETTE_ACCOUNT": account, "GAZETTE_USER": username}
    try:
        done = subprocess.run(
            shlex.split(command),
            capture_output=True,
            text=True,
            env=env,
            timeout=PASSWORD_COMMAND_TIMEOUT_S,
            check=False,
        )
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        raise ValueError(f"password_command: cannot run it ({exc})") from None
    if done.returncode != 0:
        raise ValueError(f"password_command: exited with status {done.returncode}")
    lines = done.stdout.splitlines()
    return lines[0] if lines and lines[0] else None

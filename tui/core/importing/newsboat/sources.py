"""Where newsboat keeps its files, found the way newsboat finds them.

``~/.newsboat`` when it exists (newsboat prefers it), else the XDG places:
``urls`` and ``config`` in ``$XDG_CONFIG_HOME/newsboat`` (``~/.config``),
``cache.db`` in ``$XDG_DATA_HOME/newsboat`` (``~/.local/share``).  A path
given by the user replaces its default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class NewsboatFiles:
    """The three files an import reads (each may be missing)."""

    urls: Path
    config: Path
    cache: Path


def default_files(home: Path | None = None, env: Mapping[str, str] | None = None) -> NewsboatFiles:
    """newsboat's own places for its files."""
    home = Path.home() if home is None else home
    env = os.environ if env is None else env
    dotdir = home / ".newsboat"
    if dotdir.is_dir():
        return NewsboatFiles(dotdir / "urls", dotdir / "config", dotdir / "cache.db")
    config_home = Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "newsboat"
    data_home = Path(env.get("XDG_DATA_HOME") or home / ".local" / "share") / "newsboat"
    return NewsboatFiles(config_home / "urls", config_home / "config", data_home / "cache.db")


def choose_files(
    urls: str | Path | None = None,
    config: str | Path | None = None,
    cache: str | Path | None = None,
    *,
    home: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> NewsboatFiles:
    """The files to read: those given (``~`` expanded), newsboat's own for the rest."""
    found = default_files(home, env)

    def pick(given: str | Path | None, default: Path) -> Path:
        return Path(os.path.expanduser(str(given))) if given else default

    return NewsboatFiles(
        pick(urls, found.urls), pick(config, found.config), pick(cache, found.cache)
    )

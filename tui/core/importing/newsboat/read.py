"""Reading newsboat's three files and planning the import (no writes anywhere).

Each file is optional: one that is missing or unreadable is one line of the
report and the others are still imported.  Text is read as UTF-8 (what
newsboat writes), undecodable bytes replaced rather than refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tui.core.importing.newsboat.cache import Cache, CacheError, read_cache
from tui.core.importing.newsboat.config import ConfigFile, read_config
from tui.core.importing.newsboat.plan import Plan, make_plan
from tui.core.importing.newsboat.sources import NewsboatFiles
from tui.core.importing.newsboat.urls import UrlsFile, read_urls


@dataclass(frozen=True, slots=True)
class Found:
    """The files read (as paths), the problems met, and the plan they make."""

    read: tuple[str, ...]
    problems: tuple[str, ...]
    plan: Plan = field(default_factory=Plan)


def _text(path: Path, problems: list[str]) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        problems.append(f"{path}: no such file")
    except IsADirectoryError:
        problems.append(f"{path}: is a folder")
    except OSError as exc:
        problems.append(f"{path}: cannot read ({exc.strerror or exc})")
    return None


def read_files(files: NewsboatFiles, *, star_flags: str = "s") -> Found:
    """Read what can be read of ``files`` and plan the import."""
    problems: list[str] = []
    read: list[str] = []
    urls: UrlsFile | None = None
    config: ConfigFile | None = None
    cache: Cache | None = None
    if (text := _text(files.urls, problems)) is not None:
        urls = read_urls(text)
        read.append(str(files.urls))
    if (text := _text(files.config, problems)) is not None:
        config = read_config(text, star_flags=star_flags)
        read.append(str(files.config))
    try:
        cache = read_cache(files.cache)
        read.append(str(files.cache))
    except CacheError as exc:
        problems.append(str(exc))
    plan = make_plan(urls, config, cache, star_flags=star_flags)
    return Found(tuple(read), tuple(problems), plan)

"""Where Gazette keeps its files, per platform (platformdirs).

Every location can be moved with an environment variable so that tests, CI and
users with unusual set-ups never touch the real home directory.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import PlatformDirs

_DIRS = PlatformDirs("gazette", appauthor=False)


def database_path() -> Path:
    """The SQLite cache: ``$GAZETTE_DB`` or ``<user data dir>/gazette.db``."""
    return chosen_database_path() or Path(_DIRS.user_data_dir) / "gazette.db"


def chosen_database_path() -> Path | None:
    """The database the user named in ``$GAZETTE_DB``, if any.

    Told apart from the default because only the default's folder is created
    on demand: a folder the user named that does not exist is a typo to
    report, not a tree of folders to create.
    """
    env = os.environ.get("GAZETTE_DB")
    return Path(env).expanduser() if env else None


def config_dir() -> Path:
    """The config directory (config.toml, user themes): ``$GAZETTE_CONFIG_DIR`` overrides."""
    env = os.environ.get("GAZETTE_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    return Path(_DIRS.user_config_dir)


def demo_database_path() -> Path:
    """The demo database, built on first use next to the user's cache."""
    return Path(_DIRS.user_cache_dir) / "demo.db"


def cache_dir() -> Path:
    """Files kept only to save fetching them again: ``$GAZETTE_CACHE_DIR`` overrides."""
    env = os.environ.get("GAZETTE_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    return Path(_DIRS.user_cache_dir)


def image_cache_dir() -> Path:
    """Article images fetched by the reader (``Library.image``): ``<cache dir>/images``."""
    return cache_dir() / "images"


def export_dir() -> Path:
    """Default folder for exported notes: ``<documents>/Gazette``."""
    return Path(_DIRS.user_documents_dir) / "Gazette"

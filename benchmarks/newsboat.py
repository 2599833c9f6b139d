"""newsboat, the reference reader: its version, and one set-up (urls, config, cache) to run."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Sequence
from pathlib import Path

from measure import Child, run_child


def newsboat_version() -> str | None:
    exe = shutil.which("newsboat")
    if not exe:
        return None
    r = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    first = (r.stdout or r.stderr).splitlines()
    return first[0].split(" - ")[0].strip() if first else "newsboat"


class Newsboat:
    """One newsboat set-up: its urls file, config and cache in a directory.

    ``config`` adds lines to the config file (a sync server's ``urls-source``).
    """

    def __init__(
        self, directory: Path, urls: Sequence[str] | None = None, config: Sequence[str] = ()
    ) -> None:
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "home").mkdir(exist_ok=True)
        if urls is not None:
            (self.dir / "urls").write_text("\n".join(urls) + "\n")
        lines = ["reload-threads 8", "confirm-exit no", *config]
        (self.dir / "config").write_text("\n".join(lines) + "\n")

    @property
    def cache(self) -> Path:
        return self.dir / "cache.db"

    def env(self) -> dict[str, str]:
        return {
            "HOME": str(self.dir / "home"),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        }

    def args(self) -> list[str]:
        return ["-u", str(self.dir / "urls"), "-c", str(self.cache), "-C", str(self.dir / "config")]

    def reload(self) -> Child:
        child = run_child(["newsboat", "-x", "reload", *self.args()], env=self.env())
        if child.returncode != 0:
            raise RuntimeError(f"newsboat -x reload failed: {child.stderr[-2000:]}")
        return child

    def articles(self) -> int:
        with contextlib.closing(sqlite3.connect(self.cache)) as c:
            return int(c.execute("SELECT count(*) FROM rss_item").fetchone()[0])

"""Images fetched once, kept on disk under a size limit (the oldest go first).

Why files and not the database: images are large, read whole and never
queried; the database stays small and its backups free of them.  A file is
named by the SHA-256 of its URL, written whole or not at all (a temporary
file, then a rename), and touched when read, so "oldest" means least
recently used.  The folder is trimmed after each write, under a lock (the
reader's workers write from several threads); a cache another process
trims at the same time only costs a fetch again.  Every disk error is a
miss: a cache that cannot be read or written is a cache that is not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
from pathlib import Path

__all__ = ["ImageCache"]

_SUFFIX = ".img"


class ImageCache:
    """Bytes by URL under ``folder``, at most ``max_bytes`` of them in all."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    def _path(self, url: str) -> Path:
        return self.folder / (hashlib.sha256(url.encode("utf-8")).hexdigest() + _SUFFIX)

    def get(self, url: str) -> bytes | None:
        """The cached bytes of ``url``, or None (marked as just used)."""
        path = self._path(url)
        try:
            data = path.read_bytes()
            os.utime(path)
        except OSError:
            return None
        return data

    def put(self, url: str, data: bytes) -> None:
        """Keep ``data`` for ``url`` (never more than the limit: too big is not kept)."""
        if len(data) > self.max_bytes:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, self._path(url))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            return
        self.trim()

    def size(self) -> int:
        """Bytes held now (what ``trim`` keeps under the limit)."""
        return sum(size for _, _, size in self._entries())

    def _entries(self) -> list[tuple[float, Path, int]]:
        """(last used, path, size) of each cached image."""
        entries = []
        try:
            names = list(self.folder.iterdir())
        except OSError:
            return []
        for path in names:
            if path.suffix != _SUFFIX:
                continue
            try:
                st = path.stat()
            except OSError:
                continue
            entries.append((st.st_mtime, path, st.st_size))
        return entries

    def trim(self) -> None:
        """Remove the least recently used images until the rest fit the limit."""
        with self._lock:
            entries = sorted(self._entries(), key=lambda e: (e[0], e[1].name))
            total = sum(size for _, _, size in entries)
            for _, path, size in entries:
                if total <= self.max_bytes:
                    break
                with contextlib.suppress(OSError):
                    path.unlink()
                total -= size

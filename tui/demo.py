"""The demo database: a few real feeds shipped in the package, read offline.

``gazette --demo`` must work on a fresh machine with no network, so the
feeds are local files sent through the real pipeline (fetch from disk, parse,
store, convert).  The database is built once, into a temporary file that is
renamed into place, so an interrupted build never leaves half a demo.
"""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from pathlib import Path

from tui.core.library import Library

# (file in tui/demo_feeds, folder)
DEMO_FEEDS: tuple[tuple[str, str], ...] = (
    ("rss2-seed-article.xml", "News"),
    ("rss2-hackernews-comments.xml", "News"),
    ("atom-daringfireball.xml", "Blogs"),
    ("jsonfeed-inessential.json", "Blogs"),
    ("rss2-ghost-cloudflare-blog.xml", "Tech"),
    ("atom-github-releases-gulp.xml", "Tech"),
    ("rss2-podcast-nightvale-feedburner.xml", "Podcasts"),
)


def demo_feed_paths() -> list[tuple[Path, str]]:
    """Absolute paths of the shipped demo feeds with their folders."""
    root = resources.files("tui") / "demo_feeds"
    return [(Path(str(root / name)), folder) for name, folder in DEMO_FEEDS]


def build_demo(path: Path) -> Path:
    """Build the demo database at ``path`` unless it is already there."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".demo-", suffix=".db", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    lib = Library(tmp)
    try:
        for feed_path, folder in demo_feed_paths():
            lib.add_feed(str(feed_path), folder=folder)
        while lib.convert_pending(500):
            pass
        lib.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        lib.close()
    for suffix in ("-wal", "-shm"):
        Path(tmp + suffix).unlink(missing_ok=True)
    os.replace(tmp, path)
    return path

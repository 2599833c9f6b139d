"""The newsboat fixtures (made by tests/fixtures/newsboat/make_fixtures.py), copied
so that a test may point their feed URLs elsewhere or break them."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from tui.core.importing.newsboat.sources import NewsboatFiles

FIXTURES = Path(__file__).parent / "fixtures" / "newsboat"
#: The address the fixtures were made on (make_fixtures.PORT).
BASE = "http://127.0.0.1:47913"


def copy_fixtures(into: Path, base: str = BASE) -> NewsboatFiles:
    """The three files copied into ``into``, their feed URLs moved to ``base``."""
    into.mkdir(parents=True, exist_ok=True)
    files = NewsboatFiles(into / "urls", into / "config", into / "cache.db")
    for name in ("urls", "config"):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        (into / name).write_text(text.replace(BASE, base), encoding="utf-8")
    shutil.copy(FIXTURES / "cache.db", files.cache)
    if base != BASE:
        with sqlite3.connect(files.cache) as db:
            db.execute("UPDATE rss_item SET feedurl = replace(feedurl, ?, ?)", (BASE, base))
            db.execute("UPDATE rss_feed SET rssurl = replace(rssurl, ?, ?)", (BASE, base))
        db.close()
    return files

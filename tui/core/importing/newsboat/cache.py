"""newsboat's ``cache.db`` read, read-only, into plain records.

Opened with a ``file:…?mode=ro`` URI, so the import can never change it, and
with a short busy timeout: newsboat holds no lock while it waits for keys,
so a running newsboat is read as it is; one writing at that moment makes a
one-line problem instead of a wait.  Columns are checked by name, so a cache
of another newsboat version reads as far as it can: the columns an article
cannot do without (``guid``, ``feedurl``) missing is one line and no
articles; optional ones (``flags``, ``author``, ``deleted``...) missing read
as empty.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

#: Seconds to wait for a newsboat writing to its cache before giving up.
BUSY_TIMEOUT = 2.0

_NEEDED = ("guid", "feedurl")
_OPTIONAL = {
    "title": "''",
    "author": "''",
    "url": "''",
    "pubdate": "0",
    "content": "''",
    "unread": "1",
    "flags": "''",
    "deleted": "0",
    "base": "''",
    "enclosure_url": "NULL",
    "enclosure_type": "NULL",
}


class CacheError(Exception):
    """The cache cannot be read at all; the message is one line naming the file."""


@dataclass(frozen=True, slots=True)
class CachedArticle:
    """One row of newsboat's ``rss_item``, as newsboat stored it."""

    guid: str
    feed_url: str
    title: str
    author: str
    url: str
    published: int | None
    content: str
    unread: bool
    flags: str
    base: str
    enclosure_url: str | None = None
    enclosure_type: str | None = None
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Cache:
    """Feed titles by feed URL, the articles (deleted ones marked), and the problems met."""

    titles: dict[str, str]
    articles: tuple[CachedArticle, ...]
    problems: tuple[str, ...] = ()


def read_cache(path: Path) -> Cache:
    """Read ``path``; CacheError when nothing can be read from it."""
    if not path.is_file():
        raise CacheError(f"{path}: no such file")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT)
    except sqlite3.Error as exc:
        raise CacheError(f"{path}: cannot open ({exc})") from exc
    try:
        return _read(conn, path)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            message = f"{path}: locked by a running newsboat; quit it and import again"
            raise CacheError(message) from exc
        raise CacheError(f"{path}: cannot read ({exc})") from exc
    except sqlite3.DatabaseError as exc:
        raise CacheError(f"{path}: not a newsboat cache ({exc})") from exc
    finally:
        conn.close()


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1].lower() for row in conn.execute(f"PRAGMA table_info({table})")}


def _read(conn: sqlite3.Connection, path: Path) -> Cache:
    problems: list[str] = []
    titles: dict[str, str] = {}
    feed_cols = _columns(conn, "rss_feed")
    if {"rssurl", "title"} <= feed_cols:
        titles = dict(conn.execute("SELECT rssurl, title FROM rss_feed"))
    elif feed_cols:
        problems.append(f"{path}: rss_feed has no rssurl or title column: feed titles not read")
    cols = _columns(conn, "rss_item")
    if not cols:
        raise CacheError(f"{path}: not a newsboat cache (no rss_item table)")
    missing = [c for c in _NEEDED if c not in cols]
    if missing:
        problems.append(
            f"{path}: rss_item has no {', '.join(missing)} column (another newsboat version?): "
            "articles not imported"
        )
        return Cache(titles, (), tuple(problems))
    absent = sorted(c for c in _OPTIONAL if c not in cols)
    if absent:
        problems.append(
            f"{path}: rss_item has no {', '.join(absent)} column (another newsboat version?): "
            "read as empty"
        )
    select = ", ".join(c if c in cols else f"{default} AS {c}" for c, default in _OPTIONAL.items())
    rows = conn.execute(f"SELECT guid, feedurl, {select} FROM rss_item ORDER BY id")
    articles: list[CachedArticle] = []
    for row in rows:
        guid, feed_url, title, author, url, pub, content, unread, flags = row[:9]
        deleted, base, enc_url, enc_type = row[9:]
        if not guid or not feed_url:
            continue
        articles.append(
            CachedArticle(
                guid=str(guid),
                feed_url=str(feed_url),
                title=str(title or ""),
                author=str(author or ""),
                url=str(url or ""),
                published=int(pub) if isinstance(pub, int) and pub > 0 else None,
                content=str(content or ""),
                unread=bool(unread),
                flags=str(flags or ""),
                base=str(base or ""),
                enclosure_url=str(enc_url) if enc_url else None,
                enclosure_type=str(enc_type) if enc_type else None,
                deleted=bool(deleted),
            )
        )
    return Cache(titles, tuple(articles), tuple(problems))

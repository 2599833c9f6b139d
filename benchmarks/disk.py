"""The database-size figures, after a refresh and at the reading corpus.

Every report of how big a database is goes through ``database_figures``:
one place to add a line (bytes by table, say) and have it in both halves.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from measure import db_bytes
from report import Figure


def mb_per_1k(path: Path, articles: int) -> float:
    """Database file plus its WAL, in MB per 1,000 articles."""
    return db_bytes(path) / (articles / 1000) / 1e6


def database_figures(
    label: str, db: Path, articles: int, newsboat: list[float] | str
) -> list[Figure]:
    """The size figures of one Gazette database (``newsboat``: its MB per 1,000, if known)."""
    return [
        Figure(
            f"database size per 1,000 articles ({label})",
            "MB",
            [mb_per_1k(db, articles)],
            newsboat,
            note=byte_breakdown(db, articles),
        ),
    ]


def byte_breakdown(path: Path, articles: int) -> str:
    """Where the bytes go: KB per article for each table (its indexes summed in), from dbstat."""
    conn = sqlite3.connect(path)
    try:
        owner = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master"))
        sizes: dict[str, int] = {}
        for name, size in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
            table = owner.get(name, name)
            if table.startswith("articles_fts_"):
                table = "articles_fts"  # its shadow tables
            sizes[table] = sizes.get(table, 0) + size
    except sqlite3.OperationalError as exc:  # an SQLite built without dbstat
        return f"no byte breakdown ({exc})"
    finally:
        conn.close()
    top = sorted(sizes.items(), key=lambda kv: -kv[1])[:4]
    parts = ", ".join(f"{name} {size / articles / 1e3:.2f}" for name, size in top)
    return f"KB per article, with indexes: {parts}"

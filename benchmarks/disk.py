"""The database-size figures, after a refresh and at the reading corpus.

Every report of how big a database is goes through ``database_figures``:
one place to add a line (bytes by table, say) and have it in both halves.
"""

from __future__ import annotations

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
        ),
    ]

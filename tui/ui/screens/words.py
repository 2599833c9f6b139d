"""Small wording helpers shared by the reader screen's messages."""

from __future__ import annotations

__all__ = ["plural"]


def plural(n: int, word: str) -> str:
    """``1 article``, ``2 articles``: the count and the word, in the number it needs."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"

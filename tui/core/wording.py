"""Counts in words for messages: "1 article", "2 articles", never "1 articles".

One helper, so the command line and the core say counts the same way.
"""

from __future__ import annotations

__all__ = ["history_line", "plural"]


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word``, in the plural unless ``n`` is exactly one.

    The plural is ``word + "s"`` unless ``many`` gives it (``"entry"``,
    ``"entries"``).  Only the noun changes, so "1 new article" is written
    ``plural(1, "new article")``.
    """
    return f"{n} {word if n == 1 else (many or word + 's')}"


def history_line(verb: str, label: str) -> str:
    """What undo or redo says it did: ``history_line("Undone", "Marked 2
    articles read")`` is "Undone: marked 2 articles read" (the label's first
    letter lowered, as it now reads mid-sentence)."""
    return f"{verb}: {label[:1].lower()}{label[1:]}"

"""newsboat's line syntax, shared by ``urls`` and ``config`` (pure).

Tokens are separated by blanks; a token in double quotes may hold blanks,
and inside quotes a backslash escapes the next character (``\\"`` is a
quote, ``\\\\`` a backslash).  ``#`` outside quotes starts a comment.  A line
whose quote is never closed is refused as a whole (newsboat would read the
rest of the line into one token; guessing where the user meant it to end
could tag or rename the wrong feed).
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.text import clean_line


class QuotingError(ValueError):
    """A quote that is not closed."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A line (or part of one) not imported: where, what, and why."""

    source: str  # "urls", "config" or "cache"
    line: int  # 1-based; 0 when not about one line
    text: str
    reason: str

    def describe(self) -> str:
        """One line for the report: ``urls:12: "text": reason``."""
        where = f"{self.source}:{self.line}" if self.line else self.source
        shown = clean_line(self.text)
        shown = shown if len(shown) <= 60 else shown[:59] + "…"
        return f"{where}: {shown}: {self.reason}" if shown else f"{where}: {self.reason}"


def tokenize(line: str) -> list[str]:
    """The tokens of one line, comments dropped; QuotingError on an unclosed quote."""
    tokens: list[str] = []
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch.isspace():
            i += 1
        elif ch == "#":
            break
        elif ch == '"':
            token, i = _quoted(line, i + 1)
            tokens.append(token)
        else:
            j = i
            while j < n and not line[j].isspace() and line[j] != '"':
                j += 1
            tokens.append(line[i:j])
            i = j
    return tokens


def _quoted(line: str, i: int) -> tuple[str, int]:
    out: list[str] = []
    n = len(line)
    while i < n:
        ch = line[i]
        if ch == "\\" and i + 1 < n:
            out.append(line[i + 1])
            i += 2
        elif ch == '"':
            return "".join(out), i + 1
        else:
            out.append(ch)
            i += 1
    raise QuotingError("a quote is not closed")


def numbered_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) for every line that is not blank or a comment."""
    return [
        (number, raw)
        for number, raw in enumerate(text.splitlines(), 1)
        if raw.strip() and not raw.lstrip().startswith("#")
    ]

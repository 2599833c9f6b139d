"""Regular expressions in queries (``title:/re/``): compiled once, matched with a deadline.

Patterns come from users and from rules that run inside a refresh's write,
and texts come from feeds: a catastrophic pattern (``(a|aa)+$``) or a
hostile 1 MB article must not hang a refresh or a search.  Python's ``re``
cannot be interrupted, so matching uses the ``regex`` module, whose matches
take a timeout; a match that runs out of time counts as no match.

A pattern is one line (so is the query it comes from), case is ignored, and
``\\w``, ``\\b`` and case folding follow Unicode.
"""

from __future__ import annotations

import importlib
import re
import sqlite3
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import regex

#: Seconds one match may take before it counts as no match.  A sane pattern
#: searches a 1 MB article in a few milliseconds, so 50 ms rejects only
#: runaway backtracking, while a rule that times out on an article of a
#: refresh costs 50 ms rather than forever.  Per match, not per query: a
#: pattern that times out on each of N articles takes N x 50 ms.  ``regex``
#: counts the process's CPU time (it reads that clock twice a match, ~1-2 us
#: in a VM), so with other threads busy the time runs out sooner.
MATCH_TIMEOUT = 0.05

#: The longest pattern accepted: compiling is not bounded in time, and no
#: useful filter needs more.
MAX_PATTERN = 1000

#: The most a pattern may expand to once its counted repeats are unrolled
#: (``(a{100}){100}`` is 10,000): ``regex`` unrolls them when it compiles,
#: and compiling is not bounded in time, so a 22-character pattern nesting
#: three ``{300}`` took 39 s and 7 GB.  100,000 compiles in about 50 ms.
MAX_EXPANSION = 100_000

_LENGTH = re.compile(r"(>=|<=|>|<)(\d{1,12})")
_COUNT = re.compile(r"\{(\d*)(?:,(\d*))?\}")


class BadPattern(ValueError):
    """A pattern that does not compile; the message says why, on one line."""


@lru_cache(maxsize=256)
def compiled(pattern: str) -> regex.Pattern[str]:
    """The compiled pattern (cached: rules run the same few on every article);
    BadPattern if it does not compile.

    ``regex`` is imported here, on the first pattern: it costs ~20 ms, which
    every command and the reader's start would pay otherwise.
    """
    import regex

    if expansion(pattern) > MAX_EXPANSION:
        raise BadPattern(f"its repeats are too large (over {MAX_EXPANSION:,} once unrolled)")
    try:
        return regex.compile(pattern, regex.IGNORECASE | regex.UNICODE)
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:
        raise BadPattern(" ".join(str(exc).split()) or type(exc).__name__) from exc


def expansion(pattern: str) -> int:
    """How long ``pattern`` is with its counted repeats unrolled (an upper bound).

    Read from Python's own parse of the pattern (repeats multiply what they
    repeat, a sequence adds up); a pattern only ``regex`` understands
    (``\\p{L}``) is bounded by the product of every count written in it.
    """
    # Python's own regular-expression parser (private modules, read by name:
    # the public ``sre_parse`` warns that it is deprecated).
    c = importlib.import_module("re._constants")
    parser = importlib.import_module("re._parser")

    def weight(items: Any) -> int:
        total = 0
        for op, arg in items:
            if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                lo, hi, sub = arg
                total += max(lo if hi == c.MAXREPEAT else hi, 1) * weight(sub)
            elif op in (c.SUBPATTERN, c.ATOMIC_GROUP):
                total += weight(arg[-1])
            elif op == c.BRANCH:
                total += max(weight(sub) for sub in arg[1])
            else:
                total += 1
        return total

    try:
        return weight(parser.parse(pattern))
    except (re.error, RecursionError, OverflowError, ValueError, TypeError):
        product = 1
        for m in _COUNT.finditer(pattern):
            product *= max(int(m.group(2) or m.group(1) or 1), 1)
        return product * max(len(pattern), 1)


def pattern_error(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used (one line), or None when it compiles."""
    if len(pattern) > MAX_PATTERN:
        return f"it is longer than {MAX_PATTERN:,} characters"
    try:
        compiled(pattern)
    except BadPattern as exc:
        return str(exc)
    return None


def search(pattern: str, text: str | None) -> bool:
    """Whether ``pattern`` is found anywhere in ``text`` within
    :data:`MATCH_TIMEOUT`; False when it is not, when time runs out, and for
    a pattern that does not compile (a hand-built query), so that nothing
    raises through SQLite.  The GIL is released while matching (``concurrent``),
    so a long match in a refresh's writer thread does not freeze the reader."""
    if text is None or len(pattern) > MAX_PATTERN:
        return False
    try:
        found = compiled(pattern).search(text, timeout=MATCH_TIMEOUT, concurrent=True)
    except (TimeoutError, BadPattern):
        return False
    return found is not None


def parse_length(value: str) -> tuple[str, int] | None:
    """``>N``, ``<N``, ``>=N`` or ``<=N`` as (operator, N), or None."""
    if m := _LENGTH.fullmatch(value):
        return m.group(1), int(m.group(2))
    return None


def _sql_search(pattern: object, text: object) -> int:
    if not isinstance(pattern, str) or text is None:
        return 0
    return int(search(pattern, text if isinstance(text, str) else str(text)))


def register(conn: sqlite3.Connection) -> None:
    """Add ``gazette_regex(pattern, text)``: 1 when the pattern is found in the text.

    Not marked deterministic: a match that times out under load may find
    its text on a quieter run.
    """
    conn.create_function("gazette_regex", 2, _sql_search)

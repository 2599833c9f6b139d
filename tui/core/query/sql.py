"""The one compiler: a parsed :class:`~tui.core.query.parse.Query` to SQL + FTS5.

What :func:`compile_query` returns is exactly what
:mod:`tui.core.storage.search` runs, so the SQL the tests check is the SQL
that searches.  Two rules keep any input safe:

* The FTS5 MATCH string is built only from double-quoted tokens that the
  parser extracted itself (letters, digits and combining marks), joined with
  operators chosen here.  Raw user text never reaches FTS5 syntax, so ``c++``,
  ``NEAR(``, an unbalanced quote or a NUL cannot raise.
* Every other value is a bound SQL parameter.

Filters never read article rows while candidates are found: each becomes
``id IN (set)`` over a small covering index (``read``/``starred`` sit after
the HTML in each row, so testing them row by row walks overflow pages, and
a per-hit join with ``articles`` costs ~1.2 us a hit).  Only the page's own
50 rows are read, once the ids are known.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Any

from tui.core import folders
from tui.core.errors import InputError
from tui.core.models import View
from tui.core.query import patterns
from tui.core.query.highlight import fold, words
from tui.core.query.parse import (
    Filter,
    Query,
    Term,
    When,
    parse_when,
    show_value,
    view_filters,
)

# is: values as (operator, id set).  Each set is read from a small covering
# index (articles_unread and articles_starred are partial indexes), never
# from article rows: read/starred sit after the HTML in each row, so testing
# them row by row walks overflow pages (~1 us per article).
_FTS_IDS = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"
_UNREAD_IDS = "SELECT id FROM articles WHERE read = 0"
_IS_VALUES = {
    "unread": ("IN", _UNREAD_IDS),
    "read": ("NOT IN", _UNREAD_IDS),
    "starred": ("IN", "SELECT id FROM articles WHERE starred = 1"),
    "noted": ("IN", "SELECT article_id FROM notes"),
    "tagged": ("IN", "SELECT article_id FROM article_tags"),
}
# The same as plain tests, for counts: the partial indexes can drive them.
_DIRECT = {"unread": "read = 0", "starred": "starred = 1"}


@dataclass(frozen=True, slots=True)
class Compiled:
    """A query as SQL, ready for :class:`~tui.core.storage.Store` to run.

    With words, ``match`` is the FTS5 MATCH string and ``where`` a boolean
    condition over ``articles_fts`` (article ids as ``+rowid``, so filters are
    set lookups and never reach FTS5 as rowid constraints, which it would
    probe one by one).  Without words, ``match`` is None and ``where`` is over
    ``articles`` (ids as ``+id``; dates use its published index, and the
    filters that read rows, ``title:/re/`` or ``length:>N``, its columns, all
    unqualified: run it as ``FROM articles WHERE``, with no join).  ``where``
    is ``"1"`` when there are no conditions.  The SQL calls
    ``gazette_fold``/``gazette_casefold``/``gazette_regex`` (see
    :func:`register_functions`) and ``gazette_words``
    (:mod:`tui.core.storage.packing`): every Store connection has them.
    """

    where: str
    params: list[Any]
    match: str | None


def register_functions(conn: sqlite3.Connection) -> None:
    """Add the SQL functions compiled queries use (idempotent and cheap).

    SQLite's own ``lower``/``NOCASE`` fold ASCII only; these fold all of
    Unicode the way :mod:`tui.core.tags` matches tag names.  ``gazette_regex``
    runs the patterns of ``title:/re/`` and the like with a deadline per match
    (:mod:`tui.core.query.patterns`).  Every Store connection has them
    (:class:`~tui.core.storage.base.StoreBase`), so rules can run compiled
    queries inside a refresh's write.
    """
    conn.create_function("gazette_fold", 1, _sql_fold, deterministic=True)
    conn.create_function("gazette_casefold", 1, _sql_casefold, deterministic=True)
    patterns.register(conn)


def _sql_fold(value: object) -> str | None:
    return None if value is None else fold(str(value))


def _sql_casefold(value: object) -> str | None:
    return None if value is None else str(value).casefold()


def _fts(term: Term) -> str:
    """One FTS5 phrase: the tokens in double quotes (quotes doubled), maybe a prefix."""
    body = " ".join(term.tokens).replace('"', '""')
    return f'"{body}"' + ("*" if term.prefix else "")


def _scoped(columns: Sequence[str], expr: str) -> str:
    return "{" + " ".join(columns) + "} : (" + expr + ")" if columns else expr


def _since(now: int, when: When, tz: tzinfo | None) -> int:
    """The epoch second a date filter value stands for (start of day for dates)."""
    if not when.unit:
        return int(datetime(*when.date, tzinfo=tz).timestamp())
    if when.unit in "hdw":
        return now - when.ago * {"h": 3600, "d": 86400, "w": 7 * 86400}[when.unit]
    # Months and years are calendar steps back from now, the 31st clamped.
    base = datetime.fromtimestamp(now, tz)
    months = base.year * 12 + base.month - 1 - when.ago * (1 if when.unit == "m" else 12)
    year, month = divmod(months, 12)
    if year < 1970:
        return -(2**62)  # before anything can be dated
    day = base.day
    while True:
        try:
            return int(base.replace(year=year, month=month + 1, day=day).timestamp())
        except ValueError:
            day -= 1


def _filter_sql(
    f: Filter, now: int, tz: tzinfo | None, ident: str, published: str | None
) -> tuple[str, list[Any]]:
    """The SQL condition (with parameters) for one filter, ignoring negation.

    ``ident`` is the article id expression to test and ``published`` the
    date column when the driving table has one (else dates become id sets).
    Every condition is ``ident [NOT] IN (set)``: with ``ident`` written as
    ``+rowid`` the FTS scan tests membership in a prebuilt set instead of
    looking up each hit's article row.
    """
    v = f.value
    if f.name == "tag":
        key = v.casefold()
        return (
            f"{ident} IN (SELECT at.article_id FROM article_tags at JOIN tags t "
            "ON t.id = at.tag_id WHERE gazette_casefold(t.name) = ? "
            "UNION ALL SELECT x.id FROM articles x WHERE x.feed_id IN (SELECT ft.feed_id "
            "FROM feed_tags ft JOIN tags t ON t.id = ft.tag_id "
            "WHERE gazette_casefold(t.name) = ?))",
            [key, key],
        )
    if f.name == "feed":
        feed_id = int(v) if v.isascii() and v.isdigit() and len(v) < 18 else None
        # A number names a feed by id (as `gazette feeds` lists them); only
        # when no feed has that id is it looked for in titles and URLs.
        return (
            f"{ident} IN (SELECT x.id FROM articles x WHERE x.feed_id IN (SELECT id FROM feeds "
            "WHERE id = ? OR (NOT EXISTS (SELECT 1 FROM feeds WHERE id = ?) "
            "AND (instr(gazette_fold(title), ?) > 0 OR instr(lower(url), ?) > 0))))",
            [feed_id, feed_id, fold(v), v.lower()],
        )
    if f.name == "folder":
        # The folder rule the feed list and the article list use (tui.core.folders):
        # "folder:Tech" is the feed list's Tech node, subfolders included.
        return (
            f"{ident} IN (SELECT x.id FROM articles x WHERE x.feed_id IN (SELECT id FROM feeds "
            f"WHERE {folders.SQL_MEMBER}))",
            [v],
        )
    if f.name == "feedurl":
        test = "gazette_regex(?, url)" if f.pattern else "instr(gazette_casefold(url), ?) > 0"
        return (
            f"{ident} IN (SELECT x.id FROM articles x WHERE x.feed_id IN (SELECT id FROM feeds "
            f"WHERE {test}))",
            [v if f.pattern else v.casefold()],
        )
    if row_test := _row_test(f):
        test, arg = row_test
        if published is not None:  # over articles: test each row as the scan reads it
            return test.format(""), [arg]
        return f"{ident} IN (SELECT x.id FROM articles x WHERE {test.format('x.')})", [arg]
    if f.name == "author":
        expr = " AND ".join(_fts(Term(w, (w,), prefix=True)) for w in words(v))
        return (
            f"{ident} IN ({_FTS_IDS})",
            ["{author} : (" + expr + ")"],
        )
    if f.name == "is":
        op, ids = _IS_VALUES[v]
        return f"{ident} {op} ({ids})", []
    when = parse_when(v)
    if when is None:  # parse_query rejects these; a hand-built Query may not
        raise InputError(f"{f.name}:{show_value(v)} is not a date")
    op = "<" if f.name == "before" else ">="
    if published is not None:
        return f"{published} {op} ?", [_since(now, when, tz)]
    return f"{ident} IN (SELECT x.id FROM articles x WHERE x.published {op} ?)", [
        _since(now, when, tz)
    ]


# Filters that read each article row (title, author and link sit before the
# packed body in a row; content and length unpack it): a condition on the row
# as it is read, never a set of ids, as no index can answer them.  ``{}``
# stands for the table's prefix.  content: is the article's own text, the
# words its index row was given from the feed's version (see
# tui.core.storage.packing); a reader-mode full text is not part of it, so a
# rule gives the same answer at refresh time and later.
_ROW_COLUMNS = {"title": "{}title", "author": "{}author", "link": "{}url"}
_TEXT = "gazette_words({}body)"


def _reads_rows(f: Filter) -> bool:
    """Whether a filter reads article rows (``author:name`` uses the index)."""
    return f.name in ("title", "link", "content", "length") or (f.pattern and f.name == "author")


def _row_test(f: Filter) -> tuple[str, Any] | None:
    """(condition over an article row, its one parameter) for a filter that
    reads the row, or None for the others."""
    if not _reads_rows(f):
        return None
    if f.name in _ROW_COLUMNS:
        return f"gazette_regex(?, {_ROW_COLUMNS[f.name]})", f.value
    if f.name == "content":
        return f"gazette_regex(?, {_TEXT})", f.value
    comparison = patterns.parse_length(f.value)
    if comparison is None:  # parse_query rejects these; a hand-built Query may not
        raise InputError(f"length:{show_value(f.value)} is not a comparison")
    op, size = comparison
    return f"length({_TEXT}) {op} ?", size


def _conditions(
    q: Query,
    now: int,
    tz: tzinfo | None,
    ident: str,
    published: str | None,
    direct: bool = False,
) -> tuple[list[str], list[Any], str | None]:
    """(SQL conditions, their parameters, FTS5 MATCH string or None) for a query.

    ``direct`` writes is:unread / is:starred as plain column tests, which
    lets a count over ``articles`` be driven by their partial indexes.
    """
    clauses: list[str] = []
    params: list[Any] = []
    # Row tests go last, so that the cheap id-set tests before them leave
    # fewer rows for the regular expressions.
    for f in sorted(q.filters, key=_reads_rows):
        if direct and f.name == "is" and f.value in _DIRECT and not f.negated:
            clauses.append(_DIRECT[f.value])
            continue
        sql, p = _filter_sql(f, now, tz, ident, published)
        clauses.append(f"NOT ({sql})" if f.negated else sql)
        params.extend(p)
    for group in sorted(q.any_filters, key=lambda g: any(map(_reads_rows, g))):
        parts: list[str] = []
        for f in group:
            sql, p = _filter_sql(f, now, tz, ident, published)
            parts.append(sql)
            params.extend(p)
        clauses.append("(" + " OR ".join(parts) + ")")
    positive = [_fts(t) for t in (*q.terms, *q.phrases)]
    positive += ["(" + " OR ".join(_fts(t) for t in g) + ")" for g in q.any_of]
    negative = " OR ".join(_fts(t) for t in q.excluded)
    match: str | None = None
    if positive:
        expr = " AND ".join(positive)
        if negative:
            expr = f"({expr}) NOT ({negative})"
        match = _scoped(q.columns, expr)
    elif negative:
        clauses.append(
            f"{ident} NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
        )
        params.append(_scoped(q.columns, negative))
    return clauses, params, match


def compile_query(
    q: Query,
    now: int,
    *,
    tz: tzinfo | None = None,
    within: View = View(),
    counting: bool = False,
) -> Compiled:
    """Turn a parsed query into the SQL that runs it; InputError if ``q.error`` is set.

    Dates are read in ``tz`` (default: the local zone, as the UI shows them).
    ``within`` narrows the query to a view (``View(unread=True)``: a saved
    search's badge).  ``counting``
    (counts and id lists, which need no order) writes is:unread / is:starred as
    plain column tests, so that their partial indexes can drive the scan.
    Exclusions ride inside the MATCH (``x NOT (y OR z)``) when there are words
    to look for; alone, they become a ``NOT IN`` over the index, since FTS5 has
    no unary NOT.
    """
    if q.error:
        raise InputError(q.error)
    if narrowing := view_filters(within):
        q = replace(q, filters=(*q.filters, *narrowing))
    if q.has_words:
        clauses, params, match = _conditions(q, now, tz, "+rowid", None)
    else:
        clauses, params, match = _conditions(q, now, tz, "+id", "published", counting)
    return Compiled(" AND ".join(clauses) or "1", params, match)

"""Search: the query language, its compilation to SQL + FTS5, and saved searches.

The pipeline is ``parse_query`` (pure, never raises) -> ``compile_query``
(pure SQL text and parameters) -> ``search`` / ``count``, which hand the plan
to a :class:`~tui.core.storage.Store` (:mod:`tui.core.storage.search` holds
the SQL that runs it, and the saved-searches table).  Three rules keep any
input safe:

* The FTS5 MATCH string is built only from double-quoted tokens that this
  module extracted itself (letters, digits and combining marks), joined with
  operators it chose.  Raw user text never reaches FTS5 syntax, so ``c++``,
  ``NEAR(``, an unbalanced quote or a NUL cannot raise.
* Every other value is a bound SQL parameter.
* Limits: at most ``MAX_ITEMS`` words and filters, so a pasted page of text
  gets a one-line message instead of a 2,000-term query.

Ranking: articles with a query word in the title come first, then the rest;
within each group bm25 orders them, with column weights title 10, author 3,
body 1, note 2.  The weights alone cannot promise that a title hit counts
more: FTS5's bm25 saturates term frequency and divides it by the length of
the whole row, so a short body repeating the word outscored a long article
named after it.
Scoring every match of a very common word costs ~2.5 us per row (250 ms for
100k rows on the dev machine), so relevance is computed over the newest
``RANK_WINDOW`` matches (FTS5 walks its doclists newest-id first and stops):
a word found in all 100k articles answers in ~10 ms, and a news reader loses
little by ranking the newest 5,000 hits rather than older ones.  Filters
are applied *inside* the window, so a narrow filter never loses matches.

Filters never read article rows while candidates are found: each becomes
``id IN (set)`` over a small covering index (``read``/``starred`` sit after
the HTML in each row, so testing them row by row walks overflow pages, and
a per-hit join with ``articles`` costs ~1.2 us a hit).  Only the page's own
50 rows are read, once the ids are known.
"""

from __future__ import annotations

import re
import sqlite3
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from tui.core import folders
from tui.core.errors import InputError
from tui.core.models import Article
from tui.core.tags import clean_tag
from tui.core.text import clean_line, shorten

if TYPE_CHECKING:
    from tui.core.storage import Store

MAX_ITEMS = 64
RANK_WINDOW = 5000
MAX_SEARCH_NAME = 100

SYNTAX_HELP = """\
Search: every word must match, in any order; case and accents are ignored.
  word*            words that start with "word"
  "exact phrase"   these words together, in this order
  -word  -"a b"    leave out articles containing them
  tag:"a ""b"" c"  a quote inside a quoted filter value is typed twice
  a OR b           either one (also tag:a OR tag:b)
  tag:name         tagged name (on the article or its feed)
  feed:name        feed title (part of it), id or URL
  folder:Tech/Rust  a folder (its path, as the feed list shows it) and its subfolders
  author:name      written by name
  is:unread  is:read  is:starred  is:noted  is:tagged
  after:2026-01-31 published on that day or later (local time)
  before:2026-01-31  published before that day
  after:7d  before:2w  days, weeks, months (3m) or years (1y) ago
  in:title         look for the words in titles only
  -tag:x -is:read  leave out what a filter matches
Filters alone list articles newest first; words list the best matches first,
articles with a word in their title before the others."""

_FIELDS = frozenset({"tag", "feed", "folder", "author", "is", "before", "after", "in"})
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
_COLUMNS = ("title", "author", "body", "note")
# A token as FTS5's unicode61 tokenizer sees one: letters and digits, with
# combining accents kept inside the word (unicode61 does the same).
_WORD = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+"
)
_FIELD = re.compile(r"([A-Za-z]+):")
_REL = re.compile(r"(\d{1,6})([hdwmy])", re.I)
_ABS = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")


# -- records ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """A word or phrase to look for.

    ``tokens`` are the words as the index sees them (``c++`` gives ``c``,
    ``foo-bar`` gives ``foo``, ``bar``); several tokens match as a phrase.
    ``prefix`` makes the last token match any word starting with it.
    """

    text: str
    tokens: tuple[str, ...]
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Filter:
    """A ``name:value`` condition; ``negated`` (``-tag:x``) leaves its matches out."""

    name: str
    value: str
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query; ``error`` is a one-line message when it cannot be run.

    All of ``terms``, ``phrases`` and ``filters`` must hold, plus one member
    of each ``any_of`` (words joined by OR) and ``any_filters`` group, and
    none of ``excluded``.  ``columns`` restricts words to some index columns
    (``in:title``); empty means all of them.
    """

    text: str
    terms: tuple[Term, ...] = ()
    phrases: tuple[Term, ...] = ()
    excluded: tuple[Term, ...] = ()
    any_of: tuple[tuple[Term, ...], ...] = ()
    filters: tuple[Filter, ...] = ()
    any_filters: tuple[tuple[Filter, ...], ...] = ()
    columns: tuple[str, ...] = ()
    error: str | None = None

    @property
    def has_words(self) -> bool:
        """Whether the query ranks by relevance (it has words to look for)."""
        return bool(self.terms or self.phrases or self.any_of)

    @property
    def is_empty(self) -> bool:
        """Nothing to look for and nothing to filter on: every article matches."""
        return not (
            self.terms
            or self.phrases
            or self.excluded
            or self.any_of
            or self.filters
            or self.any_filters
        )


@dataclass(frozen=True, slots=True)
class Compiled:
    """SQL for a query over ``articles a JOIN feeds f ON f.id = a.feed_id``.

    ``where`` is a boolean SQL expression (``"1"`` when there are no
    conditions) with ``params``; ``match`` is the FTS5 MATCH string for the
    words, or ``None`` when there are none (then list newest first).  The
    SQL calls ``gazette_fold``/``gazette_casefold``: run
    :func:`register_functions` on a connection before using it there.
    """

    where: str
    params: list[Any]
    match: str | None
    in_title: bool
    highlight_terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One page of results; ``error`` is set (and no articles) for an unusable query."""

    articles: list[Article]
    error: str | None = None
    terms: tuple[str, ...] = ()
    in_title: bool = False


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A named query shown as a smart folder, with its live unread count."""

    id: int
    name: str
    query: str
    unread: int
    error: str | None = None


# -- words -----------------------------------------------------------------


def words(text: str) -> list[str]:
    """The index tokens of ``text`` as written (not folded)."""
    return _WORD.findall(text)


def fold(word: str) -> str:
    """Case- and accent-free form of a word, for highlighting and name matching."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _show(value: str, width: int = 40) -> str:
    """User text quoted in a message: one line, bounded length."""
    return shorten(clean_line(value), width)


def register_functions(conn: sqlite3.Connection) -> None:
    """Add the SQL functions compiled queries use (idempotent and cheap).

    SQLite's own ``lower``/``NOCASE`` fold ASCII only; these fold all of
    Unicode the way :mod:`tui.core.tags` matches tag names.
    """
    conn.create_function("gazette_fold", 1, _sql_fold, deterministic=True)
    conn.create_function("gazette_casefold", 1, _sql_casefold, deterministic=True)


def _sql_fold(value: object) -> str | None:
    return None if value is None else fold(str(value))


def _sql_casefold(value: object) -> str | None:
    return None if value is None else str(value).casefold()


# -- parsing ---------------------------------------------------------------


@dataclass(slots=True)
class _Tok:
    kind: str  # word | phrase | field | or | not
    text: str
    negated: bool = False
    prefix: bool = False
    field: str = ""


def _read_until_space(s: str, i: int) -> int:
    n = len(s)
    while i < n and not s[i].isspace():
        i += 1
    return i


def _read_quoted(s: str, i: int, *, doubled: bool = False) -> tuple[str, int]:
    """The text inside the quote at ``s[i]``; an unclosed quote runs to the end.

    With ``doubled`` (filter values), ``""`` inside stands for one ``"``, so
    that any tag name can be written (``tag:"say ""hi"" now"``); an empty
    ``""`` is still empty.  Phrases keep the old reading, where ``"a""b"`` is
    two phrases: a quote inside a phrase would match nothing anyway (the index
    has no punctuation), and saved searches written that way keep their meaning.
    """
    parts: list[str] = []
    start = i + 1
    while (end := s.find('"', start)) >= 0:
        if doubled and s.startswith('""', end):
            parts.append(s[start : end + 1])
            start = end + 2
            continue
        parts.append(s[start:end])
        return "".join(parts), end + 1
    parts.append(s[start:])
    return "".join(parts), len(s)


def _lex(text: str) -> list[_Tok]:
    """Split a query into tokens; every character sequence lexes to something."""
    s = clean_line(text)  # escape sequences, controls and bidi characters are not query text
    out: list[_Tok] = []
    i, n = 0, len(s)
    while i < n:
        if s[i].isspace():
            i += 1
            continue
        negated = False
        if s[i] == "-":
            if i + 1 >= n or s[i + 1].isspace():
                i += 1  # a lone "-" means nothing
                continue
            negated = True
            i += 1
        if s[i] == '"':
            body, i = _read_quoted(s, i)
            prefix = False
            while i < n and s[i] == "*":
                prefix, i = True, i + 1
            out.append(_Tok("phrase", body, negated, prefix))
            continue
        m = _FIELD.match(s, i)
        if m and m.group(1).lower() in _FIELDS:
            i = m.end()
            if i < n and s[i] == '"':
                value, i = _read_quoted(s, i, doubled=True)
            else:
                j = _read_until_space(s, i)
                value, i = s[i:j], j
            out.append(_Tok("field", value.strip(), negated, field=m.group(1).lower()))
            continue
        j = _read_until_space(s, i)
        word, i = s[i:j], j
        if not negated and word in ("OR", "AND", "NOT"):
            if word != "AND":  # AND is what juxtaposition means already
                out.append(_Tok(word.lower(), word))
            continue
        out.append(_Tok("word", word.rstrip("*"), negated, word.endswith("*")))
    return out


@dataclass(frozen=True, slots=True)
class _When:
    """A date filter value: ``n`` units (h, d, w, m, y) ago, or a calendar date."""

    ago: int = 0
    unit: str = ""
    date: tuple[int, int, int] = (1970, 1, 1)


def _when(value: str) -> _When | None:
    """Read ``7d``, ``2w``, ``3m``, ``1y``, ``12h`` or ``2026-01-31`` (or ``2026-01``, ``2026``)."""
    if m := _REL.fullmatch(value):
        return _When(int(m.group(1)), m.group(2).lower())
    if m := _ABS.fullmatch(value):
        y, mo, d = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
        try:
            datetime(y, mo, d)
        except ValueError:
            return None
        return _When(date=(y, mo, d)) if y >= 1970 else None
    return None


def _check_filter(tok: _Tok) -> tuple[Filter | None, str | None]:
    """Validate one filter: (filter or None to ignore it, error message)."""
    name, value = tok.field, tok.text
    if not value:
        return None, None  # still being typed: ignore rather than complain
    if name == "is":
        key = value.lower()
        if key not in _IS_VALUES:
            return None, (
                f"is:{_show(value)} is unknown; use is:unread, is:read, is:starred, "
                "is:noted or is:tagged"
            )
        value = key
    elif name in ("before", "after"):
        if _when(value) is None:
            return None, (
                f"{name}:{_show(value)} is not a date; use a date like 2026-01-31 "
                "or a span like 7d, 2w, 3m, 1y"
            )
    elif name == "tag":
        value = clean_tag(value)
    elif name == "author":
        if not words(value):
            return None, None
    else:
        value = clean_line(value)
    if not value:
        return None, None
    return Filter(name, value, tok.negated), None


def parse_query(text: str) -> Query:
    """Parse the search box text; never raises, whatever the input.

    Words and phrases AND together; ``OR`` (upper case) joins its two
    neighbours, which must both be words or both be filters; ``-x`` or
    ``NOT x`` excludes.  Dangling operators and empty filters (``tag:``) are
    ignored, because the box is parsed on every keystroke.
    """
    text = str(text)
    items: list[tuple[bool, Term | Filter] | None] = []  # None marks an OR
    columns: list[str] = []
    error: str | None = None
    pending_not = False
    for tok in _lex(text):
        if tok.kind == "or":
            items.append(None)
            continue
        if tok.kind == "not":
            pending_not = True
            continue
        negated = tok.negated or pending_not
        pending_not = False
        if tok.kind == "field" and tok.field == "in":
            for col in tok.text.lower().split(","):
                if col and col not in _COLUMNS:
                    error = error or (
                        f"in:{_show(tok.text)} is unknown; use in:title, in:body, "
                        "in:author or in:note"
                    )
                elif col and col not in columns:
                    columns.append(col)
            continue
        if tok.kind == "field":
            tok.negated = negated
            flt, problem = _check_filter(tok)
            error = error or problem
            if flt is not None:
                items.append((negated, flt))
            continue
        toks = tuple(words(tok.text))
        if toks:
            term = Term(tok.text, toks, phrase=tok.kind == "phrase", prefix=tok.prefix)
            items.append((negated, term))

    groups: list[list[tuple[bool, Term | Filter]]] = []
    join_next = False
    for item in items:
        if item is None:
            join_next = bool(groups)
            continue
        if join_next:
            join_next = False
            prev = groups[-1]
            same_kind = isinstance(item[1], Term) == isinstance(prev[0][1], Term)
            if item[0] or prev[0][0] or not same_kind:
                error = error or "OR must stand between two words or two filters, none excluded"
                continue
            prev.append(item)
            continue
        groups.append([item])

    terms: list[Term] = []
    phrases: list[Term] = []
    excluded: list[Term] = []
    any_of: list[tuple[Term, ...]] = []
    filters: list[Filter] = []
    any_filters: list[tuple[Filter, ...]] = []
    size = 0
    for group in groups:
        negated, first = group[0]
        size += sum(len(x.tokens) if isinstance(x, Term) else 1 for _, x in group)
        if len(group) > 1:
            alternatives = tuple(dict.fromkeys(x for _, x in group))
            if isinstance(first, Term):
                any_of.append(alternatives)  # type: ignore[arg-type]
            else:
                any_filters.append(alternatives)  # type: ignore[arg-type]
        elif isinstance(first, Filter):
            filters.append(first)
        elif negated:
            excluded.append(first)
        elif first.phrase:
            phrases.append(first)
        else:
            terms.append(first)
    if size > MAX_ITEMS:
        error = error or f"the query is too long: at most {MAX_ITEMS} words and filters"
    query = Query(
        text=text,
        terms=tuple(dict.fromkeys(terms)),
        phrases=tuple(dict.fromkeys(phrases)),
        excluded=tuple(dict.fromkeys(excluded)),
        any_of=tuple(dict.fromkeys(any_of)),
        filters=tuple(dict.fromkeys(filters)),
        any_filters=tuple(dict.fromkeys(any_filters)),
        columns=tuple(columns),
        error=error,
    )
    if error is None and query.is_empty and text.strip() and not columns:
        error = 'nothing to search for: type words, "a phrase" or a filter like tag:name'
        query = Query(text=text, error=error)
    return query


# -- compiling -------------------------------------------------------------


def _fts(term: Term) -> str:
    """One FTS5 phrase: the tokens in double quotes (quotes doubled), maybe a prefix."""
    body = " ".join(term.tokens).replace('"', '""')
    return f'"{body}"' + ("*" if term.prefix else "")


def _scoped(columns: Sequence[str], expr: str) -> str:
    return "{" + " ".join(columns) + "} : (" + expr + ")" if columns else expr


def _since(now: int, when: _When, tz: tzinfo | None) -> int:
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
    if f.name == "author":
        expr = " AND ".join(_fts(Term(w, (w,), prefix=True)) for w in words(v))
        return (
            f"{ident} IN ({_FTS_IDS})",
            ["{author} : (" + expr + ")"],
        )
    if f.name == "is":
        op, ids = _IS_VALUES[v]
        return f"{ident} {op} ({ids})", []
    when = _when(v)
    if when is None:  # parse_query rejects these; a hand-built Query may not
        raise InputError(f"{f.name}:{_show(v)} is not a date")
    op = "<" if f.name == "before" else ">="
    if published is not None:
        return f"{published} {op} ?", [_since(now, when, tz)]
    return f"{ident} IN (SELECT x.id FROM articles x WHERE x.published {op} ?)", [
        _since(now, when, tz)
    ]


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
    for f in q.filters:
        if direct and f.name == "is" and f.value in _DIRECT and not f.negated:
            clauses.append(_DIRECT[f.value])
            continue
        sql, p = _filter_sql(f, now, tz, ident, published)
        clauses.append(f"NOT ({sql})" if f.negated else sql)
        params.extend(p)
    for group in q.any_filters:
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


def compile_query(q: Query, now: int, *, tz: tzinfo | None = None) -> Compiled:
    """Turn a parsed query into SQL; raises InputError if ``q.error`` is set.

    Dates are read in ``tz`` (default: the local zone, as the UI shows them).
    Exclusions ride inside the MATCH (``x NOT (y OR z)``) when there are
    words to look for; alone, they become a ``NOT IN`` over the index, since
    FTS5 has no unary NOT.
    """
    if q.error:
        raise InputError(q.error)
    clauses, params, match = _conditions(q, now, tz, "a.id", "a.published")
    highlight: list[str] = []
    for t in (*q.terms, *q.phrases, *(t for g in q.any_of for t in g)):
        highlight.append(" ".join(fold(w) for w in t.tokens) + ("*" if t.prefix else ""))
    return Compiled(
        where=" AND ".join(clauses) or "1",
        params=params,
        match=match,
        in_title=q.columns == ("title",),
        highlight_terms=tuple(dict.fromkeys(highlight)),
    )


# -- running ---------------------------------------------------------------


def _plan(
    q: Query, now: int, tz: tzinfo | None, unread_only: bool = False, counting: bool = False
) -> tuple[str, list[Any], str | None]:
    """(where, params, match) for running a query, over ``articles_fts`` when
    there is a MATCH (ids as ``+rowid``, so filters are set lookups and never
    reach FTS5 as rowid constraints, which it would probe one by one) and
    over ``articles`` otherwise (dates then use its published index).
    """
    if unread_only:
        q = replace(q, filters=(*q.filters, Filter("is", "unread")))
    if q.has_words:
        clauses, params, match = _conditions(q, now, tz, "+rowid", None)
    else:
        clauses, params, match = _conditions(q, now, tz, "+id", "published", counting)
    return " AND ".join(clauses) or "1", params, match


def search(
    store: Store,
    text: str,
    *,
    now: int,
    limit: int = 50,
    offset: int = 0,
    tz: tzinfo | None = None,
) -> SearchResult:
    """One page of articles matching ``text``: best first with words, else newest first.

    Never raises for any input: an unusable query (or a database error) comes
    back as ``SearchResult.error`` with no articles.  Only the page's own
    article rows are read; the candidates are found from indexes alone.
    """
    q = parse_query(text)
    if q.error:
        return SearchResult([], q.error)
    try:
        c = compile_query(q, now, tz=tz)
        where, params, match = _plan(q, now, tz)
    except (InputError, ValueError, OverflowError, OSError) as exc:
        return SearchResult([], f"cannot search: {_show(str(exc), 80)}")
    limit, offset = max(0, int(limit)), max(0, int(offset))
    try:
        articles = store.search_page(
            where,
            params,
            match,
            limit=limit,
            offset=offset,
            window=max(RANK_WINDOW, offset + limit),
        )
    except sqlite3.Error as exc:
        return SearchResult([], f"search failed: {_show(str(exc), 80)}")
    return SearchResult(articles, None, c.highlight_terms, c.in_title)


def count(
    store: Store,
    text: str,
    now: int,
    *,
    unread_only: bool = False,
    tz: tzinfo | None = None,
) -> int:
    """How many articles match ``text`` (only unread ones with ``unread_only``).

    Counts every match, not just the ranking window.  An unusable query
    counts 0, so a broken saved search shows an empty badge, not a crash.
    """
    q = parse_query(text)
    if q.error:
        return 0
    try:
        where, params, match = _plan(q, now, tz, unread_only, counting=True)
    except (InputError, ValueError, OverflowError, OSError):
        return 0
    try:
        return store.count_matching(where, params, match)
    except sqlite3.Error:
        return 0


def matching_ids(
    store: Store, text: str, now: int, *, unread_only: bool = False, tz: tzinfo | None = None
) -> list[int]:
    """Ids of every article matching ``text``, newest first, in one query.

    For acting on a whole result (export, mark all read): no ranking and no
    paging, so 100k matches cost one index walk.  Raises InputError for an
    unusable query, since acting on "nothing" silently would mislead.
    """
    q = parse_query(text)
    if q.error:
        raise InputError(q.error)
    try:
        where, params, match = _plan(q, now, tz, unread_only, counting=True)
    except (ValueError, OverflowError, OSError) as exc:
        raise InputError(f"cannot search: {_show(str(exc), 80)}") from exc
    return store.matching_ids(where, params, match)


# -- highlighting ----------------------------------------------------------


def highlight_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Character ranges of ``text`` to highlight for ``terms``, sorted and merged.

    Matching mirrors the index: whole words, case and accents ignored; a term
    ending in ``*`` matches word starts; a term of several words matches them
    in a row (separated by anything that is not a word character).
    """
    if not text:
        return []
    patterns: list[tuple[tuple[str, ...], bool]] = []
    for term in terms:
        toks = tuple(fold(w) for w in words(term))
        if toks:
            patterns.append((toks, term.rstrip().endswith("*")))
    if not patterns:
        return []
    found = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
    toks = [f for _, _, f in found]
    where: dict[str, list[int]] = {}
    for i, tok in enumerate(toks):
        where.setdefault(tok, []).append(i)
    spans: list[tuple[int, int]] = []
    for pat, prefix in patterns:
        k = len(pat)
        if k == 1 and prefix:
            starts: Iterable[int] = (i for i, tok in enumerate(toks) if tok.startswith(pat[0]))
        else:
            starts = where.get(pat[0], ())
        for i in starts:
            if i + k > len(toks):
                continue
            if any(toks[i + j] != pat[j] for j in range(1, k - 1)):
                continue
            if k > 1:
                last = toks[i + k - 1]
                if not (last.startswith(pat[-1]) if prefix else last == pat[-1]):
                    continue
            spans.append((found[i][0], found[i + k - 1][1]))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


# -- snippets --------------------------------------------------------------

SNIPPET_WIDTH = 160
# The Markdown tui.core.convert writes, reduced to the words a reader sees.  Images go
# (the index does not hold their alt text either) and links keep their words.  Marks go
# without leaving a space, so "*privacy*." stays "privacy." and never "privacy .".
# No pattern can rescan: the text of a link or image stops at the next bracket (the
# converter escapes brackets in text), so 50,000 "[" in a code block stay linear.
_MD_IMAGE = re.compile(r"!\[(?:\\.|[^\[\]\\\n])*+\]\([^()\s]*+\)")
_MD_LINK = re.compile(r"(?<!\\)\[((?:\\.|[^\[\]\\\n])*+)\]\([^()\s]*+\)")
_MD_LIST_MARK = re.compile(r"(?:#{1,6}|[-+*]|\d{1,9}[.)])[ \t]+")
_MD_INLINE = re.compile(r"`([^`\n]++)`|\\([!-/:-@\[-`{-~])|[*_~`]++|\|")
_RULE_CHARS = "|:- \t"
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*+ ")


def _md_inline(m: re.Match[str]) -> str:
    if m.group(1) is not None:
        return m.group(1)  # a code span: its text, as is
    if m.group(2) is not None:
        return m.group(2)  # an escaped character: the character
    return " " if m.group() == "|" else ""  # table cells stay apart; emphasis goes


def markdown_words(md: str) -> str:
    """Converted Markdown as the one line of words a reader sees (no marks, no targets).

    Lines the reader shows apart (a hard break: "Credits:" then one name a line) are
    joined with " · ", so that the one line does not read as a sentence.
    """
    parts: list[str] = []
    for line in _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", md)).split("\n"):
        line = line.lstrip(" \t>")
        if line.startswith("```") or ("-" in line and not line.strip(_RULE_CHARS)):
            continue  # a code fence, a rule or a table's header line
        m = _MD_LIST_MARK.match(line)
        parts.append(line[m.end() :] if m else line)
        parts.append(" · " if line.endswith("  ") else " ")
    return clean_line(_MD_INLINE.sub(_md_inline, "".join(parts[:-1])))


def match_snippet(md: str, terms: Sequence[str], width: int = SNIPPET_WIDTH) -> str:
    """One line of the body around the first match of ``terms`` ("" if none).

    Reads the Markdown block by block until one matches (in the body worker: a long
    article stops early), then cuts about ``width`` characters around the match: from
    the start of its sentence when that is near, else from a word a third of the width
    before it, to the last whole word that fits.  "…" marks each side that was cut.
    """
    if not md or not terms:
        return ""
    for block in md.split("\n\n"):
        text = markdown_words(block)
        spans = highlight_spans(text, terms)
        if spans:
            return _cut(text, spans[0], width)
    return ""


def _cut(text: str, span: tuple[int, int], width: int) -> str:
    """``text`` cut to about ``width`` characters around ``span``, at word boundaries."""
    if len(text) <= width:
        return text
    first, last = span
    start = max(0, first - width // 3)
    if start:
        sentences = [m.end() for m in _SENTENCE_END.finditer(text, start, first)]
        if sentences:
            start = sentences[-1]
        else:
            space = text.find(" ", start, first)
            start = space + 1 if space >= 0 else start
    end = max(start + width, last)
    if end < len(text):
        space = text.rfind(" ", last, end + 1)
        end = space if space >= 0 else end
    else:
        end = len(text)
    cut = text[start:end].strip()
    return ("… " if start else "") + cut + (" …" if end < len(text) else "")


# -- saved searches --------------------------------------------------------


def _search_name(name: str) -> str:
    cleaned = clean_line(str(name))[:MAX_SEARCH_NAME].strip()
    if not cleaned:
        raise InputError("a saved search needs a name")
    return cleaned


def _search_query(query: str) -> str:
    cleaned = clean_line(str(query))
    if not cleaned:
        raise InputError("a saved search needs a query")
    q = parse_query(cleaned)
    if q.error:
        raise InputError(q.error)
    return cleaned


def save_search(store: Store, name: str, query: str) -> int:
    """Save a query under a name; returns its id.  InputError on a clash or bad query."""
    return store.add_saved_search(_search_name(name), _search_query(query))


def rename_search(store: Store, search_id: int, name: str) -> None:
    """Rename a saved search (changing only its case is allowed)."""
    store.set_saved_search(search_id, name=_search_name(name))


def update_search(store: Store, search_id: int, query: str) -> None:
    """Replace a saved search's query; InputError if the new query is unusable."""
    store.set_saved_search(search_id, query=_search_query(query))


def delete_search(store: Store, search_id: int) -> None:
    """Delete a saved search (never any article)."""
    store.delete_saved_search(search_id)


def _saved(store: Store, row: Sequence[Any], now: int, tz: tzinfo | None) -> SavedSearch:
    error = parse_query(row[2]).error
    unread = 0 if error else count(store, row[2], now, unread_only=True, tz=tz)
    return SavedSearch(row[0], row[1], row[2], unread, error)


def get_search(
    store: Store, search_id: int, *, now: int | None = None, tz: tzinfo | None = None
) -> SavedSearch:
    """One saved search with its unread count."""
    row = store.saved_search_row(search_id)
    return _saved(store, row, int(time.time()) if now is None else now, tz)


def saved_searches(
    store: Store, *, now: int | None = None, tz: tzinfo | None = None
) -> list[SavedSearch]:
    """Every saved search, sorted by name ignoring case, each with a live unread count."""
    now = int(time.time()) if now is None else now
    return [_saved(store, r, now, tz) for r in store.saved_search_rows()]

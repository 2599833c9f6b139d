"""The query language: ``Term``/``Filter``/``Query``, ``parse_query``.

Pure and never raising: the search box is parsed on every keystroke, so any
text parses to a :class:`Query`, with ``error`` set (a one-line message) when
it cannot be run.  :mod:`tui.core.query.sql` turns a query into SQL;
:func:`format_tag_filter` writes the filter that lists one tag, so the
quoting rules live on this side only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from tui.core.models import View
from tui.core.query import patterns
from tui.core.query.highlight import fold, words
from tui.core.query.lex import Tok, lex
from tui.core.tags import clean_tag
from tui.core.text import clean_line, shorten

MAX_ITEMS = 64

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
  title:/re/       a regular expression found in the title (also author:/re/,
                   link:/re/, content:/re/ for the text, feedurl:/re/); \\/ is a /
  feedurl:text     the feed's address contains text
  length:>500      text longer than 500 characters (also <, >=, <=)
  -tag:x -is:read  leave out what a filter matches
Filters alone list articles newest first; words list the best matches first,
articles with a word in their title before the others."""

IS_VALUES = ("unread", "read", "starred", "noted", "tagged")
COLUMNS = ("title", "author", "body", "note")
_REL = re.compile(r"(\d{1,6})([hdwmy])", re.I)
_ABS = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")


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
    """A ``name:value`` condition; ``negated`` (``-tag:x``) leaves its matches out.

    ``pattern`` marks a regular expression written between slashes
    (``author:/re/``, ``feedurl:/re/``): the same names take plain text too.
    """

    name: str
    value: str
    negated: bool = False
    pattern: bool = False


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

    @property
    def in_title(self) -> bool:
        """Whether the words are looked for in titles only (``in:title``)."""
        return self.columns == ("title",)

    @property
    def highlight_terms(self) -> tuple[str, ...]:
        """The words to highlight in results, folded; ``*`` marks a prefix."""
        found: list[str] = []
        for t in (*self.terms, *self.phrases, *(t for g in self.any_of for t in g)):
            found.append(" ".join(fold(w) for w in t.tokens) + ("*" if t.prefix else ""))
        return tuple(dict.fromkeys(found))


def show_value(value: str, width: int = 40) -> str:
    """User text quoted in a message: one line, bounded length."""
    return shorten(clean_line(value), width)


@dataclass(frozen=True, slots=True)
class When:
    """A date filter value: ``n`` units (h, d, w, m, y) ago, or a calendar date."""

    ago: int = 0
    unit: str = ""
    date: tuple[int, int, int] = (1970, 1, 1)


def parse_when(value: str) -> When | None:
    """Read ``7d``, ``2w``, ``3m``, ``1y``, ``12h`` or ``2026-01-31`` (or ``2026-01``, ``2026``)."""
    if m := _REL.fullmatch(value):
        return When(int(m.group(1)), m.group(2).lower())
    if m := _ABS.fullmatch(value):
        y, mo, d = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
        try:
            datetime(y, mo, d)
        except ValueError:
            return None
        return When(date=(y, mo, d)) if y >= 1970 else None
    return None


def _check_pattern(tok: Tok) -> tuple[Filter | None, str | None]:
    """Validate a ``name:/re/`` filter: (filter or None to ignore it, error message)."""
    shown = f"{tok.field}:/{show_value(tok.text)}"
    if not tok.closed and not tok.text:
        return None, None  # still being typed: ignore rather than complain
    if not tok.closed:
        return None, f"{shown} has no closing / (write \\/ for a slash inside it)"
    if tok.tail:
        return None, (
            f"{shown}/{show_value(tok.tail, 10)}: a pattern ends at its closing / "
            "(case is ignored already; write \\/ for a slash inside it)"
        )
    if not tok.text:
        return None, None  # still being typed
    if problem := patterns.pattern_error(tok.text):
        return None, f"{shown}/ is not a valid regular expression: {show_value(problem, 60)}"
    return Filter(tok.field, tok.text, tok.negated, pattern=True), None


def _check_filter(tok: Tok) -> tuple[Filter | None, str | None]:
    """Validate one filter: (filter or None to ignore it, error message)."""
    if tok.pattern:
        return _check_pattern(tok)
    name, value = tok.field, tok.text
    if not value:
        return None, None  # still being typed: ignore rather than complain
    if name in ("title", "link", "content"):
        return None, (
            f"{name}:{show_value(value)} needs a regular expression between slashes, "
            f"like {name}:/{show_value(value, 20)}/"
        )
    if name == "length" and patterns.parse_length(value) is None:
        return None, (
            f"length:{show_value(value)} is not a comparison; use length:>N, length:<N, "
            "length:>=N or length:<=N (N characters)"
        )
    if name == "is":
        key = value.lower()
        if key not in IS_VALUES:
            return None, (
                f"is:{show_value(value)} is unknown; use is:unread, is:read, is:starred, "
                "is:noted or is:tagged"
            )
        value = key
    elif name in ("before", "after"):
        if parse_when(value) is None:
            return None, (
                f"{name}:{show_value(value)} is not a date; use a date like 2026-01-31 "
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


# A query item: (excluded, what), or None for an OR between two items.
_Item = tuple[bool, Term | Filter]


def parse_query(text: str) -> Query:
    """Parse the search box text; never raises, whatever the input.

    Words and phrases AND together; ``OR`` (upper case) joins its two
    neighbours, which must both be words or both be filters; ``-x`` or
    ``NOT x`` excludes.  Dangling operators and empty filters (``tag:``) are
    ignored, because the box is parsed on every keystroke.
    """
    text = str(text)
    columns: list[str] = []
    items, error = _items(lex(text), columns)
    groups, or_error = _or_groups(items)
    query = _assemble(text, groups, tuple(columns), error or or_error)
    if query.error is None and query.is_empty and text.strip() and not columns:
        error = 'nothing to search for: type words, "a phrase" or a filter like tag:name'
        query = Query(text=text, error=error)
    return query


def _items(tokens: list[Tok], columns: list[str]) -> tuple[list[_Item | None], str | None]:
    """Tokens as terms and filters (None for each OR), and the first error.

    ``in:`` adds to ``columns`` instead of making an item; ``NOT`` excludes the
    next item.
    """
    items: list[_Item | None] = []
    error: str | None = None
    pending_not = False
    for tok in tokens:
        if tok.kind == "or":
            items.append(None)
            continue
        if tok.kind == "not":
            pending_not = True
            continue
        negated = tok.negated or pending_not
        pending_not = False
        if tok.kind == "field" and tok.field == "in":
            error = error or _add_columns(tok.text, columns)
        elif tok.kind == "field":
            tok.negated = negated
            flt, problem = _check_filter(tok)
            error = error or problem
            if flt is not None:
                items.append((negated, flt))
        elif toks := tuple(words(tok.text)):
            term = Term(tok.text, toks, phrase=tok.kind == "phrase", prefix=tok.prefix)
            items.append((negated, term))
    return items, error


def _add_columns(value: str, columns: list[str]) -> str | None:
    """Add the columns of ``in:a,b`` to ``columns``; a message for an unknown one."""
    error: str | None = None
    for col in value.lower().split(","):
        if col and col not in COLUMNS:
            error = error or (
                f"in:{show_value(value)} is unknown; use in:title, in:body, in:author or in:note"
            )
        elif col and col not in columns:
            columns.append(col)
    return error


def _or_groups(items: list[_Item | None]) -> tuple[list[list[_Item]], str | None]:
    """Items joined by OR into groups (most groups hold one item), and the first error."""
    groups: list[list[_Item]] = []
    error: str | None = None
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
    return groups, error


def _assemble(
    text: str, groups: list[list[_Item]], columns: tuple[str, ...], error: str | None
) -> Query:
    """The query the groups make, duplicates dropped; too many items is an error."""
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
    return Query(
        text=text,
        terms=tuple(dict.fromkeys(terms)),
        phrases=tuple(dict.fromkeys(phrases)),
        excluded=tuple(dict.fromkeys(excluded)),
        any_of=tuple(dict.fromkeys(any_of)),
        filters=tuple(dict.fromkeys(filters)),
        any_filters=tuple(dict.fromkeys(any_filters)),
        columns=columns,
        error=error,
    )


def view_filters(view: View) -> tuple[Filter, ...]:
    """A view's conditions (its query aside) as filters, to narrow a query to the view.

    ``feed:`` with a feed id names that feed (see :mod:`tui.core.query.sql`).
    """
    found: list[Filter] = []
    if view.feed_id is not None:
        found.append(Filter("feed", str(view.feed_id)))
    if view.folder is not None:
        found.append(Filter("folder", view.folder))
    found += [Filter("is", name) for name in ("unread", "starred", "noted") if getattr(view, name)]
    return tuple(found)


def format_tag_filter(name: str) -> str:
    """The filter that lists a tag's articles: quoted when the name has spaces
    or starts with a quote, a quote inside written twice (the query syntax)."""
    if name and not any(c.isspace() for c in name) and not name.startswith('"'):
        return f"tag:{name}"
    return 'tag:"' + name.replace('"', '""') + '"'

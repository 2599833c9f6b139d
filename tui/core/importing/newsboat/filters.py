"""newsboat filter expressions translated into Gazette's query language (pure).

Gazette's language has no parentheses: a query is an AND of OR-groups, each
group all filters, none negated.  So the newsboat tree is brought into that
form (conjunctive normal form): each comparison becomes a small formula of
literals (a filter, possibly negated), ``and`` joins their clauses and ``or``
distributes.  A negated literal alone is written ``-filter``; inside an OR
group it needs a positive complement (``is:unread``/``is:read``,
``after:``/``before:``, a regex that matches where the other does not), and
where there is none the expression is reported, not half-translated.

Approximations, said once here: newsboat's ``=`` compares exactly and with
case, Gazette's regex filters ignore case; ``age`` counts whole days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.core.importing.newsboat.filterparse import (
    Compare,
    FilterSyntaxError,
    Node,
    parse_filter,
)

#: At most this many filters in one translated query (Gazette's MAX_ITEMS).
MAX_LITERALS = 64

#: newsboat attribute -> Gazette regex filter.
REGEX_FIELDS = {
    "title": "title",
    "author": "author",
    "link": "link",
    "content": "content",
    "description": "content",
    "feedurl": "feedurl",
    "rssurl": "feedurl",
}

#: POSIX bracket classes (newsboat's regexes are POSIX) in Python's spelling.
_POSIX_CLASSES = {
    "[:alpha:]": "a-zA-Z",
    "[:digit:]": "0-9",
    "[:alnum:]": "a-zA-Z0-9",
    "[:upper:]": "A-Z",
    "[:lower:]": "a-z",
    "[:space:]": r"\s",
    "[:blank:]": r" \t",
    "[:punct:]": r"!-/:-@\[-`{-~",
    "[:xdigit:]": "0-9A-Fa-f",
}


class Untranslatable(ValueError):
    """The expression parses but cannot be said in Gazette's language."""


@dataclass(frozen=True, slots=True)
class Literal:
    """One Gazette filter (``text``, written positively) and whether it is negated."""

    text: str
    negated: bool = False

    def flipped(self) -> Literal:
        return Literal(self.text, not self.negated)


#: An OR of literals, and an AND of clauses; tuples keep the order they were written in.
Clause = tuple[Literal, ...]
Cnf = tuple[Clause, ...]


@dataclass(frozen=True, slots=True)
class Translation:
    """A translated expression: ``query`` in Gazette's language, or ``problem`` saying why not."""

    source: str
    query: str | None = None
    problem: str | None = None


def translate(expr: str, *, star_flags: str = "s") -> Translation:
    """Translate one newsboat filter expression; never raises.

    ``star_flags`` are the flag letters that mean "starred" in Gazette; any
    other flag letter ``X`` is the tag ``flag-X`` (as the cache import sets it).
    """
    try:
        tree = parse_filter(expr)
    except FilterSyntaxError as exc:
        return Translation(expr, problem=f"does not parse: {exc}")
    try:
        return Translation(expr, query=render(_cnf(tree, star_flags)))
    except Untranslatable as exc:
        return Translation(expr, problem=str(exc))


def _cnf(node: Node, star_flags: str) -> Cnf:
    if isinstance(node, Compare):
        return compare_cnf(node, star_flags)
    left, right = _cnf(node.left, star_flags), _cnf(node.right, star_flags)
    return _and(left, right) if node.op == "and" else _or(left, right)


def _and(a: Cnf, b: Cnf) -> Cnf:
    return tuple(dict.fromkeys(a + b))


def _or(a: Cnf, b: Cnf) -> Cnf:
    """``a or b`` distributed: one clause per pair; clauses that always hold dropped."""
    if len(a) * len(b) > MAX_LITERALS:
        raise Untranslatable("too many alternatives once the parentheses are expanded")
    out: list[Clause] = []
    for x in a:
        for y in b:
            clause = tuple(dict.fromkeys(x + y))
            if not any(lit.flipped() in clause for lit in clause):  # x OR -x holds always
                out.append(clause)
    return tuple(dict.fromkeys(out))


def _lit(text: str, negated: bool = False) -> Cnf:
    return ((Literal(text, negated),),)


def _negate(cnf: Cnf) -> Cnf:
    """not (C1 and C2 ...) = (not C1) or (not C2) ..., each ``not Ci`` an AND of
    its literals flipped."""
    result: Cnf | None = None
    for clause in cnf:
        flipped = tuple((lit.flipped(),) for lit in clause)
        result = flipped if result is None else _or(result, flipped)
    if result is None:
        raise Untranslatable("the expression matches no article")
    return result


def compare_cnf(cmp: Compare, star_flags: str = "s") -> Cnf:
    """One comparison as clauses of literals; Untranslatable when Gazette has no equivalent."""
    attr, op, value = cmp.attribute, cmp.op, cmp.value
    negated = op in ("!=", "!~", "!#")
    positive = {"!=": "=", "!~": "=~", "!#": "#", "==": "="}.get(op, op)
    if attr == "unread":
        return _unread(positive, value, negated)
    if attr == "age":
        return _age(op, cmp)
    if attr == "tags":
        if positive != "#":
            raise Untranslatable(f"tags {op} cannot be expressed (only # and !# can)")
        return _lit(_quoted("tag", value), negated)
    if attr == "flags":
        return _flags(positive, value, negated, star_flags)
    if attr == "feedtitle" and positive == "=" and cmp.kind == "string":
        # feed: matches part of the title: close enough for "is this feed".
        return _lit(_quoted("feed", value), negated)
    if attr in REGEX_FIELDS:
        return _lit(_regex_filter(REGEX_FIELDS[attr], positive, value, cmp.kind), negated)
    raise Untranslatable(f"newsboat's {attr} {op} has no equivalent in Gazette's search")


def _unread(op: str, value: str, negated: bool) -> Cnf:
    if op != "=" or value.lower() not in ("yes", "no"):
        raise Untranslatable(f'unread {op} "{value}" cannot be expressed (use "yes" or "no")')
    # is:read is written as "not is:unread", so that "unread or not" is seen to always hold.
    return _lit("is:unread", (value.lower() == "yes") == negated)


def _age(op: str, cmp: Compare) -> Cnf:
    """``age`` is whole days since publication: ``age < N`` is ``after:Nd``."""
    if cmp.kind == "range" and op == "between":
        low, high = (int(x) for x in cmp.value.split(":"))
        return _and(_age(">=", Compare("age", ">=", str(low), "number")), _age_at_most(high))
    if cmp.kind != "number":
        raise Untranslatable(f"age {op} needs a number of days")
    n = int(cmp.value)
    if n < 0:
        raise Untranslatable("age cannot be negative")
    if op == "<":
        if n == 0:
            raise Untranslatable("age < 0 matches no article")
        return _after(n)
    if op == "<=":
        return _age_at_most(n)
    if op == ">":
        return _after(n + 1, negated=True)
    if op == ">=":
        return () if n == 0 else _after(n, negated=True)  # () holds always
    if op in ("=", "=="):
        return _and(_age_at_most(n), _age(">=", Compare("age", ">=", str(n), "number")))
    if op == "!=":
        return _negate(_age("=", Compare("age", "=", str(n), "number")))
    raise Untranslatable(f"age {op} cannot be expressed")


def _age_at_most(n: int) -> Cnf:
    return _after(n + 1)


def _after(days: int, *, negated: bool = False) -> Cnf:
    """``after:Nd``; negated, it is ``before:Nd`` (written as a negation so that
    ``age < 3 or age >= 3`` is seen to always hold)."""
    return _lit(f"after:{days}d", negated)


def _flags(op: str, value: str, negated: bool, star_flags: str) -> Cnf:
    if op != "#" or not value:
        raise Untranslatable(f'flags {op} "{value}" cannot be expressed (only # and !# can)')
    clauses = tuple((Literal(flag_filter(letter, star_flags)),) for letter in dict.fromkeys(value))
    return _negate(clauses) if negated else clauses


def flag_filter(letter: str, star_flags: str = "s") -> str:
    """The filter for articles carrying a newsboat flag: starred, or the tag ``flag-X``."""
    return "is:starred" if letter in star_flags else f"tag:flag-{letter}"


def _regex_filter(field: str, op: str, value: str, kind: str) -> str:
    if op == "=~":
        pattern = posix_to_python(value)
    elif op == "=":
        pattern = f"^{re.escape(value)}$"
    elif op == "#":  # newsboat: one of the space-separated words equals the value
        pattern = rf"(?:^|\s){re.escape(value)}(?:\s|$)"
    else:
        raise Untranslatable(f"{field} {op} cannot be expressed")
    if kind == "range":
        raise Untranslatable(f"{field} cannot be compared with a range")
    return f"{field}:/{_slashed(pattern)}/"


def posix_to_python(pattern: str) -> str:
    """A POSIX extended regex in Python's spelling; Untranslatable when it will not compile."""
    out = pattern
    for posix, python in _POSIX_CLASSES.items():
        out = out.replace(posix, python)
    try:
        re.compile(out)
    except re.error as exc:
        raise Untranslatable(f"the regular expression {pattern!r} is not valid: {exc}") from None
    return out


def _slashed(pattern: str) -> str:
    r"""A pattern fit to stand between slashes in a query: ``/`` escaped, and
    spaces as ``\x20`` so that the filter stays one token whatever the lexer."""
    out: list[str] = []
    escaped = False
    for ch in pattern:
        if escaped:
            out.append("x20" if ch == " " else ch)  # re.escape writes a space as "\\ "
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif ch == "/":
            out.append("\\/")
        elif ch == " ":
            out.append("\\x20")
        else:
            out.append(ch)
    return "".join(out)


def _quoted(name: str, value: str) -> str:
    """``name:value``, quoted (a quote inside doubled) when the value needs it."""
    if value and not any(c.isspace() for c in value) and '"' not in value:
        return f"{name}:{value}"
    return f'{name}:"' + value.replace('"', '""') + '"'


def _opposite(text: str) -> str | None:
    """The filter that matches exactly where ``text`` does not, when the language has one."""
    if text == "is:unread":
        return "is:read"
    if text.startswith("after:"):
        return "before:" + text.removeprefix("after:")
    return None


def _complement(lit: Literal) -> str:
    """A positive filter matching where the negated ``lit`` does, for OR groups."""
    text = lit.text
    if (opposite := _opposite(text)) is not None:
        return opposite
    m = re.fullmatch(r"([a-z]+):/(.*)/", text, re.S)
    if m:
        return f"{m.group(1)}:/(?s)\\A(?!.*(?:{m.group(2)}))/"
    raise Untranslatable(f"-{text} cannot stand in an OR group (Gazette has no opposite of it)")


def render(cnf: Cnf) -> str:
    """The query text: OR-groups joined by spaces, in the order they were written."""
    if not cnf:
        raise Untranslatable("the expression matches every article")
    if sum(len(c) for c in cnf) > MAX_LITERALS:
        raise Untranslatable(f"more than {MAX_LITERALS} filters once translated")
    groups: list[str] = []
    for clause in cnf:
        if len(clause) == 1:
            lit = clause[0]
            if lit.negated:
                groups.append(_opposite(lit.text) or f"-{lit.text}")
            else:
                groups.append(lit.text)
        else:
            groups.append(" OR ".join(_complement(x) if x.negated else x.text for x in clause))
    return " ".join(groups)


__all__ = ["FilterSyntaxError", "Translation", "Untranslatable", "flag_filter", "translate"]

"""The query lexer: text to tokens (words, phrases, ``name:value`` filters, OR, NOT).

Every character sequence lexes to something; :mod:`tui.core.query.parse`
decides what the tokens mean and which are errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.core.text import clean_line

FIELDS = frozenset(
    {
        "tag",
        "feed",
        "folder",
        "author",
        "is",
        "before",
        "after",
        "in",
        "title",
        "link",
        "content",
        "feedurl",
        "length",
    }
)
#: Fields whose value may be a pattern between slashes (``title:/re/``).
PATTERN_FIELDS = frozenset({"title", "author", "link", "content", "feedurl"})
_FIELD = re.compile(r"([A-Za-z]+):")


@dataclass(slots=True)
class Tok:
    """One token.  For a pattern (``title:/re/``), ``text`` is what stands
    between the slashes; ``closed`` says whether the closing slash was found
    and ``tail`` is any text glued after it (``/re/i``), both errors."""

    kind: str  # word | phrase | field | or | not
    text: str
    negated: bool = False
    prefix: bool = False
    field: str = ""
    pattern: bool = False
    closed: bool = True
    tail: str = ""


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


def _read_pattern(s: str, i: int) -> tuple[str, int, bool]:
    """The pattern after the slash at ``s[i]``, up to the next unescaped slash:
    (pattern, index after it, whether it was closed).

    Spaces belong to the pattern (``title:/big deal/``) and ``\\/`` stands
    for a slash; the backslash stays, which the regular expression reads as
    a plain ``/``.  Unlike a quote, an unclosed pattern is an error rather
    than running to the end: the rest of the line (``OR link:/x/``) would
    silently become part of it.
    """
    j, n = i + 1, len(s)
    while j < n:
        if s[j] == "\\":
            j += 2
        elif s[j] == "/":
            return s[i + 1 : j], j + 1, True
        else:
            j += 1
    return s[i + 1 :], n, False


def lex(text: str) -> list[Tok]:
    """Split a query into tokens; every character sequence lexes to something."""
    s = clean_line(text)  # escape sequences, controls and bidi characters are not query text
    out: list[Tok] = []
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
            out.append(Tok("phrase", body, negated, prefix))
            continue
        m = _FIELD.match(s, i)
        if m and (field := m.group(1).lower()) in FIELDS:
            i = m.end()
            if i < n and s[i] == "/" and field in PATTERN_FIELDS:
                value, i, closed = _read_pattern(s, i)
                j = _read_until_space(s, i)
                tail, i = s[i:j], j
                out.append(Tok("field", value, negated, False, field, True, closed, tail))
                continue
            if i < n and s[i] == '"':
                value, i = _read_quoted(s, i, doubled=True)
            else:
                j = _read_until_space(s, i)
                value, i = s[i:j], j
            out.append(Tok("field", value.strip(), negated, field=field))
            continue
        j = _read_until_space(s, i)
        word, i = s[i:j], j
        if not negated and word in ("OR", "AND", "NOT"):
            if word != "AND":  # AND is what juxtaposition means already
                out.append(Tok(word.lower(), word))
            continue
        out.append(Tok("word", word.rstrip("*"), negated, word.endswith("*")))
    return out

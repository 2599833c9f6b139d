"""Highlighting: where a query's words are in a text, and the snippet around the first.

Matching mirrors the full-text index (FTS5's unicode61 tokenizer): whole
words of letters and digits, case and accents ignored.  Pure and free of
SQL, so the UI can import this module alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from tui.core.text import clean_line

# A token as FTS5's unicode61 tokenizer sees one: letters and digits, with
# combining accents kept inside the word (unicode61 does the same).
_WORD = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+"
)


def words(text: str) -> list[str]:
    """The index tokens of ``text`` as written (not folded)."""
    return _WORD.findall(text)


def fold(word: str) -> str:
    """Case- and accent-free form of a word, for highlighting and name matching."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def highlight_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Character ranges of ``text`` to highlight for ``terms``, sorted and merged.

    Matching mirrors the index: whole words, case and accents ignored; a term
    ending in ``*`` matches word starts; a term of several words matches them
    in a row (separated by anything that is not a word character).
    """
    if not text:
        return []
    patterns = _patterns(terms)
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
    return _merged(spans)


def _patterns(terms: Iterable[str]) -> list[tuple[tuple[str, ...], bool]]:
    """Each term as (its folded words, whether the last one is a prefix)."""
    patterns: list[tuple[tuple[str, ...], bool]] = []
    for term in terms:
        folded = tuple(fold(w) for w in words(term))
        if folded:
            patterns.append((folded, term.rstrip().endswith("*")))
    return patterns


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted, overlapping ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


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

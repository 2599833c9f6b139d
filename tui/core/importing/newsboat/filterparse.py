"""newsboat's filter language read into a small tree (pure).

Checked against newsboat 2.21 itself (its ``ignore-article`` on a feed):
``and`` and ``or`` have the same precedence and group from the left, so
``a or b and c`` is ``(a or b) and c``; strings are double-quoted with no
escapes (a string cannot hold a quote); values are strings, numbers or
ranges (``1:5``, for ``between``); parentheses group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPERATORS = ("==", "=~", "!=", "!~", "!#", "<=", ">=", "=", "<", ">", "#", "between")

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<open>\()|(?P<close>\))
    | "(?P<string>[^"]*)"
    | (?P<unclosed>"[^"]*$)
    | (?P<range>\d+:\d+)
    | (?P<number>-?\d+)(?![A-Za-z_.])
    | (?P<op>==|=~|!=|!~|!\#|<=|>=|=|<|>|\#)
    | (?P<ident>[A-Za-z_.-]+)
    )""",
    re.X,
)


class FilterSyntaxError(ValueError):
    """The expression does not parse; the message says where."""


@dataclass(frozen=True, slots=True)
class Compare:
    """``attribute op value``; ``kind`` is how the value was written (string, number, range)."""

    attribute: str
    op: str
    value: str
    kind: str = "string"


@dataclass(frozen=True, slots=True)
class Logic:
    """``left and right`` or ``left or right``."""

    op: str  # "and" | "or"
    left: Node
    right: Node


Node = Compare | Logic


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i:].strip() == "":
            break
        m = _TOKEN.match(text, i)
        if m is None or m.lastgroup is None:
            raise FilterSyntaxError(f"unexpected {text[i:].strip()[:20]!r}")
        if m.lastgroup == "unclosed":
            raise FilterSyntaxError("a quote is not closed")
        kind = m.lastgroup
        value = m.group(kind)
        if kind == "ident" and value.lower() == "between":
            kind = "op"
        out.append((kind, value))
        i = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise FilterSyntaxError("the expression ends too early")
        self.pos += 1
        return tok

    def expression(self) -> Node:
        node = self.primary()
        while (tok := self.peek()) is not None and tok[0] == "ident":
            op = tok[1].lower()
            if op not in ("and", "or"):
                raise FilterSyntaxError(f"expected and/or, found {tok[1]!r}")
            self.pos += 1
            node = Logic(op, node, self.primary())
        return node

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "open":
            node = self.expression()
            if self.take()[0] != "close":
                raise FilterSyntaxError("a parenthesis is not closed")
            return node
        if kind != "ident":
            raise FilterSyntaxError(f"expected an attribute, found {value!r}")
        op_kind, op = self.take()
        if op_kind != "op":
            raise FilterSyntaxError(f"expected an operator after {value}, found {op!r}")
        val_kind, val = self.take()
        if val_kind not in ("string", "number", "range"):
            raise FilterSyntaxError(f"expected a quoted value after {value} {op}, found {val!r}")
        return Compare(value.lower(), op.lower(), val, val_kind)


def parse_filter(text: str) -> Node:
    """The tree of a newsboat filter expression; FilterSyntaxError if it does not parse."""
    parser = _Parser(_tokens(text))
    if parser.peek() is None:
        raise FilterSyntaxError("the expression is empty")
    node = parser.expression()
    if (tok := parser.peek()) is not None:
        raise FilterSyntaxError(f"unexpected {tok[1]!r}")
    return node

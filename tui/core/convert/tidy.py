"""The last pass over every converted body: blank lines, trailing spaces, controls."""

from __future__ import annotations

import re

from tui.core.text import clean_block

__all__ = ["tidy"]

_FENCE_OPEN_RE = re.compile(r"(`{3,})[^`]*$")


def tidy(md: str) -> str:
    """Collapse blank-line runs and drop trailing spaces, leaving fenced code alone.

    Blank lines and trailing spaces inside a fence are content.  Fences are recognised
    after list indentation and ``>`` markers; since the converter sizes every fence above
    the longest backtick run it contains (:mod:`tui.core.convert.code`), no code line can
    look like its closing fence, and escaped text cannot look like an opening one.  A
    trailing double space is kept only where it is a Markdown hard break (``<br>``)
    followed by more text.
    """
    md = clean_block(md)  # belt and braces: attributes, fallback text, anything missed
    lines = md.split("\n")
    out: list[str] = []
    fence = 0
    last = len(lines) - 1
    for i, line in enumerate(lines):
        if fence:
            out.append(line)
            body = line.lstrip(" >").rstrip()
            if len(body) >= fence and body == "`" * len(body):
                fence = 0
            continue
        stripped = line.rstrip()
        if not stripped.strip():
            if out and out[-1] == "":
                continue
            out.append("")
            continue
        m = _FENCE_OPEN_RE.match(stripped.lstrip(" >"))
        if m:
            fence = len(m.group(1))
            out.append(stripped)
            continue
        if line.endswith("  ") and i < last and lines[i + 1].strip():
            stripped += "  "
        out.append(stripped)
    return "\n".join(out).strip()

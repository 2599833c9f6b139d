"""Code and math: text shown verbatim, in spans and fences nothing inside can close.

A line of backticks inside ``<pre>`` ends markdownify's fixed ``````` fence early and the
rest of the article renders as code, so fences (and code spans) are sized to the code
they hold.  MathML is shown as code too: as prose ``<msup><mi>x</mi><mn>2</mn></msup>``
would read "x2".
"""

from __future__ import annotations

import re

from bs4 import Tag

from tui.core.convert.tree import attr
from tui.core.text import clean_line

__all__ = ["code_language", "fenced_code", "inline_code", "math_code", "strip_pre"]

_BACKTICK_RUN_RE = re.compile(r"`+")
_LANG_CLASS_RE = re.compile(r"^(?:language|lang)-(.+)$", re.IGNORECASE)
_LANG_OK_RE = re.compile(r"[^A-Za-z0-9_+#.\-]")
_TEX_ENCODINGS = ("application/x-tex", "tex", "latex")


def _max_backtick_run(text: str) -> int:
    return max((len(m) for m in _BACKTICK_RUN_RE.findall(text)), default=0)


def inline_code(text: str) -> str:
    """``text`` as one code span whose delimiter no backtick run inside can close."""
    text = " ".join(text.split())
    if not text:
        return ""
    delimiter = "`" * (_max_backtick_run(text) + 1)
    if text.startswith("`") or text.endswith("`"):
        text = f" {text} "
    return f"{delimiter}{text}{delimiter}"


def fenced_code(pre: Tag, text: str) -> str:
    """The converted text of ``<pre>`` as a fenced block, or "" if it holds only blanks.

    The fence is one backtick longer than any run inside, so the code cannot close it.
    """
    text = strip_pre(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        return ""
    fence = "`" * max(3, _max_backtick_run(text) + 1)
    return f"\n\n{fence}{code_language(pre)}\n{text}\n{fence}\n\n"


def code_language(pre: Tag) -> str:
    """Fence info string from ``language-xxx``/``lang-xxx`` on ``<pre>`` or its ``<code>``.

    Restricted to a safe charset: a backtick in the info string would make markdown-it
    refuse the fence, and spaces would add junk after the language.
    """
    candidates: list[Tag] = [pre]
    code = pre.find("code")
    if isinstance(code, Tag):
        candidates.append(code)
    for el in candidates:
        classes: str | list[str] = el.get("class") or []
        if isinstance(classes, str):
            classes = classes.split()
        for cls in classes:
            m = _LANG_CLASS_RE.match(cls)
            if m:
                return _LANG_OK_RE.sub("", m.group(1))[:32]
        for name in ("data-lang", "data-language"):
            value = attr(el, name)
            if value:
                return _LANG_OK_RE.sub("", value)[:32]
    return ""


def strip_pre(text: str) -> str:
    """markdownify's ``strip_pre`` (blank lines around code go, indentation stays), linear.

    Its ``[ \\n]*$`` regex rescans a long run of spaces inside the code from every
    position in it (50 KB: 3 s).
    """
    lead = len(text) - len(text.lstrip(" \n"))
    newline = text.rfind("\n", 0, lead)
    if newline >= 0:
        text = text[newline + 1 :]
    return text.rstrip(" \n")


def math_code(math: Tag) -> str:
    """MathML as a code span of its TeX source or alttext, else of its flat text."""
    source = attr(math, "alttext")
    if not source:
        for ann in math.find_all("annotation"):
            if attr(ann, "encoding").lower() in _TEX_ENCODINGS:
                source = ann.get_text()
                break
    if not source:
        source = math.get_text(" ")
    return inline_code(clean_line(source))

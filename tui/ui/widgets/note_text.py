"""The words of the notes panel: a note's age, its error line, a quote to note.

Pure functions of strings and times (no widget), so the notes panel's
layers and the reader screen's "quote to note" share them and the tests
check them without an app.
"""

from __future__ import annotations

from datetime import datetime

from tui.core import GazetteError, urls
from tui.ui.safe import clean, clean_block

__all__ = ["error_line", "not_saved_line", "note_age", "quote_block"]


def error_line(exc: BaseException) -> str:
    """One line saying the note is not saved and why (the text is still here)."""
    if isinstance(exc, GazetteError):
        return not_saved_line(str(exc))
    return not_saved_line(f"{type(exc).__name__}: {exc}")


def not_saved_line(why: str) -> str:
    """The line of :func:`error_line` for a reason already in words (a worker's answer)."""
    return f"Note not saved ({clean(why)}); your text is kept and will be retried."


def note_age(ts: int, now: float) -> str:
    """How long ago, in words: "just now", "3 min ago", "5 h ago", "2 days ago", "on 21 Mar"."""
    age = now - ts
    if age < 60:  # also a clock that went backwards
        return "just now"
    if age < 3600:
        return f"{int(age // 60)} min ago"
    if age < 86400:
        return f"{int(age // 3600)} h ago"
    if age < 2 * 86400:
        return "yesterday"
    if age < 7 * 86400:
        return f"{int(age // 86400)} days ago"
    when = datetime.fromtimestamp(ts)
    if when.year == datetime.fromtimestamp(now).year:
        return "on " + when.strftime("%d %b")
    return "on " + when.strftime("%d %b %Y")


#: Characters with a meaning in Markdown link text (escaped in the link line).
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\[]*_`<>"})
#: Characters that would end or break a Markdown link destination.
_URL_UNSAFE = str.maketrans({" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"})


def quote_block(text: str, title: str | None, url: str | None) -> str:
    """``text`` as a Markdown ``>`` quote, then a line linking the article.

    ``text`` is plain text from the article (a paragraph or a selection):
    control characters go, each line gets ``"> "`` (a blank line ``">"``, runs
    of blank lines become one).  The link line is ``— [Title](url)``; the
    title is escaped so it stays link text, the URL has the characters that
    would end a link destination percent-encoded, and a URL that the one URL
    policy (:func:`tui.core.urls.is_link`) does not call a link
    (``javascript:``, a relative path, a web URL with no host) is left out:
    the line is then just the title.  The result ends with a blank line, ready for the
    user's own words below.
    """
    lines: list[str] = []
    for raw in clean_block(text).expandtabs(4).split("\n"):
        line = raw.rstrip()
        if line:
            lines.append("> " + line)
        elif lines and lines[-1] != ">":
            lines.append(">")
    while lines and lines[-1] == ">":
        lines.pop()
    name = (clean(title) or "untitled").translate(_MD_SPECIAL)
    link = clean(url)
    if urls.is_link(link):
        attribution = f"— [{name}]({link.translate(_URL_UNSAFE)})"
    else:
        attribution = f"— {name}"
    return "\n".join([*lines, "", attribution]) + "\n\n"

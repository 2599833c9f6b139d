"""newsboat's ``config`` read for what an import can bring: its filters (pure).

``ignore-article FEED "EXPR"`` becomes a hide rule (FEED ``*`` for every
feed, else the feed's URL) and ``highlight-article "EXPR" FG BG [ATTR...]``
a highlight rule, each expression translated by :mod:`.filters`.  Every
other line is one of newsboat's own settings (keys, colours, browser...):
those have no counterpart and are counted, not listed, except the few that
touch filtering, which are listed with why.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.importing.drafts import RuleDraft
from tui.core.importing.newsboat.filters import translate
from tui.core.importing.newsboat.lines import QuotingError, Skipped, numbered_lines, tokenize
from tui.core.rules import HIGHLIGHT_COLORS

#: newsboat's numbered colours 1-6 and 9-14 (the bright ones) in the palette.
_ANSI = {1: "red", 2: "green", 3: "yellow", 4: "blue", 5: "magenta", 6: "cyan"}

#: Directives about filtering that are listed when not imported, with why.
_LISTED = {
    "highlight": "highlights words in the text, not articles: not imported",
    "highlight-feed": "highlights feeds, which Gazette does not do: not imported",
    "always-download": "concerns podcasts: not imported",
    "define-filter": "a filter to pick by hand, not a rule: not imported",
}


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """Rule drafts with the line each came from, what was left out, and counts."""

    rules: tuple[tuple[int, RuleDraft], ...] = ()
    skipped: tuple[Skipped, ...] = ()
    ignore_mode: str = "download"
    other_settings: int = 0


def colour(name: str) -> str | None:
    """A newsboat colour (``red``, ``color3``, ``color196``) in the palette, or None."""
    name = name.lower()
    if name in HIGHLIGHT_COLORS:
        return name
    if name.startswith("color") and name[5:].isdigit():
        n = int(name[5:])
        if n < 16:
            return _ANSI.get(n % 8) if n % 8 else None
        if n < 232:  # the 6x6x6 cube: the strongest channels decide
            n -= 16
            rgb = (n // 36, n // 6 % 6, n % 6)
            return _hue(rgb)
    return None


def _hue(rgb: tuple[int, int, int]) -> str | None:
    top = max(rgb)
    if top == 0 or min(rgb) == top:
        return None  # black, white or grey
    r, g, b = (c * 2 > top for c in rgb)  # channels over half the strongest
    return {
        (True, False, False): "red",
        (False, True, False): "green",
        (False, False, True): "blue",
        (True, True, False): "yellow",
        (True, False, True): "magenta",
        (False, True, True): "cyan",
    }.get((r, g, b), "yellow")


def read_config(text: str, *, star_flags: str = "s") -> ConfigFile:
    """The rules a ``config`` file defines and each line not imported with why."""
    rules: list[tuple[int, RuleDraft]] = []
    skipped: list[Skipped] = []
    mode = "download"
    others = 0
    for number, raw in numbered_lines(text):
        if "`" in raw:
            skipped.append(Skipped("config", number, raw, "runs a command (`…`): not imported"))
            continue
        try:
            tokens = tokenize(raw)
        except QuotingError as exc:
            skipped.append(Skipped("config", number, raw, str(exc)))
            continue
        if not tokens:
            continue
        name, args = tokens[0].lower(), tokens[1:]
        problem: str | None = None
        if name == "ignore-article":
            problem = _ignore(args, number, rules, star_flags)
        elif name == "highlight-article":
            problem = _highlight(args, number, rules, star_flags)
        elif name == "ignore-mode":
            mode = args[0].lower() if args else mode
            if mode == "download":
                problem = (
                    "Gazette stores ignored articles and hides them (newsboat never stored them)"
                )
        elif name in _LISTED:
            problem = _LISTED[name]
        else:
            others += 1
        if problem:
            skipped.append(Skipped("config", number, raw, problem))
    return ConfigFile(tuple(rules), tuple(skipped), mode, others)


def _ignore(
    args: list[str], number: int, rules: list[tuple[int, RuleDraft]], star_flags: str
) -> str | None:
    if len(args) != 2:
        return 'expected ignore-article FEED "EXPR"'
    feed, expr = args
    done = translate(expr, star_flags=star_flags)
    if done.query is None:
        return done.problem
    scope = None if feed == "*" else feed
    rules.append((number, RuleDraft(done.query, "hide", feed_url=scope)))
    return None


def _highlight(
    args: list[str], number: int, rules: list[tuple[int, RuleDraft]], star_flags: str
) -> str | None:
    if len(args) < 3:
        return 'expected highlight-article "EXPR" FG BG'
    expr, fg, bg = args[:3]
    done = translate(expr, star_flags=star_flags)
    if done.query is None:
        return done.problem
    shown = colour(fg) or colour(bg)
    if shown is None:
        return f"neither {fg} nor {bg} is one of {', '.join(HIGHLIGHT_COLORS)}"
    rules.append((number, RuleDraft(done.query, "highlight", colour=shown)))
    return None

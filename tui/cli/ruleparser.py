"""The grammar of ``gazette rule ...`` and ``gazette rules ...`` (argparse only,
so that ``gazette --help`` stays cheap)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TypeAlias

    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

#: The colours --highlight takes (tui.core.rules.HIGHLIGHT_COLORS, not imported
#: here to keep --help cheap; a test holds the two equal).
COLORS = ("red", "green", "yellow", "blue", "magenta", "cyan")


def _rule_id(text: str) -> int:
    """A rule id as `gazette rule list` prints it."""
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**63:
        raise argparse.ArgumentTypeError(f"not a rule id: {text!r}")
    return int(text)


def _actions(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("actions (one or more)")
    g.add_argument("--hide", action="store_true", help="hide the articles (the Hidden view)")
    g.add_argument("--mark-read", action="store_true", help="mark them read")
    g.add_argument("--star", action="store_true", help="star them")
    g.add_argument("--tag", action="append", default=[], metavar="NAME", help="tag them")
    g.add_argument(
        "--highlight", metavar="COLOR", help="colour them in lists: " + ", ".join(COLORS)
    )


def add_rule_verbs(sub: Subparsers) -> None:
    """``rule add|list|edit|remove|enable|disable`` and ``rules apply|export|import``."""
    p = sub.add_parser("rule", help="rules: a search query and what to do with its articles")
    acts = p.add_subparsers(dest="rule_command", metavar="ACTION")
    a = acts.add_parser("add", help="add a rule (it acts on what refresh and sync bring in)")
    a.add_argument("query", help="a search query, as `gazette search` takes it")
    _actions(a)
    a.add_argument("--feed", help="only this feed's articles (id, URL or title)")
    a.add_argument("--name", help="what to call the rule")
    a.add_argument("--json", action="store_true")
    a = acts.add_parser("list", help="list rules with what they matched")
    a.add_argument("--json", action="store_true")
    a = acts.add_parser("edit", help="change a rule (action options given replace all its actions)")
    a.add_argument("rule", type=_rule_id, help="rule id")
    a.add_argument("--query", help="a new query")
    _actions(a)
    a.add_argument("--feed", help="only this feed's articles (id, URL or title)")
    a.add_argument("--all-feeds", action="store_true", help="every feed's articles")
    a.add_argument("--name", help="a new name ('' for none)")
    a.add_argument("--json", action="store_true")
    for verb, text in (
        ("remove", "delete a rule (what it hid comes back)"),
        ("enable", "turn a rule on"),
        ("disable", "turn a rule off (what it hid comes back)"),
    ):
        a = acts.add_parser(verb, help=text)
        a.add_argument("rule", type=_rule_id, help="rule id")
    p.set_defaults(rule_command="list", json=False)

    p = sub.add_parser("rules", help="apply rules to stored articles; export or import them")
    acts = p.add_subparsers(dest="rules_command", metavar="ACTION")
    a = acts.add_parser("apply", help="apply rules (or one) to every stored article")
    a.add_argument("rule", nargs="?", type=_rule_id, help="rule id (default: every enabled rule)")
    a.add_argument("--dry-run", action="store_true", help="only say what would change")
    a.add_argument("--json", action="store_true")
    a = acts.add_parser("export", help="write the rules to a TOML file")
    a.add_argument("file")
    a = acts.add_parser("import", help="add the rules of a TOML file (all or none)")
    a.add_argument("file")
    a.add_argument("--json", action="store_true")
    a = acts.add_parser("list", help="list rules (as `gazette rule list`)")
    a.add_argument("--json", action="store_true")
    p.set_defaults(rules_command="list", json=False)

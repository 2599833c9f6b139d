"""Verbs on rules: ``rule add|list|edit|remove|enable|disable`` and
``rules apply|export|import|list``.

The Library checks every query and action (one line saying what and where
on a bad one, exit 2) and applies rules; here the outcome is only worded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.cli.exitcodes import EXIT_OK
from tui.cli.output import iso, line, print_json
from tui.core.errors import InputError
from tui.core.rules import rule_actions
from tui.core.wording import plural

if TYPE_CHECKING:
    import argparse

    from tui.core.library import Library
    from tui.core.rules import Rule, RuleActions, RuleOutcome, RulesReport


def rule_json(r: Rule) -> dict[str, Any]:
    """A rule for scripts (keys only ever added)."""
    a = r.actions
    return {
        "id": r.id,
        "name": r.name,
        "query": r.query,
        "feed_id": r.feed_id,
        "feed": r.feed_title,
        "enabled": r.enabled,
        "actions": list(a.words()),
        "hide": a.hide,
        "mark_read": a.mark_read,
        "star": a.star,
        "tags": list(a.tags),
        "highlight": a.highlight,
        "created": iso(r.created),
        "matched": r.matched,
        "hidden": r.hidden,
    }


def rule_line(r: Rule) -> str:
    """One row of `rule list`: id, on/off, actions, query, scope, counts."""
    return f"{r.id:>5} {_about(r)}"


def _about(r: Rule) -> str:
    """A rule without its id: on/off, name, query, scope, actions, matches."""
    scope = f"  [feed: {line(r.feed_title)}]" if r.feed_id is not None else ""
    name = f"{line(r.name)}: " if r.name else ""
    state = "on " if r.enabled else "off"
    kept = r.actions.hide or r.actions.highlight
    count = f"  ({r.hidden if r.actions.hide else r.matched} {_KEPT[bool(r.actions.hide)]})"
    return f"{state}  {name}{line(r.query)}{scope}  -> {line(', '.join(r.actions.words()))}" + (
        count if kept else ""
    )


#: What a hiding rule's count says, and a highlighting one's.
_KEPT = {True: "hidden", False: "highlighted"}


def _actions_of(args: argparse.Namespace) -> RuleActions | None:
    """The action options given (None when none was)."""
    if not (args.hide or args.mark_read or args.star or args.tag or args.highlight):
        return None
    return rule_actions(
        hide=args.hide,
        mark_read=args.mark_read,
        star=args.star,
        tags=args.tag,
        highlight=args.highlight,
    )


def _show(r: Rule, verb: str, as_json: bool) -> int:
    if as_json:
        print_json(rule_json(r))
    else:
        print(f"{verb} rule {r.id}: {_about(r)}")
    return EXIT_OK


def cmd_rule(lib: Library, args: argparse.Namespace) -> int:
    action = args.rule_command
    if action == "add":
        actions = _actions_of(args)
        if actions is None:
            raise InputError(
                "say what the rule does: --hide, --mark-read, --star, --tag, --highlight"
            )
        feed_id = lib.find_feed(args.feed).id if args.feed else None
        rule = lib.add_rule(args.query, actions, feed_id=feed_id, name=args.name)
        return _show(rule, "Added", args.json)
    if action == "edit":
        if args.feed and args.all_feeds:
            raise InputError("give --feed or --all-feeds, not both")
        changes: dict[str, Any] = {}
        if args.feed:
            changes["feed_id"] = lib.find_feed(args.feed).id
        elif args.all_feeds:
            changes["feed_id"] = None
        if args.name is not None:
            changes["name"] = args.name or None
        rule = lib.edit_rule(args.rule, query=args.query, actions=_actions_of(args), **changes)
        return _show(rule, "Changed", args.json)
    if action == "remove":
        rule = lib.remove_rule(args.rule)
        hid = f"; {plural(rule.hidden, 'hidden article')} shown again" if rule.hidden else ""
        print(f"Removed rule {rule.id} ({line(rule.label)}){hid}")
        return EXIT_OK
    if action in ("enable", "disable"):
        rule = lib.set_rule_enabled(args.rule, action == "enable")
        return _show(rule, "Enabled" if rule.enabled else "Disabled", False)
    return _list(lib.rules(), args.json)


def _list(rules: list[Rule], as_json: bool) -> int:
    if as_json:
        print_json([rule_json(r) for r in rules])
    elif not rules:
        print("No rules. Add one with: gazette rule add QUERY --hide (or --mark-read, --star, ...)")
    else:
        for r in rules:
            print(rule_line(r))
    return EXIT_OK


def cmd_rules(lib: Library, args: argparse.Namespace) -> int:
    action = args.rules_command
    if action == "apply":
        report = lib.apply_rules(None if args.rule is None else [args.rule], dry_run=args.dry_run)
        return _report(report, args.json)
    if action == "export":
        n = lib.export_rules(args.file)
        print(f"Wrote {plural(n, 'rule')} to {line(args.file)}")
        return EXIT_OK
    if action == "import":
        added, skipped = lib.import_rules(args.file)
        if args.json:
            print_json({"added": [rule_json(r) for r in added], "skipped": skipped})
            return EXIT_OK
        same = f" ({plural(skipped, 'rule')} already there)" if skipped else ""
        print(f"Imported {plural(len(added), 'rule')} from {line(args.file)}{same}")
        for r in added:
            print(rule_line(r))
        return EXIT_OK
    return _list(lib.rules(), args.json)


def _outcome_json(o: RuleOutcome) -> dict[str, Any]:
    return {
        "rule": rule_json(o.rule),
        "matched": len(o.matched),
        "hidden": len(o.hidden),
        "marked_read": len(o.marked_read),
        "starred": len(o.starred),
        "tagged": {name: len(ids) for name, ids in o.tagged},
        "titles": list(o.titles),
    }


def _report(report: RulesReport, as_json: bool) -> int:
    if as_json:
        print_json(
            {
                "dry_run": report.dry_run,
                "changed": report.changed,
                "rules": [_outcome_json(o) for o in report.outcomes],
            }
        )
        return EXIT_OK
    if not report.outcomes:
        print("No enabled rules to apply.")
        return EXIT_OK
    would = "would change" if report.dry_run else "changed"
    for o in report.outcomes:
        parts = [f"{len(o.matched)} matched"]
        parts += [f"{len(o.hidden)} hidden"] if o.rule.actions.hide else []
        parts += [f"{len(o.marked_read)} marked read"] if o.rule.actions.mark_read else []
        parts += [f"{len(o.starred)} starred"] if o.rule.actions.star else []
        parts += [f"{len(ids)} tagged {line(name)}" for name, ids in o.tagged]
        print(f"rule {o.rule.id} ({line(o.rule.label)}): {', '.join(parts)}")
        for title in o.titles:
            print(f"    {line(title) or '(untitled)'}")
        if len(o.matched) > len(o.titles):
            print(f"    ... and {len(o.matched) - len(o.titles)} more")
    print(f"{plural(report.changed, 'article')} {would}")
    return EXIT_OK

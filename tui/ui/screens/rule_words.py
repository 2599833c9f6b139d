"""What the Rules screen says: a rule's cells, a dry run, an apply (pure, no widgets).

Kept apart from the screen so the wording is read (and tested) on its own,
and so the CLI's words and the app's stay alike: "3 matched, 2 hidden".
Every string may quote user text (names, queries, tags, titles): callers
show it as ``Text``/``Content``, never as markup.
"""

from __future__ import annotations

from tui.core import Rule, RuleOutcome, RulesReport, plural
from tui.ui import safe

__all__ = ["applied_line", "dry_run_message", "outcome_parts", "rule_cells"]

#: Titles a dry run quotes before "and N more".
SAMPLE = 3


def rule_cells(rule: Rule, matches: int | None) -> tuple[str, str, str, str, str]:
    """(on, rule, actions, feed, matches) as the list shows them; ``matches``
    None while its count is running."""
    label = safe.clean(rule.name) if rule.name else ""
    query = safe.clean(rule.query)
    return (
        "on" if rule.enabled else "off",
        f"{label}: {query}" if label else query,
        ", ".join(safe.clean(w) for w in rule.actions.words()),
        safe.clean(rule.feed_title) or "(a feed)" if rule.feed_id is not None else "every feed",
        "…" if matches is None else str(matches),
    )


def outcome_parts(o: RuleOutcome) -> list[str]:
    """ "12 matched", "3 hidden", "2 tagged later": what one rule did (or would do)."""
    a = o.rule.actions
    parts = [f"{len(o.matched)} matched"]
    parts += [f"{len(o.hidden)} hidden"] if a.hide else []
    parts += [f"{len(o.marked_read)} marked read"] if a.mark_read else []
    parts += [f"{len(o.starred)} starred"] if a.star else []
    parts += [f"{len(ids)} tagged {safe.clean(name)}" for name, ids in o.tagged]
    parts += [f"{len(o.matched)} highlighted {a.highlight}"] if a.highlight else []
    return parts


def _label(rule: Rule) -> str:
    return safe.truncate(safe.clean(rule.label), 40)


def dry_run_message(report: RulesReport, undo_key: str = "u") -> str:
    """The confirm dialog's question: what applying would do, rule by rule, with a few titles.

    Titles are marked with "·" (the dialog cleans each line, which drops
    an indent)."""
    which = (
        f"rule {_label(report.outcomes[0].rule)}"
        if len(report.outcomes) == 1
        else plural(len(report.outcomes), "enabled rule")
    )
    lines = [f"Apply {which} to the stored articles?", ""]
    for o in report.outcomes:
        lines.append(f"{_label(o.rule)}: {', '.join(outcome_parts(o))}")
        titles = [safe.clean(t) or "(untitled)" for t in o.titles[:SAMPLE]]
        lines += [f"· {safe.truncate(t, 50)}" for t in titles]
        if len(o.matched) > len(titles):
            lines.append(f"· … and {len(o.matched) - len(titles)} more")
    changed = plural(report.changed, "article")
    total = f"{changed} would change" if report.changed else "No article's state would change"
    lines += ["", f"{total} ({undo_key} undoes it)." if undo_key else f"{total}."]
    return "\n".join(lines)


def applied_line(report: RulesReport, undo_key: str) -> str:
    """The status line after an apply: what changed, and the key that takes it back."""
    matched = len({i for o in report.outcomes for i in o.matched})
    which = (
        f"rule {_label(report.outcomes[0].rule)}"
        if len(report.outcomes) == 1
        else plural(len(report.outcomes), "rule")
    )
    changed = plural(report.changed, "article")
    said = f"Applied {which}: {plural(matched, 'match', 'matches')}, {changed} changed"
    return f"{said} ({undo_key} undoes it)" if undo_key else said

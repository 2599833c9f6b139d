"""Rules as a TOML file (``gazette rules export`` / ``import``), both ways, pure.

One ``[[rule]]`` table per rule; a rule scoped to a feed names it by URL,
which means the same feed in another database.  Read with :mod:`tomllib`;
written here by hand (no TOML writer is in the lock), every string through
:func:`toml_string`, so whatever a query or tag holds reads back the same.
Reading checks every rule before returning any: a file with one bad rule
imports nothing, and the message says which rule and why.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

from tui.core.errors import InputError
from tui.core.rules import Rule, RuleActions, rule_actions, rule_name, rule_query

HEADER = "# Gazette rules: a query and what to do with the articles it matches.\n"


@dataclass(frozen=True, slots=True)
class RuleDraft:
    """A rule read from a file, checked, not yet stored (``feed_url``: its scope)."""

    query: str
    actions: RuleActions
    feed_url: str | None = None
    name: str | None = None
    enabled: bool = True


def toml_string(s: str) -> str:
    """A TOML basic string: quote, backslash and control characters escaped,
    lone surrogates (not Unicode scalar values) replaced."""
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def rules_to_toml(rules: list[Rule], feed_urls: dict[int, str]) -> str:
    """The rules as a TOML document (``feed_urls``: feed id -> URL, for scopes)."""
    parts = [HEADER]
    for rule in rules:
        a = rule.actions
        lines = ["", "[[rule]]"]
        if rule.name:
            lines.append(f"name = {toml_string(rule.name)}")
        lines.append(f"query = {toml_string(rule.query)}")
        if rule.feed_id is not None and rule.feed_id in feed_urls:
            lines.append(f"feed = {toml_string(feed_urls[rule.feed_id])}")
        for key, on in (("hide", a.hide), ("mark_read", a.mark_read), ("star", a.star)):
            if on:
                lines.append(f"{key} = true")
        if a.tags:
            lines.append("tags = [" + ", ".join(toml_string(t) for t in a.tags) + "]")
        if a.highlight:
            lines.append(f"highlight = {toml_string(a.highlight)}")
        if not rule.enabled:
            lines.append("enabled = false")
        parts.append("\n".join(lines) + "\n")
    return "".join(parts)


_KEYS = {"name", "query", "feed", "hide", "mark_read", "star", "tags", "highlight", "enabled"}


def rules_from_toml(text: str, where: str) -> list[RuleDraft]:
    """Every rule of a TOML document, checked; InputError (one line naming
    ``where`` and the line or rule) if anything in it is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: not valid TOML: {exc}") from exc
    except RecursionError as exc:  # tomllib recurses into nested arrays and tables
        raise InputError(f"{where}: not valid TOML: nested too deeply") from exc
    found = data.get("rule", [])
    if not isinstance(found, list) or set(data) - {"rule"}:
        raise InputError(f"{where}: expected only [[rule]] tables")
    return [_draft(item, f"{where}: rule {n}") for n, item in enumerate(found, 1)]


def _draft(item: Any, where: str) -> RuleDraft:
    if not isinstance(item, dict):
        raise InputError(f"{where}: not a table")
    unknown = set(item) - _KEYS
    if unknown:
        raise InputError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    try:
        query = rule_query(_typed(item, "query", str, ""))
        tags = _typed(item, "tags", list, [])
        if not all(isinstance(t, str) for t in tags):
            raise InputError("tags must be strings")
        actions = rule_actions(
            hide=_typed(item, "hide", bool, False),
            mark_read=_typed(item, "mark_read", bool, False),
            star=_typed(item, "star", bool, False),
            tags=tags,
            highlight=_typed(item, "highlight", str, None),
        )
        name = rule_name(_typed(item, "name", str, None))
        feed = _typed(item, "feed", str, None)
        if feed is not None and not feed.strip():
            raise InputError("feed is empty (leave it out for every feed)")
        enabled = _typed(item, "enabled", bool, True)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from exc
    return RuleDraft(query, actions, feed, name, enabled)


def _typed(item: dict[str, Any], key: str, kind: type, default: Any) -> Any:
    value = item.get(key, default)
    if value is not default and not isinstance(value, kind):
        raise InputError(f"{key} must be a {kind.__name__}")
    return value

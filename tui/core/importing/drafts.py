"""Rule drafts: what an import would make a rule of, before rules exist to take it.

An importer translates another reader's filters into these; the facade hands
each one to the ``add_rule`` callable it was given (the rules' own verb), and
counts them as "to be created" when there is none.  Frozen and plain, so the
rules' side decides how a draft becomes a stored rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: The colours a highlight rule may take (the reader's palette).
HIGHLIGHT_COLOURS = ("red", "green", "yellow", "blue", "magenta", "cyan")

RuleAction = Literal["hide", "highlight"]


@dataclass(frozen=True, slots=True)
class RuleDraft:
    """A rule to create: articles matching ``query`` (Gazette's query language)
    are hidden or highlighted in ``colour``; ``feed_url`` limits it to one feed
    (None: every feed)."""

    query: str
    action: RuleAction
    colour: str | None = None
    feed_url: str | None = None

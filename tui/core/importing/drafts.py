"""Rule drafts: what an import makes a rule of.

An importer translates another reader's filters into these, with no access
to the store; the facade checks each one and stores it as a rule
(``Library.import_newsboat``).  Frozen and plain, so a dry run can list them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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

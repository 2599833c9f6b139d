"""Rules: a query plus actions, as records, and the rules for writing them.

Pure (no I/O), so the CLI and the UI validate what a user types the way the
store does.  A rule's query is the search language (:mod:`tui.core.query`),
compiled by the one compiler when the rule runs; its actions are
:class:`RuleActions`.  Hiding and highlighting are not article state: they
last while the rule that matched is enabled (see
:mod:`tui.core.storage.schema_rules`), while marking read, starring and
tagging change the article like a user would.  A rule never deletes.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.errors import InputError
from tui.core.models import Article
from tui.core.query.parse import parse_query
from tui.core.tags import clean_tag, unique_tags
from tui.core.text import clean_line, shorten

#: The colours a rule may highlight with: named, so every theme can draw them.
HIGHLIGHT_COLORS = ("red", "green", "yellow", "blue", "magenta", "cyan")
MAX_RULE_NAME = 100


@dataclass(frozen=True, slots=True)
class RuleActions:
    """What a rule does to the articles it matches (one or more of these)."""

    hide: bool = False
    mark_read: bool = False
    star: bool = False
    tags: tuple[str, ...] = ()
    highlight: str | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.hide or self.mark_read or self.star or self.tags or self.highlight)

    def words(self) -> tuple[str, ...]:
        """The actions as a user writes them: ``hide``, ``mark read``,
        ``star``, ``tag NAME``, ``highlight COLOR``."""
        out = [w for w, on in (("hide", self.hide), ("mark read", self.mark_read)) if on]
        out += ["star"] if self.star else []
        out += [f"tag {t}" for t in self.tags]
        out += [f"highlight {self.highlight}"] if self.highlight else []
        return tuple(out)


def rule_actions(
    *,
    hide: bool = False,
    mark_read: bool = False,
    star: bool = False,
    tags: tuple[str, ...] | list[str] = (),
    highlight: str | None = None,
) -> RuleActions:
    """Checked actions; InputError (one line) for an unknown colour, an empty
    tag name, or no action at all."""
    cleaned: list[str] = []
    for tag in tags:
        if not clean_tag(tag):
            raise InputError(f"tag {shorten(clean_line(str(tag)), 40)!r}: not a usable tag name")
        cleaned.append(clean_tag(tag))
    colour = None
    if highlight is not None:
        colour = clean_line(str(highlight)).lower()
        if colour not in HIGHLIGHT_COLORS:
            raise InputError(
                f"highlight {shorten(clean_line(str(highlight)), 20)!r}: not a colour; use "
                + ", ".join(HIGHLIGHT_COLORS)
            )
    actions = RuleActions(
        bool(hide), bool(mark_read), bool(star), tuple(unique_tags(cleaned)), colour
    )
    if actions.is_empty:
        raise InputError(
            "a rule needs an action: hide, mark read, star, tag NAME or highlight COLOR"
        )
    return actions


def rule_query(text: str) -> str:
    """The query as stored: one clean line that parses; InputError (the
    parser's one-line message, which says where) otherwise."""
    cleaned = clean_line(str(text))
    if not cleaned:
        raise InputError("a rule needs a query")
    error = parse_query(cleaned).error
    if error:
        raise InputError(f"query {shorten(cleaned, 60)!r}: {error}")
    return cleaned


def rule_name(name: str | None) -> str | None:
    """A label as stored (None for none)."""
    if name is None:
        return None
    return clean_line(str(name))[:MAX_RULE_NAME].strip() or None


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule as stored, with what it currently matches.

    ``feed_id`` scopes it to one feed (None: every feed).  ``matched`` counts
    the matches a hiding or highlighting rule keeps (what it hides or
    colours while enabled; 0 for the other actions, which change the
    articles themselves: ``Library.count_rule_matches`` counts any rule's
    matches now), ``hidden`` those it hides now.
    """

    id: int
    query: str
    actions: RuleActions
    feed_id: int | None = None
    feed_title: str | None = None
    name: str | None = None
    enabled: bool = True
    created: int = 0
    matched: int = 0
    hidden: int = 0

    @property
    def label(self) -> str:
        """What a list calls the rule: its name, else its query."""
        return self.name or self.query


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """What applying one rule changed (or, in a dry run, would change).

    Each tuple holds article ids: ``matched`` every match, the others only
    those whose state changes (newly hidden, marked read, starred, given a
    tag), so that undo reverts exactly these.  ``titles`` are the first
    matches' titles, newest first, for a dry run to show.
    """

    rule: Rule
    matched: tuple[int, ...] = ()
    hidden: tuple[int, ...] = ()
    marked_read: tuple[int, ...] = ()
    starred: tuple[int, ...] = ()
    tagged: tuple[tuple[str, tuple[int, ...]], ...] = ()
    titles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RulesReport:
    """What ``Library.apply_rules`` did (or would do, ``dry_run``), rule by rule."""

    outcomes: tuple[RuleOutcome, ...]
    dry_run: bool = False

    @property
    def changed(self) -> int:
        """Articles whose state or visibility changed (each counted once)."""
        ids: set[int] = set()
        for o in self.outcomes:
            ids.update(o.hidden, o.marked_read, o.starred)
            for _, tagged in o.tagged:
                ids.update(tagged)
        return len(ids)


@dataclass(frozen=True, slots=True)
class HiddenArticle:
    """A hidden article and the enabled rules that hide it (the Hidden view)."""

    article: Article
    rules: tuple[Rule, ...]

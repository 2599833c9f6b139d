"""Gazette's core: the :class:`Library` facade, the records it returns, its errors.

These names are the core's public API, the one the reader (``tui.ui``) uses;
an import contract in ``pyproject.toml`` holds it to them.  Besides the facade
they include the few pure rules a front end applies to what it shows (cleaning
untrusted text, highlighting search words, the query syntax, tag names,
plurals), so that the UI never reaches into the core's modules.  Two rule
modules are public as namespaces: :mod:`tui.core.folders` (folder paths) and
:mod:`tui.core.urls` (which links may open); Python imports them as submodules.

The names load lazily (PEP 562): importing ``tui.core``, which every
``tui.core.*`` import does first, costs nothing, and ``Library`` (asyncio, the
refresh pipeline, storage) loads only when something asks for it; the parse
pool's worker processes never do.  Type checkers read the block below.
"""

from __future__ import annotations

from importlib import import_module

# Not ``typing.TYPE_CHECKING``: importing typing would be this module's whole cost.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tui.core import folders, urls
    from tui.core.convert import html_to_markdown
    from tui.core.errors import (
        ExtractError,
        FeedGone,
        FetchError,
        GazetteError,
        ImageError,
        InputError,
        NotFound,
        ParseError,
        RefreshStopped,
        StoreError,
    )
    from tui.core.importing.drafts import RuleDraft
    from tui.core.importing.newsboat.report import NewsboatReport
    from tui.core.library import FetchSettings, ImageSettings, Library, Progress
    from tui.core.models import (
        Account,
        Article,
        Enclosure,
        ExportReport,
        Feed,
        FeedResult,
        FeedSettings,
        FullText,
        HistoryEntry,
        ImportReport,
        Note,
        RefreshSummary,
        SavedSearch,
        SearchResult,
        ShownText,
        StateChange,
        SyncResult,
        TagCount,
        View,
    )
    from tui.core.query.highlight import highlight_spans, match_snippet
    from tui.core.query.parse import SYNTAX_HELP, format_tag_filter, parse_query
    from tui.core.rules import (
        HIGHLIGHT_COLORS,
        HiddenArticle,
        Rule,
        RuleActions,
        RuleOutcome,
        RulesReport,
        rule_actions,
    )
    from tui.core.tags import TagChanges, clean_tag, parse_tag_changes
    from tui.core.text import clean_block, clean_line
    from tui.core.wording import history_line, plural

#: Each public name's home module.
_HOMES: dict[str, tuple[str, ...]] = {
    "tui.core.errors": (
        "ExtractError",
        "FeedGone",
        "FetchError",
        "GazetteError",
        "ImageError",
        "InputError",
        "NotFound",
        "ParseError",
        "RefreshStopped",
        "StoreError",
    ),
    "tui.core.importing.drafts": ("RuleDraft",),
    "tui.core.importing.newsboat.report": ("NewsboatReport",),
    "tui.core.library": ("FetchSettings", "ImageSettings", "Library", "Progress"),
    "tui.core.models": (
        "Account",
        "Article",
        "Enclosure",
        "ExportReport",
        "Feed",
        "FeedResult",
        "FeedSettings",
        "FullText",
        "HistoryEntry",
        "ImportReport",
        "Note",
        "RefreshSummary",
        "SavedSearch",
        "SearchResult",
        "ShownText",
        "StateChange",
        "SyncResult",
        "TagCount",
        "View",
    ),
    "tui.core.convert": ("html_to_markdown",),
    "tui.core.query.highlight": ("highlight_spans", "match_snippet"),
    "tui.core.rules": (
        "HIGHLIGHT_COLORS",
        "HiddenArticle",
        "Rule",
        "RuleActions",
        "RuleOutcome",
        "RulesReport",
        "rule_actions",
    ),
    "tui.core.query.parse": ("SYNTAX_HELP", "format_tag_filter", "parse_query"),
    "tui.core.tags": ("TagChanges", "clean_tag", "parse_tag_changes"),
    "tui.core.text": ("clean_block", "clean_line"),
    "tui.core.wording": ("history_line", "plural"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "HIGHLIGHT_COLORS",
    "SYNTAX_HELP",
    "Account",
    "Article",
    "Enclosure",
    "ExportReport",
    "ExtractError",
    "Feed",
    "FeedGone",
    "FeedResult",
    "FeedSettings",
    "FetchError",
    "FetchSettings",
    "FullText",
    "GazetteError",
    "HiddenArticle",
    "HistoryEntry",
    "ImageError",
    "ImageSettings",
    "ImportReport",
    "InputError",
    "Library",
    "NewsboatReport",
    "NotFound",
    "Note",
    "ParseError",
    "Progress",
    "RefreshStopped",
    "RefreshSummary",
    "Rule",
    "RuleActions",
    "RuleDraft",
    "RuleOutcome",
    "RulesReport",
    "SavedSearch",
    "SearchResult",
    "ShownText",
    "StateChange",
    "StoreError",
    "SyncResult",
    "TagChanges",
    "TagCount",
    "View",
    "clean_block",
    "clean_line",
    "clean_tag",
    "folders",
    "format_tag_filter",
    "highlight_spans",
    "history_line",
    "html_to_markdown",
    "match_snippet",
    "parse_query",
    "parse_tag_changes",
    "plural",
    "rule_actions",
    "urls",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its home module on first use, then keep it here."""
    home = _HOME_OF.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

"""What an import from newsboat did (or, in a dry run, would do), in counts and lines."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tui.core.importing.drafts import RuleDraft
from tui.core.text import clean_line
from tui.core.wording import plural


@dataclass(frozen=True, slots=True)
class NewsboatReport:
    """Counts of what was imported and every line left out, with why."""

    dry_run: bool
    read_files: tuple[str, ...] = ()
    feeds: int = 0
    feeds_known: int = 0
    renamed: int = 0
    hidden: int = 0
    articles: int = 0
    articles_known: int = 0
    read: int = 0
    starred: int = 0
    flagged: int = 0
    searches: int = 0
    searches_known: int = 0
    rules: int = 0
    rules_known: int = 0
    #: The rules made (in a dry run: that would be), each listed in the report.
    drafts: tuple[RuleDraft, ...] = ()
    not_imported: tuple[str, ...] = ()

    def counts(self) -> list[str]:
        """One line per kind of thing: feeds, articles, read state, searches, rules."""
        extra = []
        if self.feeds_known:
            extra.append(f"{self.feeds_known} already subscribed")
        if self.renamed:
            extra.append(f"{self.renamed} renamed")
        if self.hidden:
            extra.append(f"{self.hidden} hidden, in folder Hidden")
        out = [f"feeds: {self.feeds}" + (f" ({', '.join(extra)})" if extra else "")]
        known = f" ({self.articles_known} already there)" if self.articles_known else ""
        out.append(f"articles: {self.articles}{known}")
        out.append(f"read: {self.read}, starred: {self.starred}, flagged: {self.flagged}")
        known = f" ({self.searches_known} already saved)" if self.searches_known else ""
        out.append(f"saved searches: {self.searches}{known}")
        known = f" ({self.rules_known} already there)" if self.rules_known else ""
        out.append(f"rules: {self.rules}{known}")
        return out

    def lines(self) -> list[str]:
        """The whole report as text lines (the CLI prints them; the reader shows them)."""
        would = "Would import" if self.dry_run else "Imported"
        out = [f"{would} from newsboat ({', '.join(self.read_files) or 'no files read'}):"]
        out.extend(f"  {line}" for line in self.counts())
        out.extend(f"    {describe(draft)}" for draft in self.drafts)
        if self.not_imported:
            out.append(f"Not imported ({plural(len(self.not_imported), 'line')}):")
            out.extend(f"  {line}" for line in self.not_imported)
        return out

    def as_json(self) -> dict[str, Any]:
        """The report for ``--json`` (keys are only ever added)."""
        data = asdict(self)
        data["read_files"] = list(self.read_files)
        data["drafts"] = [asdict(d) for d in self.drafts]
        data["not_imported"] = list(self.not_imported)
        return data


def describe(draft: RuleDraft) -> str:
    """``hide: QUERY`` / ``highlight red: QUERY``, with the feed it is limited to."""
    action = f"highlight {draft.colour}" if draft.action == "highlight" else draft.action
    scope = f" (feed {draft.feed_url})" if draft.feed_url else ""
    return clean_line(f"{action}: {draft.query}{scope}")

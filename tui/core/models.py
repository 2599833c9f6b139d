"""Plain records passed between the core modules and returned by the facade.

They hold no I/O, and no behaviour beyond reading their own stored form, so
that they can cross thread and process boundaries (the parser runs in a
process pool) and be compared in tests.
All are frozen but :class:`ExportReport`, which an export fills in as it goes.
Times are integer seconds since the epoch, UTC.  The ones a front end meets
are exported by :mod:`tui.core`, where a front end takes them from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, NamedTuple


@dataclass(frozen=True, slots=True)
class Enclosure:
    """A media attachment (podcast audio, video) of an entry."""

    url: str
    type: str | None = None
    length: int | None = None


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """One entry as read from a feed document, before it is stored.

    ``key`` is the entry's identity inside its feed: the guid or Atom id, else
    the link, else a hash of title, date and summary.  ``content`` is the best
    HTML body (full content over summary); ``base`` is the URL relative links
    in it are resolved against.

    ``words`` (the body as plain words, for the search index) and ``version``
    (a fingerprint of the feed-owned fields) are derived by
    :func:`tui.core.entries.prepared`; the parser fills in the words in its
    worker process so that the process writing the database does not have
    to, and leaves the version to that process (see :mod:`tui.core.entries`).
    """

    key: str
    guid: str | None
    url: str | None
    title: str
    author: str | None
    published: int | None
    updated: int | None
    summary: str | None
    content: str | None
    base: str | None
    enclosures: tuple[Enclosure, ...] = ()
    words: str | None = None
    version: str | None = None


_entry_values = attrgetter(*(f.name for f in fields(ParsedEntry)))


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A whole feed document.  ``warning`` records a recoverable problem (bozo)."""

    kind: str
    title: str | None
    link: str | None
    entries: tuple[ParsedEntry, ...]
    warning: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its entries as plain tuples, the way a parse worker
        sends it back: a third less work on each side than one dataclass
        state per entry (a 50-entry feed: 0.85 -> 0.6 ms)."""
        rows = tuple(map(_entry_values, self.entries))
        return (_rebuild_feed, (self.kind, self.title, self.link, rows, self.warning))


def _rebuild_feed(
    kind: str, title: str | None, link: str | None, rows: tuple[Any, ...], warning: str | None
) -> ParsedFeed:
    return ParsedFeed(kind, title, link, tuple(ParsedEntry(*row) for row in rows), warning)


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one HTTP (or local file) fetch produced.

    ``body`` is ``None`` for a 304.  ``permanent_url`` is set when every hop
    of a redirect chain was permanent (301/308): the stored feed URL moves.
    """

    url: str
    final_url: str
    status: int
    body: bytes | None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    permanent_url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class Feed:
    """A subscription as stored."""

    id: int
    url: str
    title: str
    site_url: str | None
    folder: str | None
    tags: tuple[str, ...]
    etag: str | None
    last_modified: str | None
    last_fetched: int | None
    last_changed: int | None
    last_status: int | None
    error: str | None
    gone: bool
    total: int = 0
    unread: int = 0
    #: The sync account the feed comes through (None: fetched over HTTP).
    account: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """An article as stored, without its body (read that with Library.markdown)."""

    id: int
    feed_id: int
    feed_title: str
    feed_url: str
    guid: str | None
    url: str | None
    title: str
    author: str | None
    published: int
    updated: int | None
    summary: str | None
    read: bool
    starred: bool
    first_seen: int
    tags: tuple[str, ...] = ()
    has_note: bool = False
    enclosures: tuple[Enclosure, ...] = ()
    #: The colour a rule highlights it with (one of ``tui.core.rules.HIGHLIGHT_COLORS``).
    highlight: str | None = None
    #: The other feeds carrying the same story (duplicate stories grouped), by title.
    also_in: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedResult:
    """Outcome of refreshing one feed, for progress reports and the summary."""

    feed_id: int
    url: str
    title: str
    new: int = 0
    updated: int = 0
    not_modified: bool = False
    error: str | None = None
    warning: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None


@dataclass(frozen=True, slots=True)
class RefreshSummary:
    """All feed results of one refresh."""

    results: tuple[FeedResult, ...]

    @property
    def new(self) -> int:
        return sum(r.new for r in self.results)

    @property
    def updated(self) -> int:
        return sum(r.updated for r in self.results)

    @property
    def not_modified(self) -> int:
        return sum(1 for r in self.results if r.not_modified)

    @property
    def failed(self) -> tuple[FeedResult, ...]:
        return tuple(r for r in self.results if r.failed)


@dataclass(frozen=True, slots=True)
class View:
    """Which articles a list shows: all conditions given must hold.

    ``View()`` is every article; ``folder`` includes its sub-folders.  With
    ``query`` (search text, a tag's or a saved search's filter) the view is that
    query's matches, narrowed by the other conditions: a search result is counted,
    marked read and listed by id through the same verbs as a feed.
    """

    feed_id: int | None = None
    folder: str | None = None
    unread: bool = False
    starred: bool = False
    noted: bool = False
    query: str | None = None
    #: The feeds of one sync account (its id).
    account_id: int | None = None
    #: The articles rules hide (the "Hidden" view); every other view leaves them out.
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One page of search results; ``error`` is set (and no articles) for an unusable query.

    ``terms`` are the words to highlight (see :mod:`tui.core.query.highlight`)
    and ``in_title`` says they were looked for in titles only.
    """

    articles: list[Article]
    error: str | None = None
    terms: tuple[str, ...] = ()
    in_title: bool = False


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A named query shown as a smart folder, with its live unread count."""

    id: int
    name: str
    query: str
    unread: int
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Note:
    """A user's Markdown note on one article."""

    article_id: int
    body: str
    created: int
    updated: int


@dataclass(frozen=True, slots=True)
class TagCount:
    """A tag with how many articles carry it (directly or through their feed)."""

    name: str
    articles: int
    unread: int
    feeds: int = 0


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an OPML import did."""

    added: tuple[str, ...]
    skipped: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StateChange:
    """What setting read or starred did, by article id (each in the order given).

    ``changed`` had the other state before (the ones to report and undo),
    ``unchanged`` already had this one, ``missing`` names no article.
    ``copies`` are those of ``changed`` not asked for: other copies of the
    stories asked for (duplicate stories), set with them.
    """

    changed: tuple[int, ...]
    unchanged: tuple[int, ...]
    missing: tuple[int, ...]
    copies: tuple[int, ...] = ()

    @property
    def asked(self) -> int:
        """How many articles the change was about, as a user counts them: those
        asked for that changed, else (only copies moved) the copies."""
        return len(self.changed) - len(self.copies) or len(self.copies)


@dataclass(slots=True)
class ExportReport:
    """What an export did; ``warnings`` are one line each and name the file."""

    written: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.written} written, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.skipped} skipped"
        )


@dataclass(frozen=True, slots=True)
class FullText:
    """An article's full text, extracted from its page (reader mode).

    Kept beside the feed's own version; ``shown`` says which of the two the
    reader shows.  A fetch that failed is kept too, as its ``error`` with no
    ``markdown``, so that "always" does not fetch the page again.
    """

    article_id: int
    url: str
    fetched: int
    shown: bool
    markdown: str | None
    error: str | None = None


class ShownText(NamedTuple):
    """What the reader shows of an article: its Markdown, whether it was
    converted just now (to be stored after it is shown), whether it is the
    full text (reader mode), and whether opening it should fetch the full
    text (its feed says so and no fetch was tried)."""

    markdown: str
    fresh: bool
    full: bool
    fetch: bool


# -- per-feed settings ----------------------------------------------------------

#: Keys of the ``feeds.settings`` JSON object.
USER_TITLE = "user_title"
FEED_TITLE = "feed_title"  # the feed's own title while a user title hides it
REFRESH_MINUTES = "refresh_minutes"
KEEP_READ_DAYS = "keep_read_days"
MAX_PER_FEED = "max_per_feed"
NOT_BEFORE = "not_before"
FULL_TEXT = "full_text"

#: When a feed's articles get their full text (reader mode): never on their
#: own (the key still fetches one), on open, or in the background after each
#: refresh.
FULL_TEXT_MODES = ("never", "on_open", "always")


def settings_count(value: Any) -> int | None:
    """A non-negative int from JSON, or None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


@dataclass(frozen=True, slots=True)
class FeedSettings:
    """A feed's own settings; None everywhere means "as the config says".

    Read from the ``feeds.settings`` JSON column, tolerant of anything odd
    there (a bad value must never stop a refresh), by :meth:`from_json`.

    ``refresh_minutes = 0`` turns auto-refresh off for this feed only;
    ``keep_read_days``/``max_per_feed`` = 0 mean "keep forever"/"no limit"
    for this feed, overriding the config's retention.
    """

    title: str | None = None
    refresh_minutes: int | None = None
    keep_read_days: int | None = None
    max_per_feed: int | None = None
    #: One of FULL_TEXT_MODES; None is "never".
    full_text: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FeedSettings:
        """Read the stored object, ignoring values of the wrong type."""
        title = data.get(USER_TITLE)
        return cls(
            title=title.strip() or None if isinstance(title, str) else None,
            refresh_minutes=settings_count(data.get(REFRESH_MINUTES)),
            keep_read_days=settings_count(data.get(KEEP_READ_DAYS)),
            max_per_feed=settings_count(data.get(MAX_PER_FEED)),
            full_text=full_text if (full_text := data.get(FULL_TEXT)) in FULL_TEXT_MODES else None,
        )

    def json_changes(self) -> dict[str, Any]:
        """The settings keys to write (None removes a key), title excluded."""
        return {
            REFRESH_MINUTES: self.refresh_minutes,
            KEEP_READ_DAYS: self.keep_read_days,
            MAX_PER_FEED: self.max_per_feed,
            FULL_TEXT: None if self.full_text == "never" else self.full_text,
        }

    def interval_s(self, default_minutes: int) -> int:
        """The refresh interval in seconds (0: off) with the config's as fallback."""
        minutes = default_minutes if self.refresh_minutes is None else self.refresh_minutes
        return max(0, minutes) * 60


# -- sync accounts ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Account:
    """A sync account as stored: a server speaking the Google Reader API.

    The password is never stored; the server's auth token is kept in a file
    of its own (see :mod:`tui.core.library.syncing`).  ``pending`` counts the
    changes waiting in the queue to be sent.
    """

    id: int
    name: str
    kind: str
    dialect: str
    url: str
    username: str
    added: int
    last_sync: int | None
    last_attempt: int | None
    last_error: str | None
    #: Until when the server asked us to wait (a 429 or 503 with Retry-After).
    retry_at: int | None
    #: Syncs that failed in a row (auto-refresh retries sooner, with backoff).
    failures: int = 0
    pending: int = 0
    feeds: int = 0


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What one sync of one account did.  ``error`` is one line when it failed
    (what was sent before the failure stays sent, what was not stays queued)."""

    account: str
    sent: int = 0
    requests: int = 0
    new: int = 0
    feeds_added: int = 0
    feeds_removed: int = 0
    state_changes: int = 0
    skipped: int = 0
    #: Changes the server refused for good (dropped from the queue, not sent).
    refused: int = 0
    pending: int = 0
    error: str | None = None
    auth_failed: bool = False
    stopped: bool = False
    #: The server could not be reached (the changes wait for the next sync).
    offline: bool = False


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One recorded user action: its one-line label ("Marked 12 articles read
    in Tech"), when it was made, and whether it is undone (waiting for a redo)."""

    id: int
    label: str
    created: int
    undone: bool = False

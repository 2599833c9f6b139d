"""What a document changes (entries.entry_changes), with plain values: no SQLite, no HTTP."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from typing import Any

import pytest

from tui.core.entries import entry_changes, fingerprint, prepared
from tui.core.models import ParsedEntry

NOW = 1_800_000_000


def entry(key: str, **fields: Any) -> ParsedEntry:
    values: dict[str, Any] = {
        "key": key,
        "guid": key,
        "url": f"https://example.org/{key}",
        "title": f"Title {key}",
        "author": None,
        "published": NOW - 3600,
        "updated": None,
        "summary": None,
        "content": "<p>body words</p>",
        "base": None,
        "enclosures": (),
    }
    values.update(fields)
    return ParsedEntry(**values)


def stored(*entries: ParsedEntry) -> dict[str, tuple[int, str | None]]:
    """``known`` as the store reads it: key -> (id, version), ids from 1."""
    return {e.key: (i, fingerprint(e)) for i, e in enumerate(entries, start=1)}


def keys(pairs: list[tuple[Any, Any]], at: int) -> list[str]:
    return [pair[at].key for pair in pairs]


def test_unknown_keys_are_new_and_prepared() -> None:
    changes = entry_changes((entry("a"), entry("b")), {}, set(), NOW)
    assert keys(changes.new, 0) == ["a", "b"] and changes.changed == []
    first, published = changes.new[0]
    assert first.words == "body words" and first.version == fingerprint(entry("a"))
    assert published == NOW - 3600


def test_an_unchanged_entry_is_left_alone() -> None:
    a = entry("a")
    changes = entry_changes((a,), stored(a), set(), NOW)
    assert changes.new == [] and changes.changed == [] and not changes.forgotten


def test_a_changed_fingerprint_updates_the_stored_article() -> None:
    old, other = entry("a"), entry("b")
    new = dataclasses.replace(old, title="Edited")
    changes = entry_changes((new, other), stored(old, other), set(), NOW)
    assert changes.new == []
    assert [(aid, e.title) for aid, e in changes.changed] == [(1, "Edited")]


def test_a_stored_article_without_a_version_counts_as_changed() -> None:
    # Rows written before versions existed hold NULL: refreshed once, then stable.
    changes = entry_changes((entry("a"),), {"a": (7, None)}, set(), NOW)
    assert [aid for aid, _ in changes.changed] == [7]


def test_removed_keys_never_come_back_while_listed() -> None:
    changes = entry_changes((entry("gone"), entry("b")), {}, {"gone"}, NOW)
    assert keys(changes.new, 0) == ["b"]
    assert not changes.forgotten


def test_a_removed_key_the_document_no_longer_lists_is_forgotten() -> None:
    changes = entry_changes((entry("b"),), {}, {"gone", "b"}, NOW)
    assert changes.new == [] and set(changes.forgotten) == {"gone"}


def test_a_repeated_key_counts_once_and_the_first_entry_wins() -> None:
    first, again = entry("a", title="First"), entry("a", title="Second")
    changes = entry_changes((first, again), {}, set(), NOW)
    assert [e.title for e, _ in changes.new] == ["First"]
    old = entry("k")
    edited = dataclasses.replace(old, title="Edit 1")
    changes = entry_changes(
        (edited, dataclasses.replace(old, title="Edit 2")), stored(old), set(), NOW
    )
    assert [e.title for _, e in changes.changed] == ["Edit 1"]


@pytest.mark.parametrize(
    ("published", "updated", "kept"),
    [
        (NOW - 60, None, NOW - 60),
        (None, NOW - 120, NOW - 120),  # no publication date: the update's
        (None, None, NOW),  # neither: first seen now
        (NOW + 86400, None, NOW),  # the future (a wrong zone, a broken clock): now
        (None, NOW + 60, NOW),
    ],
)
def test_the_publication_time_stored_is_never_missing_or_in_the_future(
    published: int | None, updated: int | None, kept: int
) -> None:
    changes = entry_changes((entry("a", published=published, updated=updated),), {}, set(), NOW)
    assert changes.new[0][1] == kept


def test_entries_already_prepared_are_not_prepared_again() -> None:
    ready = prepared(entry("a"))
    changes = entry_changes((ready,), {}, set(), NOW)
    assert changes.new[0][0] is ready


def test_words_alone_can_be_prepared_and_the_version_is_added_later() -> None:
    # parse_feed extracts the words in its worker; the storing process
    # fingerprints (OpenSSL's SHA-1 there, Python's own in a worker).
    words_only = prepared(entry("a"), version=False)
    assert words_only.words == "body words" and words_only.version is None
    assert prepared(words_only, version=False) is words_only
    whole = prepared(words_only)
    assert whole.words is words_only.words and whole.version == fingerprint(entry("a"))
    assert entry_changes((words_only,), {}, set(), NOW).new[0][0] == whole


def test_the_inputs_are_left_as_they_were() -> None:
    known = stored(entry("a"))
    removed = {"gone"}
    before = (dict(known), set(removed))
    entry_changes((entry("a", title="Edited"), entry("b")), known, removed, NOW)
    assert (known, removed) == before


def test_deciding_loads_no_database_or_network() -> None:
    code = (
        "import sys, tui.core.entries; "
        "print(sorted(m for m in ('sqlite3', 'httpx', 'tui.core.storage') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

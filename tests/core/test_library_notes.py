"""Library verbs on notes: noted articles with their notes, export limited by a query."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tui.core.errors import InputError
from tui.core.library import Library
from tui.core.models import View

FEED = Path(__file__).parent.parent / "fixtures" / "feeds" / "jsonfeed-inessential.json"


@pytest.fixture
def lib(lib: Library) -> Library:
    """The shared library subscribed to a local JSON Feed."""
    lib.add_feed(str(FEED))
    return lib


def _statements(lib: Library, call: Callable[[], object]) -> int:
    """How many SQL statements ``call()`` runs on the library's connection."""
    seen: list[str] = []
    lib.store.conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        lib.store.conn.set_trace_callback(None)
    return len(seen)


def test_noted_articles_pair_each_article_with_its_note_newest_first(lib: Library) -> None:
    ids = [a.id for a in lib.articles()]
    for i in ids[:5]:
        lib.set_note(i, f"note on {i}\nsecond line")
    lib.set_tags(ids[:2], add=["b-tag", "A-tag"])

    noted = lib.noted_articles()

    assert [a.id for a, _ in noted] == [a.id for a in lib.articles(View(noted=True))]
    assert all(
        note.article_id == a.id and note.body == f"note on {a.id}\nsecond line" for a, note in noted
    )
    assert all(a.has_note for a, _ in noted)
    assert {a.id: a.tags for a, _ in noted if a.tags} == {i: ("A-tag", "b-tag") for i in ids[:2]}


def test_noted_articles_cost_the_same_queries_for_two_notes_as_for_twenty(lib: Library) -> None:
    """The N+1 of `gazette notes`: it asked for each note on its own."""
    ids = [a.id for a in lib.articles()]
    assert len(ids) >= 20
    for i in ids[:2]:
        lib.set_note(i, "few")
    few = _statements(lib, lib.noted_articles)
    for i in ids[2:20]:
        lib.set_note(i, "many")
    many = _statements(lib, lib.noted_articles)
    assert len(lib.noted_articles()) == 20
    assert many == few


def test_export_takes_a_query_and_exports_only_its_matching_notes(
    lib: Library, tmp_path: Path
) -> None:
    ids = [a.id for a in lib.articles()]
    for i in ids[:3]:
        lib.set_note(i, f"note {i}")
    lib.set_tags([ids[0]], add=["keep"])

    report = lib.export_notes(tmp_path / "some", query="tag:keep")
    assert (report.written, len(list((tmp_path / "some").glob("*.md")))) == (1, 1)
    assert lib.export_notes(tmp_path / "all").written == 3  # no query: every note

    digest = tmp_path / "digest.md"
    assert lib.export_digest(digest, query="tag:keep") == 1
    assert lib.export_digest(digest, query="tag:nothing") == 0


def test_export_with_an_unusable_query_names_it_and_writes_nothing(
    lib: Library, tmp_path: Path
) -> None:
    lib.set_note(lib.articles()[0].id, "a note")
    with pytest.raises(InputError, match="before:notadate"):
        lib.export_notes(tmp_path / "out", query="before:notadate")
    with pytest.raises(InputError, match="before:notadate"):
        lib.export_digest(tmp_path / "d.md", query="before:notadate")
    assert not (tmp_path / "out").exists() and not (tmp_path / "d.md").exists()

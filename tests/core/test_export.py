"""Notes export: valid YAML for any title, safe names, user text kept, re-export rules.

The front matter is checked with a real YAML parser (PyYAML, test-only) and
the generated Markdown with markdown-it (already installed with Textual), so
"valid" means what other tools will see, not what our own writer believes.
"""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import builders
import pytest
import yaml
from markdown_it import MarkdownIt

from tui.core.errors import InputError, StoreError
from tui.core.export import (
    MAX_NAME,
    OWNED_KEYS,
    NoteExport,
    export_digest,
    export_notes,
    is_safe_filename,
    note_filename,
    notes_for_export,
    yaml_string,
)
from tui.core.export.frontmatter import scalar_value
from tui.core.models import ParsedFeed
from tui.core.storage import Store
from tui.core.text import clean_line

NOW = 1_790_000_000
PUBLISHED = NOW - 86_400 * 7
DAY = datetime.fromtimestamp(PUBLISHED, UTC).strftime("%Y-%m-%d")

HOSTILE = [
    'He said "hi"',
    "key: value: more",
    "line one\nline two\r\nthree",
    "---",
    "--- \n...\n---",
    "# not a comment",
    "Ünïcödé straße 日本語 العربية",
    "🎉🚀 emoji 👩‍👩‍👧",
    "[/]",
    "[link](javascript:alert(1)) ![img](x)",
    "back\\slash \\n not a newline",
    "nul\x00 and esc\x1b[31m red",
    "tab\there",
    "'single' quotes",
    "{flow: map}, [seq]",
    "&anchor *alias !tag %directive @at `tick` |pipe >fold",
    "- looks like a list",
    "1. looks numbered",
    "? complex key",
    "yes",
    "null",
    "~",
    "1e3",
    "0o17",
    "  padded  ",
    "nel\x85 ls\u2028 ps\u2029 bom\ufeff rtl\u202e del\x7f c1\x9b",
    "<script>alert(1)</script> &amp; &#x41;",
    "*bold* _em_ ~~strike~~ $math$ <b>",
    "<!-- gazette:end -->",
    "C# and F# ###",
    "x" * 1000,
    "",
]


def item(
    uid: str = "u1", title: str = "Hello world", note: str = "my note", **kw: Any
) -> NoteExport:
    base: dict[str, Any] = dict(
        uid=uid,
        title=title,
        url="https://example.org/a",
        feed="Example Feed",
        author="Ann",
        published=PUBLISHED,
        tags=("news", "tech"),
        starred=False,
        note=note,
        note_updated=NOW - 60,
    )
    base.update(kw)
    return NoteExport(**base)


def md_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".md"))


def split(path: Path) -> tuple[dict[str, Any], str]:
    """Front matter (parsed by PyYAML) and Markdown body of an exported file."""
    text = path.read_bytes().decode("utf-8")  # strict: the file must be valid UTF-8
    assert text.startswith("---\n")
    head, sep, body = text[4:].partition("\n---\n")
    assert sep, "front matter is not closed"
    meta = yaml.safe_load(head + "\n")
    assert isinstance(meta, dict)
    return meta, body


def block(body: str) -> str:
    """The text between the markers (which must each appear exactly once)."""
    assert len(re.findall(r"(?m)^<!-- gazette:begin sha256=[0-9a-f]{64} ", body)) == 1
    assert len(re.findall(r"(?m)^<!-- gazette:end -->", body)) == 1
    start = body.index("\n", body.index("<!-- gazette:begin")) + 1
    return body[start : body.index("<!-- gazette:end -->", start)]


def snapshot(root: Path, skip: Path) -> dict[str, bytes]:
    """Every regular file under root outside ``skip`` (the export folder)."""
    out: dict[str, bytes] = {}
    for dirpath, _dirs, files in os.walk(root):
        if Path(dirpath) == skip or skip in Path(dirpath).parents:
            continue
        for name in files:
            p = Path(dirpath) / name
            if not p.is_symlink():
                out[str(p)] = p.read_bytes()
    return out


# -- front matter and Markdown validity --------------------------------------


@pytest.mark.hostile
@pytest.mark.parametrize("title", HOSTILE)
def test_front_matter_is_valid_yaml_for_hostile_strings(tmp_path: Path, title: str) -> None:
    it = item(title=title, feed=title or "f", author=title or None, tags=(title or "t", "ok"))
    report = export_notes([it], tmp_path / "out", now=NOW)
    assert report.written == 1 and report.warnings == []
    (path,) = md_files(tmp_path / "out")
    meta, body = split(path)
    assert list(meta) == list(OWNED_KEYS)
    assert meta["id"] == "u1"
    assert meta["title"] == title  # exact round trip, controls included
    assert meta["feed"] == (title or "f")
    assert meta["author"] == (title or None)
    assert meta["tags"] == [title or "t", "ok"]
    assert meta["url"] == "https://example.org/a"
    assert meta["starred"] is False
    assert meta["published"].timestamp() == PUBLISHED
    assert meta["exported"].timestamp() == NOW
    assert "<!-- gazette:end -->" in body


@pytest.mark.hostile
@pytest.mark.parametrize("title", HOSTILE)
def test_heading_renders_the_title_as_literal_text(tmp_path: Path, title: str) -> None:
    """Markdown punctuation in a title never turns into links, HTML or emphasis."""
    export_notes([item(title=title, feed=title or "f")], tmp_path, now=NOW)
    (path,) = md_files(tmp_path)
    _meta, body = split(path)
    tokens = MarkdownIt("commonmark").parse(body)
    heading = next(i for i, t in enumerate(tokens) if t.type == "heading_open")
    assert tokens[heading].tag == "h1"
    inline = tokens[heading + 1]
    assert inline.children is not None
    assert {c.type for c in inline.children} <= {"text"}
    assert "".join(c.content for c in inline.children) == (clean_line(title) or "Untitled")
    # The meta line (feed · date · link) is one paragraph with at most the one link.
    para = tokens[heading + 4]
    assert para.type == "inline" and para.children is not None
    links = [c for c in para.children if c.type == "link_open"]
    assert [c.attrs["href"] for c in links] == ["https://example.org/a"]
    assert not [c for c in para.children if c.type == "html_inline"]


def test_yaml_string_escapes_what_parsers_would_misread() -> None:
    assert yaml_string('a"b\\c') == '"a\\"b\\\\c"'
    assert yaml_string("a\nb\tc\x00\x1b") == '"a\\nb\\tc\\0\\e"'
    assert yaml_string("\x85\u2028\ufeff\x01") == '"\\x85\\u2028\\uFEFF\\x01"'
    assert yaml_string("日本 🎉") == '"日本 🎉"'


def test_lone_surrogates_become_replacement_characters(tmp_path: Path) -> None:
    export_notes([item(title="bad \ud800 half", note="n \udfff")], tmp_path, now=NOW)
    (path,) = md_files(tmp_path)
    meta, body = split(path)
    assert meta["title"] == "bad \ufffd half"
    assert "n \ufffd" in body


def test_unsafe_urls_are_not_links_and_odd_urls_stay_one_link(tmp_path: Path) -> None:
    export_notes(
        [
            item("a", title="js", url="javascript:alert(1)"),
            item("b", title="odd", url="https://e.org/a b(c)<d>\\"),
        ],
        tmp_path,
        now=NOW,
    )
    by_id = {split(p)[0]["id"]: split(p) for p in md_files(tmp_path)}
    assert by_id["a"][0]["url"] == "javascript:alert(1)"
    assert "](javascript" not in by_id["a"][1]
    tokens = MarkdownIt("commonmark").parse(by_id["b"][1])
    hrefs = [
        c.attrs["href"] for t in tokens if t.children for c in t.children if c.type == "link_open"
    ]
    assert hrefs == ["https://e.org/a%20b%28c%29%3Cd%3E%5C"]


# -- file names ----------------------------------------------------------------

NAME_RE = re.compile(r"^\d{4}-\d\d-\d\d-[a-z0-9]+(?:-[a-z0-9]+)*\.md$")
RESERVED = (
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)


@pytest.mark.hostile
@pytest.mark.parametrize(
    "title",
    [
        "../../x",
        "/etc/passwd",
        "CON",
        "..",
        ".",
        "aux.txt",
        "nul",
        "COM1",
        "LPT9.md",
        "x" * 500,
        "word " * 200,
        "🎉🚀👩‍👩‍👧",
        "",
        "   ",
        'a/b\\c:d*e?f"g<h>i|j',
        "trailing dot. ",
        "C:\\Windows\\System32",
        "\x00\x1b[2J",
        "Ünïcödé Straße Œuvre",
    ],
)
def test_file_names_are_safe_and_inside_the_folder(tmp_path: Path, title: str) -> None:
    out = tmp_path / "a" / "out"
    before = snapshot(tmp_path, out)
    report = export_notes([item(title=title)], out, now=NOW)
    assert report.written == 1
    (path,) = [p for p in out.iterdir()]
    assert path.parent == out and not path.is_symlink()
    name = path.name
    assert len(name) <= MAX_NAME
    assert NAME_RE.match(name), name
    assert name.startswith(DAY + "-")
    assert name.split(".")[0].casefold() not in RESERVED
    assert is_safe_filename(name)
    assert snapshot(tmp_path, out) == before


def test_slugs_transliterate_cut_at_words_and_fall_back_to_untitled() -> None:
    assert note_filename(item(title="Ünïcödé Straße Œuvre")) == f"{DAY}-unicode-strasse-oeuvre.md"
    assert note_filename(item(title="🎉🚀")) == f"{DAY}-untitled.md"
    long = note_filename(item(title="word " * 200))
    assert len(long) <= MAX_NAME and long.endswith("-word.md")
    assert len(note_filename(item(title="x" * 500))) == MAX_NAME
    assert len(note_filename(item(title="x" * 500), 12)) == MAX_NAME
    assert note_filename(item(title="Hello"), 3) == f"{DAY}-hello-3.md"


def test_undated_article_is_named_by_the_note_date() -> None:
    assert note_filename(item(published=None, note_updated=0)) == "1970-01-01-hello-world.md"


@pytest.mark.parametrize(
    "name",
    ["CON", "con.md", "aux.txt", "Com1.tar.gz", "lpt9", "x.", "x ", "a:b", "a/b", "..", "é.md"],
)
def test_is_safe_filename_refuses_windows_and_path_hazards(name: str) -> None:
    assert not is_safe_filename(name)
    assert not is_safe_filename("x" * (MAX_NAME + 1))
    assert is_safe_filename("2026-01-01-con.md")


def test_clashes_get_numbered_suffixes_against_any_existing_file(tmp_path: Path) -> None:
    (tmp_path / f"{DAY}-Hello-World.md").write_text("the user's own file\n")  # other case
    items = [item(f"u{i}", title="Hello, World!") for i in range(3)]
    report = export_notes(items, tmp_path, now=NOW)
    assert report.written == 3
    names = sorted(p.name for p in md_files(tmp_path))
    assert names == [
        f"{DAY}-Hello-World.md",
        f"{DAY}-hello-world-2.md",
        f"{DAY}-hello-world-3.md",
        f"{DAY}-hello-world-4.md",
    ]
    assert (tmp_path / f"{DAY}-Hello-World.md").read_text() == "the user's own file\n"
    # Re-export finds each by id: no new files, no renames.
    again = export_notes(items, tmp_path, now=NOW + 10)
    assert (again.written, again.unchanged) == (0, 3)
    assert sorted(p.name for p in md_files(tmp_path)) == names


# -- never outside the folder ------------------------------------------------------


@pytest.mark.hostile
def test_symlinks_in_the_folder_are_never_followed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    # A link named like the file the export would create, pointing at a file
    # that does not exist yet outside the folder.
    (out / f"{DAY}-hello-world.md").symlink_to(outside / "planted.md")
    # A link to an outside file whose front matter claims the article's id.
    victim = outside / "victim.md"
    victim.write_text('---\nid: "u1"\n---\n\n<!-- gazette:begin -->\nx\n<!-- gazette:end -->\n')
    (out / "linked.md").symlink_to(victim)
    # A link to an outside folder.
    (out / "dir.md").symlink_to(outside, target_is_directory=True)
    before = snapshot(tmp_path, out)

    report = export_notes([item()], out, now=NOW)
    assert report.written == 1
    assert snapshot(tmp_path, out) == before
    assert not (outside / "planted.md").exists()
    assert (out / f"{DAY}-hello-world-2.md").is_file()
    assert not (out / f"{DAY}-hello-world-2.md").is_symlink()


def test_folder_is_created_and_a_file_in_its_place_is_an_input_error(tmp_path: Path) -> None:
    export_notes([item()], tmp_path / "a" / "b" / "c", now=NOW)
    assert len(md_files(tmp_path / "a" / "b" / "c")) == 1
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="file"):
        export_notes([item()], tmp_path / "file", now=NOW)


def test_write_failure_is_a_skip_naming_the_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    report = export_notes([item()], tmp_path, now=NOW)
    assert (report.written, report.skipped) == (0, 1)
    (warning,) = report.warnings
    assert f"{DAY}-hello-world.md" in warning and "No space left" in warning
    assert "\n" not in warning
    assert list(tmp_path.iterdir()) == []
    assert report.summary() == "0 written, 0 updated, 0 unchanged, 1 skipped"


# -- re-export -----------------------------------------------------------------------


def only_file(folder: Path) -> Path:
    (path,) = md_files(folder)
    return path


def test_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    export_notes([item()], tmp_path, now=NOW)
    path = only_file(tmp_path)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = path.read_bytes()
    report = export_notes([item()], tmp_path, now=NOW + 3600)
    assert (report.unchanged, report.updated, report.written) == (1, 0, 0)
    assert path.read_bytes() == before  # "exported" keeps the time of the last change
    assert path.stat().st_mtime_ns == 1_000_000_000


def test_note_change_refreshes_block_and_keeps_user_text_outside(tmp_path: Path) -> None:
    export_notes([item(note="first thought")], tmp_path, now=NOW)
    path = only_file(tmp_path)
    text = path.read_text()
    before_block, rest = text.split("<!-- gazette:begin", 1)
    generated, _after = rest.split("<!-- gazette:end -->", 1)
    mine_before = "\nMy intro, with a [[wikilink]] and trailing spaces   \r\n\n"
    mine_after = "\n\n## My own section\n\n- keep me\n- <!-- a comment -->\nno final newline"
    head, _sep, _old_gap = before_block.partition("---\n\n")
    path.write_bytes(
        (
            head
            + "---\n"
            + mine_before
            + "<!-- gazette:begin"
            + generated
            + "<!-- gazette:end -->"
            + mine_after
        ).encode()
    )

    report = export_notes([item(note="second thought")], tmp_path, now=NOW + 60)
    assert report.updated == 1, report.warnings
    new = path.read_bytes().decode()
    assert "second thought" in new and "first thought" not in new
    assert new.endswith("<!-- gazette:end -->" + mine_after)
    assert "\n---\n" + mine_before + "<!-- gazette:begin sha256=" in new
    meta, _body = split(path)
    assert meta["exported"].timestamp() == NOW + 60
    # And exporting again changes nothing.
    assert export_notes([item(note="second thought")], tmp_path, now=NOW + 99).unchanged == 1


def test_changed_metadata_updates_the_front_matter(tmp_path: Path) -> None:
    export_notes([item()], tmp_path, now=NOW)
    report = export_notes([item(starred=True, tags=("x",))], tmp_path, now=NOW + 1)
    assert report.updated == 1
    meta, _ = split(only_file(tmp_path))
    assert meta["starred"] is True and meta["tags"] == ["x"]


def test_user_front_matter_keys_are_kept_in_place(tmp_path: Path) -> None:
    export_notes([item()], tmp_path, now=NOW)
    path = only_file(tmp_path)
    text = path.read_text()
    text = text.replace("---\nid:", "---\naliases: [mine]\n# my comment\nid:", 1)
    text = text.replace("exported:", "rating: 5\nreview: |\n  long\n\n  text\nexported:", 1)
    text = text.replace('title: "Hello world"', 'title: "Renamed by me"')
    path.write_text(text)

    report = export_notes([item(note="changed")], tmp_path, now=NOW + 5)
    assert report.updated == 1
    meta, _ = split(path)
    assert meta["aliases"] == ["mine"] and meta["rating"] == 5
    assert meta["review"] == "long\n\ntext\n"
    assert meta["title"] == "Hello world"  # owned keys are regenerated
    new = path.read_text()
    assert new.startswith("---\naliases: [mine]\n# my comment\nid:")
    assert export_notes([item(note="changed")], tmp_path, now=NOW + 9).unchanged == 1


def test_edit_inside_block_is_skipped_with_warning_unless_forced(tmp_path: Path) -> None:
    export_notes([item(note="original")], tmp_path, now=NOW)
    path = only_file(tmp_path)
    edited = path.read_text().replace("original", "I changed this in my editor")
    path.write_text(edited + "\nmy text after\n")

    report = export_notes([item(note="original")], tmp_path, now=NOW + 1)
    assert report.skipped == 1
    (warning,) = report.warnings
    assert path.name in warning and "--force" in warning
    assert path.read_text() == edited + "\nmy text after\n"

    # The note changing does not unlock it either.
    assert export_notes([item(note="newer")], tmp_path, now=NOW + 2).skipped == 1

    forced = export_notes([item(note="newer")], tmp_path, now=NOW + 3, force=True)
    assert forced.updated == 1
    text = path.read_text()
    assert "newer" in text and "I changed this" not in text
    assert text.endswith("<!-- gazette:end -->\n\nmy text after\n")
    assert export_notes([item(note="newer")], tmp_path, now=NOW + 4).unchanged == 1


def test_line_ending_and_trailing_space_changes_are_not_edits(tmp_path: Path) -> None:
    export_notes([item(note="a\nb")], tmp_path, now=NOW)
    path = only_file(tmp_path)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n").replace(b"a\r\n", b"a   \r\n"))
    report = export_notes([item(note="a\nb\nc")], tmp_path, now=NOW + 1)
    assert report.updated == 1, report.warnings
    data = path.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")  # still CRLF throughout
    path.write_bytes(data.replace(b"\r\n", b"\n"))
    assert "a\nb\nc\n" in block(split(path)[1])
    path.write_bytes(data)
    assert export_notes([item(note="a\nb\nc")], tmp_path, now=NOW + 2).unchanged == 1


def test_renamed_file_is_found_by_id_and_keeps_its_name(tmp_path: Path) -> None:
    export_notes([item(note="one")], tmp_path, now=NOW)
    path = only_file(tmp_path)
    renamed = path.rename(tmp_path / "My favourite article.md")
    report = export_notes([item(note="two", title="New title")], tmp_path, now=NOW + 1)
    assert (report.written, report.updated) == (0, 1)
    assert md_files(tmp_path) == [renamed]
    meta, body = split(renamed)
    assert meta["title"] == "New title" and "two" in body


def test_missing_markers_are_skipped_and_force_puts_the_block_back(tmp_path: Path) -> None:
    export_notes([item()], tmp_path, now=NOW)
    path = only_file(tmp_path)
    head = path.read_text().split("<!-- gazette:begin")[0]
    path.write_text(head + "I replaced everything.\n")
    report = export_notes([item()], tmp_path, now=NOW + 1)
    assert report.skipped == 1 and path.name in report.warnings[0]
    assert export_notes([item()], tmp_path, now=NOW + 2, force=True).updated == 1
    text = path.read_text()
    assert "my note" in text and text.endswith("<!-- gazette:end -->\n\nI replaced everything.\n")
    split(path)


def test_a_note_cannot_forge_the_end_marker(tmp_path: Path) -> None:
    hostile = "before\n<!-- gazette:end -->\n<!-- gazette:begin sha256=" + "0" * 64 + " -->\nafter"
    export_notes([item(note=hostile)], tmp_path, now=NOW)
    path = only_file(tmp_path)
    path.write_text(path.read_text() + "\nuser tail\n")
    report = export_notes([item(note=hostile + " more")], tmp_path, now=NOW + 1)
    assert report.updated == 1, report.warnings
    _meta, body = split(path)
    inner = block(body)
    assert "before" in inner and "after more" in inner
    assert body.endswith("<!-- gazette:end -->\n\nuser tail\n")


def test_duplicate_ids_update_one_file_and_warn_about_the_other(tmp_path: Path) -> None:
    export_notes([item()], tmp_path, now=NOW)
    path = only_file(tmp_path)
    copy = tmp_path / "zz-copy.md"
    copy.write_bytes(path.read_bytes())
    report = export_notes([item(note="changed")], tmp_path, now=NOW + 1)
    assert report.updated == 1
    assert any("zz-copy.md" in w for w in report.warnings)
    assert "changed" in path.read_text() and "changed" not in copy.read_text()


def test_files_that_are_not_ours_are_left_alone(tmp_path: Path) -> None:
    other = {
        "readme.md": b"# Not front matter\n",
        "other.md": b'---\nid: "someone-else"\n---\nbody\n',
        "binary.md": b"---\n\xff\xfe\x00\x00" * 100,
        "notes.txt": b'---\nid: "u1"\n---\n',
    }
    for name, data in other.items():
        (tmp_path / name).write_bytes(data)
    report = export_notes([item()], tmp_path, now=NOW)
    assert report.written == 1 and report.skipped == 0
    for name, data in other.items():
        assert (tmp_path / name).read_bytes() == data


# -- with a real store ------------------------------------------------------------------


entry = partial(
    builders.entry,
    author="Ann",
    published=PUBLISHED,
    content="<p>body</p>",
    base="https://example.org/",
)


def fill(store: Store) -> dict[str, int]:
    """Two feeds, three articles (two noted, one tagged twice)."""
    a = store.add_feed("https://a.example/feed")
    b = store.add_feed("https://b.example/feed", title="Feed B")
    doc_a = ParsedFeed(
        kind="rss20",
        title="Feed A",
        link=None,
        entries=(entry("a1", 'First: "quoted"'), entry("a2", "Unnoted")),
    )
    store.store_entries(a, doc_a, now=NOW)
    doc_b = ParsedFeed(
        kind="rss20", title="", link=None, entries=(entry("b1", "Second", published=NOW - 5),)
    )
    store.store_entries(b, doc_b, now=NOW)
    ids = {r[1]: r[0] for r in store.conn.execute("SELECT id, key FROM articles")}
    store.save_note(ids["a1"], "note on a1", NOW - 100)
    store.save_note(ids["b1"], "note on b1", NOW - 50)
    store.set_starred([ids["b1"]], True)
    store.conn.execute("INSERT INTO tags(name) VALUES ('zeta'), ('Alpha')")
    store.conn.execute(
        "INSERT INTO article_tags SELECT ?, id FROM tags WHERE name IN ('zeta', 'Alpha')",
        (ids["a1"],),
    )
    return ids


def test_notes_for_export_reads_noted_articles_with_tags(store: Store) -> None:
    ids = fill(store)
    notes = notes_for_export(store)
    assert [n.title for n in notes] == ['First: "quoted"', "Second"]  # oldest first
    first, second = notes
    uid = store.conn.execute("SELECT uid FROM articles WHERE id = ?", (ids["a1"],)).fetchone()[0]
    assert first == NoteExport(
        uid=uid,
        title='First: "quoted"',
        url="https://example.org/a1",
        feed="Feed A",
        author="Ann",
        published=PUBLISHED,
        tags=("Alpha", "zeta"),
        starred=False,
        note="note on a1",
        note_updated=NOW - 100,
    )
    assert second.feed == "Feed B" and second.starred and second.tags == ()
    assert [n.title for n in notes_for_export(store, article_ids=[ids["b1"], ids["a2"]])] == [
        "Second"
    ]
    assert notes_for_export(store, article_ids=[]) == []


def test_export_rows_takes_more_ids_than_sqlite_binds_and_names_the_db_on_error(
    store: Store,
) -> None:
    ids = fill(store)
    many = [*range(100_000, 140_000), ids["b1"]]  # past SQLite's bound-parameter limit
    (row,) = store.export_rows(many)
    assert row[1:8] == ("Second", "https://example.org/b1", "Feed B", "Ann", NOW - 5, (), 1)
    store.conn.execute("DROP TABLE notes")
    with pytest.raises(StoreError, match=re.escape(str(store.path)) + ": cannot read notes"):
        notes_for_export(store)


def test_export_from_store_and_deleting_a_note_never_deletes_a_file(
    store: Store, tmp_path: Path
) -> None:
    ids = fill(store)
    out = tmp_path / "notes"
    report = export_notes(notes_for_export(store), out, now=NOW)
    assert report.summary() == "2 written, 0 updated, 0 unchanged, 0 skipped"
    assert [split(p)[0]["title"] for p in md_files(out)] == ['First: "quoted"', "Second"]
    store.save_note(ids["a1"], "", NOW)  # deleting the note
    report = export_notes(notes_for_export(store), out, now=NOW + 1)
    assert report.summary() == "0 written, 0 updated, 1 unchanged, 0 skipped"
    assert len(md_files(out)) == 2
    store.save_note(ids["b1"], "note on b1, revised", NOW + 2)
    report = export_notes(notes_for_export(store), out, now=NOW + 3)
    assert report.updated == 1
    assert any("revised" in p.read_text() for p in md_files(out))


# -- digest ---------------------------------------------------------------------------


def digest_items() -> list[NoteExport]:
    return [
        item("1", title="Old", feed="Beta", tags=("t1", "t2"), published=PUBLISHED - 999),
        item("2", title="New", feed="Beta", tags=("t2",), published=PUBLISHED, note="# Big\nx"),
        item("3", title="Lone", feed="alpha", tags=(), published=PUBLISHED - 5),
    ]


def headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("#")]


def test_digest_grouped_by_feed(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "digest.md"
    assert export_digest(digest_items(), path, group_by="feed", now=NOW) == 3
    text = path.read_text()
    assert headings(text) == [
        "# Gazette notes",
        "## alpha",
        "### Lone",
        "## Beta",
        "### New",
        "#### Big",  # the note's own heading sits below the article's
        "### Old",
    ]
    assert "[Original article](https://example.org/a)" in text
    assert "3 notes by feed" in text


def test_digest_grouped_by_tag_repeats_multi_tagged_articles(tmp_path: Path) -> None:
    path = tmp_path / "digest.md"
    assert export_digest(digest_items(), path, group_by="tag", now=NOW) == 3
    assert [h for h in headings(path.read_text()) if not h.startswith("####")] == [
        "# Gazette notes",
        "## t1",
        "### Old",
        "## t2",
        "### New",
        "### Old",
        "## Untagged",
        "### Lone",
    ]


def test_digest_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=str(tmp_path)):
        export_digest(digest_items(), tmp_path, group_by="feed", now=NOW)
    empty = tmp_path / "empty.md"
    assert export_digest([], empty, group_by="tag", now=NOW) == 0
    assert "No notes to export." in empty.read_text()


def test_note_export_is_frozen() -> None:
    with pytest.raises(AttributeError):
        item().title = "x"  # type: ignore[misc]
    assert replace(item(), title="y").title == "y"


def test_a_reformatted_owned_key_is_replaced_whole(tmp_path: Path) -> None:
    export_notes([item()], tmp_path, now=NOW)
    path = only_file(tmp_path)
    text = path.read_text().replace(
        'title: "Hello world"\n', "title: |\n  Hello\n\n  world\n\nmine: 1\n"
    )
    text = text.replace('tags: ["news", "tech"]\n', "tags:\n- news\n- tech\n")
    path.write_text(text)
    assert export_notes([item(note="new")], tmp_path, now=NOW + 1).updated == 1
    meta, _ = split(path)
    assert meta["title"] == "Hello world" and meta["tags"] == ["news", "tech"]
    assert meta["mine"] == 1


# -- the file format, byte for byte ------------------------------------------------------

GOLDEN = (
    "---\n"
    'id: "3f9c2a1b7d4e8f60"\n'
    'title: "Tabs\\tand \\"quotes\\" 🎉 rtl\\u202E"\n'
    'url: "https://example.org/a b"\n'
    'feed: "Feed: one"\n'
    "author: null\n"
    "published: 2024-03-21T05:46:40Z\n"
    'tags: ["gaza", "read later"]\n'
    "starred: true\n"
    "exported: 2026-09-21T14:13:20Z\n"
    "---\n"
    "\n"
    "<!-- gazette:begin sha256=1e705a97e321dd560100bd20f31326d5b90b8c60f4c23d1d25fec13ddd1b42ae"
    " (generated by Gazette: write your own text outside it) -->\n"
    '# Tabs and "quotes" 🎉 rtl\n'
    "\n"
    "Feed: one · 2024-03-21 · [Original article](https://example.org/a%20b)\n"
    "\n"
    "Line one\n"
    "\n"
    "&lt;!-- gazette:end -->\n"
    "<!-- gazette:end -->\n"
)


def golden_item() -> NoteExport:
    return item(
        "3f9c2a1b7d4e8f60",
        title='Tabs\tand "quotes" 🎉 rtl\u202e',
        note="Line one\n\n<!-- gazette:end -->",
        url="https://example.org/a b",
        feed="Feed: one",
        author=None,
        published=1_711_000_000,
        tags=("gaza", "read later"),
        starred=True,
    )


def test_the_file_format_is_byte_for_byte_what_earlier_versions_wrote(tmp_path: Path) -> None:
    """Files already exported must read as unchanged, or a re-export rewrites them all.

    The expected text is what Gazette wrote before the front matter was read
    with a YAML library: emoji raw, bidi overrides and tabs escaped.
    """
    export_notes([golden_item()], tmp_path, now=NOW)
    path = only_file(tmp_path)
    assert path.name == "2024-03-21-tabs-and-quotes-rtl.md"
    assert path.read_bytes().decode("utf-8") == GOLDEN
    path.write_bytes(GOLDEN.encode())
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    report = export_notes([golden_item()], tmp_path, now=NOW + 86_400)
    assert (report.unchanged, report.updated) == (1, 0)
    assert path.stat().st_mtime_ns == 1_000_000_000


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ('id: "u1"\n', "u1"),
        ("id: 'it''s' # re-quoted by hand\r\n", "it's"),
        ("id: plain # comment\n", "plain"),
        ("id: 0123\n", "0123"),  # as written: an id is text, never a number
        ("exported: 2026-01-02T03:04:05Z\n", "2026-01-02T03:04:05Z"),
        ('id:\t"tabbed"\t# YAML 1.2 allows tabs here\n', "tabbed"),
        ('"id": "quoted key"\n', "quoted key"),
        ('id: "\\x41\\u00e9\\U0001F389\\N\\_\\L\\P\\/\\e"\n', "Aé🎉\x85\xa0\u2028\u2029/\x1b"),
        ('id: ""\n', ""),
        ("id:\n", None),
        ("id: |\n", None),
        ("id: [u1]\n", None),
        ("id: {a: b}\n", None),
        ("id: *alias\n", None),
        ('id: "unclosed\n', None),
        ('id: "x" y\n', None),
    ],
)
def test_scalar_values_are_read_back_by_a_yaml_parser(line: str, value: str | None) -> None:
    assert scalar_value(line) == value


@pytest.mark.parametrize("title", HOSTILE)
def test_every_written_scalar_reads_back_through_the_reader(title: str) -> None:
    assert scalar_value(f"title: {yaml_string(title)}\n") == title


def test_a_hand_requoted_id_still_finds_the_file(tmp_path: Path) -> None:
    export_notes([item()], tmp_path, now=NOW)
    path = only_file(tmp_path)
    text = path.read_text().replace('id: "u1"', "id: 'u1'  # mine")
    path.write_text(text.replace("exported: ", "exported:\t"))
    report = export_notes([item()], tmp_path, now=NOW + 1)
    assert (report.written, report.updated) == (0, 1)
    assert md_files(tmp_path) == [path]
    assert 'id: "u1"\n' in path.read_text()


def test_the_yaml_library_is_not_loaded_at_startup() -> None:
    """PyYAML costs ~50 ms; only an export needs it, never the app's start."""
    code = "import sys, tui.core.library; print('yaml' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

"""The folder rule (tui/core/folders.py) and the verbs and queries built on it.

The rule: paths are cleaned names joined by "/", folders compare with
Unicode case folding, a folder holds its subfolders, and ``% _ \\`` are
plain characters.  The store's views, ``folder:`` search and the Library
verbs (add, move, rename) must all follow it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from builders import rss

from tui.core import folders
from tui.core.errors import InputError, NotFound
from tui.core.library import Library
from tui.core.models import View

NOW = 1_711_000_000


# -- the rule ---------------------------------------------------------------------


def test_normalise_trims_collapses_and_drops_empty_names() -> None:
    assert folders.normalise(" Tech / /Rust/ ") == "Tech/Rust"
    assert folders.normalise("/Tech//Rust/") == "Tech/Rust"
    assert folders.normalise("Big   \t News") == "Big News"
    assert folders.normalise(" / / ") == ""
    assert folders.normalise(None) == ""


def test_one_folder_whatever_the_case_with_unicode_casefold() -> None:
    assert folders.key("Tech") == folders.key("tech") == folders.key(" TECH/")
    assert folders.key("Straße") == folders.key("STRASSE")  # casefold, not lower()
    assert folders.key("ÉTÉ") == folders.key("été")  # beyond ASCII (SQLite's NOCASE is not)
    assert folders.key("Café") != folders.key("Cafe")  # accents count


def test_membership_includes_subfolders_on_whole_names_only() -> None:
    assert folders.contains("Tech", "tech")
    assert folders.contains("tech", "Tech/Rust")
    assert folders.contains("Tech/Rust", "TECH/rust/Async")
    assert not folders.contains("Tech", "Technology")
    assert not folders.contains("Tech/Rust", "Tech")
    assert not folders.contains("Rust", "Tech/Rust")  # a path from the top
    assert not folders.contains("Tech", None)
    assert not folders.contains("", "Tech") and not folders.contains(None, "Tech")


def test_sql_wildcards_and_backslash_are_plain_characters() -> None:
    assert folders.contains("50%_off\\x", "50%_off\\x/more")
    assert not folders.contains("50%_off\\x", "50%Aoff\\x")
    assert not folders.contains("a_c", "abc")
    assert not folders.contains("a%", "abc")
    assert not folders.contains("a\\", "a\\\\")


def test_from_user_refuses_control_characters_and_overlong_paths() -> None:
    assert folders.from_user("  Tech /Rust ") == "Tech/Rust"
    assert folders.from_user("Tech\tNews") == "Tech News"  # tabs are whitespace
    assert folders.from_user("") == "" and folders.from_user(None) == ""
    for bad in ("a\x1b[31mb", "a\x07", "a\u202eb", "a\x85b", "a\u200bb"):
        with pytest.raises(InputError) as err:
            folders.from_user(bad)
        message = str(err.value)
        assert "control characters are not allowed" in message
        assert "\n" not in message and "\x1b" not in message and "\u202e" not in message
    with pytest.raises(InputError, match="at most 200 characters"):
        folders.from_user("x" * 201)


def test_spelling_shown_is_the_most_common_then_the_oldest() -> None:
    shown = folders.spellings(["tech", "Tech/Rust", "Tech", None, "Tech/rust", "tech/rust"])
    assert shown == {"tech": "Tech", "tech/rust": "Tech/rust"}  # Tech 3 to 2, rust 2 to 1
    tie = folders.spellings(["news", "News"])
    assert tie == {"news": "news"}  # a tie goes to the first (oldest) feed


def test_adopt_files_under_the_existing_spelling() -> None:
    existing = ["Tech", "Tech/Rust", None]
    assert folders.adopt("tech/RUST/async", existing) == "Tech/Rust/async"
    assert folders.adopt("TECH", existing) == "Tech"
    assert folders.adopt("News", existing) == "News"


def test_renamed_moves_subfolders_and_merges() -> None:
    assert folders.renamed("tech/Rust/x", "Tech", "News") == "News/Rust/x"
    assert folders.renamed("tech", "Tech", "TECH") == "TECH"  # fixing the case
    assert folders.renamed("news/y", "Tech", "News") == "News/y"  # merged target respelled
    assert folders.renamed("News/y", "Tech", "News") is None  # already so
    assert folders.renamed("Technology", "Tech", "News") is None
    assert folders.renamed(None, "Tech", "News") is None


# -- one rule in the store, search and verbs -------------------------------------------

#: (folder as an OPML file spells it, articles in its feed): every count differs, so
#: a feed counted in the wrong folder shows.
FEEDS: tuple[tuple[str | None, int], ...] = (
    ("Tech", 1),
    ("tech", 2),
    ("Tech/Rust", 4),
    ("TECH/rust/Async", 8),
    ("Technology", 16),
    ("50%_off\\x", 32),
    ("50%Aoff\\x", 64),
    ("Café", 128),
    ("Cafe", 256),
    (None, 512),
    ("Été", 1024),
    ("ÉTÉ/Plage", 2048),
)


def _outline(folder: str | None, url: str, title: str) -> str:
    feed = f'<outline type="rss" text="{title}" xmlUrl={quoteattr(url)}/>'
    for name in reversed((folder or "").split("/") if folder else []):
        feed = f"<outline text={quoteattr(name)}>{feed}</outline>"
    return feed


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The FEEDS as an OPML import (spellings kept as written), fetched from local files."""
    tmp_path = tmp_path_factory.mktemp("folders")
    body = []
    for i, (folder, items) in enumerate(FEEDS):
        path = tmp_path / f"feed{i}.xml"
        path.write_text(rss(f"Feed{i}", items), encoding="utf-8")
        body.append(_outline(folder, str(path), f"Feed{i}"))
    opml = tmp_path / "subs.opml"
    opml.write_text(
        f'<?xml version="1.0"?><opml version="2.0"><body>{"".join(body)}</body></opml>',
        encoding="utf-8",
    )
    lib = Library(tmp_path / "g.db", clock=lambda: NOW)
    try:
        lib.import_opml(opml)
        lib.refresh()
        lib.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        lib.close()
    return tmp_path / "g.db"


@pytest.fixture
def library(template: Path, tmp_path: Path) -> Iterator[Library]:
    """A copy of the template library for one test (tests move and rename folders)."""
    shutil.copyfile(template, tmp_path / "g.db")
    lib = Library(tmp_path / "g.db", clock=lambda: NOW)
    yield lib
    lib.close()


def _expected(folder: str) -> int:
    return sum(items for spelled, items in FEEDS if folders.contains(folder, spelled))


def _quoted(path: str) -> str:
    return 'folder:"' + path.replace('"', '""') + '"'


@pytest.mark.parametrize(
    "folder",
    [
        "Tech",
        "tech",
        "TECH/RUST",
        "Tech/Rust/async",
        "50%_off\\x",
        "50%aoff\\X",
        "Café",
        "cafe",
        "été",
        "ÉTÉ/plage",
    ],
)
def test_views_and_search_follow_the_rule(library: Library, folder: str) -> None:
    expected = _expected(folder)
    assert expected > 0
    assert library.count_articles(View(folder=folder)) == expected
    assert library.count_articles(View(folder=folder, unread=True)) == expected
    assert len(library.articles(View(folder=folder))) == expected
    assert library.count_articles(View(query=_quoted(folder))) == expected
    assert (
        library.count_articles(View(query=f"-{_quoted(folder)}"))
        == sum(n for _f, n in FEEDS) - expected
    )


def test_tech_and_tech_are_one_folder_with_subfolders(library: Library) -> None:
    assert library.count_articles(View(folder="tech")) == 1 + 2 + 4 + 8
    assert library.count_articles(View(folder="Tech/Rust")) == 4 + 8
    assert library.folders() == [
        "50%_off\\x",
        "50%Aoff\\x",
        "Cafe",
        "Café",
        "Tech",
        "Tech/Rust",
        "Tech/Rust/Async",
        "Technology",
        "Été",
        "Été/Plage",
    ]


def test_opml_export_writes_each_folder_once(library: Library) -> None:
    text = library.opml_text()
    assert text.count('text="Tech"') == 1 and 'text="tech"' not in text
    assert text.count('text="Rust"') == 1 and 'text="rust"' not in text


def test_add_feed_takes_a_folder_checked_before_fetching(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "new.xml"
    path.write_text(rss("New", 1), encoding="utf-8")
    with pytest.raises(InputError, match="control characters"):
        library.add_feed(str(path), folder="Bad\x1b]0;x\x07")
    assert not any(f.url == str(path) for f in library.feeds())
    feed, _ = library.add_feed(str(path), folder=" tech / RUST / New ")
    assert feed.folder == "Tech/Rust/New"  # the existing spelling of Tech/Rust


def test_move_feed_files_unfiles_and_refuses(library: Library) -> None:
    feed = next(f for f in library.feeds() if f.folder is None)
    moved = library.move_feed(str(feed.id), "technology/Gadgets")
    assert moved.folder == "Technology/Gadgets"
    assert library.count_articles(View(folder="Technology")) == 16 + 512
    assert library.move_feed(feed.url, "").folder is None
    moved = library.move_feed("Feed1", "TECH")  # by title; the only "tech" feed
    assert moved.folder == "Tech"
    alone = library.move_feed("Feed4", "TECHNOLOGY")  # its own spelling is not kept
    assert alone.folder == "TECHNOLOGY"
    with pytest.raises(NotFound):
        library.move_feed("no such feed", "Tech")
    with pytest.raises(InputError):
        library.move_feed("Feed1", "a\x00b")
    assert library.find_feed("Feed1").folder == "Tech"


def test_rename_folder_moves_subfolders_and_merges(library: Library) -> None:
    path, moved = library.rename_folder("tech", "Computing")
    assert (path, moved) == ("Computing", 4)
    assert library.count_articles(View(folder="Computing/Rust/Async")) == 8
    assert library.count_articles(View(folder="Tech")) == 0
    assert library.count_articles(View(folder="Technology")) == 16  # a name that only starts so
    # Onto an existing folder: one folder, in the spelling typed.
    path, moved = library.rename_folder("Café", "cafe")
    assert (path, moved) == ("cafe", 1)
    by_title = {f.title: f.folder for f in library.feeds()}
    assert by_title["Feed7"] == by_title["Feed8"] == "cafe"
    assert library.count_articles(View(folder="CAFE")) == 128 + 256


def test_rename_folder_refuses_what_it_cannot_do(library: Library) -> None:
    with pytest.raises(NotFound, match="no such folder"):
        library.rename_folder("Nope", "Other")
    with pytest.raises(InputError, match="needs a name"):
        library.rename_folder("Tech", " / ")
    with pytest.raises(InputError, match="own subfolder"):
        library.rename_folder("Tech", "tech/Old")
    with pytest.raises(InputError, match="control characters"):
        library.rename_folder("Tech", "x\x1b[2Jy")
    assert library.count_articles(View(folder="Tech")) == 15  # nothing moved
    assert library.rename_folder("tech/rust", "Tech/Rust")[1] == 2  # case fixes are fine

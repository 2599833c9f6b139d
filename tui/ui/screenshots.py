"""Write the README's screenshots: ``python -m tui.ui.screenshots [--out DIR]``.

Each shot runs the real app headless (``App.run_test``) on a fresh copy of the
demo database (``tui.demo.build_demo``), drives it with Pilot key presses and
saves the screen as SVG.  The default folder is the checkout's
``screenshots/`` (next to ``pyproject.toml``) when run from a checkout, else
``./screenshots``.

Re-running gives byte-identical files, by construction:

* the clock is fixed (``NOW``) for building the demo, for the library and for
  the app, and the time zone is UTC, so relative and absolute dates never move;
* the stars, read marks, tags and notes are set through ``Library`` before
  the app starts, from article titles (never from ids or order of insertion);
* every shot starts from its own copy of the same prepared database, so
  running one shot alone gives the same file as running them all;
* workers are waited for, then the screen is allowed to go quiet, and no cursor
  blinks (a blink is a timer, and a timer is wall-clock time);
* auto-refresh is off (it would fetch on a timer).

Why ``NOW`` must be patched into ``build_demo``: the demo build stamps feeds
and articles with the time it ran (``added``, ``first_seen``,
``last_fetched``); under the fixed clock those stamps are the same on every run.
"""

from __future__ import annotations

import os
import time

# Before Textual or anything that reads local time is imported.
os.environ["TZ"] = "UTC"
time.tzset()
os.environ.pop("NO_COLOR", None)  # Textual drops every colour with it set
os.environ.pop("TEXTUAL_THEME", None)  # it would override the shot's theme

import argparse  # noqa: E402
import asyncio  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Awaitable, Callable, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402
from unittest import mock  # noqa: E402

from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Input, TextArea  # noqa: E402

from tui import demo  # noqa: E402
from tui.config import Config  # noqa: E402
from tui.core import Article, Library  # noqa: E402
from tui.ui.app import GazetteApp  # noqa: E402

#: The moment every screenshot is taken.
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC).timestamp()
#: Terminal size of every shot (columns, rows): wide enough for three panes.
SIZE = (160, 45)
#: Longest wait for workers (article bodies, search, counts) before a shot.
SETTLE_TIMEOUT = 20.0


#: Demo articles the shots open (by title, never by id).
CREDENTIALS = "Privacy-Preserving Compromised Credential Checking"  # The Cloudflare Blog
VIRGIN = "Virgin Mobile Partners With Apple"  # Daring Fireball
GMAIL = "Google Will Stop Reading Your Emails"  # Daring Fireball, found by SEARCH
#: A word in six demo articles of three feeds (in three of the titles).
SEARCH = "google"


def clock() -> float:
    return NOW


# -- the demo database ---------------------------------------------------------


def build_database(path: Path) -> Path:
    """The demo database at ``path``, built under the fixed clock, with the
    user state the screenshots show (stars, read marks, tags, notes, a saved
    search)."""
    fixed_library = partial(Library, clock=clock)
    with mock.patch.object(demo, "Library", fixed_library), mock.patch("time.time", clock):
        demo.build_demo(path)
    lib = Library(path, clock=clock)
    try:
        prepare(lib)
        lib.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        lib.close()
    return path


def _ids(articles: Sequence[Article], *prefixes: str) -> list[int]:
    """For each title prefix, the id of the first article (by id) whose title starts so."""
    ids = []
    for prefix in prefixes:
        found = [a.id for a in articles if a.title.startswith(prefix)]
        if not found:
            raise LookupError(f"screenshots: no demo article titled {prefix!r}...")
        ids.append(min(found))
    return ids


def prepare(lib: Library) -> None:
    """Stars, read marks, tags, a note and a saved search, as a reader would leave them."""
    arts = lib.articles()
    read = ("Ask HN: Share your", "Dall-E 2", "The State of Fortran", "You can do a lot", "234 - ")
    lib.set_read(_ids(arts, *read))
    lib.set_starred(_ids(arts, CREDENTIALS, "In defense of simple architectures", VIRGIN))
    lib.set_tags(_ids(arts, CREDENTIALS), add=["security", "to-read"])
    lib.set_tags(_ids(arts, "In defense of simple architectures"), add=["architecture"])
    lib.set_tags(_ids(arts, "Twitter Bluesky", "Tailscale"), add=["to-read"])
    lib.set_note(
        _ids(arts, CREDENTIALS)[0],
        "k-anonymity: only a hash *prefix* leaves the client.\n\n"
        "- compare with the Have I Been Pwned range API\n"
        "- ask the team about MIGP for our login flow",
    )
    lib.save_search("Apple, unread", "apple is:unread")


# -- driving the app -----------------------------------------------------------


async def settle(pilot: Pilot[int]) -> None:
    """Wait until no worker runs and the screen has processed every message."""
    app = pilot.app
    deadline = time.monotonic() + SETTLE_TIMEOUT
    await pilot.pause()
    while any(w.is_running for w in app.workers) and time.monotonic() < deadline:
        await pilot.pause(0.02)
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def wait_for(pilot: Pilot[int], cond: Callable[[], bool], what: str) -> None:
    """Pause until ``cond()`` holds (thread workers need real time)."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while not cond():
        if time.monotonic() > deadline:
            raise RuntimeError(f"screenshot: timed out waiting for {what}")
        await pilot.pause(0.02)


def freeze_cursors(app: GazetteApp) -> None:
    """No blinking cursor anywhere on screen (the blink phase is wall-clock time)."""
    for screen in app.screen_stack:
        for widget in screen.query(Input):
            widget.cursor_blink = False
        for area in screen.query(TextArea):
            area.cursor_blink = False


def _app(pilot: Pilot[int]) -> GazetteApp:
    app = pilot.app
    assert isinstance(app, GazetteApp)
    return app


async def cursor_to(pilot: Pilot[int], title_prefix: str) -> None:
    """Press j in the article list until the cursor is on the article titled so."""
    lst = _app(pilot).main.article_list
    lst.focus()
    await pilot.pause()
    for _ in range(lst.count):
        current = lst.current
        if current is not None and current.title.startswith(title_prefix):
            return
        await pilot.press("j")
    raise LookupError(f"screenshot: no article {title_prefix!r} in the list")


async def open_article(pilot: Pilot[int], source_key: str, title_prefix: str) -> None:
    """Show a feed list source, move to an article and open it with enter."""
    _app(pilot).main.feed_list.select_key(source_key)
    await pilot.pause()
    await cursor_to(pilot, title_prefix)
    await pilot.press("enter")
    await settle(pilot)


async def shot_main(pilot: Pilot[int]) -> None:
    """All articles, with a starred, tagged and noted one open."""
    await open_article(pilot, "smart:all", CREDENTIALS)


async def shot_article_notes(pilot: Pilot[int]) -> None:
    """An article with the notes panel open and a note typed (and saved)."""
    await open_article(pilot, "folder:Blogs", VIRGIN)
    await pilot.press("e")
    await settle(pilot)
    freeze_cursors(_app(pilot))
    await pilot.press(*"Sprint's network, Apple's stores.", "enter", *"- ask about MVNO pricing")
    await pilot.press("ctrl+s")  # saved now, not by the autosave timer mid-shot
    await settle(pilot)


async def shot_search(pilot: Pilot[int]) -> None:
    """Search as you type; the matches are highlighted in the list and the article."""
    main = _app(pilot).main
    await pilot.press("slash")
    await pilot.pause()
    freeze_cursors(_app(pilot))
    await pilot.press(*SEARCH)
    bar = main.search_bar
    await wait_for(pilot, lambda: bar.shown == SEARCH, "the search results")
    await pilot.press("enter")  # from the box to the results
    await cursor_to(pilot, GMAIL)  # its body says Google too
    await pilot.press("enter")
    await settle(pilot)


async def shot_tag_editor(pilot: Pilot[int]) -> None:
    """The tag editor on an article with two tags, completing a third."""
    await open_article(pilot, "smart:all", CREDENTIALS)
    await pilot.press("t")
    await settle(pilot)
    freeze_cursors(_app(pilot))
    await pilot.press(*"arch")  # completes to the existing tag "architecture"
    await settle(pilot)


async def shot_help(pilot: Pilot[int]) -> None:
    """The keys screen over the reader."""
    await pilot.press("question_mark")
    await settle(pilot)


@dataclass(frozen=True)
class Shot:
    """One screenshot: what to do before it, and in which theme."""

    run: Callable[[Pilot[int]], Awaitable[None]]
    theme: str = "gazette-dark"
    size: tuple[int, int] = SIZE


SHOTS: dict[str, Shot] = {
    "main": Shot(shot_main),
    "article-notes": Shot(shot_article_notes),
    "search": Shot(shot_search),
    "tag-editor": Shot(shot_tag_editor),
    "help": Shot(shot_help),
    "theme-light": Shot(shot_main, theme="gazette-light"),
    "theme-newsprint": Shot(shot_main, theme="newsprint"),
}


async def take(shot: Shot, db: Path) -> str:
    """Run the app on ``db``, play the shot, and return the screen as SVG."""
    lib = Library(db, clock=clock)
    try:
        app = GazetteApp(lib, clock=clock, config=Config(theme=shot.theme), auto_refresh_every=0)
        async with app.run_test(size=shot.size) as pilot:
            await settle(pilot)
            await shot.run(pilot)
            freeze_cursors(app)
            await settle(pilot)
            svg = app.export_screenshot(title="Gazette")
    finally:
        lib.close()
    return svg


def default_out() -> Path:
    """The checkout's ``screenshots/`` when run from one, else ``./screenshots``."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "tui").is_dir():
        return root / "screenshots"
    return Path.cwd() / "screenshots"


def make_screenshots(out: Path, names: Sequence[str] | None = None) -> list[Path]:
    """Write ``<name>.svg`` into ``out`` for each shot (all of them by default)."""
    names = list(SHOTS) if names is None else list(names)
    unknown = [n for n in names if n not in SHOTS]
    if unknown:
        raise ValueError(f"unknown screenshots: {', '.join(unknown)} (known: {', '.join(SHOTS)})")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="gazette-shots-") as tmp:
        template = build_database(Path(tmp) / "template" / "demo.db")
        for name in names:
            db = Path(tmp) / name / "demo.db"
            db.parent.mkdir()
            shutil.copyfile(template, db)
            svg = asyncio.run(take(SHOTS[name], db))
            target = out / f"{name}.svg"
            target.write_bytes(svg.encode("utf-8"))  # "\n" line ends on every OS
            written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tui.ui.screenshots",
        description="Write the README screenshots (SVG) from the demo database.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"folder for the SVG files (default: {default_out()})",
    )
    parser.add_argument(
        "shots",
        nargs="*",
        metavar="SHOT",
        help=f"shots to take (default: all of {', '.join(SHOTS)})",
    )
    args = parser.parse_args(argv)
    out = args.out or default_out()
    for path in make_screenshots(out, args.shots or None):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Themes: the shipped files load, bad user files are reported once and skipped,
the choice persists to config.toml without disturbing the rest of the file,
and every shipped theme keeps the things a reader must see readable.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from builders import notifications
from textual.color import Color
from textual.command import CommandList, CommandPalette

from tui.config import Config
from tui.ui import themes
from tui.ui.app import GazetteApp

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

SHIPPED = ("gazette-dark", "gazette-light", "high-contrast", "newsprint", "phosphor")
REPO_THEMES = Path(__file__).parents[2] / "themes"


# -- the files -------------------------------------------------------------------------


def test_every_shipped_theme_loads_and_validates() -> None:
    folder = themes.shipped_theme_dir()
    assert folder is not None
    loaded = themes.load_themes([folder])
    assert loaded.problems == []
    names = [t.name for t in loaded.themes]
    assert set(SHIPPED) <= set(names)
    assert {p.stem for p in REPO_THEMES.glob("*.toml")} == set(names)
    for theme in loaded.themes:
        theme.to_color_system().generate()
    assert themes.DEFAULT_THEME in names and Config().theme == themes.DEFAULT_THEME


def _luminance(c: Color) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = c.rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: Color, b: Color) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _resolve(value: str, under: Color) -> Color:
    """A theme variable as the colour the terminal shows over ``under``."""
    value = value.strip()
    if value.startswith("auto"):
        pct = float(value.split()[1].rstrip("%")) / 100 if " " in value else 1.0
        return under + under.get_contrast_text(pct)
    return under + Color.parse(value)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_themes_keep_what_a_reader_needs_readable(name: str) -> None:
    """WCAG contrast of the pairs the reader relies on: body text, muted
    (read) rows, unread markers, stars, the selection, dialog buttons and the
    error banner."""
    theme = next(t for t in themes.load_themes([REPO_THEMES]).themes if t.name == name)
    colours = {**theme.to_color_system().generate(), **theme.variables}
    bg = Color.parse(colours["background"])
    text = _resolve(colours["text"], bg)
    assert _contrast(text, bg) >= (12 if name == "high-contrast" else 7)
    assert _contrast(_resolve(colours["text-muted"], bg), bg) >= 3.5  # read articles
    assert _contrast(_resolve(colours["text-accent"], bg), bg) >= 3  # unread markers
    assert _contrast(_resolve(colours["text-warning"], bg), bg) >= 3  # stars
    cursor_bg = _resolve(colours["block-cursor-background"], bg)
    cursor_fg = _resolve(colours["block-cursor-foreground"], cursor_bg)
    assert _contrast(cursor_fg, cursor_bg) >= 4.5  # the selected row
    assert _contrast(cursor_bg, bg) >= 1.5  # ...stands out from the list
    blurred = _resolve(colours["block-cursor-blurred-background"], bg)
    assert _contrast(blurred, bg) >= 1.15  # the selection of an unfocused pane
    primary = _resolve(colours["primary"], bg)
    button_text = _resolve(colours["button-color-foreground"], primary)
    assert _contrast(button_text, primary) >= 4.5  # the Save button of dialogs
    banner = _resolve(colours["error-muted"], bg)
    assert _contrast(_resolve(colours["text-error"], banner), banner) >= 3  # feed errors


BAD_FILES = {
    "bad-colour.toml": 'name = "bad-colour"\nprimary = "notacolor"\n',
    "unknown-key.toml": 'name = "unknown-key"\nprimary = "#112233"\nsparkle = true\n',
    "broken.toml": 'name = "broken"\nprimary = "#112233\n',
    "bad-variable.toml": (
        'name = "bad-variable"\nprimary = "#112233"\n[variables]\n'
        'block-cursor-background = "#12345G"\n'
    ),
    "no-primary.toml": 'name = "no-primary"\n',
}
GOOD_FILE = 'name = "mine"\nprimary = "#336699"\nbackground = "#101010"\n'


@pytest.mark.parametrize("file", sorted(BAD_FILES))
def test_each_kind_of_bad_theme_file_is_refused_with_a_reason(file: str, tmp_path: Path) -> None:
    (tmp_path / file).write_text(BAD_FILES[file])
    loaded = themes.load_themes([tmp_path])
    assert loaded.themes == []
    assert len(loaded.problems) == 1
    line = loaded.problems[0]
    assert str(tmp_path / file) in line and line.endswith("skipped") and "\n" not in line


async def test_bad_user_themes_are_reported_once_and_the_rest_still_load(
    make_app: Any, library: Any, tmp_path: Path, ui: Helpers
) -> None:
    folder = tmp_path / "themes"
    folder.mkdir()
    for file, text in BAD_FILES.items():
        (folder / file).write_text(text)
    (folder / "mine.toml").write_text(GOOD_FILE)
    app = GazetteApp(library, clock=ui.clock, config=Config(theme="mine"), theme_dirs=[folder])
    seen = notifications(app)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "mine"
        assert "mine" in app.available_themes
        assert set(SHIPPED) <= set(app.available_themes)
        for name in ("bad-colour", "unknown-key", "broken", "bad-variable", "no-primary"):
            assert name not in app.available_themes
        assert len(seen) == 1, seen  # one notice for everything at startup
        lines = seen[0].splitlines()
        assert len(lines) == len(BAD_FILES)
        for file in BAD_FILES:
            assert sum(file in line for line in lines) == 1
        assert any("'notacolor' is not a colour" in line for line in lines)
        assert any("unknown key 'sparkle'" in line for line in lines)
        assert any("not valid TOML" in line for line in lines)
        await pilot.pause(0.05)
        assert len(seen) == 1


async def test_unknown_theme_in_config_warns_and_uses_the_default(
    library: Any, ui: Helpers
) -> None:
    app = GazetteApp(library, clock=ui.clock, config=Config(theme="no-such-theme"))
    seen = notifications(app)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.theme == themes.DEFAULT_THEME
        assert len(seen) == 1
        assert "theme: no theme named 'no-such-theme'; using gazette-dark" in seen[0]


# -- choosing one, and remembering it ------------------------------------------------

CONFIG = """\
# My Gazette settings
browser = "firefox"   # the one I use
theme = "gazette-dark"  # was light before

[reading]
# newest first, always
sort = "oldest"

[keybindings]
star = "x"
"""


async def test_choosing_a_theme_in_the_palette_switches_and_saves_it(
    library: Any, tmp_path: Path, ui: Helpers
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    app = GazetteApp(library, clock=ui.clock, config=Config(), config_file=path)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("ctrl+p")
        await ui.wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"newsprint")
        palette = app.screen

        def offered() -> bool:
            options = palette.query_one(CommandList)
            return options.option_count > 0 and "newsprint" in str(
                options.get_option_at_index(0).prompt
            )

        await ui.wait_for(pilot, offered)
        await pilot.press("enter")
        await ui.wait_for(pilot, lambda: app.theme == "newsprint")
        await pilot.pause()
    text = path.read_text()
    assert text == CONFIG.replace(
        'theme = "gazette-dark"  # was light before', 'theme = "newsprint"  # was light before'
    )
    assert tomllib.loads(text)["theme"] == "newsprint"


async def test_startup_does_not_rewrite_the_config(
    library: Any, tmp_path: Path, ui: Helpers
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "phosphor"\n')
    before = path.stat().st_mtime_ns
    app = GazetteApp(library, clock=ui.clock, config=Config(theme="phosphor"), config_file=path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "phosphor"
    assert path.stat().st_mtime_ns == before


def test_saving_a_theme_keeps_comments_order_and_tables(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# top\n\n# reading\n[reading]\nsort = 'oldest'\n")
    themes.save_theme_choice(path, "phosphor")
    assert path.read_text() == (
        "# top\n\ntheme = \"phosphor\"\n\n# reading\n[reading]\nsort = 'oldest'\n"
    )
    themes.save_theme_choice(path, "newsprint")
    assert tomllib.loads(path.read_text()) == {"theme": "newsprint", "reading": {"sort": "oldest"}}
    # a [table] key named theme is not the top-level one
    path.write_text('[other]\ntheme = "x"\n')
    themes.save_theme_choice(path, "gazette-light")
    assert tomllib.loads(path.read_text()) == {"theme": "gazette-light", "other": {"theme": "x"}}


def test_a_config_that_is_not_toml_is_never_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("theme = [broken\n")
    with pytest.raises(ValueError, match="not valid TOML"):
        themes.save_theme_choice(path, "phosphor")
    assert path.read_text() == "theme = [broken\n"


def test_saving_creates_a_missing_config(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "config.toml"
    themes.save_theme_choice(path, "high-contrast")
    assert path.read_text() == 'theme = "high-contrast"\n'

"""Configuration: defaults, validation with one-line warnings, and dumping."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tui.config import Config, browser_argv, dump_config, load_config, parse_config


def test_missing_file_gives_defaults_without_warnings(tmp_path: Path) -> None:
    config, warnings = load_config(tmp_path / "nope.toml")
    assert config == Config() and warnings == []


def test_values_override_defaults() -> None:
    config, warnings = parse_config(
        """
        theme = "paper"
        [refresh]
        interval_minutes = 15
        timeout = 12
        [reading]
        sort = "oldest"
        [keybindings]
        quit = "ctrl+q"
        """
    )
    assert warnings == []
    assert config.theme == "paper"
    assert config.refresh.interval_minutes == 15 and config.refresh.timeout == 12.0
    assert config.refresh.concurrency == 8  # untouched default
    assert config.reading.sort == "oldest"
    assert config.keybindings == {"quit": "ctrl+q"}


@pytest.mark.hostile
def test_each_problem_is_one_line_naming_file_key_and_reason() -> None:
    config, warnings = parse_config(
        """
        colour = "red"
        [refresh]
        concurrency = "many"
        per_host = 0
        [reading]
        sort = "random"
        mark_read_on_open = 1
        [keybindings]
        quit = 5
        """,
        "/home/u/.config/gazette/config.toml",
    )
    assert len(warnings) == 6
    assert all(w.startswith("/home/u/.config/gazette/config.toml: ") for w in warnings)
    assert all("\n" not in w for w in warnings)
    text = "\n".join(warnings)
    assert "colour: unknown setting" in text
    assert "refresh.concurrency: expected an integer, got 'many'" in text
    assert "refresh.per_host: must be at least 1" in text
    assert "reading.sort: expected one of newest, oldest" in text
    assert "reading.mark_read_on_open: expected true or false, got 1" in text
    assert "keybindings.quit" in text
    # What was wrong falls back to the default; the rest still applies.
    assert config.refresh.concurrency == 8 and config.reading.sort == "newest"


@pytest.mark.hostile
def test_broken_toml_falls_back_to_defaults_with_one_warning(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "unterminated\n[refresh\n', encoding="utf-8")
    config, warnings = load_config(path)
    assert config == Config()
    assert len(warnings) == 1 and str(path) in warnings[0] and "not valid TOML" in warnings[0]


@pytest.mark.hostile
def test_binary_garbage_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    config, warnings = load_config(path)
    assert config == Config() and len(warnings) == 1


def test_dump_is_valid_toml_that_loads_back_to_the_same_config() -> None:
    config, _ = parse_config('theme = "a \\"quoted\\" name"\n[keybindings]\n"go.top" = "g"\n')
    text = dump_config(config)
    tomllib.loads(text)
    assert parse_config(text) == (config, [])
    assert "[retention]" in dump_config(Config())


@pytest.mark.hostile
def test_non_finite_numbers_are_refused() -> None:
    config, warnings = parse_config("[refresh]\ntimeout = nan\nconnect_timeout = inf\n")
    assert len(warnings) == 2 and config.refresh.timeout == 30.0


@pytest.mark.hostile
def test_a_browser_that_cannot_run_is_one_line_at_startup() -> None:
    for value, reason in (
        ("   ", "the command is blank"),
        ("w3m 'oops %u", "cannot be split into words (no closing quotation)"),
        ("%u", "the command must start with the program to run"),
    ):
        config, warnings = parse_config(f'browser = "{value}"\n', "/c/config.toml")
        assert warnings == [
            f"/c/config.toml: browser: {reason}: {value!r}; using the system's browser"
        ]
        assert config.browser == ""  # the system's browser


def test_browser_commands_and_modes_that_are_fine() -> None:
    text = 'browser = "w3m -o confirm_qq=false %u"\nbrowser_mode = "terminal"\n'
    config, warnings = parse_config(text)
    assert warnings == [] and config.browser_mode == "terminal"
    assert browser_argv(config.browser) == ["w3m", "-o", "confirm_qq=false", "%u"]
    assert parse_config('browser = ""\n') == (Config(), [])  # as `config show` writes the default
    _, warnings = parse_config('browser_mode = "tty"\n', "c.toml")
    assert warnings == ["c.toml: browser_mode: expected one of auto, terminal, detached, got 'tty'"]

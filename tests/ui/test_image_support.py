"""The ``[reading] images`` setting: which mode it means, and the terminal questions asked."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from tui.ui import image_support


def test_halfcell_is_forced_and_off_is_off() -> None:
    assert image_support.mode("halfcell") == "halfcell"
    assert image_support.mode("off") == "off"


def test_auto_follows_what_the_terminal_answered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(image_support, "_graphics", None)
    assert image_support.mode("auto") == "off"  # never asked (a test, not a terminal)
    monkeypatch.setattr(image_support, "_graphics", False)
    assert image_support.mode("auto") == "off"
    monkeypatch.setattr(image_support, "_graphics", True)
    assert image_support.mode("auto") == "graphics"


def _recording(asked: list[str]) -> Any:
    @contextlib.contextmanager
    def ask(start: str, end: str, timeout: float | None = None) -> Iterator[SimpleNamespace]:
        asked.append(start)
        yield SimpleNamespace(sequence="")

    return ask


@pytest.mark.parametrize(
    ("env", "asks_kitty"),
    [
        ({"TERM": "xterm-256color"}, False),
        ({"TERM": "tmux-256color"}, False),
        ({"TERM": "xterm-kitty"}, True),
        ({"TERM": "xterm-ghostty"}, True),
        ({"TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"}, True),
    ],
)
def test_the_kitty_question_is_asked_only_of_kitty_like_terminals(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], asks_kitty: bool
) -> None:
    monkeypatch.delenv("KITTY_WINDOW_ID", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    asked: list[str] = []
    ask = image_support._skip_kitty_question(_recording(asked))
    with ask("\x1b[?", "c", 0.1):  # the Sixel question: always asked
        pass
    try:
        with ask("\x1b_G", "\x1b\\", 0.1):
            pass
    except TimeoutError:
        pass
    assert asked == (["\x1b[?", "\x1b_G"] if asks_kitty else ["\x1b[?"])


def test_the_setting_is_checked_when_the_config_is_read() -> None:
    from tui.config import parse_config

    config, warnings = parse_config('[reading]\nimages = "halfcell"\n')
    assert (config.reading.images, warnings) == ("halfcell", [])
    config, warnings = parse_config('[reading]\nimages = "sometimes"\n')
    assert config.reading.images == "auto"
    assert warnings == [
        "config.toml: reading.images: expected one of auto, off, halfcell, got 'sometimes'"
    ]

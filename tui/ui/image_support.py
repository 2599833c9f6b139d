"""Whether the reader draws pictures, and with what: the ``[reading] images`` setting.

textual-image asks the terminal what it can draw (Sixel, the Kitty graphics
protocol) when it is imported, by writing a query and reading the answer
from stdin; once Textual runs, its input thread takes that answer.  So
``prepare`` imports it before ``App.run`` (``run_app``), and only when
images are not "off" (the import and the questions cost startup time).
Then:

* "auto": pictures where the terminal answered that it speaks a graphics
  protocol, else none (alt text only);
* "halfcell": pictures drawn with coloured half blocks (``▀``), in any
  terminal; the Pilot tests use it, since they have no terminal to ask;
* "off": alt text only; textual-image is never imported.

An app that was not prepared (the tests build ``GazetteApp`` themselves)
treats "auto" as "off": it cannot have asked the terminal.

What the questions cost: textual-image asks for Sixel (``ESC [ c``, which
every terminal answers at once) and then for the Kitty graphics protocol,
which terminals without it never answer: a 0.1 s timeout, measured at
118 ms on every start in tmux (16 ms without that question).  Its own notes
say that only Kitty draws its Kitty-protocol pictures (Konsole and WezTerm
answer the question but need Sixel), so the question is asked only where
the environment names Kitty or Ghostty (``_kitty_like``); elsewhere it is
answered "no" without waiting.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from PIL.Image import Image
    from textual.widget import Widget

__all__ = ["ImageMode", "cell_size", "mode", "picture_widget", "prepare"]

ImageMode = Literal["off", "graphics", "halfcell"]

#: Whether the terminal speaks a graphics protocol (None: it was not asked).
_graphics: bool | None = None


def prepare(setting: str) -> None:
    """Ask the terminal what it draws (import textual-image), unless images are off.

    Call before the app runs.  Never raises: a terminal that cannot be
    asked simply gets no pictures under "auto".
    """
    global _graphics
    if setting == "off":
        return
    try:
        from textual_image import _terminal

        ask = _terminal.capture_terminal_response
        _terminal.capture_terminal_response = _skip_kitty_question(ask)
        try:
            import textual_image.widget  # noqa: F401 - the import asks the terminal
            from textual_image.renderable import Image, SixelImage, TGPImage
        finally:
            _terminal.capture_terminal_response = ask
        _graphics = Image in (SixelImage, TGPImage)
    except Exception:
        _graphics = False


#: How Kitty graphics queries start (textual-image's ``_TGP_MESSAGE_START``).
_KITTY_QUERY = "\x1b_G"


def _kitty_like() -> bool:
    """Whether the environment names a terminal that draws Kitty-protocol pictures."""
    term = os.environ.get("TERM", "")
    return bool(os.environ.get("KITTY_WINDOW_ID")) or term in ("xterm-kitty", "xterm-ghostty")


def _skip_kitty_question(ask: Any) -> Any:
    """textual-image's terminal question, the Kitty one answered "no" at once where
    no Kitty-like terminal is named (see the module doc)."""

    @contextlib.contextmanager
    def asking(start_marker: str, end_marker: str, timeout: float | None = None) -> Iterator[Any]:
        if start_marker == _KITTY_QUERY and not _kitty_like():
            raise TimeoutError("not asked: no Kitty-like terminal named")
        with ask(start_marker, end_marker, timeout) as response:
            yield response

    return asking


def mode(setting: str) -> ImageMode:
    """How pictures are drawn under ``setting`` (see the module doc)."""
    if setting == "halfcell":
        return "halfcell"
    if setting == "auto" and _graphics:
        return "graphics"
    return "off"


def cell_size() -> tuple[int, int]:
    """A terminal cell's size in pixels (width, height), as textual-image measured it."""
    from textual_image._terminal import get_cell_size

    size = get_cell_size()
    return max(1, size.width), max(1, size.height)


def picture_widget(how: ImageMode, image: Image) -> Widget:
    """textual-image's widget for ``image``: the terminal's protocol, or half blocks."""
    from textual_image.widget import HalfcellImage
    from textual_image.widget import Image as AutoImage

    if how == "graphics":
        return AutoImage(image, classes="article-image--picture")
    return HalfcellImage(image, classes="article-image--picture")

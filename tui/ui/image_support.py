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
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

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
        import textual_image.widget  # noqa: F401 - the import asks the terminal
        from textual_image.renderable import Image, SixelImage, TGPImage

        _graphics = Image in (SixelImage, TGPImage)
    except Exception:
        _graphics = False


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

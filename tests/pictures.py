"""Small images made with Pillow for the image tests (and the benchmark), and hostile ones."""

from __future__ import annotations

import functools
import io

from PIL import Image

__all__ = ["bomb_png", "jpeg", "png"]


def png(width: int = 40, height: int = 20, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A PNG of one colour, with a dark band across its top half (so halves differ)."""
    image = Image.new("RGB", (width, height), colour)
    image.paste((10, 10, 120), (0, 0, width, height // 2))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def jpeg(width: int = 64, height: int = 48) -> bytes:
    """A JPEG of a green gradient."""
    image = Image.new("RGB", (width, height))
    image.putdata([(0, 40 + 200 * x // width, 60) for _ in range(height) for x in range(width)])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


@functools.cache
def bomb_png() -> bytes:
    """A few kilobytes of PNG that claim 8,000 x 8,000 pixels (64 million: over the cap)."""
    image = Image.new("1", (8000, 8000), 0)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()

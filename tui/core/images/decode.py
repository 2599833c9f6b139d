"""Image bytes -> a Pillow image, decoded whole, under a pixel cap, shrunk to its box.

Pillow opens lazily: ``Image.open`` reads the header, ``load`` decodes.  So
the size is checked against the cap before anything is decoded (a 1 KB PNG
can claim 100,000 x 100,000 pixels: a decompression bomb), and Pillow's own
limit (``Image.MAX_IMAGE_PIXELS``, set here explicitly rather than left at
its default) backs that check.  Decoding happens here, in the caller's
worker thread, so bad data (truncated, not an image, a format Pillow does
not know) fails here as :class:`ImageError` and never when the image is
drawn.  The result is shrunk to the box it will be shown in: drawing
scales the image again at every paint, on the UI thread, and a photo of
4000 pixels costs that much each time; converted to RGB(A) so that every
renderer takes it.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from tui.core.errors import ImageError

__all__ = ["MAX_PIXELS", "decode_image"]

#: Pixels an image may have (width x height): about a 7,000 x 7,000 photo.
MAX_PIXELS = 50_000_000

# Pillow's own bomb check, explicitly: it warns past this and refuses past twice
# it.  Our check below refuses at the limit itself, before any decoding, so the
# warning says nothing new (and a warning printed while the reader runs would
# land on its screen): it is silenced once here, not per call (``catch_warnings``
# is not thread-safe).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


def decode_image(
    url: str, data: bytes, box: tuple[int, int], max_pixels: int = MAX_PIXELS
) -> Image.Image:
    """``data`` decoded and shrunk to fit ``box`` (width, height in pixels; never enlarged).

    Raises :class:`ImageError` with one line when it is not an image Pillow
    reads, is damaged, or has more than ``max_pixels`` pixels.
    """
    try:
        opened = Image.open(io.BytesIO(data))
        width, height = opened.size
        if width <= 0 or height <= 0:
            raise ImageError(url, "an image with no pixels")
        if width * height > max_pixels:
            raise ImageError(url, f"too many pixels ({width} x {height})")
        opened.load()  # the first frame of an animation
        image = opened.convert("RGBA" if _has_alpha(opened) else "RGB")
        image.thumbnail((max(1, box[0]), max(1, box[1])), Image.Resampling.LANCZOS)
        return image
    except ImageError:
        raise
    except Image.DecompressionBombError:
        raise ImageError(url, "too many pixels") from None
    except Exception as exc:  # Pillow raises many kinds for bad data
        raise ImageError(url, _reason(exc)) from None


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _reason(exc: Exception) -> str:
    """A short reason for a decoding failure."""
    if isinstance(exc, UnidentifiedImageError):
        return "not an image that can be shown"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"cannot decode the image ({text[:80]})"

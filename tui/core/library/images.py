"""Article images: fetched once, cached on disk, decoded under caps.

``Library.image`` is what the reader calls, from a worker thread, when an
image of the open article scrolls into view: the bytes come from the disk
cache, else from the network (one shared fetcher, so the per-host limits
hold across images: ``library.fetching.ImageSettings``), then are decoded
and shrunk to the box they will be drawn in.  Only bytes that decoded are
cached, so a bad image is fetched again next time rather than kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from tui.core.images.cache import ImageCache
from tui.core.library.base import LibraryBase

if TYPE_CHECKING:
    from PIL.Image import Image


class _Fetches(Protocol):
    """What the facade needs of the image fetcher (``fetch.images.ImageFetcher``)."""

    def fetch(self, url: str) -> bytes: ...

    def close(self) -> None: ...


class ImagesMixin(LibraryBase):
    """The images of articles, for the reader."""

    _image_fetcher: _Fetches | None = None
    _image_cache: ImageCache | None = None

    def image(self, url: str, box: tuple[int, int]) -> Image:
        """The image at ``url``, decoded and shrunk to fit ``box`` (pixels).

        Blocks on the disk and the network: call it from a worker thread.
        Raises :class:`~tui.core.errors.FetchError` or
        :class:`~tui.core.errors.ImageError` with one line.
        """
        from tui.core.images.decode import decode_image

        settings = self.image_settings
        cache = self._images_cached()
        data = cache.get(url) if cache is not None else None
        if data is not None:
            return decode_image(url, data, box, settings.max_pixels)
        data = self._images_fetcher().fetch(url)
        image = decode_image(url, data, box, settings.max_pixels)
        if cache is not None:
            cache.put(url, data)
        return image

    def _images_cached(self) -> ImageCache | None:
        folder = self.image_settings.cache_dir
        if folder is None:
            return None
        with self._lock:
            if self._image_cache is None:
                self._image_cache = ImageCache(folder, self.image_settings.cache_bytes)
            return self._image_cache

    def _images_fetcher(self) -> _Fetches:
        with self._lock:
            if self._image_fetcher is None:
                self._image_fetcher = self.image_settings.fetcher()
                self._on_close.append(self._images_closed)
            return self._image_fetcher

    def _images_closed(self) -> None:
        """Stop the image fetcher (its connections and its thread): ``close`` calls it."""
        with self._lock:
            fetcher, self._image_fetcher = self._image_fetcher, None
        if fetcher is not None:
            fetcher.close()

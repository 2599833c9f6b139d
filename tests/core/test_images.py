"""Article images in the core: decoding under caps, the disk cache, ``Library.image`` over HTTP."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from feedserver import FeedServer
from pictures import bomb_png, jpeg, png
from PIL import Image

from tui.core import FetchError, ImageError, ImageSettings, Library
from tui.core.images.cache import ImageCache
from tui.core.images.decode import MAX_PIXELS, decode_image

BOX = (200, 200)


# -- decoding ----------------------------------------------------------------------------


def test_a_png_and_a_jpeg_decode_to_rgb_images() -> None:
    assert decode_image("u", png(40, 20), BOX).size == (40, 20)
    decoded = decode_image("u", jpeg(64, 48), BOX)
    assert (decoded.size, decoded.mode) == ((64, 48), "RGB")


def test_an_image_is_shrunk_to_its_box_never_enlarged() -> None:
    assert decode_image("u", png(400, 100), (100, 100)).size == (100, 25)
    assert decode_image("u", png(10, 10), (100, 100)).size == (10, 10)


def test_pillow_s_own_pixel_limit_is_set_explicitly() -> None:
    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html>not an image</html>", "not an image"),
        (png(40, 20)[:60], "cannot decode"),
        (b"", "not an image"),
    ],
    ids=["html", "truncated", "empty"],
)
def test_bad_data_is_an_image_error(data: bytes, reason: str) -> None:
    with pytest.raises(ImageError, match=reason):
        decode_image("http://x/a.png", data, BOX)


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    with pytest.raises(ImageError, match="too many pixels"):
        decode_image("http://x/bomb.png", bomb_png(), BOX)


def test_the_pixel_cap_can_be_lowered() -> None:
    with pytest.raises(ImageError, match="too many pixels"):
        decode_image("u", png(100, 100), BOX, max_pixels=9_999)


# -- the disk cache ----------------------------------------------------------------------


def test_the_cache_gives_back_what_was_put(tmp_path: Path) -> None:
    cache = ImageCache(tmp_path / "img", 10_000)
    assert cache.get("http://x/a") is None
    cache.put("http://x/a", b"abc")
    assert cache.get("http://x/a") == b"abc"


def _age(cache: ImageCache, url: str, when: int) -> None:
    """Mark ``url``'s file as last used at ``when`` (seconds since the epoch)."""
    os.utime(cache._path(url), (when, when))


def test_the_cache_stays_under_its_limit_the_least_recently_used_going_first(
    tmp_path: Path,
) -> None:
    cache = ImageCache(tmp_path, 2_500)
    cache.put("http://x/a", bytes(1000))
    _age(cache, "http://x/a", 1_000_000_000)
    cache.put("http://x/b", bytes(1000))
    _age(cache, "http://x/b", 1_000_000_100)
    cache.put("http://x/c", bytes(1000))  # three do not fit: the oldest (a) goes
    _age(cache, "http://x/c", 1_000_000_200)
    assert cache.get("http://x/a") is None
    assert cache.size() <= 2_500
    assert cache.get("http://x/b") == bytes(1000)  # b is now the most recently used
    cache.put("http://x/d", bytes(1000))
    assert cache.get("http://x/c") is None
    assert cache.get("http://x/b") is not None
    assert cache.size() <= 2_500


def test_an_image_bigger_than_the_cache_is_not_kept(tmp_path: Path) -> None:
    cache = ImageCache(tmp_path, 100)
    cache.put("http://x/big", bytes(101))
    assert cache.get("http://x/big") is None
    assert cache.size() == 0


def test_a_cache_that_cannot_be_written_is_a_miss(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    cache = ImageCache(blocker / "img", 10_000)  # its folder cannot be made
    cache.put("http://x/a", b"abc")
    assert cache.get("http://x/a") is None


# -- Library.image over HTTP -------------------------------------------------------------


@pytest.fixture
def images_lib(tmp_path: Path) -> Iterator[Library]:
    settings = ImageSettings(cache_dir=tmp_path / "cache", max_bytes=50_000, timeout=2.0)
    library = Library(tmp_path / "gazette.db", images=settings)
    yield library
    library.close()


def test_an_image_is_fetched_once_then_read_from_the_cache(
    images_lib: Library, feed_server: FeedServer
) -> None:
    feed_server.page("/a.png", png(40, 20), content_type="image/png")
    first = images_lib.image(feed_server.url("/a.png"), BOX)
    second = images_lib.image(feed_server.url("/a.png"), BOX)
    assert first.size == second.size == (40, 20)
    assert feed_server.hits("/a.png") == 1
    assert feed_server.last_request("/a.png").headers["accept"].startswith("image/")


def test_bad_data_is_not_cached(images_lib: Library, feed_server: FeedServer) -> None:
    feed_server.page("/bad.png", b"<html>oops</html>", content_type="image/png")
    for _ in range(2):
        with pytest.raises(ImageError):
            images_lib.image(feed_server.url("/bad.png"), BOX)
    assert feed_server.hits("/bad.png") == 2


def test_a_404_is_a_fetch_error(images_lib: Library, feed_server: FeedServer) -> None:
    feed_server.status("/gone.png", 404)
    with pytest.raises(FetchError, match="404"):
        images_lib.image(feed_server.url("/gone.png"), BOX)


def test_an_image_over_the_byte_cap_is_refused(
    images_lib: Library, feed_server: FeedServer
) -> None:
    feed_server.big("/huge.png", 200_000, chunked=True)
    with pytest.raises(FetchError, match="larger than"):
        images_lib.image(feed_server.url("/huge.png"), BOX)


def test_a_slow_server_hits_the_deadline(images_lib: Library, feed_server: FeedServer) -> None:
    feed_server.slow("/slow.png", png(), interval=0.5)
    with pytest.raises(FetchError, match="timed out"):
        images_lib.image(feed_server.url("/slow.png"), BOX)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "/etc/passwd", "data:image/png;base64,AA"])
def test_only_http_images_are_fetched(images_lib: Library, url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        images_lib.image(url, BOX)


def test_images_share_the_per_host_limit(tmp_path: Path, feed_server: FeedServer) -> None:
    settings = ImageSettings(cache_dir=None, per_host=2, timeout=10.0)
    library = Library(tmp_path / "gazette.db", images=settings)
    for n in range(6):
        feed_server.page(f"/p{n}.png", png(), content_type="image/png")
        feed_server.delay(f"/p{n}.png", 0.2)
    threads = [
        threading.Thread(target=library.image, args=(feed_server.url(f"/p{n}.png"), BOX))
        for n in range(6)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        library.close()
    assert sum(feed_server.hits(f"/p{n}.png") for n in range(6)) == 6
    assert feed_server.max_in_flight <= 2


def test_a_closed_library_s_fetcher_thread_is_gone(tmp_path: Path, feed_server: FeedServer) -> None:
    library = Library(tmp_path / "gazette.db")
    feed_server.page("/a.png", png(), content_type="image/png")
    library.image(feed_server.url("/a.png"), BOX)
    assert any(t.name == "gazette-images" for t in threading.enumerate())
    library.close()
    assert not any(t.name == "gazette-images" for t in threading.enumerate())

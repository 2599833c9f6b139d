"""Pilot tests: block images in the article pane (issue 17), drawn with half blocks.

Images come from the loopback feed server.  Each block image is an
``ArticleImage`` that shows its alt line, fetches nothing until it is in
view, then shows the picture; whatever goes wrong leaves the alt line.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from builders import rss_feed, rss_item
from feedserver import FeedServer
from pictures import bomb_png, jpeg, png
from PIL.Image import Image
from typing_extensions import override

from tui.config import Config, ReadingConfig
from tui.core import ImageSettings
from tui.core.images.decode import decode_image
from tui.core.library import Library
from tui.ui.app import GazetteApp
from tui.ui.widgets.article_image import ArticleImage, cells_for
from tui.ui.widgets.article_text import ArticleText

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

SIZE = (120, 40)
NOW = 1_710_979_200 + 3 * 3600
FILLER = "".join(f"<p>Paragraph {n} of words that fill the pane.</p>" for n in range(60))


async def _library(tmp_path: Path, body: str, **settings: Any) -> Library:
    """A library with one article of ``body`` (subscribed in a thread: it runs its own loop)."""
    return await asyncio.to_thread(_subscribe, tmp_path, body, settings)


def _subscribe(tmp_path: Path, body: str, settings: dict[str, Any]) -> Library:
    feed = tmp_path / "images.xml"
    item = rss_item("img-1", "Pictures", date="Wed, 20 Mar 2024 10:00:00 GMT", body=body)
    feed.write_text(rss_feed(item, title="Images"), encoding="utf-8")
    images = ImageSettings(cache_dir=tmp_path / "cache", max_bytes=50_000, timeout=2.0, **settings)
    lib = Library(tmp_path / "images.db", clock=lambda: NOW, images=images)
    lib.add_feed(str(feed))
    while lib.convert_pending(100):
        pass
    return lib


def _app(lib: Library, images: str = "halfcell") -> GazetteApp:
    return GazetteApp(lib, clock=lambda: NOW, config=Config(reading=ReadingConfig(images=images)))


def _img(server: FeedServer, path: str, alt: str) -> str:
    return f'<p><img src="{server.url(path)}" alt="{alt}"></p>'


async def _open(app: GazetteApp, pilot: Any, ui: Helpers) -> None:
    await pilot.press("enter")
    await ui.settle(pilot)
    await ui.wait_for(pilot, lambda: not app.main.pane.loading_body)
    await pilot.pause()


def _images(app: GazetteApp) -> list[ArticleImage]:
    return list(app.main.pane.query(ArticleImage))


def _screen(app: GazetteApp) -> str:
    return app.export_screenshot().replace("&#160;", " ")


@pytest.fixture
def server(feed_server: FeedServer) -> Iterator[FeedServer]:
    feed_server.page("/top.png", png(40, 20), content_type="image/png")
    feed_server.page("/bottom.jpg", jpeg(64, 48), content_type="image/jpeg")
    yield feed_server


async def test_an_image_is_fetched_when_it_comes_into_view_and_not_before(
    tmp_path: Path, server: FeedServer, ui: Helpers
) -> None:
    body = (
        "<p>Intro.</p>"
        + _img(server, "/top.png", "Top picture")
        + FILLER
        + _img(server, "/bottom.jpg", "Bottom picture")
    )
    lib = await _library(tmp_path, body)
    app = _app(lib)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _open(app, pilot, ui)
            top, bottom = _images(app)
            await ui.wait_for(pilot, lambda: top.state == "shown")
            await pilot.pause()
            assert "▀" in _screen(app)
            assert bottom.state == "waiting"
            assert server.hits("/bottom.jpg") == 0
            assert server.hits("/top.png") == 1
            app.main.pane.scroll_end(animate=False)
            await ui.wait_for(pilot, lambda: bottom.state == "shown")
            assert server.hits("/bottom.jpg") == 1
    finally:
        lib.close()


async def test_text_around_an_image_keeps_its_place_and_links(
    tmp_path: Path, server: FeedServer, ui: Helpers
) -> None:
    body = "<p>Before.</p>" + _img(server, "/top.png", "Top picture") + "<p>After.</p>"
    lib = await _library(tmp_path, body)
    app = _app(lib)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _open(app, pilot, ui)
            (image,) = _images(app)
            texts = [w.laid.content.plain for w in app.main.pane.query(ArticleText)]
            assert texts == ["Before.", "🖼  Top picture[1]", "After."]
            assert app.main.pane.links[0].url == server.url("/top.png")
            await ui.wait_for(pilot, lambda: image.state == "shown")
            assert "Before." in _screen(app) and "After." in _screen(app)
    finally:
        lib.close()


@pytest.mark.hostile
async def test_bad_images_show_their_alt_text_and_never_crash(
    tmp_path: Path, feed_server: FeedServer, ui: Helpers
) -> None:
    feed_server.page("/bad.png", b"<html>not an image</html>", content_type="image/png")
    feed_server.status("/missing.png", 404)
    feed_server.page("/bomb.png", bomb_png(), content_type="image/png")
    feed_server.big("/huge.png", 200_000)
    feed_server.slow("/slow.png", png(), interval=0.5)
    cases = ["bad", "missing", "bomb", "huge", "slow"]
    body = "".join(_img(feed_server, f"/{name}.png", f"Alt of {name}") for name in cases)
    lib = await _library(tmp_path, body)
    app = _app(lib)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _open(app, pilot, ui)
            images = _images(app)
            assert len(images) == len(cases)
            await ui.wait_for(pilot, lambda: all(i.state == "failed" for i in images))
            await pilot.pause()
            screen = _screen(app)
            for name in cases:
                assert f"Alt of {name}" in screen
            reasons = " ".join(i.failure for i in images)
            for reason in ("not an image", "404", "too many pixels", "larger than", "timed out"):
                assert reason in reasons
            assert "▀" not in screen
            assert app.is_running
    finally:
        lib.close()


async def test_the_cache_serves_the_second_open_and_stays_under_its_limit(
    tmp_path: Path, feed_server: FeedServer, ui: Helpers
) -> None:
    for n in range(3):
        feed_server.page(f"/c{n}.png", png(40, 20, (n * 80, 10, 10)), content_type="image/png")
    limit = len(png(40, 20)) * 2 + 10  # room for two of the three
    body = "".join(_img(feed_server, f"/c{n}.png", f"Picture {n}") for n in range(3))
    lib = await _library(tmp_path, body, cache_bytes=limit)
    app = _app(lib)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _open(app, pilot, ui)
            await ui.wait_for(pilot, lambda: all(i.state == "shown" for i in _images(app)))
            cached = sum(p.stat().st_size for p in (tmp_path / "cache").iterdir())
            assert 0 < cached <= limit
            await pilot.press("escape")
            await ui.settle(pilot)
            await _open(app, pilot, ui)
            await ui.wait_for(pilot, lambda: all(i.state == "shown" for i in _images(app)))
            hits = [feed_server.hits(f"/c{n}.png") for n in range(3)]
            # The cache held two of the three: the second open read at least one
            # from it and fetched each at most once more.  (Which, and whether
            # the one fetched again evicts another before it is read, depends
            # on the order the three workers run in: [1, 1, 2] or [1, 2, 2].)
            assert min(hits) == 1 and max(hits) == 2
            cached = sum(p.stat().st_size for p in (tmp_path / "cache").iterdir())
            assert cached <= limit
    finally:
        lib.close()


@pytest.mark.parametrize("setting", ["off", "auto"])
async def test_images_off_show_alt_text_only(
    tmp_path: Path, server: FeedServer, ui: Helpers, setting: str
) -> None:
    """ "auto" in an app that never asked the terminal (a test) is "off"."""
    body = "<p>Before.</p>" + _img(server, "/top.png", "Top picture") + "<p>After.</p>"
    lib = await _library(tmp_path, body)
    app = _app(lib, images=setting)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _open(app, pilot, ui)
            await ui.settle(pilot)
            assert _images(app) == []
            texts = [w.laid.content.plain for w in app.main.pane.query(ArticleText)]
            assert texts == ["Before.\n\n🖼  Top picture[1]\n\nAfter."]
            assert "Top picture" in _screen(app)
            assert server.hits("/top.png") == 0
    finally:
        lib.close()


def test_cells_for_keeps_the_ratio_and_the_width() -> None:
    assert cells_for((40, 20), (10, 20), 100) == (4, 1)
    assert cells_for((1000, 500), (10, 20), 50) == (50, 12)
    assert cells_for((1, 1), (10, 20), 50) == (1, 1)


class FixedPictures(Library):
    """Images from memory by URL, decoded as the core decodes them (no network: the
    snapshot's URLs must not carry a port number)."""

    pictures: dict[str, bytes] = {}  # noqa: RUF012 - set per test

    @override
    def image(self, url: str, box: tuple[int, int]) -> Image:
        return decode_image(url, self.pictures[url], box)


def test_snapshot_of_an_article_with_an_image(
    snap_compare: Any, tmp_path: Path, ui: Helpers
) -> None:
    url = "https://example.org/sunset.png"
    body = (
        "<p>The harbour at dusk, from the lighthouse.</p>"
        f'<figure><img src="{url}" alt="A sunset over the harbour">'
        "<figcaption>Sunset, seen from the pier.</figcaption></figure>"
        "<p>The boats came in one by one.</p>"
    )
    feed = tmp_path / "images.xml"
    item = rss_item("img-1", "Pictures", date="Wed, 20 Mar 2024 10:00:00 GMT", body=body)
    feed.write_text(rss_feed(item, title="Images"), encoding="utf-8")
    lib = FixedPictures(tmp_path / "images.db", clock=lambda: NOW)
    lib.pictures = {url: png(240, 100, (230, 120, 40))}
    lib.add_feed(str(feed))
    while lib.convert_pending(100):
        pass
    app = _app(lib)

    async def run_before(pilot: Any) -> None:
        await _open(app, pilot, ui)
        await ui.wait_for(pilot, lambda: all(i.state == "shown" for i in _images(app)))
        await ui.settle(pilot)

    try:
        assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)
    finally:
        lib.close()

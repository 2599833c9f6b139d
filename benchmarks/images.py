"""Opening an article with three block images: time to its text, time to its first picture.

In process, through Textual's Pilot at 120x40 with half-block pictures (the
benchmark has no terminal to ask for a graphics protocol), the images served
by the loopback feed server (``tests/feedserver.py``): 3 PNGs of 640 x 360.
Each open is timed from the Enter key to the body on screen (``text``) and
to the first picture drawn (``first image``), with an empty image cache
(``cold``: fetched, decoded) and again with it filled (``warm``: read from
disk, decoded).  The pane paints the text without waiting for any picture;
the pictures load in workers, so "text" must not grow with them.
"""

from __future__ import annotations

import asyncio
import io
import sys
import tempfile
import time
from pathlib import Path

from context import Bench
from measure import ROOT, log
from report import Figure

sys.path.insert(0, str(ROOT / "tests"))

from builders import rss_feed, rss_item
from feedserver import FeedServer

NOW = 1_710_979_200


def _png(n: int) -> bytes:
    from PIL import Image

    image = Image.new("RGB", (640, 360), (40 * n, 90, 160))
    image.paste((200, 40 * n, 30), (0, 0, 640, 120))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _library(work: Path, server: FeedServer) -> object:
    from tui.core import ImageSettings, Library

    body = "<p>Three pictures follow.</p>" + "".join(
        f'<figure><img src="{server.url(f"/p{n}.png")}" alt="Picture {n}">'
        f"<figcaption>Caption {n}.</figcaption></figure>"
        for n in range(3)
    )
    feed = work / "images.xml"
    item = rss_item("bench-img", "Pictures", date="Wed, 20 Mar 2024 10:00:00 GMT", body=body)
    feed.write_text(rss_feed(item, title="Images"), encoding="utf-8")
    lib = Library(
        work / "images.db", clock=lambda: NOW, images=ImageSettings(cache_dir=work / "cache")
    )
    lib.add_feed(str(feed))
    while lib.convert_pending(100):
        pass
    return lib


async def _open_once(lib: object) -> tuple[float, float]:
    """Seconds from Enter to the text mounted, and to the first picture mounted.

    The moments are taken inside the app (the pane's ``show_body`` and the
    image's answer handler), not by polling from the test's side of the
    loop, which would see both only when the loop next lets it run.
    """
    from tui.config import Config, ReadingConfig
    from tui.ui.app import GazetteApp
    from tui.ui.screens.bodies import WARM_AFTER
    from tui.ui.widgets.article_image import ArticleImage
    from tui.ui.widgets.article_pane import ArticlePane

    marks: dict[str, float] = {}
    show_body, loaded = ArticlePane.show_body, ArticleImage.on_article_image_loaded

    def timed_show(self: ArticlePane, *args: object, **kwargs: object) -> object:
        result = show_body(self, *args, **kwargs)  # type: ignore[arg-type]
        marks.setdefault("text", time.perf_counter())
        return result

    def timed_loaded(self: ArticleImage, message: ArticleImage.Loaded) -> None:
        loaded(self, message)
        if self.state == "shown":
            marks.setdefault("image", time.perf_counter())

    ArticlePane.show_body = timed_show  # type: ignore[method-assign,assignment]
    ArticleImage.on_article_image_loaded = timed_loaded  # type: ignore[method-assign]
    app = GazetteApp(
        lib,  # type: ignore[arg-type]
        clock=lambda: NOW,
        config=Config(reading=ReadingConfig(images="halfcell")),
    )
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            while app.reader is None or not app.main.article_list.count:
                await pilot.pause(0.01)
            await pilot.pause(WARM_AFTER + 0.5)  # the body machinery warmed, as in use
            start = time.perf_counter()
            await pilot.press("enter")
            deadline = start + 30
            while "image" not in marks:
                if time.perf_counter() > deadline:
                    raise RuntimeError("no picture in 30 s")
                await pilot.pause(0.01)
    finally:
        ArticlePane.show_body = show_body  # type: ignore[method-assign]
        ArticleImage.on_article_image_loaded = loaded  # type: ignore[method-assign]
    return marks["text"] - start, marks["image"] - start


def run_images(bench: Bench) -> None:
    runs = 3 if bench.quick else 10
    cold_text: list[float] = []
    cold_first: list[float] = []
    warm_text: list[float] = []
    warm_first: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, FeedServer(Path(tmp)) as server:
        for n in range(3):
            server.page(f"/p{n}.png", _png(n), content_type="image/png")
        for run in range(runs):
            work = Path(tmp) / f"run{run}"
            work.mkdir()
            lib = _library(work, server)
            try:
                for texts, firsts in ((cold_text, cold_first), (warm_text, warm_first)):
                    text, first = asyncio.run(_open_once(lib))
                    texts.append(text * 1000)
                    firsts.append(first * 1000)
            finally:
                lib.close()  # type: ignore[attr-defined]
    log(f"images: {runs} opens cold and warm")
    bench.figures += [
        Figure("open 3-image article: text (cold cache)", "ms", cold_text, note=""),
        Figure("open 3-image article: first image (cold cache)", "ms", cold_first),
        Figure("open 3-image article: text (warm cache)", "ms", warm_text),
        Figure("open 3-image article: first image (warm cache)", "ms", warm_first),
    ]
    bench.raw["images"] = {
        "cold_text": cold_text,
        "cold_first": cold_first,
        "warm_text": warm_text,
        "warm_first": warm_first,
    }

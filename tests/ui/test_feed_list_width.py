"""The feed list measures its labels without building them (startup speed, issue 7).

``FeedList.get_label_width`` works the width out from the parts of the label;
these tests pin that it always equals the width of the label ``render_label``
really draws (what Textual's own ``Tree.get_label_width`` measures), for
wide, narrow, nested, failing, tagged and awkward titles, and that the list
still shows titles and counts.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Tree
from typing_extensions import override

from tui.core.models import Feed, SavedSearch, TagCount
from tui.ui.widgets.feed_list import FeedList

TITLES = (
    "Plain title",
    "",
    "x",
    "A very long feed title that will not fit in a narrow feed list at all, no",
    "日本語のフィードのタイトルはとても長いです、本当に長いです",
    "Emoji 🎉🎉🎉 party feed with more words",
    "Combining e\u0301e\u0301e\u0301 accents and more text after them",
    "Tabs\tand\nnewlines  and   spaces",
    "[b]markup[/b] [/] [@click=app.quit]x[/]",
    "\x1b[31mred\x1b[0m title",
    "全角",
)


def _feed(i: int, title: str, *, folder: str | None, unread: int, error: str | None) -> Feed:
    return Feed(
        id=i,
        url=f"http://example.com/{i}.xml",
        title=title,
        site_url=None,
        folder=folder,
        tags=(),
        etag=None,
        last_modified=None,
        last_fetched=None,
        last_changed=None,
        last_status=None,
        error=error,
        gone=False,
        total=unread * 3,
        unread=unread,
    )


def _feeds() -> list[Feed]:
    folders = (None, "News", "Tech/Rust/Deep", "日本")
    return [
        _feed(
            i + 1,
            title,
            folder=folders[i % len(folders)],
            unread=(0, 7, 12345, 99999999)[i % 4],
            error="boom" if i % 3 == 0 else None,
        )
        for i, title in enumerate(TITLES)
    ]


class ListApp(App[None]):
    @override
    def compose(self) -> ComposeResult:
        yield FeedList(id="feeds")

    def on_mount(self) -> None:
        self.query_one(FeedList).load(
            _feeds(),
            {"all": 5, "unread": 123456},
            [TagCount("long tag name that goes on and on", 100000, 99999), TagCount("t", 1, 0)],
            [SavedSearch(1, "Rust 🦀 news", "rust", 3), SavedSearch(2, "", "x", 0)],
        )


def _check_widths(feeds: FeedList) -> int:
    nodes = [line.node for line in feeds._tree_lines]
    assert nodes
    for node in nodes:
        drawn = Tree.get_label_width(feeds, node)  # render_label(...).cell_len
        assert feeds.get_label_width(node) == drawn, repr(node.data)
    return len(nodes)


async def test_label_width_matches_the_drawn_label_at_every_width() -> None:
    app = ListApp()
    async with app.run_test(size=(80, 24)) as pilot:
        feeds = app.query_one(FeedList)
        for width in (3, 5, 8, 9, 10, 11, 12, 14, 17, 20, 31, 40, 64, 80):
            feeds.styles.width = width
            await pilot.pause()
            assert _check_widths(feeds) > len(TITLES)
            # Folded folders draw another icon: measure those too.
            for node in feeds._by_key.values():
                if node.allow_expand:
                    node.collapse()
            await pilot.pause()
            _check_widths(feeds)
            for node in feeds._by_key.values():
                if node.allow_expand:
                    node.expand()
            await pilot.pause()


async def test_feed_list_still_shows_titles_and_counts() -> None:
    app = ListApp()
    async with app.run_test(size=(60, 30)) as pilot:
        await pilot.pause()
        feeds = app.query_one(FeedList)
        strips = [feeds.render_line(y) for y in range(feeds.size.height)]
        text = "\n".join(strip.text for strip in strips)
        assert "Unread" in text and "123456" in text
        assert "#long tag name" in text and "99999/100000" in text
        assert "Rust 🦀 news" in text
        # Every drawn line fills the list exactly (the width the tree was told).
        assert feeds.virtual_size.width == feeds.scrollable_content_region.width
        assert all(strip.cell_length == feeds.size.width for strip in strips)

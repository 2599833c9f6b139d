"""The feed list: smart views, saved searches, tags, sync accounts, folders and feeds.

A ``Tree`` fits: folders fold open and shut, the cursor and mouse work out of
the box, and labels are ``Text`` (never markup).  What each node stands for
is built in ``feed_sources`` (pure); this module draws it.

The list shows the reader screen's ``Counts`` (a reactive bound with
``data_bind``): when they change, ``watch_counts`` redraws only what moved.
Counts are updated in place (``set_label``) so a mark-read does not rebuild
the tree or lose folds; the tree is rebuilt only when the set of feeds or
folders changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.core import Account, Feed, SavedSearch, TagCount, folders
from tui.ui import safe
from tui.ui.state import Counts, changed_feeds
from tui.ui.widgets.feed_sources import (
    Source,
    account_source,
    build_sources,
    smart_views,
    tag_key,
)

__all__ = ["FeedList", "Source", "build_sources", "tag_key"]


class FeedList(Tree[Source]):
    """Smart views, folders and feeds; highlighting a node shows its articles."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="feeds.down", tooltip="Move down"),
        Binding("k", "cursor_up", "Up", show=False, id="feeds.up", tooltip="Move up"),
        Binding("enter", "choose", "Open", id="feeds.open", tooltip="Fold a folder or open a feed"),
        Binding("l", "dive", "Open", show=False, id="feeds.dive", tooltip="Open a folder or feed"),
        Binding("h", "fold", "Fold", show=False, id="feeds.fold", tooltip="Close the folder"),
        Binding(
            "c,f2",
            "rename",
            "Rename",
            show=False,
            id="feeds.rename",
            tooltip="Rename the selected folder, tag or saved search",
        ),
    ]

    DEFAULT_CSS = """
    FeedList { scrollbar-size-vertical: 1; }
    FeedList > .feed-list--error { color: $error; }
    FeedList > .feed-list--count { color: $text-accent; text-style: bold; }
    FeedList > .feed-list--zero { color: $text-muted; }
    FeedList > .feed-list--folder { text-style: bold; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "feed-list--error",
        "feed-list--count",
        "feed-list--zero",
        "feed-list--folder",
    }

    counts: reactive[Counts] = reactive(Counts(), init=False, always_update=True)
    """What the list shows: feeds, smart counts, tags and searches (bound to the screen's)."""

    #: The list's width while the line table is built (see ``_build``).
    _build_width: int | None = None
    #: True while ``load`` adds nodes (see ``_invalidate``).
    _batching: bool = False

    class Chosen(Message):
        """Enter or "l" on a view or feed: the user wants its articles."""

        def __init__(self, source: Source | None) -> None:
            super().__init__()
            self.source = source

    class RenameRequested(Message):
        """The rename key on a source: the screen asks for the new name."""

        def __init__(self, source: Source | None) -> None:
            super().__init__()
            self.source = source

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("Feeds"), id=id)  # Text: a str is parsed as markup, slowly
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self._by_key: dict[str, TreeNode[Source]] = {}
        self._shape: tuple[tuple[str, str], ...] = ()

    # -- data ---------------------------------------------------------------

    def watch_counts(self, old: Counts, new: Counts) -> None:
        """Show new counts: in place when only feeds' numbers moved, else ``load``.

        Why not always ``load``: an article opened, starred or marked read
        changes one feed, and rebuilding every source of 2,000 feeds for it
        cost more than the rest of opening the article.
        """
        if not new.loaded:
            return
        changed = changed_feeds(old, new) if old.loaded else None
        if changed is not None and all(self.update_feed(f, new.smart) for f in changed):
            if not changed:
                self._show_smart(new.smart)
            if new.folder_copies != old.folder_copies:
                self._show_folder_copies(old.folder_copies, new.folder_copies)
            if new.accounts and (new.accounts != old.accounts or changed):
                self._show_accounts(new)
            return
        self.load(
            new.feeds.values(), new.smart, new.tags, new.searches, new.accounts, new.folder_copies
        )

    def load(
        self,
        feeds: Iterable[Feed],
        counts: Mapping[str, int],
        tags: Iterable[TagCount] = (),
        searches: Iterable[SavedSearch] = (),
        accounts: Iterable[Account] = (),
        folder_copies: Mapping[str, int] | None = None,
    ) -> None:
        """Show these feeds, tags, searches, accounts and counts, keeping folds and the cursor.

        ``folder_copies`` (by folder key) is taken off the folders' sums, as
        ``build_sources`` says.
        """
        sources = build_sources(feeds, counts, tags, searches, accounts, folder_copies)
        shape = tuple((parent, s.key) for parent, s in sources)
        if shape == self._shape:
            for _parent, source in sources:
                node = self._by_key[source.key]
                if node.data != source:
                    node.data = source
                    node.set_label(safe.text(source.title))  # drawn by render_label
            self.refresh()
            return
        current = self.current.key if self.current else "smart:all"
        collapsed = {key for key, node in self._by_key.items() if not node.is_expanded}
        self.clear()
        self._by_key = {}
        self._batching = True  # one invalidation for the whole tree, not one a node
        try:
            for parent, source in sources:
                parent_node = self._by_key[parent] if parent else self.root
                if source.kind in ("folder", "section"):
                    node = parent_node.add(safe.text(source.title), data=source)
                    if source.key not in collapsed:
                        node.expand()
                else:
                    node = parent_node.add_leaf(safe.text(source.title), data=source)
                self._by_key[source.key] = node
        finally:
            self._batching = False
            self._invalidate()
        self._shape = shape
        self.select_key(current if current in self._by_key else "smart:all")

    def update_feed(self, feed: Feed, counts: Mapping[str, int]) -> bool:
        """Show one feed's new counts, its folders' and the smart views'.

        Why: an article opened, starred or marked read changes only these,
        and rebuilding every source of 2,000 feeds for it cost more than the
        rest of opening the article.  The folders' counts move by the feed's
        change, which keeps them the sums ``build_sources`` makes.  Returns
        False (nothing changed) when the feed is not shown as it was (another
        title or folder, or gone): then only ``load`` can show it.
        """
        node = self._by_key.get(f"feed:{feed.id}")
        old = node.data if node is not None else None
        if (
            node is None
            or old is None
            or old.feed is None
            or old.feed.title != feed.title
            or old.feed.folder != feed.folder
        ):
            return False
        delta = feed.unread - old.unread
        changed = [(node, replace(old, feed=feed, unread=feed.unread))]
        parent = node.parent
        while parent is not None and parent is not self.root:
            if parent.data is not None:
                changed.append((parent, replace(parent.data, unread=parent.data.unread + delta)))
            parent = parent.parent
        self._relabel(changed)
        self._show_smart(counts)
        return True

    def _show_folder_copies(self, old: Mapping[str, int], new: Mapping[str, int]) -> None:
        """The folders whose copies counted twice moved (a story with copies was
        read or unread): their counts move by the difference, as ``update_feed``
        moves them by a feed's, which keeps them what ``build_sources`` makes."""
        moved = {k: old.get(k, 0) - new.get(k, 0) for k in old.keys() | new.keys()}
        changed = []
        for node in self._by_key.values():
            source = node.data
            if source is not None and source.kind == "folder":
                delta = moved.get(folders.key(source.view.folder), 0)
                if delta:
                    changed.append((node, replace(source, unread=source.unread + delta)))
        self._relabel(changed)

    def _show_accounts(self, counts: Counts) -> None:
        """The accounts' nodes in place: their feeds' unread counts, changes waiting."""
        feeds = list(counts.feeds.values())
        changed = []
        for account in counts.accounts:
            node = self._by_key.get(f"account:{account.id}")
            if node is not None:
                changed.append((node, account_source(account, feeds)))
        self._relabel(changed)

    def _show_smart(self, counts: Mapping[str, int]) -> None:
        """The smart views' counts (starring changes no feed's unread count)."""
        changed = []
        for key, _title, _view in smart_views(counts):
            smart = self._by_key.get(f"smart:{key}")
            if smart is not None and smart.data is not None:
                changed.append((smart, replace(smart.data, unread=counts.get(key, 0))))
        self._relabel(changed)

    def _relabel(self, changed: list[tuple[TreeNode[Source], Source]]) -> None:
        for node, source in changed:
            if node.data != source:
                node.data = source
                node.set_label(safe.text(source.title))  # drawn by render_label
        self.refresh()

    def select_key(self, key: str) -> None:
        """Move the cursor to a source by key (opening its folders)."""
        node = self._by_key.get(key)
        if node is None:
            return
        parent = node.parent
        while parent is not None and parent is not self.root:
            parent.expand()
            parent = parent.parent
        _ = self.last_line  # builds the line table so the node has a line number
        self.move_cursor(node)

    @property
    def current(self) -> Source | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def sources(self) -> list[Source]:
        """Every source in display order (folded ones too)."""
        return [node.data for node in self._by_key.values() if node.data is not None]

    def folder_source(self, path: str) -> Source | None:
        """The folder node that ``path`` names, in whatever case it is shown."""
        wanted = folders.key(path)
        for source in self.sources():
            if source.kind == "folder" and folders.key(source.view.folder) == wanted:
                return source
        return None

    # -- actions ------------------------------------------------------------

    def action_choose(self) -> None:
        """Enter: fold a folder open or shut; on anything else, go to its articles."""
        node = self.cursor_node
        if node is not None and node.allow_expand:
            node.toggle()
        elif node is not None:
            self.post_message(self.Chosen(node.data))

    def action_dive(self) -> None:
        """ "l" (vim-like): open a shut folder, else go to the articles."""
        node = self.cursor_node
        if node is not None and node.allow_expand and not node.is_expanded:
            node.expand()
        elif node is not None:
            self.post_message(self.Chosen(node.data))

    def action_rename(self) -> None:
        """Ask the screen to rename what is selected (it knows the dialogs)."""
        self.post_message(self.RenameRequested(self.current))

    def action_fold(self) -> None:
        """Close the folder under the cursor, or the one holding it."""
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)
            node.parent.collapse()

    # -- drawing ------------------------------------------------------------

    def _label_parts(self, node: TreeNode[Source], source: Source) -> tuple[str, str, str, int]:
        """(icon, mark, count, width) of a source's label: what ``render_label``
        draws and ``get_label_width`` measures, worked out in one place."""
        depth = 0
        parent = node.parent
        while parent is not None and parent is not self.root:
            depth += 1
            parent = parent.parent
        icon = ""
        if node.allow_expand:
            icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
        if source.total is not None:
            count = f"{source.unread}/{source.total}"
        else:
            count = str(source.unread) if source.unread else ""
        mark = "! " if source.error else "#" if source.kind == "tag" else ""
        full = self._build_width
        if full is None:
            full = self.scrollable_content_region.width
        width = full - depth * self.guide_depth
        return icon, mark, count, width

    def process_label(self, label: str | Text) -> Text:
        """A one-line ``Text`` label is kept as it is (``Tree`` copies it to
        cut it at the first line break, 2,000 copies for 2,000 feeds)."""
        if isinstance(label, Text) and "\n" not in label.plain:
            return label
        return super().process_label(label)

    def _invalidate(self) -> None:
        """Textual's cache invalidation, done once after ``load`` adds its nodes.

        Why: ``Tree`` invalidates (and schedules a refresh) on every node
        added, 2,000 times for 2,000 feeds; nothing reads the tree while
        ``load`` builds it, so one invalidation at the end is the same.
        """
        if not self._batching:
            super()._invalidate()

    def _build(self) -> None:
        """Textual's line-table build, with the list's width worked out once.

        The build measures every label (``get_label_width``) and each needs
        the width; reading ``scrollable_content_region`` 2,000 times was half
        the cost.  Nothing can change the size during the build.
        """
        self._build_width = self.scrollable_content_region.width
        try:
            super()._build()
        finally:
            self._build_width = None

    def get_label_width(self, node: TreeNode[Source]) -> int:
        """The cell width ``render_label`` gives, without building the label.

        Why: the tree measures every line's label each time it rebuilds its
        line table (several times while the app starts), and building 2,000
        labels each time cost a good part of startup.  A label with room
        for its title fills the width exactly (the title is cut to the room
        and the gap pads the rest); a narrower one is icon, mark, the whole
        title, one space and the count.
        """
        source = node.data
        if source is None:
            return super().get_label_width(node)
        icon, mark, count, width = self._label_parts(node, source)
        room = width - len(icon) - len(count) - len(mark) - 1
        if room >= 6:
            return cell_len(icon) + len(mark) + room + 1 + len(count)
        title = safe.clean(source.title) or "(untitled)"
        return cell_len(icon) + len(mark) + cell_len(title) + 1 + len(count)

    def render_label(self, node: TreeNode[Source], base_style: Style, style: Style) -> Text:
        """Title on the left, unread count on the right, failing feeds in red with "!"."""
        source = node.data
        if source is None:
            return super().render_label(node, base_style, style)
        icon, mark, count, width = self._label_parts(node, source)
        room = width - len(icon) - len(count) - len(mark) - 1
        title = safe.clean(source.title) or "(untitled)"
        if room >= 6:
            title = safe.truncate(title, room)
            gap = " " * max(1, width - len(icon) - len(mark) - len(count) - Text(title).cell_len)
        else:
            gap = " "
        title_style = style
        if source.error:
            title_style = style + self.get_component_rich_style("feed-list--error", partial=True)
        elif source.kind in ("folder", "section"):
            title_style = style + self.get_component_rich_style("feed-list--folder", partial=True)
        count_style = style + self.get_component_rich_style("feed-list--count", partial=True)
        return Text.assemble(
            (icon, base_style),
            (mark, title_style),
            (title, title_style),
            (gap, style),
            (count, count_style),
            no_wrap=True,
            end="",
        )

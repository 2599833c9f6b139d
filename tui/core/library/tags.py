"""Tags: set on articles (feeds carry theirs through the store), renamed,
removed, counted and completed.  Names are cleaned by the store, with
:mod:`tui.core.tags`' one rule."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tui.core.library.base import LibraryBase
from tui.core.library.history import undoable
from tui.core.models import TagCount
from tui.core.wording import plural


class TagsMixin(LibraryBase):
    """Article tags and the tag list."""

    @undoable(
        lambda lib, n, ids, add=(), remove=(): (
            f"Tagged {plural(n, 'article')}: "
            + " ".join([*(f"+{t}" for t in add), *(f"-{t}" for t in remove)])
        )
    )
    def set_tags(
        self, article_ids: Sequence[int], *, add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> int:
        """Add and remove article tags in one transaction; returns articles touched."""
        return self.store.set_tags(article_ids, add=add, remove=remove)

    def tags(self) -> list[TagCount]:
        """Every tag with its article and unread counts."""
        return self.store.all_tags()

    def tags_on(self, article_ids: Sequence[int]) -> list[tuple[str, int]]:
        """Tags set directly on any of these articles, with how many carry each.

        The bulk tag editor shows these as the view's current tags; feed
        (folder) tags are left out because removing them here would not work.
        """
        return self.store.tags_on(article_ids)

    @undoable(lambda lib, name, old, new: f"Renamed tag {old} to {name}")
    def rename_tag(self, old: str, new: str) -> str:
        return self.store.rename_tag(old, new)

    @undoable(lambda lib, n, name: f"Deleted tag {name} (from {plural(n, 'article')})")
    def remove_tag(self, name: str) -> int:
        return self.store.delete_tag(name)

    def tag_completions(self, prefix: str, *, exclude: Iterable[str] = ()) -> list[str]:
        return self.store.tag_completions(prefix, exclude=exclude)

"""Tag flows: tag the article (t) or the whole view (T), rename and delete a tag.

``TagFlows`` is a layer of ``MainScreen`` on ``ReadingBase``.  The dialogs
call back here after each change so every row marker, the header and the
counts are redrawn at once (articles are read again in the lane).
"""

from __future__ import annotations

from functools import partial

from tui.core import View, plural
from tui.ui import safe
from tui.ui.screens.answers import Done
from tui.ui.screens.reading import ReadingBase
from tui.ui.widgets.feed_list import tag_key
from tui.ui.workers import Outcome

__all__ = ["TagFlows"]


class TagFlows(ReadingBase):
    """t, T, and renaming and deleting tags."""

    # -- tags ---------------------------------------------------------------------

    def action_tag(self) -> None:
        """t: edit the tags of the article (the open one, else the list's)."""
        from tui.ui.screens.tag_editor import TagEditorScreen  # see keys.LATE_SCREENS

        article = self.target()
        if article is None:
            self.app.notify("No article to tag here.", markup=False)
            return
        self.app.push_screen(
            TagEditorScreen(
                self.library,
                safe.clean(article.title) or "(untitled)",
                ids=[article.id],
                changed=self._tags_changed,
            )
        )

    def action_tag_view(self) -> None:
        """T: edit the tags of every article in the view, after confirming."""
        from tui.ui.screens.confirm import ConfirmScreen  # see keys.LATE_SCREENS
        from tui.ui.screens.tag_editor import TagEditorScreen

        lst = self.article_list
        if lst.count == 0 or lst.notice:
            self.app.notify("No articles in this view.", markup=False)
            return
        if lst.counting:  # the dialog would name the first page's size
            self.app.notify("Still counting this view; try again in a moment.", markup=False)
            return
        query, view, count = lst.search_query, lst.view, lst.count
        if query is not None:
            what = f"the {plural(count, 'result')} of {safe.clean(query)[:60]}"
        else:
            name = safe.clean(self.source.title if self.source else "")
            what = f"the {plural(count, 'article')} in {name}"

        target = view if query is None else View(query=query)

        def load_ids() -> list[int]:
            return self.library.view_ids(target)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(
                    TagEditorScreen(
                        self.library,
                        plural(count, "article"),
                        load_ids=load_ids,
                        changed=self._tags_changed,
                    )
                )

        self.app.push_screen(ConfirmScreen(f"Edit the tags of {what}?", "Edit tags"), confirmed)

    def _tags_changed(self, ids: list[int]) -> None:
        """Tags changed on these articles: redraw their rows, the header and the counts."""
        lst = self.article_list
        if len(ids) == 1:
            self._reread(ids[0])
        else:
            lst.reload(keep=lst.current)
            if self.pane.article is not None and self.pane.article.id in set(ids):
                self._reread(self.pane.article.id)
        self.refresh_counts()

    def rename_tag(self, name: str) -> None:
        """Ask a new name for a tag (an existing name merges the two)."""
        from tui.ui.screens.prompt import PromptScreen, change_error  # see keys.LATE_SCREENS

        result: list[str] = []

        def submit(new: str) -> str | None:
            return change_error(lambda: result.append(self.library.rename_tag(name, new)))

        def renamed(new: str | None) -> None:
            if new is not None and result:
                self._tags_renamed(name, result[-1])

        self.app.push_screen(
            PromptScreen(
                f"Rename tag {safe.clean(name)}",
                "New name",
                submit,
                value=name,
                library=self.library,
            ),
            renamed,
        )

    def delete_tag(self, name: str) -> None:
        """Delete a tag from every article and feed, after confirming (in the lane)."""
        from tui.ui.screens.confirm import ConfirmScreen  # see keys.LATE_SCREENS

        def deleted(outcome: Outcome[int]) -> None:
            if outcome.value is None:
                self.app.notify(outcome.error, severity="error", markup=False)
                return
            self._tags_renamed(name, None)
            self.app.notify(
                f"Deleted the tag {safe.clean(name)} from {plural(outcome.value, 'article')}.",
                markup=False,
            )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.status.flash(f"Deleting the tag {safe.clean(name)}…")
                self.lane.put(lambda: self.library.remove_tag(name), partial(Done, show=deleted))

        self.app.push_screen(
            ConfirmScreen(f"Delete the tag {safe.clean(name)}?\nThe articles stay."),
            confirmed,
        )

    def _tags_renamed(self, old: str, new: str | None) -> None:
        """A tag was renamed (``new``) or deleted: redraw rows, header, counts."""
        was_shown = self.source is not None and self.source.key == tag_key(old)

        def show() -> None:
            if was_shown:
                self._show_key(tag_key(new) if new else None)
            else:
                self.article_list.reload(keep=self.article_list.current)
            if self.pane.article is not None:
                self._reread(self.pane.article.id)

        self.refresh_counts(show)

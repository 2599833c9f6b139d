"""Folder flows: rename a folder (its feeds and subfolders move; an existing path merges).

``FolderFlows`` is a layer of ``MainScreen`` on ``SourcesBase``; the
renaming rule itself is the core's (``tui.core.folders``).
"""

from __future__ import annotations

from tui.core import folders, plural
from tui.ui import safe
from tui.ui.screens.sources import SourcesBase

__all__ = ["FolderFlows"]


class FolderFlows(SourcesBase):
    """Renaming folders."""

    # -- folders ------------------------------------------------------------------

    def rename_folder(self, path: str) -> None:
        """Ask a new path for a folder: its feeds and subfolders move, an existing
        path merges the two (the same dialog and rules as renaming a tag)."""
        from tui.ui.screens.prompt import PromptScreen, change_error  # see keys.LATE_SCREENS

        result: list[tuple[str, int]] = []

        def submit(new: str) -> str | None:
            return change_error(lambda: result.append(self.library.rename_folder(path, new)))

        def renamed(new: str | None) -> None:
            if new is not None and result:
                self._folder_renamed(path, *result[-1])

        self.app.push_screen(
            PromptScreen(
                f"Rename folder {safe.clean(path)}",
                'New path ("/" nests it; an existing folder merges)',
                submit,
                value=path,
                action="Rename",
                library=self.library,
            ),
            renamed,
        )

    def _folder_renamed(self, old: str, new: str, moved: int) -> None:
        """Rebuild the tree; a folder shown from the renamed one is shown under its new path."""
        source = self.source

        def show() -> None:
            if source is not None and source.kind == "folder" and source.view.folder is not None:
                path = folders.renamed(source.view.folder, old, new) or source.view.folder
                moved_to = self.feed_list.folder_source(path)
                self._show_key(moved_to.key if moved_to is not None else None)

        self.refresh_counts(show)
        self.app.notify(
            f"Renamed the folder {safe.clean(old)} to {safe.clean(new)} "
            f"({plural(moved, 'feed')} moved).",
            markup=False,
        )

"""The article's links: open it in the browser (o), copy it (y), and numbered links (L, Y).

``LinkActions`` is a layer of ``MainScreen`` on ``PanesBase``.  Only links
that are web URLs (:func:`tui.core.urls.is_web_url`) open; anything else is
named in a notification, never launched.
"""

from __future__ import annotations

from tui.core import urls
from tui.ui import safe
from tui.ui.screens.panes import PanesBase

__all__ = ["LinkActions"]


class LinkActions(PanesBase):
    """o, y, L and Y."""

    # -- the article's link -------------------------------------------------------

    def _link(self) -> str | None:
        article = self.target()
        if article is None or not article.url:
            self.app.notify("This article has no link.", markup=False)
            return None
        return article.url

    def action_open_link(self) -> None:
        url = self._link()
        if url is None:
            return
        if urls.is_web_url(url):
            self.app.open_url(url)
        else:
            self.app.notify(f"Not opening {safe.clean(url)[:80]}", markup=False)

    def action_copy_link(self) -> None:
        url = self._link()
        if url is not None:
            self.app.copy_to_clipboard(url)
            self.app.notify("Link copied.", markup=False)

    # -- numbered links (L, Y) ----------------------------------------------------

    def action_link_number(self, verb: str) -> None:
        """L / Y: ask for a link's number (the [N] in the article), then open or copy it."""
        from tui.ui.screens.prompt import PromptScreen  # see keys.LATE_SCREENS

        pane = self.pane
        if pane.article is None:
            self.app.notify("Open an article to use its links.", markup=False)
            return
        links = pane.links
        if not links:
            loading = pane.loading_body
            why = "The article is still loading." if loading else "This article has no links."
            self.app.notify(why, markup=False)
            return
        count = len(links)

        def submit(text: str) -> str | None:
            number = text.strip().strip("[]")
            if number.isascii() and number.isdigit() and 1 <= int(number) <= count:
                return None
            return f"Type a number from 1 to {count}: the [N] after a link."

        def chosen(text: str | None) -> None:
            if text is None or pane.links is not links:  # cancelled, or another article
                return
            number = int(text.strip().strip("[]"))
            url = links[number - 1].url
            if verb == "copy":
                self.app.copy_to_clipboard(url)
                self.app.notify(f"Link {number} copied.", markup=False)
            else:
                self.app.open_url(url)

        title = "Copy link" if verb == "copy" else "Open link"
        self.app.push_screen(
            PromptScreen(
                title,
                f"Which link? 1 to {count}: the [N] after a link in the article",
                submit,
                action=title.split()[0],
                placeholder="1" if count == 1 else f"1-{count}",
            ),
            chosen,
        )

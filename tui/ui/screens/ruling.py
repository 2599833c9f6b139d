"""Rules in the reader (issue 18): the Rules screen, and what the Hidden view says.

``RuleFlows`` is a layer of ``MainScreen`` on ``UndoActions``.  The Rules
screen (``screens/rules.py``, imported when first opened) makes its changes
in its own lane and calls back here after each: the reader then reads its
lists, counts and open article again, as after an undo, since a rule may
hide, colour, mark, star or tag any article.  In the Hidden view, an
opened article's header says which rules hide it ("hidden by: ..."), read
in the lane once the article is shown.
"""

from __future__ import annotations

from collections.abc import Callable

from tui.core import Article, Rule
from tui.ui import safe
from tui.ui.screens.answers import Done
from tui.ui.screens.undoing import UndoActions
from tui.ui.workers import Outcome

__all__ = ["RuleFlows"]


class RuleFlows(UndoActions):
    """The Rules screen's key, and the Hidden view's "hidden by" line."""

    def action_rules(self) -> None:
        """Open the Rules screen over the reader."""
        from tui.ui.screens.rules import RulesScreen  # see keys.LATE_SCREENS

        feeds = sorted(self.feeds.values(), key=lambda f: f.title.casefold())
        key_for = getattr(self.app, "key_for", None)
        undo_key = key_for("undo") if callable(key_for) else "u"
        self.app.push_screen(
            RulesScreen(
                self.library,
                [(f.id, f.title) for f in feeds],
                changed=self.show_changed_data,
                say=self.status.flash,
                undo_key=undo_key,
            )
        )

    def open_article(self, article: Article, then: Callable[[], None] | None = None) -> None:
        """Open as always; in the Hidden view, then say which rules hide it."""
        super().open_article(article, then)
        if self.source is None or not self.source.view.hidden:
            return
        article_id = article.id

        def read() -> dict[int, tuple[Rule, ...]]:
            return self.library.hiding_rules([article_id])

        def show(outcome: Outcome[dict[int, tuple[Rule, ...]]]) -> None:
            rules = (outcome.value or {}).get(article_id, ())
            if rules:
                labels = ", ".join(safe.clean(r.label) for r in rules)
                self.pane.show_hidden_by(article_id, labels)

        self.lane.put(read, lambda outcome: Done(outcome, show))

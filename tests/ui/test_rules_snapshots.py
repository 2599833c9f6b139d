"""Snapshot tests of rules in the reader: the Rules screen, and a list with highlighted rows.

Same ground as ``test_snapshots.py`` (fixed feeds, clock and time zone);
the rules are stored before the app starts, and the Rules screen is
captured once every rule's matches are counted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.core import rule_actions
from tui.core.library import Library
from tui.ui.screens.rules import RulesScreen

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers


def _rules(library: Library) -> None:
    library.add_rule("apple", rule_actions(highlight="red"), name="Apple news")
    library.add_rule("garmin", rule_actions(highlight="yellow"))
    library.add_rule("podcast OR episode", rule_actions(hide=True), name="No podcasts")
    library.add_rule("sync", rule_actions(star=True, tags=["later"]))
    library.apply_rules()


def test_rules_screen_80x24(
    snap_compare: Any, make_app: Any, library: Library, ui: Helpers
) -> None:
    _rules(library)
    off = library.add_rule("deal", rule_actions(mark_read=True))
    library.set_rule_enabled(off.id, False)

    async def run_before(pilot: Any) -> None:
        await ui.settle(pilot)
        await pilot.press("f")
        await ui.wait_for(pilot, lambda: isinstance(pilot.app.screen, RulesScreen))
        screen = pilot.app.screen
        await ui.wait_for(pilot, lambda: len(screen.matches) == 5)
        await ui.settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_highlighted_rows_160x45(
    snap_compare: Any, make_app: Any, library: Library, ui: Helpers
) -> None:
    _rules(library)

    async def run_before(pilot: Any) -> None:
        await ui.settle(pilot)
        await pilot.press("down", "down", "down", "down")  # onto a highlighted row
        await ui.settle(pilot)

    assert snap_compare(make_app(), terminal_size=(160, 45), run_before=run_before)
